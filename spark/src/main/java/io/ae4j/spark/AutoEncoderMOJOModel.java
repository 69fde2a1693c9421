package io.ae4j.spark;

import io.ae4j.AutoEncoderModel;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A Spark ML {@link Model} (a Transformer) that scores an H2O deep-learning autoencoder with
 * ae4j: a drop-in for Sparkling Water's {@code H2OAutoEncoderMOJOModel} (same factory, param
 * names, defaults and output columns), scored a partition at a time in batches through ae4j's
 * native batch API instead of a genmodel UDF per row.
 *
 * <pre>{@code
 * AutoEncoderMOJOModel model = AutoEncoderMOJOModel.createFromMojo("model.zip")  // or a POJO .java
 *     .setWithMSECol(true);
 * Dataset<Row> scored = model.transform(df);   // + <uid>__output (vector), <uid>__mse (double), ...
 * }</pre>
 *
 * <p>Output columns, appended in this order:
 * <ul>
 *   <li>{@code outputCol} (default {@code <uid>__output}), vector: the reconstruction, one value per
 *       expanded slot ({@code reconstructed} of genmodel);</li>
 *   <li>{@code originalCol} (default {@code <uid>__original}), vector, when {@code withOriginalCol}:
 *       the expanded input ({@code original} of genmodel);</li>
 *   <li>{@code mseCol} (default {@code <uid>__mse}), double, when {@code withMSECol}: the
 *       reconstruction MSE (H2O's; finite where genmodel's is NaN for a missing numeric);</li>
 *   <li>ae4j: {@code squaredErrorsCol} (default {@code <uid>__squaredErrors}), vector, when
 *       {@code withSquaredErrorsCol}: the per-slot squared errors (H2O's {@code anomaly(per_feature=True)});</li>
 *   <li>ae4j (issue #12, anomaly decisions): {@code anomalyCol} (default {@code <uid>__anomaly}),
 *       boolean, {@code mse > threshold}, when the model is calibrated ({@code ae4j calibrate}:
 *       the MOJO's {@code ae4j/calibration.json} entry, or a POJO's sidecar) or {@code threshold}
 *       is set (it overrides the calibration's). Without either there is no anomaly column: no
 *       threshold is invented. A NaN MSE is never an anomaly;</li>
 *   <li>ae4j: {@code percentileCol} (default {@code <uid>__percentile}), double, when the model is
 *       calibrated: the share of the calibration rows with a lower MSE, in [0, 1] (NaN for a NaN
 *       MSE);</li>
 *   <li>ae4j: {@code explanationCol} (default {@code <uid>__explanation}), when {@code explain} k &gt;
 *       0: {@code array<struct<column: string, share: double>>}, the (at most k) input columns with
 *       the largest shares of the row's squared error, largest first (a categorical's slots summed
 *       into its column); empty when there is nothing to explain (a total error of 0 or not
 *       finite);</li>
 *   <li>ae4j (issue #21): {@code deepFeaturesCol} (default {@code <uid>__deepFeatures}), vector,
 *       when {@code deepFeaturesLayer} is a hidden layer (0-based; default -1, none): that layer's
 *       activations, H2O's deep features ({@code model.deepfeatures(frame, layer)}), from the same
 *       native call as the scores;</li>
 *   <li>ae4j: {@code errorCol} (default {@code <uid>__error}), string, unless {@code failFast}: null
 *       for a scored row; for a row that cannot be scored (an unknown level, an unparsable
 *       number, a value of the wrong type) the reason, and null in every score column.</li>
 * </ul>
 * The decisions are the core's (the CLI's, the Java wrapper's and the service's), made natively
 * in one call per batch.
 *
 * <p>The model file's bytes travel with the transformer (it is Serializable) and are broadcast
 * once per {@code transform}'s SparkContext; each executor JVM loads one native model and shares
 * it across its task threads ({@link ExecutorModels}).
 */
public class AutoEncoderMOJOModel extends Model<AutoEncoderMOJOModel> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final ModelBytes bytes;
  private transient SparkContext broadcastContext;
  private transient Broadcast<ModelBytes> broadcast;

  private final Param<String> outputCol;
  private final Param<String> originalCol;
  private final BooleanParam withOriginalCol;
  private final Param<String> mseCol;
  private final BooleanParam withMSECol;
  private final StringArrayParam inputCols;
  private final BooleanParam convertUnknownCategoricalLevelsToNa;
  private final BooleanParam convertInvalidNumbersToNa;
  private final Param<String> squaredErrorsCol;
  private final BooleanParam withSquaredErrorsCol;
  private final Param<String> errorCol;
  private final BooleanParam failFast;
  private final IntParam batchSize;
  private final DoubleParam threshold;
  private final IntParam explain;
  private final Param<String> anomalyCol;
  private final Param<String> percentileCol;
  private final Param<String> explanationCol;
  private final IntParam deepFeaturesLayer;
  private final Param<String> deepFeaturesCol;

  /** A transformer with this uid over these model bytes (the model is checked here, on the driver). */
  public AutoEncoderMOJOModel(String uid, ModelBytes bytes) {
    if (uid == null || bytes == null) {
      throw new IllegalArgumentException("uid and model bytes must not be null");
    }
    this.uid = uid;
    this.bytes = bytes;
    AutoEncoderModel m = ExecutorModels.get(bytes);
    outputCol = new Param<String>(this, "outputCol", "Output column name");
    originalCol = new Param<String>(this, "originalCol", "Original column name. This column contains"
        + " input values to the neural network of auto encoder.");
    withOriginalCol = new BooleanParam(this, "withOriginalCol", "A flag identifying whether a column"
        + " with input values to the neural network will be produced or not.");
    mseCol = new Param<String>(this, "mseCol", "MSE column name. This column contains mean square error"
        + " calculated from original and output values.");
    withMSECol = new BooleanParam(this, "withMSECol", "A flag identifying whether a column with mean"
        + " square error will be produced or not.");
    inputCols = new StringArrayParam(this, "inputCols", "The array of input columns");
    convertUnknownCategoricalLevelsToNa = new BooleanParam(this, "convertUnknownCategoricalLevelsToNa",
        "If set to 'true', the model converts unknown categorical levels to NA during making predictions.");
    convertInvalidNumbersToNa = new BooleanParam(this, "convertInvalidNumbersToNa",
        "If set to 'true', the model converts invalid numbers to NA during making predictions.");
    squaredErrorsCol = new Param<String>(this, "squaredErrorsCol", "ae4j: per-feature squared errors"
        + " column name (one per expanded slot, in normalized space: H2O's anomaly(per_feature=True)).");
    withSquaredErrorsCol = new BooleanParam(this, "withSquaredErrorsCol", "ae4j: a flag identifying"
        + " whether the per-feature squared errors column will be produced or not.");
    errorCol = new Param<String>(this, "errorCol", "ae4j: error column name: null for a scored row, the"
        + " reason for a row that cannot be scored (whose scores are null). Not produced with failFast.");
    failFast = new BooleanParam(this, "failFast", "ae4j: if 'true', a row that cannot be scored fails"
        + " the task (as Sparkling Water does) instead of getting an error text.");
    batchSize = new IntParam(this, "batchSize", "ae4j: rows scored per native call.");
    threshold = new DoubleParam(this, "threshold", "ae4j: the anomaly threshold (a row is an anomaly"
        + " when its MSE is above it); overrides the calibrated model's. Unset: the calibration's, or no"
        + " anomaly column for an uncalibrated model.");
    explain = new IntParam(this, "explain", "ae4j: the number of input columns with the largest shares"
        + " of the squared error explained per row (0: no explanation column).");
    anomalyCol = new Param<String>(this, "anomalyCol", "ae4j: anomaly (boolean) column name.");
    percentileCol = new Param<String>(this, "percentileCol", "ae4j: percentile column name (calibrated"
        + " models): the share of the calibration rows with a lower MSE.");
    explanationCol = new Param<String>(this, "explanationCol", "ae4j: explanation column name: array of"
        + " {column, share}, largest share first.");

    deepFeaturesLayer = new IntParam(this, "deepFeaturesLayer", "ae4j: a hidden layer (0-based, as H2O's"
        + " deep_features_hidden_layer) whose activations, H2O's deep features, go into deepFeaturesCol"
        + " (-1: none).");
    deepFeaturesCol = new Param<String>(this, "deepFeaturesCol", "ae4j: deep features (vector) column"
        + " name: the activations of hidden layer deepFeaturesLayer.");

    setDefault(outputCol, uid + "__output");
    setDefault(originalCol, uid + "__original");
    setDefault(withOriginalCol, false);
    setDefault(mseCol, uid + "__mse");
    setDefault(withMSECol, false);
    setDefault(inputCols, m.hasPipeline() ? pipelineInputNames(m) : m.getNames());
    setDefault(convertUnknownCategoricalLevelsToNa, false);
    setDefault(convertInvalidNumbersToNa, false);
    setDefault(squaredErrorsCol, uid + "__squaredErrors");
    setDefault(withSquaredErrorsCol, false);
    setDefault(errorCol, uid + "__error");
    setDefault(failFast, false);
    setDefault(batchSize, 1024);
    setDefault(explain, 0);
    setDefault(anomalyCol, uid + "__anomaly");
    setDefault(percentileCol, uid + "__percentile");
    setDefault(explanationCol, uid + "__explanation");
    setDefault(deepFeaturesLayer, -1);
    setDefault(deepFeaturesCol, uid + "__deepFeatures");
  }

  /** A pipeline model's raw input columns, in the spec's order. */
  private static String[] pipelineInputNames(AutoEncoderModel m) {
    java.util.List<io.ae4j.PipelineInput> inputs = m.getPipelineInputs();
    String[] names = new String[inputs.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = inputs.get(i).getName();
    }
    return names;
  }

  // ------------------------------------------------------------------------------ factories

  /**
   * Sparkling Water's {@code H2OMOJOModel.createFromMojo(path)}: a MOJO zip, or a POJO's
   * {@code .java} source, from the driver's local file system. The uid is the file name and
   * a random suffix, as in Sparkling Water.
   */
  public static AutoEncoderMOJOModel createFromMojo(String path) throws IOException {
    return createFromMojo(path, randomUid(Paths.get(path).getFileName().toString()));
  }

  /** {@link #createFromMojo(String)} with the given uid. */
  public static AutoEncoderMOJOModel createFromMojo(String path, String uid) throws IOException {
    return new AutoEncoderMOJOModel(uid, ModelBytes.read(path));
  }

  /** From a model file's bytes (MOJO zip or POJO source); {@code name} prefixes the uid. */
  public static AutoEncoderMOJOModel createFromMojo(byte[] mojo, String name) {
    String n = name == null ? "ae4j_model" : name;
    return new AutoEncoderMOJOModel(randomUid(n), ModelBytes.of(mojo, n));
  }

  private static String randomUid(String prefix) {
    String u = UUID.randomUUID().toString();
    return prefix + "_" + u.substring(u.length() - 12);
  }

  // ---------------------------------------------------------------------------------- params

  public Param<String> outputCol() { return outputCol; }
  public Param<String> originalCol() { return originalCol; }
  public BooleanParam withOriginalCol() { return withOriginalCol; }
  public Param<String> mseCol() { return mseCol; }
  public BooleanParam withMSECol() { return withMSECol; }
  public StringArrayParam inputCols() { return inputCols; }
  public BooleanParam convertUnknownCategoricalLevelsToNa() { return convertUnknownCategoricalLevelsToNa; }
  public BooleanParam convertInvalidNumbersToNa() { return convertInvalidNumbersToNa; }
  public Param<String> squaredErrorsCol() { return squaredErrorsCol; }
  public BooleanParam withSquaredErrorsCol() { return withSquaredErrorsCol; }
  public Param<String> errorCol() { return errorCol; }
  public BooleanParam failFast() { return failFast; }
  public IntParam batchSize() { return batchSize; }
  public DoubleParam threshold() { return threshold; }
  public IntParam explain() { return explain; }
  public Param<String> anomalyCol() { return anomalyCol; }
  public Param<String> percentileCol() { return percentileCol; }
  public Param<String> explanationCol() { return explanationCol; }

  public String getOutputCol() { return getOrDefault(outputCol); }
  public String getOriginalCol() { return getOrDefault(originalCol); }
  public boolean getWithOriginalCol() { return (Boolean) getOrDefault(withOriginalCol); }
  public String getMSECol() { return getOrDefault(mseCol); }
  public boolean getWithMSECol() { return (Boolean) getOrDefault(withMSECol); }
  public String[] getInputCols() { return getOrDefault(inputCols); }
  public boolean getConvertUnknownCategoricalLevelsToNa() { return (Boolean) getOrDefault(convertUnknownCategoricalLevelsToNa); }
  public boolean getConvertInvalidNumbersToNa() { return (Boolean) getOrDefault(convertInvalidNumbersToNa); }
  public String getSquaredErrorsCol() { return getOrDefault(squaredErrorsCol); }
  public boolean getWithSquaredErrorsCol() { return (Boolean) getOrDefault(withSquaredErrorsCol); }
  public String getErrorCol() { return getOrDefault(errorCol); }
  public boolean getFailFast() { return (Boolean) getOrDefault(failFast); }
  public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
  /** The run-time threshold, or NaN when none is set (the calibration's, if any, applies). */
  public double getThreshold() { return isDefined(threshold) ? (Double) getOrDefault(threshold) : Double.NaN; }
  public int getExplain() { return (Integer) getOrDefault(explain); }
  public String getAnomalyCol() { return getOrDefault(anomalyCol); }
  public String getPercentileCol() { return getOrDefault(percentileCol); }
  public String getExplanationCol() { return getOrDefault(explanationCol); }
  public IntParam deepFeaturesLayer() { return deepFeaturesLayer; }
  public Param<String> deepFeaturesCol() { return deepFeaturesCol; }
  /** The hidden layer whose activations go into {@code deepFeaturesCol}, or -1 for none. */
  public int getDeepFeaturesLayer() { return (Integer) getOrDefault(deepFeaturesLayer); }
  public String getDeepFeaturesCol() { return getOrDefault(deepFeaturesCol); }
  /** The model's calibration ({@code ae4j calibrate}), or null. */
  public io.ae4j.Calibration getCalibration() { return getModel().getCalibration(); }

  public AutoEncoderMOJOModel setOutputCol(String value) { set(outputCol, value); return this; }
  public AutoEncoderMOJOModel setOriginalCol(String value) { set(originalCol, value); return this; }
  public AutoEncoderMOJOModel setWithOriginalCol(boolean value) { set(withOriginalCol, value); return this; }
  public AutoEncoderMOJOModel setMSECol(String value) { set(mseCol, value); return this; }
  public AutoEncoderMOJOModel setWithMSECol(boolean value) { set(withMSECol, value); return this; }
  public AutoEncoderMOJOModel setConvertUnknownCategoricalLevelsToNa(boolean value) {
    set(convertUnknownCategoricalLevelsToNa, value);
    return this;
  }
  public AutoEncoderMOJOModel setConvertInvalidNumbersToNa(boolean value) {
    set(convertInvalidNumbersToNa, value);
    return this;
  }
  public AutoEncoderMOJOModel setSquaredErrorsCol(String value) { set(squaredErrorsCol, value); return this; }
  public AutoEncoderMOJOModel setWithSquaredErrorsCol(boolean value) { set(withSquaredErrorsCol, value); return this; }
  public AutoEncoderMOJOModel setErrorCol(String value) { set(errorCol, value); return this; }
  public AutoEncoderMOJOModel setFailFast(boolean value) { set(failFast, value); return this; }
  /** The anomaly threshold (overrides the calibration's); NaN clears it. */
  public AutoEncoderMOJOModel setThreshold(double value) {
    if (Double.isNaN(value)) {
      clear(threshold);
    } else {
      set(threshold, value);
    }
    return this;
  }
  /** Explain each row by its k top columns (0: off). */
  public AutoEncoderMOJOModel setExplain(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("explain must be at least 0, not " + value);
    }
    set(explain, value);
    return this;
  }
  public AutoEncoderMOJOModel setAnomalyCol(String value) { set(anomalyCol, value); return this; }
  public AutoEncoderMOJOModel setPercentileCol(String value) { set(percentileCol, value); return this; }
  public AutoEncoderMOJOModel setExplanationCol(String value) { set(explanationCol, value); return this; }
  /**
   * Adds {@code deepFeaturesCol}: the activations of hidden layer {@code layer} (H2O's deep
   * features, {@code DF.L<layer+1>.C1 ...} as a vector), from the same native call as the scores;
   * -1 removes it.
   *
   * @throws IllegalArgumentException a layer the model lacks (the message names the valid range)
   */
  public AutoEncoderMOJOModel setDeepFeaturesLayer(int layer) {
    if (layer != -1) {
      getModel().getHiddenLayerSize(layer);
    }
    set(deepFeaturesLayer, layer);
    return this;
  }
  public AutoEncoderMOJOModel setDeepFeaturesCol(String value) { set(deepFeaturesCol, value); return this; }
  public AutoEncoderMOJOModel setBatchSize(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, not " + value);
    }
    set(batchSize, value);
    return this;
  }

  // ------------------------------------------------------------------------------- metadata

  @Override
  public String uid() {
    return uid;
  }

  /** The model (this JVM's shared instance; do not close it). */
  public AutoEncoderModel getModel() {
    return ExecutorModels.get(bytes);
  }

  /** The model file's bytes, name and key. */
  public ModelBytes getModelBytes() {
    return bytes;
  }

  /** Sparkling Water's {@code getModelCategory()}. */
  public String getModelCategory() {
    return "AutoEncoder";
  }

  /** Sparkling Water's {@code getFeatureTypes()}: column name to {@code Enum} or {@code Numeric}. */
  public Map<String, String> getFeatureTypes() {
    AutoEncoderModel m = getModel();
    Map<String, String> t = new HashMap<String, String>();
    for (int i = 0; i < m.nfeatures(); i++) {
      t.put(m.getNames()[i], m.getDomainValues(i) != null ? "Enum" : "Numeric");
    }
    return t;
  }

  @Override
  public AutoEncoderMOJOModel copy(ParamMap extra) {
    AutoEncoderMOJOModel that = new AutoEncoderMOJOModel(uid, bytes);
    copyValues(that, extra);
    return that;
  }

  @Override
  public String toString() {
    return "AutoEncoderMOJOModel[" + uid + ", " + getModel() + "]";
  }

  // ------------------------------------------------------------------------------- transform

  private boolean withAnomaly() {
    return getModel().getCalibration() != null || !Double.isNaN(getThreshold());
  }

  private boolean withPercentile() {
    return getModel().getCalibration() != null;
  }

  private boolean withExplanation() {
    return getExplain() > 0;
  }

  /** The explanation column's type: {@code array<struct<column: string, share: double>>}. */
  public static ArrayType explanationType() {
    return DataTypes.createArrayType(new StructType()
        .add("column", DataTypes.StringType, false)
        .add("share", DataTypes.DoubleType, false), false);
  }

  private boolean withDeepFeatures() {
    return getDeepFeaturesLayer() >= 0;
  }

  private String[] outputNames() {
    String[] names = new String[9];
    int k = 0;
    names[k++] = getOutputCol();
    if (getWithOriginalCol()) {
      names[k++] = getOriginalCol();
    }
    if (getWithMSECol()) {
      names[k++] = getMSECol();
    }
    if (getWithSquaredErrorsCol()) {
      names[k++] = getSquaredErrorsCol();
    }
    if (withAnomaly()) {
      names[k++] = getAnomalyCol();
    }
    if (withPercentile()) {
      names[k++] = getPercentileCol();
    }
    if (withExplanation()) {
      names[k++] = getExplanationCol();
    }
    if (withDeepFeatures()) {
      names[k++] = getDeepFeaturesCol();
    }
    if (!getFailFast()) {
      names[k++] = getErrorCol();
    }
    return Arrays.copyOf(names, k);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Set<String> taken = new HashSet<String>(Arrays.asList(schema.fieldNames()));
    for (String n : outputNames()) {
      if (!taken.add(n)) {
        throw new IllegalArgumentException("ae4j: the output column '" + n + "' is already in the input"
            + " (or named twice); choose another name with its setter");
      }
    }
    StructType out = schema;
    out = out.add(new StructField(getOutputCol(), SQLDataTypes.VectorType(), true,
        org.apache.spark.sql.types.Metadata.empty()));
    if (getWithOriginalCol()) {
      out = out.add(new StructField(getOriginalCol(), SQLDataTypes.VectorType(), true,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    if (getWithMSECol()) {
      out = out.add(getMSECol(), DataTypes.DoubleType, true);
    }
    if (getWithSquaredErrorsCol()) {
      out = out.add(new StructField(getSquaredErrorsCol(), SQLDataTypes.VectorType(), true,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    if (withAnomaly()) {
      out = out.add(getAnomalyCol(), DataTypes.BooleanType, true);
    }
    if (withPercentile()) {
      out = out.add(getPercentileCol(), DataTypes.DoubleType, true);
    }
    if (withExplanation()) {
      out = out.add(getExplanationCol(), explanationType(), true);
    }
    if (withDeepFeatures()) {
      out = out.add(new StructField(getDeepFeaturesCol(), SQLDataTypes.VectorType(), true,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    if (!getFailFast()) {
      out = out.add(getErrorCol(), DataTypes.StringType, true);
    }
    return out;
  }

  PartitionScorer.Plan plan(StructType schema) {
    AutoEncoderModel m = getModel();
    String[] names = m.hasPipeline() ? pipelineInputNames(m) : m.getNames();
    Set<String> inputs = new HashSet<String>(Arrays.asList(getInputCols()));
    Map<String, Integer> modelIndex = new HashMap<String, Integer>();
    for (int i = 0; i < names.length; i++) {
      if (inputs.contains(names[i]) && !modelIndex.containsKey(names[i])) {
        modelIndex.put(names[i], i);
      }
    }
    PartitionScorer.Plan plan = new PartitionScorer.Plan();
    plan.fieldNames = schema.fieldNames();
    plan.fieldTypes = new org.apache.spark.sql.types.DataType[plan.fieldNames.length];
    for (int f = 0; f < plan.fieldNames.length; f++) {
      plan.fieldTypes[f] = schema.fields()[f].dataType();
    }
    plan.fieldToModel = new int[plan.fieldNames.length];
    plan.modelToField = new int[names.length];
    Arrays.fill(plan.modelToField, -1);
    for (int f = 0; f < plan.fieldNames.length; f++) {
      Integer j = modelIndex.get(plan.fieldNames[f]);
      plan.fieldToModel[f] = j == null || plan.modelToField[j] >= 0 ? -1 : j;
      if (plan.fieldToModel[f] >= 0) {
        plan.modelToField[j] = f;
      }
    }
    plan.pipeline = m.hasPipeline();
    plan.unknownToNa = getConvertUnknownCategoricalLevelsToNa();
    plan.invalidToNa = getConvertInvalidNumbersToNa();
    plan.withOriginal = getWithOriginalCol();
    plan.withMse = getWithMSECol();
    plan.withSquaredErrors = getWithSquaredErrorsCol();
    plan.threshold = getThreshold();
    plan.explain = Math.min(getExplain(), m.nfeatures());
    plan.withAnomaly = withAnomaly();
    plan.withPercentile = withPercentile();
    plan.withExplanation = withExplanation();
    plan.deepFeaturesLayer = getDeepFeaturesLayer();
    if (withDeepFeatures()) {
      plan.deepFeaturesWidth = m.getHiddenLayerSize(plan.deepFeaturesLayer); // a saved layer is checked again
    }
    plan.failFast = getFailFast();
    plan.withError = !plan.failFast;
    plan.batchSize = getBatchSize();
    return plan;
  }

  private synchronized Broadcast<ModelBytes> broadcastFor(SparkContext sc) {
    if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
      broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(bytes);
      broadcastContext = sc;
    }
    return broadcast;
  }

  /**
   * Appends the score columns (see the class comment). Lazy like any transformation; each
   * partition is scored in batches of {@code batchSize} rows, one native call per batch. The
   * rows stay in Spark's internal format where the Spark version allows it ({@link InternalRoute});
   * otherwise they go through {@code Dataset.mapPartitions}.
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType in = dataset.schema();
    StructType out = transformSchema(in);
    PartitionScorer.Plan plan = plan(in);
    Broadcast<ModelBytes> bc = broadcastFor(dataset.sparkSession().sparkContext());
    Dataset<Row> fast = InternalRoute.transform(dataset, out, bc, plan);
    if (fast != null) {
      return fast;
    }
    return dataset.toDF().mapPartitions(new PartitionScorer.Rows(bc, plan), Encoders.row(out));
  }

  // ----------------------------------------------------------------------------- persistence

  /**
   * Spark ML persistence: {@code model.write().overwrite().save(path)} stores the model file's
   * bytes, its sidecar calibration if any, the uid and every param set explicitly, as one Parquet
   * row under {@code path/data}; {@link #load(String)} reads it back (any Hadoop file system).
   */
  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /** The reader of {@link #write()}'s output. */
  public static MLReader<AutoEncoderMOJOModel> read() {
    return new Reader();
  }

  /** {@code read().load(path)}: a transformer saved by {@code write().save(path)}. */
  public static AutoEncoderMOJOModel load(String path) {
    return read().load(path);
  }

  private static final String FORMAT = "ae4j-spark AutoEncoderMOJOModel 1";

  static final class Writer extends MLWriter {
    private final AutoEncoderMOJOModel model;

    Writer(AutoEncoderMOJOModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      java.util.List<org.apache.spark.sql.Column> names = new java.util.ArrayList<org.apache.spark.sql.Column>();
      java.util.List<org.apache.spark.sql.Column> values = new java.util.ArrayList<org.apache.spark.sql.Column>();
      for (Param<?> p : model.params()) {
        if (model.isSet(p)) {
          names.add(functions.lit(p.name()));
          values.add(functions.lit(jsonOf(p, model.getOrDefault(p))));
        }
      }
      byte[] cal = model.bytes.calibration();
      byte[] pipe = model.bytes.pipeline();
      sparkSession().range(1).select(
          functions.lit(FORMAT).as("format"),
          functions.lit(model.uid).as("uid"),
          functions.lit(model.bytes.name()).as("name"),
          functions.lit(model.bytes.bytes()).as("model"),
          (cal == null ? functions.lit(null).cast(DataTypes.BinaryType) : functions.lit(cal)).as("calibration"),
          (pipe == null ? functions.lit(null).cast(DataTypes.BinaryType) : functions.lit(pipe)).as("pipeline"),
          functions.array(names.toArray(new org.apache.spark.sql.Column[0])).cast("array<string>").as("paramNames"),
          functions.array(values.toArray(new org.apache.spark.sql.Column[0])).cast("array<string>").as("paramValues"))
          .write().parquet(path + "/data");
    }

    @SuppressWarnings("unchecked")
    private static <T> String jsonOf(Param<T> p, Object value) {
      return p.jsonEncode((T) value);
    }
  }

  static final class Reader extends MLReader<AutoEncoderMOJOModel> {
    @Override
    public AutoEncoderMOJOModel load(String path) {
      java.util.List<Row> rows = sparkSession().read().parquet(path + "/data").collectAsList();
      if (rows.size() != 1 || !FORMAT.equals(rows.get(0).getAs("format"))) {
        throw new IllegalArgumentException("ae4j: " + path + " does not hold a saved AutoEncoderMOJOModel");
      }
      Row r = rows.get(0);
      String name = r.getAs("name");
      AutoEncoderMOJOModel m = new AutoEncoderMOJOModel((String) r.getAs("uid"),
          ModelBytes.of((byte[]) r.getAs("model"), name, (byte[]) r.getAs("calibration"),
              Arrays.asList(r.schema().fieldNames()).contains("pipeline") ? (byte[]) r.getAs("pipeline") : null));
      java.util.List<String> names = r.getList(r.fieldIndex("paramNames"));
      java.util.List<String> values = r.getList(r.fieldIndex("paramValues"));
      for (int i = 0; i < names.size(); i++) {
        @SuppressWarnings("unchecked")
        Param<Object> p = (Param<Object>) (Param<?>) m.getParam(names.get(i));
        m.set(p, p.jsonDecode(values.get(i)));
      }
      return m;
    }
  }
}
