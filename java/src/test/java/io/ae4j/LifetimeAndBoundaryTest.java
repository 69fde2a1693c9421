package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.ae4j.exception.PredictBatchException;
import io.ae4j.exception.PredictException;
import io.ae4j.exception.PredictUnknownCategoricalLevelException;
import io.ae4j.exception.PredictUnknownTypeException;
import io.ae4j.internal.Native;
import io.ae4j.internal.NativeHandle;
import io.ae4j.internal.NativeLoader;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.BeforeClass;
import org.junit.Test;

/** The boundary itself: lifetime, concurrency, panics, bad arguments, loading errors. */
public class LifetimeAndBoundaryTest {
  private static File synthTanh;
  private static byte[] synthTanhBytes;
  private static List<RowData> synthRows;
  private static File digits;
  private static List<RowData> digitsRows;

  @BeforeClass
  public static void fixtures() throws IOException {
    File dir = Fixtures.dir();
    synthTanh = new File(dir, "models/synth_tanh.zip");
    digits = new File(dir, "models/digits_wide_tanh.zip");
    synthTanhBytes = Files.readAllBytes(synthTanh.toPath());
    synthRows = normalRows(new File(dir, "cases/synth_tanh.json"));
    digitsRows = normalRows(new File(dir, "cases/digits_wide_tanh.json"));
    assertTrue(synthRows.size() >= 10);
    assertTrue(digitsRows.size() >= 10);
  }

  static List<RowData> normalRows(File caseFile) throws IOException {
    JsonObject c = Fixtures.read(caseFile);
    List<RowData> rows = new ArrayList<RowData>();
    for (JsonElement e : c.getAsJsonArray("rows")) {
      JsonObject r = e.getAsJsonObject();
      if (r.get("kind").getAsString().equals("normal")) {
        rows.add(Fixtures.rowData(r.getAsJsonObject("input")));
      }
    }
    return rows;
  }

  private static RowData row(Object... kv) {
    RowData r = new RowData();
    for (int i = 0; i < kv.length; i += 2) {
      r.put((String) kv[i], kv[i + 1]);
    }
    return r;
  }

  // ------------------------------------------------------------------------ loading

  @Test
  public void convertCellIsTheRowDataConversion() throws Exception {
    try (AutoEncoderModel m = AutoEncoderModel.load(synthTanh.getPath())) {
      int channel = m.getColIdx("channel");
      int age = m.getColIdx("age");
      assertEquals(2.0, m.convertCell(channel, "web", false, false), 0.0);
      assertEquals(41.5, m.convertCell(age, " 41.5 ", false, false), 0.0);
      assertEquals(7.0, m.convertCell(age, 7, false, false), 0.0);
      assertTrue(Double.isNaN(m.convertCell(channel, "fax", true, false)));
      assertTrue(Double.isNaN(m.convertCell(age, null, false, false)));
      try {
        m.convertCell(channel, "fax", false, false);
        fail("an unknown level must throw");
      } catch (PredictUnknownCategoricalLevelException e) {
        assertEquals("Unknown categorical level (channel,fax)", e.getMessage());
      }
      try {
        m.convertCell(m.nfeatures(), "1", false, false);
        fail("a column out of range must throw");
      } catch (IllegalArgumentException e) {
        assertTrue(e.getMessage(), e.getMessage().contains("not an input column"));
      }
    }
  }

