package io.ae4j.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads ae4j's native library, once per class loader, on first use. Internal.
 *
 * <p>Order:
 * <ol>
 *   <li>{@code -Dae4j.native.path=/path/to/libae4j_jni.so}: that file, and nothing else;</li>
 *   <li>the library bundled in the jar at {@code /io/ae4j/native/<os>-<arch>/<file>} (os:
 *       {@code linux}, {@code macos}, {@code windows}; arch: {@code x86_64}, {@code aarch64},
 *       from the JVM's {@code os.name}/{@code os.arch}), copied to a fresh directory under
 *       {@code -Dae4j.native.dir} (default {@code java.io.tmpdir}) and loaded from there (on
 *       Linux and macOS the copy is deleted right after loading; every load uses its own copy,
 *       so several class loaders can each load the library);</li>
 *   <li>{@code System.loadLibrary("ae4j_jni")}, i.e. {@code java.library.path}.</li>
 * </ol>
 *
 * <p>A failure is kept: this and every later call throws an {@link UnsatisfiedLinkError} with
 * the first failure's full message (OS, architecture, every path tried and why it failed, and
 * hints for glibc/musl, noexec temp directories and wrong architectures) and the first error as
 * its cause, never a bare {@code NoClassDefFoundError}.
 */
public final class NativeLoader {
  /** The library's base name ({@code libae4j_jni.so}, {@code libae4j_jni.dylib}, {@code ae4j_jni.dll}). */
  public static final String LIBRARY = "ae4j_jni";
  public static final String PATH_PROPERTY = "ae4j.native.path";
  public static final String DIR_PROPERTY = "ae4j.native.dir";

  private static final Object LOCK = new Object();
  private static volatile boolean loaded;
  private static UnsatisfiedLinkError failure;
  private static String loadedFrom;

  private NativeLoader() {}

  /** Loads the library if it is not loaded yet; throws the first failure on every call. */
  public static void load() {
    if (loaded) {
      return;
    }
    synchronized (LOCK) {
      if (loaded) {
        return;
      }
      if (failure == null) {
        try {
          String from = tryLoad();
          checkVersion(from);
          loadedFrom = from;
          loaded = true;
          return;
        } catch (UnsatisfiedLinkError e) {
          failure = e;
        }
      }
      UnsatisfiedLinkError again = new UnsatisfiedLinkError(failure.getMessage());
      again.initCause(failure);
      throw again;
    }
  }

