package io.ae4j.prediction;

import java.io.Serializable;

/** The base of every prediction, as genmodel's {@code hex.genmodel.easy.prediction.AbstractPrediction}. */
public abstract class AbstractPrediction implements Serializable {
  private static final long serialVersionUID = 1L;
}
