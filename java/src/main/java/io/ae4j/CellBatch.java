package io.ae4j;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Rows of raw cells for a model with a preprocessing pipeline (issue #22), packed so that a
 * whole batch crosses JNI in one call ({@link AutoEncoderModel#scoreCells}): row r's cell c is
 * the value of pipeline input c ({@link AutoEncoderModel#getPipelineInputs()}, in that order).
 *
 * <p>Why this layout: the pipeline runs natively on the <i>raw</i> cells, so they must cross
 * as what they are (numbers, text, type names), not as genmodel's converted doubles. Four flat
 * arrays (a kind byte and a double per cell, every text cell's UTF-8 one after another and each
 * cell's end offset in it) cross with one region copy each per batch chunk, so the native side
 * makes no JNI call per row or per field; an {@code Object[]} would need a JNI call (and a type
 * check) per field, and a {@code String[]} one per text cell. Names cross once per model (the
 * pipeline's inputs, in the native model already), not per row.
 *
 * <p>A Java value becomes the core's cell as ae4j's {@link RowData} rules say (the same for the
 * Java API and Spark): null is missing; a {@link Double} (NaN: missing) a number; any other
 * {@link Number} a number of that type (the core accepts it for a number input, and names the
 * type in a categorical's error); a String text; a {@link Boolean} the text {@code true} /
 * {@code false}; a point in time ({@link Instant}, {@link java.util.Date} and
 * {@link java.sql.Timestamp}, {@link OffsetDateTime}, {@link ZonedDateTime}) ISO-8601 text in
 * UTC with its fraction of a second, a {@link LocalDateTime} naive ISO text (the spec reads it as
 * UTC), a {@link LocalDate} or {@link java.sql.Date} its midnight; anything else the name of its
 * type (the core's error names it).
 *
 * <p>Reusable ({@link #clear()}); not thread-safe: one per thread or batch.
 */
public final class CellBatch {
  static final byte MISSING = 0;
  static final byte NUMBER = 1;
  static final byte TEXT = 2;
  /** A number of another Java type: the value in {@code numbers}, the type's name as text. */
  static final byte TYPED_NUMBER = 3;
  /** A value of a type no input takes: its type's name as text. */
  static final byte OTHER = 4;

  private final int columns;
  private int rows;
  byte[] kinds;
  double[] numbers;
  byte[] text;
  int textLength;
  /** Per cell, the end of its text in {@link #text} (its start is the previous cell's end). */
  int[] textEnds;
  /** The first cell of the row being filled; cells past the row's last put stay missing. */
  private int rowStart = -1;

  /**
   * @param columns cells per row: the number of pipeline inputs
   * @param capacity rows to make room for (it grows)
   */
  public CellBatch(int columns, int capacity) {
    if (columns < 0 || capacity < 0) {
      throw new IllegalArgumentException("columns " + columns + " / capacity " + capacity + " out of range");
    }
    this.columns = columns;
    int cells = Math.max(1, columns * Math.max(1, capacity));
    kinds = new byte[cells];
    numbers = new double[cells];
    textEnds = new int[cells];
    text = new byte[cells * 8];
  }

  /** Cells per row. */
  public int columns() {
    return columns;
  }

  /** The rows added so far. */
  public int rows() {
    return rows;
  }

  /** Empties the batch (its memory is kept). */
  public void clear() {
    rows = 0;
    textLength = 0;
    rowStart = -1;
  }

  /** Starts a new row, every cell missing; returns its index. */
  public int addRow() {
    closeRow();
    int need = (rows + 1) * columns;
    if (need > kinds.length) {
      int n = Math.max(need, kinds.length * 2);
      kinds = Arrays.copyOf(kinds, n);
      numbers = Arrays.copyOf(numbers, n);
      textEnds = Arrays.copyOf(textEnds, n);
    }
    rowStart = rows * columns;
    Arrays.fill(kinds, rowStart, rowStart + columns, MISSING);
    for (int c = 0; c < columns; c++) {
      textEnds[rowStart + c] = -1; // not yet written: closeRow fills the offsets in order
    }
    return rows++;
  }

  /** Sets cell {@code column} of the current row from a Java value (see the class comment). */
  public void put(int column, Object value) {
    if (value == null) {
      cell(column, MISSING, Double.NaN, null);
    } else if (value instanceof Double) {
      putNumber(column, (Double) value);
    } else if (value instanceof String) {
      putText(column, (String) value);
    } else if (value instanceof Number) {
      cell(column, TYPED_NUMBER, ((Number) value).doubleValue(), utf8(value.getClass().getName()));
    } else if (value instanceof Boolean) {
      putText(column, ((Boolean) value) ? "true" : "false");
    } else {
      String time = isoText(value);
      if (time != null) {
        putText(column, time);
      } else {
        cell(column, OTHER, Double.NaN, utf8(value.getClass().getName()));
      }
    }
  }

  /** A number (NaN: missing). */
  public void putNumber(int column, double value) {
    cell(column, NUMBER, value, null);
  }

  /** Text. */
  public void putText(int column, String value) {
    if (value == null) {
      cell(column, MISSING, Double.NaN, null);
    } else {
      cell(column, TEXT, Double.NaN, utf8(value));
    }
  }

  /** Text given as UTF-8 bytes (Spark's UTF8String), copied. */
  public void putText(int column, byte[] utf8) {
    cell(column, TEXT, Double.NaN, utf8);
  }

  /**
   * A cell's pending text: cells may be put in any order, so each row's text is laid out in
   * cell order when the row is closed (the next {@link #addRow()} or the native call).
   */
  private byte[][] pending;

  private void cell(int column, byte kind, double number, byte[] utf8) {
    if (rowStart < 0) {
      throw new IllegalStateException("addRow() first");
    }
    if (column < 0 || column >= columns) {
      throw new IllegalArgumentException("cell " + column + " is not a pipeline input (0 to " + (columns - 1) + ")");
    }
    if (pending == null) {
      pending = new byte[columns][];
    }
    kinds[rowStart + column] = kind;
    numbers[rowStart + column] = number;
    pending[column] = utf8;
  }

  /** Lays out the current row's text in cell order and records each cell's end. */
  void closeRow() {
    if (rowStart < 0) {
      return;
    }
    for (int c = 0; c < columns; c++) {
      byte[] t = pending == null ? null : pending[c];
      if (t != null) {
        if (textLength + t.length > text.length) {
          text = Arrays.copyOf(text, Math.max(textLength + t.length, text.length * 2));
        }
        System.arraycopy(t, 0, text, textLength, t.length);
        textLength += t.length;
        pending[c] = null;
      }
      textEnds[rowStart + c] = textLength;
    }
    rowStart = -1;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A Java point in time as the spec's ISO-8601 text, or null for another type. */
  static String isoText(Object v) {
    if (v instanceof Instant) {
      return DateTimeFormatter.ISO_INSTANT.format((Instant) v);
    }
    if (v instanceof java.sql.Timestamp) {
      return DateTimeFormatter.ISO_INSTANT.format(((java.sql.Timestamp) v).toInstant());
    }
    if (v instanceof java.sql.Date) {
      return midnight(((java.sql.Date) v).toLocalDate());
    }
    if (v instanceof java.util.Date) {
      return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(((java.util.Date) v).getTime()));
    }
    if (v instanceof OffsetDateTime) {
      return DateTimeFormatter.ISO_INSTANT.format(((OffsetDateTime) v).toInstant());
    }
    if (v instanceof ZonedDateTime) {
      return DateTimeFormatter.ISO_INSTANT.format(((ZonedDateTime) v).toInstant());
    }
    if (v instanceof LocalDateTime) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format((LocalDateTime) v);
    }
    if (v instanceof LocalDate) {
      return midnight((LocalDate) v);
    }
    return null;
  }

  private static String midnight(LocalDate d) {
    return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(d.atStartOfDay());
  }
}
