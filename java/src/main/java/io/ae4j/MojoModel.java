package io.ae4j;

import java.io.IOException;
import java.nio.file.Paths;

/**
 * h2o-genmodel's entry point, for autoencoders: {@code MojoModel.load("model.zip")} returns a
 * model ready for {@code new EasyPredictModelWrapper(...)}, so that
 * <pre>
 * EasyPredictModelWrapper model = new EasyPredictModelWrapper(MojoModel.load("model.zip"));
 * </pre>
 * ports from {@code hex.genmodel} to {@code io.ae4j} by changing the imports alone. A
 * {@code MojoModel} is an {@link AutoEncoderModel}; close it when done (or let the garbage
 * collector free it).
 */
public final class MojoModel extends AutoEncoderModel {
  private static final long serialVersionUID = 1L;

  MojoModel(Opened opened, String source) {
    super(opened, source);
  }

  /**
   * Loads a MOJO zip file, or a directory holding an unzipped MOJO.
   *
   * @throws IOException the file cannot be read or is not an H2O deep-learning autoencoder
   */
  public static MojoModel load(String file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("model path must not be null");
    }
    return new MojoModel(open(Paths.get(file)), file);
  }

  /**
   * genmodel's {@code load(file, readMetadata)}: ae4j reads no metadata beyond what scoring
   * needs, so {@code readMetadata} has no effect.
   */
  public static MojoModel load(String file, boolean readMetadata) throws IOException {
    return load(file);
  }
}
