package io.ae4j;

import java.io.Serializable;

/**
 * One raw input column of a model's preprocessing pipeline (issue #22): its name and type, in
 * the order of the spec's {@code inputs}. A pipeline model's {@link RowData} is keyed by these
 * names; see {@link AutoEncoderModel#getPipelineInputs()}.
 */
public final class PipelineInput implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The spec's input types. */
  public enum Type {
    /** A number (a Java {@link Number}, or text parsed as a number). */
    NUMBER,
    /** Text. */
    STRING,
    /**
     * A point in time: ISO-8601 text (with an offset or {@code Z}; naive text is UTC), epoch
     * seconds (or milliseconds, when the spec says {@code "unit": "ms"}), or a Java time object
     * ({@link java.time.Instant}, {@link java.util.Date}, {@link java.time.OffsetDateTime}, ...),
     * which crosses as ISO-8601 text.
     */
    TIMESTAMP,
    /** {@code true}/{@code false} (any case) or 1/0; a Java {@link Boolean} crosses as its text. */
    BOOLEAN;

    /** The type of the spec's name ({@code number}, {@code string}, {@code timestamp}, {@code boolean}). */
    static Type of(String specName) {
      for (Type t : values()) {
        if (t.name().equalsIgnoreCase(specName)) {
          return t;
        }
      }
      throw new IllegalStateException("ae4j: unknown pipeline input type '" + specName + "'");
    }
  }

  private final String name;
  private final Type type;

  PipelineInput(String name, Type type) {
    this.name = name;
    this.type = type;
  }

  public String getName() {
    return name;
  }

  public Type getType() {
    return type;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PipelineInput && ((PipelineInput) o).name.equals(name) && ((PipelineInput) o).type == type;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + type.hashCode();
  }

  @Override
  public String toString() {
    return name + ": " + type.name().toLowerCase(java.util.Locale.ROOT);
  }
}
