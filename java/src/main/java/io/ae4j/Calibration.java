package io.ae4j;

import io.ae4j.internal.ModelDescription;

import java.io.Serializable;

/**
 * The calibration stored with a model (issue #12): what {@code ae4j calibrate} measured on
 * normal data. Immutable; {@link AutoEncoderModel#getCalibration()} returns it, or null for a
 * model without one.
 *
 * <p>It comes from the model file: a calibrated MOJO's zip entry {@code ae4j/calibration.json},
 * or, for a model loaded from a path, the sidecar file {@code <path>.ae4j-calibration.json}
 * (which wins over a zip entry, as in the CLI). It was checked, when the model was loaded, to be
 * made for this very model (by a fingerprint of its content). The decisions themselves
 * ({@code anomaly}, {@code percentile}) are computed natively by ae4j's core, with the
 * calibration's full MSE distribution.
 */
public final class Calibration implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double threshold;
  private final Double quantile;
  private final long rows;
  private final long rowsLeftOut;
  private final String created;
  private final String source;
  private final String modelFingerprint;

  /** From the model's native description. */
  Calibration(ModelDescription.CalibrationSummary c) {
    this.threshold = c.threshold;
    this.quantile = c.quantile;
    this.rows = c.rows;
    this.rowsLeftOut = c.rowsLeftOut;
    this.created = c.created;
    this.source = c.source;
    this.modelFingerprint = c.modelFingerprint;
  }

  /** The MSE above which a row is an anomaly (unless a wrapper's {@code Config.setThreshold} overrides it). */
  public double getThreshold() {
    return threshold;
  }

  /** The quantile (0..1) of the calibration rows' MSE the threshold is, or null for a threshold given as a number. */
  public Double getQuantile() {
    return quantile;
  }

  /** The calibration rows scored to a finite MSE: the rows behind the percentiles. */
  public long getRows() {
    return rows;
  }

  /** Calibration rows left out: they could not be scored, or scored to a non-finite MSE. */
  public long getRowsLeftOut() {
    return rowsLeftOut;
  }

  /** When the calibration was made (RFC 3339, UTC). */
  public String getCreated() {
    return created;
  }

  /** Where the calibration data came from (a file name), or null. Informational. */
  public String getSource() {
    return source;
  }

  /** The fingerprint of the model the calibration was made for (that is, this model). */
  public String getModelFingerprint() {
    return modelFingerprint;
  }

  @Override
  public String toString() {
    return "Calibration[threshold=" + threshold
        + (quantile == null ? "" : ", quantile=" + quantile)
        + ", rows=" + rows + ", rowsLeftOut=" + rowsLeftOut + ", created=" + created
        + (source == null ? "" : ", source=" + source) + "]";
  }
}
