package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.DimReductionModelPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictDimReduction} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class DimReductionModelPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  public double[] dimensions;
  public double[] reconstructed;
}
