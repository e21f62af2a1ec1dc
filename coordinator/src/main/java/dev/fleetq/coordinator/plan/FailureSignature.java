package dev.fleetq.coordinator.plan;

import dev.fleetq.model.suite.TestResult;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failing test's failure says about its cause, read from the report's message and stack
 * trace, so that tests broken by one root cause can share one unit. Two failures have the same
 * signature when:
 *
 * <ul>
 *   <li>they raised the same exception type, not an assertion, from the same innermost frame in the
 *       project's code (a Java {@code at} line or a Python traceback entry that is neither a
 *       library's nor a test's), whatever their messages; or
 *   <li>they raised the same exception type, not an assertion, from a test's or a library's code
 *       only, with the same first message line once numbers and object ids are blanked out (a
 *       missing method, a class that fails to load).
 * </ul>
 *
 * A failed assertion, or a failure that names no exception type, is a signature of its own: the
 * values two tests assert on tell nothing about whether one change fixes both, and merging
 * independent failures into one unit would make one agent fix several problems at once.
 *
 * <p>Stateless and thread-safe.
 */
final class FailureSignature {
  private static final Pattern EXCEPTION_TYPE =
      Pattern.compile(
          "(?m)^\\s*(?:E\\s+)?((?:[A-Za-z_$][\\w$]*\\.)*[A-Za-z_$][\\w$]*"
              + "(?:Error|Exception|Failure|Failed|Throwable|Exit))(?=:|\\s*$)");
  private static final Pattern JAVA_FRAME =
      Pattern.compile("\\bat\\s+(?:[\\w.$-]*/)*([\\w$]+(?:\\.[\\w$]+)*)\\.([\\w$<>]+)\\([^)]*\\)");
  private static final Pattern PYTHON_FRAME =
      Pattern.compile(
          "File \"([^\"]+)\", line \\d+, in ([\\w<>.]+)|^([^\\s:\"]+\\.py):\\d+: in ([\\w<>.]+)",
          Pattern.MULTILINE);
  private static final List<String> JAVA_LIBRARIES =
      List.of(
          "java.",
          "javax.",
          "jdk.",
          "sun.",
          "com.sun.",
          "kotlin.",
          "scala.",
          "groovy.",
          "org.codehaus.groovy.",
          "org.junit.",
          "junit.",
          "org.opentest4j.",
          "org.assertj.",
          "org.hamcrest.",
          "org.mockito.",
          "org.testng.",
          "org.spockframework.",
          "org.apache.maven.",
          "org.gradle.",
          "worker.org.gradle.");
  private static final Pattern JAVA_TEST_CLASS =
      Pattern.compile("(?:^|\\.)(?:Test[\\w]*|[\\w]*(?:Test|Tests|TestCase|IT))(?:\\$.*)?$");
  private static final Pattern PYTHON_LIBRARY =
      Pattern.compile("(?:site-packages|dist-packages)/|/lib/python|^<");
  private static final Pattern PYTHON_TEST_FILE =
      Pattern.compile(
          "(?:^|/)(?:tests?/|testing/|test_[^/]*\\.py$|[^/]*_test\\.py$|conftest\\.py$)");
  private static final Pattern OBJECT_ID = Pattern.compile("@[0-9a-fA-F]{4,}\\b|0x[0-9a-fA-F]+");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private FailureSignature() {}

  /** The signature of a failing test's failure; see the class comment. */
  static String of(TestResult failure) {
    String text = failure.message() == null ? "" : failure.message();
    Optional<String> type = exceptionType(text);
    if (type.isEmpty() || isAssertion(type.get())) {
      return "test " + failure.id();
    }
    return projectFrame(text, testClass(failure.id()))
        .map(frame -> type.get() + " at " + frame)
        .orElseGet(() -> type.get() + ": " + normalizedMessage(text, type.get()));
  }

  private static Optional<String> exceptionType(String text) {
    Matcher type = EXCEPTION_TYPE.matcher(text);
    return type.find() ? Optional.of(type.group(1)) : Optional.empty();
  }

  private static boolean isAssertion(String type) {
    String simple = type.substring(type.lastIndexOf('.') + 1);
    return simple.contains("Assert") || simple.equals("ComparisonFailure");
  }

  /** The innermost frame neither in a library nor in a test: first in Java, last in Python. */
  private static Optional<String> projectFrame(String text, String testClass) {
    Matcher java = JAVA_FRAME.matcher(text);
    while (java.find()) {
      String owner = java.group(1);
      if (!isJavaLibrary(owner) && !isJavaTest(owner, testClass)) {
        return Optional.of(owner + "." + java.group(2));
      }
    }
    String innermost = null;
    Matcher python = PYTHON_FRAME.matcher(text);
    while (python.find()) {
      String file = python.group(1) != null ? python.group(1) : python.group(3);
      String function = python.group(1) != null ? python.group(2) : python.group(4);
      if (!PYTHON_LIBRARY.matcher(file).find() && !PYTHON_TEST_FILE.matcher(file).find()) {
        innermost = file + ":" + function;
      }
    }
    return Optional.ofNullable(innermost);
  }

  private static boolean isJavaLibrary(String owner) {
    return JAVA_LIBRARIES.stream().anyMatch(owner::startsWith);
  }

  private static boolean isJavaTest(String owner, String testClass) {
    return owner.equals(testClass)
        || owner.startsWith(testClass + "$")
        || JAVA_TEST_CLASS.matcher(owner).find();
  }

  /** What follows the type on the line that names it, with numbers and object ids blanked out. */
  private static String normalizedMessage(String text, String type) {
    String line = text.lines().filter(l -> l.contains(type)).findFirst().orElse(type);
    String message = line.substring(line.indexOf(type) + type.length()).replaceFirst("^:?\\s*", "");
    return NUMBER.matcher(OBJECT_ID.matcher(message).replaceAll("@#")).replaceAll("#");
  }

  /** The class part of a test id, {@code classname#name}; the whole id when it has none. */
  static String testClass(String testId) {
    int hash = testId.indexOf('#');
    return hash < 0 ? testId : testId.substring(0, hash);
  }
}
