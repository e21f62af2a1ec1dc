package dev.fleetq.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetq.model.suite.TestResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Failure signatures of reports as Surefire, pytest and the example repository write them. */
class FailureSignatureTest {

  @Test
  void exceptionsFromOneProjectFrameShareASignatureWhateverTheirMessages() {
    TestResult first =
        failure(
            "com.acme.VecTest#norm",
            "Cannot invoke \"java.lang.Double.doubleValue()\" because \"x\" is null\n"
                + "java.lang.NullPointerException: Cannot invoke \"java.lang.Double.doubleValue()\""
                + " because \"x\" is null\n"
                + "\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)\n"
                + "\tat com.acme.Vec.dot(Vec.java:41)\n"
                + "\tat com.acme.Vec.norm(Vec.java:12)\n"
                + "\tat com.acme.VecTest.norm(VecTest.java:20)\n");
    TestResult second =
        failure(
            "com.acme.AngleTest#rightAngle",
            "java.lang.NullPointerException: Cannot invoke \"y\"\n"
                + "\tat com.acme.Vec.dot(Vec.java:41)\n"
                + "\tat com.acme.Angle.between(Angle.java:8)\n"
                + "\tat com.acme.AngleTest.rightAngle(AngleTest.java:9)\n");
    TestResult elsewhere =
        failure(
            "com.acme.AngleTest#zero",
            "java.lang.NullPointerException: Cannot invoke \"y\"\n"
                + "\tat com.acme.Angle.between(Angle.java:9)\n"
                + "\tat com.acme.AngleTest.zero(AngleTest.java:14)\n");

    assertThat(FailureSignature.of(first))
        .as("signature")
        .isEqualTo("java.lang.NullPointerException at com.acme.Vec.dot")
        .isEqualTo(FailureSignature.of(second))
        .isNotEqualTo(FailureSignature.of(elsewhere));
  }

  @Test
  void failedAssertionsAreSignaturesOfTheirOwnEvenWithOneMessage() {
    String trace =
        "expected: <true> but was: <false>\n"
            + "org.opentest4j.AssertionFailedError: expected: <true> but was: <false>\n"
            + "\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)\n"
            + "\tat com.acme.testing.Checks.assertValid(Checks.java:10)\n";
    assertThat(FailureSignature.of(failure("com.acme.ATest#one", trace)))
        .as("signature of one assertion")
        .isEqualTo("test com.acme.ATest#one")
        .isNotEqualTo(FailureSignature.of(failure("com.acme.BTest#two", trace)));
    assertThat(
            FailureSignature.of(
                failure("tests.test_vec#test_dot", "AssertionError: assert 3 == 4")))
        .as("signature of a pytest assertion")
        .isEqualTo("test tests.test_vec#test_dot");
  }

  @Test
  void aFailureThatNamesNoExceptionIsASignatureOfItsOwn() {
    assertThat(
            FailureSignature.of(failure("example.tests#t01", "expected fixed-01, got broken-01")))
        .isEqualTo("test example.tests#t01");
  }

  @Test
  void errorsRaisedInTestCodeShareASignatureByTheirMessageWithNumbersBlankedOut() {
    TestResult first =
        failure(
            "com.acme.ATest#one",
            "java.lang.NoSuchMethodError: 'int com.acme.Calc.add(int, int)' at line 12\n"
                + "\tat com.acme.ATest.one(ATest.java:12)\n");
    TestResult second =
        failure(
            "com.acme.BTest#two",
            "java.lang.NoSuchMethodError: 'int com.acme.Calc.add(int, int)' at line 30\n"
                + "\tat com.acme.BTest.two(BTest.java:30)\n");

    assertThat(FailureSignature.of(first))
        .isEqualTo("java.lang.NoSuchMethodError: 'int com.acme.Calc.add(int, int)' at line #")
        .isEqualTo(FailureSignature.of(second));
  }

  @Test
  void pythonTracebacksGiveTheirInnermostProjectFrame() {
    String traceback =
        "TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'\n"
            + "Traceback (most recent call last):\n"
            + "  File \"/work/proj/tests/test_vec.py\", line 7, in test_norm\n"
            + "    assert norm([3, 4]) == 5\n"
            + "  File \"/work/proj/vec/ops.py\", line 12, in norm\n"
            + "  File \"/work/proj/vec/ops.py\", line 4, in dotproduct\n"
            + "  File \"/usr/lib/python3.11/functools.py\", line 9, in reduce\n";
    String pytest =
        "TypeError: unsupported operand type(s)\n"
            + "tests/test_angle.py:9: in test_right\n"
            + "    angle([1, 0], [0, 1])\n"
            + "vec/ops.py:20: in angle\n"
            + "vec/ops.py:4: in dotproduct\n"
            + "E   TypeError: unsupported operand type(s)\n";

    assertThat(FailureSignature.of(failure("tests.test_vec#test_norm", traceback)))
        .isEqualTo("TypeError at /work/proj/vec/ops.py:dotproduct");
    assertThat(FailureSignature.of(failure("tests.test_angle#test_right", pytest)))
        .isEqualTo("TypeError at vec/ops.py:dotproduct");
  }

  @Test
  void theExampleRepositorysRootCausesGiveTheCausesFrame() {
    TestResult result =
        failure(
            "example.tests#t03",
            "example.BrokenValueError: src/c01.txt holds broken-c01"
                + "\tat example.src.C01.value(src/c01.txt:1)"
                + "\tat example.tests.t03(tests/t03.sh:3)");

    assertThat(FailureSignature.of(result))
        .isEqualTo("example.BrokenValueError at example.src.C01.value");
  }

  private static TestResult failure(String id, String message) {
    return new TestResult(id, TestResult.Status.ERROR, message, Duration.ZERO);
  }
}
