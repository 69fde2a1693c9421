package io.ae4j;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A prediction's {@code reconstructedRowData} is built when first read: whatever is done with it
 * first, it must behave exactly as the map genmodel builds at once (a numeric column to its
 * Double, a categorical to a HashMap of level to Double with the null key for NA).
 */
public class ReconstructedRowDataTest {
  private static MojoModel model;
  private static EasyPredictModelWrapper wrapper;
  private static List<RowData> rows;

  @BeforeClass
  public static void load() throws Exception {
    File dir = Fixtures.dir();
    model = MojoModel.load(new File(dir, "models/synth_tanh.zip").getPath());
    wrapper = new EasyPredictModelWrapper(model);
    rows = LifetimeAndBoundaryTest.normalRows(new File(dir, "cases/synth_tanh.json"));
    assertTrue("synth_tanh has categorical columns", model.getNumCategoricals() > 0);
  }

  @AfterClass
  public static void close() {
    model.close();
  }

  /**
   * The map as it was built before it became lazy (genmodel's entries, in hash tables of
   * genmodel's size), from the prediction's own reconstruction.
   */
  private static RowData eager(double[] reconstructed) {
    String[] names = model.getNames();
    int[] offsets = model.getCatOffsets();
    int nCats = model.getNumCategoricals();
    RowData rd = new RowData(names.length);
    for (int c = 0; c < nCats; c++) {
      String[] levels = model.getDomainValues(c);
      HashMap<String, Double> m = new HashMap<String, Double>(RowData.tableSize(levels.length + 1, levels.length + 1));
      for (int j = 0; j < levels.length; j++) {
        m.put(levels[j], reconstructed[offsets[c] + j]);
      }
      m.put(null, reconstructed[offsets[c + 1] - 1]);
      rd.put(names[c], m);
    }
    for (int k = nCats; k < names.length; k++) {
      rd.put(names[k], reconstructed[offsets[nCats] + k - nCats]);
    }
    return rd;
  }

  private static AutoEncoderModelPrediction predict(int i) throws Exception {
    return wrapper.predictAutoEncoder(rows.get(i));
  }

  @Test
  public void everyFirstReadSeesGenmodelsEntries() throws Exception {
    String numeric = model.getNames()[model.getNumCategoricals()];
    String categorical = model.getNames()[0];
    for (int way = 0; way < 12; way++) {
      AutoEncoderModelPrediction p = predict(way % rows.size());
      RowData want = eager(p.reconstructed);
      RowData got = p.reconstructedRowData;
      switch (way) {
        case 0:
          assertEquals(want.size(), got.size());
          break;
        case 1:
          assertEquals(want.get(numeric), got.get(numeric));
          assertEquals(want.get(categorical), got.get(categorical));
          break;
        case 2:
          assertEquals(new ArrayList<Object>(want.entrySet()), new ArrayList<Object>(got.entrySet()));
          break;
        case 3:
          assertEquals(want.keySet(), got.keySet());
          break;
        case 4:
          assertEquals(new ArrayList<Object>(want.values()), new ArrayList<Object>(got.values()));
          break;
        case 5:
          assertTrue(got.containsKey(numeric));
          assertFalse(got.isEmpty());
          break;
        case 6:
          assertEquals(want.toString(), got.toString());
          break;
        case 7:
          assertEquals(want.hashCode(), got.hashCode());
          break;
        case 8:
          assertTrue(want.equals(got)); // genmodel's side asks first: size, then get
          break;
        case 9:
          assertEquals(want, new HashMap<String, Object>(got));
          break;
        case 10:
          final Map<String, Object> seen = new HashMap<String, Object>();
          got.forEach((k, v) -> seen.put(k, v));
          assertEquals(want, seen);
          break;
        default:
          assertEquals(want, got.clone());
      }
      assertEquals("way " + way, want, got);
    }
  }

  @Test
  public void writesBeforeAnyReadApplyToTheBuiltEntries() throws Exception {
    AutoEncoderModelPrediction p = predict(0);
    String numeric = model.getNames()[model.getNumCategoricals()];
    p.reconstructedRowData.clear();
    assertTrue(p.reconstructedRowData.isEmpty());

    p = predict(1);
    RowData want = eager(p.reconstructed);
    assertEquals(want.get(numeric), p.reconstructedRowData.put(numeric, "x"));
    want.put(numeric, "x");
    assertEquals(want, p.reconstructedRowData);

    p = predict(2);
    want = eager(p.reconstructed);
    assertEquals(want.remove(numeric), p.reconstructedRowData.remove(numeric));
    assertEquals(want, p.reconstructedRowData);
    assertNull(p.reconstructedRowData.putIfAbsent(numeric, 1.0));
  }

  @Test
  public void theMapHoldsTheValuesOfPredictionTime() throws Exception {
    AutoEncoderModelPrediction p = predict(3);
    RowData want = eager(p.reconstructed.clone());
    java.util.Arrays.fill(p.reconstructed, 42.0); // as genmodel's, built before the caller's writes
    assertEquals(want, p.reconstructedRowData);
  }

  @Test
  public void serializesAsAPlainRowData() throws Exception {
    AutoEncoderModelPrediction p = predict(4);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    AutoEncoderModelPrediction back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (AutoEncoderModelPrediction) in.readObject();
    }
    assertSame(RowData.class, back.reconstructedRowData.getClass());
    assertEquals(eager(p.reconstructed), back.reconstructedRowData);
    assertEquals(p.reconstructedRowData, back.reconstructedRowData);
  }

  @Test
  public void concurrentFirstReadsAllSeeTheSameEntries() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 50; round++) {
        final AutoEncoderModelPrediction p = predict(round % rows.size());
        final RowData want = eager(p.reconstructed);
        final CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<Future<Boolean>>();
        for (int t = 0; t < 4; t++) {
          results.add(pool.submit(new Callable<Boolean>() {
            @Override
            public Boolean call() throws Exception {
              start.await();
              return want.equals(p.reconstructedRowData) && p.reconstructedRowData.size() == want.size();
            }
          }));
        }
        start.countDown();
        for (Future<Boolean> f : results) {
          assertTrue("round " + round, f.get());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void eachPredictionHasItsOwnMap() throws Exception {
    AutoEncoderModelPrediction a = predict(5);
    AutoEncoderModelPrediction b = predict(5);
    assertNotSame(a.reconstructedRowData, b.reconstructedRowData);
    assertEquals(a.reconstructedRowData, b.reconstructedRowData);
    a.reconstructedRowData.clear();
    assertEquals(eager(b.reconstructed), b.reconstructedRowData);
  }
}
