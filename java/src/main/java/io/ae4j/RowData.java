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

  /** Room for {@code columns} entries without rehashing (the reconstructions ae4j builds). */
  RowData(int columns) {
    super(columns * 4 / 3 + 1);
  }
}
