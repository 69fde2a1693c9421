package io.ae4j.exception;

/**
 * A value of a type the column cannot take. Message, as genmodel's:
 * {@code Unexpected object type <fully qualified class> for numeric column <column>} (a Boolean,
 * or any other object that is neither a String nor a {@link Number}) or
 * {@code Unexpected object type <class> for categorical column <column>} (anything but a String
 * level or a NaN Double).
 */
public class PredictUnknownTypeException extends PredictException {
  private static final long serialVersionUID = 1L;

  public PredictUnknownTypeException(String message) {
    super(message);
  }
}
