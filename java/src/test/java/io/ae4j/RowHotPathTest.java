package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.ae4j.internal.Native;
import io.ae4j.internal.NativeHandle;
import io.ae4j.internal.RowBuffer;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.Test;

/**
 * The single-row hot path (issue #19 item 4): a row crosses JNI through the thread's direct
 * buffer ({@link RowBuffer}) and must give exactly the bits of the array route
 * ({@link Native#score}); the row converter finds columns by the row's own key instances and
 * must give exactly what looking every column up by name gives.
 */
public class RowHotPathTest {
  private static final File DIR = Fixtures.dir();

  private static AutoEncoderModel load(String name) throws Exception {
    return AutoEncoderModel.load(new File(DIR, "models/" + name + ".zip").getPath());
  }

  /** Random raw rows: numerics spread over a few units, some missing; level indices in range or not. */
  private static double[] randomRaw(AutoEncoderModel m, Random rnd) {
    double[] raw = new double[m.getNumCols()];
    for (int c = 0; c < raw.length; c++) {
      if (rnd.nextInt(10) == 0) {
        raw[c] = Double.NaN;
      } else if (c < m.getNumCategoricals()) {
        raw[c] = rnd.nextInt(m.getNumClasses(c) + 2) - 1;
      } else {
        raw[c] = rnd.nextGaussian() * 3;
      }
    }
    return raw;
  }

  private static double arrayRoute(AutoEncoderModel m, double[] raw, double[] rec, double[] se) {
    NativeHandle h = m.nativeHandle();
    long p = h.acquire();
    try {
      return Native.score(p, raw, rec, se);
    } finally {
      h.release();
    }
  }

  @Test
  public void theBufferRouteGivesTheArrayRoutesBits() throws Exception {
    for (String name : new String[] {"synth_tanh", "breast_cancer_tanhdropout", "digits_wide_tanh",
        "wine_exprectifier"}) {
      try (AutoEncoderModel m = load(name)) {
        int ns = m.getNumSlots();
        Random rnd = new Random(name.hashCode());
        for (int i = 0; i < 200; i++) {
          double[] raw = randomRaw(m, rnd);
          double[] rec = new double[ns];
          double[] se = new double[ns];
          double[] recA = new double[ns];
          double[] seA = new double[ns];
          double mse = m.score(raw, rec, se);
          double mseA = arrayRoute(m, raw, recA, seA);
          assertEquals(name, Double.doubleToRawLongBits(mseA), Double.doubleToRawLongBits(mse));
          assertArrayEquals(name, recA, rec, 0.0);
          assertArrayEquals(name, seA, se, 0.0);
        }
      }
    }
  }

  @Test
  public void modelsOfOtherShapesInterleavedOnOneThreadKeepTheirOwnBuffers() throws Exception {
    try (AutoEncoderModel a = load("synth_tanh"); AutoEncoderModel b = load("digits_wide_tanh")) {
      Random rnd = new Random(7);
      for (int i = 0; i < 50; i++) {
        AutoEncoderModel m = i % 2 == 0 ? a : b;
        double[] raw = randomRaw(m, rnd);
        int ns = m.getNumSlots();
        double[] rec = new double[ns];
        double[] recA = new double[ns];
        double mse = m.score(raw, rec, new double[ns]);
        assertEquals(arrayRoute(m, raw, recA, new double[ns]), mse, 0.0);
        assertArrayEquals(recA, rec, 0.0);
      }
    }
  }

