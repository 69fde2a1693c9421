package io.ae4j.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

/**
 * One thread's direct buffer for scoring single rows natively: the raw row goes in at its start,
 * the reconstruction and the squared errors come back after it. Internal.
 *
 * <p>Why: a row that crosses JNI as three {@code double[]} arrays costs the native side six JNI
 * calls (three array lengths, three region copies, each a transition into the VM, plus the
 * jni crate's exception check after each), about as much as the network of a small model. The
 * buffer's memory has a fixed address, learnt once; each row then crosses with no JNI call at
 * all on the native side, and the copies in and out are plain memory copies on the Java side.
 *
 * <p>Layout (doubles): {@code [raw row: nFeatures][reconstruction: nSlots][squared errors:
 * nSlots]}. Not thread-safe: keep one per thread (a {@link ThreadLocal}); the native call reads
 * and writes the buffer only while its thread is inside {@link #score}.
 */
public final class RowBuffer {
  private final DoubleBuffer doubles;
  /** Kept to hold the memory: the address below is valid while this object is reachable. */
  private final ByteBuffer bytes;
  private final long address;
  private final int capacity;
  private final int nFeatures;
  private final int nSlots;

  /** A buffer for rows of a model with {@code nFeatures} input columns and {@code nSlots} slots. */
  public RowBuffer(int nFeatures, int nSlots) {
    long doublesNeeded = (long) nFeatures + 2L * nSlots;
    if (nFeatures < 0 || nSlots < 0 || doublesNeeded * Double.BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("row buffer: " + nFeatures + " columns and " + nSlots + " slots");
    }
    this.nFeatures = nFeatures;
    this.nSlots = nSlots;
    this.capacity = (int) doublesNeeded;
    this.bytes = ByteBuffer.allocateDirect(capacity * Double.BYTES).order(ByteOrder.nativeOrder());
    this.doubles = bytes.asDoubleBuffer();
    this.address = Native.bufferAddress(bytes);
  }

  /**
   * Scores {@code raw} ({@code nFeatures} long, from {@code rawOffset}) with the model behind
   * {@code handle} (acquired by the caller); writes {@code nSlots} values to each output;
   * returns the MSE. The caller checks the arrays' lengths.
   */
  public double score(long handle, double[] raw, int rawOffset, double[] reconstructedOut,
      double[] squaredErrorsOut) {
    DoubleBuffer d = doubles;
    d.clear();
    d.put(raw, rawOffset, nFeatures);
    double mse = Native.scoreBuffer(handle, address, capacity);
    // Reading the buffer after the call also keeps it (and its memory) reachable through it.
    d.position(nFeatures);
    d.get(reconstructedOut, 0, nSlots);
    d.get(squaredErrorsOut, 0, nSlots);
    return mse;
  }
}
