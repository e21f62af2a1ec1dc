package dev.fleetq.exec.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.fleetq.model.suite.TestReport;
import dev.fleetq.model.suite.TestResult;
import dev.fleetq.model.suite.TestResult.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JUnitReportsTest {
  private static final List<String> SUREFIRE = List.of("**/target/surefire-reports/TEST-*.xml");
  private static final List<String> ANY_XML = List.of("**/*.xml");

  @TempDir Path repo;

  @Test
  void readsSurefireReportWithPassesFailuresErrorsAndSkips() throws IOException {
    copy("surefire-TEST-dev.example.CalculatorTest.xml", "target/surefire-reports/TEST-calc.xml");

    TestReport report = JUnitReports.read(repo, SUREFIRE);

    assertThat(statuses(report))
        .as("status of every Surefire test case")
        .containsExactly(
            entry("dev.example.CalculatorTest#addsTwoNumbers", Status.PASSED),
            entry("dev.example.CalculatorTest#subtractsTwoNumbers", Status.PASSED),
            entry("dev.example.CalculatorTest#squares(int)[1]", Status.PASSED),
            entry("dev.example.CalculatorTest#dividesByZero", Status.FAILED),
            entry("dev.example.CalculatorTest#parsesExpression", Status.ERROR),
            entry("dev.example.CalculatorTest#handlesOverflow", Status.SKIPPED));
    assertThat(report.failing())
        .as("failing ids")
        .containsExactly(
            "dev.example.CalculatorTest#dividesByZero",
            "dev.example.CalculatorTest#parsesExpression");
    assertThat(report.passing()).as("passing ids").hasSize(3);
    assertThat(report.files())
        .as("files read")
        .containsExactly(repo.resolve("target/surefire-reports/TEST-calc.xml"));

    TestResult failed = report.byId().get("dev.example.CalculatorTest#dividesByZero");
    assertThat(failed.message())
        .as("failure message, then the start of the stack trace")
        .startsWith("expected: <Infinity> but was: <NaN>\norg.opentest4j.AssertionFailedError")
        .contains("CalculatorTest.java:31")
        .doesNotContain("dividing 1.0 by 0.0");
    assertThat(failed.time()).as("time of the failed test").isEqualTo(Duration.ofMillis(12));
    TestResult passed = report.byId().get("dev.example.CalculatorTest#addsTwoNumbers");
    assertThat(passed.message()).as("message of a passed test").isNull();
    assertThat(report.byId().get("dev.example.CalculatorTest#handlesOverflow").message())
        .as("skip reason")
        .isEqualTo("not implemented yet");
  }

  @Test
  void countsSurefireFlakyTestsAsPassedAndTestsThatFailedEveryRerunAsFailed() throws IOException {
    copy("surefire-rerun-TEST-dev.example.NetworkTest.xml", "target/surefire-reports/TEST-n.xml");

    TestReport report = JUnitReports.read(repo, SUREFIRE);

    assertThat(statuses(report))
        .as("status after Surefire's reruns")
        .containsExactly(
            entry("dev.example.NetworkTest#connectsEventually", Status.PASSED),
            entry("dev.example.NetworkTest#readsGreeting", Status.PASSED),
            entry("dev.example.NetworkTest#timesOutSlowServer", Status.FAILED));
    assertThat(report.byId().get("dev.example.NetworkTest#timesOutSlowServer").message())
        .as("message of the first failed run")
        .startsWith("timed out after 500 ms\njava.util.concurrent.TimeoutException");
  }

  @Test
  void readsPytestReport() throws IOException {
    copy("pytest-junit.xml", "build/pytest.xml");

    TestReport report = JUnitReports.read(repo, List.of("build/pytest.xml"));

    assertThat(statuses(report))
        .as("status of every pytest case")
        .containsExactly(
            entry("tests.test_math#test_add", Status.PASSED),
            entry("tests.test_math#test_divide", Status.FAILED),
            entry("tests.test_math#test_sqrt[4-2]", Status.PASSED),
            entry("tests.test_io#test_reads_config", Status.ERROR),
            entry("tests.test_io#test_windows_paths", Status.SKIPPED));
    assertThat(report.byId().get("tests.test_math#test_divide").message())
        .as("pytest failure message and traceback")
        .startsWith("assert 0.5 == 2\n +  where 0.5 = divide(1, 2)\ndef test_divide():")
        .contains("tests/test_math.py:9: AssertionError");
  }

  @Test
  void readsJestJunitReport() throws IOException {
    copy("jest-junit.xml", "reports/jest/junit.xml");

    TestReport report = JUnitReports.read(repo, List.of("reports/**/junit.xml"));

    assertThat(statuses(report))
        .as("status of every jest case")
        .containsExactly(
            entry("Calculator adds numbers#Calculator adds numbers", Status.PASSED),
            entry("Calculator divides numbers#Calculator divides numbers", Status.FAILED),
            entry("Calculator rounds numbers#Calculator rounds numbers", Status.SKIPPED),
            entry("strings trims whitespace#strings trims whitespace", Status.PASSED));
    assertThat(report.byId().get("Calculator divides numbers#Calculator divides numbers").message())
        .as("jest failure text without a message attribute")
        .startsWith("Error: expect(received).toBe(expected)")
        .contains("calculator.test.js:12:27");
    assertThat(report.byId().get("Calculator rounds numbers#Calculator rounds numbers").message())
        .as("message of a skip without any text")
        .isNull();
  }

  @Test
  void readsGoJunitReport() throws IOException {
    copy("go-junit-report.xml", "report.xml");

    TestReport report = JUnitReports.read(repo, List.of("report.xml"));

    assertThat(statuses(report))
        .as("status of every go test")
        .containsExactly(
            entry("example.com/calc#TestAdd", Status.PASSED),
            entry("example.com/calc#TestDivide", Status.FAILED),
            entry("example.com/calc#TestDivide/by_zero", Status.PASSED),
            entry("example.com/calc#TestRound", Status.SKIPPED),
            entry("example.com/calc/parse#[build failed]", Status.ERROR));
    assertThat(report.byId().get("example.com/calc#TestDivide").message())
        .as("go failure message and output")
        .isEqualTo("Failed\ncalc_test.go:14: Divide(1, 2) = 0.5, want 2");
  }

  @Test
  void namesTestsWithoutClassNameAfterTheirInnermostNamedSuite() throws IOException {
    copy("nested-suites.xml", "nested.xml");

    TestReport report = JUnitReports.read(repo, ANY_XML);

    assertThat(statuses(report))
        .as("status of test cases in nested suites")
        .containsExactly(
            entry("api.users#lists users", Status.PASSED),
            entry("api.users#rejects bad ids", Status.FAILED),
            entry("api#answers health checks", Status.PASSED),
            entry("cli.Main#prints usage", Status.PASSED));
  }

  @Test
  void collapsesWhitespaceInTestIds() throws IOException {
    write(
        "TEST-ws.xml",
        """
        <testsuite name="ws">
          <testcase classname="  dev.example.Spaced
             Test " name="adds\tnumbers   twice"/>
        </testsuite>
        """);

    TestReport report = JUnitReports.read(repo, ANY_XML);

    assertThat(report.passing())
        .as("normalized id")
        .containsExactly("dev.example.Spaced Test#adds numbers twice");
  }

  @Test
  void keepsTheLastResultWhenTheSameTestAppearsAgain() throws IOException {
    write(
        "a/TEST-first.xml",
        """
        <testsuite name="retry">
          <testcase classname="dev.example.RetryTest" name="flaky"><failure message="boom"/></testcase>
          <testcase classname="dev.example.RetryTest" name="steady"/>
          <testcase classname="dev.example.RetryTest" name="flaky"/>
        </testsuite>
        """);
    write(
        "b/TEST-second.xml",
        """
        <testsuite name="retry">
          <testcase classname="dev.example.RetryTest" name="steady"><error message="gone"/></testcase>
        </testsuite>
        """);

    TestReport report = JUnitReports.read(repo, ANY_XML);

    assertThat(statuses(report))
        .as("last occurrence of each id, in first-seen order")
        .containsExactly(
            entry("dev.example.RetryTest#flaky", Status.PASSED),
            entry("dev.example.RetryTest#steady", Status.ERROR));
  }

  @Test
  void keepsOnlyTheStartOfVeryLongFailureDetails() throws IOException {
    String trace = "at dev.example.Deep.call(Deep.java:1)\n".repeat(1_000);
    write(
        "TEST-long.xml",
        "<testsuite name=\"deep\"><testcase classname=\"dev.example.Deep\" name=\"recurses\">"
            + "<error message=\"StackOverflowError\">"
            + trace
            + "</error></testcase></testsuite>");

    TestReport report = JUnitReports.read(repo, ANY_XML);

    String message = report.byId().get("dev.example.Deep#recurses").message();
    assertThat(message).as("message start").startsWith("StackOverflowError\nat dev.example.Deep");
    assertThat(message.length())
        .as("message length")
        .isLessThanOrEqualTo("StackOverflowError\n".length() + TestResult.MAX_DETAILS_CHARS);
  }

  @Test
  void findsReportsAtTheTopAndInSubdirectoriesButNeverInsideGit() throws IOException {
    copy("surefire-TEST-dev.example.CalculatorTest.xml", "TEST-top.xml");
    copy("surefire-rerun-TEST-dev.example.NetworkTest.xml", "module/target/TEST-deep.xml");
    copy("pytest-junit.xml", ".git/TEST-inside-git.xml");
    copy("pytest-junit.xml", "module/.git/TEST-inside-nested-git.xml");
    write("module/target/NOT-A-TEST.xml", "<project/>");

    TestReport report = JUnitReports.read(repo, List.of("**/TEST-*.xml"));

    assertThat(report.files())
        .as("report files found")
        .containsExactly(repo.resolve("TEST-top.xml"), repo.resolve("module/target/TEST-deep.xml"));
    assertThat(report.results()).as("results from both files").hasSize(9);
  }

  @Test
  void readsEveryReportThatMatchesAnyOfSeveralGlobs() throws IOException {
    copy("pytest-junit.xml", "python/build/junit.xml");
    copy("go-junit-report.xml", "go/report.xml");

    TestReport report = JUnitReports.read(repo, List.of("python/**/junit.xml", "go/*.xml"));

    assertThat(report.files()).as("files matched by either glob").hasSize(2);
    assertThat(report.failing())
        .as("failing tests from both reports")
        .contains("tests.test_math#test_divide", "example.com/calc#TestDivide");
  }

  @Test
  void explainsWhichGlobsFoundNothingUnderWhichDirectory() throws IOException {
    write("target/surefire-reports/summary.txt", "Tests run: 0");

    assertThatThrownBy(() -> JUnitReports.read(repo, SUREFIRE))
        .as("error when no report matches")
        .isInstanceOf(ReportException.class)
        .hasMessage(
            "no test reports matching [**/target/surefire-reports/TEST-*.xml] under " + repo);
  }

  @Test
  void namesTheFileAndLineOfMalformedXml() throws IOException {
    Path broken =
        write(
            "TEST-broken.xml",
            """
            <testsuite name="broken">
              <testcase classname="a.B" name="one"/>
              <testcase classname="a.B" name="two"
            </testsuite>
            """);

    assertThatThrownBy(() -> JUnitReports.read(repo, ANY_XML))
        .as("error for a truncated element")
        .isInstanceOf(ReportException.class)
        .hasMessageStartingWith("test report " + broken + " is not well-formed XML at line 4: ")
        .hasMessageNotContaining("ParseError");
  }

  @Test
  void refusesReportsThatDeclareADoctypeSoEntitiesCannotReadLocalFiles() throws IOException {
    Path secret = write("secret.txt", "hunter2");
    Path hostile =
        write(
            "TEST-xxe.xml",
            "<?xml version=\"1.0\"?>\n"
                + "<!DOCTYPE testsuite [<!ENTITY leak SYSTEM \""
                + secret.toUri()
                + "\">]>\n"
                + "<testsuite name=\"xxe\"><testcase classname=\"a.B\" name=\"&leak;\"/></testsuite>");

    assertThatThrownBy(() -> JUnitReports.read(repo, List.of("TEST-*.xml")))
        .as("error for a report with a DTD")
        .isInstanceOf(ReportException.class)
        .hasMessageContaining("test report " + hostile + " declares a DTD")
        .hasMessageContaining("XXE")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void refusesAnXmlFileThatIsNotAJUnitReport() throws IOException {
    Path pom = write("pom.xml", "<project><modelVersion>4.0.0</modelVersion></project>");

    assertThatThrownBy(() -> JUnitReports.read(repo, List.of("pom.xml")))
        .as("error for a file with another root element")
        .isInstanceOf(ReportException.class)
        .hasMessage(
            "test report "
                + pom
                + " is not a JUnit XML report: its root element is <project>, not <testsuites> or"
                + " <testsuite>");
  }

  @Test
  void refusesATestCaseWithoutAName() throws IOException {
    write("TEST-anon.xml", "<testsuite name=\"s\">\n<testcase classname=\"a.B\"/>\n</testsuite>");

    assertThatThrownBy(() -> JUnitReports.read(repo, ANY_XML))
        .as("error for a nameless test case")
        .isInstanceOf(ReportException.class)
        .hasMessageEndingWith("has a <testcase> without a name at line 2");
  }

  private static Map<String, Status> statuses(TestReport report) {
    return report.results().stream()
        .collect(
            Collectors.toMap(
                TestResult::id,
                TestResult::status,
                (a, b) -> {
                  throw new AssertionError("duplicate id");
                },
                LinkedHashMap::new));
  }

  private void copy(String resource, String target) throws IOException {
    Path file = repo.resolve(target);
    Files.createDirectories(file.getParent());
    try (InputStream in = JUnitReportsTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("test resource " + resource).isNotNull();
      Files.copy(in, file);
    }
  }

  private Path write(String target, String content) throws IOException {
    Path file = repo.resolve(target);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }
}
