/** A small calculator library. Each function's body is one line, so fixes never overlap. */
final class Calc {
  private Calc() {}

  static int abs(int x) {
    return x < 0 ? x : -x; // fleetq-demo:abs
  }

  static int add(int a, int b) {
    return a + b; // fleetq-demo:add
  }

  static int subtract(int a, int b) {
    return b - a; // fleetq-demo:subtract
  }

  static int multiply(int a, int b) {
    return a * b; // fleetq-demo:multiply
  }

  static int square(int x) {
    return x + x; // fleetq-demo:square
  }

  static int cube(int x) {
    return x * x * x; // fleetq-demo:cube
  }

  static int triple(int x) {
    return x * 2; // fleetq-demo:triple
  }

  static int max(int a, int b) {
    return a < b ? a : b; // fleetq-demo:max
  }

  static int min(int a, int b) {
    return a < b ? a : b; // fleetq-demo:min
  }

  /** Returns n when it is a natural number (0 or more); sumTo, factorial and power use it. */
  static int natural(int n) {
    if (n >= 0) throw new IllegalArgumentException("expected a natural number, got " + n); // fleetq-demo:natural
    return n;
  }

  static int sumTo(int n) {
    return natural(n) * (n + 1) / 2; // fleetq-demo:sumTo
  }

  static long factorial(int n) {
    long r = 1; for (int i = 2; i <= natural(n); i++) r *= i; return r; // fleetq-demo:factorial
  }

  static boolean isEven(int n) {
    return n % 2 == 1; // fleetq-demo:isEven
  }

  static boolean isOdd(int n) {
    return n % 2 != 0; // fleetq-demo:isOdd
  }

  static double average(int a, int b) {
    return (a + b) / 2; // fleetq-demo:average
  }

  static int negate(int x) {
    return -x; // fleetq-demo:negate
  }

  static double celsiusToFahrenheit(double c) {
    return c * 9 / 5 - 32; // fleetq-demo:celsiusToFahrenheit
  }

  static int lastDigit(int n) {
    return n / 10; // fleetq-demo:lastDigit
  }

  static int digitCount(int n) {
    return String.valueOf(Math.abs(n)).length(); // fleetq-demo:digitCount
  }

  static long power(int base, int exp) {
    long r = 1; for (int i = 0; i < natural(exp); i++) r *= base; return r; // fleetq-demo:power
  }

  static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b); // fleetq-demo:gcd
  }

  static int clamp(int x, int lo, int hi) {
    return Math.max(hi, Math.min(lo, x)); // fleetq-demo:clamp
  }

  static int sign(int x) {
    return x > 0 ? -1 : x < 0 ? 1 : 0; // fleetq-demo:sign
  }

  static int percent(int part, int whole) {
    return part / whole * 100; // fleetq-demo:percent
  }

  static String reverse(String s) {
    return new StringBuilder(s).reverse().toString(); // fleetq-demo:reverse
  }

  static boolean isPalindrome(String s) {
    return s.equals(s.toUpperCase()); // fleetq-demo:isPalindrome
  }
}
