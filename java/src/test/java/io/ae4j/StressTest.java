package io.ae4j;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.ae4j.exception.PredictException;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Reliability of the JVM boundary under load (RELIABILITY.md): many threads on one model give the
 * one-thread numbers; closing under load never crashes; a closed model refuses every call; a
 * long run of calls keeps the process's resident memory flat; every kind of RowData value gives a
 * prediction or a PredictException. Sizes scale with AE4J_STRESS_ROWS and AE4J_STRESS_CALLS (the
 * longer runs of RELIABILITY.md); the defaults fit CI.
 */
public class StressTest {
  private static byte[] synthBytes;
  private static File synthFile;

  @BeforeClass
  public static void fixtures() throws IOException {
    synthFile = new File(Fixtures.dir(), "models/synth_tanh.zip");
    synthBytes = Files.readAllBytes(synthFile.toPath());
  }

  private static long env(String name, long dflt) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? dflt : Long.parseLong(v.trim());
  }

  /** A random row: known levels or missing for categoricals, numbers of every Java type. */
  private static RowData randomRow(AutoEncoderModel m, Random r) {
    RowData row = new RowData();
    String[] names = m.getNames();
    for (int i = 0; i < names.length; i++) {
      String[] domain = m.getDomainValues(i);
      int pick = r.nextInt(10);
      if (pick == 0) {
        continue; // absent
      }
      if (domain != null) {
        row.put(names[i], pick == 1 ? null : domain[r.nextInt(domain.length)]);
        continue;
      }
      double x = r.nextGaussian() * Math.pow(10, r.nextInt(7) - 2);
      switch (pick) {
        case 1: row.put(names[i], null); break;
        case 2: row.put(names[i], Double.NaN); break;
        case 3: row.put(names[i], Double.toString(x)); break;
        case 4: row.put(names[i], (int) x); break;
        case 5: row.put(names[i], (float) x); break;
        default: row.put(names[i], x);
      }
    }
    return row;
  }

  /** A digest of every number of a prediction, bit for bit. */
  private static long digest(AutoEncoderModelPrediction p) {
    long h = Double.doubleToRawLongBits(p.mse);
    for (double[] a : new double[][] {p.reconstructed, p.squaredErrors, p.original}) {
      for (double v : a) {
        h = h * 0x100000001b3L ^ Double.doubleToRawLongBits(v);
      }
    }
    return h;
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  public void eightThreadsOnManyRowsMatchOneThreadBitForBit() throws Exception {
    final int n = (int) env("AE4J_STRESS_ROWS", 100_000);
    try (final AutoEncoderModel m = AutoEncoderModel.load(synthBytes, "stress")) {
      final EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
      Random r = new Random(7);
      final List<RowData> rows = new ArrayList<RowData>(n);
      final long[] reference = new long[n];
      for (int i = 0; i < n; i++) {
        RowData row = randomRow(m, r);
        rows.add(row);
        reference[i] = digest(w.predictAutoEncoder(row));
      }
      final AtomicReference<Throwable> failure = new AtomicReference<Throwable>();
      final AtomicLong checked = new AtomicLong();
      List<Thread> ts = new ArrayList<Thread>();
      for (int t = 0; t < 8; t++) {
        final int id = t;
        Thread th = new Thread(new Runnable() {
          @Override
          public void run() {
            try {
              // Each thread walks the rows from its own offset, some through the batch API.
              int start = id * (n / 8);
              List<RowData> batch = new ArrayList<RowData>();
              List<Integer> batchIndex = new ArrayList<Integer>();
              for (int k = 0; k < n && failure.get() == null; k++) {
                int i = (start + k) % n;
                if (id % 2 == 1 && k % 3 == 0) {
                  batch.add(rows.get(i));
                  batchIndex.add(i);
                  if (batch.size() == 64 || k >= n - 3) {
                    AutoEncoderModelPrediction[] ps = w.predictAutoEncoderBatch(batch);
                    for (int b = 0; b < ps.length; b++) {
                      if (digest(ps[b]) != reference[batchIndex.get(b)]) {
                        throw new AssertionError("thread " + id + " batch row " + batchIndex.get(b) + " differs");
                      }
                    }
                    checked.addAndGet(ps.length);
                    batch.clear();
                    batchIndex.clear();
                  }
                  continue;
                }
                if (digest(w.predictAutoEncoder(rows.get(i))) != reference[i]) {
                  throw new AssertionError("thread " + id + " row " + i + " differs");
                }
                checked.incrementAndGet();
              }
            } catch (Throwable e) {
              failure.compareAndSet(null, e);
            }
          }
        });
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) {
        th.join();
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      assertTrue("checked " + checked.get(), checked.get() >= 7L * n);
    }
  }

  /**
   * Extends LifetimeAndBoundaryTest's race (single-row calls against close): here the batch API,
   * metadata, expandOriginal and close itself from two threads race eight scoring threads.
   */
  @Test
  public void closeRacingBatchesMetadataAndASecondCloseNeverCrashes() throws Exception {
    final int threads = 8;
    long deadline = System.nanoTime() + 15_000_000_000L;
    final Random random = new Random(11);
    int rounds = 0;
    final List<RowData> rows = new ArrayList<RowData>();
    try (AutoEncoderModel m = AutoEncoderModel.load(synthBytes, "rows")) {
      for (int i = 0; i < 200; i++) {
        rows.add(randomRow(m, random));
      }
    }
    for (; rounds < 300 && System.nanoTime() < deadline; rounds++) {
      final AutoEncoderModel m = AutoEncoderModel.load(synthBytes, "race");
      final EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
      final CountDownLatch started = new CountDownLatch(threads);
      final AtomicReference<Throwable> failure = new AtomicReference<Throwable>();
      List<Thread> ts = new ArrayList<Thread>();
      for (int t = 0; t < threads; t++) {
        final int id = t;
        Thread th = new Thread(new Runnable() {
          @Override
          public void run() {
            started.countDown();
            double[] raw = new double[8];
            double[] flat = new double[8 * 16];
            double[] rec = new double[22 * 16];
            double[] se = new double[22 * 16];
            double[] mse = new double[16];
            try {
              for (int i = 0; ; i++) {
                switch ((i + id) % 4) {
                  case 0: w.predictAutoEncoderBatch(rows.subList(i % 100, i % 100 + 50)); break;
                  case 1: Arrays.fill(flat, Double.NaN); m.scoreBatch(flat, rec, se, mse); break;
                  case 2: m.getNames(); m.getDomainValues(0); m.getSlotNames(); break;
                  default: Arrays.fill(raw, 1.0); assertEquals(22, m.expandOriginal(raw).length);
                }
              }
            } catch (IllegalStateException closed) {
              // the expected end
            } catch (Throwable other) {
              failure.compareAndSet(null, other);
            }
          }
        });
        ts.add(th);
        th.start();
      }
      started.await();
      if (random.nextBoolean()) {
        Thread.sleep(0, random.nextInt(800_000));
      }
      Thread closer = new Thread(new Runnable() {
        @Override
        public void run() {
          m.close();
        }
      });
      closer.start();
      m.close();
      closer.join();
      for (Thread th : ts) {
        th.join(10_000);
        assertTrue("scoring thread did not stop after close", !th.isAlive());
      }
      if (failure.get() != null) {
        throw new AssertionError("round " + rounds, failure.get());
      }
    }
    assertTrue("only " + rounds + " rounds", rounds >= 30);
  }

  // ------------------------------------------------------------------ after close

  /** Every public instance method of a closed model throws IllegalStateException. */
  @Test
  public void everyCallOnAClosedModelIsAnIllegalState() throws Exception {
    // Methods that only read Java-side state or manage the lifetime work after close.
    Set<String> allowed = new HashSet<String>(Arrays.asList(
        "close", "isClosed", "toString", "equals", "hashCode", "getClass", "notify", "notifyAll",
        "wait", "getSource", "getFormat"));
    AutoEncoderModel m = AutoEncoderModel.load(synthBytes, "closed");
    m.close();
    List<String> tried = new ArrayList<String>();
    List<String> wrong = new ArrayList<String>();
    for (Method method : AutoEncoderModel.class.getMethods()) {
      if (Modifier.isStatic(method.getModifiers()) || allowed.contains(method.getName())) {
        continue;
      }
      Class<?>[] types = method.getParameterTypes();
      Object[] args = new Object[types.length];
      for (int i = 0; i < types.length; i++) {
        if (types[i] == int.class) {
          args[i] = 0;
        } else if (types[i] == double[].class) {
          // Well-formed arguments, so that only the closed state can be refused.
          boolean batch = method.getName().equals("scoreBatch");
          int width = i == 0 ? 8 : 22;
          args[i] = new double[batch ? (i == 3 ? 2 : width * 2) : width];
        } else if (types[i] == String.class) {
          args[i] = "age";
        } else if (types[i] == boolean.class) {
          args[i] = false;
        } else if (types[i] == double.class) {
          args[i] = 0.0;
        } else if (types[i].isPrimitive()) {
          fail("a new primitive parameter type: " + method);
        }
      }
      tried.add(method.getName());
      try {
        method.invoke(m, args);
        wrong.add(method + " returned");
      } catch (InvocationTargetException e) {
        if (!(e.getCause() instanceof IllegalStateException)) {
          wrong.add(method + " threw " + e.getCause());
        }
      }
    }
    assertTrue("too few methods tried: " + tried, tried.size() >= 20);
    assertTrue(wrong.toString(), wrong.isEmpty());
    EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
    try {
      w.predictAutoEncoder(new RowData());
      fail("predicted after close");
    } catch (IllegalStateException expected) {
      // ok
    }
  }

  // ------------------------------------------------------------------ memory

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(new File("/proc/self/status").toPath())) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError("no VmRSS in /proc/self/status");
  }

  /**
   * A long loop of every kind of call (primitive and batch scoring, RowData predictions,
   * prediction errors, metadata, whole load/close cycles) keeps the resident set flat once warm.
   * Measured in a child JVM with a fixed, pre-touched heap (so Java heap growth cannot hide or
   * fake a native leak), under -Xcheck:jni like every JVM of the build.
   */
  @Test
  public void aLongLoopOfCallsKeepsResidentMemoryFlat() throws Exception {
    org.junit.Assume.assumeTrue("needs /proc/self/status", new File("/proc/self/status").canRead());
    long calls = env("AE4J_STRESS_CALLS", 2_000_000);
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb = new ProcessBuilder(java, "-Xcheck:jni", "-Xms96m", "-Xmx96m",
        "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-Dae4j.fixtures=" + Fixtures.dir().getAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), RssLoop.class.getName(), Long.toString(calls));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(readAll(p.getInputStream()), "UTF-8");
    int code = p.waitFor();
    System.out.print(out);
    assertEquals("child JVM failed:\n" + out, 0, code);
    for (String line : out.split("\n")) {
      assertTrue("JVM warning: " + line, !line.contains("WARNING"));
    }
    String result = null;
    for (String line : out.split("\n")) {
      if (line.startsWith("RssLoop:")) {
        result = line;
      }
    }
    assertNotNull(out, result);
    String[] f = result.split(" ");
    long before = Long.parseLong(f[3]);
    long after = Long.parseLong(f[6]);
    assertTrue("VmRSS grew by " + (after - before) + " kB over " + calls + " calls: " + result,
        after - before < 5 * 1024);
  }

  private static byte[] readAll(java.io.InputStream in) throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    for (int n; (n = in.read(chunk)) > 0; ) {
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }

  /** The child JVM of {@link #aLongLoopOfCallsKeepsResidentMemoryFlat}: prints its VmRSS. */
  public static final class RssLoop {
    public static void main(String[] args) throws Exception {
      long calls = Long.parseLong(args[0]);
      byte[] bytes = Files.readAllBytes(new File(Fixtures.dir(), "models/synth_tanh.zip").toPath());
      try (AutoEncoderModel m = AutoEncoderModel.load(bytes, "rss")) {
        EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
        Random r = new Random(3);
        RowData[] rows = new RowData[256];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = randomRow(m, r);
        }
        RowData bad = new RowData();
        bad.put("country", "Atlantis");
        List<RowData> batch = Arrays.asList(rows).subList(0, 32);
        double[] raw = new double[8];
        double[] rec = new double[22];
        double[] se = new double[22];
        double[] flat = new double[8 * 32];
        double[] brec = new double[22 * 32];
        double[] bse = new double[22 * 32];
        double[] bmse = new double[32];
        long warm = Math.max(calls / 4, 200_000);
        long before = 0;
        double sink = 0;
        for (long i = 0; i < warm + calls; i++) {
          if (i == warm) {
            System.gc();
            Thread.sleep(200);
            before = rssKb();
          }
          int k = (int) (i & 255);
          switch ((int) (i % 16)) {
            case 0: sink += w.predictAutoEncoder(rows[k]).mse; break;
            case 1: sink += w.predictAutoEncoderBatch(batch).length; break;
            case 2: m.scoreBatch(flat, brec, bse, bmse); break;
            case 3:
              try {
                w.predictAutoEncoder(bad);
                throw new AssertionError("unknown level accepted");
              } catch (PredictException expected) {
                sink += 1;
              }
              break;
            case 4: sink += m.getNames().length + m.getDomainValues(1).length; break;
            case 5:
              if (i % 4096 == 5) {
                AutoEncoderModel other = AutoEncoderModel.load(bytes, "cycle");
                sink += other.score(raw, rec, se);
                other.close();
              }
              break;
            default:
              raw[k & 7] = k;
              sink += m.score(raw, rec, se);
          }
        }
        System.gc();
        Thread.sleep(200);
        long after = rssKb();
        System.out.println("RssLoop: " + calls + " calls: " + before + " kB -> " + after + " kB ("
            + (after - before) + " kB) checksum " + sink);
      }
    }
  }

  // ------------------------------------------------------------------ RowData values

  /** Every kind of value in every kind of column: a prediction, or a PredictException. */
  @Test
  public void everyRowDataValueGivesAPredictionOrAPredictException() throws Exception {
    StringBuilder huge = new StringBuilder(10 << 20);
    while (huge.length() < 10 << 20) {
      huge.append("0123456789");
    }
    Map<String, Object> nested = new HashMap<String, Object>();
    nested.put("age", 41.0);
    List<Object> values = new ArrayList<Object>(Arrays.<Object>asList(
        null, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, -1e308,
        Double.MIN_VALUE, -0.0, Float.NaN, Float.MAX_VALUE, "", " ", "NaN", "Infinity", "-Infinity",
        "1e308", "1e309", "0x1p3", "1,5", "\u0000", "\uD800", "US", " US", "country.US",
        huge.toString(), "1" + huge, nested, new double[] {1, 2}, new Object[] {"US"},
        new ArrayList<Object>(), 'U', '4', new BigDecimal("1e400"), new BigDecimal("41.5"),
        new BigInteger("123456789012345678901234567890"), Boolean.TRUE, Boolean.FALSE,
        (byte) 4, (short) 4, 4, 4L, 4.0f, new AtomicInteger(4), new Object()));
    int predictions = 0;
    int exceptions = 0;
    try (AutoEncoderModel m = AutoEncoderModel.load(synthBytes, "values")) {
      for (boolean lenient : new boolean[] {false, true}) {
        EasyPredictModelWrapper w = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
            .setModel(m).setConvertInvalidNumbersToNa(lenient).setConvertUnknownCategoricalLevelsToNa(lenient));
        for (String column : m.getNames()) {
          for (Object v : values) {
            RowData row = new RowData();
            row.put(column, v);
            row.put("unrelated", v);
            try {
              AutoEncoderModelPrediction p = w.predictAutoEncoder(row);
              assertNotNull(p.reconstructed);
              assertEquals(22, p.reconstructed.length);
              predictions++;
            } catch (PredictException e) {
              assertNotNull(e.getMessage());
              exceptions++;
            } catch (Throwable other) {
              throw new AssertionError("column " + column + ", value of "
                  + (v == null ? "null" : v.getClass().getName()) + ": " + other, other);
            }
          }
          // The same values as one batch: predictions, or a PredictException naming a row.
          List<RowData> rows = new ArrayList<RowData>();
          for (Object v : values) {
            RowData row = new RowData();
            row.put(column, v);
            rows.add(row);
          }
          try {
            w.predictAutoEncoderBatch(rows);
          } catch (PredictException e) {
            assertNotNull(e.getMessage());
          }
        }
        // A row whose keys are not Strings (a raw Map put): ignored like unknown names.
        RowData raw = new RowData();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<Object, Object> untyped = (Map) raw;
        untyped.put(42, "US");
        untyped.put(null, 1.0);
        try {
          w.predictAutoEncoder(raw);
          predictions++;
        } catch (PredictException e) {
          exceptions++;
        }
      }
    }
    System.out.println("StressTest: RowData values: " + predictions + " predictions, " + exceptions
        + " PredictExceptions");
    assertTrue(predictions > 100 && exceptions > 100);
  }
}
