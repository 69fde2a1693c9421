package io.ae4j.spark;

import io.ae4j.EasyPredictModelWrapper;
import io.ae4j.RowData;
import io.ae4j.exception.PredictBatchException;
import io.ae4j.exception.PredictException;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * For RDD users: {@code rdd.mapPartitions(new RowDataScorer(broadcastModel, config...))} scores a
 * partition of {@link RowData} in batches, one native call per batch, with the executor's shared
 * model. Each input row comes out as a {@link Scored}: the row, its prediction, or (for a row that
 * cannot be scored) null and the reason.
 */
public final class RowDataScorer implements FlatMapFunction<Iterator<RowData>, RowDataScorer.Scored> {
  private static final long serialVersionUID = 1L;

  /** A row and its result. */
  public static final class Scored implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The input row. */
    public final RowData row;
    /** Its prediction, or null when the row cannot be scored. */
    public final AutoEncoderModelPrediction prediction;
    /** Null, or why the row cannot be scored ({@code <Exception>: <message>}). */
    public final String error;

    Scored(RowData row, AutoEncoderModelPrediction prediction, String error) {
      this.row = row;
      this.prediction = prediction;
      this.error = error;
    }
  }

  private final Broadcast<ModelBytes> model;
  private final boolean unknownToNa;
  private final boolean invalidToNa;
  private final int batchSize;

  /**
   * @param model the model file's bytes, broadcast ({@code jsc.broadcast(ModelBytes.read(path))})
   * @param convertUnknownCategoricalLevelsToNa genmodel's Config option
   * @param convertInvalidNumbersToNa genmodel's Config option
   * @param batchSize rows per native call (e.g. 1024)
   */
  public RowDataScorer(Broadcast<ModelBytes> model, boolean convertUnknownCategoricalLevelsToNa,
      boolean convertInvalidNumbersToNa, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1");
    }
    this.model = model;
    this.unknownToNa = convertUnknownCategoricalLevelsToNa;
    this.invalidToNa = convertInvalidNumbersToNa;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<Scored> call(final Iterator<RowData> rows) {
    final EasyPredictModelWrapper wrapper = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
        .setModel(ExecutorModels.get(model.value()))
        .setConvertUnknownCategoricalLevelsToNa(unknownToNa)
        .setConvertInvalidNumbersToNa(invalidToNa));
    return new Iterator<Scored>() {
      private final List<RowData> batch = new ArrayList<RowData>(batchSize);
      private Scored[] out = new Scored[0];
      private int pos;

      @Override
      public boolean hasNext() {
        if (pos < out.length) {
          return true;
        }
        batch.clear();
        while (batch.size() < batchSize && rows.hasNext()) {
          batch.add(rows.next());
        }
        out = score(wrapper, batch);
        pos = 0;
        return out.length > 0;
      }

      @Override
      public Scored next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out[pos++];
      }
    };
  }

  private static Scored[] score(EasyPredictModelWrapper wrapper, List<RowData> batch) {
    Scored[] out = new Scored[batch.size()];
    if (batch.isEmpty()) {
      return out;
    }
    try {
      AutoEncoderModelPrediction[] p = wrapper.predictAutoEncoderBatch(batch);
      for (int i = 0; i < p.length; i++) {
        out[i] = new Scored(batch.get(i), p[i], null);
      }
    } catch (PredictBatchException e) {
      // a bad row: score the batch's rows one by one (the good ones are still scored)
      for (int i = 0; i < out.length; i++) {
        RowData r = batch.get(i);
        try {
          out[i] = new Scored(r, wrapper.predictAutoEncoder(r), null);
        } catch (PredictException ex) {
          out[i] = new Scored(r, null, ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
      }
    } catch (PredictException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
