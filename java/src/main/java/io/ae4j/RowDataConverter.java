package io.ae4j;

import io.ae4j.exception.PredictException;
import io.ae4j.exception.PredictNumberFormatException;
import io.ae4j.exception.PredictUnknownCategoricalLevelException;
import io.ae4j.exception.PredictUnknownTypeException;
import io.ae4j.internal.JavaDouble;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link RowData} (or any {@code Map<String, ?>} row) to genmodel's raw row, with the rules of
 * genmodel's {@code RowToRawDataConverter}: cells visited in the row's iteration order (so of
 * several bad cells the same one is reported), unknown columns ignored, absent columns missing
 * (NaN), a categorical's level by exact match then {@code <column>.<level>}, a number String
 * trimmed and parsed as {@link Double#parseDouble} parses it. Plus ae4j's two fixes: a null
 * value is missing, and any {@link Number} is accepted in a numeric column.
 *
 * <p>One per model, built from its names and domains; thread-safe. Its only mutable state is
 * the cache of the row key instances it looks columns up with ({@link #learnKeys}), which never
 * changes a result.
 */
final class RowDataConverter {
  private final String[] names;
  private final int nFeatures;
  /** Per column, its name if it is the name's first column, else null (duplicates stay missing). */
  private final String[] lookupKeys;
  /**
   * {@link #lookupKeys} with each name replaced by an equal String instance seen as a key of a
   * recent row (see {@link #learnKeys}): rows built with the same key instances (a CSV header,
   * constants) then find every column by identity, without comparing characters. Always equal
   * to {@link #lookupKeys} element by element, so every lookup gets the same value.
   */
  private volatile String[] rowKeys;
  /** Rows converted since the key instances were last learnt (racy on purpose: a heuristic). */
  private int rowsSinceLearnt;
  /** Relearn the key instances every this many rows (the first row always learns). */
  private static final int RELEARN_EVERY = 1024;
  /** Each name to its first column. */
  private final Map<String, Integer> columnIndex;
  /** Per column: level to index for a categorical (exact levels), null for a numeric. */
  private final Map<String, Integer>[] levelIndex;

  /**
   * @param names the input columns, interned (so a row keyed by string literals finds its
   *     columns by identity)
   * @param domains per column its interned levels, or null for a numeric
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  RowDataConverter(String[] names, String[][] domains) {
    this.names = names;
    this.nFeatures = names.length;
    this.columnIndex = new HashMap<String, Integer>(nFeatures * 2);
    this.levelIndex = new Map[nFeatures];
    this.lookupKeys = new String[nFeatures];
    for (int i = 0; i < nFeatures; i++) {
      if (!columnIndex.containsKey(names[i])) {
        columnIndex.put(names[i], i);
        lookupKeys[i] = names[i];
      }
      if (domains[i] != null) {
        Map<String, Integer> levels = new HashMap<String, Integer>(domains[i].length * 2);
        for (int j = 0; j < domains[i].length; j++) {
          if (!levels.containsKey(domains[i][j])) {
            levels.put(domains[i][j], j);
          }
        }
        levelIndex[i] = levels;
      }
    }
    this.rowKeys = lookupKeys;
  }

  /** The index of a column by exact name, or -1. */
  int columnIndex(String name) {
    Integer i = columnIndex.get(name);
    return i == null ? -1 : i;
  }

  /** A new raw row from a row. */
  double[] toRaw(Map<String, ?> row, boolean unknownToNa, boolean invalidToNa) throws PredictException {
    double[] raw = new double[nFeatures];
    fill(row, raw, 0, unknownToNa, invalidToNa);
    return raw;
  }

  /** The length of a raw row: the number of input columns. */
  int width() {
    return nFeatures;
  }

  /** The input columns (the converter's own array: do not modify). */
  String[] names() {
    return names;
  }

  /**
   * Fills {@code raw[offset .. offset + width())} from a row.
   *
   * <p>First the fast way: each model column looked up in the row. That gives genmodel's result
   * whenever every cell converts cleanly (conversion has no side effects then, so the order is
   * unseen). At the first cell that does not (an unknown level, an unparsable number, a value
   * of the wrong type), the row is converted again the genmodel way, in the row's iteration
   * order, which decides which cell is reported or converted to NA.
   */
  void fill(Map<String, ?> row, double[] raw, int offset, boolean unknownToNa, boolean invalidToNa)
      throws PredictException {
    if (!fillByColumn(row, raw, offset)) {
      fillInRowOrder(row, raw, offset, unknownToNa, invalidToNa);
    }
  }

  /** The fast way; false (raw partly written) at the first cell that does not convert cleanly. */
  private boolean fillByColumn(Map<String, ?> row, double[] raw, int offset) {
    if (rowsSinceLearnt-- <= 0) {
      learnKeys(row);
    }
    String[] keys = rowKeys;
    for (int i = 0; i < nFeatures; i++) {
      String key = keys[i];
      Object o = key == null ? null : row.get(key);
      double v;
      if (o == null) {
        v = Double.NaN;
      } else if (o instanceof Double && levelIndex[i] == null) {
        v = (Double) o;
      } else if (o instanceof String && levelIndex[i] == null) {
        try {
          v = JavaDouble.parseDouble(((String) o).trim());
        } catch (NumberFormatException e) {
          return false;
        }
      } else if (o instanceof String) {
        Integer index = knownLevel(i, (String) o);
        if (index == null) {
          return false;
        }
        v = index;
      } else if (o instanceof Number && levelIndex[i] == null) {
        v = ((Number) o).doubleValue();
      } else {
        return false;
      }
      raw[offset + i] = v;
    }
    return true;
  }

  /**
   * Takes the row's own key instances for the columns it has (keys equal to a lookup key, so
   * each lookup finds what it found before; {@code Map.get} compares by identity first). Done
   * on the first row and then every {@link #RELEARN_EVERY} rows, so that a stream of rows with
   * new key instances costs almost nothing and one with shared keys finds them by identity.
   */
  private void learnKeys(Map<String, ?> row) {
    rowsSinceLearnt = RELEARN_EVERY;
    String[] keys = rowKeys.clone();
    for (Object k : row.keySet()) {
      Integer i = k instanceof String ? columnIndex.get(k) : null;
      if (i != null) {
        keys[i] = (String) k; // i is the name's first column: lookupKeys[i] equals k
      }
    }
    rowKeys = keys; // published whole through the volatile: readers see every element
  }

  /** A categorical's level index, as given or as {@code <column>.<level>}; null when unknown. */
  private Integer knownLevel(int i, String level) {
    Map<String, Integer> levels = levelIndex[i];
    Integer index = levels.get(level);
    return index != null ? index : levels.get(names[i] + "." + level);
  }

  /** genmodel's way: the row's cells in its iteration order. */
  private void fillInRowOrder(Map<String, ?> row, double[] raw, int offset, boolean unknownToNa,
      boolean invalidToNa) throws PredictException {
    Arrays.fill(raw, offset, offset + nFeatures, Double.NaN);
    for (Map.Entry<String, ?> e : row.entrySet()) {
      Integer i = columnIndex.get(e.getKey());
      if (i != null) {
        raw[offset + i] = convert(i, e.getValue(), unknownToNa, invalidToNa);
      }
    }
  }

  /** One cell of input column {@code i} as its raw value: a number, a level index, or NaN. */
  double convert(int i, Object o, boolean unknownToNa, boolean invalidToNa) throws PredictException {
    if (o == null) {
      return Double.NaN; // ae4j: missing (genmodel: NullPointerException)
    }
    Map<String, Integer> levels = levelIndex[i];
    if (levels == null) {
      return number(i, o, invalidToNa);
    }
    if (o instanceof String) {
      return level(i, (String) o, unknownToNa);
    }
    if (o instanceof Double && ((Double) o).isNaN()) {
      return Double.NaN;
    }
    throw new PredictUnknownTypeException("Unexpected object type " + o.getClass().getName()
        + " for categorical column " + names[i]);
  }

  private double number(int i, Object o, boolean invalidToNa) throws PredictException {
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
            + names[i] + ", as Double; " + nfe.getMessage());
      }
    }
    if (o instanceof Number) {
      return ((Number) o).doubleValue(); // ae4j: any Number (genmodel: PredictUnknownTypeException)
    }
    throw new PredictUnknownTypeException("Unexpected object type " + o.getClass().getName()
        + " for numeric column " + names[i]);
  }

  private double level(int i, String level, boolean unknownToNa) throws PredictException {
    Integer index = knownLevel(i, level);
    if (index != null) {
      return index;
    }
    if (unknownToNa) {
      return Double.NaN;
    }
    throw new PredictUnknownCategoricalLevelException("Unknown categorical level (" + names[i]
        + "," + level + ")", names[i], level);
  }
}
