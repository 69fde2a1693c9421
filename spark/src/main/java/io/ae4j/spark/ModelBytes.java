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
 * A model file's bytes (MOJO zip or POJO {@code .java} source), its name and a content key
 * (SHA-256). This is what travels to the executors, once per executor as a broadcast; there
 * {@link ExecutorModels#get(ModelBytes)} turns it into one native model per JVM.
 */
public final class ModelBytes implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] bytes;
  private final String name;
  private final String key;

  private ModelBytes(byte[] bytes, String name) {
    this.bytes = bytes;
    this.name = name;
    this.key = sha256(bytes);
  }

  /** The bytes of a model file (a MOJO zip or a POJO {@code .java} source). */
  public static ModelBytes of(byte[] bytes, String name) {
    if (bytes == null) {
      throw new IllegalArgumentException("model bytes must not be null");
    }
    return new ModelBytes(bytes.clone(), name == null ? "<bytes>" : name);
  }

  /** Reads a model file (a MOJO zip or a POJO {@code .java} source). */
  public static ModelBytes read(String path) throws IOException {
    if (path == null) {
      throw new IllegalArgumentException("model path must not be null");
    }
    Path p = Paths.get(path);
    if (Files.isDirectory(p)) {
      throw new IOException("ae4j: " + path + " is a directory; Spark needs the model's bytes:"
          + " give the MOJO .zip (or the POJO .java)");
    }
    return new ModelBytes(Files.readAllBytes(p), p.toString());
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
    return AutoEncoderModel.load(bytes, name);
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
