package io.ae4j;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * genmodel's {@code hex.genmodel.MojoReaderBackendFactory}: a {@link MojoReaderBackend} over a MOJO
 * zip file, an unzipped MOJO directory, a URL (a classpath resource, say) or a stream, for
 * {@link MojoModel#load(MojoReaderBackend)}:
 * <pre>
 * URL mojo = getClass().getResource("/model.zip");
 * MojoModel model = MojoModel.load(createReaderBackend(mojo, CachingStrategy.MEMORY));
 * </pre>
 * ae4j keeps a zip's bytes in memory whatever the {@link CachingStrategy} (a deep-learning MOJO is
 * read whole to load it, and the bytes are the model's serialized form); {@code DISK} is accepted
 * and writes no temporary file.
 */
public class MojoReaderBackendFactory {

  /** genmodel's caching strategies; see the class comment. */
  public enum CachingStrategy {
    MEMORY,
    DISK
  }

  public MojoReaderBackendFactory() {
  }

  /** A MOJO zip file or an unzipped MOJO directory. */
  public static MojoReaderBackend createReaderBackend(String filename) throws IOException {
    return createReaderBackend(new File(filename));
  }

  /** A MOJO zip file or an unzipped MOJO directory. */
  public static MojoReaderBackend createReaderBackend(File file) throws IOException {
    if (file.isDirectory()) {
      return new FolderBackend(file.toPath());
    }
    if (!file.isFile()) {
      throw new IOException("Invalid file specification: " + file); // genmodel's message
    }
    return new ZipBackend(Files.readAllBytes(file.toPath()), file.getPath());
  }

  /** The MOJO zip at a URL (for example {@code getClass().getResource("/model.zip")}). */
  public static MojoReaderBackend createReaderBackend(URL url, CachingStrategy cachingStrategy) throws IOException {
    try (InputStream in = url.openStream()) {
      return new ZipBackend(readAll(in), url.toString());
    }
  }

  /** The MOJO zip read from a stream (to its end; not closed). */
  public static MojoReaderBackend createReaderBackend(InputStream stream, CachingStrategy cachingStrategy) throws IOException {
    return new ZipBackend(readAll(stream), "<stream>");
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** A MOJO zip in memory: its bytes (loaded as they are) and its entries by name. */
  static final class ZipBackend implements MojoReaderBackend {
    final byte[] zip;
    final String name;
    private final Map<String, byte[]> entries = new HashMap<String, byte[]>();

    ZipBackend(byte[] zip, String name) throws IOException {
      this.zip = zip;
      this.name = name;
      ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (!e.isDirectory()) {
          entries.put(e.getName(), readAll(in));
        }
      }
    }

    @Override
    public BufferedReader getTextFile(String filename) throws IOException {
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(getBinaryFile(filename)),
          StandardCharsets.UTF_8));
    }

    @Override
    public byte[] getBinaryFile(String filename) throws IOException {
      byte[] b = entries.get(filename);
      if (b == null) {
        throw new IOException("Binary file " + filename + " not found"); // genmodel's message
      }
      return b.clone();
    }

    @Override
    public boolean exists(String filename) {
      return entries.containsKey(filename);
    }
  }

  /** An unzipped MOJO directory. */
  static final class FolderBackend implements MojoReaderBackend {
    final Path root;

    FolderBackend(Path root) {
      this.root = root;
    }

    @Override
    public BufferedReader getTextFile(String filename) throws IOException {
      return Files.newBufferedReader(root.resolve(filename), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] getBinaryFile(String filename) throws IOException {
      return Files.readAllBytes(root.resolve(filename));
    }

    @Override
    public boolean exists(String filename) {
      return Files.exists(root.resolve(filename));
    }
  }
}
