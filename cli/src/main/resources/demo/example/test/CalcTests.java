import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/** One test per function of Calc, and a tiny runner that writes a JUnit XML report. */
public class CalcTests {
  void testAbs() {
    check(5, Calc.abs(-5)); check(3, Calc.abs(3));
  }

  void testAdd() {
    check(5, Calc.add(2, 3));
  }

  void testSubtract() {
    check(2, Calc.subtract(5, 3));
  }

  void testMultiply() {
    check(12, Calc.multiply(3, 4));
  }

  void testSquare() {
    check(9, Calc.square(3));
  }

  void testCube() {
    check(27, Calc.cube(3));
  }

  void testTriple() {
    check(9, Calc.triple(3));
  }

  void testMax() {
    check(7, Calc.max(3, 7)); check(7, Calc.max(7, 3));
  }

  void testMin() {
    check(3, Calc.min(3, 7)); check(3, Calc.min(7, 3));
  }

  void testSumTo() {
    check(55, Calc.sumTo(10));
  }

  void testFactorial() {
    check(120L, Calc.factorial(5));
  }

  void testIsEven() {
    check(true, Calc.isEven(4)); check(false, Calc.isEven(3));
  }

  void testIsOdd() {
    check(true, Calc.isOdd(3)); check(false, Calc.isOdd(4));
  }

  void testAverage() {
    check(1.5, Calc.average(1, 2));
  }

  void testNegate() {
    check(-4, Calc.negate(4));
  }

  void testCelsiusToFahrenheit() {
    check(212.0, Calc.celsiusToFahrenheit(100));
  }

  void testLastDigit() {
    check(3, Calc.lastDigit(123));
  }

  void testDigitCount() {
    check(3, Calc.digitCount(-123));
  }

  void testPower() {
    check(8L, Calc.power(2, 3));
  }

  void testGcd() {
    check(6, Calc.gcd(12, 18));
  }

  void testClamp() {
    check(5, Calc.clamp(5, 0, 10)); check(10, Calc.clamp(15, 0, 10));
  }

  void testSign() {
    check(1, Calc.sign(5)); check(-1, Calc.sign(-5)); check(0, Calc.sign(0));
  }

  void testPercent() {
    check(25, Calc.percent(1, 4));
  }

  void testReverse() {
    check("cba", Calc.reverse("abc"));
  }

  void testIsPalindrome() {
    check(true, Calc.isPalindrome("level")); check(false, Calc.isPalindrome("fleet"));
  }

  static void check(Object expected, Object actual) {
    if (!Objects.equals(expected, actual)) {
      throw new AssertionError("expected " + expected + " but was " + actual);
    }
  }

  /** Runs every test method, writes reports/TEST-CalcTests.xml, exits 1 when a test fails. */
  public static void main(String[] args) throws Exception {
    Method[] tests = CalcTests.class.getDeclaredMethods();
    Arrays.sort(tests, Comparator.comparing(Method::getName));
    StringBuilder cases = new StringBuilder();
    int run = 0;
    int failed = 0;
    for (Method test : tests) {
      if (!test.getName().startsWith("test")) {
        continue;
      }
      run++;
      Throwable failure = null;
      try {
        test.invoke(new CalcTests());
      } catch (InvocationTargetException e) {
        failure = e.getCause();
      }
      cases.append("  <testcase classname=\"CalcTests\" name=\"").append(test.getName()).append('"');
      if (failure == null) {
        cases.append("/>\n");
      } else {
        failed++;
        String message = String.valueOf(failure.getMessage());
        System.out.println("FAIL " + test.getName() + ": " + message);
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        cases.append("><failure message=\"").append(escape(message))
            .append("\" type=\"").append(failure.getClass().getName()).append("\">")
            .append(escape(trace.toString())).append("</failure></testcase>\n");
      }
    }
    String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<testsuite name=\"CalcTests\" tests=\"" + run + "\" failures=\"" + failed + "\">\n"
        + cases + "</testsuite>\n";
    Files.createDirectories(Path.of("reports"));
    Files.writeString(Path.of("reports", "TEST-CalcTests.xml"), xml);
    System.out.println(run + " tests, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
