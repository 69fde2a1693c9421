package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.BinomialModelPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictBinomial} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class BinomialModelPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  public int labelIndex;
  public String label;
  public double[] classProbabilities;
  public double[] calibratedClassProbabilities;
  public String[] leafNodeAssignments;
  public int[] leafNodeAssignmentIds;
  public double[] stageProbabilities;
  public float[] contributions;
}
