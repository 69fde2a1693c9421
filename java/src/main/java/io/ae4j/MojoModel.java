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
 *
 * <p>The public fields are genmodel's {@code MojoModel} fields, with genmodel's values for the
 * same MOJO (read from its {@code model.ini}). They are copies: changing one changes nothing.
 */
public final class MojoModel extends AutoEncoderModel {
  private static final long serialVersionUID = 1L;

  /** {@code deeplearning}. */
  public transient String _algoName;
  /** The H2O version that wrote the MOJO ({@code h2o_version}). */
  public transient String _h2oVersion;
  /** {@link ModelCategory#AutoEncoder}. */
  public transient ModelCategory _category;
  /** The MOJO's {@code uuid} (also {@link #getUUID()}). */
  public transient String _uuid;
  /** false. */
  public transient boolean _supervised;
  /** The number of input columns. */
  public transient int _nfeatures;
  /** The MOJO's {@code n_classes}: 1 for an autoencoder. */
  public transient int _nclasses;
  public transient boolean _balanceClasses;
  public transient double _defaultThreshold;
  /** null for an autoencoder. */
  public transient double[] _priorClassDistrib;
  /** null for an autoencoder. */
  public transient double[] _modelClassDistrib;
  /** The MOJO format version as a double, as genmodel reads it ({@code 1.10} is 1.1). */
  public transient double _mojo_version;

  MojoModel(Opened opened, String source) {
    super(opened, source);
    ModelIni ini = genModelView().ini;
    _algoName = ini.get("algo", "deeplearning");
    _h2oVersion = ini.get("h2o_version");
    _category = ModelCategory.valueOf(ini.get("category", "AutoEncoder"));
    _uuid = ini.get("uuid");
    _supervised = ini.getBoolean("supervised", false);
    _nfeatures = ini.getInt("n_features", nfeatures());
    _nclasses = ini.getInt("n_classes", 1);
    _balanceClasses = ini.getBoolean("balance_classes", false);
    _defaultThreshold = ini.getDouble("default_threshold", 0.5);
    _priorClassDistrib = ini.getDoubles("prior_class_distrib");
    _modelClassDistrib = ini.getDoubles("model_class_distrib");
    _mojo_version = ini.getDouble("mojo_version", Double.NaN);
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
   * genmodel's {@code load(file, readMetadata)}. genmodel's metadata ({@code _modelAttributes},
   * {@code _modelDescriptor}, read from {@code experimental/modelDetails.json}) are genmodel's own
   * types and ae4j leaves them out, so {@code readMetadata} has no effect.
   */
  public static MojoModel load(String file, boolean readMetadata) throws IOException {
    return load(file);
  }

  /**
   * genmodel's {@code load(MojoReaderBackend)}: a MOJO read through a backend from
   * {@link MojoReaderBackendFactory} (a zip file, a directory, a URL, a stream), or through a
   * program's own implementation of {@link MojoReaderBackend}.
   *
   * @throws IOException the MOJO cannot be read or is not an H2O deep-learning autoencoder
   */
  public static MojoModel load(MojoReaderBackend backend) throws IOException {
    if (backend == null) {
      throw new IllegalArgumentException("the MOJO reader backend must not be null");
    }
    if (backend instanceof MojoReaderBackendFactory.ZipBackend) {
      MojoReaderBackendFactory.ZipBackend zip = (MojoReaderBackendFactory.ZipBackend) backend;
      return new MojoModel(open(zip.zip, zip.name), zip.name);
    }
    if (backend instanceof MojoReaderBackendFactory.FolderBackend) {
      MojoReaderBackendFactory.FolderBackend dir = (MojoReaderBackendFactory.FolderBackend) backend;
      return new MojoModel(open(dir.root), dir.root.toString());
    }
    String name = "<" + backend.getClass().getName() + ">";
    return new MojoModel(open(MojoZip.fromBackend(backend), name), name);
  }

  /** A MOJO zip's bytes (for models built from genmodel's own model object). */
  static MojoModel fromZipBytes(byte[] zip, String name) throws IOException {
    return new MojoModel(open(zip, name), name);
  }
}
