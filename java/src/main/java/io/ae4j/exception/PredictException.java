package io.ae4j.exception;

/**
 * A row that cannot be scored: the checked exception of every {@code predict*} method, as in
 * h2o-genmodel ({@code hex.genmodel.easy.exception.PredictException}).
 */
public class PredictException extends Exception {
  private static final long serialVersionUID = 1L;

  public PredictException(String message) {
    super(message);
  }

  public PredictException(Throwable cause) {
    super(cause);
  }

  public PredictException(String message, Throwable cause) {
    super(message, cause);
  }
}
