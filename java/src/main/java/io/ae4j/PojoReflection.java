package io.ae4j;

import io.ae4j.internal.Native;

import java.io.Serializable;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a compiled H2O deep-learning autoencoder POJO by reflection (ae4j has no compile-time
 * dependency on h2o-genmodel) and hands its arrays to the native core once
 * ({@link Native#fromPojoArrays}).
 *
 * <p>Read as data: {@code getNames()}, {@code getDomainValues()}, {@code nfeatures()},
 * {@code getModelCategory()} (must be {@code AutoEncoder}), the {@code @ModelPojo} annotation's
 * {@code algorithm} (must be {@code deeplearning} when present), and the static
 * {@code CATOFFSETS}, {@code NEURONS}, {@code BIAS}, {@code WEIGHT}, {@code HIDDEN_DROPOUT_RATIOS}
 * (optional) and {@code NORMMUL.VALUES} / {@code NORMSUB.VALUES} (optional nested classes;
 * {@code null} for {@code standardize=false}).
 *
 * <p><b>Probed:</b> the activation, which a compiled POJO holds only as code. The POJO's own
 * {@code score0} is run on a few deterministic rows (every input missing; first and later
 * levels with numerics half a standard deviation or more either side of the training mean; every
 * categorical missing), and the native side keeps the one candidate activation (Tanh, Rectifier,
 * ExpRectifier, or their {@code WithDropout} variants when {@code HIDDEN_DROPOUT_RATIOS} is
 * present) whose reconstruction matches. Two genmodel POJO bugs are handled on the way:
 * <ul>
 *   <li>{@code standardize=false}: {@code score0} throws a NullPointerException on every row
 *       (it reads the null {@code NORMMUL.VALUES} to normalize a present numeric and to
 *       de-normalize the output). Such models are probed with every numeric missing, so the
 *       exception comes only at the output de-normalization, after {@code preds} holds the whole
 *       network output, which (with no normalization) is the reconstruction itself.</li>
 *   <li>ExpRectifier: H2O's generated {@code score0} applies no activation at all (the
 *       identity). H2O has no identity activation for deep learning, so a POJO that computes
 *       the identity network is an ExpRectifier model, and ae4j scores it as ExpRectifier, like
 *       its MOJO and the H2O server do.</li>
 * </ul>
 */
final class PojoReflection {
  private PojoReflection() {}

  private static final String GEN_MODEL = "hex.genmodel.GenModel";
  private static final String MOJO_MODEL = "hex.genmodel.MojoModel";
  private static final String MODEL_POJO = "hex.genmodel.annotations.ModelPojo";

  /**
   * A compiled POJO's arrays, and its activation once probed: all a model needs, and the
   * serialized form of a model built from a POJO instance (the POJO class is not needed to read
   * it back). The arrays are the POJO's own (shared, never modified).
   */
  static final class Spec implements Serializable {
    private static final long serialVersionUID = 1L;
    String className;
    String[] names;
    String[][] domains;
    int[] catOffsets;
    int[] neurons;
    /** {@code WEIGHT}: index 0 null. */
    float[][] weight;
    /** {@code BIAS}: index 0 null. */
    double[][] bias;
    double[] hiddenDropoutRatios;
    double[] normMul;
    double[] normSub;
    /** null until probed. */
    String activation;
    transient double[] probeRows;
    transient double[] probeOutputs;

    /** A new native handle (probing first when the activation is not known yet). */
    long open() {
      int nf = names.length;
      int[] sizes = new int[nf];
      List<String> levels = new ArrayList<String>();
      for (int i = 0; i < nf; i++) {
        if (domains[i] == null) {
          sizes[i] = -1;
        } else {
          sizes[i] = domains[i].length;
          levels.addAll(Arrays.asList(domains[i]));
        }
      }
      long total = 0;
      int totalBias = 0;
      for (int i = 1; i < neurons.length; i++) {
        total += weight[i].length;
        totalBias += bias[i].length;
      }
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("POJO class " + className + ": " + total
            + " weights do not fit one Java array");
      }
      float[] w = new float[(int) total];
      double[] b = new double[totalBias];
      int at = 0;
      int bat = 0;
      for (int i = 1; i < neurons.length; i++) {
        System.arraycopy(weight[i], 0, w, at, weight[i].length);
        at += weight[i].length;
        System.arraycopy(bias[i], 0, b, bat, bias[i].length);
        bat += bias[i].length;
      }
      io.ae4j.internal.NativeLoader.load();
      return Native.fromPojoArrays(className, names, sizes, levels.toArray(new String[0]),
          catOffsets, neurons, w, b, hiddenDropoutRatios, normMul, normSub, activation,
          probeRows, probeOutputs);
    }
  }

  /** Reads and probes a POJO instance. */
  static Spec read(Object pojo) {
    if (pojo == null) {
      throw new IllegalArgumentException("the POJO must not be null");
    }
    Class<?> cls = pojo.getClass();
    if (!isA(cls, GEN_MODEL)) {
      throw new IllegalArgumentException("not an H2O POJO: " + cls
          + " (expected an instance of a POJO class generated by H2O, a hex.genmodel.GenModel)");
    }
    if (isA(cls, MOJO_MODEL)) {
      throw new IllegalArgumentException("a MOJO model (" + cls.getName() + "), not a POJO: load"
          + " the MOJO's .zip with io.ae4j.MojoModel.load(path) instead");
    }
    String algorithm = algorithm(cls);
    Object category = call(pojo, "getModelCategory");
    if (!"AutoEncoder".equals(String.valueOf(category))
        || (algorithm != null && !algorithm.equals("deeplearning"))) {
      throw new IllegalArgumentException("a " + algorithmName(algorithm) + " " + category
          + " POJO (" + cls.getName() + "): ae4j scores H2O deep-learning autoencoders only");
    }
    Spec s = new Spec();
    s.className = cls.getName();
    int nf = ((Number) call(pojo, "nfeatures")).intValue();
    String[] names = (String[]) call(pojo, "getNames");
    String[][] domains = (String[][]) call(pojo, "getDomainValues");
    if (names == null || names.length < nf || domains == null || domains.length < nf) {
      throw bad(cls, "getNames()/getDomainValues() do not cover its " + nf + " features");
    }
    s.names = Arrays.copyOf(names, nf);
    s.domains = Arrays.copyOf(domains, nf);
    s.catOffsets = field(cls, "CATOFFSETS", int[].class, true);
    s.neurons = field(cls, "NEURONS", int[].class, true);
    s.weight = field(cls, "WEIGHT", float[][].class, true);
    s.bias = field(cls, "BIAS", double[][].class, true);
    s.hiddenDropoutRatios = field(cls, "HIDDEN_DROPOUT_RATIOS", double[].class, false);
    s.normMul = nestedValues(cls, "NORMMUL");
    s.normSub = nestedValues(cls, "NORMSUB");
    int layers = s.neurons.length;
    if (layers < 3 || s.weight.length != layers || s.bias.length != layers) {
      throw bad(cls, "NEURONS " + Arrays.toString(s.neurons) + " does not fit WEIGHT ("
          + s.weight.length + ") and BIAS (" + s.bias.length + ")");
    }
    for (int i = 1; i < layers; i++) {
      long expected = (long) s.neurons[i - 1] * s.neurons[i];
      if (s.weight[i] == null || s.weight[i].length != expected
          || s.bias[i] == null || s.bias[i].length != s.neurons[i]) {
        throw bad(cls, "WEIGHT[" + i + "] / BIAS[" + i + "] do not have " + expected + " / "
            + s.neurons[i] + " values");
      }
    }
    probe(pojo, cls, s);
    return s;
  }

  /** Runs the POJO's score0 on the probe rows (see the class comment). */
  private static void probe(Object pojo, Class<?> cls, Spec s) {
    int nf = s.names.length;
    int cats = 0;
    while (cats < nf && s.domains[cats] != null) {
      cats++;
    }
    int nums = nf - cats;
    boolean standardized = nums > 0 && s.normMul != null && s.normSub != null
        && s.normMul.length == nums && s.normSub.length == nums;
    int slots = s.neurons[s.neurons.length - 1];
    Method score0;
    try {
      score0 = cls.getMethod("score0", double[].class, double[].class);
      accessible(score0);
    } catch (NoSuchMethodException e) {
      throw bad(cls, "no score0(double[], double[])");
    }
    int n = 6;
    double[] rows = new double[n * nf];
    double[] outputs = new double[n * slots];
    int kept = 0;
    String lastFailure = null;
    for (int r = 0; r < n; r++) {
      double[] row = new double[nf];
      for (int j = 0; j < nf; j++) {
        if (j < cats) {
          int levels = s.domains[j].length;
          row[j] = r == 0 || r == n - 1 || levels == 0 ? Double.NaN : (r * 3 + j) % levels;
        } else if (!standardized || r == 0) {
          row[j] = Double.NaN; // see the class comment on standardize=false
        } else {
          int k = j - cats;
          double v = 0.5 * r * ((j + r) % 2 == 0 ? 1 : -1);
          double raw = s.normSub[k] + v / s.normMul[k];
          row[j] = Double.isInfinite(raw) || Double.isNaN(raw) ? s.normSub[k] : raw;
        }
      }
      double[] preds = new double[Math.max(slots, predsSize(pojo))];
      try {
        synchronized (pojo) { // a POJO's score0 uses instance scratch arrays
          score0.invoke(pojo, row.clone(), preds);
        }
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof NullPointerException && nums > 0 && !standardized) {
          // genmodel's standardize=false bug: preds already holds the network output
        } else if (cause instanceof RuntimeException && String.valueOf(cause.getMessage()).contains("Numerical instability")) {
          lastFailure = String.valueOf(cause);
          continue; // the POJO reconstructs NaN on this row: no evidence
        } else {
          throw new IllegalArgumentException("POJO class " + cls.getName()
              + ": its score0 failed on a probe row: " + cause, cause);
        }
      } catch (IllegalAccessException e) {
        throw bad(cls, "score0 is not accessible: " + e);
      }
      System.arraycopy(row, 0, rows, kept * nf, nf);
      System.arraycopy(preds, 0, outputs, kept * slots, slots);
      kept++;
    }
    if (kept == 0) {
      throw bad(cls, "its score0 scored none of the probe rows (" + lastFailure + ")");
    }
    s.probeRows = Arrays.copyOf(rows, kept * nf);
    s.probeOutputs = Arrays.copyOf(outputs, kept * slots);
  }

  private static int predsSize(Object pojo) {
    try {
      Object v = call(pojo, "getPredsSize");
      return v instanceof Number ? ((Number) v).intValue() : 0;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  private static IllegalArgumentException bad(Class<?> cls, String what) {
    return new IllegalArgumentException("POJO class " + cls.getName() + ": " + what
        + "; not an H2O deep-learning autoencoder POJO as H2O generates it");
  }

  private static boolean isA(Class<?> cls, String name) {
    for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** {@code @ModelPojo(algorithm=...)} of the class, or null without the annotation. */
  private static String algorithm(Class<?> cls) {
    for (Annotation a : cls.getAnnotations()) {
      if (a.annotationType().getName().equals(MODEL_POJO)) {
        try {
          Method m = a.annotationType().getMethod("algorithm");
          accessible(m);
          return String.valueOf(m.invoke(a));
        } catch (ReflectiveOperationException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static String algorithmName(String algorithm) {
    if (algorithm == null) {
      return "H2O";
    }
    String[][] known = {{"gbm", "GBM"}, {"drf", "DRF"}, {"glm", "GLM"}, {"deeplearning", "DeepLearning"},
        {"xgboost", "XGBoost"}, {"kmeans", "KMeans"}, {"pca", "PCA"}, {"glrm", "GLRM"},
        {"naivebayes", "NaiveBayes"}, {"isolationforest", "IsolationForest"}, {"svd", "SVD"},
        {"stackedensemble", "StackedEnsemble"}, {"word2vec", "Word2Vec"}};
    for (String[] k : known) {
      if (k[0].equals(algorithm)) {
        return k[1];
      }
    }
    return algorithm;
  }

  private static Object call(Object target, String method) {
    try {
      Method m = target.getClass().getMethod(method);
      accessible(m);
      return m.invoke(target);
    } catch (NoSuchMethodException e) {
      throw bad(target.getClass(), "no " + method + "()");
    } catch (IllegalAccessException e) {
      throw bad(target.getClass(), method + "() is not accessible: " + e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("POJO class " + target.getClass().getName() + ": "
          + method + "() failed: " + e.getCause(), e.getCause());
    }
  }

  private static <T> T field(Class<?> cls, String name, Class<T> type, boolean required) {
    Field f;
    try {
      f = cls.getDeclaredField(name);
    } catch (NoSuchFieldException e) {
      if (required) {
        throw bad(cls, "no static " + name);
      }
      return null;
    }
    if (!Modifier.isStatic(f.getModifiers())) {
      throw bad(cls, name + " is not static");
    }
    Object v;
    try {
      accessible(f);
      v = f.get(null);
    } catch (IllegalAccessException e) {
      throw bad(cls, name + " is not accessible: " + e);
    }
    if (v == null) {
      if (required) {
        throw bad(cls, name + " is null");
      }
      return null;
    }
    if (!type.isInstance(v)) {
      throw bad(cls, name + " is a " + v.getClass().getSimpleName() + ", not a " + type.getSimpleName());
    }
    return type.cast(v);
  }

  /** {@code <cls>$<nested>.VALUES}, or null when the class or its values are absent. */
  private static double[] nestedValues(Class<?> cls, String nested) {
    for (Class<?> c : cls.getDeclaredClasses()) {
      if (c.getSimpleName().equals(nested)) {
        return field(c, "VALUES", double[].class, false);
      }
    }
    return null;
  }

  private static void accessible(java.lang.reflect.AccessibleObject o) {
    try {
      o.setAccessible(true); // a package-private POJO class or nested class
    } catch (RuntimeException e) {
      // inaccessible (a module boundary): try the public access path as it is
    }
  }
}
