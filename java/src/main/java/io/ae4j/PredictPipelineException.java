package io.ae4j;

import io.ae4j.exception.PredictException;

/**
 * A row that the model's preprocessing pipeline (issue #22) cannot transform: a domain error of
 * an expression ({@code log1p} of a number below -1, a division by zero), a timestamp that is not
 * ISO-8601 text, text that is not a number for a number input, a value of a type the input cannot
 * take. The message names the step and the column ({@code column 'amount': step 3 (derive
 * log_amount): log1p of -2}), as the CLI's and the service's errors do; never a silent NaN.
 *
 * <p>A {@link PredictException}, so code that catches genmodel's row errors catches it too; the
 * wrapper's {@code ErrorConsumer} gets {@code dataTransformError(column, value, message)} just
 * before it is thrown.
 */
public class PredictPipelineException extends PredictException {
  private static final long serialVersionUID = 1L;

  /** The input or step column the error is in (null when the core names none). */
  public final String columnName;
  /** The core's message, naming the step ({@code step 3 (derive log_amount): log1p of -2}). */
  public final String stepMessage;

  public PredictPipelineException(String stepMessage, String columnName) {
    super(columnName == null ? stepMessage : "column '" + columnName + "': " + stepMessage);
    this.columnName = columnName;
    this.stepMessage = stepMessage;
  }

  public String getColumnName() {
    return columnName;
  }

  public String getStepMessage() {
    return stepMessage;
  }
}
