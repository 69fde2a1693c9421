package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.AnomalyDetectionPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictAnomalyDetection} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class AnomalyDetectionPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  public Boolean isAnomaly;
  public double score;
  public double normalizedScore;
  public String[] leafNodeAssignments;
  public int[] leafNodeAssignmentIds;
  public double[] stageProbabilities;

  public AnomalyDetectionPrediction() {
  }

  /**
   * genmodel's constructor from an isolation forest's raw output: {@code [normalizedScore, score]},
   * or {@code [isAnomaly (0/1), normalizedScore, score]} when the model has a threshold.
   */
  public AnomalyDetectionPrediction(double[] preds) {
    if (preds.length == 3) {
      isAnomaly = preds[0] == 1;
      normalizedScore = preds[1];
      score = preds[2];
    } else {
      normalizedScore = preds[0];
      score = preds[1];
    }
  }

  /** The inverse of {@link #AnomalyDetectionPrediction(double[])}. */
  public double[] toPreds() {
    if (isAnomaly != null) {
      return new double[] {isAnomaly ? 1 : 0, normalizedScore, score};
    }
    return new double[] {normalizedScore, score};
  }
}
