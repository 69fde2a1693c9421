package io.ae4j.exception;

/**
 * A String in a numeric column that {@link Double#parseDouble} rejects (after
 * {@link String#trim}), with invalid numbers not converted to NA. Message, as genmodel's:
 * {@code Unable to parse value: <trimmed value>, from column: <column>, as Double; <NumberFormatException message>}.
 */
public class PredictNumberFormatException extends PredictException {
  private static final long serialVersionUID = 1L;

  public PredictNumberFormatException(String message) {
    super(message);
  }
}
