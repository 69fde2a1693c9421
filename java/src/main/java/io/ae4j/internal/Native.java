package io.ae4j.internal;

/**
 * The native methods of the ae4j JNI library ({@code rust/ae4j-jni}). Internal: not an API, may
 * change in any release. Call {@link NativeLoader#load()} before any method; every method that
 * takes a handle requires a live one from {@link NativeHandle#acquire()}.
 *
 * <p>Errors: a model that cannot be read throws {@link java.io.IOException} with the core's
 * message; a null or short array throws {@link IllegalArgumentException}; a 0 handle throws
 * {@link IllegalStateException}; a panic in native code throws {@link io.ae4j.NativeException}.
 */
public final class Native {
  private Native() {}

  /**
   * Reads a MOJO zip or a POJO's {@code .java} source (told apart by content or name); returns a
   * handle. The handle keeps the model's calibration: {@code calibrationJson} (a sidecar file's
   * text) when not null, else the MOJO's {@code ae4j/calibration.json} entry, if any. A
   * calibration made for another model throws {@link java.io.IOException}. Likewise the
   * preprocessing pipeline (issue #22): {@code pipelineJson} (a sidecar's text) when not null,
   * else the MOJO's {@code ae4j/pipeline.json} entry, if any; a spec that does not parse, or
   * does not produce every model column, throws {@link java.io.IOException} naming why.
   */
  public static native long load(byte[] mojoZip, String name, byte[] calibrationJson, byte[] pipelineJson)
      throws java.io.IOException;

  /**
   * Reads a MOJO zip file, an unzipped MOJO directory or a POJO {@code .java} file, with the
   * calibration and pipeline stored with it (sidecars {@code <path>.ae4j-calibration.json} and
   * {@code <path>.ae4j-pipeline.json}, else the zip entries); returns a handle.
   */
  public static native long loadPath(String path) throws java.io.IOException;

  /**
   * Builds a model from the arrays of a compiled POJO (read by reflection), in one call; returns
   * a handle. {@code domainSizes[i]} is column i's level count (-1 for a numeric) and
   * {@code levels} holds every categorical's levels one after the other; {@code weights} and
   * {@code biases} hold layers 1.. of {@code WEIGHT} / {@code BIAS} one after the other. With
   * {@code activation} null, the activation is the one whose reconstruction of
   * {@code probeRows} matches {@code probeOutputs} (the POJO's own {@code score0} outputs).
   * {@code hiddenDropoutRatios}, {@code normMul} and {@code normSub} may be null.
   *
   * @throws IllegalArgumentException inconsistent arrays, or no single activation matches
   */
  public static native long fromPojoArrays(String className, String[] names, int[] domainSizes,
      String[] levels, int[] catOffsets, int[] neurons, float[] weights, double[] biases,
      double[] hiddenDropoutRatios, double[] normMul, double[] normSub, String activation,
      double[] probeRows, double[] probeOutputs);

  /** Frees a handle (0 is ignored). Only {@link NativeHandle} calls this, once. */
  static native void free(long handle);

  /**
   * Fills {@code out} with the model's metadata in one call: its {@code model(...)} method and,
   * for a calibrated model, its {@code calibration(...)}. Use {@link ModelDescription#of(long)}.
   */
  public static native void describe(long handle, ModelDescription out);

  /** Scores one raw row (one value per input column); returns the MSE. */
  public static native double score(long handle, double[] raw, double[] reconstructed, double[] squaredErrors);

  /**
   * The native address of a direct buffer (once per buffer). Only {@link RowBuffer} uses it.
   *
   * @throws IllegalArgumentException the buffer is null
   */
  static native long bufferAddress(java.nio.ByteBuffer buffer);

  /**
   * {@link #score} through a thread's direct buffer at {@code address} ({@code capacity}
   * doubles): the raw row at its start in, the reconstruction and the squared errors after it
   * out (layout in {@link RowBuffer}); returns the MSE. The address is trusted like a handle, so
   * only {@link RowBuffer} calls this, with its own live buffer.
   *
   * @throws IllegalArgumentException a capacity too small for the model, or a null or
   *     misaligned address
   */
  static native double scoreBuffer(long handle, long address, int capacity);

