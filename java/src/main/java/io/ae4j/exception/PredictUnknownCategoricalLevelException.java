package io.ae4j.exception;

/**
 * A categorical value that is not a level of the model's domain (neither as given nor as
 * {@code <column>.<value>}), with unknown levels not converted to NA. Message:
 * {@code Unknown categorical level (<column>,<value>)}, as genmodel's.
 */
public class PredictUnknownCategoricalLevelException extends PredictException {
  private static final long serialVersionUID = 1L;

  /** The model column the unknown level was given for. */
  public final String columnName;
  /** The value, exactly as given (untrimmed). */
  public final String unknownLevel;

  public PredictUnknownCategoricalLevelException(String message, String columnName, String unknownLevel) {
    super(message);
    this.columnName = columnName;
    this.unknownLevel = unknownLevel;
  }

  public String getColumnName() {
    return columnName;
  }

  public String getUnknownLevel() {
    return unknownLevel;
  }
}
