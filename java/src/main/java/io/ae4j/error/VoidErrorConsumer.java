package io.ae4j.error;

import io.ae4j.EasyPredictModelWrapper;

/** genmodel's {@code hex.genmodel.easy.error.VoidErrorConsumer}: ignores every report. */
public final class VoidErrorConsumer extends EasyPredictModelWrapper.ErrorConsumer {
  private static final long serialVersionUID = 1L;

  @Override
  public final void dataTransformError(String columnName, Object value, String message) {
  }

  @Override
  public final void unseenCategorical(String columnName, Object value, String message) {
  }
}
