package io.ae4j;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The {@code [info]} section of a MOJO's {@code model.ini}, as text key/value pairs, for the
 * metadata genmodel exposes and ae4j's core does not need ({@code uuid}, {@code n_classes},
 * {@code balance_classes}, ...). The core parses the whole file for scoring; this reads only the
 * header again, in Java, so the metadata does not cross JNI.
 */
final class ModelIni {
  private final Map<String, String> info;

  private ModelIni(Map<String, String> info) {
    this.info = info;
  }

  static ModelIni empty() {
    return new ModelIni(new LinkedHashMap<String, String>());
  }

  /** The {@code [info]} section of {@code model.ini} in a MOJO zip's bytes (empty if absent). */
  static ModelIni fromZip(byte[] zip) throws IOException {
    ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
    for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
      if (e.getName().equals("model.ini")) {
        return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
      }
    }
    return empty();
  }

  /** The {@code [info]} section of a {@code model.ini} text. */
  static ModelIni parse(BufferedReader reader) throws IOException {
    Map<String, String> info = new LinkedHashMap<String, String>();
    boolean inInfo = false;
    for (String line; (line = reader.readLine()) != null; ) {
      String t = line.trim();
      if (t.startsWith("[")) {
        if (inInfo) {
          break;
        }
        inInfo = t.equals("[info]");
        continue;
      }
      int eq = t.indexOf('=');
      if (inInfo && eq > 0) {
        info.put(t.substring(0, eq).trim(), t.substring(eq + 1).trim());
      }
    }
    return new ModelIni(info);
  }

  /** The value of a key, or null when absent. */
  String get(String key) {
    return info.get(key);
  }

  String get(String key, String absent) {
    String v = info.get(key);
    return v == null ? absent : v;
  }

  boolean getBoolean(String key, boolean absent) {
    String v = info.get(key);
    return v == null ? absent : Boolean.parseBoolean(v);
  }

  int getInt(String key, int absent) {
    String v = info.get(key);
    return v == null ? absent : Integer.parseInt(v);
  }

  double getDouble(String key, double absent) {
    String v = info.get(key);
    return v == null ? absent : Double.parseDouble(v);
  }

  /** A {@code [a, b, ...]} array of doubles, or null for {@code null} or an absent key. */
  double[] getDoubles(String key) {
    String v = info.get(key);
    if (v == null || v.equals("null")) {
      return null;
    }
    String body = v.substring(v.indexOf('[') + 1, v.lastIndexOf(']')).trim();
    if (body.isEmpty()) {
      return new double[0];
    }
    String[] parts = body.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i].trim());
    }
    return out;
  }
}
