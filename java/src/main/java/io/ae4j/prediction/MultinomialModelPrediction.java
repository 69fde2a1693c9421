package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.MultinomialModelPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictMultinomial} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class MultinomialModelPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  public int labelIndex;
  public String label;
  public double[] classProbabilities;
  public String[] leafNodeAssignments;
  public int[] leafNodeAssignmentIds;
  public double[] stageProbabilities;
}
