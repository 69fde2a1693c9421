package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.KLimeModelPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictKLime} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class KLimeModelPrediction extends RegressionModelPrediction {
  private static final long serialVersionUID = 1L;

  public int cluster;
  public double[] reasonCodes;
}