  @Test
  public void loadsFromEveryKindOfSource() throws Exception {
    double expected;
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      expected = new EasyPredictModelWrapper(m).predictAutoEncoder(synthRows.get(0)).mse;
      assertEquals("Tanh", m.getActivation());
      assertEquals("3.46.0.7", m.getH2OVersion());
      assertEquals(8, m.nfeatures());
      assertEquals(8, m.getNumCols());
      assertEquals(22, m.getNumSlots());
      assertEquals(3, m.getNumCategoricals());
      assertArrayEquals(new int[] {22, 6, 3, 6, 22}, m.getLayerSizes());
      assertEquals("reconstr_country.BR", m.getOutputNames()[0]);
      assertEquals("reconstr_ratio", m.getOutputNames()[21]);
      assertArrayEquals(new String[] {"phone", "store", "web"}, m.getDomainValues("channel"));
      assertNull(m.getDomainValues("age"));
      assertNull(m.getDomainValues("no such column"));
      assertEquals(-1, m.getColIdx("AGE"));
    }
    List<AutoEncoderModel> models = new ArrayList<AutoEncoderModel>();
    models.add(AutoEncoderModel.load(synthTanh.getPath()));
    models.add(AutoEncoderModel.load(synthTanh.toPath()));
    models.add(AutoEncoderModel.load(synthTanhBytes));
    models.add(AutoEncoderModel.load(new ByteArrayInputStream(synthTanhBytes)));
    for (AutoEncoderModel m : models) {
      try {
        double mse = new EasyPredictModelWrapper(m).predictAutoEncoder(synthRows.get(0)).mse;
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(mse));
      } finally {
        m.close();
      }
    }
  }

  @Test
  public void garbageBytesGiveIOExceptionWithTheCoreMessage() {
    try {
      AutoEncoderModel.load("this is not a zip".getBytes(), "garbage.zip");
      fail("loaded garbage");
    } catch (IOException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("garbage.zip"));
      assertTrue(e.getMessage(), e.getMessage().contains("not a readable MOJO zip archive"));
    }
  }

  @Test
  public void truncatedZipGivesIOException() {
    byte[] half = Arrays.copyOf(synthTanhBytes, synthTanhBytes.length / 2);
    try {
      AutoEncoderModel.load(half, "half.zip");
      fail("loaded a truncated zip");
    } catch (IOException e) {
      assertTrue(e.getMessage(), e.getMessage().startsWith("half.zip"));
    }
  }

  @Test
  public void aPojoSourceLoadsAndABrokenOneGivesIOExceptionWithItsLine() throws IOException {
    File source = new File(synthTanh.getParentFile(), "synth_tanh.java");
    try (AutoEncoderModel m = AutoEncoderModel.load(source.getPath())) {
      assertEquals("pojo", m.getFormat());
      assertEquals("Tanh", m.getActivation());
    }
    byte[] src = java.nio.file.Files.readAllBytes(source.toPath());
    try {
      AutoEncoderModel.load(Arrays.copyOf(src, src.length / 2), "half.java");
      fail("loaded a truncated POJO source");
    } catch (IOException e) {
      assertTrue(e.getMessage(), e.getMessage().startsWith("half.java: line "));
    }
  }

  @Test
  public void missingFileGivesIOException() {
    try {
      MojoModel.load(new File(synthTanh.getParentFile(), "no-such-model.zip").getPath());
      fail("loaded a missing file");
    } catch (IOException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("no-such-model.zip"));
    }
  }

  @Test
  public void libraryComesFromTheJarResourcePath() {
    NativeLoader.load();
    assertEquals(NativeLoader.loadedFrom(), "0.1.0", Native.version());
    assertTrue(NativeLoader.loadedFrom(), NativeLoader.loadedFrom().endsWith(System.mapLibraryName("ae4j_jni")));
    assertNotNull(LifetimeAndBoundaryTest.class.getResource(NativeLoader.resourcePath()));
  }

  // ---------------------------------------------------------------------- lifetime

  @Test
  public void useAfterCloseThrowsIllegalStateAndCloseIsIdempotent() throws Exception {
    MojoModel m = MojoModel.load(synthTanh.getPath());
    EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
    w.predictAutoEncoder(synthRows.get(0));
    long freedBefore = NativeHandle.freedCount();
    m.close();
    assertTrue(m.isClosed());
    assertEquals(freedBefore + 1, NativeHandle.freedCount());
    m.close();
    m.close();
    assertEquals(freedBefore + 1, NativeHandle.freedCount());
    try {
      w.predictAutoEncoder(synthRows.get(0));
      fail("scored after close");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().contains("closed"));
    }
    try {
      m.score(new double[8], new double[22], new double[22]);
      fail("scored after close");
    } catch (IllegalStateException expected) {
      // ok
    }
    try {
      m.getNames();
      fail("metadata after close");
    } catch (IllegalStateException expected) {
      // ok
    }
    try {
      w.predictAutoEncoderBatch(synthRows);
      fail("batch after close");
    } catch (IllegalStateException expected) {
      // ok
    }
  }

  @Test
  public void closeRacingEightScoringThreadsNeverCrashes() throws Exception {
    final int threads = 8;
    long deadline = System.nanoTime() + 20_000_000_000L;
    Random random = new Random(42);
    int rounds = 0;
    long freedBefore = NativeHandle.freedCount();
    for (; rounds < 400 && System.nanoTime() < deadline; rounds++) {
      final AutoEncoderModel m = AutoEncoderModel.load(synthTanhBytes, "race");
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
            double[] rec = new double[22];
            double[] se = new double[22];
            try {
              for (int i = 0; ; i++) {
                if ((i + id) % 2 == 0) {
                  w.predictAutoEncoder(synthRows.get(i % synthRows.size()));
                } else {
                  Arrays.fill(raw, Double.NaN);
                  m.score(raw, rec, se);
                }
              }
            } catch (IllegalStateException closed) {
              // the expected end: the model was closed
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
        Thread.sleep(0, random.nextInt(500_000));
      }
      m.close();
      for (Thread th : ts) {
        th.join(10_000);
        assertTrue("scoring thread did not stop after close", !th.isAlive());
      }
      if (failure.get() != null) {
        throw new AssertionError("round " + rounds, failure.get());
      }
    }
    assertTrue("only " + rounds + " rounds", rounds >= 50);
    assertEquals("every raced model freed exactly once", freedBefore + rounds, NativeHandle.freedCount());
  }

  @Test
  public void eightThreadsGiveTheOneThreadResultsBitForBit() throws Exception {
    for (File f : new File[] {synthTanh, digits}) {
      final List<RowData> rows = f == synthTanh ? synthRows : digitsRows;
      try (final MojoModel m = MojoModel.load(f.getPath())) {
        final EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
        final List<AutoEncoderModelPrediction> reference = new ArrayList<AutoEncoderModelPrediction>();
        for (RowData r : rows) {
          reference.add(w.predictAutoEncoder(r));
        }
        final AtomicReference<Throwable> failure = new AtomicReference<Throwable>();
        List<Thread> ts = new ArrayList<Thread>();
        for (int t = 0; t < 8; t++) {
          final int id = t;
          Thread th = new Thread(new Runnable() {
            @Override
            public void run() {
              try {
                for (int rep = 0; rep < 25; rep++) {
                  List<Integer> order = new ArrayList<Integer>();
                  for (int i = 0; i < rows.size(); i++) {
                    order.add(i);
                  }
                  Collections.shuffle(order, new Random(id * 1000 + rep));
                  for (int i : order) {
                    AutoEncoderModelPrediction p = w.predictAutoEncoder(rows.get(i));
                    AutoEncoderModelPrediction q = reference.get(i);
                    if (!Fixtures.bitEqual(p.reconstructed, q.reconstructed)
                        || !Fixtures.bitEqual(p.squaredErrors, q.squaredErrors)
                        || !Fixtures.bitEqual(p.original, q.original)
                        || Double.doubleToRawLongBits(p.mse) != Double.doubleToRawLongBits(q.mse)) {
                      throw new AssertionError("thread " + id + " row " + i + " differs");
                    }
                  }
                  AutoEncoderModelPrediction[] batch = w.predictAutoEncoderBatch(rows);
                  for (int i = 0; i < rows.size(); i++) {
                    if (!Fixtures.bitEqual(batch[i].reconstructed, reference.get(i).reconstructed)
                        || Double.doubleToRawLongBits(batch[i].mse) != Double.doubleToRawLongBits(reference.get(i).mse)) {
                      throw new AssertionError("thread " + id + " batch row " + i + " differs");
                    }
                  }
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
          throw new AssertionError(f.getName(), failure.get());
        }
      }
    }
  }

  @Test
  public void aForgottenModelIsFreedByTheCleaner() throws Exception {
    long before = NativeHandle.freedByCleanerCount();
    for (int i = 0; i < 5; i++) {
      loadAndForget();
    }
    long deadline = System.currentTimeMillis() + 20_000;
    while (NativeHandle.freedByCleanerCount() == before && System.currentTimeMillis() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertTrue("no forgotten model was freed within 20 s", NativeHandle.freedByCleanerCount() > before);
  }

  private static void loadAndForget() throws Exception {
    AutoEncoderModel m = AutoEncoderModel.load(synthTanhBytes, "forgotten");
    new EasyPredictModelWrapper(m).predictAutoEncoder(synthRows.get(0));
  }

  // ----------------------------------------------------------- panics and bad arguments

  @Test
  public void aNativePanicBecomesAJavaExceptionAndTheJvmLivesOn() throws Exception {
    NativeLoader.load();
    for (int i = 0; i < 3; i++) {
      try {
        Native.selfTestPanic("boom " + i);
        fail("no exception from a native panic");
      } catch (NativeException e) {
        assertTrue(e.getMessage(), e.getMessage().contains("boom " + i));
        assertTrue(e.getMessage(), e.getMessage().contains("panic"));
      }
    }
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      assertTrue(new EasyPredictModelWrapper(m).predictAutoEncoder(synthRows.get(0)).mse > 0);
    }
  }

  @Test
  public void nullAndShortArraysAreIllegalArguments() throws Exception {
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      double[] raw = new double[8];
      double[] out = new double[22];
      expectIllegalArgument(new Call() { public void run() { m.score(null, out, out); } });
      expectIllegalArgument(new Call() { public void run() { m.score(raw, null, out); } });
      expectIllegalArgument(new Call() { public void run() { m.score(raw, out, null); } });
      expectIllegalArgument(new Call() { public void run() { m.score(new double[7], out, out); } });
      expectIllegalArgument(new Call() { public void run() { m.score(new double[9], out, out); } });
      expectIllegalArgument(new Call() { public void run() { m.score(raw, new double[21], out); } });
      expectIllegalArgument(new Call() { public void run() { m.scoreBatch(null, out, out, new double[1]); } });
      expectIllegalArgument(new Call() { public void run() { m.scoreBatch(new double[12], new double[44], new double[44], new double[2]); } });
      expectIllegalArgument(new Call() { public void run() { m.scoreBatch(new double[16], new double[43], new double[44], new double[2]); } });
      expectIllegalArgument(new Call() { public void run() { m.scoreBatch(new double[16], new double[44], new double[44], new double[1]); } });
      expectIllegalArgument(new Call() { public void run() { m.expandOriginal(new double[3]); } });

      // the native side checks too, whatever the Java side lets through
      final NativeHandle h = m.nativeHandle();
      final long p = h.acquire();
      try {
        expectIllegalArgument(new Call() { public void run() { Native.score(p, null, out, out); } });
        expectIllegalArgument(new Call() { public void run() { Native.score(p, new double[7], out, out); } });
        expectIllegalArgument(new Call() { public void run() { Native.score(p, raw, new double[3], out); } });
        expectIllegalArgument(new Call() { public void run() { Native.score(p, raw, out, null); } });
        expectIllegalArgument(new Call() { public void run() { Native.scoreBatch(p, new double[16], 3, out, out, new double[3]); } });
        expectIllegalArgument(new Call() { public void run() { Native.scoreBatch(p, new double[16], -1, out, out, new double[3]); } });
        expectIllegalArgument(new Call() { public void run() { Native.scoreBatch(p, new double[16], 2, new double[43], new double[44], new double[2]); } });
        expectIllegalArgument(new Call() { public void run() { Native.describe(p, null); } });
        try {
          Native.score(0, raw, out, out);
          fail("0 handle accepted");
        } catch (IllegalStateException expected) {
          // ok
        }
      } finally {
        h.release();
      }
      // still fine afterwards
      Arrays.fill(raw, Double.NaN);
      assertTrue(m.score(raw, out, out) > 0);
    }
  }

  interface Call {
    void run() throws Exception;
  }

  private static void expectIllegalArgument(Call c) throws Exception {
    try {
      c.run();
      fail("no IllegalArgumentException");
    } catch (IllegalArgumentException expected) {
      assertNotNull(expected.getMessage());
    }
  }

  // ------------------------------------------------------------------ API behaviour

  @Test
  public void primitiveAndBatchApisGiveTheWrapperNumbers() throws Exception {
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
      int nf = m.nfeatures();
      int ns = m.getNumSlots();
      double[] rows = new double[synthRows.size() * nf];
      List<AutoEncoderModelPrediction> single = new ArrayList<AutoEncoderModelPrediction>();
      for (int i = 0; i < synthRows.size(); i++) {
        m.converter().fill(synthRows.get(i), rows, i * nf, false, false);
        single.add(w.predictAutoEncoder(synthRows.get(i)));
      }
      double[] rec = new double[rows.length / nf * ns];
      double[] se = new double[rec.length];
      double[] mse = new double[synthRows.size()];
      assertEquals(synthRows.size(), m.scoreBatch(rows, rec, se, mse));
      AutoEncoderModelPrediction[] batch = w.predictAutoEncoderBatch(synthRows);
      for (int i = 0; i < synthRows.size(); i++) {
        AutoEncoderModelPrediction p = single.get(i);
        double[] raw = Arrays.copyOfRange(rows, i * nf, (i + 1) * nf);
        double[] r1 = new double[ns];
        double[] s1 = new double[ns];
        double one = m.score(raw, r1, s1);
        assertEquals(Double.doubleToRawLongBits(p.mse), Double.doubleToRawLongBits(one));
        assertTrue(Fixtures.bitEqual(p.reconstructed, r1));
        assertTrue(Fixtures.bitEqual(p.squaredErrors, s1));
        assertTrue(Fixtures.bitEqual(p.original, m.expandOriginal(raw)));
        assertTrue(Fixtures.bitEqual(p.reconstructed, Arrays.copyOfRange(rec, i * ns, (i + 1) * ns)));
        assertTrue(Fixtures.bitEqual(p.squaredErrors, Arrays.copyOfRange(se, i * ns, (i + 1) * ns)));
        assertEquals(Double.doubleToRawLongBits(p.mse), Double.doubleToRawLongBits(mse[i]));
        assertTrue(Fixtures.bitEqual(p.reconstructed, batch[i].reconstructed));
        assertTrue(Fixtures.bitEqual(p.original, batch[i].original));
        assertEquals(p.reconstructedRowData, batch[i].reconstructedRowData);
        assertEquals(Double.doubleToRawLongBits(p.mse), Double.doubleToRawLongBits(batch[i].mse));
      }
      assertEquals(0, w.predictAutoEncoderBatch(new ArrayList<RowData>()).length);
      assertSame(AutoEncoderModelPrediction.class, w.predict(synthRows.get(0)).getClass());
    }
  }

  @Test
  public void aBadRowInABatchNamesItsIndex() throws Exception {
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
      List<RowData> rows = new ArrayList<RowData>(synthRows.subList(0, 5));
      rows.add(3, row("country", "Atlantis"));
      try {
        w.predictAutoEncoderBatch(rows);
        fail("bad batch scored");
      } catch (PredictBatchException e) {
        assertEquals(3, e.rowIndex);
        assertTrue(e.getCause() instanceof PredictUnknownCategoricalLevelException);
        assertEquals("Row 3: Unknown categorical level (country,Atlantis)", e.getMessage());
      }
      EasyPredictModelWrapper lenient = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
          .setModel(m).setConvertUnknownCategoricalLevelsToNa(true));
      assertEquals(6, lenient.predictAutoEncoderBatch(rows).length);
    }
  }

  @Test
  public void anyNumberIsAcceptedInANumericColumnAndNullIsMissing() throws Exception {
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
      double asDouble = w.predictAutoEncoder(row("country", "DE", "age", 47.0)).mse;
      for (Object n : new Object[] {47, 47L, 47f, (short) 47, (byte) 47, new BigDecimal("47"), new java.math.BigInteger("47")}) {
        assertEquals(n.getClass().getName(), asDouble, w.predictAutoEncoder(row("country", "DE", "age", n)).mse, 0.0);
      }
      double missing = w.predictAutoEncoder(row("country", "DE")).mse;
      assertEquals(missing, w.predictAutoEncoder(row("country", "DE", "age", null)).mse, 0.0);
      assertEquals(missing, w.predictAutoEncoder(row("country", "DE", "age", Double.NaN)).mse, 0.0);
      assertTrue(!Double.isNaN(missing));
      double noCountry = w.predictAutoEncoder(row("age", 47.0)).mse;
      assertEquals(noCountry, w.predictAutoEncoder(row("country", null, "age", 47.0)).mse, 0.0);
      assertNotEquals(noCountry, asDouble, 0.0);
      try {
        w.predictAutoEncoder(row("country", 3, "age", 47.0));
        fail("Integer accepted in a categorical column");
      } catch (PredictUnknownTypeException e) {
        assertEquals("Unexpected object type java.lang.Integer for categorical column country", e.getMessage());
      }
      try {
        w.predictAutoEncoder(row("age", Boolean.TRUE));
        fail("Boolean accepted in a numeric column");
      } catch (PredictUnknownTypeException e) {
        assertEquals("Unexpected object type java.lang.Boolean for numeric column age", e.getMessage());
      }
    }
  }

  @Test
  public void configSettersReturnThisAndWrapperNeedsAModel() throws Exception {
    EasyPredictModelWrapper.Config c = new EasyPredictModelWrapper.Config();
    assertSame(c, c.setConvertInvalidNumbersToNa(true));
    assertSame(c, c.setConvertUnknownCategoricalLevelsToNa(true));
    assertSame(c, c.setUseExtendedOutput(true));
    assertTrue(c.getConvertInvalidNumbersToNa() && c.getConvertUnknownCategoricalLevelsToNa());
    try {
      new EasyPredictModelWrapper(c);
      fail("a wrapper without a model");
    } catch (IllegalArgumentException expected) {
      // ok
    }
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      assertSame(c, c.setModel(m));
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(c);
      assertSame(m, w.m);
      assertTrue(w.getConvertInvalidNumbersToNa());
      assertEquals("age", w.predictAutoEncoder(row("age", "not a number")).reconstructedRowData.containsKey("age") ? "age" : "");
    }
  }

  @Test
  @SuppressWarnings("try")
  public void aSerializedWrapperScoresTheSameInItsCopy() throws Exception {
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
          .setModel(m).setConvertUnknownCategoricalLevelsToNa(true));
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes);
      out.writeObject(w);
      out.close();
      EasyPredictModelWrapper copy = (EasyPredictModelWrapper) new java.io.ObjectInputStream(
          new java.io.ByteArrayInputStream(bytes.toByteArray())).readObject();
      assertTrue(copy.m instanceof MojoModel);
      assertTrue(copy.m != m);
      assertTrue(copy.getConvertUnknownCategoricalLevelsToNa());
      m.close();
      for (RowData r : synthRows) {
        AutoEncoderModelPrediction p = copy.predictAutoEncoder(r);
        assertTrue(p.mse > 0);
      }
      RowData unknown = row("country", "Atlantis", "age", 40.0);
      assertEquals(copy.predictAutoEncoder(row("age", 40.0)).mse, copy.predictAutoEncoder(unknown).mse, 0.0);
      copy.m.close();
    }
    try (MojoModel m = MojoModel.load(synthTanh.getPath());
         MojoModel again = MojoModel.load(synthTanh.getPath())) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes);
      out.writeObject(new EasyPredictModelWrapper(m));
      out.close();
      EasyPredictModelWrapper copy = (EasyPredictModelWrapper) new java.io.ObjectInputStream(
          new java.io.ByteArrayInputStream(bytes.toByteArray())).readObject();
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(again);
      for (RowData r : synthRows) {
        assertTrue(Fixtures.bitEqual(w.predictAutoEncoder(r).reconstructed, copy.predictAutoEncoder(r).reconstructed));
      }
      copy.m.close();
    }
  }

  @Test(expected = PredictException.class)
  public void predictIsPredictAutoEncoder() throws Exception {
    try (MojoModel m = MojoModel.load(synthTanh.getPath())) {
      new EasyPredictModelWrapper(m).predict(row("age", "x"));
    }
  }
}
