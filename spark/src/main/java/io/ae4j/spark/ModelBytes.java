package io.ae4j.spark;

import io.ae4j.AutoEncoderModel;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A model file's bytes (MOJO zip or POJO {@code .java} source), its sidecar calibration if any
 * ({@code <file>.ae4j-calibration.json}, written by {@code ae4j calibrate}; it wins over a MOJO's
 * {@code ae4j/calibration.json} entry, as in the CLI), its name and a content key (SHA-256). This is what travels to the executors, once per executor as a broadcast; there
 * {@link ExecutorModels#get(ModelBytes)} turns it into one native model per JVM.
 */
public final class ModelBytes implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Appended to a model file's path for its sidecar calibration (as in the core and the Java API). */
  public static final String SIDECAR_SUFFIX = ".ae4j-calibration.json";

  /** Appended to a model file's path for its sidecar preprocessing pipeline (issue #22; a POJO's). */
  public static final String PIPELINE_SIDECAR_SUFFIX = ".ae4j-pipeline.json";

  private final byte[] bytes;
  private final byte[] calibration;
  /** The sidecar pipeline's JSON, or null (also in a stream written before pipelines existed). */
  private final byte[] pipeline;
  private final String name;
  private final String key;

  private ModelBytes(byte[] bytes, byte[] calibration, byte[] pipeline, String name) {
    this.bytes = bytes;
    this.calibration = calibration;
    this.pipeline = pipeline;
    this.name = name;
    this.key = sha256(bytes) + (calibration == null ? "" : "+" + sha256(calibration))
        + (pipeline == null ? "" : "+p" + sha256(pipeline));
  }

  /** The bytes of a model file (a MOJO zip or a POJO {@code .java} source). */
  public static ModelBytes of(byte[] bytes, String name) {
    if (bytes == null) {
      throw new IllegalArgumentException("model bytes must not be null");
    }
    return of(bytes, name, null);
  }

  /**
   * The bytes of a model file and of a calibration's JSON ({@code ae4j calibrate}'s sidecar text,
   * which wins over a MOJO's own entry), or null for none.
   */
  public static ModelBytes of(byte[] bytes, String name, byte[] calibrationJson) {
    return of(bytes, name, calibrationJson, null);
  }

  /**
   * {@link #of(byte[], String, byte[])} with a preprocessing pipeline's JSON (a sidecar's text,
   * which wins over a MOJO's {@code ae4j/pipeline.json} entry), or null for none.
   */
  public static ModelBytes of(byte[] bytes, String name, byte[] calibrationJson, byte[] pipelineJson) {
    if (bytes == null) {
      throw new IllegalArgumentException("model bytes must not be null");
    }
    return new ModelBytes(bytes.clone(), calibrationJson == null ? null : calibrationJson.clone(),
        pipelineJson == null ? null : pipelineJson.clone(), name == null ? "<bytes>" : name);
  }

  /**
   * Reads a model file (a MOJO zip or a POJO {@code .java} source) and its sidecars, if any: the
   * calibration {@code <path>.ae4j-calibration.json} and the pipeline {@code <path>.ae4j-pipeline.json}.
   */
  public static ModelBytes read(String path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("model path must not be null");
    }
    Path p = Paths.get(path);
    if (Files.isDirectory(p)) {
      throw new IOException("ae4j: " + path + " is a directory; Spark needs the model's bytes:"
          + " give the MOJO .zip (or the POJO .java)");
    }
    Path sidecar = Paths.get(p.toString() + SIDECAR_SUFFIX);
    byte[] calibration = Files.exists(sidecar) ? Files.readAllBytes(sidecar) : null;
    Path pipelineSidecar = Paths.get(p.toString() + PIPELINE_SIDECAR_SUFFIX);
    byte[] pipeline = Files.exists(pipelineSidecar) ? Files.readAllBytes(pipelineSidecar) : null;
    return new ModelBytes(Files.readAllBytes(p), calibration, pipeline, p.toString());
  }

  /** The model file's name (as given when read). */
  public String name() {
    return name;
  }

  /** SHA-256 of the bytes, hex: the key of the executor's model cache. */
  public String key() {
    return key;
  }

  /** A new native model from these bytes (the caller owns it). */
  public AutoEncoderModel load() throws IOException {
    return AutoEncoderModel.load(bytes, name, calibration, pipeline);
  }

  /** The sidecar calibration's JSON, or null. */
  byte[] calibration() {
    return calibration;
  }

  /** The sidecar pipeline's JSON, or null. */
  byte[] pipeline() {
    return pipeline;
  }

  byte[] bytes() {
    return bytes;
  }

  private static String sha256(byte[] b) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(b);
      StringBuilder sb = new StringBuilder(64);
      for (byte x : d) {
        sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
