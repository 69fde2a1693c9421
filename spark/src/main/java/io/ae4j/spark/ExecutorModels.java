package io.ae4j.spark;

import io.ae4j.AutoEncoderModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One native model per JVM (executor) and model file, shared by every task thread of that JVM.
 * Keyed by the model bytes' SHA-256; a model stays loaded until {@link #clear()} or the JVM
 * exits (an executor serves few models; each holds its weights once).
 */
public final class ExecutorModels {
  private static final ConcurrentHashMap<String, Prepared> CACHE = new ConcurrentHashMap<String, Prepared>();

  private ExecutorModels() {
  }

  /** The JVM's model for these bytes, loaded on first use (thread-safe; loaded once). */
  public static AutoEncoderModel get(ModelBytes bytes) {
    return prepared(bytes).model;
  }

  static Prepared prepared(final ModelBytes bytes) {
    Prepared p = CACHE.get(bytes.key());
    if (p != null && !p.model.isClosed()) {
      return p;
    }
    synchronized (CACHE) {
      p = CACHE.get(bytes.key());
      if (p == null || p.model.isClosed()) {
        try {
          p = new Prepared(bytes.load());
        } catch (IOException e) {
          throw new UncheckedIOException("ae4j: cannot load the model " + bytes.name() + ": " + e.getMessage(), e);
        }
        CACHE.put(bytes.key(), p);
      }
      return p;
    }
  }

  /** How many models this JVM holds. */
  public static int size() {
    return CACHE.size();
  }

  /** Closes and forgets every model of this JVM (the next use loads again). */
  public static void clear() {
    synchronized (CACHE) {
      for (Prepared p : CACHE.values()) {
        p.model.close();
      }
      CACHE.clear();
    }
  }

  /** A model with what the row conversion needs to know of its columns, built once per JVM. */
  static final class Prepared {
    final AutoEncoderModel model;
    final String[] names;
    final int nFeatures;
    final int nSlots;
    final int nCats;
    /** Per column: whether it is categorical (its cells are levels, not numbers). */
    final boolean[] categorical;

    Prepared(AutoEncoderModel model) {
      this.model = model;
      this.names = model.getNames();
      this.nFeatures = model.nfeatures();
      this.nSlots = model.getNumSlots();
      this.nCats = model.getNumCategoricals();
      this.categorical = new boolean[nFeatures];
      for (int i = 0; i < nFeatures; i++) {
        categorical[i] = model.getDomainValues(i) != null;
      }
    }
  }
}
