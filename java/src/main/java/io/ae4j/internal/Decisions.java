package io.ae4j.internal;

/**
 * Anomaly decisions as the native library writes them ({@link Native#scoreDecide},
 * {@link Native#decideBatch}), and the one place they are read back, for every Java front end
 * (the wrapper's predictions, the Spark module's columns). Internal: not an API.
 *
 * <p>Row r's decision is {@code 2 + 2 * explain} doubles from {@code r * stride}: [0] 1 anomaly,
 * 0 normal, NaN no decision; [1] the percentile, or NaN; then {@code explain} pairs (input column
 * index, share of the squared error), largest first, index -1 and share NaN past the last.
 *
 * <p>Not thread-safe: one per batch buffer (or per row).
 */
public final class Decisions {
  private final double[] values;
  private final int explain;
  private final int stride;
  private final String[] columnNames;

  /**
   * Room for {@code rows} decisions with {@code explain} pairs each.
   *
   * @param columnNames the model's input columns, for {@link #column}
   */
  public Decisions(int rows, int explain, String[] columnNames) {
    this.explain = explain;
    this.stride = 2 + 2 * explain;
    this.values = new double[rows * stride];
    this.columnNames = columnNames;
  }

  /** The buffer the native library writes into. */
  public double[] values() {
    return values;
  }

  /** The explanation pairs per row. */
  public int explain() {
    return explain;
  }

  /** Row r's decision: true anomaly, false normal, null none (no calibration and no threshold). */
  public Boolean anomaly(int r) {
    double flag = values[r * stride];
    return Double.isNaN(flag) ? null : Boolean.valueOf(flag != 0.0);
  }

  /** Row r's percentile, or NaN. */
  public double percentile(int r) {
    return values[r * stride + 1];
  }

  /** How many explanation pairs row r has (at most {@link #explain()}). */
  public int explained(int r) {
    int base = r * stride + 2;
    int m = 0;
    while (m < explain && values[base + 2 * m] >= 0) {
      m++;
    }
    return m;
  }

  /** The name of row r's i-th explaining column (i below {@link #explained}). */
  public String column(int r, int i) {
    return columnNames[(int) values[r * stride + 2 + 2 * i]];
  }

  /** The share of the squared error of row r's i-th explaining column. */
  public double share(int r, int i) {
    return values[r * stride + 3 + 2 * i];
  }
}
