package io.ae4j;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds the bytes of a deep-learning MOJO zip from its entries, so that a MOJO that reaches ae4j
 * in another shape (a program's own {@link MojoReaderBackend}, genmodel's loaded model object)
 * loads through the one MOJO path of the core. A deep-learning MOJO is {@code model.ini} (with
 * the weights), the domain files it lists, and optionally ae4j's calibration and pipeline entries.
 */
final class MojoZip {
  static final String MODEL_INI = "model.ini";
  static final String CALIBRATION = "ae4j/calibration.json";
  static final String PIPELINE = "ae4j/pipeline.json";

  private MojoZip() {
  }

  /** The entries of a MOJO read through a backend: model.ini, its domain files, the calibration, the pipeline. */
  static byte[] fromBackend(MojoReaderBackend backend) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<String, byte[]>();
    byte[] ini = backend.getBinaryFile(MODEL_INI);
    entries.put(MODEL_INI, ini);
    for (String file : domainFiles(new String(ini, StandardCharsets.UTF_8))) {
      String name = "domains/" + file;
      entries.put(name, backend.getBinaryFile(name));
    }
    if (backend.exists(CALIBRATION)) {
      entries.put(CALIBRATION, backend.getBinaryFile(CALIBRATION));
    }
    if (backend.exists(PIPELINE)) {
      entries.put(PIPELINE, backend.getBinaryFile(PIPELINE));
    }
    return zip(entries);
  }

  /** The file names of the {@code [domains]} section ({@code <col>: <n> <file>} lines). */
  static java.util.List<String> domainFiles(String ini) throws IOException {
    java.util.List<String> files = new java.util.ArrayList<String>();
    BufferedReader r = new BufferedReader(new StringReader(ini));
    boolean inDomains = false;
    for (String line; (line = r.readLine()) != null; ) {
      String t = line.trim();
      if (t.startsWith("[")) {
        inDomains = t.equals("[domains]");
      } else if (inDomains && !t.isEmpty()) {
        String[] parts = t.split("\\s+");
        files.add(parts[parts.length - 1]);
      }
    }
    return files;
  }

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }
}
