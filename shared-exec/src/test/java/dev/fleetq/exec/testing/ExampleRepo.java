package dev.fleetq.exec.testing;

import dev.fleetq.exec.git.Git;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A real git repository with real failing tests, for tests of the planner, the worker and the gate.
 *
 * <p>The repository holds {@code src/fNN.txt} files and one shell test per file, {@code
 * tests/tNN.sh}, which passes when the file reads {@code fixed-NN} and no {@code src/undo-NN.txt}
 * exists: such a file undoes the fix and merges cleanly with it, as a change elsewhere in the code
 * that breaks the same function does. {@code ./run-tests.sh} runs them all, writes a JUnit XML
 * report to {@code reports/TEST-example.xml} (test ids {@code example.tests#tNN}) and exits
 * non-zero when a test fails, like a real runner. Tests need only {@code /bin/sh}, so a suite run
 * takes milliseconds.
 *
 * <p>The origin is a bare repository on disk; its {@code file://} URL is what a job names. Not
 * thread-safe; create one per test.
 *
 * @param origin the bare repository every clone pushes to
 * @param failing the numbers of the tests that fail on the initial main
 * @param passing the numbers of the tests that pass on the initial main
 */
public record ExampleRepo(Path origin, List<Integer> failing, List<Integer> passing) {
  /** The command that runs the suite from the repository's root. */
  public static final String TEST_COMMAND = "./run-tests.sh";

  /** Where the suite's report lands. */
  public static final String REPORT_GLOB = "reports/*.xml";

  private static final Git GIT =
      new Git(new Git.Identity("example author", "author@fleetq.invalid"), Duration.ofSeconds(30));

  private static final String RUN_TESTS =
      """
      #!/bin/sh
      # Runs every tests/*.sh and writes a JUnit XML report; exits 1 when any test fails.
      mkdir -p reports
      status=0
      {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo '<testsuite name="example.tests">'
        for t in tests/*.sh; do
          name=$(basename "$t" .sh)
          if out=$(sh "$t" 2>&1); then
            echo "  <testcase classname=\\"example.tests\\" name=\\"$name\\"/>"
          else
            status=1
            msg=$(printf '%s' "$out" | tr -d '<>&"\\n')
            echo "  <testcase classname=\\"example.tests\\" name=\\"$name\\"><failure message=\\"$msg\\"/></testcase>"
          fi
        done
        echo '</testsuite>'
      } > reports/TEST-example.xml
      exit $status
      """;

  /**
   * Creates the origin under {@code dir} with {@code failingCount} failing tests (numbered from 1)
   * followed by {@code passingCount} passing ones, all on branch {@code main}.
   */
  public static ExampleRepo create(Path dir, int failingCount, int passingCount) {
    List<Integer> failing = numbers(1, failingCount);
    List<Integer> passing = numbers(failingCount + 1, passingCount);
    return commit(
        dir,
        work -> {
          for (int n : failing) {
            writeTestAndSource(work, n, "broken-" + name(n));
          }
          for (int n : passing) {
            writeTestAndSource(work, n, fixedContent(n));
          }
        },
        failing,
        passing);
  }

  /**
   * Creates the origin under {@code dir} with failing tests that share root causes, followed by
   * {@code passingCount} passing tests of their own. Cause {@code k} (from 1) is {@code
   * src/cKK.txt}, broken until it reads {@code fixed-cKK}; it breaks the next {@code
   * testsPerCause.get(k - 1)} tests, numbered on from 1, and each of them fails as a runner reports
   * an exception thrown by the code under test: {@code example.BrokenValueError}, with the cause's
   * frame {@code example.src.CKK.value} above the test's own.
   */
  public static ExampleRepo withRootCauses(
      Path dir, List<Integer> testsPerCause, int passingCount) {
    int failingCount = testsPerCause.stream().mapToInt(Integer::intValue).sum();
    List<Integer> failing = numbers(1, failingCount);
    List<Integer> passing = numbers(failingCount + 1, passingCount);
    return commit(
        dir,
        work -> {
          int n = 1;
          for (int cause = 1; cause <= testsPerCause.size(); cause++) {
            Files.writeString(work.resolve(causeFile(cause)), "broken-c" + name(cause) + "\n");
            for (int i = 0; i < testsPerCause.get(cause - 1); i++, n++) {
              writeCausedTest(work, n, cause);
            }
          }
          for (int m : passing) {
            writeTestAndSource(work, m, fixedContent(m));
          }
        },
        failing,
        passing);
  }

  /** {@code count} test numbers from {@code first} on. */
  private static List<Integer> numbers(int first, int count) {
    return IntStream.range(first, first + count).boxed().toList();
  }

  private interface Layout {
    void write(Path work) throws IOException;
  }

  private static ExampleRepo commit(
      Path dir, Layout layout, List<Integer> failing, List<Integer> passing) {
    try {
      Path work = Files.createDirectories(dir.resolve("example-work"));
      Path origin = Files.createDirectories(dir.resolve("example-origin.git"));
      GIT.run(origin, "init", "--quiet", "--bare", "--initial-branch=main");
      GIT.run(work, "init", "--quiet", "--initial-branch=main");
      writeExecutable(work.resolve("run-tests.sh"), RUN_TESTS);
      Files.writeString(work.resolve(".gitignore"), "reports/\n");
      Files.createDirectories(work.resolve("src"));
      Files.createDirectories(work.resolve("tests"));
      layout.write(work);
      GIT.run(work, "add", "--all");
      GIT.run(work, "commit", "--quiet", "-m", "Example with failing tests");
      GIT.run(work, "push", "--quiet", origin.toUri().toString(), "main");
      return new ExampleRepo(origin, failing, passing);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL a job names. */
  public String url() {
    return origin.toUri().toString();
  }

  /** The test id of test number {@code n}, as the planner and the gate see it. */
  public static String testId(int n) {
    return "example.tests#t" + name(n);
  }

  /** What {@code src/fNN.txt} must hold for test {@code n} to pass. */
  public static String fixedContent(int n) {
    return "fixed-" + name(n);
  }

  /** The file whose presence makes test {@code n} fail even with its fix. */
  public static String undoFile(int n) {
    return "src/undo-" + name(n) + ".txt";
  }

  /** The log of main in the origin, one line per commit, newest first. */
  public List<String> mainLog(String format) {
    return GIT.run(origin, "log", "--format=" + format, "main").lines().toList();
  }

  /** The commit main points at in the origin. */
  public String mainHead() {
    return GIT.run(origin, "rev-parse", "main");
  }

  /** The file that root cause {@code k} of {@link #withRootCauses} breaks. */
  public static String causeFile(int cause) {
    return "src/c" + name(cause) + ".txt";
  }

  private static void writeCausedTest(Path work, int n, int cause) throws IOException {
    String file = causeFile(cause);
    String fixed = "fixed-c" + name(cause);
    Files.writeString(
        work.resolve("tests/t" + name(n) + ".sh"),
        "# checks "
            + file
            + " "
            + fixed
            + "\ngot=$(cat "
            + file
            + ")\n[ \"$got\" = \""
            + fixed
            + "\" ] || { printf 'example.BrokenValueError: "
            + file
            + " holds %s\\n\\tat example.src.C"
            + name(cause)
            + ".value("
            + file
            + ":1)\\n\\tat example.tests.t"
            + name(n)
            + "(tests/t"
            + name(n)
            + ".sh:3)\\n' \"$got\"; exit 1; }\n");
  }

  private static void writeTestAndSource(Path work, int n, String content) throws IOException {
    String file = "src/f" + name(n) + ".txt";
    Files.writeString(work.resolve(file), content + "\n");
    Files.writeString(
        work.resolve("tests/t" + name(n) + ".sh"),
        "# checks "
            + file
            + " "
            + fixedContent(n)
            + "\ngot=$(cat "
            + file
            + ")\n[ \"$got\" = \""
            + fixedContent(n)
            + "\" ] || { echo \"expected "
            + fixedContent(n)
            + " in "
            + file
            + ", got $got\"; exit 1; }\n"
            + "[ ! -e "
            + undoFile(n)
            + " ] || { echo \""
            + undoFile(n)
            + " undoes the fix\"; exit 1; }\n");
  }

  private static void writeExecutable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static String name(int n) {
    return String.format("%02d", n);
  }
}
