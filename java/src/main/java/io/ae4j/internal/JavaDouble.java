package io.ae4j.internal;

/**
 * {@link Double#parseDouble}, bit for bit, with a fast path for the plain decimals that CSV
 * rows carry: parsing the Strings of a RowData cost as much as scoring it.
 *
 * <p>The fast path is Clinger's (1990): a decimal {@code [+-]digits[.digits][e[+-]digits]}
 * whose at most 18 digits form an integer {@code m <= 2^53} and whose power of ten
 * {@code k} is in {@code [-22, 22]} is {@code m * 10^k} or {@code m / 10^-k}. Both operands are
 * exact doubles and IEEE multiplication and division round correctly, so the result is the
 * correctly rounded value, which is what {@code Double.parseDouble} returns. Everything else
 * (more digits, larger exponents, {@code NaN}, {@code Infinity}, hexadecimal, a {@code d}/{@code
 * f} suffix, surrounding blanks, anything malformed) goes to {@code Double.parseDouble}, so the
 * results and exceptions are always its own.
 */
public final class JavaDouble {
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  /** The largest integer every smaller one of which is an exact double. */
  private static final long MAX_EXACT = 1L << 53;
  /** Digits that always fit in a long (10^18 < 2^63). */
  private static final int MAX_DIGITS = 18;

  private JavaDouble() {}

  /**
   * Exactly {@code Double.parseDouble(s)}: the same value and bits, the same exceptions.
   *
   * @throws NumberFormatException s is not a Java floating-point literal
   * @throws NullPointerException s is null
   */
  public static double parseDouble(String s) {
    int n = s.length();
    int i = 0;
    boolean negative = false;
    if (n > 0) {
      char c = s.charAt(0);
      if (c == '-' || c == '+') {
        negative = c == '-';
        i = 1;
      }
    }
    // The digits before and after the point, as one integer m and the count after the point.
    // At most 18 digits (leading zeros included) always fit in a long; more go to the JDK.
    long m = 0;
    int start = i;
    char c = 0;
    for (; i < n && (c = s.charAt(i)) >= '0' && c <= '9'; i++) {
      m = m * 10 + (c - '0');
    }
    int seen = i - start; // mantissa digits
    int scale = 0; // digits after the point
    if (i < n && c == '.') {
      int fraction = ++i;
      for (; i < n && (c = s.charAt(i)) >= '0' && c <= '9'; i++) {
        m = m * 10 + (c - '0');
      }
      scale = i - fraction;
      seen += scale;
    }
    if (seen == 0 || seen > MAX_DIGITS) {
      return Double.parseDouble(s); // "NaN", "Infinity", "", ".", "-", long digit runs: its own answer
    }
    int exponent = 0;
    if (i < n) {
      c = s.charAt(i);
      if (c != 'e' && c != 'E') {
        return Double.parseDouble(s);
      }
      i++;
      boolean negativeExponent = false;
      if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        negativeExponent = s.charAt(i) == '-';
        i++;
      }
      int exponentStart = i;
      for (; i < n; i++) {
        c = s.charAt(i);
        if (c < '0' || c > '9' || i - exponentStart >= 4) {
          return Double.parseDouble(s); // a suffix, junk, or an exponent too long to matter here
        }
        exponent = exponent * 10 + (c - '0');
      }
      if (i == exponentStart) {
        return Double.parseDouble(s); // "1e": malformed
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    int k = exponent - scale;
    if (m > MAX_EXACT || k < -22 || k > 22) {
      return Double.parseDouble(s);
    }
    double v = k < 0 ? (double) m / POWERS_OF_TEN[-k] : (double) m * POWERS_OF_TEN[k];
    return negative ? -v : v;
  }
}
