package io.ae4j.internal;

/**
 * What the native library tells Java about a model, in one call: {@link #of(long)} hands an
 * empty description to {@link Native#describe}, which fills it through {@link #model}, for a
 * calibrated model {@link #calibration}, and for a model with a preprocessing pipeline
 * {@link #pipeline}. Internal: not an API.
 *
 * <p>Read-only once {@link #of(long)} returns; the arrays are the description's own (copy them
 * before handing them out).
 */
public final class ModelDescription {
  /** {@code mojo}, {@code pojo} or {@code pojo-class}. */
  public String format;
  /** The H2O version that trained the model, the MOJO format version, H2O's model id: or null. */
  public String h2oVersion;
  public String mojoVersion;
  public String modelId;
  /** H2O's name of the activation ({@code Tanh}, {@code RectifierWithDropout}, ...). */
  public String activation;
  /** The input columns in model order, categoricals first. */
  public String[] names;
  /** Per input column, its levels, or null for a numeric column. */
  public String[][] domains;
  /** H2O's names of the expanded slots ({@code <col>.<level>}, {@code <col>.missing(NA)}, {@code <col>}). */
  public String[] slotNames;
  /** {@code [slots, hidden..., slots]}. */
  public int[] layerSizes;
  /** Start of each categorical's block of slots, then the first numeric slot. */
  public int[] catOffsets;
  /** The calibration stored with the model, or null. */
  public CalibrationSummary calibration;
  /** The preprocessing pipeline's raw inputs (issue #22), in the spec's order; null without a pipeline. */
  public String[] pipelineInputNames;
  /** Their types, as the spec names them ({@code number}, {@code string}, {@code timestamp}, {@code boolean}). */
  public String[] pipelineInputTypes;

  private ModelDescription() {
  }

  /**
   * The description of the model behind a live handle (one native call).
   *
   * @throws IllegalStateException a 0 handle
   * @throws io.ae4j.NativeException the native side failed (it says why)
   */
  public static ModelDescription of(long handle) {
    ModelDescription d = new ModelDescription();
    Native.describe(handle, d);
    if (d.names == null) {
      throw new IllegalStateException("ae4j: the native library described no model");
    }
    return d;
  }

  /** The number of input columns (the length of a raw row). */
  public int nFeatures() {
    return names.length;
  }

  /** The number of expanded slots (the length of a reconstruction). */
  public int nSlots() {
    return slotNames.length;
  }

  /** The number of categorical input columns (they come first). */
  public int nCategorical() {
    return catOffsets.length - 1;
  }

  /** Called by native code, once. */
  void model(String format, String h2oVersion, String mojoVersion, String modelId, String activation,
      String[] names, String[][] domains, String[] slotNames, int[] layerSizes, int[] catOffsets) {
    this.format = format;
    this.h2oVersion = h2oVersion;
    this.mojoVersion = mojoVersion;
    this.modelId = modelId;
    this.activation = activation;
    this.names = names;
    this.domains = domains;
    this.slotNames = slotNames;
    this.layerSizes = layerSizes;
    this.catOffsets = catOffsets;
  }

  /** Called by native code, once, for a calibrated model; {@code quantile} NaN for none. */
  void calibration(double threshold, double quantile, long rows, long rowsLeftOut, String created,
      String source, String modelFingerprint) {
    this.calibration = new CalibrationSummary(threshold, Double.isNaN(quantile) ? null : Double.valueOf(quantile),
        rows, rowsLeftOut, created, source, modelFingerprint);
  }

  /** Called by native code, once, for a model with a preprocessing pipeline. */
  void pipeline(String[] inputNames, String[] inputTypes) {
    this.pipelineInputNames = inputNames;
    this.pipelineInputTypes = inputTypes;
  }

  /** The calibration's summary (its full MSE distribution stays native). */
  public static final class CalibrationSummary {
    public final double threshold;
    /** Null for a threshold given as a number. */
    public final Double quantile;
    public final long rows;
    public final long rowsLeftOut;
    public final String created;
    /** Null when unknown. */
    public final String source;
    public final String modelFingerprint;

    CalibrationSummary(double threshold, Double quantile, long rows, long rowsLeftOut, String created,
        String source, String modelFingerprint) {
      this.threshold = threshold;
      this.quantile = quantile;
      this.rows = rows;
      this.rowsLeftOut = rowsLeftOut;
      this.created = created;
      this.source = source;
      this.modelFingerprint = modelFingerprint;
    }
  }
}
