package io.ae4j.spark;

import io.ae4j.AutoEncoderModel;
import io.ae4j.exception.PredictException;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Scores a partition of Rows in batches: each batch's rows are converted into one flat raw
 * array and scored by one native call ({@link AutoEncoderModel#scoreBatch}). The model comes
 * from the executor's cache ({@link ExecutorModels}): one native model per JVM, shared by all
 * task threads.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** What a partition needs to know, fixed on the driver from the input schema and the params. */
  static final class Plan implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The input's field names and, per field, its model column or -1. */
    String[] fieldNames;
    int[] fieldToModel;
    /** Per model column, its input field or -1 (missing). */
    int[] modelToField;
    boolean unknownToNa;
    boolean invalidToNa;
    boolean withOriginal;
    boolean withMse;
    boolean withSquaredErrors;
    boolean withError;
    boolean failFast;
    int batchSize;
  }

  private final Broadcast<ModelBytes> model;
  private final Plan plan;

  PartitionScorer(Broadcast<ModelBytes> model, Plan plan) {
    this.model = model;
    this.plan = plan;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Batches(ExecutorModels.prepared(model.value()), plan, input);
  }

  /** The lazy output iterator: pulls a batch, scores it, hands its rows out. */
  static final class Batches implements Iterator<Row> {
    private final ExecutorModels.Prepared p;
    private final Plan plan;
    private final Iterator<Row> input;
    private final int nF;
    private final int nS;
    private final int nIn;
    private final int nOut;
    private final Object[][] values;
    private final boolean[] good;
    private final String[] errors;
    private final double[] raw;
    private final double[] rec;
    private final double[] se;
    private final double[] mse;
    private final double[] one;
    private int n;
    private int pos;
    private long rowsSeen;

    Batches(ExecutorModels.Prepared p, Plan plan, Iterator<Row> input) {
      this.p = p;
      this.plan = plan;
      this.input = input;
      this.nF = p.nFeatures;
      this.nS = p.nSlots;
      this.nIn = plan.fieldNames.length;
      this.nOut = 1 + (plan.withOriginal ? 1 : 0) + (plan.withMse ? 1 : 0)
          + (plan.withSquaredErrors ? 1 : 0) + (plan.withError ? 1 : 0);
      int b = plan.batchSize;
      this.values = new Object[b][];
      this.good = new boolean[b];
      this.errors = new String[b];
      this.raw = new double[b * nF];
      this.rec = new double[b * nS];
      this.se = new double[b * nS];
      this.mse = new double[b];
      this.one = new double[nF];
    }

    @Override
    public boolean hasNext() {
      if (pos < n) {
        return true;
      }
      fill();
      return n > 0;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int r = pos++;
      Object[] in = values[r];
      values[r] = null;
      Object[] out = Arrays.copyOf(in, nIn + nOut);
      int k = nIn;
      if (good[r]) {
        int g = goodIndex[r];
        out[k++] = new DenseVector(Arrays.copyOfRange(rec, g * nS, (g + 1) * nS));
        if (plan.withOriginal) {
          System.arraycopy(raw, g * nF, one, 0, nF);
          out[k++] = new DenseVector(p.model.expandOriginal(one));
        }
        if (plan.withMse) {
          out[k++] = mse[g];
        }
        if (plan.withSquaredErrors) {
          out[k++] = new DenseVector(Arrays.copyOfRange(se, g * nS, (g + 1) * nS));
        }
        if (plan.withError) {
          out[k++] = null;
        }
      } else {
        k += nOut - 1; // null scores
        out[k] = errors[r];
      }
      return RowFactory.create(out);
    }

    private int[] goodIndex = new int[0];

    private void fill() {
      n = 0;
      pos = 0;
      int b = plan.batchSize;
      if (goodIndex.length != b) {
        goodIndex = new int[b];
      }
      int g = 0;
      final int[] modelToField = plan.modelToField;
      while (n < b && input.hasNext()) {
        Row row = input.next();
        Object[] v = new Object[nIn];
        for (int f = 0; f < nIn; f++) {
          v[f] = row.get(f);
        }
        int base = g * nF;
        boolean ok = true;
        try {
          for (int j = 0; j < nF; j++) {
            int f = modelToField[j];
            raw[base + j] = f < 0 ? Double.NaN
                : RowConversion.convert(p, j, v[f], plan.unknownToNa, plan.invalidToNa);
          }
        } catch (PredictException e) {
          ok = false;
          RowConversion.CellError err = RowConversion.genmodelError(p, v, plan.fieldNames,
              plan.fieldToModel, plan.unknownToNa, plan.invalidToNa);
          if (plan.failFast) {
            throw new RowScoringException("ae4j: row " + (rowsSeen + n) + " of the partition cannot be scored: "
                + err.describe(), err.exception);
          }
          errors[n] = err.describe();
        }
        values[n] = v;
        good[n] = ok;
        if (ok) {
          goodIndex[n] = g++;
        }
        n++;
      }
      rowsSeen += n;
      if (g > 0) {
        double[] rows = g == b ? raw : Arrays.copyOf(raw, g * nF);
        p.model.scoreBatch(rows, rec, se, mse);
      }
    }
  }
}
