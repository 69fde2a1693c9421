package io.ae4j.spark;

import io.ae4j.exception.PredictException;
import io.ae4j.exception.PredictNumberFormatException;
import io.ae4j.exception.PredictUnknownCategoricalLevelException;
import io.ae4j.exception.PredictUnknownTypeException;
import io.ae4j.internal.JavaDouble;

import java.util.HashMap;
import java.util.Map;

/**
 * A Spark cell to the model's raw value, with ae4j's {@code RowData} rules (genmodel's
 * {@code RowToRawDataConverter}, plus: null is missing, any {@link Number} is a number):
 * <ul>
 *   <li>numeric column: a String is trimmed and parsed with {@code Double.parseDouble}; a Double,
 *       Float, Integer, Long, Short, Byte or BigDecimal is its {@code doubleValue()}; anything
 *       else (Boolean, Timestamp, ...) is rejected as genmodel rejects it;</li>
 *   <li>categorical column: a String is looked up exactly, then as {@code <col>.<level>}; a
 *       Double NaN is missing; anything else is rejected as genmodel rejects it.</li>
 * </ul>
 */
final class RowConversion {
  private RowConversion() {
  }

  static double convert(ExecutorModels.Prepared p, int i, Object o, boolean unknownToNa, boolean invalidToNa)
      throws PredictException {
    if (o == null) {
      return Double.NaN;
    }
    Map<String, Integer> levels = p.levels[i];
    if (levels == null) {
      if (o instanceof Double) {
        return (Double) o;
      }
      if (o instanceof String) {
        String s = ((String) o).trim();
        try {
          return JavaDouble.parseDouble(s); // Double.parseDouble's bits, faster
        } catch (NumberFormatException nfe) {
          if (invalidToNa) {
            return Double.NaN;
          }
          throw new PredictNumberFormatException("Unable to parse value: " + s + ", from column: "
              + p.names[i] + ", as Double; " + nfe.getMessage());
        }
      }
      if (o instanceof Number) {
        return ((Number) o).doubleValue();
      }
      throw new PredictUnknownTypeException("Unexpected object type " + o.getClass().getName()
          + " for numeric column " + p.names[i]);
    }
    if (o instanceof String) {
      String level = (String) o;
      Integer index = levels.get(level);
      if (index == null) {
        index = levels.get(p.names[i] + "." + level);
      }
      if (index != null) {
        return index;
      }
      if (unknownToNa) {
        return Double.NaN;
      }
      throw new PredictUnknownCategoricalLevelException("Unknown categorical level (" + p.names[i]
          + "," + level + ")", p.names[i], level);
    }
    if (o instanceof Double && ((Double) o).isNaN()) {
      return Double.NaN;
    }
    throw new PredictUnknownTypeException("Unexpected object type " + o.getClass().getName()
        + " for categorical column " + p.names[i]);
  }

  /** A bad cell: the exception genmodel would throw and the model column it is in. */
  static final class CellError {
    final PredictException exception;
    final String column;

    CellError(PredictException exception, String column) {
      this.exception = exception;
      this.column = column;
    }

    /** The error column's text, as the CLI's {@code error} column writes it. */
    String describe() {
      return "column '" + column + "': " + exception.getClass().getSimpleName() + ": " + exception.getMessage();
    }
  }

  /**
   * Of a row's bad cells, the one genmodel reports: the non-null cells go into a HashMap (a
   * RowData) in column order and are converted in the map's order, as Sparkling Water's and
   * PredictCsv's RowData would be. Called only for a row known to hold a bad cell.
   *
   * @param values the row's values, one per input field
   * @param fieldNames the input fields' names
   * @param fieldToModel per input field, its model column, or -1
   */
  static CellError genmodelError(ExecutorModels.Prepared p, Object[] values, String[] fieldNames,
      int[] fieldToModel, boolean unknownToNa, boolean invalidToNa) {
    HashMap<String, Integer> row = new HashMap<String, Integer>();
    for (int f = 0; f < fieldNames.length; f++) {
      if (fieldToModel[f] >= 0 && values[f] != null) {
        row.put(fieldNames[f], f);
      }
    }
    for (Map.Entry<String, Integer> e : row.entrySet()) {
      int f = e.getValue();
      try {
        convert(p, fieldToModel[f], values[f], unknownToNa, invalidToNa);
      } catch (PredictException ex) {
        return new CellError(ex, p.names[fieldToModel[f]]);
      }
    }
    throw new IllegalStateException("ae4j: a row failed to convert but no cell fails on its own");
  }
}
