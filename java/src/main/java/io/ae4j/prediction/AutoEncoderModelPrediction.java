package io.ae4j.prediction;

import io.ae4j.RowData;

/**
 * The result of {@code EasyPredictModelWrapper.predictAutoEncoder}: genmodel's fields
 * ({@link #original}, {@link #reconstructed}, {@link #reconstructedRowData}, {@link #mse}), the
 * fields of the community patch "predictAutoEncoder returns reconstruction error"
 * ({@link #predictions}, {@link #feature}, {@link #reconstrunctionError},
 * {@link #averageReconstructionError}), ae4j's {@link #squaredErrors} and ae4j's anomaly
 * decision ({@link #anomaly}, {@link #percentile}, {@link #explanationColumns},
 * {@link #explanationShares}).
 *
 * <p>Every array has one value per <em>expanded slot</em>, in the model's order (see
 * {@code AutoEncoderModel.getSlotNames()}): for each categorical column (they come first) one
 * slot per domain level then one for NA; then one slot per numeric column.
 *
 * <p>The community-patch arrays are the <em>same array objects</em> as the fields they name:
 * writing into one changes the other.
 */
public class AutoEncoderModelPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  /**
   * The input row, expanded, in raw units (genmodel's {@code original}): a categorical is
   * one-hot (1.0 in its level's slot, or in the NA slot when missing or, if so configured, an
   * unknown level; 0.0 elsewhere); a numeric is its value as given, {@code NaN} when missing.
   */
  public double[] original;

  /**
   * The network's output (genmodel's {@code reconstructed}): for a categorical, each slot's
   * reconstructed value (not a probability, not normalized to sum 1); for a numeric, the value
   * de-normalized back to raw units ({@code out / normMul + normSub}).
   */
  public double[] reconstructed;

  /**
   * {@link #reconstructed} keyed by column name (genmodel's {@code reconstructedRowData}): a
   * numeric column maps to a {@link Double}; a categorical column maps to a
   * {@code java.util.HashMap<String, Double>} from each level to its slot's value, with the Java
   * {@code null} key for the NA slot.
   */
  public RowData reconstructedRowData;

  /**
   * The reconstruction error of the row: the mean over all expanded slots of
   * {@code (output - input)^2} in H2O's normalized space (standardized numerics, one-hot
   * categoricals), i.e. the mean of {@link #squaredErrors}. This is H2O's
   * {@code Reconstruction.MSE} ({@code model.anomaly(frame)} on the server) and genmodel's
   * {@code mse} wherever genmodel's is defined; where a numeric is missing, genmodel returns
   * {@code NaN} but ae4j, like the H2O server, puts the training mean (0 in normalized space)
   * in the network's input and returns a finite MSE. {@code Infinity}/{@code NaN} only for
   * infinite inputs.
   */
  public double mse = -1;

  /**
   * Per-slot squared reconstruction error {@code (output - input)^2} in H2O's normalized space,
   * one per expanded slot: H2O's {@code model.anomaly(frame, per_feature=True)} columns
   * ({@code reconstr_<slot>.SE}). A missing numeric's input is 0 (its training mean), so its
   * error is {@code output^2}. Their mean is {@link #mse}.
   */
  public double[] squaredErrors;

  /**
   * Community-patch name of {@link #reconstructed}: the same array object (the reconstruction,
   * numerics de-normalized to raw units).
   */
  public double[] predictions;

  /**
   * Community-patch name of {@link #original}: the same array object (the expanded input in raw
   * units, NaN for a missing numeric).
   */
  public double[] feature;

  /**
   * Community-patch name (spelled as published) of {@link #squaredErrors}: the same array
   * object, the per-slot squared error in H2O's normalized space.
   */
  public double[] reconstrunctionError;

  /**
   * Community-patch name of {@link #mse}: the same value, the mean of
   * {@link #reconstrunctionError}.
   */
  public double averageReconstructionError = -1;

  /**
   * ae4j: the anomaly decision, {@code mse > threshold}, with the wrapper's
   * {@code Config.setThreshold} if set, else the model's calibrated threshold
   * ({@code AutoEncoderModel.getCalibration()}). {@code null} when there is neither: no
   * decision is invented for an uncalibrated model. A NaN {@link #mse} is never an anomaly.
   */
  public Boolean anomaly;

  /**
   * ae4j: the share of the calibration rows with a lower MSE, in [0, 1] (0 at or below the
   * smallest calibration MSE, 1 above the largest, monotone in between; interpolated in the
   * calibration's 1,001 stored quantiles, so good to about 0.1%). {@code NaN} when unknown: the
   * model has no calibration (even with a run-time threshold), or {@link #mse} is NaN.
   */
  public double percentile = Double.NaN;

  /**
   * ae4j: the input columns with the largest shares of the row's squared error, largest first,
   * at most {@code Config.setExplain(k)} of them (a categorical's level and NA slots summed into
   * its column). Empty when no explanation was asked for (k = 0, the default) or there is
   * nothing to explain (a total error of 0 or not finite).
   */
  public String[] explanationColumns = new String[0];

  /**
   * ae4j: the shares of {@link #explanationColumns}, in the same order: each column's part of
   * the sum of {@link #squaredErrors}. The shares of all columns sum to 1, so these top-k sum to
   * at most 1. Empty exactly when {@link #explanationColumns} is.
   */
  public double[] explanationShares = new double[0];

  /**
   * ae4j: H2O's deep features, the activations of the hidden layer chosen with
   * {@code Config.setDeepFeaturesLayer(layer)} (one value per unit: H2O's columns
   * {@code DF.L<layer+1>.C1 ...}), from the same forward pass as the scores; a
   * {@code *WithDropout} layer's are scaled by {@code 1 - hidden_dropout_ratio}, as H2O scores
   * them. {@code null} when no layer was chosen.
   */
  public double[] deepFeatures;
}