  /** The version of these Java classes (from {@code /io/ae4j/ae4j.properties}), or null. */
  public static String javaVersion() {
    InputStream in = NativeLoader.class.getResourceAsStream("/io/ae4j/ae4j.properties");
    if (in == null) {
      return null;
    }
    try {
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      return null;
    } finally {
      try {
        in.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  /** A library from another ae4j version (a stale copy on java.library.path, say) is refused. */
  private static void checkVersion(String from) {
    String expected = javaVersion();
    String actual;
    try {
      actual = Native.version();
    } catch (Throwable t) {
      UnsatisfiedLinkError e = new UnsatisfiedLinkError("ae4j: the native library loaded from " + from
          + " is not ae4j's JNI library (version() failed: " + t + ")");
      e.initCause(t);
      throw e;
    }
    if (expected != null && !expected.equals(actual)) {
      throw new UnsatisfiedLinkError("ae4j: the native library loaded from " + from + " has version "
          + actual + " but the ae4j Java classes are version " + expected
          + "; use the library built with this jar (or the one inside it)");
    }
  }

  /** Where the library was loaded from (a path, or {@code java.library.path}); null if not loaded. */
  public static String loadedFrom() {
    synchronized (LOCK) {
      return loadedFrom;
    }
  }

  /** The platform directory name of this JVM, e.g. {@code linux-x86_64}. */
  public static String platform() {
    return platform(System.getProperty("os.name", "unknown"), System.getProperty("os.arch", "unknown"));
  }

  /** The platform directory name for these {@code os.name} and {@code os.arch} values. */
  public static String platform(String osName, String osArch) {
    return os(osName) + "-" + arch(osArch);
  }

  /** The resource path of this platform's bundled library. */
  public static String resourcePath() {
    return resourcePath(System.getProperty("os.name", "unknown"), System.getProperty("os.arch", "unknown"));
  }

  /**
   * The resource path of the bundled library for these {@code os.name} and {@code os.arch}
   * values, e.g. {@code /io/ae4j/native/macos-aarch64/libae4j_jni.dylib}: the layout the build
   * (gradle/rust.gradle) and the multi-platform jar (.github/workflows/native.yml) write.
   */
  public static String resourcePath(String osName, String osArch) {
    return "/io/ae4j/native/" + platform(osName, osArch) + "/" + libraryFile(os(osName));
  }

  /** The library's file name on {@code os} (what System.mapLibraryName gives there). */
  static String libraryFile(String os) {
    if (os.equals("linux")) {
      return "lib" + LIBRARY + ".so";
    }
    if (os.equals("macos")) {
      return "lib" + LIBRARY + ".dylib";
    }
    if (os.equals("windows")) {
      return LIBRARY + ".dll";
    }
    return System.mapLibraryName(LIBRARY);
  }

  static String os() {
    return os(System.getProperty("os.name", "unknown"));
  }

  static String os(String osName) {
    String name = osName.toLowerCase(Locale.ROOT);
    if (name.startsWith("linux")) {
      return "linux";
    }
    if (name.startsWith("mac") || name.startsWith("darwin")) {
      return "macos";
    }
    if (name.startsWith("windows")) {
      return "windows";
    }
    return name.replaceAll("[^a-z0-9]", "");
  }

  static String arch(String osArch) {
    String arch = osArch.toLowerCase(Locale.ROOT);
    if (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x64")) {
      return "x86_64";
    }
    if (arch.equals("aarch64") || arch.equals("arm64")) {
      return "aarch64";
    }
    return arch.replaceAll("[^a-z0-9_]", "");
  }

  private static String tryLoad() {
    List<String> tried = new ArrayList<String>();
    List<Throwable> errors = new ArrayList<Throwable>();

    String override = System.getProperty(PATH_PROPERTY);
    if (override != null && !override.trim().isEmpty()) {
      String path = new File(override.trim()).getAbsolutePath();
      try {
        System.load(path);
        return path;
      } catch (Throwable t) {
        tried.add("-D" + PATH_PROPERTY + "=" + path + ": " + t);
        errors.add(t);
        throw failure(tried, errors); // an explicit choice: no silent fallback
      }
    }

    String resource = resourcePath();
    InputStream in = NativeLoader.class.getResourceAsStream(resource);
    if (in == null) {
      tried.add("jar resource " + resource + ": not in the jar (no bundled library for "
          + platform() + ")");
    } else {
      Path copy = null;
      try {
        copy = extract(in);
        System.load(copy.toString());
        deleteAfterLoad(copy);
        return copy.toString();
      } catch (Throwable t) {
        tried.add("jar resource " + resource + (copy == null ? "" : " extracted to " + copy) + ": " + t);
        errors.add(t);
        if (copy != null) {
          deleteAfterLoad(copy);
        }
      } finally {
        try {
          in.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    }

    try {
      System.loadLibrary(LIBRARY);
      return "java.library.path";
    } catch (Throwable t) {
      tried.add("System.loadLibrary(\"" + LIBRARY + "\") on java.library.path="
          + System.getProperty("java.library.path") + ": " + t);
      errors.add(t);
    }
    throw failure(tried, errors);
  }

  private static Path extract(InputStream in) throws IOException {
    String dirProperty = System.getProperty(DIR_PROPERTY);
    Path base = dirProperty != null && !dirProperty.trim().isEmpty()
        ? Paths.get(dirProperty.trim())
        : Paths.get(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(base);
    Path dir = Files.createTempDirectory(base, "ae4j-native-");
    Path file = dir.resolve(System.mapLibraryName(LIBRARY));
    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  /** Unix keeps a loaded library mapped after unlink; Windows cannot delete it until exit. */
  private static void deleteAfterLoad(Path copy) {
    try {
      Files.deleteIfExists(copy);
      Files.deleteIfExists(copy.getParent());
    } catch (IOException e) {
      copy.toFile().deleteOnExit();
      copy.getParent().toFile().deleteOnExit();
    }
  }

  private static UnsatisfiedLinkError failure(List<String> tried, List<Throwable> errors) {
    StringBuilder sb = new StringBuilder();
    sb.append("ae4j: cannot load the native library '").append(LIBRARY).append("' for os.name=")
        .append(System.getProperty("os.name")).append(", os.arch=").append(System.getProperty("os.arch"))
        .append(" (platform ").append(platform()).append(", JVM ")
        .append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.version")).append(").");
    for (int i = 0; i < tried.size(); i++) {
      sb.append("\n  tried ").append(i + 1).append(": ").append(tried.get(i));
    }
    String all = tried.toString();
    if (all.contains("GLIBC") || all.contains("GLIBCXX") || all.contains("libc.so")) {
      sb.append("\n  hint: the bundled library was built against a newer glibc than this system"
          + " has (the missing GLIBC_x.y version is named above). Build it on this system with"
          + " 'cargo build --release -p ae4j-jni' and pass -D" + PATH_PROPERTY + "=<path to the .so>.");
    }
    if (isMusl() || all.contains("musl") || all.contains("Error relocating")
        || all.contains("ld-linux")) {
      sb.append("\n  hint: the bundled Linux library needs glibc; musl-based systems (Alpine) cannot"
          + " load it. Use a glibc-based image, or build the library on this system and pass -D"
          + PATH_PROPERTY + "=<path>.");
    }
    if (all.contains("failed to map segment") || all.contains("Operation not permitted")) {
      sb.append("\n  hint: the extraction directory may be mounted noexec; choose another with -D"
          + DIR_PROPERTY + "=<writable, executable directory>.");
    }
    if (all.contains("wrong ELF class") || all.contains("incompatible architecture")
        || all.contains("mach-o") || all.contains("Possible cause") || all.contains("machine type")) {
      sb.append("\n  hint: the library's architecture differs from this JVM's (os.arch=")
          .append(System.getProperty("os.arch")).append("); an x86_64 JDK on Apple Silicon or an"
          + " ARM JDK with an x86_64 library cannot load it.");
    }
    UnsatisfiedLinkError e = new UnsatisfiedLinkError(sb.toString());
    if (!errors.isEmpty()) {
      e.initCause(errors.get(0));
      for (int i = 1; i < errors.size(); i++) {
        e.addSuppressed(errors.get(i));
      }
    }
    return e;
  }

  private static boolean isMusl() {
    if (!"linux".equals(os())) {
      return false;
    }
    File[] lib = new File("/lib").listFiles();
    if (lib != null) {
      for (File f : lib) {
        if (f.getName().startsWith("ld-musl")) {
          return true;
        }
      }
    }
    return false;
  }
}