  /** Scores nRows raw rows stored row after row in rows. */
  public static native void scoreBatch(long handle, double[] rows, int nRows,
      double[] reconstructed, double[] squaredErrors, double[] mse);

  /**
   * {@link #score}, plus the row's anomaly decision in the same call, written to
   * {@code decision} ({@code 2 + 2 * explain} doubles): [0] 1 anomaly / 0 normal / NaN no
   * decision; [1] percentile or NaN; then {@code explain} pairs (column index, share of the
   * squared error), index -1 and share NaN past the last. {@code threshold} NaN: none given (the
   * calibration's, if any, applies). {@code explain} is at most the number of input columns.
   */
  public static native double scoreDecide(long handle, double[] raw, double[] reconstructed,
      double[] squaredErrors, double threshold, int explain, double[] decision);

  /**
   * The decisions of nRows rows already scored (their MSEs, and their squared errors laid out as
   * {@link #scoreBatch} writes them; only read when {@code explain > 0}), row i's at
   * {@code i * (2 + 2 * explain)} of {@code decisions}, laid out as in {@link #scoreDecide}.
   */
  public static native void decideBatch(long handle, double[] mse, double[] squaredErrors, int nRows,
      double threshold, int explain, double[] decisions);

  /**
   * {@link #scoreDecide} with hidden layer {@code layer}'s activations (H2O's deep features)
   * written to {@code deepFeatures} (at least that layer's units long), from the same forward
   * pass. {@code decision} null: no decision (threshold and explain are then ignored).
   * A layer the model lacks: IllegalArgumentException naming the valid range.
   */
  public static native double scoreDeep(long handle, double[] raw, double[] reconstructed,
      double[] squaredErrors, int layer, double[] deepFeatures, double threshold, int explain,
      double[] decision);

  /**
   * {@link #scoreBatch} with hidden layer {@code layer}'s activations of row i at
   * {@code i * units} of {@code deepFeatures}, from the same forward pass.
   */
  public static native void scoreBatchDeep(long handle, double[] rows, int nRows,
      double[] reconstructed, double[] squaredErrors, double[] mse, int layer, double[] deepFeatures);

  /**
   * Hidden layer {@code layer}'s activations of nRows raw rows alone (row i's at
   * {@code i * units} of {@code out}); the network runs no deeper than that layer.
   */
  public static native void deepFeatures(long handle, double[] rows, int nRows, int layer, double[] out);

  /**
   * Scores {@code nRows} rows of raw cells of a model with a preprocessing pipeline, in one
   * call: the core runs the pipeline and genmodel's conversion on each row, then scores it. The
   * cells are laid out as {@link io.ae4j.CellBatch} packs them: row r's cell c (pipeline input c)
   * at {@code i = r * nInputs + c} of {@code kinds} (0 missing, 1 number, 2 text, 3 number of the
   * Java type named by its text, 4 a value of the Java type named by its text) and
   * {@code numbers}; its UTF-8 text is {@code text[textEnds[i - 1] .. textEnds[i])} (from 0 for
   * i = 0).
   *
   * <p>Outputs, row after row, as {@link #scoreBatch} writes them: {@code rawOut} the
   * post-pipeline raw row ({@code nfeatures} per row), {@code reconstructed},
   * {@code squaredErrors}, {@code mse}; {@code decisions} (null: none) as {@link #decideBatch};
   * {@code deepFeatures} (null: none) hidden layer {@code layer}'s activations. A row that cannot
   * be scored gets NaN scores and, at {@code 3 * r} of {@code failures}, the core's error kind
   * ({@code PipelineException}, or genmodel's exception name for a conversion error), its column
   * (or null) and its message; a scored row's three entries are left null.
   *
   * @throws IllegalStateException the model has no pipeline
   */
  public static native void scoreCells(long handle, int nRows, byte[] kinds, double[] numbers, byte[] text,
      int[] textEnds, boolean unknownToNa, boolean invalidToNa, double[] rawOut, double[] reconstructed,
      double[] squaredErrors, double[] mse, double threshold, int explain, double[] decisions, int layer,
      double[] deepFeatures, String[] failures);

  /**
   * Diagnostic: panics inside the native library on purpose. It must surface as an
   * {@link io.ae4j.NativeException} and leave the JVM running; the test suite checks that.
   */
  public static native void selfTestPanic(String message);

  /** The native library's version. */
  public static native String version();
}
