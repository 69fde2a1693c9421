package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.CoxPHModelPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictCoxPH} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class CoxPHModelPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  public double value;
}
