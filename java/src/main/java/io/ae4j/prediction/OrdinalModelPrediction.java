package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.OrdinalModelPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictOrdinal} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class OrdinalModelPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  public int labelIndex;
  public String label;
  public double[] classProbabilities;
}
