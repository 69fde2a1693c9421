package io.ae4j;

import io.ae4j.exception.PredictException;
import io.ae4j.exception.PredictNumberFormatException;
import io.ae4j.exception.PredictUnknownCategoricalLevelException;
import io.ae4j.exception.PredictUnknownTypeException;

/**
 * A row error of the core's row path (its kind, column and message, as {@code RowFailure}
 * crosses JNI) as the Java exception genmodel's API would throw for it.
 */
final class RowFailures {
  /** The core's kind of a pipeline row error ({@code ae4j_core::scorer::PIPELINE_ROW}). */
  static final String PIPELINE = "PipelineException";

  private RowFailures() {
  }

  static PredictException toException(String kind, String column, String message) {
    if (PIPELINE.equals(kind)) {
      return new PredictPipelineException(message, column);
    }
    if ("PredictUnknownCategoricalLevelException".equals(kind)) {
      return new PredictUnknownCategoricalLevelException(message, column, unknownLevel(column, message));
    }
    if ("PredictNumberFormatException".equals(kind)) {
      return new PredictNumberFormatException(message);
    }
    if ("PredictUnknownTypeException".equals(kind)) {
      return new PredictUnknownTypeException(message);
    }
    return new PredictException(kind == null ? message : kind + ": " + message);
  }

  /** The level of genmodel's {@code Unknown categorical level (<column>,<level>)}. */
  private static String unknownLevel(String column, String message) {
    String prefix = "Unknown categorical level (" + column + ",";
    if (column != null && message.startsWith(prefix) && message.endsWith(")")) {
      return message.substring(prefix.length(), message.length() - 1);
    }
    return null;
  }

  /** The CLI's (and Spark's error column's) text of a row error: {@code column '<c>': <Kind>: <message>}. */
  static String describe(String kind, String column, String message) {
    return column == null ? message : "column '" + column + "': " + kind + ": " + message;
  }
}
