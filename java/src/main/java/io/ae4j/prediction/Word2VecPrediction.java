package io.ae4j.prediction;

/**
 * genmodel's {@code hex.genmodel.easy.prediction.Word2VecPrediction}, with its public fields, so that generic
 * scorers written against genmodel compile. An autoencoder never produces one: the wrapper's
 * {@code predictWord2Vec} throws genmodel's {@code PredictException} for an autoencoder, as genmodel does.
 */
public class Word2VecPrediction extends AbstractPrediction {
  private static final long serialVersionUID = 1L;

  public java.util.HashMap<String, float[]> wordEmbeddings;
}
