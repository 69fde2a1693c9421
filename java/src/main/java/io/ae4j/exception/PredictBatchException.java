package io.ae4j.exception;

/**
 * A bad row in a batch ({@code EasyPredictModelWrapper.predictAutoEncoderBatch}): nothing of the
 * batch was scored. {@link #rowIndex} is the 0-based index of the first bad row in the list, and
 * {@link #getCause()} is the exception that row alone would have thrown (its message follows
 * {@code "Row <index>: "} in this one's).
 */
public class PredictBatchException extends PredictException {
  private static final long serialVersionUID = 1L;

  /** The 0-based index of the first bad row. */
  public final int rowIndex;

  public PredictBatchException(int rowIndex, PredictException cause) {
    super("Row " + rowIndex + ": " + cause.getMessage(), cause);
    this.rowIndex = rowIndex;
  }

  /** The exception the row alone would have thrown. */
  @Override
  public synchronized PredictException getCause() {
    return (PredictException) super.getCause();
  }
}
