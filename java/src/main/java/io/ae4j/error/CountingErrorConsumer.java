package io.ae4j.error;

import io.ae4j.AutoEncoderModel;
import io.ae4j.EasyPredictModelWrapper;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * genmodel's {@code hex.genmodel.easy.error.CountingErrorConsumer}: thread-safe counters of the
 * reports, per column. Every input column has a data-transformation counter and every
 * categorical column an unknown-level counter, from the start at 0; with
 * {@link Config#setCollectUnseenCategoricals(boolean)} the unknown levels themselves are counted
 * too.
 */
public class CountingErrorConsumer extends EasyPredictModelWrapper.ErrorConsumer {
  private static final long serialVersionUID = 1L;

  private final Map<String, AtomicLong> transformErrors;
  private final Map<String, AtomicLong> unknownLevels;
  private final Map<String, ConcurrentMap<Object, AtomicLong>> unseenLevels;
  private final boolean collectUnseen;

  public CountingErrorConsumer(AutoEncoderModel model) {
    this(model, new Config());
  }

  public CountingErrorConsumer(AutoEncoderModel model, Config config) {
    collectUnseen = config.isCollectUnseenCategoricals();
    String[] names = model.getNames();
    Map<String, AtomicLong> transform = new ConcurrentHashMap<String, AtomicLong>();
    Map<String, AtomicLong> unknown = new ConcurrentHashMap<String, AtomicLong>();
    unseenLevels = new ConcurrentHashMap<String, ConcurrentMap<Object, AtomicLong>>();
    for (int i = 0; i < names.length; i++) {
      transform.put(names[i], new AtomicLong());
      if (model.getDomainValues(i) != null) {
        unknown.put(names[i], new AtomicLong());
        if (collectUnseen) {
          unseenLevels.put(names[i], new ConcurrentHashMap<Object, AtomicLong>());
        }
      }
    }
    transformErrors = Collections.unmodifiableMap(transform);
    unknownLevels = Collections.unmodifiableMap(unknown);
  }

  @Override
  public void dataTransformError(String columnName, Object value, String message) {
    transformErrors.get(columnName).incrementAndGet();
  }

  @Override
  public void unseenCategorical(String columnName, Object value, String message) {
    unknownLevels.get(columnName).incrementAndGet();
    if (collectUnseen) {
      ConcurrentMap<Object, AtomicLong> levels = unseenLevels.get(columnName);
      AtomicLong n = levels.putIfAbsent(value, new AtomicLong(1));
      if (n != null) {
        n.incrementAndGet();
      }
    }
  }

  /** The unknown levels seen, over all columns. */
  public long getTotalUnknownCategoricalLevelsSeen() {
    long total = 0;
    for (AtomicLong n : unknownLevels.values()) {
      total += n.get();
    }
    return total;
  }

  /** Unknown levels seen per categorical column (a live, unmodifiable view). */
  public Map<String, AtomicLong> getUnknownCategoricalsPerColumn() {
    return unknownLevels;
  }

  /**
   * The unknown levels of a column with their counts.
   *
   * @throws IllegalStateException collection was not enabled in the {@link Config}
   */
  public Map<Object, AtomicLong> getUnseenCategoricals(String column) {
    if (!collectUnseen) {
      throw new IllegalStateException("Unseen categorical values collection was not enabled.");
    }
    return unseenLevels.get(column);
  }

  /** Data-transformation reports per input column (a live, unmodifiable view). */
  public Map<String, AtomicLong> getDataTransformationErrorsCountPerColumn() {
    return transformErrors;
  }

  /** Data-transformation reports over all columns. */
  public long getDataTransformationErrorsCount() {
    long total = 0;
    for (AtomicLong n : transformErrors.values()) {
      total += n.get();
    }
    return total;
  }

  /** genmodel's options of the counting consumer. */
  public static class Config {
    private boolean collectUnseenCategoricals;

    public boolean isCollectUnseenCategoricals() {
      return collectUnseenCategoricals;
    }

    public void setCollectUnseenCategoricals(boolean value) {
      collectUnseenCategoricals = value;
    }
  }
}
