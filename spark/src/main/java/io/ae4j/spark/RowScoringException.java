package io.ae4j.spark;

/**
 * A row that cannot be scored, with {@code failFast} on. Its cause is the
 * {@link io.ae4j.exception.PredictException} genmodel would throw for the row (for example a
 * {@link io.ae4j.exception.PredictUnknownCategoricalLevelException}).
 */
public class RowScoringException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RowScoringException(String message, Throwable cause) {
    super(message, cause);
  }
}
