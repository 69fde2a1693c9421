// A utility that loads MOJOs the ways library code does: from a classpath resource (a model
// packaged in the application jar), a URL, a stream, a File, a path, and through its own
// MojoReaderBackend (say, a model store). Written against h2o-genmodel; compiled again with only
// its imports rewritten.
import static hex.genmodel.MojoReaderBackendFactory.createReaderBackend;

import hex.genmodel.MojoModel;
import hex.genmodel.MojoReaderBackend;
import hex.genmodel.MojoReaderBackendFactory;
import hex.genmodel.MojoReaderBackendFactory.CachingStrategy;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;

public class ClasspathLoader {
  static MojoModel fromClasspath(String resource) throws IOException {
    URL url = ClasspathLoader.class.getResource("/" + resource);
    if (url == null) {
      throw new IOException("no resource " + resource);
    }
    return MojoModel.load(createReaderBackend(url, CachingStrategy.MEMORY));
  }

  static MojoModel fromStream(String resource) throws IOException {
    try (InputStream in = ClasspathLoader.class.getClassLoader().getResourceAsStream(resource)) {
      return MojoModel.load(MojoReaderBackendFactory.createReaderBackend(in, MojoReaderBackendFactory.CachingStrategy.DISK));
    }
  }

  /** A program's own backend, delegating to a file backend and counting what is read. */
  static final class CountingBackend implements MojoReaderBackend {
    private final MojoReaderBackend inner;
    int reads;

    CountingBackend(MojoReaderBackend inner) {
      this.inner = inner;
    }

    @Override
    public BufferedReader getTextFile(String filename) throws IOException {
      reads++;
      return inner.getTextFile(filename);
    }

    @Override
    public byte[] getBinaryFile(String filename) throws IOException {
      reads++;
      return inner.getBinaryFile(filename);
    }

    @Override
    public boolean exists(String filename) {
      return inner.exists(filename);
    }
  }

  static String score(MojoModel model, RowData row) throws Exception {
    AutoEncoderModelPrediction p = new EasyPredictModelWrapper(model).predictAutoEncoder(row);
    return model.getUUID() + " " + model._h2oVersion + " mse=" + p.mse + " " + Arrays.toString(p.reconstructed);
  }

  public static void main(String[] args) throws Exception {
    String resource = args[0];
    String file = args[1];
    RowData row = new RowData();
    MojoModel first = fromClasspath(resource);
    String[] names = first.getNames();
    for (int i = 0; i < names.length; i++) {
      String[] domain = first.getDomainValues(i);
      row.put(names[i], domain != null ? domain[i % domain.length] : Double.toString(i * 0.5));
    }
    System.out.println("classpath URL: " + score(first, row));
    System.out.println("classpath stream: " + score(fromStream(resource), row));
    System.out.println("File: " + score(MojoModel.load(createReaderBackend(new File(file))), row));
    System.out.println("path: " + score(MojoModel.load(createReaderBackend(file)), row));
    System.out.println("file URL: " + score(MojoModel.load(createReaderBackend(new File(file).toURI().toURL(),
        CachingStrategy.DISK)), row));
    CountingBackend own = new CountingBackend(createReaderBackend(file));
    System.out.println("own backend: " + score(MojoModel.load(own), row) + " (read " + (own.reads > 0 ? "some" : "no") + " files)");
    MojoReaderBackend backend = createReaderBackend(file);
    System.out.println("model.ini exists " + backend.exists("model.ini") + ", nope exists " + backend.exists("nope.txt"));
    try (BufferedReader r = backend.getTextFile("model.ini")) {
      System.out.println("model.ini starts " + r.readLine() + " / " + r.readLine());
    }
    if (backend.exists("domains/d000.txt")) {
      System.out.println("domain file bytes " + backend.getBinaryFile("domains/d000.txt").length);
    }
    try {
      backend.getBinaryFile("nope.txt");
      System.out.println("nope.txt read?");
    } catch (IOException e) {
      System.out.println("nope.txt: " + e.getClass().getName());
    }
    try {
      MojoModel.load(createReaderBackend(new File(file + ".missing")));
      System.out.println("missing file: loaded?");
    } catch (IOException e) {
      System.out.println("missing file: " + e.getClass().getName());
    }
    System.out.println("caching strategies " + Arrays.toString(CachingStrategy.values()));
  }
}
