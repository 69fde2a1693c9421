package io.ae4j;

import io.ae4j.exception.PredictException;
import io.ae4j.internal.Decisions;
import io.ae4j.internal.ModelDescription;
import io.ae4j.internal.Native;
import io.ae4j.internal.NativeHandle;
import io.ae4j.internal.NativeLoader;
import io.ae4j.internal.RowBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * An H2O deep-learning autoencoder, loaded from a MOJO, a POJO's {@code .java} source or a compiled
 * POJO instance ({@link #fromPojo(Object)}), and scored by ae4j's native (Rust) core.
 * The counterpart of h2o-genmodel's {@code MojoModel}/{@code GenModel} for autoencoders; wrap it
 * in an {@link EasyPredictModelWrapper} to score {@link RowData}.
 *
 * <p>Thread-safe: one model serves any number of threads (the native model is immutable).
 * Native memory is released by {@link #close()} (idempotent; a call after close throws
 * {@link IllegalStateException}; a close racing in-flight calls lets them finish and frees the
 * model after the last one); a model that is never closed is freed after it becomes
 * unreachable.
 *
 * <p>Raw rows ({@link #score}, {@link #scoreBatch}) are genmodel's {@code score0} input: one
 * double per input column in model order ({@link #getNames()}, categoricals first); a
 * categorical holds its level index, a numeric its value; {@code NaN} is missing.
 *
 * <p>Serializable (for Spark closures and broadcasts, like genmodel's models): the model file's
 * bytes (MOJO zip or POJO source, with the sidecar calibration it was loaded with, if any) are
 * written, or, for a model built from a compiled POJO, its arrays and activation; reading them
 * back loads a new native model in the receiving JVM. A model loaded from an unzipped MOJO
 * directory is not serializable.
 *
 * <p>Anomaly decisions: a model file may carry a calibration ({@link #getCalibration()}; made by
 * {@code ae4j calibrate}): a calibrated MOJO's zip entry {@code ae4j/calibration.json}, or the
 * sidecar file {@code <path>.ae4j-calibration.json} beside a model loaded from a path (the
 * sidecar wins, as in the CLI). {@link #load(byte[])} and {@link #load(InputStream)} see only
 * a MOJO's zip entry: a POJO source given as bytes has no sidecar. A model from a compiled POJO
 * ({@link #fromPojo(Object)}) has no calibration. A calibration made for another model fails the
 * load with an {@link IOException}.
 */
public class AutoEncoderModel implements AutoCloseable, Serializable {
  private static final long serialVersionUID = 1L;

  private final transient NativeHandle handle;
  private final transient String source;
  /** The MOJO zip or POJO source, kept for serialization; null when loaded from a directory. */
  private final transient byte[] mojoBytes;
  /** A compiled POJO's arrays, kept for serialization; null unless built by {@link #fromPojo}. */
  private final transient PojoReflection.Spec pojo;
  /** The sidecar calibration's text the model was loaded with, kept for serialization; or null. */
  private final transient byte[] calibrationJson;
  /** The calibration stored with the model, or null. */
  private final transient Calibration calibration;
  /** The sidecar pipeline's text the model was loaded with, kept for serialization; or null. */
  private final transient byte[] pipelineJson;
  /** The preprocessing pipeline's raw inputs in the spec's order, or null without a pipeline. */
  private final transient PipelineInput[] pipelineInputs;
  /** Their names (interned, like the model's), or null. */
  private final transient String[] pipelineInputNames;
  private final transient String[] names;
  private final transient String[][] domains;
  private final transient String[] slotNames;
  private final transient String[] outputNames;
  private final transient int[] layerSizes;
  private final transient int[] catOffsets;
  private final transient int nFeatures;
  private final transient int nSlots;
  private final transient int nCats;
  private final transient String format;
  private final transient String h2oVersion;
  private final transient String mojoVersion;
  private final transient String modelId;
  private final transient String activation;
  /** Each thread's direct buffer for {@link #score} (one row crosses JNI with no JNI call natively). */
  private final transient ThreadLocal<RowBuffer> rowBuffers = new ThreadLocal<RowBuffer>();
  /** RowData to raw rows, for the wrapper (and cells, for {@link #convertCell}). */
  private final transient RowDataConverter converter;
  /** What a prediction's {@code reconstructedRowData} is built from. */
  private final transient ReconstructedRowData.Layout reconstructionLayout;

  /** Takes ownership of a native handle; reads and caches all metadata once. */
  AutoEncoderModel(Opened opened, String source) {
    this.handle = new NativeHandle(opened.ptr, this, source);
    this.source = source;
    this.mojoBytes = opened.mojoZip;
    this.pojo = opened.pojo;
    this.calibrationJson = opened.calibrationJson;
    this.pipelineJson = opened.pipelineJson;
    ModelDescription d;
    long p = handle.acquire();
    try {
      d = ModelDescription.of(p);
    } catch (RuntimeException e) {
      handle.release();
      handle.close();
      throw e;
    }
    handle.release();
    this.nFeatures = d.nFeatures();
    this.nSlots = d.nSlots();
    this.nCats = d.nCategorical();
    this.names = d.names;
    this.domains = d.domains;
    this.slotNames = d.slotNames;
    this.layerSizes = d.layerSizes;
    this.catOffsets = d.catOffsets;
    this.format = d.format;
    this.h2oVersion = d.h2oVersion;
    this.mojoVersion = d.mojoVersion;
    this.modelId = d.modelId;
    this.activation = d.activation;
    this.calibration = d.calibration == null ? null : new Calibration(d.calibration);
    this.pipelineInputNames = d.pipelineInputNames;
    this.pipelineInputs = pipelineInputs(d);
    this.outputNames = new String[nSlots];
    for (int i = 0; i < nSlots; i++) {
      outputNames[i] = "reconstr_" + slotNames[i];
    }
    internNames();
    this.converter = new RowDataConverter(names, domains);
    this.reconstructionLayout = new ReconstructedRowData.Layout(names, domains, catOffsets);
  }

  private static PipelineInput[] pipelineInputs(ModelDescription d) {
    if (d.pipelineInputNames == null) {
      return null;
    }
    PipelineInput[] inputs = new PipelineInput[d.pipelineInputNames.length];
    for (int i = 0; i < inputs.length; i++) {
      d.pipelineInputNames[i] = d.pipelineInputNames[i].intern();
      inputs[i] = new PipelineInput(d.pipelineInputNames[i], PipelineInput.Type.of(d.pipelineInputTypes[i]));
    }
    return inputs;
  }

  /**
   * Interned: a RowData keyed by string literals (interned by Java) or by getNames() then finds
   * its columns and levels by identity, without comparing characters.
   */
  private void internNames() {
    for (int i = 0; i < nFeatures; i++) {
      names[i] = names[i].intern();
      if (domains[i] != null) {
        for (int j = 0; j < domains[i].length; j++) {
          domains[i][j] = domains[i][j].intern();
        }
      }
    }
    initGenModelFields(); // genmodel's public fields (the block at the end of the class)
  }

  // ------------------------------------------------------------------------------- loading

  /**
   * Loads a MOJO (a {@code .zip} file, or a directory holding an unzipped MOJO) or a POJO's
   * {@code .java} source file (told apart by content; the source is parsed, not compiled).
   *
   * @throws IOException the file cannot be read, or is not an H2O deep-learning autoencoder
   *     MOJO or POJO (the message says why, naming the file and entry or line)
   */
  public static AutoEncoderModel load(String path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("model path must not be null");
    }
    return load(Paths.get(path));
  }

  /** Loads a MOJO zip file, an unzipped MOJO directory or a POJO {@code .java} file. See {@link #load(String)}. */
  public static AutoEncoderModel load(Path path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("model path must not be null");
    }
    return new AutoEncoderModel(open(path), path.toString());
  }

  /**
   * A new native handle and what it was read from: the file's bytes (null for a directory) and
   * the sidecar calibration's text (or null), or a compiled POJO's arrays.
   */
  static final class Opened {
    final long ptr;
    final byte[] mojoZip;
    final PojoReflection.Spec pojo;
    final byte[] calibrationJson;
    final byte[] pipelineJson;

    Opened(long ptr, byte[] mojoZip) {
      this(ptr, mojoZip, null, null, null);
    }

    Opened(long ptr, byte[] mojoZip, PojoReflection.Spec pojo) {
      this(ptr, mojoZip, pojo, null, null);
    }

    Opened(long ptr, byte[] mojoZip, PojoReflection.Spec pojo, byte[] calibrationJson, byte[] pipelineJson) {
      this.ptr = ptr;
      this.mojoZip = mojoZip;
      this.pojo = pojo;
      this.calibrationJson = calibrationJson;
      this.pipelineJson = pipelineJson;
    }
  }

  /** Appended to a model file's path for its sidecar calibration (as the core's {@code SIDECAR_SUFFIX}). */
  static final String SIDECAR_SUFFIX = ".ae4j-calibration.json";

  /** Appended to a model file's path for its sidecar pipeline (as the core's {@code pipeline::SIDECAR_SUFFIX}). */
  static final String PIPELINE_SIDECAR_SUFFIX = ".ae4j-pipeline.json";

  /**
   * Reads a MOJO zip file or directory, or a POJO source file, into a new native handle, with
   * the calibration stored with it (the sidecar {@code <path>.ae4j-calibration.json} if there is
   * one, else a MOJO's zip entry).
   */
  static Opened open(Path path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("model path must not be null");
    }
    NativeLoader.load();
    if (Files.isDirectory(path)) {
      return new Opened(Native.loadPath(path.toAbsolutePath().toString()), null);
    }
    byte[] bytes = Files.readAllBytes(path);
    Path sidecar = Paths.get(path.toString() + SIDECAR_SUFFIX);
    byte[] calibrationJson = Files.exists(sidecar) ? Files.readAllBytes(sidecar) : null;
    Path pipelineSidecar = Paths.get(path.toString() + PIPELINE_SIDECAR_SUFFIX);
    byte[] pipelineJson = Files.exists(pipelineSidecar) ? Files.readAllBytes(pipelineSidecar) : null;
    return open(bytes, path.toString(), calibrationJson, pipelineJson);
  }

  static Opened open(byte[] mojoZip, String name) throws IOException {
    return open(mojoZip, name, null, null);
  }

  /**
   * {@code calibrationJson} / {@code pipelineJson}: a sidecar's text, or null to use a MOJO's zip
   * entry if any.
   */
  static Opened open(byte[] mojoZip, String name, byte[] calibrationJson, byte[] pipelineJson) throws IOException {
    NativeLoader.load();
    return new Opened(Native.load(mojoZip, name, calibrationJson, pipelineJson), mojoZip, null, calibrationJson,
        pipelineJson);
  }

  /** Loads a MOJO from the bytes of its zip, or a POJO from the bytes of its {@code .java} source (told apart by content). */
  public static AutoEncoderModel load(byte[] mojoZip) throws IOException {
    return load(mojoZip, "<bytes>");
  }

  /**
   * Loads a MOJO zip or POJO source from its bytes; {@code name} appears in error messages (a
   * name ending in {@code .java} is read as a POJO source unless the bytes are a zip).
   */
  public static AutoEncoderModel load(byte[] mojoZip, String name) throws IOException {
    if (mojoZip == null) {
      throw new IllegalArgumentException("model bytes must not be null");
    }
    String n = name == null ? "<bytes>" : name;
    return new AutoEncoderModel(open(mojoZip.clone(), n), n);
  }

  /**
   * {@link #load(byte[], String)} with a calibration's JSON text ({@code ae4j calibrate}'s, as in a
   * sidecar file), which wins over a MOJO's zip entry; null: the zip entry, if any. For callers
   * that carry a model file's bytes elsewhere (Spark's executors) and keep its sidecar with them.
   */
  public static AutoEncoderModel load(byte[] modelBytes, String name, byte[] calibrationJson) throws IOException {
    if (modelBytes == null) {
      throw new IllegalArgumentException("model bytes must not be null");
    }
    String n = name == null ? "<bytes>" : name;
    return load(modelBytes, name, calibrationJson, null);
  }

  /**
   * {@link #load(byte[], String, byte[])} with a preprocessing pipeline's JSON text (a sidecar's,
   * {@code <model>.ae4j-pipeline.json}), which wins over a MOJO's {@code ae4j/pipeline.json}
   * entry; null: the zip entry, if any.
   *
   * @throws IOException the model, the calibration or the pipeline cannot be read, or the
   *     pipeline does not produce every model column (the message names it)
   */
  public static AutoEncoderModel load(byte[] modelBytes, String name, byte[] calibrationJson, byte[] pipelineJson)
      throws IOException {
    if (modelBytes == null) {
      throw new IllegalArgumentException("model bytes must not be null");
    }
    String n = name == null ? "<bytes>" : name;
    return new AutoEncoderModel(open(modelBytes.clone(), n,
        calibrationJson == null ? null : calibrationJson.clone(),
        pipelineJson == null ? null : pipelineJson.clone()), n);
  }

  /** Loads a MOJO zip or a POJO's {@code .java} source from a stream (read to its end; not closed). */
  public static AutoEncoderModel load(InputStream mojoZip) throws IOException {
    if (mojoZip == null) {
      throw new IllegalArgumentException("model stream must not be null");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    byte[] buf = new byte[1 << 16];
    for (int n; (n = mojoZip.read(buf)) > 0; ) {
      out.write(buf, 0, n);
    }
    return new AutoEncoderModel(open(out.toByteArray(), "<stream>"), "<stream>");
  }

  /**
   * Builds a model from a compiled H2O deep-learning autoencoder POJO instance, for example
   * {@code (hex.genmodel.GenModel) Class.forName("my_model").newInstance()}. ae4j does not
   * depend on h2o-genmodel; the POJO (and genmodel, which it extends) are the caller's.
   *
   * <p>Its names, domains, weights, biases, dropout ratios and normalization are read by
   * reflection and handed to the native core once. The activation is not data in a compiled
   * POJO, so it is <i>probed</i>: the POJO's own {@code score0} is run on a few deterministic
   * rows, and the activation whose reconstruction matches is kept. ae4j then scores the model
   * like its MOJO, not like genmodel's POJO path: the MSE and per-slot errors are computed
   * (genmodel's POJO path returns {@code mse = -1}); a {@code standardize=false} model scores
   * (genmodel's POJO throws NullPointerException on every row); an Infinity input gives the
   * MOJO's result (genmodel's POJO throws); and an ExpRectifier model applies its activation
   * (H2O's generated {@code score0} applies none, an H2O bug: a POJO computing the identity
   * network is recognized as ExpRectifier).
   *
   * <p>The POJO instance is used only during this call (its {@code score0} under its monitor)
   * and is not kept. The model is serializable without the POJO class.
   *
   * @throws IllegalArgumentException the object is not a POJO of an H2O deep-learning
   *     autoencoder (the message says what it is, e.g. "a GBM Binomial POJO" or "not an H2O
   *     POJO: class java.lang.String"), or its {@code score0} matches no single activation
   */
  public static AutoEncoderModel fromPojo(Object genModel) {
    if (genModel instanceof AutoEncoderModel) {
      return (AutoEncoderModel) genModel;
    }
    PojoReflection.Spec spec = PojoReflection.read(genModel);
    AutoEncoderModel model = new AutoEncoderModel(new Opened(spec.open(), null, spec),
        "POJO class " + spec.className);
    model.pojoUuid = GenModelView.uuidOfInstance(genModel); // genmodel's getUUID() of the POJO
    spec.activation = model.activation; // serialized with the arrays: no probing when read back
    spec.probeRows = null;
    spec.probeOutputs = null;
    return model;
  }

  /** Frees the native model. Idempotent; in-flight calls finish first. */
  @Override
  public void close() {
    handle.close();
  }

  /** The native handle's owner (tests and diagnostics in this package). */
  NativeHandle nativeHandle() {
    return handle;
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return handle.isClosed();
  }

  // ------------------------------------------------------------------------- serialization

  /** Serializes as the model file's bytes or the POJO's arrays (see the class comment). */
  protected Object writeReplace() throws ObjectStreamException {
    if (pojo != null) {
      return new SerializedPojo(pojo, source);
    }
    if (mojoBytes == null) {
      throw new NotSerializableException("ae4j: the model " + source + " was loaded from an unzipped"
          + " MOJO directory and cannot be serialized; load it from the .zip");
    }
    return new Serialized(mojoBytes, source, this instanceof MojoModel, calibrationJson, pipelineJson);
  }

  /**
   * The serialized form of a model: its MOJO zip (a calibrated MOJO carries its calibration) or
   * POJO source, and the sidecar calibration it was loaded with (null if none).
   */
  static final class Serialized implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] mojoZip;
    private final String source;
    private final boolean mojoModel;
    private final byte[] calibrationJson;
    /** The sidecar pipeline (a stream written before pipelines existed reads it as null). */
    private final byte[] pipelineJson;

    Serialized(byte[] mojoZip, String source, boolean mojoModel, byte[] calibrationJson, byte[] pipelineJson) {
      this.mojoZip = mojoZip;
      this.source = source;
      this.mojoModel = mojoModel;
      this.calibrationJson = calibrationJson;
      this.pipelineJson = pipelineJson;
    }

    private Object readResolve() throws ObjectStreamException {
      try {
        Opened opened = open(mojoZip, source, calibrationJson, pipelineJson);
        return mojoModel ? new MojoModel(opened, source) : new AutoEncoderModel(opened, source);
      } catch (IOException e) {
        InvalidObjectException ex = new InvalidObjectException("ae4j: cannot load the deserialized model "
            + source + ": " + e.getMessage());
        ex.initCause(e);
        throw ex;
      }
    }
  }

  /** The serialized form of a model built from a compiled POJO: its arrays and activation. */
  static final class SerializedPojo implements Serializable {
    private static final long serialVersionUID = 1L;
    private final PojoReflection.Spec spec;
    private final String source;

    SerializedPojo(PojoReflection.Spec spec, String source) {
      this.spec = spec;
      this.source = source;
    }

    private Object readResolve() throws ObjectStreamException {
      try {
        return new AutoEncoderModel(new Opened(spec.open(), null, spec), source);
      } catch (IllegalArgumentException e) {
        InvalidObjectException ex = new InvalidObjectException("ae4j: cannot rebuild the deserialized model "
            + source + ": " + e.getMessage());
        ex.initCause(e);
        throw ex;
      }
    }
  }

  // ------------------------------------------------------------------------------ metadata

  /** The input column names in model order (categoricals first), like genmodel's {@code getNames()}. */
  public String[] getNames() {
    handle.ensureOpen();
    return names.clone();
  }

  /** The levels of column {@code i}, or null for a numeric column. */
  public String[] getDomainValues(int i) {
    handle.ensureOpen();
    return domains[i] == null ? null : domains[i].clone();
  }

  /** The levels of the named column, or null for a numeric or unknown column. */
  public String[] getDomainValues(String name) {
    handle.ensureOpen();
    int i = converter.columnIndex(name);
    return i < 0 ? null : getDomainValues(i);
  }

  /** The levels of every column (null entries for numerics). */
  public String[][] getDomainValues() {
    handle.ensureOpen();
    String[][] copy = new String[nFeatures][];
    for (int i = 0; i < nFeatures; i++) {
      copy[i] = domains[i] == null ? null : domains[i].clone();
    }
    return copy;
  }

  /** The index of a column by exact name, or -1. */
  public int getColIdx(String name) {
    handle.ensureOpen();
    return converter.columnIndex(name);
  }

  /** The number of input columns (the length of a raw row). */
  public int nfeatures() {
    handle.ensureOpen();
    return nFeatures;
  }

  /** The number of input columns, like genmodel's {@code getNumCols()} for an autoencoder. */
  public int getNumCols() {
    return nfeatures();
  }

  /** The number of categorical input columns (they come first). */
  public int getNumCategoricals() {
    handle.ensureOpen();
    return nCats;
  }

  /**
   * The number of expanded slots: the length of the reconstruction and the error arrays (what
   * genmodel calls {@code getPredsSize(ModelCategory.AutoEncoder)}; genmodel's
   * {@code getPredsSize()} of a MOJO is 2, see {@link #getPredsSize()}).
   */
  public int getNumSlots() {
    handle.ensureOpen();
    return nSlots;
  }

  /** H2O's names of the expanded slots ({@code <col>.<level>}, {@code <col>.missing(NA)}, {@code <col>}). */
  public String[] getSlotNames() {
    handle.ensureOpen();
    return slotNames.clone();
  }

  /** {@code reconstr_<slot>} for every slot, like genmodel's {@code getOutputNames()}. */
  public String[] getOutputNames() {
    handle.ensureOpen();
    return outputNames.clone();
  }

  /** Start of each categorical's block of slots, then the first numeric slot. */
  public int[] getCatOffsets() {
    handle.ensureOpen();
    return catOffsets.clone();
  }

  /** {@code [slots, hidden..., slots]}, like H2O's {@code neural_network_sizes}. */
  public int[] getLayerSizes() {
    handle.ensureOpen();
    return layerSizes.clone();
  }

  /** The activation, as H2O names it ({@code Tanh}, {@code RectifierWithDropout}, ...). */
  public String getActivation() {
    handle.ensureOpen();
    return activation;
  }

  /** The H2O version that trained the model, or null if the file does not say (a compiled POJO never does). */
  public String getH2OVersion() {
    handle.ensureOpen();
    return h2oVersion;
  }

  /** The MOJO format version, or null. */
  public String getMojoVersion() {
    handle.ensureOpen();
    return mojoVersion;
  }

  /** H2O's model id or the MOJO's uuid, or null. */
  public String getModelId() {
    handle.ensureOpen();
    return modelId;
  }

  /**
   * Where the model came from: {@code mojo}, {@code pojo} (a {@code .java} source) or
   * {@code pojo-class} (a compiled POJO instance).
   */
  public String getFormat() {
    handle.ensureOpen();
    return format;
  }

  /**
   * The calibration stored with the model (threshold, quantile, row counts, ...), or null when
   * the model file carried none. See the class comment for where it comes from; the decisions it
   * drives are {@code AutoEncoderModelPrediction.anomaly}, {@code percentile} and the
   * explanation fields.
   */
  public Calibration getCalibration() {
    handle.ensureOpen();
    return calibration;
  }

  /**
   * Whether the model carries a preprocessing pipeline (issue #22): a MOJO's zip entry
   * {@code ae4j/pipeline.json}, or the sidecar {@code <path>.ae4j-pipeline.json} beside a model
   * loaded from a path (it wins, as in the CLI). Such a model takes {@link RowData} of the
   * pipeline's <i>raw</i> inputs ({@link #getPipelineInputs()}); the pipeline, then genmodel's
   * conversion, run natively. Its raw rows ({@link #score}, {@link #scoreBatch}) are still the
   * post-pipeline rows of {@link #getNames()}.
   */
  public boolean hasPipeline() {
    handle.ensureOpen();
    return pipelineInputs != null;
  }

  /**
   * The pipeline's raw inputs (names and types) in the spec's order: the keys a RowData of this
   * model holds. Empty without a pipeline.
   */
  public java.util.List<PipelineInput> getPipelineInputs() {
    handle.ensureOpen();
    return pipelineInputs == null ? java.util.Collections.<PipelineInput>emptyList()
        : java.util.Collections.unmodifiableList(Arrays.asList(pipelineInputs));
  }

  /** The pipeline's input names in order (the model's own interned array: do not modify), or null. */
  String[] pipelineInputNames() {
    return pipelineInputNames;
  }

  /** Where the model came from (path or name given to load). */
  public String getSource() {
    return source;
  }

  @Override
  public String toString() {
    return "AutoEncoderModel[" + source + ", " + activation + " " + Arrays.toString(layerSizes)
        + (isClosed() ? ", closed" : "") + "]";
  }

  // --------------------------------------------------------------------------------- scoring

  /**
   * Scores one raw row (one value per input column, see the class comment) in one native call.
   *
   * @param raw the row, exactly {@link #nfeatures()} long
   * @param reconstructedOut receives the reconstruction, numerics de-normalized; at least
   *     {@link #getNumSlots()} long
   * @param squaredErrorsOut receives the per-slot squared error in normalized space; at least
   *     {@link #getNumSlots()} long
   * @return the MSE (mean of the squared errors; finite for missing values)
   * @throws IllegalArgumentException a null array, or a wrong length
   * @throws IllegalStateException the model is closed
   */
  public double score(double[] raw, double[] reconstructedOut, double[] squaredErrorsOut) {
    checkArray(raw, "raw", nFeatures, true);
    checkArray(reconstructedOut, "reconstructedOut", nSlots, false);
    checkArray(squaredErrorsOut, "squaredErrorsOut", nSlots, false);
    long p = handle.acquire();
    try {
      return rowBuffer().score(p, raw, 0, reconstructedOut, squaredErrorsOut);
    } finally {
      handle.release();
    }
  }

  /** This thread's row buffer, made on its first row. */
  private RowBuffer rowBuffer() {
    RowBuffer b = rowBuffers.get();
    if (b == null) {
      b = new RowBuffer(nFeatures, nSlots);
      rowBuffers.set(b);
    }
    return b;
  }

  /**
   * {@link #score}, and the row's anomaly decision in the same native call, written to
   * {@code decisions} as row 0 (layout in {@link Decisions}).
   *
   * @param threshold NaN for none (the calibration's, if any, applies)
   */
  double scoreDecide(double[] raw, double[] reconstructedOut, double[] squaredErrorsOut, double threshold,
      Decisions decisions) {
    checkArray(raw, "raw", nFeatures, true);
    checkArray(reconstructedOut, "reconstructedOut", nSlots, false);
    checkArray(squaredErrorsOut, "squaredErrorsOut", nSlots, false);
    long p = handle.acquire();
    try {
      return Native.scoreDecide(p, raw, reconstructedOut, squaredErrorsOut, threshold, decisions.explain(),
          decisions.values());
    } finally {
      handle.release();
    }
  }

  /**
   * One raw row's scores and the deep features of hidden layer {@code layer} (and, with a
   * non-null {@code decisionOut}, its decision, laid out as {@link Native#scoreDecide} writes
   * it), in one native call.
   */
  double scoreDeep(double[] raw, double[] reconstructedOut, double[] squaredErrorsOut, int layer,
      double[] deepFeaturesOut, double threshold, int explain, double[] decisionOut) {
    checkArray(raw, "raw", nFeatures, true);
    checkArray(reconstructedOut, "reconstructedOut", nSlots, false);
    checkArray(squaredErrorsOut, "squaredErrorsOut", nSlots, false);
    checkArray(deepFeaturesOut, "deepFeaturesOut", getHiddenLayerSize(layer), false);
    long p = handle.acquire();
    try {
      return Native.scoreDeep(p, raw, reconstructedOut, squaredErrorsOut, layer, deepFeaturesOut, threshold,
          explain, decisionOut);
    } finally {
      handle.release();
    }
  }

  /**
   * Scores many raw rows in one native call.
   *
   * @param rows the rows one after another: {@code n * nfeatures()} values for n rows
   * @param reconstructedOut at least {@code n * getNumSlots()} long: row i's reconstruction at
   *     {@code i * getNumSlots()}
   * @param squaredErrorsOut at least {@code n * getNumSlots()} long, laid out the same way
   * @param mseOut at least n long: row i's MSE
   * @return n, the number of rows scored
   * @throws IllegalArgumentException a null array, a wrong length
   */
  public int scoreBatch(double[] rows, double[] reconstructedOut, double[] squaredErrorsOut, double[] mseOut) {
    if (rows == null) {
      throw new IllegalArgumentException("rows must not be null");
    }
    handle.ensureOpen();
    if (nFeatures == 0 || rows.length % nFeatures != 0) {
      throw new IllegalArgumentException("rows: length " + rows.length
          + " is not a multiple of the model's " + nFeatures + " input columns");
    }
    int n = rows.length / nFeatures;
    checkArray(reconstructedOut, "reconstructedOut", (long) n * nSlots, false);
    checkArray(squaredErrorsOut, "squaredErrorsOut", (long) n * nSlots, false);
    checkArray(mseOut, "mseOut", n, false);
    long p = handle.acquire();
    try {
      Native.scoreBatch(p, rows, n, reconstructedOut, squaredErrorsOut, mseOut);
    } finally {
      handle.release();
    }
    return n;
  }

  /**
   * The anomaly decisions of n rows already scored by {@link #scoreBatch}, in one native call
   * (the rules of {@code AutoEncoderModelPrediction.anomaly}, {@code percentile} and the
   * explanation fields). Row i's decision is at {@code i * (2 + 2 * explain)} of
   * {@code decisionsOut}: [0] 1 anomaly, 0 normal, NaN no decision (no calibration and no
   * threshold); [1] the percentile, or NaN; then {@code explain} pairs (input column index, share
   * of the squared error), largest first, index -1 and share NaN past the last.
   *
   * @param mse the rows' MSEs, at least n long
   * @param squaredErrors their squared errors as {@link #scoreBatch} writes them (read only when
   *     {@code explain > 0})
   * @param n the number of rows
   * @param threshold NaN for none (the calibration's, if any, applies)
   * @param explain the number of top columns wanted, 0 to {@link #nfeatures()}
   * @param decisionsOut at least {@code n * (2 + 2 * explain)} long
   */
  public void decideBatch(double[] mse, double[] squaredErrors, int n, double threshold, int explain,
      double[] decisionsOut) {
    if (n < 0 || explain < 0 || explain > nFeatures) {
      throw new IllegalArgumentException("n " + n + " / explain " + explain + " out of range");
    }
    handle.ensureOpen();
    checkArray(mse, "mse", n, false);
    if (explain > 0) {
      checkArray(squaredErrors, "squaredErrors", (long) n * nSlots, false);
    }
    checkArray(decisionsOut, "decisionsOut", (long) n * (2 + 2 * explain), false);
    if (n == 0) {
      return;
    }
    long p = handle.acquire();
    try {
      Native.decideBatch(p, mse, explain > 0 ? squaredErrors : new double[0], n, threshold, explain, decisionsOut);
    } finally {
      handle.release();
    }
  }

  /**
   * {@link #scoreBatch(double[], double[], double[], double[])} with the deep features of hidden
   * layer {@code layer} from the same native call and forward pass: row i's
   * {@link #getHiddenLayerSize(int)} values at {@code i * getHiddenLayerSize(layer)} of
   * {@code deepFeaturesOut}.
   *
   * @throws IllegalArgumentException a null array, a wrong length, or a layer the model lacks
   */
  public int scoreBatch(double[] rows, double[] reconstructedOut, double[] squaredErrorsOut, double[] mseOut,
      int layer, double[] deepFeaturesOut) {
    if (rows == null) {
      throw new IllegalArgumentException("rows must not be null");
    }
    handle.ensureOpen();
    int units = getHiddenLayerSize(layer);
    if (nFeatures == 0 || rows.length % nFeatures != 0) {
      throw new IllegalArgumentException("rows: length " + rows.length
          + " is not a multiple of the model's " + nFeatures + " input columns");
    }
    int n = rows.length / nFeatures;
    checkArray(reconstructedOut, "reconstructedOut", (long) n * nSlots, false);
    checkArray(squaredErrorsOut, "squaredErrorsOut", (long) n * nSlots, false);
    checkArray(mseOut, "mseOut", n, false);
    checkArray(deepFeaturesOut, "deepFeaturesOut", (long) n * units, false);
    long p = handle.acquire();
    try {
      Native.scoreBatchDeep(p, rows, n, reconstructedOut, squaredErrorsOut, mseOut, layer, deepFeaturesOut);
    } finally {
      handle.release();
    }
    return n;
  }

  /**
   * Scores rows of raw cells of a model with a pipeline ({@link #hasPipeline()}) in one native
   * call: per row the core runs the pipeline, then genmodel's conversion (with the two
   * {@code convert...ToNa} options of genmodel's Config), then scores, decides and computes the
   * deep features, as for a raw row. For front ends with their own row types (the wrapper, the
   * Spark module).
   *
   * @param cells the rows ({@link CellBatch} of {@code getPipelineInputs().size()} columns)
   * @param rawOut at least {@code n * nfeatures()}: row i's post-pipeline raw row at
   *     {@code i * nfeatures()} (what {@link #expandOriginal} expands)
   * @param reconstructedOut at least {@code n * getNumSlots()}, as {@link #scoreBatch}
   * @param squaredErrorsOut at least {@code n * getNumSlots()}
   * @param mseOut at least n
   * @param threshold the run-time threshold, NaN for none
   * @param explain top columns per decision (with {@code decisionsOut})
   * @param decisionsOut null for no decisions, else at least {@code n * (2 + 2 * explain)}, laid
   *     out as {@link #decideBatch} writes them
   * @param layer the hidden layer of {@code deepFeaturesOut}
   * @param deepFeaturesOut null for none, else at least {@code n * getHiddenLayerSize(layer)}
   * @param failuresOut at least {@code 3 * n}: for a row that cannot be scored (its scores NaN),
   *     its error's kind, column and message at {@code 3 * i} (see {@link #rowFailure}); null
   *     entries for a scored row
   * @return n, the number of rows scored
   * @throws IllegalStateException the model has no pipeline, or is closed
   * @throws IllegalArgumentException a null or short array
   */
  public int scoreCells(CellBatch cells, boolean convertUnknownCategoricalLevelsToNa, boolean convertInvalidNumbersToNa,
      double[] rawOut, double[] reconstructedOut, double[] squaredErrorsOut, double[] mseOut, double threshold,
      int explain, double[] decisionsOut, int layer, double[] deepFeaturesOut, String[] failuresOut) {
    handle.ensureOpen();
    if (cells == null || failuresOut == null) {
      throw new IllegalArgumentException("cells and failuresOut must not be null");
    }
    if (pipelineInputs == null) {
      throw new IllegalStateException("ae4j: the model " + source + " has no preprocessing pipeline");
    }
    if (cells.columns() != pipelineInputs.length) {
      throw new IllegalArgumentException("cells: " + cells.columns() + " columns, the pipeline has "
          + pipelineInputs.length + " inputs");
    }
    cells.closeRow();
    int n = cells.rows();
    checkArray(rawOut, "rawOut", (long) n * nFeatures, false);
    checkArray(reconstructedOut, "reconstructedOut", (long) n * nSlots, false);
    checkArray(squaredErrorsOut, "squaredErrorsOut", (long) n * nSlots, false);
    checkArray(mseOut, "mseOut", n, false);
    if (decisionsOut != null) {
      checkArray(decisionsOut, "decisionsOut", (long) n * (2 + 2 * explain), false);
    }
    if (deepFeaturesOut != null) {
      checkArray(deepFeaturesOut, "deepFeaturesOut", (long) n * getHiddenLayerSize(layer), false);
    }
    if (failuresOut.length < 3L * n) {
      throw new IllegalArgumentException("failuresOut: length " + failuresOut.length + ", needs " + 3L * n);
    }
    if (n == 0) {
      return 0;
    }
    long p = handle.acquire();
    try {
      Native.scoreCells(p, n, cells.kinds, cells.numbers, cells.text, cells.textEnds,
          convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa, rawOut, reconstructedOut, squaredErrorsOut,
          mseOut, threshold, explain, decisionsOut, layer, deepFeaturesOut, failuresOut);
    } finally {
      handle.release();
    }
    return n;
  }

  /**
   * The exception of a row {@link #scoreCells} could not score, from its failure entries: kind
   * {@code PipelineException} is a {@link PredictPipelineException}; genmodel's exception names
   * are those exceptions (with genmodel's messages); anything else a {@link PredictException}.
   */
  public static PredictException rowFailure(String kind, String column, String message) {
    return RowFailures.toException(kind, column, message);
  }

  /** The number of hidden layers: deep features come from layers 0 to this minus 1. */
  public int getHiddenLayerCount() {
    handle.ensureOpen();
    return layerSizes.length - 2;
  }

  /**
   * The number of units of hidden layer {@code layer} (0-based, as H2O's
   * {@code deep_features_hidden_layer}).
   *
   * @throws IllegalArgumentException the model has no such layer (the message names the range)
   */
  public int getHiddenLayerSize(int layer) {
    int hidden = getHiddenLayerCount();
    if (layer < 0 || layer >= hidden) {
      throw new IllegalArgumentException("hidden layer " + layer + " does not exist: the hidden"
          + " layer (index) to extract must be between 0 and " + (hidden - 1));
    }
    return layerSizes[layer + 1];
  }

  /**
   * H2O's deep features of raw rows (see the class comment), in one native call: the
   * activations of hidden layer {@code layer}, row i's {@link #getHiddenLayerSize(int)} values
   * at {@code i * getHiddenLayerSize(layer)}. The network runs no deeper than that layer.
   *
   * @param rows the rows one after another: {@code n * nfeatures()} values for n rows
   * @throws IllegalArgumentException a null array, a wrong length, or a layer the model lacks
   */
  public double[] deepFeatures(double[] rows, int layer) {
    if (rows == null) {
      throw new IllegalArgumentException("rows must not be null");
    }
    handle.ensureOpen();
    int units = getHiddenLayerSize(layer);
    if (nFeatures == 0 || rows.length % nFeatures != 0) {
      throw new IllegalArgumentException("rows: length " + rows.length
          + " is not a multiple of the model's " + nFeatures + " input columns");
    }
    int n = rows.length / nFeatures;
    double[] out = new double[n * units];
    long p = handle.acquire();
    try {
      Native.deepFeatures(p, rows, n, layer, out);
    } finally {
      handle.release();
    }
    return out;
  }

  private static void checkArray(double[] a, String what, long length, boolean exact) {
    if (a == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (exact ? a.length != length : a.length < length) {
      throw new IllegalArgumentException(what + ": length " + a.length + ", the model needs "
          + (exact ? "" : "at least ") + length);
    }
  }

  /**
   * genmodel's {@code original} for a raw row: one-hot categoricals (level slot, or the NA slot
   * for NaN / an out-of-range index), numerics as they are (NaN when missing).
   */
  public double[] expandOriginal(double[] raw) {
    checkArray(raw, "raw", nFeatures, true);
    handle.ensureOpen();
    double[] out = new double[nSlots];
    expandOriginal(raw, 0, out);
    return out;
  }

  void expandOriginal(double[] raw, int rawOffset, double[] out) {
    for (int c = 0; c < nCats; c++) {
      int start = catOffsets[c];
      int na = catOffsets[c + 1] - 1;
      double v = raw[rawOffset + c];
      int slot;
      if (Double.isNaN(v) || v < 0 || v >= na - start) {
        slot = na;
      } else {
        slot = start + (int) v;
      }
      out[slot] = 1.0;
    }
    int first = catOffsets[nCats];
    System.arraycopy(raw, rawOffset + nCats, out, first, nFeatures - nCats);
  }

  // ---------------------------------------------------------------------------- cells

  /**
   * One RowData cell of input column {@code column} as its raw value, with exactly the rules of
   * {@link EasyPredictModelWrapper#predictAutoEncoder} (see {@link RowData}): a number, a level
   * index for a categorical, NaN when missing (or converted to NA as asked). For front ends that
   * read cells from their own row types (the Spark module).
   *
   * @throws PredictException the cell is an unknown level, an unparsable number String or a value
   *     of a type the column cannot take (unless converted to NA)
   * @throws IllegalArgumentException {@code column} is not in {@code [0, nfeatures())}
   * @throws IllegalStateException the model is closed (like every call that uses it)
   */
  public double convertCell(int column, Object value, boolean convertUnknownCategoricalLevelsToNa,
      boolean convertInvalidNumbersToNa) throws PredictException {
    handle.ensureOpen();
    if (column < 0 || column >= nFeatures) {
      throw new IllegalArgumentException("column " + column + " is not an input column (0 to "
          + (nFeatures - 1) + ")");
    }
    return converter.convert(column, value, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa);
  }

  /** The model's RowData conversion (the wrapper's). */
  RowDataConverter converter() {
    return converter;
  }

  /** {@link #getNumSlots()} without the open check (the wrapper's native call checks). */
  int slotCount() {
    return nSlots;
  }

  /** Whether a raw row is already its expanded row ({@code original}): no categoricals. */
  boolean rawIsExpanded() {
    return nCats == 0;
  }

  /** Whether the model carries a calibration (its predictions then always decide). */
  boolean calibrated() {
    return calibration != null;
  }

  /** What a prediction's lazily built {@code reconstructedRowData} needs of the model. */
  ReconstructedRowData.Layout reconstructionLayout() {
    return reconstructionLayout;
  }

  // ----------------------------------------------------------------------------------------
  // genmodel's GenModel surface, answering as genmodel answers for a deep-learning autoencoder
  // (a DeeplearningMojoModel for a MOJO, the generated GenModel subclass for a POJO), so that
  // code written against hex.genmodel compiles and runs with only its imports changed.
  // ----------------------------------------------------------------------------------------

  /** genmodel's {@code GenModel._names}: the input column names (a copy; changing it changes nothing). */
  public transient String[] _names;
  /** genmodel's {@code GenModel._domains}: the levels of each column, null for a numeric (a copy). */
  public transient String[][] _domains;
  /** genmodel's {@code GenModel._responseColumn}: null, an autoencoder has no response. */
  public transient String _responseColumn;
  /** genmodel's {@code GenModel._offsetColumn}: null. */
  public transient String _offsetColumn;
  /** genmodel's {@code GenModel._foldColumn}: null. */
  public transient String _foldColumn;
  /** genmodel's {@code GenModel._treatmentColumn}: null. */
  public transient String _treatmentColumn;

  /** A compiled POJO's {@code getUUID()}, read by {@link #fromPojo}; null otherwise. */
  transient String pojoUuid;
  private transient volatile GenModelView genModelView;

  private void initGenModelFields() {
    _names = names.clone();
    _domains = new String[nFeatures][];
    for (int i = 0; i < nFeatures; i++) {
      _domains[i] = domains[i] == null ? null : domains[i].clone();
    }
  }

  /** The MOJO/POJO answers, read from the model file once, on first use. */
  GenModelView genModelView() {
    handle.ensureOpen();
    GenModelView v = genModelView;
    if (v == null) {
      v = GenModelView.of(format, mojoBytes, source, pojoUuid);
      genModelView = v;
    }
    return v;
  }

  /** Always {@link ModelCategory#AutoEncoder}. */
  public ModelCategory getModelCategory() {
    handle.ensureOpen();
    return ModelCategory.AutoEncoder;
  }

  /** genmodel's: the set of the model's one category, {@code [AutoEncoder]}. */
  public java.util.EnumSet<ModelCategory> getModelCategories() {
    return java.util.EnumSet.of(getModelCategory());
  }

  /** The MOJO's {@code uuid} (genmodel's {@code getUUID()}), or the POJO's; null if the file does not say. */
  public String getUUID() {
    handle.ensureOpen();
    return genModelView().uuid;
  }

  /** False: an autoencoder is unsupervised. */
  public boolean isSupervised() {
    handle.ensureOpen();
    return false;
  }

  /** True. */
  public boolean isAutoEncoder() {
    handle.ensureOpen();
    return true;
  }

  /** False. */
  public boolean isClassifier() {
    handle.ensureOpen();
    return false;
  }

  /** False: no offset column. */
  public boolean requiresOffset() {
    handle.ensureOpen();
    return false;
  }

  /** genmodel's: the MOJO's {@code n_classes} (1 for an autoencoder); a POJO says the slot count. */
  public int nclasses() {
    GenModelView v = genModelView();
    return v.pojo ? getNumSlots() : v.ini.getInt("n_classes", 1);
  }

  /** The number of categorical input columns, like genmodel's. */
  public int nCatFeatures() {
    return getNumCategoricals();
  }

  /** The input column names (genmodel's {@code features()}). */
  public String[] features() {
    return getNames();
  }

  /** genmodel's: one null domain per output slot (the reconstruction is numeric). */
  public String[][] getOutputDomains() {
    return new String[getNumSlots()][];
  }

  /** 0: no original columns (genmodel's answer without an external categorical encoding). */
  public int getOrigNumCols() {
    handle.ensureOpen();
    return 0;
  }

  /** null, as genmodel. */
  public String[] getOrigNames() {
    handle.ensureOpen();
    return null;
  }

  /** null, as genmodel. */
  public String[][] getOrigDomainValues() {
    handle.ensureOpen();
    return null;
  }

  /** genmodel's: an empty array for a MOJO, null for a POJO. */
  public double[] getOrigProjectionArray() {
    return genModelView().pojo ? null : new double[0];
  }

  /** @throws UnsupportedOperationException always, with genmodel's message: an autoencoder has no response */
  public String getResponseName() {
    handle.ensureOpen();
    throw new UnsupportedOperationException("Cannot provide response index for unsupervised models.");
  }

  /** @throws UnsupportedOperationException always, with genmodel's message */
  public int getResponseIdx() {
    handle.ensureOpen();
    throw new UnsupportedOperationException("Cannot provide response index for unsupervised models.");
  }

  /** @throws UnsupportedOperationException always, with genmodel's message */
  public int getNumResponseClasses() {
    handle.ensureOpen();
    throw new UnsupportedOperationException("Cannot provide number of response classes for non-classifiers.");
  }

  /** null: no offset column. */
  public String getOffsetName() {
    handle.ensureOpen();
    return _offsetColumn;
  }

  /** The number of levels of column {@code i}, -1 for a numeric (genmodel's {@code getNumClasses(int)}). */
  public int getNumClasses(int i) {
    handle.ensureOpen();
    return domains[i] == null ? -1 : domains[i].length;
  }

  /** {@link CategoricalEncoding#AUTO}, as a deep-learning MOJO says. */
  public CategoricalEncoding getCategoricalEncoding() {
    handle.ensureOpen();
    return CategoricalEncoding.AUTO;
  }

  /**
   * genmodel's {@code mapEnum}: the index of {@code level} (exact match) in column {@code i}'s
   * domain, -1 when absent or the column is numeric.
   *
   * @throws NullPointerException a null level of a categorical column, as genmodel
   */
  public int mapEnum(int i, String level) {
    handle.ensureOpen();
    String[] domain = domains[i];
    if (domain != null) {
      for (int j = 0; j < domain.length; j++) {
        if (level.equals(domain[j])) {
          return j;
        }
      }
    }
    return -1;
  }

  /**
   * genmodel's {@code getPredsSize()}: <b>2</b> for a MOJO (genmodel's default for a
   * non-classifier), the slot count for a POJO (H2O's POJO overrides it). The length of the
   * reconstruction is {@link #getNumSlots()}.
   */
  public int getPredsSize() {
    return genModelView().pojo ? getNumSlots() : 2;
  }

  /**
   * genmodel's {@code getPredsSize(category)}: for a MOJO the slot count for
   * {@link ModelCategory#AutoEncoder} and 2 for any other; for a POJO
   * {@link #nclasses()} for {@link ModelCategory#DimReduction} and the slot count for any other.
   */
  public int getPredsSize(ModelCategory category) {
    if (genModelView().pojo) {
      return category == ModelCategory.DimReduction ? nclasses() : getNumSlots();
    }
    return category == ModelCategory.AutoEncoder ? getNumSlots() : 2;
  }

  /** genmodel's {@code getHeader()}: null for a MOJO; for a POJO the output names joined by commas. */
  public String getHeader() {
    if (!genModelView().pojo) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (String n : getOutputNames()) {
      b.append(b.length() == 0 ? "" : ",").append(n);
    }
    return b.toString();
  }

  /**
   * genmodel's {@code score0(row, preds)}: writes the reconstruction (numerics de-normalized)
   * into {@code preds} and returns it.
   *
   * @throws ArrayIndexOutOfBoundsException {@code preds} is shorter than {@link #getNumSlots()},
   *     as genmodel (which writes past its end)
   */
  public double[] score0(double[] row, double[] preds) {
    if (preds != null && preds.length < getNumSlots()) {
      throw new ArrayIndexOutOfBoundsException("Index " + preds.length + " out of bounds for length " + preds.length);
    }
    double[] rec = preds != null && preds.length == nSlots ? preds : new double[nSlots];
    score(row, rec, new double[nSlots]);
    if (rec != preds) {
      System.arraycopy(rec, 0, preds, 0, nSlots);
    }
    return preds;
  }

  /** genmodel's {@code score0(row, offset, preds)}: the offset is ignored, as a deep-learning autoencoder ignores it. */
  public double[] score0(double[] row, double offset, double[] preds) {
    return score0(row, preds);
  }

  /** False: no class probabilities to calibrate. */
  public boolean calibrateClassProbabilities(double[] preds) {
    handle.ensureOpen();
    return false;
  }

  /** This model: it is thread-safe. */
  public AutoEncoderModel internal_threadSafeInstance() {
    handle.ensureOpen();
    return this;
  }
}
