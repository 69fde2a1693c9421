package io.ae4j;

import io.ae4j.exception.PredictBatchException;
import io.ae4j.exception.PredictException;
import io.ae4j.internal.Decisions;
import io.ae4j.exception.PredictUnknownCategoricalLevelException;
import io.ae4j.prediction.AbstractPrediction;
import io.ae4j.prediction.AnomalyDetectionPrediction;
import io.ae4j.prediction.AutoEncoderModelPrediction;
import io.ae4j.prediction.BinomialModelPrediction;
import io.ae4j.prediction.ClusteringModelPrediction;
import io.ae4j.prediction.CoxPHModelPrediction;
import io.ae4j.prediction.DimReductionModelPrediction;
import io.ae4j.prediction.KLimeModelPrediction;
import io.ae4j.prediction.MultinomialModelPrediction;
import io.ae4j.prediction.OrdinalModelPrediction;
import io.ae4j.prediction.RegressionModelPrediction;
import io.ae4j.prediction.SortedClassProbability;
import io.ae4j.prediction.TargetEncoderPrediction;
import io.ae4j.prediction.UpliftBinomialModelPrediction;
import io.ae4j.prediction.Word2VecPrediction;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The drop-in for h2o-genmodel's {@code hex.genmodel.easy.EasyPredictModelWrapper}, for
 * autoencoders: the same constructors, {@link Config}, {@link #predictAutoEncoder(RowData)} and
 * exceptions, scored by ae4j's native core. Thread-safe; share one wrapper between threads.
 *
 * <p>Serializable, like genmodel's wrapper (for Spark closures and broadcasts): the model travels
 * as its MOJO bytes (or POJO source, or a compiled POJO's arrays) and is loaded again in the
 * receiving JVM.
 *
 * <p>genmodel's classic POJO program ports by changing the imports alone: {@code GenModel
 * rawModel = (GenModel) Class.forName(name).newInstance(); EasyPredictModelWrapper model = new
 * EasyPredictModelWrapper(rawModel);} ({@link #EasyPredictModelWrapper(Object)}; the POJO and
 * h2o-genmodel stay the program's own dependency).
 *
 * <p>Deliberate differences from genmodel (all documented in {@code java/README.md}):
 * <ul>
 *   <li>a {@code null} value in a RowData is missing (genmodel: NullPointerException);</li>
 *   <li>any {@link Number} (Integer, Long, Float, BigDecimal, ...) is accepted for a numeric
 *       column through {@code doubleValue()} (genmodel: PredictUnknownTypeException);</li>
 *   <li>{@code mse} is finite when a numeric is missing (the H2O server's value; genmodel: NaN);</li>
 *   <li>the result also carries per-slot squared errors and the community patch's fields.</li>
 * </ul>
 *
 * <p>Anomaly decisions (ae4j): for a calibrated model ({@link AutoEncoderModel#getCalibration()})
 * or with {@link Config#setThreshold(double)}, each result carries {@code anomaly} and
 * {@code percentile}; with {@link Config#setExplain(int)}, the top columns behind its error.
 * They are computed natively in the same call as the score (one more call per batch).
 *
 * <p>Deep features (ae4j): with {@link Config#setDeepFeaturesLayer(int)}, each result also
 * carries the activations of that hidden layer ({@code deepFeatures}), from the same call.
 */
public class EasyPredictModelWrapper implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The model, as genmodel's public field {@code m}. */
  public final AutoEncoderModel m;
  private final boolean convertUnknownCategoricalLevelsToNa;
  private final boolean convertInvalidNumbersToNa;
  /** The run-time threshold, null when not set (also in a stream written before it existed). */
  private final Double threshold;
  private final int explain;
  /** The hidden layer whose activations each prediction carries; null: none. */
  private final Integer deepFeaturesLayer;

  /** genmodel's configuration object; setters return {@code this}. */
  public static class Config implements Serializable {
    private static final long serialVersionUID = 1L;
    private AutoEncoderModel model;
    private boolean convertUnknownCategoricalLevelsToNa;
    private boolean convertInvalidNumbersToNa;
    private boolean useExtendedOutput;
    private Double threshold;
    private int explain;
    private Integer deepFeaturesLayer;

    public Config setModel(AutoEncoderModel value) {
      model = value;
      return this;
    }

    /**
     * genmodel's {@code setModel(GenModel)}: an {@link AutoEncoderModel}, a compiled H2O
     * deep-learning autoencoder POJO instance (read once with
     * {@link AutoEncoderModel#fromPojo(Object)}), or genmodel's own loaded deep-learning MOJO
     * ({@code hex.genmodel.MojoModel.load(...)}, read once by reflection and scored by ae4j).
     *
     * @throws IllegalArgumentException not such a POJO (the message says what it is)
     */
    public Config setModel(Object value) {
      model = value == null ? null : fromGenmodelObject(value);
      return this;
    }

    public AutoEncoderModel getModel() {
      return model;
    }

    /** An unknown categorical level becomes missing (the NA slot) instead of an exception. Default false. */
    public Config setConvertUnknownCategoricalLevelsToNa(boolean value) {
      convertUnknownCategoricalLevelsToNa = value;
      return this;
    }

    public boolean getConvertUnknownCategoricalLevelsToNa() {
      return convertUnknownCategoricalLevelsToNa;
    }

    /** An unparsable number String becomes missing instead of an exception. Default false. */
    public Config setConvertInvalidNumbersToNa(boolean value) {
      convertInvalidNumbersToNa = value;
      return this;
    }

    public boolean getConvertInvalidNumbersToNa() {
      return convertInvalidNumbersToNa;
    }

    /** Accepted for source compatibility; like genmodel, it has no effect for an autoencoder. */
    public Config setUseExtendedOutput(boolean value) {
      useExtendedOutput = value;
      return this;
    }

    public boolean getUseExtendedOutput() {
      return useExtendedOutput;
    }

    /**
     * ae4j: the MSE above which a row is an anomaly, overriding the model's calibrated threshold
     * at run time (the calibration's percentiles still apply). For an uncalibrated model it
     * turns decisions on ({@code anomaly} set, {@code percentile} NaN). Not set by default.
     *
     * @throws IllegalArgumentException the threshold is NaN or infinite
     */
    public Config setThreshold(double value) {
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("the threshold must be a finite number, not " + value);
      }
      threshold = Double.valueOf(value);
      return this;
    }

    /** The run-time threshold, or null when not set (the calibration's threshold, if any, applies). */
    public Double getThreshold() {
      return threshold;
    }

    /**
     * ae4j: name the {@code k} input columns with the largest shares of each row's squared
     * error ({@code explanationColumns} / {@code explanationShares}); 0 (the default) for none.
     * More than the model's columns means all of them. Works with or without a calibration.
     *
     * @throws IllegalArgumentException k is negative
     */
    public Config setExplain(int k) {
      if (k < 0) {
        throw new IllegalArgumentException("the explanation count must be 0 or more, not " + k);
      }
      explain = k;
      return this;
    }

    /** The number of top columns explained per row (0: none). */
    public int getExplain() {
      return explain;
    }

    /**
     * ae4j: each prediction also carries H2O's deep features, the activations of hidden layer
     * {@code layer} (0-based, as H2O's {@code deep_features_hidden_layer}), in
     * {@code AutoEncoderModelPrediction.deepFeatures}, single rows and batches alike, from the
     * same native call as the scores. Not set by default. The layer is checked against the model
     * when the wrapper is made.
     */
    public Config setDeepFeaturesLayer(int layer) {
      deepFeaturesLayer = Integer.valueOf(layer);
      return this;
    }

    /** The hidden layer of {@link #setDeepFeaturesLayer(int)}, or null when not set. */
    public Integer getDeepFeaturesLayer() {
      return deepFeaturesLayer;
    }

    // ---- genmodel's other Config options, as genmodel treats them for an autoencoder ----

    private ErrorConsumer errorConsumer;
    private boolean useExternalEncoding;

    /** genmodel's: called on unknown levels and values read as missing (see {@link ErrorConsumer}). */
    public Config setErrorConsumer(ErrorConsumer value) {
      errorConsumer = value;
      return this;
    }

    /** The error consumer, or null when none was set. */
    public ErrorConsumer getErrorConsumer() {
      return errorConsumer;
    }

    /**
     * genmodel's: take already-encoded input. A deep-learning autoencoder's encoding is genmodel's
     * AUTO either way (it one-hot encodes inside the network), so this changes nothing, as in genmodel.
     */
    public Config setUseExternalEncoding(boolean value) {
      useExternalEncoding = value;
      return this;
    }

    public boolean getUseExternalEncoding() {
      return useExternalEncoding;
    }

    /** genmodel's: {@code true} is refused for an autoencoder (trees only), with genmodel's IOException. */
    public Config setEnableLeafAssignment(boolean value) throws java.io.IOException {
      refuseFor(value, "enableLeafAssignment cannot be set with null model.  Call setModel() first.",
          "enableLeafAssignment can be set to true only with TreeBackedMojoModel, i.e. with GBM, DRF, Isolation forest or XGBoost.");
      return this;
    }

    /** genmodel's: {@code true} is refused for an autoencoder (GLRM only), with genmodel's IOException. */
    public Config setEnableGLRMReconstrut(boolean value) throws java.io.IOException {
      refuseFor(value, "Cannot set enableGLRMReconstruct for a null model.  Call config.setModel() first.",
          "enableGLRMReconstruct shall only be used with GlrmMojoModels.");
      return this;
    }

    /** genmodel's: always refused for an autoencoder (GLRM only), with genmodel's IOException. */
    public Config setGLRMIterNumber(int value) throws java.io.IOException {
      refuseFor(true, "Cannot set glrmIterNumber for a null model.  Call config.setModel() first.",
          "glrmIterNumber  shall only be used with GlrmMojoModels.");
      return this;
    }

    /** genmodel's: {@code true} is refused for an autoencoder (GBM/DRF only), with genmodel's IOException. */
    public Config setEnableStagedProbabilities(boolean value) throws java.io.IOException {
      refuseFor(value, "enableStagedProbabilities cannot be set with null model.  Call setModel() first.",
          "enableStagedProbabilities can be set to true only with SharedTreeMojoModel, i.e. with GBM or DRF.");
      return this;
    }

    /** genmodel's: {@code true} is refused for an autoencoder (trees only), with genmodel's IOException. */
    public Config setEnableContributions(boolean value) throws java.io.IOException {
      refuseFor(value, "setEnableContributions cannot be set with null model.  Call setModel() first.",
          "setEnableContributions can be set to true only with DRF, GBM, or XGBoost models.");
      return this;
    }

    /** genmodel's message when there is no model yet, else its message for a model of the wrong kind. */
    private void refuseFor(boolean value, String noModel, String wrongModel) throws java.io.IOException {
      if (value) {
        throw new java.io.IOException(model == null ? noModel : wrongModel);
      }
    }

    /** false: an autoencoder has no leaves. */
    public boolean getEnableLeafAssignment() {
      return false;
    }

    /** false. */
    public boolean getEnableGLRMReconstrut() {
      return false;
    }

    /** genmodel's default, 100 (it applies to GLRM only). */
    public int getGLRMIterNumber() {
      return 100;
    }

    /** false. */
    public boolean getEnableStagedProbabilities() {
      return false;
    }

    /** false. */
    public boolean getEnableContributions() {
      return false;
    }
  }

  /** Wraps a model with the default configuration (unknown levels and invalid numbers throw). */
  public EasyPredictModelWrapper(AutoEncoderModel model) {
    this(new Config().setModel(model));
  }

  /**
   * genmodel's {@code new EasyPredictModelWrapper(GenModel)} for a compiled POJO: wraps
   * {@link AutoEncoderModel#fromPojo(Object) AutoEncoderModel.fromPojo(pojo)} with the default
   * configuration. Takes {@code Object} because ae4j does not depend on h2o-genmodel; an
   * {@link AutoEncoderModel} or a {@link Config} given as an {@code Object} is used as such.
   *
   * @throws IllegalArgumentException not a POJO of an H2O deep-learning autoencoder (the
   *     message says what it is, e.g. "a GBM Binomial POJO" or "not an H2O POJO: class
   *     java.lang.String")
   */
  public EasyPredictModelWrapper(Object pojo) { // also genmodel's own MOJO object: see Config.setModel(Object)
    this(pojo instanceof Config ? (Config) pojo : new Config().setModel(checkNotNull(pojo)));
  }

  private static Object checkNotNull(Object pojo) {
    if (pojo == null) {
      throw new IllegalArgumentException("EasyPredictModelWrapper needs a model, not null");
    }
    return pojo;
  }

  /**
   * Wraps {@code config.getModel()} with the configuration's options.
   *
   * @throws IllegalArgumentException the configuration has no model
   */
  public EasyPredictModelWrapper(Config config) {
    if (config == null || config.getModel() == null) {
      throw new IllegalArgumentException("EasyPredictModelWrapper needs a model: call Config.setModel() first");
    }
    this.m = config.getModel();
    this.convertUnknownCategoricalLevelsToNa = config.getConvertUnknownCategoricalLevelsToNa();
    this.convertInvalidNumbersToNa = config.getConvertInvalidNumbersToNa();
    this.threshold = config.getThreshold();
    this.explain = config.getExplain();
    this.errorConsumer = config.getErrorConsumer(); // genmodel's options (the block at the end)
    this.deepFeaturesLayer = config.getDeepFeaturesLayer();
    if (deepFeaturesLayer != null) {
      m.getHiddenLayerSize(deepFeaturesLayer); // a layer the model lacks fails here, naming the range
    }
  }

  /** The hidden layer of {@link Config#setDeepFeaturesLayer(int)}, or null when not set. */
  public Integer getDeepFeaturesLayer() {
    return deepFeaturesLayer;
  }


  public boolean getConvertUnknownCategoricalLevelsToNa() {
    return convertUnknownCategoricalLevelsToNa;
  }

  public boolean getConvertInvalidNumbersToNa() {
    return convertInvalidNumbersToNa;
  }

  /** The run-time threshold of {@link Config#setThreshold(double)}, or null when not set. */
  public Double getThreshold() {
    return threshold;
  }

  /** The number of top columns explained per row ({@link Config#setExplain(int)}; 0: none). */
  public int getExplain() {
    return explain;
  }

  /**
   * Scores one row: genmodel's result fields plus per-slot squared errors (see
   * {@link AutoEncoderModelPrediction}). One native call.
   *
   * @throws io.ae4j.exception.PredictUnknownCategoricalLevelException an unknown level (unless
   *     converted to NA)
   * @throws io.ae4j.exception.PredictNumberFormatException an unparsable number String (unless
   *     converted to NA)
   * @throws io.ae4j.exception.PredictUnknownTypeException a value of a type the column cannot take
   * @throws IllegalStateException the model is closed
   */
  public AutoEncoderModelPrediction predictAutoEncoder(RowData data) throws PredictException {
    if (data == null) {
      throw new IllegalArgumentException("data must not be null");
    }
    if (m.hasPipeline()) {
      return predictCells(java.util.Collections.singletonList(data), false)[0];
    }
    reportConversionErrors(data);
    double[] raw = m.converter().toRaw(data, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa);
    return predictFromRaw(raw);
  }

  /** genmodel's generic {@code predict}: for an autoencoder, {@link #predictAutoEncoder(RowData)}. */
  public AutoEncoderModelPrediction predict(RowData data) throws PredictException {
    return predictAutoEncoder(data);
  }

  /**
   * Scores many rows in one native call; result i belongs to row i. Rows are converted first:
   * if one is bad, nothing is scored and a {@link io.ae4j.exception.PredictBatchException}
   * names the first bad row (its cause is the exception that row alone throws).
   */
  public AutoEncoderModelPrediction[] predictAutoEncoderBatch(List<? extends RowData> rows) throws PredictException {
    if (rows == null) {
      throw new IllegalArgumentException("rows must not be null");
    }
    if (m.hasPipeline()) {
      return predictCells(rows, true);
    }
    for (RowData row : rows) {
      if (row != null && !reportConversionErrors(row)) {
        break; // the batch fails at this row; genmodel's consumer would not see later rows
      }
    }
    m.nativeHandle().ensureOpen();
    double[] raw = batchRaw(rows);
    int n = rows.size();
    int ns = m.slotCount();
    double[] rec = new double[n * ns];
    double[] se = new double[n * ns];
    double[] mse = new double[n];
    Decisions decisions = null;
    int units = deepFeaturesLayer == null ? 0 : m.getHiddenLayerSize(deepFeaturesLayer);
    double[] deep = deepFeaturesLayer == null ? null : new double[n * units];
    if (n > 0) {
      if (deep != null) {
        m.scoreBatch(raw, rec, se, mse, deepFeaturesLayer, deep); // the same native call
      } else {
        m.scoreBatch(raw, rec, se, mse);
      }
      if (decides()) {
        decisions = newDecisions(n);
        m.decideBatch(mse, se, n, thresholdOrNaN(), decisions.explain(), decisions.values());
      }
    }
    return predictions(raw, rec, se, mse, decisions, deep, units);
  }

  /**
   * Row i's prediction from a batch's flat outputs: {@code raw} (n rows of the converter's width),
   * {@code rec} and {@code se} (n rows of slots), {@code mse}, and the decisions and deep features
   * when they were asked for ({@code null} otherwise; {@code units} per row).
   */
  private AutoEncoderModelPrediction[] predictions(double[] raw, double[] rec, double[] se, double[] mse,
      Decisions decisions, double[] deep, int units) {
    int n = mse.length;
    int nf = m.converter().width();
    int ns = m.slotCount();
    AutoEncoderModelPrediction[] out = new AutoEncoderModelPrediction[n];
    for (int i = 0; i < n; i++) {
      out[i] = prediction(raw, i * nf, Arrays.copyOfRange(rec, i * ns, (i + 1) * ns),
          Arrays.copyOfRange(se, i * ns, (i + 1) * ns), mse[i]);
      if (decisions != null) {
        decide(out[i], decisions, i);
      }
      if (deep != null) {
        out[i].deepFeatures = Arrays.copyOfRange(deep, i * units, (i + 1) * units);
      }
    }
    return out;
  }

  // ------------------------------------------------- rows of a model with a pipeline

  /**
   * Rows of a model with a preprocessing pipeline (issue #22): each row's raw cells (the values
   * of the pipeline's inputs; other keys are ignored, absent ones missing) are packed into one
   * {@link CellBatch} and cross JNI once, with the whole batch; the core runs the pipeline and
   * genmodel's conversion and scores them. A row that fails (a {@link PredictPipelineException}
   * or a conversion error of the transformed row) is reported to the error consumer, then
   * thrown; in a batch the first such row's, as a {@link PredictBatchException}.
   */
  private AutoEncoderModelPrediction[] predictCells(List<? extends RowData> rows, boolean batch)
      throws PredictException {
    CellBatch cells = packCells(rows);
    int n = rows.size();
    int nf = m.converter().width();
    int ns = m.slotCount();
    double[] raw = new double[n * nf];
    double[] rec = new double[n * ns];
    double[] se = new double[n * ns];
    double[] mse = new double[n];
    String[] failures = new String[3 * n];
    Decisions decisions = decides() ? newDecisions(n) : null;
    int layer = deepFeaturesLayer == null ? 0 : deepFeaturesLayer;
    int units = deepFeaturesLayer == null ? 0 : m.getHiddenLayerSize(layer);
    double[] deep = deepFeaturesLayer == null ? null : new double[n * units];
    m.scoreCells(cells, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa, raw, rec, se, mse,
        thresholdOrNaN(), decisions == null ? 0 : decisions.explain(), decisions == null ? null : decisions.values(),
        layer, deep, failures);
    for (int i = 0; i < n; i++) {
      if (failures[3 * i] != null) {
        PredictException e = AutoEncoderModel.rowFailure(failures[3 * i], failures[3 * i + 1], failures[3 * i + 2]);
        reportFailure(rows.get(i), failures[3 * i + 1], e);
        throw batch ? new PredictBatchException(i, e) : e;
      }
    }
    return predictions(raw, rec, se, mse, decisions, deep, units);
  }

  /** The values of the pipeline's inputs in each row (other keys ignored, absent ones missing). */
  private CellBatch packCells(List<? extends RowData> rows) {
    String[] inputs = m.pipelineInputNames();
    CellBatch cells = new CellBatch(inputs.length, rows.size());
    int r = 0;
    for (RowData row : rows) {
      if (row == null) {
        throw new IllegalArgumentException("row " + r + " is null");
      }
      cells.addRow();
      for (int c = 0; c < inputs.length; c++) {
        Object v = row.get(inputs[c]);
        if (v != null) {
          cells.put(c, v);
        }
      }
      r++;
    }
    return cells;
  }

  /**
   * A pipeline model's failed row, to the error consumer, as genmodel reports a failing cell:
   * {@code dataTransformError(column, value, message)} with the pipeline error's message (the
   * value is the row's cell when the column is a raw input, else null), or genmodel's messages
   * for a conversion error of the transformed row. (The core converts the transformed row
   * natively, so the notices of cells converted to NA are not reported for a pipeline model.)
   */
  private void reportFailure(RowData row, String column, PredictException e) {
    if (errorConsumer == null) {
      return;
    }
    if (e instanceof PredictUnknownCategoricalLevelException) {
      errorConsumer.dataTransformError(column, ((PredictUnknownCategoricalLevelException) e).unknownLevel,
          "Unknown categorical level detected.");
    } else if (e instanceof io.ae4j.exception.PredictUnknownTypeException) {
      errorConsumer.dataTransformError(column, null, "Unknown categorical variable type.");
    } else {
      errorConsumer.dataTransformError(column, column == null ? null : row.get(column), e.getMessage());
    }
  }

  // ------------------------------------------------------------- building predictions

  /**
   * One raw row, scored (and decided on, when decisions apply) in one native call. {@code raw}
   * is the caller's fresh array, owned by the prediction from here on (see {@link #prediction}).
   */
  private AutoEncoderModelPrediction predictFromRaw(double[] raw) {
    int ns = m.slotCount();
    double[] reconstructed = new double[ns];
    double[] squaredErrors = new double[ns];
    if (deepFeaturesLayer != null) {
      double[] deep = new double[m.getHiddenLayerSize(deepFeaturesLayer)];
      Decisions decisions = decides() ? newDecisions(1) : null;
      double mse = m.scoreDeep(raw, reconstructed, squaredErrors, deepFeaturesLayer, deep, thresholdOrNaN(),
          decisions == null ? 0 : decisions.explain(), decisions == null ? null : decisions.values());
      AutoEncoderModelPrediction p = prediction(raw, 0, reconstructed, squaredErrors, mse);
      if (decisions != null) {
        decide(p, decisions, 0);
      }
      p.deepFeatures = deep;
      return p;
    }
    if (!decides()) {
      return prediction(raw, 0, reconstructed, squaredErrors, m.score(raw, reconstructed, squaredErrors));
    }
    Decisions decisions = newDecisions(1);
    double mse = m.scoreDecide(raw, reconstructed, squaredErrors, thresholdOrNaN(), decisions);
    AutoEncoderModelPrediction p = prediction(raw, 0, reconstructed, squaredErrors, mse);
    decide(p, decisions, 0);
    return p;
  }

  /** The rows' raw values one after another; a bad row fails the batch, naming the row. */
  private double[] batchRaw(List<? extends RowData> rows) throws PredictException {
    RowDataConverter converter = m.converter();
    int nf = converter.width();
    double[] raw = new double[rows.size() * nf];
    int r = 0;
    for (RowData row : rows) {
      if (row == null) {
        throw new IllegalArgumentException("row " + r + " is null");
      }
      try {
        converter.fill(row, raw, r * nf, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa);
      } catch (PredictException e) {
        throw new PredictBatchException(r, e);
      }
      r++;
    }
    return raw;
  }

  /**
   * Whether predictions carry decisions: the model is calibrated, a run-time threshold is set
   * or an explanation is asked for. Otherwise the plain scoring call is used.
   */
  private boolean decides() {
    return m.calibrated() || threshold != null || explain > 0;
  }

  private double thresholdOrNaN() {
    return threshold == null ? Double.NaN : threshold;
  }

  private Decisions newDecisions(int rows) {
    RowDataConverter c = m.converter();
    return new Decisions(rows, Math.min(explain, c.width()), c.names());
  }

  /**
   * genmodel's fields (and the community patch's names for the same arrays) from one score.
   * {@code raw} from {@code rawOffset} is the row; a whole array holding just one row of a model
   * without categoricals is the expanded row itself, so it becomes {@code original} (callers
   * pass such an array only when it is theirs to give: a fresh row of one call).
   */
  private AutoEncoderModelPrediction prediction(double[] raw, int rawOffset, double[] reconstructed,
      double[] squaredErrors, double mse) {
    double[] original;
    if (rawOffset == 0 && raw.length == reconstructed.length && m.rawIsExpanded()) {
      original = raw;
    } else {
      original = new double[reconstructed.length];
      m.expandOriginal(raw, rawOffset, original);
    }
    AutoEncoderModelPrediction p = new AutoEncoderModelPrediction();
    p.original = original;
    p.reconstructed = reconstructed;
    p.reconstructedRowData = new ReconstructedRowData(m.reconstructionLayout(), reconstructed.clone());
    p.mse = mse;
    p.squaredErrors = squaredErrors;
    p.predictions = reconstructed;
    p.feature = original;
    p.reconstrunctionError = squaredErrors;
    p.averageReconstructionError = mse;
    return p;
  }

  /** Row r's decision into the prediction's ae4j fields. */
  private static void decide(AutoEncoderModelPrediction p, Decisions d, int r) {
    p.anomaly = d.anomaly(r);
    p.percentile = d.percentile(r);
    int n = d.explained(r);
    String[] columns = new String[n];
    double[] shares = new double[n];
    for (int i = 0; i < n; i++) {
      columns[i] = d.column(r, i);
      shares[i] = d.share(r, i);
    }
    p.explanationColumns = columns;
    p.explanationShares = shares;
  }

  // ----------------------------------------------------------------------------------------
  // genmodel's whole EasyPredictModelWrapper surface, answering as genmodel 3.46.0.7 answers
  // when the model is a deep-learning autoencoder, so that generic scorers (one branch per
  // model category) compile and run with only their imports changed.
  // ----------------------------------------------------------------------------------------

  /**
   * genmodel's observer of conversion errors, called exactly where genmodel calls it, in the
   * row's iteration order, before the row is scored (or the exception thrown):
   * <ul>
   *   <li>{@code unseenCategorical(col, value, "Previously unseen categorical level detected,
   *       marking as NaN.")}: an unknown level converted to NA;</li>
   *   <li>{@code dataTransformError(col, value, "Unknown categorical level detected.")}: an
   *       unknown level, just before the {@code PredictUnknownCategoricalLevelException};</li>
   *   <li>{@code dataTransformError(col, value, "Unknown categorical variable type.")}: a
   *       categorical value of another type, just before the {@code PredictUnknownTypeException};</li>
   *   <li>{@code dataTransformError(col, value, "Missing factor value detected, setting to NaN")}:
   *       a NaN (or, in ae4j, null) categorical;</li>
   *   <li>{@code dataTransformError(col, value, "Given non-categorical value is unparseable,
   *       treating as NaN.")}: a numeric read as NaN (a NaN value, the String "NaN", an invalid
   *       number converted to NA, or, in ae4j, null).</li>
   * </ul>
   */
  public abstract static class ErrorConsumer implements Serializable {
    private static final long serialVersionUID = 1L;

    public abstract void dataTransformError(String columnName, Object value, String message);

    public abstract void unseenCategorical(String columnName, Object value, String message);
  }

  /** The Config's error consumer, or null. */
  private final ErrorConsumer errorConsumer;

  /** An ae4j model, a compiled POJO, or genmodel's own deep-learning MOJO object, as an ae4j model. */
  static AutoEncoderModel fromGenmodelObject(Object value) {
    if (GenmodelMojoReflection.isGenmodelDeeplearningMojo(value)) {
      return GenmodelMojoReflection.load(value);
    }
    return AutoEncoderModel.fromPojo(value);
  }

  /**
   * Calls the error consumer for the row's cells as genmodel's converter would, in the row's
   * order, up to the first cell that fails the row. False when a cell fails it.
   */
  private boolean reportConversionErrors(RowData data) {
    if (errorConsumer == null) {
      return true;
    }
    for (Map.Entry<String, Object> e : data.entrySet()) {
      int i = m.getColIdx(e.getKey());
      if (i < 0) {
        continue;
      }
      if (!reportCell(i, e.getKey(), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private boolean reportCell(int column, String name, Object value) {
    boolean categorical = m.getNumClasses(column) >= 0;
    double raw;
    try {
      raw = m.convertCell(column, value, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa);
    } catch (PredictUnknownCategoricalLevelException ex) {
      errorConsumer.dataTransformError(name, value, "Unknown categorical level detected.");
      return false;
    } catch (PredictException ex) {
      if (categorical) {
        errorConsumer.dataTransformError(name, value, "Unknown categorical variable type.");
      }
      return false;
    }
    if (!Double.isNaN(raw)) {
      return true;
    }
    if (!categorical) {
      errorConsumer.dataTransformError(name, value, "Given non-categorical value is unparseable, treating as NaN.");
    } else if (value instanceof String) {
      errorConsumer.unseenCategorical(name, value, "Previously unseen categorical level detected, marking as NaN.");
    } else {
      errorConsumer.dataTransformError(name, value, "Missing factor value detected, setting to NaN");
    }
    return true;
  }

  /** genmodel's message for a prediction of another category than the model's. */
  private static PredictException notSupported(ModelCategory c) {
    return new PredictException(c + " prediction type is not supported for this model.");
  }

  /**
   * genmodel's dispatch: the {@code predictX} of the category given. For an autoencoder only
   * {@link ModelCategory#AutoEncoder} scores; the others throw genmodel's {@link PredictException}.
   *
   * @throws PredictException {@code "<category> prediction type is not supported for this
   *     model."}; for {@code Unknown} {@code "Unknown model category"}; for {@code TargetEncoder}
   *     {@code "Model is not of the expected type, class = DeeplearningMojoModel"}
   */
  public AbstractPrediction predict(RowData data, ModelCategory category) throws PredictException {
    switch (category) {
      case AutoEncoder:
        return predictAutoEncoder(data);
      case TargetEncoder:
        return transformWithTargetEncoding(data);
      case Unknown:
        throw new PredictException("Unknown model category");
      default:
        throw notSupported(category);
    }
  }

  /** genmodel's: the score0 output of the row, here the reconstruction (the offset is ignored). */
  public double[] predictRaw(RowData data, double offset) throws PredictException {
    return predictAutoEncoder(data).reconstructed;
  }

  /** @throws PredictException always: "DimReduction prediction type is not supported for this model." */
  public DimReductionModelPrediction predictDimReduction(RowData data) throws PredictException {
    throw notSupported(ModelCategory.DimReduction);
  }

  /** @throws PredictException always: "WordEmbedding prediction type is not supported for this model." */
  public float[] predictWord2Vec(String[] sentence) throws PredictException {
    throw notSupported(ModelCategory.WordEmbedding);
  }

  /** @throws PredictException always: "WordEmbedding prediction type is not supported for this model." */
  public Word2VecPrediction predictWord2Vec(RowData data) throws PredictException {
    throw notSupported(ModelCategory.WordEmbedding);
  }

  /** @throws PredictException always: "AnomalyDetection prediction type is not supported for this model." */
  public AnomalyDetectionPrediction predictAnomalyDetection(RowData data) throws PredictException {
    throw notSupported(ModelCategory.AnomalyDetection);
  }

  /** @throws PredictException always: "Binomial prediction type is not supported for this model." */
  public BinomialModelPrediction predictBinomial(RowData data) throws PredictException {
    throw notSupported(ModelCategory.Binomial);
  }

  /** @throws PredictException always: "Binomial prediction type is not supported for this model." */
  public BinomialModelPrediction predictBinomial(RowData data, double offset) throws PredictException {
    throw notSupported(ModelCategory.Binomial);
  }

  /** @throws PredictException always: "BinomialUplift prediction type is not supported for this model." */
  public UpliftBinomialModelPrediction predictUpliftBinomial(RowData data) throws PredictException {
    throw notSupported(ModelCategory.BinomialUplift);
  }

  /** @throws PredictException always: "Model is not of the expected type, class = DeeplearningMojoModel" */
  public TargetEncoderPrediction transformWithTargetEncoding(RowData data) throws PredictException {
    throw new PredictException("Model is not of the expected type, class = " + genmodelClassName());
  }

  /** @throws PredictException always, as {@link #transformWithTargetEncoding(RowData)} */
  public TargetEncoderPrediction predictTargetEncoding(RowData data) throws PredictException {
    return transformWithTargetEncoding(data);
  }

  /** The simple class name genmodel's model object would have: the MOJO class, or the POJO's own. */
  private String genmodelClassName() {
    String source = m.getSource();
    if (m.genModelView().pojo && source != null && source.startsWith("POJO class ")) {
      String name = source.substring("POJO class ".length());
      return name.substring(name.lastIndexOf('.') + 1);
    }
    return "DeeplearningMojoModel";
  }

  /**
   * genmodel's: a tree model's leaf paths. An autoencoder has none: genmodel throws
   * ClassCastException (its model is not a tree model), and so does ae4j, after the row is
   * converted (so a bad row still throws its PredictException first).
   */
  public String[] leafNodeAssignment(RowData data) throws PredictException {
    m.converter().toRaw(data, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa);
    throw new ClassCastException("class hex.genmodel.algos.deeplearning.DeeplearningMojoModel cannot be cast to"
        + " class hex.genmodel.algos.tree.TreeBackedMojoModel (an autoencoder has no trees)");
  }

  /** @throws PredictException always: "Multinomial prediction type is not supported for this model." */
  public MultinomialModelPrediction predictMultinomial(RowData data) throws PredictException {
    throw notSupported(ModelCategory.Multinomial);
  }

  /** @throws PredictException always: "Multinomial prediction type is not supported for this model." */
  public MultinomialModelPrediction predictMultinomial(RowData data, double offset) throws PredictException {
    throw notSupported(ModelCategory.Multinomial);
  }

  /** @throws PredictException always: "Ordinal prediction type is not supported for this model." */
  public OrdinalModelPrediction predictOrdinal(RowData data) throws PredictException {
    throw notSupported(ModelCategory.Ordinal);
  }

  /** @throws PredictException always: "Ordinal prediction type is not supported for this model." */
  public OrdinalModelPrediction predictOrdinal(RowData data, double offset) throws PredictException {
    throw notSupported(ModelCategory.Ordinal);
  }

  /**
   * genmodel's: sorts a binomial prediction's classes by probability. An autoencoder has no
   * response column.
   *
   * @throws UnsupportedOperationException always, with genmodel's message
   */
  public SortedClassProbability[] sortByDescendingClassProbability(BinomialModelPrediction p) {
    return noResponse();
  }

  /** @throws PredictException always: "Clustering prediction type is not supported for this model." */
  public ClusteringModelPrediction predictClustering(RowData data) throws PredictException {
    throw notSupported(ModelCategory.Clustering);
  }

  /** @throws PredictException always: "Regression prediction type is not supported for this model." */
  public RegressionModelPrediction predictRegression(RowData data) throws PredictException {
    throw notSupported(ModelCategory.Regression);
  }

  /** @throws PredictException always: "Regression prediction type is not supported for this model." */
  public RegressionModelPrediction predictRegression(RowData data, double offset) throws PredictException {
    throw notSupported(ModelCategory.Regression);
  }

  /** @throws PredictException always: "KLime prediction type is not supported for this model." */
  public KLimeModelPrediction predictKLime(RowData data) throws PredictException {
    throw notSupported(ModelCategory.KLime);
  }

  /** @throws PredictException always: "CoxPH prediction type is not supported for this model." */
  public CoxPHModelPrediction predictCoxPH(RowData data) throws PredictException {
    throw notSupported(ModelCategory.CoxPH);
  }

  /** @throws PredictException always: "CoxPH prediction type is not supported for this model." */
  public CoxPHModelPrediction predictCoxPH(RowData data, double offset) throws PredictException {
    throw notSupported(ModelCategory.CoxPH);
  }

  /**
   * genmodel's: SHAP contributions, which only tree models have. genmodel's wrapper fails with a
   * NullPointerException on an autoencoder (after converting the row), and so does ae4j's.
   */
  public float[] predictContributions(RowData data) throws PredictException {
    m.converter().toRaw(data, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa);
    throw new NullPointerException("contributions are not enabled: an autoencoder has none"
        + " (Config.setEnableContributions accepts only DRF, GBM and XGBoost models)");
  }

  /**
   * genmodel's: contribution names, only with contributions enabled.
   *
   * @throws IllegalStateException always, with genmodel's message
   */
  public String[] getContributionNames() {
    throw new IllegalStateException(
        "Contributions were not enabled using in EasyPredictModelWrapper (use setEnableContributions).");
  }

  /** false: refused by {@link Config#setEnableLeafAssignment(boolean)} for an autoencoder. */
  public boolean getEnableLeafAssignment() {
    return false;
  }

  /** false: refused by {@link Config#setEnableGLRMReconstrut(boolean)} for an autoencoder. */
  public boolean getEnableGLRMReconstruct() {
    return false;
  }

  /** false: refused by {@link Config#setEnableStagedProbabilities(boolean)} for an autoencoder. */
  public boolean getEnableStagedProbabilities() {
    return false;
  }

  /** false: refused by {@link Config#setEnableContributions(boolean)} for an autoencoder. */
  public boolean getEnableContributions() {
    return false;
  }

  /** genmodel's {@code getModel()}: the wrapped model ({@link #m}). */
  public AutoEncoderModel getModel() {
    return m;
  }

  /** {@link ModelCategory#AutoEncoder}. */
  public ModelCategory getModelCategory() {
    return m.getModelCategory();
  }

  /**
   * genmodel's: the levels of the response column. An autoencoder has no response.
   *
   * @throws UnsupportedOperationException always, with genmodel's message
   */
  public String[] getResponseDomainValues() {
    return noResponse();
  }

  /** genmodel's {@code getHeader()}: null for a MOJO, the POJO's comma-separated output names for a POJO. */
  public String getHeader() {
    return m.getHeader();
  }

  private <T> T noResponse() {
    m.getResponseIdx(); // throws genmodel's UnsupportedOperationException
    throw new AssertionError("unreachable");
  }
}