  @Test
  public void eachThreadScoresThroughItsOwnBuffer() throws Exception {
    try (final AutoEncoderModel m = load("breast_cancer_tanhdropout")) {
      final int ns = m.getNumSlots();
      final List<double[]> rows = new ArrayList<double[]>();
      final List<Double> want = new ArrayList<Double>();
      Random rnd = new Random(11);
      for (int i = 0; i < 64; i++) {
        double[] raw = randomRaw(m, rnd);
        rows.add(raw);
        want.add(arrayRoute(m, raw, new double[ns], new double[ns]));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Void>> done = new ArrayList<Future<Void>>();
        for (int t = 0; t < 4; t++) {
          final int offset = t;
          done.add(pool.submit(new Callable<Void>() {
            @Override
            public Void call() {
              double[] rec = new double[ns];
              double[] se = new double[ns];
              for (int k = 0; k < 2000; k++) {
                int i = (k * 7 + offset) % rows.size();
                double mse = m.score(rows.get(i), rec, se);
                if (Double.doubleToRawLongBits(mse) != Double.doubleToRawLongBits(want.get(i))) {
                  throw new AssertionError("row " + i + ": " + mse + " != " + want.get(i));
                }
              }
              return null;
            }
          }));
        }
        for (Future<Void> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  public void aBufferOfTheWrongShapeIsRefusedNatively() throws Exception {
    try (AutoEncoderModel m = load("synth_tanh")) {
      int nf = m.getNumCols();
      int ns = m.getNumSlots();
      double[] raw = new double[nf];
      double[] out = new double[ns];
      NativeHandle h = m.nativeHandle();
      long p = h.acquire();
      try {
        for (RowBuffer small : new RowBuffer[] {new RowBuffer(nf - 1, ns), new RowBuffer(nf, ns - 1)}) {
          try {
            small.score(p, raw, 0, out, out);
            fail("a buffer too small for the model was accepted");
          } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("row buffer"));
          }
        }
      } finally {
        h.release();
      }
    }
  }

  @Test
  public void aClosedModelRefusesTheBufferRoute() throws Exception {
    AutoEncoderModel m = load("synth_tanh");
    double[] raw = new double[m.getNumCols()];
    double[] out = new double[m.getNumSlots()];
    m.score(raw, out, out); // this thread's buffer exists
    m.close();
    try {
      m.score(raw, out, out);
      fail("a closed model scored");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage(), expected.getMessage().contains("closed"));
    }
  }

  /** A copy of a row whose keys are new String instances (as a deserializer makes them). */
  private static RowData freshKeys(Map<String, Object> row) {
    RowData r = new RowData();
    for (Map.Entry<String, Object> e : row.entrySet()) {
      r.put(new String(e.getKey().toCharArray()), e.getValue());
    }
    return r;
  }

  /** The reference raw row: each model column looked up by its name, converted cell by cell. */
  private static double[] rawByName(AutoEncoderModel m, Map<String, Object> row) throws Exception {
    String[] names = m.getNames();
    double[] raw = new double[names.length];
    for (int c = 0; c < names.length; c++) {
      Object v = row.get(names[c]);
      raw[c] = v == null ? Double.NaN : m.convertCell(c, v, false, false);
    }
    return raw;
  }

  @Test
  public void rowKeyInstancesNeverChangeAPrediction() throws Exception {
    List<RowData> rows = LifetimeAndBoundaryTest.normalRows(new File(DIR, "cases/synth_tanh.json"));
    try (AutoEncoderModel m = load("synth_tanh")) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
      String[] names = m.getNames();
      int ns = m.getNumSlots();
      // Shared key instances, new ones, and shared ones lacking a column, in turn, many times
      // over, so that the converter learns and relearns its keys from every kind of row.
      for (int pass = 0; pass < 3000; pass++) {
        RowData shared = rows.get(pass % rows.size());
        RowData r;
        if (pass % 3 == 0) {
          r = shared;
        } else if (pass % 3 == 1) {
          r = freshKeys(shared);
        } else {
          r = new RowData();
          r.putAll(shared);
          r.remove(names[pass % names.length]);
        }
        double[] raw = rawByName(m, r);
        double[] rec = new double[ns];
        double mse = m.score(raw, rec, new double[ns]);
        assertArrayEquals("pass " + pass, raw, m.converter().toRaw(r, false, false), 0.0);
        AutoEncoderModelPrediction p = w.predictAutoEncoder(r);
        assertEquals("pass " + pass, mse, p.mse, 0.0);
        assertArrayEquals("pass " + pass, rec, p.reconstructed, 0.0);
      }
    }
  }

  @Test
  public void aNumericRowIsItsOwnOriginal() throws Exception {
    try (AutoEncoderModel m = load("breast_cancer_tanhdropout")) {
      RowData r = LifetimeAndBoundaryTest.normalRows(new File(DIR, "cases/breast_cancer_tanhdropout.json")).get(0);
      AutoEncoderModelPrediction p = new EasyPredictModelWrapper(m).predictAutoEncoder(r);
      assertArrayEquals(m.converter().toRaw(r, false, false), p.original, 0.0);
      assertSame(p.original, p.feature);
      // and a model with categoricals expands its row: one-hot slots, longer than the row
      try (AutoEncoderModel s = load("synth_tanh")) {
        RowData sr = LifetimeAndBoundaryTest.normalRows(new File(DIR, "cases/synth_tanh.json")).get(0);
        double[] original = new EasyPredictModelWrapper(s).predictAutoEncoder(sr).original;
        assertEquals(s.getNumSlots(), original.length);
        assertTrue(Arrays.toString(original), original.length > s.getNumCols());
      }
    }
  }
}
