package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ae4j.exception.PredictException;
import io.ae4j.prediction.AutoEncoderModelPrediction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Issue #12 on the Java route: a model's calibration ({@code ae4j calibrate}) is loaded with it,
 * and predictions carry the anomaly decision, the percentile and the columns behind the error.
 *
 * <p>Oracles: the calibration JSON read here with gson (threshold, distribution) and the rules
 * re-computed in Java from each row's {@code squaredErrors}; and the CLI's own output
 * ({@code ae4j predict --explain 2}) for the same rows, committed as
 * {@code tests/fixtures/calibration/synth_tanh.cases.expected.csv}.
 */
public class AnomalyDecisionTest {
  private static final Path FIXTURES = Fixtures.dir().toPath();
  private static final Path CALIBRATED = FIXTURES.resolve("calibration/synth_tanh.calibrated.zip");
  private static final Path PLAIN = FIXTURES.resolve("models/synth_tanh.zip");
  private static final String ENTRY = "ae4j/calibration.json";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  // ------------------------------------------------------------------------------ helpers

  private static byte[] entryBytes(Path zip) throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      ZipEntry e = z.getEntry(ENTRY);
      assertNotNull("the fixture carries " + ENTRY, e);
      try (InputStream in = z.getInputStream(e)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
        }
        return out.toByteArray();
      }
    }
  }

  private static JsonObject calibrationJson() throws IOException {
    return JsonParser.parseString(new String(entryBytes(CALIBRATED), StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  private static double[] distribution(JsonObject c) {
    JsonArray a = c.getAsJsonArray("distribution");
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.get(i).getAsDouble();
    }
    return d;
  }

  /** The fixture rows of synth_tanh by id, as RowData with the fixture's Java types. */
  private static Map<Integer, RowData> fixtureRows() throws IOException {
    JsonObject c = Fixtures.read(FIXTURES.resolve("cases/synth_tanh.json").toFile());
    Map<Integer, RowData> rows = new java.util.LinkedHashMap<Integer, RowData>();
    for (JsonElement e : c.getAsJsonArray("rows")) {
      JsonObject r = e.getAsJsonObject();
      rows.put(r.get("id").getAsInt(), Fixtures.rowData(r.getAsJsonObject("input")));
    }
    return rows;
  }

  private static EasyPredictModelWrapper.Config lenient(AutoEncoderModel m) {
    return new EasyPredictModelWrapper.Config().setModel(m)
        .setConvertUnknownCategoricalLevelsToNa(true).setConvertInvalidNumbersToNa(true);
  }

  /** The core's percentile rule, re-written from its definition (share of rows below). */
  private static double percentile(double[] d, double mse) {
    if (Double.isNaN(mse)) return Double.NaN;
    if (mse <= d[0]) return 0.0;
    if (mse > d[d.length - 1]) return 1.0;
    int k = 0;
    while (d[k] < mse) k++;
    k--;
    double span = d[k + 1] - d[k];
    double within = span > 0 ? (mse - d[k]) / span : 1.0;
    return Math.min(1.0, Math.max(0.0, (k + within) / (d.length - 1)));
  }

  /** Each column's share of the squared error (categorical slots summed), largest first. */
  private static List<Object[]> explain(AutoEncoderModel m, double[] se) {
    int[] off = m.getCatOffsets();
    int cats = m.getNumCategoricals();
    String[] names = m.getNames();
    double[] per = new double[names.length];
    double total = 0;
    for (int c = 0; c < names.length; c++) {
      if (c < cats) {
        for (int s = off[c]; s < off[c + 1]; s++) per[c] += se[s];
      } else {
        per[c] = se[off[cats] + c - cats];
      }
      total += per[c];
    }
    List<Object[]> out = new ArrayList<Object[]>();
    if (!(total > 0 && !Double.isInfinite(total))) return out;
    for (int c = 0; c < names.length; c++) out.add(new Object[] {c, per[c] / total});
    out.sort((a, b) -> {
      int byShare = Double.compare((Double) b[1], (Double) a[1]);
      return byShare != 0 ? byShare : Integer.compare((Integer) a[0], (Integer) b[0]);
    });
    for (Object[] e : out) e[0] = names[(Integer) e[0]];
    return out;
  }

  private static <T> T roundTrip(T o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      @SuppressWarnings("unchecked")
      T back = (T) in.readObject();
      return back;
    }
  }

  private static void assertSameDecision(String what, AutoEncoderModelPrediction a, AutoEncoderModelPrediction b) {
    assertEquals(what + " mse", Double.doubleToLongBits(a.mse), Double.doubleToLongBits(b.mse));
    assertEquals(what + " anomaly", a.anomaly, b.anomaly);
    assertEquals(what + " percentile", Double.doubleToLongBits(a.percentile), Double.doubleToLongBits(b.percentile));
    assertArrayEquals(what + " columns", a.explanationColumns, b.explanationColumns);
    assertArrayEquals(what + " shares", a.explanationShares, b.explanationShares, 0.0);
  }

  // -------------------------------------------------------------------------------- tests

  @Test
  public void theCalibratedFixtureLoadsWithItsCalibration() throws Exception {
    JsonObject json = calibrationJson();
    try (MojoModel m = MojoModel.load(CALIBRATED.toString())) {
      Calibration c = m.getCalibration();
      assertNotNull(c);
      assertEquals(Double.doubleToLongBits(json.get("threshold").getAsDouble()),
          Double.doubleToLongBits(c.getThreshold()));
      assertEquals(0.99, c.getQuantile(), 0.0);
      assertEquals(json.get("rows").getAsLong(), c.getRows());
      assertEquals(json.get("rows_left_out").getAsLong(), c.getRowsLeftOut());
      assertEquals(json.get("created").getAsString(), c.getCreated());
      assertEquals(json.get("source").getAsString(), c.getSource());
      assertEquals(json.get("model_fingerprint").getAsString(), c.getModelFingerprint());
      assertTrue(c.toString(), c.toString().contains("quantile=0.99"));
    }
    byte[] zip = Files.readAllBytes(CALIBRATED);
    try (AutoEncoderModel fromBytes = AutoEncoderModel.load(zip);
        AutoEncoderModel fromStream = AutoEncoderModel.load(new ByteArrayInputStream(zip))) {
      assertEquals(json.get("threshold").getAsDouble(), fromBytes.getCalibration().getThreshold(), 0.0);
      assertEquals(json.get("threshold").getAsDouble(), fromStream.getCalibration().getThreshold(), 0.0);
    }
    try (AutoEncoderModel plain = AutoEncoderModel.load(PLAIN)) {
      assertNull(plain.getCalibration());
    }
  }

  @Test
  public void decisionsFollowTheCoresRulesOnEveryFixtureRow() throws Exception {
    JsonObject json = calibrationJson();
    double threshold = json.get("threshold").getAsDouble();
    double[] dist = distribution(json);
    assertEquals(1001, dist.length);
    try (AutoEncoderModel m = AutoEncoderModel.load(CALIBRATED)) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(lenient(m).setExplain(2));
      int scored = 0, anomalies = 0, normals = 0, explained = 0;
      List<double[]> msePercentile = new ArrayList<double[]>();
      for (Map.Entry<Integer, RowData> row : fixtureRows().entrySet()) {
        AutoEncoderModelPrediction p;
        try {
          p = w.predictAutoEncoder(row.getValue());
        } catch (PredictException e) {
          continue; // a type the column cannot take: no score, no decision
        }
        String at = "row " + row.getKey() + " (mse " + p.mse + ")";
        scored++;
        assertNotNull(at, p.anomaly);
        assertEquals(at, p.mse > threshold, p.anomaly);
        if (p.anomaly) anomalies++; else normals++;
        double expected = percentile(dist, p.mse);
        if (Double.isNaN(p.mse)) {
          assertTrue(at, Double.isNaN(p.percentile));
        } else {
          assertEquals(at, expected, p.percentile, 1e-12);
          assertTrue(at, p.percentile >= 0 && p.percentile <= 1);
          msePercentile.add(new double[] {p.mse, p.percentile});
        }
        List<Object[]> top = explain(m, p.squaredErrors);
        int n = Math.min(2, top.size());
        assertEquals(at, n, p.explanationColumns.length);
        assertEquals(at, n, p.explanationShares.length);
        double sum = 0;
        for (int i = 0; i < n; i++) {
          assertEquals(at, top.get(i)[0], p.explanationColumns[i]);
          assertEquals(at, (Double) top.get(i)[1], p.explanationShares[i], 1e-12);
          assertTrue(at, i == 0 || p.explanationShares[i] <= p.explanationShares[i - 1]);
          sum += p.explanationShares[i];
        }
        assertTrue(at, sum <= 1 + 1e-12);
        if (n > 0) explained++;
      }
      assertTrue("rows scored: " + scored, scored >= 90);
      assertTrue("anomalies: " + anomalies, anomalies >= 5);
      assertTrue("normal rows: " + normals, normals >= 30);
      assertTrue("explained: " + explained, explained >= 80);
      msePercentile.sort((a, b) -> Double.compare(a[0], b[0]));
      for (int i = 1; i < msePercentile.size(); i++) {
        assertTrue("percentile monotone in mse at " + Arrays.toString(msePercentile.get(i)),
            msePercentile.get(i)[1] >= msePercentile.get(i - 1)[1]);
      }
    }
  }

  @Test
  public void oneRowByHand() throws Exception {
    // Fixture row 2 of synth_tanh: everything spelled out from squaredErrors and the slot names.
    try (AutoEncoderModel m = AutoEncoderModel.load(CALIBRATED)) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(lenient(m).setExplain(100));
      AutoEncoderModelPrediction p = w.predictAutoEncoder(fixtureRows().get(2));
      String[] slots = m.getSlotNames();
      Map<String, Double> perColumn = new HashMap<String, Double>();
      double total = 0;
      for (int s = 0; s < slots.length; s++) {
        String slot = slots[s];
        String column = null;
        for (String name : m.getNames()) {
          if (slot.equals(name) || slot.startsWith(name + ".")) column = name;
        }
        assertNotNull(slot, column);
        perColumn.merge(column, p.squaredErrors[s], Double::sum);
        total += p.squaredErrors[s];
      }
      assertEquals("every column, as asked for more than there are", m.nfeatures(), p.explanationColumns.length);
      double sum = 0;
      for (int i = 0; i < p.explanationColumns.length; i++) {
        assertEquals(p.explanationColumns[i], perColumn.get(p.explanationColumns[i]) / total,
            p.explanationShares[i], 1e-12);
        sum += p.explanationShares[i];
      }
      assertEquals(1.0, sum, 1e-12);
      assertEquals(m.getCalibration().getThreshold() < p.mse, p.anomaly);
    }
  }

  @Test
  public void theCliDecidesTheSame() throws Exception {
    // Written by `ae4j predict --model synth_tanh.calibrated.zip --input synth_tanh.cases.csv
    // --keep id --explain 2 --convert-unknown-categoricals-to-na --convert-invalid-numbers-to-na`
    // (tests/fixtures/README.md), on the fixture rows a CSV can hold.
    List<String> lines = Files.readAllLines(
        FIXTURES.resolve("calibration/synth_tanh.cases.expected.csv"), StandardCharsets.UTF_8);
    assertEquals("id,Reconstruction.MSE,anomaly,percentile,top_1_column,top_1_share,top_2_column,top_2_share",
        lines.get(0));
    Map<Integer, RowData> rows = fixtureRows();
    try (AutoEncoderModel m = AutoEncoderModel.load(CALIBRATED)) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(lenient(m).setExplain(2));
      List<RowData> batch = new ArrayList<RowData>();
      List<String[]> expected = new ArrayList<String[]>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        assertEquals(line, 8, f.length);
        RowData row = rows.get(Integer.parseInt(f[0]));
        assertNotNull(line, row);
        batch.add(row);
        expected.add(f);
      }
      assertTrue("rows: " + expected.size(), expected.size() >= 60);
      AutoEncoderModelPrediction[] ps = w.predictAutoEncoderBatch(batch);
      int anomalies = 0;
      for (int i = 0; i < ps.length; i++) {
        String[] f = expected.get(i);
        AutoEncoderModelPrediction p = w.predictAutoEncoder(batch.get(i));
        String at = "row " + f[0];
        assertEquals(at, Double.parseDouble(f[1]), p.mse, 0.0);
        assertEquals(at, Boolean.valueOf(f[2]), p.anomaly);
        assertEquals(at, Double.parseDouble(f[3]), p.percentile, 0.0);
        List<String> columns = new ArrayList<String>();
        List<Double> shares = new ArrayList<Double>();
        for (int k = 0; k < 2; k++) {
          if (!f[4 + 2 * k].isEmpty()) {
            columns.add(f[4 + 2 * k]);
            shares.add(Double.parseDouble(f[5 + 2 * k]));
          }
        }
        assertArrayEquals(at, columns.toArray(new String[0]), p.explanationColumns);
        for (int k = 0; k < shares.size(); k++) {
          assertEquals(at, shares.get(k), p.explanationShares[k], 0.0);
        }
        assertSameDecision(at + " (batch)", p, ps[i]);
        if (p.anomaly) anomalies++;
      }
      assertTrue("anomalies: " + anomalies, anomalies >= 5 && anomalies < ps.length);
    }
  }

  @Test
  public void aRunTimeThresholdOverridesTheCalibratedOne() throws Exception {
    try (AutoEncoderModel m = AutoEncoderModel.load(CALIBRATED)) {
      EasyPredictModelWrapper calibrated = new EasyPredictModelWrapper(lenient(m));
      double t = m.getCalibration().getThreshold() / 4;
      EasyPredictModelWrapper overridden = new EasyPredictModelWrapper(lenient(m).setThreshold(t));
      assertEquals(t, overridden.getThreshold(), 0.0);
      assertNull(calibrated.getThreshold());
      int flipped = 0;
      for (RowData row : fixtureRows().values()) {
        AutoEncoderModelPrediction a, b;
        try {
          a = calibrated.predictAutoEncoder(row);
          b = overridden.predictAutoEncoder(row);
        } catch (PredictException e) {
          continue;
        }
        assertEquals(b.mse > t, b.anomaly);
        assertEquals("the percentile does not depend on the threshold",
            Double.doubleToLongBits(a.percentile), Double.doubleToLongBits(b.percentile));
        assertEquals(0, b.explanationColumns.length);
        if (!a.anomaly.equals(b.anomaly)) flipped++;
      }
      assertTrue("a lower threshold flags more rows: " + flipped, flipped > 0);
    }
  }

  @Test
  public void anUncalibratedModelDecidesNothingUnlessGivenAThreshold() throws Exception {
    List<RowData> rows = new ArrayList<RowData>(fixtureRows().values()).subList(0, 40);
    try (AutoEncoderModel m = AutoEncoderModel.load(PLAIN)) {
      for (EasyPredictModelWrapper w : new EasyPredictModelWrapper[] {
          new EasyPredictModelWrapper(m), new EasyPredictModelWrapper(lenient(m).setExplain(3))}) {
        AutoEncoderModelPrediction[] batch = w.predictAutoEncoderBatch(rows);
        for (int i = 0; i < rows.size(); i++) {
          AutoEncoderModelPrediction p = w.predictAutoEncoder(rows.get(i));
          assertNull(p.anomaly);
          assertTrue(Double.isNaN(p.percentile));
          assertEquals(w.getExplain() == 0 ? 0 : 3, p.explanationColumns.length);
          assertEquals(p.explanationColumns.length, p.explanationShares.length);
          assertSameDecision("row " + i, p, batch[i]);
        }
      }
      double t = 0.05;
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(lenient(m).setThreshold(t));
      AutoEncoderModelPrediction[] batch = w.predictAutoEncoderBatch(rows);
      int anomalies = 0;
      for (int i = 0; i < rows.size(); i++) {
        AutoEncoderModelPrediction p = w.predictAutoEncoder(rows.get(i));
        assertEquals(p.mse > t, p.anomaly);
        assertTrue("no calibration, no percentile", Double.isNaN(p.percentile));
        assertEquals(0, p.explanationColumns.length);
        assertSameDecision("row " + i, p, batch[i]);
        if (p.anomaly) anomalies++;
      }
      assertTrue("anomalies: " + anomalies, anomalies > 0 && anomalies < rows.size());
    }
  }

  @Test
  public void batchesDecideLikeSingleRows() throws Exception {
    List<RowData> rows = new ArrayList<RowData>();
    for (int repeat = 0; repeat < 30; repeat++) { // over one native chunk of 1024 rows
      rows.addAll(new ArrayList<RowData>(fixtureRows().values()).subList(0, 40));
    }
    try (AutoEncoderModel m = AutoEncoderModel.load(CALIBRATED)) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(lenient(m).setExplain(3));
      AutoEncoderModelPrediction[] batch = w.predictAutoEncoderBatch(rows);
      assertEquals(1200, batch.length);
      for (int i = 0; i < rows.size(); i++) {
        assertSameDecision("row " + i, w.predictAutoEncoder(rows.get(i)), batch[i]);
      }
      assertEquals(0, w.predictAutoEncoderBatch(new ArrayList<RowData>()).length);
    }
  }

  /** A copy of another model's MOJO with the fixture's calibration entry added. */
  private Path foreignCalibratedZip() throws IOException {
    Path out = tmp.newFile("foreign.zip").toPath();
    try (ZipFile other = new ZipFile(FIXTURES.resolve("models/synth_tanh_nostd.zip").toFile());
        ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
      Enumeration<? extends ZipEntry> entries = other.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        z.putNextEntry(new ZipEntry(e.getName()));
        try (InputStream in = other.getInputStream(e)) {
          byte[] buf = new byte[8192];
          for (int n; (n = in.read(buf)) > 0; ) z.write(buf, 0, n);
        }
        z.closeEntry();
      }
      z.putNextEntry(new ZipEntry(ENTRY));
      z.write(entryBytes(CALIBRATED));
      z.closeEntry();
    }
    return out;
  }

  private static void assertRefused(String what, Callable load) {
    try {
      load.call().close();
      fail(what + ": a calibration of another model was accepted");
    } catch (IOException e) {
      assertTrue(what + ": " + e.getMessage(), e.getMessage().contains("the calibration belongs to another model"));
    } catch (Exception e) {
      throw new AssertionError(what + ": " + e, e);
    }
  }

  private interface Callable {
    AutoEncoderModel call() throws Exception;
  }

  @Test
  public void aCalibrationOfAnotherModelIsRefused() throws Exception {
    Path zip = foreignCalibratedZip();
    assertRefused("zip path", () -> AutoEncoderModel.load(zip));
    assertRefused("MojoModel.load", () -> MojoModel.load(zip.toString()));
    assertRefused("zip bytes", () -> AutoEncoderModel.load(Files.readAllBytes(zip)));
    assertRefused("zip stream", () -> AutoEncoderModel.load(Files.newInputStream(zip)));
    Path pojo = tmp.getRoot().toPath().resolve("synth_tanh_nostd.java");
    Files.copy(FIXTURES.resolve("models/synth_tanh_nostd.java"), pojo);
    Files.write(pojo.resolveSibling(pojo.getFileName() + ".ae4j-calibration.json"), entryBytes(CALIBRATED));
    assertRefused("POJO source with a sidecar", () -> AutoEncoderModel.load(pojo));
    // The message names the file the calibration came from.
    try {
      AutoEncoderModel.load(pojo).close();
      fail();
    } catch (IOException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("synth_tanh_nostd.java.ae4j-calibration.json"));
    }
  }

  @Test
  public void aPojoSourceTakesItsSidecarAndKeepsItWhenSerialized() throws Exception {
    Path pojo = tmp.getRoot().toPath().resolve("synth_tanh.java");
    Files.copy(FIXTURES.resolve("models/synth_tanh.java"), pojo);
    Files.write(pojo.resolveSibling("synth_tanh.java.ae4j-calibration.json"), entryBytes(CALIBRATED));
    List<RowData> rows = new ArrayList<RowData>(fixtureRows().values()).subList(0, 40);
    try (AutoEncoderModel mojo = AutoEncoderModel.load(CALIBRATED);
        AutoEncoderModel source = AutoEncoderModel.load(pojo);
        AutoEncoderModel sourceBytes = AutoEncoderModel.load(Files.readAllBytes(pojo), "synth_tanh.java")) {
      assertEquals("pojo", source.getFormat());
      assertNotNull(source.getCalibration());
      assertEquals(mojo.getCalibration().getThreshold(), source.getCalibration().getThreshold(), 0.0);
      assertNull("bytes of a POJO source have no sidecar", sourceBytes.getCalibration());
      AutoEncoderModel back = roundTrip(source);
      try {
        assertNotNull("the sidecar travels with the serialized source", back.getCalibration());
        assertEquals(source.getCalibration().getCreated(), back.getCalibration().getCreated());
        EasyPredictModelWrapper a = new EasyPredictModelWrapper(lenient(mojo).setExplain(2));
        EasyPredictModelWrapper b = new EasyPredictModelWrapper(lenient(back).setExplain(2));
        for (int i = 0; i < rows.size(); i++) {
          assertSameDecision("row " + i, a.predictAutoEncoder(rows.get(i)), b.predictAutoEncoder(rows.get(i)));
        }
      } finally {
        back.close();
      }
    }
  }

  @Test
  public void serializationKeepsTheCalibrationAndTheConfig() throws Exception {
    List<RowData> rows = new ArrayList<RowData>(fixtureRows().values()).subList(0, 40);
    try (MojoModel m = MojoModel.load(CALIBRATED.toString())) {
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(lenient(m).setExplain(2).setThreshold(0.04));
      EasyPredictModelWrapper back = roundTrip(w);
      try {
        assertTrue(back.m instanceof MojoModel);
        assertNotNull(back.m.getCalibration());
        assertEquals(m.getCalibration().toString(), back.m.getCalibration().toString());
        assertEquals(0.04, back.getThreshold(), 0.0);
        assertEquals(2, back.getExplain());
        for (int i = 0; i < rows.size(); i++) {
          assertSameDecision("row " + i, w.predictAutoEncoder(rows.get(i)), back.predictAutoEncoder(rows.get(i)));
        }
        Calibration c = roundTrip(m.getCalibration());
        assertEquals(m.getCalibration().toString(), c.toString());
      } finally {
        back.m.close();
      }
    }
  }

  @Test
  public void configChecksItsArguments() {
    EasyPredictModelWrapper.Config c = new EasyPredictModelWrapper.Config();
    assertNull(c.getThreshold());
    assertEquals(0, c.getExplain());
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      try {
        c.setThreshold(bad);
        fail("threshold " + bad);
      } catch (IllegalArgumentException expected) {
        assertTrue(expected.getMessage(), expected.getMessage().contains("finite"));
      }
    }
    try {
      c.setExplain(-1);
      fail();
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage(), expected.getMessage().contains("-1"));
    }
    assertEquals(-2.5, c.setThreshold(-2.5).getThreshold(), 0.0);
    assertEquals(4, c.setExplain(4).getExplain());
    assertFalse(c.getConvertInvalidNumbersToNa());
  }

  @Test
  public void closedModelsRefuseTheCalibration() throws Exception {
    AutoEncoderModel m = AutoEncoderModel.load(CALIBRATED);
    m.close();
    try {
      m.getCalibration();
      fail();
    } catch (IllegalStateException expected) {
      // as every other accessor
    }
  }
}
