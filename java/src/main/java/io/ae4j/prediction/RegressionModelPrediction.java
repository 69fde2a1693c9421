package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.RegressionModelPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictRegression} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class RegressionModelPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  public double value;
  public String[] leafNodeAssignments;
  public int[] leafNodeAssignmentIds;
  public double[] stageProbabilities;
  public float[] contributions;
}
