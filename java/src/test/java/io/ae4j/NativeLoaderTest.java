package io.ae4j;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.ae4j.internal.NativeLoader;

import java.io.File;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.Test;

/**
 * The loader, each time in a fresh class loader (the loader's state is per class loader, as in
 * Spark executors and app servers, where several class loaders may each load ae4j).
 */
public class NativeLoaderTest {
  @After
  public void clearProperties() {
    System.clearProperty(NativeLoader.PATH_PROPERTY);
    System.clearProperty(NativeLoader.DIR_PROPERTY);
  }

  private static URLClassLoader isolated() throws Exception {
    List<URL> urls = new ArrayList<URL>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(new File(entry).toURI().toURL());
    }
    return new URLClassLoader(urls.toArray(new URL[0]), null);
  }

  /** AutoEncoderModel.load(bytes) through the given class loader; returns the thrown error or null. */
  private static Throwable loadModel(ClassLoader cl) throws Exception {
    byte[] bytes = Files.readAllBytes(new File(Fixtures.dir(), "models/synth_tanh.zip").toPath());
    Class<?> model = Class.forName("io.ae4j.AutoEncoderModel", true, cl);
    Method load = model.getMethod("load", byte[].class);
    try {
      Object m = load.invoke(null, (Object) bytes);
      model.getMethod("close").invoke(m);
      return null;
    } catch (InvocationTargetException e) {
      return e.getCause();
    }
  }

  @Test
  public void aSecondClassLoaderLoadsItsOwnCopyOfTheLibrary() throws Exception {
    NativeLoader.load(); // this class loader's copy
    URLClassLoader cl = isolated();
    try {
      Throwable t = loadModel(cl);
      if (t != null) {
        throw new AssertionError("second class loader", t);
      }
    } finally {
      cl.close();
    }
  }

  @Test
  public void aBadOverrideFailsWithEverythingTriedAndKeepsFailingTheSameWay() throws Exception {
    File missing = new File(System.getProperty("java.io.tmpdir"), "ae4j-no-such-dir/libae4j_jni.so");
    System.setProperty(NativeLoader.PATH_PROPERTY, missing.getPath());
    URLClassLoader cl = isolated();
    try {
      Throwable first = loadModel(cl);
      assertTrue(String.valueOf(first), first instanceof UnsatisfiedLinkError);
      String msg = first.getMessage();
      assertTrue(msg, msg.contains("os.arch=" + System.getProperty("os.arch")));
      assertTrue(msg, msg.contains("os.name=" + System.getProperty("os.name")));
      assertTrue(msg, msg.contains(missing.getPath()));
      assertTrue(msg, msg.contains(NativeLoader.PATH_PROPERTY));
      System.clearProperty(NativeLoader.PATH_PROPERTY); // even now, the first failure stays
      for (int i = 0; i < 3; i++) {
        Throwable again = loadModel(cl);
        assertTrue(String.valueOf(again), again instanceof UnsatisfiedLinkError);
        assertEquals(msg, again.getMessage());
        assertTrue(again.getCause() instanceof UnsatisfiedLinkError);
      }
    } finally {
      cl.close();
    }
  }

  @Test
  public void theOverrideAndTheExtractionDirectoryAreUsed() throws Exception {
    Path dir = Files.createTempDirectory("ae4j-loader-test");
    Path lib = dir.resolve("copy-" + System.mapLibraryName("ae4j_jni"));
    InputStream in = NativeLoaderTest.class.getResourceAsStream(NativeLoader.resourcePath());
    try {
      Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      in.close();
    }
    System.setProperty(NativeLoader.PATH_PROPERTY, lib.toString());
    URLClassLoader cl = isolated();
    try {
      assertEquals(null, loadModel(cl));
      Class<?> loader = Class.forName("io.ae4j.internal.NativeLoader", true, cl);
      assertEquals(lib.toAbsolutePath().toString(), loader.getMethod("loadedFrom").invoke(null));
    } finally {
      cl.close();
    }
    System.clearProperty(NativeLoader.PATH_PROPERTY);

    Path extractTo = dir.resolve("extract");
    System.setProperty(NativeLoader.DIR_PROPERTY, extractTo.toString());
    cl = isolated();
    try {
      assertEquals(null, loadModel(cl));
      Class<?> loader = Class.forName("io.ae4j.internal.NativeLoader", true, cl);
      String from = (String) loader.getMethod("loadedFrom").invoke(null);
      assertTrue(from, from.startsWith(extractTo.toString()));
      // the copy is deleted once loaded (Linux, macOS): nothing is left behind
      if (!System.getProperty("os.name").toLowerCase().startsWith("windows")) {
        assertTrue(!new File(from).exists());
      }
    } finally {
      cl.close();
    }
  }

  /**
   * Each platform the multi-platform jar carries (.github/workflows/native.yml), from the
   * os.name/os.arch values its JVMs report, resolves to the resource the build writes there.
   */
  @Test
  public void everyPlatformResolvesToItsResourcePath() {
    String[][] cases = {
      {"Linux", "amd64", "/io/ae4j/native/linux-x86_64/libae4j_jni.so"},
      {"Linux", "x86_64", "/io/ae4j/native/linux-x86_64/libae4j_jni.so"},
      {"Linux", "aarch64", "/io/ae4j/native/linux-aarch64/libae4j_jni.so"},
      {"Mac OS X", "x86_64", "/io/ae4j/native/macos-x86_64/libae4j_jni.dylib"},
      {"Mac OS X", "aarch64", "/io/ae4j/native/macos-aarch64/libae4j_jni.dylib"},
      {"Darwin", "arm64", "/io/ae4j/native/macos-aarch64/libae4j_jni.dylib"},
      {"Windows Server 2022", "amd64", "/io/ae4j/native/windows-x86_64/ae4j_jni.dll"},
      {"Windows 11", "x64", "/io/ae4j/native/windows-x86_64/ae4j_jni.dll"},
    };
    for (String[] c : cases) {
      assertEquals(c[0] + "/" + c[1], c[2], NativeLoader.resourcePath(c[0], c[1]));
    }
    // an unknown platform gets a sanitized name, never a path outside io/ae4j/native/
    assertEquals("freebsd-riscv64", NativeLoader.platform("FreeBSD", "riscv64"));
    assertEquals("sunos-sparcv9", NativeLoader.platform("SunOS", "sparcv9"));
    // this JVM's path is the one the build put its library at
    assertEquals(NativeLoader.resourcePath(), NativeLoader.resourcePath(
        System.getProperty("os.name"), System.getProperty("os.arch")));
    assertTrue(NativeLoader.resourcePath(), NativeLoaderTest.class.getResource(NativeLoader.resourcePath()) != null);
  }

  @Test
  public void platformNames() {
    String p = NativeLoader.platform();
    assertTrue(p, p.matches("[a-z0-9]+-[a-z0-9_]+"));
    if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
      assertEquals("linux-x86_64", p);
      assertEquals("/io/ae4j/native/linux-x86_64/libae4j_jni.so", NativeLoader.resourcePath());
    }
    try {
      NativeLoader.load();
    } catch (UnsatisfiedLinkError e) {
      fail(e.getMessage());
    }
  }
}
