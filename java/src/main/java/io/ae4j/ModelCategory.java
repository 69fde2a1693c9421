package io.ae4j;

/**
 * genmodel's {@code hex.ModelCategory}, with its constants in its order. An ae4j model is always
 * {@link #AutoEncoder}; the others exist so that generic scorers ({@code switch
 * (model.getModelCategory())}) compile unchanged.
 */
public enum ModelCategory {
  Unknown,
  Binomial,
  Multinomial,
  Ordinal,
  Regression,
  Clustering,
  AutoEncoder,
  TargetEncoder,
  DimReduction,
  WordEmbedding,
  CoxPH,
  AnomalyDetection,
  KLime,
  BinomialUplift
}
