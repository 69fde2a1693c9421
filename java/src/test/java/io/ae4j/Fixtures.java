package io.ae4j;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reading tests/fixtures (format: tests/fixtures/README.md). */
final class Fixtures {
  private Fixtures() {}

  static final String[] CONFIGS = {"default", "unknown_to_na", "invalid_to_na", "both_to_na"};

  static File dir() {
    String p = System.getProperty("ae4j.fixtures");
    File f = p != null ? new File(p) : new File("tests/fixtures");
    return f.getAbsoluteFile();
  }

  /** Every case file, sorted; fails (never skips) when there is none. */
  static List<File> caseFiles() {
    File cases = new File(dir(), "cases");
    File[] files = cases.listFiles();
    List<File> out = new ArrayList<File>();
    if (files != null) {
      for (File f : files) {
        if (f.getName().endsWith(".json")) {
          out.add(f);
        }
      }
    }
    if (out.isEmpty()) {
      throw new AssertionError("no fixture cases (*.json) in " + cases);
    }
    java.util.Collections.sort(out);
    return out;
  }

  static JsonObject read(File f) throws IOException {
    Reader r = new InputStreamReader(Files.newInputStream(f.toPath()), StandardCharsets.UTF_8);
    try {
      return JsonParser.parseReader(r).getAsJsonObject();
    } finally {
      r.close();
    }
  }

  static File model(JsonObject c) {
    return new File(dir(), c.get("mojo").getAsString());
  }

  /** The case's POJO source, {@code models/<name>.java}. */
  static File pojo(JsonObject c) {
    return new File(dir(), c.get("pojo").getAsString());
  }

  /**
   * A new instance of the case's compiled POJO (class {@code <name>}, compiled by the build into
   * the test class path), as genmodel's classic program makes one.
   */
  static Object pojoInstance(JsonObject c) throws ReflectiveOperationException {
    return Class.forName(c.get("name").getAsString()).getDeclaredConstructor().newInstance();
  }

  /** A fixture double: a JSON number, or "NaN" / "Infinity" / "-Infinity". */
  static double d(JsonElement e) {
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isString()) {
      String s = p.getAsString();
      if (s.equals("NaN")) return Double.NaN;
      if (s.equals("Infinity")) return Double.POSITIVE_INFINITY;
      if (s.equals("-Infinity")) return Double.NEGATIVE_INFINITY;
      throw new AssertionError("not a fixture double: " + s);
    }
    return Double.parseDouble(p.getAsString());
  }

  static double[] ds(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = d(a.get(i));
    }
    return out;
  }

  /** The fixture's input as a RowData, in the file's key order, with the fixture's Java types. */
  static RowData rowData(JsonObject input) {
    RowData rd = new RowData();
    for (Map.Entry<String, JsonElement> e : input.entrySet()) {
      rd.put(e.getKey(), value(e.getValue()));
    }
    return rd;
  }

  static Object value(JsonElement v) {
    if (v.isJsonNull()) {
      return null;
    }
    if (v.isJsonObject()) {
      JsonObject o = v.getAsJsonObject();
      String type = o.get("java").getAsString();
      JsonElement val = o.get("value");
      if (type.equals("Boolean")) return val.getAsBoolean();
      if (type.equals("Integer")) return val.getAsInt();
      if (type.equals("Long")) return val.getAsLong();
      double x = d(val);
      if (type.equals("Double")) return x;
      if (type.equals("Float")) return (float) x;
      throw new AssertionError("unknown java type in fixture: " + type);
    }
    JsonPrimitive p = v.getAsJsonPrimitive();
    if (p.isString()) return p.getAsString();
    if (p.isNumber()) return Double.parseDouble(p.getAsString());
    throw new AssertionError("unexpected fixture value: " + v);
  }

  static String[] strings(JsonArray a) {
    String[] out = new String[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsString();
    }
    return out;
  }

  static boolean close(double expected, double actual) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return Double.isNaN(expected) && Double.isNaN(actual);
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      return expected == actual;
    }
    double diff = Math.abs(expected - actual);
    return diff <= 1e-12 || diff <= 1e-9 * Math.max(Math.abs(expected), Math.abs(actual));
  }

  /** null if equal within tolerance, else a description of the first difference. */
  static String compare(String what, double[] expected, double[] actual) {
    if (actual == null) return what + ": null";
    if (expected.length != actual.length) {
      return what + ": length " + actual.length + ", expected " + expected.length;
    }
    for (int i = 0; i < expected.length; i++) {
      if (!close(expected[i], actual[i])) {
        return what + "[" + i + "]: " + actual[i] + ", expected " + expected[i];
      }
    }
    return null;
  }

  static boolean bitEqual(double[] a, double[] b) {
    if (a.length != b.length) return false;
    for (int i = 0; i < a.length; i++) {
      if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) return false;
    }
    return true;
  }

  static String str(double[] a) {
    return Arrays.toString(a);
  }
}
