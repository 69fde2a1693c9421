package io.ae4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What genmodel answers about one model beyond what scoring needs ({@code getUUID()},
 * {@code nclasses()}, {@code getPredsSize()}, {@code getHeader()}, {@code MojoModel}'s public
 * fields), and which of genmodel's two model kinds it stands for: a MOJO
 * ({@code DeeplearningMojoModel}) or a POJO (a generated {@code GenModel} subclass), because they
 * answer some of these differently for the same network (a MOJO's {@code getPredsSize()} is 2, a
 * POJO's the slot count).
 */
final class GenModelView {
  /** True when genmodel would hold this model as a POJO (a {@code .java} source or a compiled POJO). */
  final boolean pojo;
  /** The MOJO's {@code model.ini} header (empty for a POJO). */
  final ModelIni ini;
  /** genmodel's {@code getUUID()}, or null where the model file does not say. */
  final String uuid;

  private GenModelView(boolean pojo, ModelIni ini, String uuid) {
    this.pojo = pojo;
    this.ini = ini;
    this.uuid = uuid;
  }

  /** From the MOJO zip's bytes, an unzipped MOJO directory, or a POJO's source. */
  static GenModelView of(String format, byte[] modelBytes, String source, String pojoUuid) {
    try {
      if ("mojo".equals(format)) {
        ModelIni ini = modelBytes != null ? ModelIni.fromZip(modelBytes) : fromDirectory(Paths.get(source));
        return new GenModelView(false, ini, ini.get("uuid"));
      }
      if ("pojo".equals(format) && modelBytes != null) {
        return new GenModelView(true, ModelIni.empty(), uuidInSource(new String(modelBytes, StandardCharsets.UTF_8)));
      }
      return new GenModelView(true, ModelIni.empty(), pojoUuid);
    } catch (IOException e) {
      throw new UncheckedIOException("ae4j: cannot read model.ini of " + source + " again: " + e.getMessage(), e);
    }
  }

  private static ModelIni fromDirectory(Path dir) throws IOException {
    Path ini = dir.resolve("model.ini");
    if (!Files.exists(ini)) {
      return ModelIni.empty();
    }
    try (BufferedReader r = Files.newBufferedReader(ini, StandardCharsets.UTF_8)) {
      return ModelIni.parse(r);
    }
  }

  /** H2O's POJO writes {@code public String getUUID() { return Long.toString(<n>L); }}. */
  private static final Pattern UUID_IN_SOURCE =
      Pattern.compile("getUUID\\(\\)\\s*\\{\\s*return\\s+Long\\.toString\\(\\s*(-?\\d+)L\\s*\\)");

  static String uuidInSource(String source) {
    Matcher m = UUID_IN_SOURCE.matcher(source);
    return m.find() ? m.group(1) : null;
  }

  /** A compiled POJO's own {@code getUUID()}, or null if it has none or it fails. */
  static String uuidOfInstance(Object pojo) {
    try {
      Method m = pojo.getClass().getMethod("getUUID");
      Object v = m.invoke(pojo);
      return v == null ? null : v.toString();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
