package io.ae4j;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import io.ae4j.internal.JavaDouble;

import java.util.Random;
import org.junit.Test;

/**
 * {@link JavaDouble#parseDouble} is {@link Double#parseDouble}: the same bits for every String it
 * accepts and a NumberFormatException with the same message for every String it rejects, on
 * hand-picked edges and on random decimals around the fast path's limits.
 */
public class JavaDoubleTest {

  private static void same(String s) {
    double want;
    try {
      want = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      try {
        double got = JavaDouble.parseDouble(s);
        fail("\"" + s + "\": Double.parseDouble throws, JavaDouble gives " + got);
      } catch (NumberFormatException mine) {
        assertEquals("\"" + s + "\"", e.getMessage(), mine.getMessage());
      }
      return;
    }
    double got = JavaDouble.parseDouble(s);
    assertEquals("\"" + s + "\"", Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got));
  }

  @Test
  public void edgesGiveParseDoublesAnswer() {
    String[] edges = {
      "0", "-0", "+0", "0.0", "-0.0", "00", "000.000", "1", "-1", "+1", "1.", ".5", "-.5", "+.5",
      "0.1", "0.2", "0.3", "17.99", "-122.8", "1e22", "1e23", "1e-22", "1e-23", "9007199254740992",
      "9007199254740993", "9007199254740991", "123456789012345678", "1234567890123456789",
      "0.000000000000000000001", "1.7976931348623157e308", "4.9e-324", "1e400", "1e-400",
      "2.2250738585072014E-308", "1E5", "1e+5", "1e-5", "1e05", "1e0005", "1e", "1e+", "1e-",
      "e5", ".e5", ".", "-", "+", "", " ", " 1", "1 ", "\t1\n", "1d", "1D", "1f", "1.5F", "0x1p3",
      "0X1.8P1", "NaN", "-NaN", "+NaN", "Infinity", "-Infinity", "+Infinity", "infinity", "nan",
      "1.2.3", "1..2", "1-2", "--1", "+-1", "1e5e5", "1,5", "١", "1\u0000", "0.1e-21",
      "5e-324", "2.5e-324", "999999999999999999", "0.999999999999999999", "100000000000000000000",
      "12345.6789e-3", "-98765.4321E+2", "3.14159265358979323846", "1_000", "∞",
    };
    for (String s : edges) {
      same(s);
    }
  }

  @Test
  public void randomDecimalsGiveParseDoublesBits() {
    Random random = new Random(20261125L);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 400_000; i++) {
      b.setLength(0);
      int sign = random.nextInt(4);
      if (sign == 1) {
        b.append('-');
      } else if (sign == 2) {
        b.append('+');
      }
      int intDigits = random.nextInt(12);
      int fracDigits = random.nextInt(14);
      for (int d = 0; d < intDigits; d++) {
        b.append((char) ('0' + random.nextInt(10)));
      }
      if (fracDigits > 0 || random.nextInt(8) == 0) {
        b.append('.');
      }
      for (int d = 0; d < fracDigits; d++) {
        b.append((char) ('0' + random.nextInt(10)));
      }
      if (random.nextInt(3) == 0) {
        b.append(random.nextBoolean() ? 'e' : 'E');
        int es = random.nextInt(3);
        if (es == 1) {
          b.append('-');
        } else if (es == 2) {
          b.append('+');
        }
        b.append(random.nextInt(40));
      }
      same(b.toString());
      // Values as printed by Double.toString (shortest round trip, 16-17 digits).
      same(Double.toString(Double.longBitsToDouble(random.nextLong())));
      same(Double.toString((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20)));
    }
  }
}
