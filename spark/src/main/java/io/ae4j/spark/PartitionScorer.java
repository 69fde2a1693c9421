package io.ae4j.spark;

import io.ae4j.AutoEncoderModel;
import io.ae4j.CellBatch;
import io.ae4j.exception.PredictException;
import io.ae4j.internal.Decisions;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Scores a partition in batches: each batch's rows are converted into one flat raw array and
 * scored by one native call ({@link AutoEncoderModel#scoreBatch}), and, when the plan asks for
 * anomaly decisions or explanations, decided by one more ({@link AutoEncoderModel#decideBatch}).
 * The model comes from the executor's cache ({@link ExecutorModels}): one native model per JVM,
 * shared by all task threads.
 *
 * <p>Two front ends share the batch logic: {@link Internal} works on Spark's internal rows
 * (reads only the model's columns by ordinal; emits the input row joined with the score
 * columns, which Spark copies into its own format with generated code), and {@link Rows} on
 * external {@link Row}s (the public-API fallback, see {@link InternalRoute}).
 */
final class PartitionScorer {
  private PartitionScorer() {
  }

  /** What a partition needs to know, fixed on the driver from the input schema and the params. */
  static final class Plan implements Serializable {
    private static final long serialVersionUID = 4L;
    /**
     * The input's field names and, per field, its model column or -1. For a model with a
     * preprocessing pipeline ({@link #pipeline}) the "model columns" here are the pipeline's raw
     * inputs, in the spec's order.
     */
    String[] fieldNames;
    /** The input's field types (for the internal-row route). */
    DataType[] fieldTypes;
    int[] fieldToModel;
    /** Per model column (or pipeline input), its input field or -1 (missing). */
    int[] modelToField;
    /** The model has a preprocessing pipeline: rows cross as raw cells ({@link io.ae4j.CellBatch}). */
    boolean pipeline;
    boolean unknownToNa;
    boolean invalidToNa;
    boolean withOriginal;
    boolean withMse;
    boolean withSquaredErrors;
    /** Anomaly decisions: the run-time threshold (NaN: the calibration's), the columns wanted. */
    double threshold = Double.NaN;
    int explain;
    boolean withAnomaly;
    boolean withPercentile;
    boolean withExplanation;
    /** Deep features: the hidden layer (-1: none) and its units. */
    int deepFeaturesLayer = -1;
    int deepFeaturesWidth;
    boolean withError;
    boolean failFast;
    int batchSize;

    int nOut() {
      return 1 + (withOriginal ? 1 : 0) + (withMse ? 1 : 0) + (withSquaredErrors ? 1 : 0)
          + (withAnomaly ? 1 : 0) + (withPercentile ? 1 : 0) + (withExplanation ? 1 : 0)
          + (withDeepFeatures() ? 1 : 0) + (withError ? 1 : 0);
    }

    boolean withDeepFeatures() {
      return deepFeaturesLayer >= 0;
    }

    boolean decides() {
      return withAnomaly || withPercentile || withExplanation;
    }
  }

  /** The external-row route: {@code Dataset<Row>.mapPartitions}. */
  static final class Rows implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ModelBytes> model;
    private final Plan plan;

    Rows(Broadcast<ModelBytes> model, Plan plan) {
      this.model = model;
      this.plan = plan;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
      return new RowBatches(ExecutorModels.prepared(model.value()), plan, input);
    }
  }

  /** The internal-row route: {@code RDD<InternalRow>.mapPartitions}. */
  static final class Internal implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ModelBytes> model;
    private final Plan plan;

    Internal(Broadcast<ModelBytes> model, Plan plan) {
      this.model = model;
      this.plan = plan;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> input) {
      return new InternalBatches(ExecutorModels.prepared(model.value()), plan, input);
    }
  }

  /**
   * The lazy output iterator: pulls a batch, scores it, hands its rows out. The front ends say
   * how a row is kept, converted to raw values and emitted.
   */
  abstract static class Batches<I, O> implements Iterator<O> {
    final ExecutorModels.Prepared p;
    final Plan plan;
    private final Iterator<I> input;
    final int nF;
    final int nS;
    final int nIn;
    final int nOut;
    final int k;
    final Object[] rows;
    final boolean[] good;
    final int[] goodIndex;
    final String[] errors;
    final double[] raw;
    final double[] rec;
    final double[] se;
    final double[] mse;
    /** The batch's anomaly decisions (null when the plan wants none). */
    final Decisions decisions;
    /** Row g's deep features at {@code g * plan.deepFeaturesWidth}, or null when not asked for. */
    final double[] deep;
    /** A pipeline model's batch of raw cells, and its rows' failures (kind, column, message); else null. */
    final CellBatch cells;
    final String[] failures;
    private int n;
    private int pos;
    private long rowsSeen;

    Batches(ExecutorModels.Prepared p, Plan plan, Iterator<I> input) {
      this.p = p;
      this.plan = plan;
      this.input = input;
      this.nF = p.nFeatures;
      this.nS = p.nSlots;
      this.nIn = plan.fieldNames.length;
      this.nOut = plan.nOut();
      this.k = Math.min(plan.explain, nF);
      int b = plan.batchSize;
      this.rows = new Object[b];
      this.good = new boolean[b];
      this.goodIndex = new int[b];
      this.errors = new String[b];
      this.raw = new double[b * nF];
      this.rec = new double[b * nS];
      this.se = new double[b * nS];
      this.mse = new double[b];
      this.decisions = plan.decides() ? new Decisions(b, k, p.names) : null;
      this.deep = plan.withDeepFeatures() ? new double[b * plan.deepFeaturesWidth] : null;
      this.cells = plan.pipeline ? new CellBatch(plan.modelToField.length, b) : null;
      this.failures = plan.pipeline ? new String[3 * b] : null;
    }

    /** The row as it can be kept until the batch is emitted (internal rows are reused: a copy). */
    abstract I keep(I row);

    /** Writes the row's raw values (one per model column) at {@code raw[base..]}. */
    abstract void convert(I row, double[] raw, int base) throws PredictException;

    /** Puts the row's cells (one per pipeline input) into the current row of {@code cells}. */
    abstract void putCells(I row, CellBatch cells);

    /** The row's values as external objects, one per input field (only the model's needed). */
    abstract Object[] externalValues(I row);

    /** The output row of batch row r (scored at g, or g = -1 for a row that cannot be scored). */
    abstract O emit(I row, int r, int g);

    @Override
    public boolean hasNext() {
      if (pos < n) {
        return true;
      }
      fill();
      return n > 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public O next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int r = pos++;
      I row = (I) rows[r];
      rows[r] = null;
      return emit(row, r, good[r] ? goodIndex[r] : -1);
    }

    @SuppressWarnings("unchecked")
    private void fill() {
      if (cells != null) {
        fillCells();
        return;
      }
      n = 0;
      pos = 0;
      int b = plan.batchSize;
      int g = 0;
      while (n < b && input.hasNext()) {
        I row = keep(input.next());
        boolean ok = true;
        try {
          convert(row, raw, g * nF);
        } catch (PredictException e) {
          ok = false;
          RowConversion.CellError err = RowConversion.genmodelError(p, externalValues(row), plan.fieldNames,
              plan.fieldToModel, plan.unknownToNa, plan.invalidToNa);
          if (plan.failFast) {
            throw new RowScoringException("ae4j: row " + (rowsSeen + n) + " of the partition cannot be scored: "
                + err.describe(), err.exception);
          }
          errors[n] = err.describe();
        }
        rows[n] = row;
        good[n] = ok;
        if (ok) {
          goodIndex[n] = g++;
        }
        n++;
      }
      rowsSeen += n;
      if (g > 0) {
        double[] in = g == b ? raw : Arrays.copyOf(raw, g * nF);
        if (deep != null) {
          p.model.scoreBatch(in, rec, se, mse, plan.deepFeaturesLayer, deep);
        } else {
          p.model.scoreBatch(in, rec, se, mse);
        }
        if (decisions != null) {
          p.model.decideBatch(mse, se, g, plan.threshold, k, decisions.values());
        }
      }
    }

    /**
     * A pipeline model's batch: every row's raw cells cross in one native call, which runs the
     * pipeline and genmodel's conversion and scores (and decides on) them; a row that fails gets
     * its error (the core's text, as the CLI writes it). Row r is scored at r.
     */
    private void fillCells() {
      n = 0;
      pos = 0;
      cells.clear();
      while (n < plan.batchSize && input.hasNext()) {
        I row = keep(input.next());
        cells.addRow();
        putCells(row, cells);
        rows[n++] = row;
      }
      if (n == 0) {
        return;
      }
      Arrays.fill(failures, 0, 3 * n, null);
      p.model.scoreCells(cells, plan.unknownToNa, plan.invalidToNa, raw, rec, se, mse, plan.threshold, k,
          decisions == null ? null : decisions.values(), Math.max(plan.deepFeaturesLayer, 0), deep, failures);
      for (int r = 0; r < n; r++) {
        String kind = failures[3 * r];
        good[r] = kind == null;
        goodIndex[r] = r;
        if (kind == null) {
          continue;
        }
        String column = failures[3 * r + 1];
        String message = failures[3 * r + 2];
        String text = column == null ? message : "column '" + column + "': " + kind + ": " + message;
        if (plan.failFast) {
          throw new RowScoringException("ae4j: row " + (rowsSeen + r) + " of the partition cannot be scored: "
              + text, AutoEncoderModel.rowFailure(kind, column, message));
        }
        errors[r] = text;
      }
      rowsSeen += n;
    }

    /** Row g's reconstruction. */
    double[] reconstruction(int g) {
      return Arrays.copyOfRange(rec, g * nS, (g + 1) * nS);
    }

    double[] squaredErrors(int g) {
      return Arrays.copyOfRange(se, g * nS, (g + 1) * nS);
    }

    double[] deepFeatures(int g) {
      int w = plan.deepFeaturesWidth;
      return Arrays.copyOfRange(deep, g * w, (g + 1) * w);
    }

    /** genmodel's {@code original} of row g. */
    double[] original(int g) {
      return p.model.expandOriginal(Arrays.copyOfRange(raw, g * nF, (g + 1) * nF));
    }
  }

  /** External rows in and out. */
  static final class RowBatches extends Batches<Row, Row> {
    RowBatches(ExecutorModels.Prepared p, Plan plan, Iterator<Row> input) {
      super(p, plan, input);
    }

    @Override
    Row keep(Row row) {
      return row;
    }

    @Override
    void convert(Row row, double[] raw, int base) throws PredictException {
      final int[] modelToField = plan.modelToField;
      for (int j = 0; j < nF; j++) {
        int f = modelToField[j];
        raw[base + j] = f < 0 ? Double.NaN
            : RowConversion.convert(p, j, row.get(f), plan.unknownToNa, plan.invalidToNa);
      }
    }

    @Override
    void putCells(Row row, CellBatch cells) {
      final int[] inputToField = plan.modelToField;
      for (int c = 0; c < inputToField.length; c++) {
        int f = inputToField[c];
        if (f >= 0) {
          cells.put(c, row.get(f));
        }
      }
    }

    @Override
    Object[] externalValues(Row row) {
      Object[] v = new Object[nIn];
      for (int f = 0; f < nIn; f++) {
        v[f] = row.get(f);
      }
      return v;
    }

    @Override
    Row emit(Row row, int r, int g) {
      Object[] out = new Object[nIn + nOut];
      for (int f = 0; f < nIn; f++) {
        out[f] = row.get(f);
      }
      int c = nIn;
      if (g >= 0) {
        out[c++] = new DenseVector(reconstruction(g));
        if (plan.withOriginal) {
          out[c++] = new DenseVector(original(g));
        }
        if (plan.withMse) {
          out[c++] = mse[g];
        }
        if (plan.withSquaredErrors) {
          out[c++] = new DenseVector(squaredErrors(g));
        }
        if (plan.withAnomaly) {
          out[c++] = decisions.anomaly(g);
        }
        if (plan.withPercentile) {
          out[c++] = decisions.percentile(g);
        }
        if (plan.withExplanation) {
          int m = decisions.explained(g);
          Row[] e = new Row[m];
          for (int i = 0; i < m; i++) {
            e[i] = RowFactory.create(decisions.column(g, i), decisions.share(g, i));
          }
          out[c++] = e;
        }
        if (plan.withDeepFeatures()) {
          out[c++] = new DenseVector(deepFeatures(g));
        }
        if (plan.withError) {
          out[c++] = null;
        }
      } else {
        out[nIn + nOut - 1] = errors[r]; // null scores
      }
      return RowFactory.create(out);
    }
  }

  /**
   * Internal rows in and out: only the model's columns are read, by ordinal and type; the
   * output is the input row joined with a row of the score columns in Spark's internal
   * encoding (a vector is VectorUDT's struct {type 1 = dense, size, indices, values}).
   */
  static final class InternalBatches extends Batches<InternalRow, InternalRow> {
    /** Per model column: how its input field is read (see {@link #convert}). */
    private static final int MISSING = 0;
    private static final int DOUBLE = 1;
    private static final int FLOAT = 2;
    private static final int LONG = 3;
    private static final int INT = 4;
    private static final int STRING = 5;
    private static final int OTHER = 6;

    private final int[] kind;
    private final DataType[] types;
    private final scala.Function1<Object, Object>[] toExternal;

    @SuppressWarnings("unchecked")
    InternalBatches(ExecutorModels.Prepared p, Plan plan, Iterator<InternalRow> input) {
      super(p, plan, input);
      this.kind = new int[plan.modelToField.length];
      this.types = plan.fieldTypes;
      this.toExternal = (scala.Function1<Object, Object>[]) new scala.Function1<?, ?>[nIn];
      for (int j = 0; j < kind.length; j++) {
        int f = plan.modelToField[j];
        if (f < 0) {
          kind[j] = MISSING;
          continue;
        }
        DataType t = types[f];
        kind[j] = t.equals(DataTypes.DoubleType) ? DOUBLE
            : t.equals(DataTypes.FloatType) ? FLOAT
            : t.equals(DataTypes.LongType) ? LONG
            : t.equals(DataTypes.IntegerType) ? INT
            : t.equals(DataTypes.StringType) ? STRING
            : OTHER;
      }
      for (int f = 0; f < nIn; f++) {
        if (plan.fieldToModel[f] >= 0) {
          toExternal[f] = CatalystTypeConverters.createToScalaConverter(types[f]);
        }
      }
    }

    @Override
    InternalRow keep(InternalRow row) {
      return row.copy();
    }

    /**
     * A pipeline input's cell: a double and a string without boxing (a string's UTF-8 bytes as
     * they are), anything else as its external object ({@link CellBatch#put}: a timestamp is
     * ISO-8601 text in UTC, a decimal a number, a boolean {@code true}/{@code false}).
     */
    @Override
    void putCells(InternalRow row, CellBatch cells) {
      final int[] inputToField = plan.modelToField;
      for (int c = 0; c < inputToField.length; c++) {
        int f = inputToField[c];
        if (kind[c] == MISSING || row.isNullAt(f)) {
          continue;
        }
        if (kind[c] == DOUBLE) {
          cells.putNumber(c, row.getDouble(f));
        } else if (kind[c] == STRING) {
          cells.putText(c, row.getUTF8String(f).getBytes());
        } else {
          cells.put(c, external(row, f));
        }
      }
    }

    /**
     * The same values as {@link RowConversion#convert} of the external objects, without boxing
     * for the common types: a number in a numeric column is its double value; a String goes
     * through the same rules; a double NaN in a categorical column is missing; anything else (a
     * number in a categorical column, another type) takes the external object's route, which
     * gives genmodel's error.
     */
    @Override
    void convert(InternalRow row, double[] raw, int base) throws PredictException {
      final int[] modelToField = plan.modelToField;
      for (int j = 0; j < nF; j++) {
        int f = modelToField[j];
        double v;
        if (kind[j] == MISSING || row.isNullAt(f)) {
          v = Double.NaN;
        } else if (!p.categorical[j]) {
          switch (kind[j]) {
            case DOUBLE:
              v = row.getDouble(f);
              break;
            case FLOAT:
              v = row.getFloat(f);
              break;
            case LONG:
              v = row.getLong(f);
              break;
            case INT:
              v = row.getInt(f);
              break;
            default:
              v = slow(row, f, j);
          }
        } else if (kind[j] == STRING) {
          v = RowConversion.convert(p, j, row.getUTF8String(f).toString(), plan.unknownToNa, plan.invalidToNa);
        } else if (kind[j] == DOUBLE && Double.isNaN(row.getDouble(f))) {
          v = Double.NaN;
        } else {
          v = slow(row, f, j);
        }
        raw[base + j] = v;
      }
    }

    private double slow(InternalRow row, int f, int j) throws PredictException {
      return RowConversion.convert(p, j, external(row, f), plan.unknownToNa, plan.invalidToNa);
    }

    private Object external(InternalRow row, int f) {
      return row.isNullAt(f) ? null : toExternal[f].apply(row.get(f, types[f]));
    }

    @Override
    Object[] externalValues(InternalRow row) {
      Object[] v = new Object[nIn];
      for (int f = 0; f < nIn; f++) {
        if (plan.fieldToModel[f] >= 0) {
          v[f] = external(row, f);
        }
      }
      return v;
    }

    private static InternalRow vector(double[] values) {
      return new GenericInternalRow(new Object[] {(byte) 1, null, null, UnsafeArrayData.fromPrimitiveArray(values)});
    }

    @Override
    InternalRow emit(InternalRow row, int r, int g) {
      Object[] out = new Object[nOut];
      int c = 0;
      if (g >= 0) {
        out[c++] = vector(reconstruction(g));
        if (plan.withOriginal) {
          out[c++] = vector(original(g));
        }
        if (plan.withMse) {
          out[c++] = mse[g];
        }
        if (plan.withSquaredErrors) {
          out[c++] = vector(squaredErrors(g));
        }
        if (plan.withAnomaly) {
          out[c++] = decisions.anomaly(g);
        }
        if (plan.withPercentile) {
          out[c++] = decisions.percentile(g);
        }
        if (plan.withExplanation) {
          int m = decisions.explained(g);
          Object[] e = new Object[m];
          for (int i = 0; i < m; i++) {
            e[i] = new GenericInternalRow(new Object[] {UTF8String.fromString(decisions.column(g, i)),
                decisions.share(g, i)});
          }
          out[c++] = new GenericArrayData(e);
        }
        if (plan.withDeepFeatures()) {
          out[c++] = vector(deepFeatures(g));
        }
      } else {
        out[nOut - 1] = UTF8String.fromString(errors[r]); // null scores
      }
      return new JoinedRow(row, new GenericInternalRow(out));
    }
  }
}
