package io.ae4j.spark;

import io.ae4j.exception.PredictException;

import java.util.HashMap;
import java.util.Map;

/**
 * A Spark cell to the model's raw value: {@link io.ae4j.AutoEncoderModel#convertCell}, the same
 * rules as ae4j's {@code RowData} (genmodel's {@code RowToRawDataConverter}, plus: null is
 * missing, any {@link Number} is a number), so the Spark module and the Java API cannot drift.
 */
final class RowConversion {
  private RowConversion() {
  }

  static double convert(ExecutorModels.Prepared p, int i, Object o, boolean unknownToNa, boolean invalidToNa)
      throws PredictException {
    return p.model.convertCell(i, o, unknownToNa, invalidToNa);
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
