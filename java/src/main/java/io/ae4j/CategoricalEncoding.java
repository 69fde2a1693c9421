package io.ae4j;

/**
 * genmodel's {@code hex.genmodel.CategoricalEncoding} constants. A deep-learning autoencoder
 * encodes its categoricals itself (one-hot, in the network's input), so its MOJO says
 * {@link #AUTO} and {@code getCategoricalEncoding()} answers that, as genmodel does. genmodel's
 * encoder factories ({@code createColumnMapping}, {@code createCategoricalEncoders}) take
 * genmodel's own types and are left out.
 */
public enum CategoricalEncoding {
  AUTO(false),
  OneHotExplicit(false),
  Binary(false),
  EnumLimited(true),
  Eigen(true),
  LabelEncoder(false);

  private final boolean parametrized;

  CategoricalEncoding(boolean parametrized) {
    this.parametrized = parametrized;
  }

  /** genmodel's answer: true for the encodings that take a parameter (EnumLimited, Eigen). */
  public boolean isParametrized() {
    return parametrized;
  }
}
