package io.ae4j;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads h2o-genmodel's own loaded deep-learning MOJO ({@code
 * hex.genmodel.algos.deeplearning.DeeplearningMojoModel}, as {@code hex.genmodel.MojoModel.load}
 * returns it) by reflection, once, and writes what it holds back as a MOJO's {@code model.ini}
 * and domain files, so that ae4j loads it through its one MOJO path and scores it with the same
 * numbers as the MOJO file. Weights are genmodel's floats, biases and normalization its
 * doubles, written with Java's {@code toString} (which reads back to the same bits, as H2O's
 * own {@code model.ini} is written). ae4j has no compile-time dependency on genmodel.
 */
final class GenmodelMojoReflection {
  static final String DL_MOJO_CLASS = "hex.genmodel.algos.deeplearning.DeeplearningMojoModel";

  private GenmodelMojoReflection() {
  }

  /** True when the object is (a subclass of) genmodel's deep-learning MOJO model. */
  static boolean isGenmodelDeeplearningMojo(Object o) {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(DL_MOJO_CLASS)) {
        return true;
      }
    }
    return false;
  }

  /** The model as an {@link MojoModel}, scored natively. */
  static MojoModel load(Object genmodelMojo) {
    String name = "genmodel " + genmodelMojo.getClass().getSimpleName() + " " + field(genmodelMojo, "_uuid");
    try {
      return MojoModel.fromZipBytes(toZip(genmodelMojo), name);
    } catch (IOException e) {
      throw new IllegalArgumentException("ae4j: cannot read genmodel's " + name + ": " + e.getMessage(), e);
    }
  }

  static byte[] toZip(Object g) throws IOException {
    String category = String.valueOf(field(g, "_category"));
    if (!"AutoEncoder".equals(category)) {
      throw new IllegalArgumentException("a genmodel deep-learning MOJO of category " + category
          + ", not an autoencoder: ae4j scores H2O deep-learning autoencoders only");
    }
    String[] names = (String[]) field(g, "_names");
    String[][] domains = (String[][]) field(g, "_domains");
    int nFeatures = (Integer) field(g, "_nfeatures");
    Map<String, byte[]> entries = new LinkedHashMap<String, byte[]>();
    StringBuilder ini = new StringBuilder("[info]\n");
    kv(ini, "h2o_version", field(g, "_h2oVersion"));
    kv(ini, "mojo_version", String.format(Locale.ROOT, "%.2f", (Double) field(g, "_mojo_version")));
    kv(ini, "algo", field(g, "_algoName"));
    kv(ini, "algorithm", "Deep Learning");
    kv(ini, "endianness", "LITTLE_ENDIAN");
    kv(ini, "category", category);
    kv(ini, "uuid", field(g, "_uuid"));
    kv(ini, "supervised", field(g, "_supervised"));
    kv(ini, "n_features", nFeatures);
    kv(ini, "n_classes", field(g, "_nclasses"));
    kv(ini, "n_columns", names.length);
    int nDomains = 0;
    for (String[] d : domains) {
      nDomains += d == null ? 0 : 1;
    }
    kv(ini, "n_domains", nDomains);
    kv(ini, "balance_classes", field(g, "_balanceClasses"));
    kv(ini, "default_threshold", field(g, "_defaultThreshold"));
    kv(ini, "prior_class_distrib", doubles((double[]) field(g, "_priorClassDistrib")));
    kv(ini, "model_class_distrib", doubles((double[]) field(g, "_modelClassDistrib")));
    kv(ini, "escape_domain_values", "true");
    kv(ini, "mini_batch_size", field(g, "_mini_batch_size"));
    kv(ini, "nums", field(g, "_nums"));
    kv(ini, "cats", field(g, "_cats"));
    kv(ini, "cat_offsets", ints((int[]) field(g, "_catoffsets")));
    kv(ini, "norm_mul", doubles((double[]) field(g, "_normmul")));
    kv(ini, "norm_sub", doubles((double[]) field(g, "_normsub")));
    kv(ini, "norm_resp_mul", doubles((double[]) field(g, "_normrespmul")));
    kv(ini, "norm_resp_sub", doubles((double[]) field(g, "_normrespsub")));
    kv(ini, "use_all_factor_levels", field(g, "_use_all_factor_levels"));
    kv(ini, "activation", field(g, "_activation"));
    kv(ini, "distribution", field(g, "_family"));
    kv(ini, "mean_imputation", field(g, "_imputeMeans"));
    kv(ini, "cat_modes", ints((int[]) field(g, "_catNAFill")));
    kv(ini, "neural_network_sizes", ints((int[]) field(g, "_units")));
    Object[] layers = (Object[]) field(g, "_weightsAndBias");
    for (int i = 0; i < layers.length; i++) {
      kv(ini, "weight_layer" + i, floats((float[]) field(layers[i], "_wValues")));
      kv(ini, "bias_layer" + i, doubles((double[]) field(layers[i], "_bValues")));
    }
    kv(ini, "hidden_dropout_ratios", doubles((double[]) field(g, "_all_drop_out_ratios")));
    kv(ini, "_genmodel_encoding", call(g, "getCategoricalEncoding"));
    ini.append("\n[columns]\n");
    for (String n : names) {
      ini.append(n).append('\n');
    }
    ini.append("\n[domains]\n");
    for (int i = 0, k = 0; i < domains.length; i++) {
      if (domains[i] == null) {
        continue;
      }
      String file = String.format(Locale.ROOT, "d%03d.txt", k++);
      ini.append(i).append(": ").append(domains[i].length).append(' ').append(file).append('\n');
      StringBuilder levels = new StringBuilder();
      for (String level : domains[i]) {
        levels.append(escape(level)).append('\n');
      }
      entries.put("domains/" + file, levels.toString().getBytes(StandardCharsets.UTF_8));
    }
    Map<String, byte[]> all = new LinkedHashMap<String, byte[]>();
    all.put(MojoZip.MODEL_INI, ini.toString().getBytes(StandardCharsets.UTF_8));
    all.putAll(entries);
    return MojoZip.zip(all);
  }

  /** genmodel's {@code escapeNewlines}, undone by the MOJO reader when {@code escape_domain_values}. */
  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static void kv(StringBuilder ini, String key, Object value) {
    ini.append(key).append(" = ").append(value).append('\n');
  }

  /** genmodel reads a {@code null} array of the MOJO as an empty one: both are written {@code null}. */
  private static String doubles(double[] a) {
    if (a == null || a.length == 0) {
      return "null";
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < a.length; i++) {
      b.append(i == 0 ? "" : ", ").append(Double.toString(a[i]));
    }
    return b.append(']').toString();
  }

  private static String floats(float[] a) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < a.length; i++) {
      b.append(i == 0 ? "" : ", ").append(Float.toString(a[i]));
    }
    return b.append(']').toString();
  }

  private static String ints(int[] a) {
    if (a == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < a.length; i++) {
      b.append(i == 0 ? "" : ", ").append(a[i]);
    }
    return b.append(']').toString();
  }

  /** A field of the object's class or a superclass, public or not. */
  private static Object field(Object o, String name) {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("ae4j: cannot read " + name + " of genmodel's "
            + o.getClass().getName() + ": " + e, e);
      }
    }
    throw new IllegalArgumentException("ae4j: genmodel's " + o.getClass().getName() + " has no field " + name
        + " (an h2o-genmodel version ae4j does not know?)");
  }

  private static Object call(Object o, String method) {
    try {
      return o.getClass().getMethod(method).invoke(o);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("ae4j: cannot call " + method + " of genmodel's "
          + o.getClass().getName() + ": " + e, e);
    }
  }
}
