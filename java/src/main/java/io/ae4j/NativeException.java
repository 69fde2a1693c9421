package io.ae4j;

/**
 * A failure inside ae4j's native library that is not the caller's fault: a panic in the Rust
 * code, or a JNI call that failed. The JVM keeps running; the model stays usable (it is
 * immutable, so a failed call leaves nothing half-changed). Please report these.
 */
public class NativeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NativeException(String message) {
    super(message);
  }

  public NativeException(String message, Throwable cause) {
    super(message, cause);
  }
}
