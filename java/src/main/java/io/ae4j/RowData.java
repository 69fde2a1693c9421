package io.ae4j;

import java.util.HashMap;

/**
 * One input row: column name to value, exactly like h2o-genmodel's
 * {@code hex.genmodel.easy.RowData}.
 *
 * <p>A numeric column takes a {@link Double} (NaN = missing), any other {@link Number} (ae4j
 * reads {@code doubleValue()}; genmodel rejects them), or a {@link String} parsed by
 * {@link Double#parseDouble} after {@link String#trim}. A categorical column takes its level as
 * a String (exact match, then {@code <column>.<level>}), or {@code Double.NaN} for missing. A
 * {@code null} value is missing (genmodel throws NullPointerException). Absent columns are
 * missing; columns the model does not know are ignored.
 */
public class RowData extends HashMap<String, Object> {
  private static final long serialVersionUID = 1L;

  public RowData() {
    super();
  }

  /**
   * Room for {@code columns} entries without rehashing (the reconstructions ae4j builds), in the
   * hash table genmodel's {@code new RowData()} has after as many puts: a HashMap iterates in
   * table order, so programs that loop over {@code reconstructedRowData} see genmodel's order.
   */
  RowData(int columns) {
    super(tableSize(16, columns));
  }

  /**
   * The table size of a {@link HashMap} created with {@code initialCapacity} once it holds
   * {@code entries} (HashMap's power-of-two rounding and 0.75 load factor), as a capacity that
   * gives a map that table from the start.
   */
  static int tableSize(int initialCapacity, int entries) {
    int t = initialCapacity <= 1 ? 1 : Integer.highestOneBit(initialCapacity - 1) << 1;
    while (entries > (int) (t * 0.75f)) {
      t <<= 1;
    }
    return t;
  }
}
