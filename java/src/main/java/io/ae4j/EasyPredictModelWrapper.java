package io.ae4j;

import io.ae4j.exception.PredictException;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.Serializable;
import java.util.List;

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
     * genmodel's {@code setModel(GenModel)}: an {@link AutoEncoderModel}, or a compiled H2O
     * deep-learning autoencoder POJO instance, read once with
     * {@link AutoEncoderModel#fromPojo(Object)}.
     *
     * @throws IllegalArgumentException not such a POJO (the message says what it is)
     */
    public Config setModel(Object value) {
      model = value == null ? null : AutoEncoderModel.fromPojo(value);
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
  public EasyPredictModelWrapper(Object pojo) {
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
    this.deepFeaturesLayer = config.getDeepFeaturesLayer();
    if (deepFeaturesLayer != null) {
      m.getHiddenLayerSize(deepFeaturesLayer); // a layer the model lacks fails here, naming the range
    }
  }

  /** The hidden layer of {@link Config#setDeepFeaturesLayer(int)}, or null when not set. */
  public Integer getDeepFeaturesLayer() {
    return deepFeaturesLayer;
  }

  private int deepLayer() {
    return deepFeaturesLayer == null ? -1 : deepFeaturesLayer;
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
    return m.predict(data, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa,
        threshold == null ? Double.NaN : threshold, explain, deepLayer());
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
    return m.predictBatch(rows, convertUnknownCategoricalLevelsToNa, convertInvalidNumbersToNa,
        threshold == null ? Double.NaN : threshold, explain, deepLayer());
  }
}
