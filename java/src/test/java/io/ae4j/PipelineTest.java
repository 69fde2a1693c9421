package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.ae4j.exception.PredictBatchException;
import io.ae4j.exception.PredictException;
import io.ae4j.exception.PredictUnknownCategoricalLevelException;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Models with a preprocessing pipeline (issue #22) on the Java route, against a hand-written
 * spec for the synth_tanh fixture model whose arithmetic Java reproduces exactly (division,
 * multiplication, sqrt and the hour of a timestamp are correctly rounded on both sides): a
 * pipeline model scoring a raw row must give, bit for bit, what the plain model gives for the
 * row transformed in Java. Also: errors naming the step and column, the error consumer, batches,
 * Java value types, loading (zip bytes, sidecar), serialization and closing.
 * {@link PipelineFixtureTest} checks the pandas + scikit-learn fixture against genmodel.
 */
public class PipelineTest {
  /** synth_tanh's columns from raw inputs, 10 steps (also read by tests/spark/pipeline_checks.py). */
  static final String SPEC = resource("synth_tanh.pipeline.json");

  static String resource(String name) {
    try (java.io.InputStream in = PipelineTest.class.getResourceAsStream(name)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
      return new String(out.toByteArray(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] zip;
  static AutoEncoderModel plainModel;
  static AutoEncoderModel pipedModel;
  static EasyPredictModelWrapper plain;
  static EasyPredictModelWrapper piped;

  @BeforeClass
  public static void load() throws IOException {
    zip = Files.readAllBytes(new File(Fixtures.dir(), "models/synth_tanh.zip").toPath());
    plainModel = AutoEncoderModel.load(zip, "synth_tanh.zip");
    pipedModel = AutoEncoderModel.load(zip, "synth_tanh.zip", null, SPEC.getBytes(StandardCharsets.UTF_8));
    plain = new EasyPredictModelWrapper(plainModel);
    piped = new EasyPredictModelWrapper(pipedModel);
  }

  @AfterClass
  public static void close() {
    plainModel.close();
    pipedModel.close();
  }

  // ------------------------------------------------------------------ rows and their reference

  /** Raw rows: clean, with gaps, with padding and case, with a missing condition. */
  static List<RowData> rawRows() {
    List<RowData> rows = new ArrayList<RowData>();
    rows.add(raw(" DE ", "device.mobile", "web", 12000.0, 52.5, 0.25, 3.0, 0.04, "2024-03-05T14:30:00Z", "true"));
    rows.add(raw("us", "tablet", "store", 9131.25, 61.125, null, 25.0, 0.25, "2024-03-05T07:00:00+02:00", "FALSE"));
    rows.add(raw("Jp", null, "phone", null, null, null, -3.0, null, null, "false"));
    rows.add(raw(null, "tv", null, 20000.0, 33.0, 0.75, 7.0, 2.25, "2023-12-31 23:59:59", null));
    rows.add(raw("fr", "device.desktop", "web", 14610.0, 40.0, 0.5, 0.0, 0.0, "2024-01-01", "1"));
    return rows;
  }

  static RowData raw(String country, String device, String channel, Double ageDays, Double incomeK, Double score,
      Double visits, Double ratioSq, String seen, String vip) {
    RowData r = new RowData();
    put(r, "country_raw", country);
    put(r, "device", device);
    put(r, "channel", channel);
    put(r, "age_days", ageDays);
    put(r, "income_k", incomeK);
    put(r, "score", score);
    put(r, "visits", visits);
    put(r, "ratio_sq", ratioSq);
    put(r, "seen", seen);
    put(r, "vip", vip);
    return r;
  }

  private static void put(RowData r, String k, Object v) {
    if (v != null) {
      r.put(k, v);
    }
  }

  /** The spec's steps in Java, for the plain model: the reference. */
  static RowData transformed(RowData raw) {
    RowData t = new RowData();
    String country = (String) raw.get("country_raw");
    if (country != null) {
      String key = country.trim().toLowerCase(Locale.ROOT);
      String mapped = Arrays.asList("br", "de", "fr", "jp", "us").contains(key) ? key.toUpperCase(Locale.ROOT) : "ZZ";
      t.put("country", mapped);
    }
    put(t, "device", raw.get("device"));
    put(t, "channel", raw.get("channel"));
    Double ageDays = (Double) raw.get("age_days");
    put(t, "age", ageDays == null ? null : ageDays / 365.25);
    Double incomeK = (Double) raw.get("income_k");
    put(t, "income", incomeK == null ? null : incomeK * 1000);
    Double score = (Double) raw.get("score");
    String seen = (String) raw.get("seen");
    if (score == null && seen != null) {
      score = hourUtc(seen) / 24;
    }
    t.put("score", score == null ? 0.5 : score);
    Double ratioSq = (Double) raw.get("ratio_sq");
    put(t, "ratio", ratioSq == null ? null : Math.sqrt(ratioSq));
    Double visits = (Double) raw.get("visits");
    Boolean vip = bool((String) raw.get("vip"));
    if (visits != null && vip != null) {
      double v = Math.min(Math.max(visits, 0), 20);
      t.put("visits", vip ? v + 1 : v);
    }
    return t;
  }

  private static double hourUtc(String iso) {
    String s = iso.length() == 10 ? iso + "T00:00:00Z" : iso.replace(' ', 'T');
    OffsetDateTime t = s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$") ? OffsetDateTime.parse(s)
        : LocalDateTime.parse(s).atOffset(ZoneOffset.UTC);
    return t.withOffsetSameInstant(ZoneOffset.UTC).getHour();
  }

  private static Boolean bool(String s) {
    if (s == null) {
      return null;
    }
    return s.equalsIgnoreCase("true") || s.equals("1");
  }

  static void assertSamePrediction(String what, AutoEncoderModelPrediction want, AutoEncoderModelPrediction got) {
    assertEquals(what + ": mse", Double.doubleToLongBits(want.mse), Double.doubleToLongBits(got.mse));
    assertArrayEquals(what + ": reconstructed", want.reconstructed, got.reconstructed, 0.0);
    assertArrayEquals(what + ": squaredErrors", want.squaredErrors, got.squaredErrors, 0.0);
    assertArrayEquals(what + ": original", want.original, got.original, 0.0);
    assertEquals(what + ": reconstructedRowData", want.reconstructedRowData, got.reconstructedRowData);
  }

  // ------------------------------------------------------------------------------- scoring

  @Test
  public void rawRowsScoreAsThePlainModelScoresTheTransformedRows() throws PredictException {
    List<RowData> rows = rawRows();
    for (int i = 0; i < rows.size(); i++) {
      AutoEncoderModelPrediction want = plain.predictAutoEncoder(transformed(rows.get(i)));
      assertSamePrediction("row " + i, want, piped.predictAutoEncoder(rows.get(i)));
    }
  }

  @Test
  public void aBatchCrossesOnceAndEqualsTheSingleRows() throws PredictException {
    List<RowData> rows = rawRows();
    for (int k = 0; k < 300; k++) { // more than one native chunk's worth of text offsets per call
      rows.add(rows.get(k % 5));
    }
    AutoEncoderModelPrediction[] batch = piped.predictAutoEncoderBatch(rows);
    assertEquals(rows.size(), batch.length);
    for (int i = 0; i < rows.size(); i++) {
      assertSamePrediction("row " + i, piped.predictAutoEncoder(rows.get(i)), batch[i]);
    }
    assertEquals(0, piped.predictAutoEncoderBatch(new ArrayList<RowData>()).length);
  }

  @Test
  public void decisionsAndDeepFeaturesComeFromTheSameCall() throws PredictException {
    EasyPredictModelWrapper.Config c = new EasyPredictModelWrapper.Config().setThreshold(0.05).setExplain(2)
        .setDeepFeaturesLayer(0);
    EasyPredictModelWrapper a = new EasyPredictModelWrapper(c.setModel(plainModel));
    EasyPredictModelWrapper b = new EasyPredictModelWrapper(
        new EasyPredictModelWrapper.Config().setThreshold(0.05).setExplain(2).setDeepFeaturesLayer(0)
            .setModel(pipedModel));
    List<RowData> rows = rawRows();
    AutoEncoderModelPrediction[] batch = b.predictAutoEncoderBatch(rows);
    for (int i = 0; i < rows.size(); i++) {
      AutoEncoderModelPrediction want = a.predictAutoEncoder(transformed(rows.get(i)));
      for (AutoEncoderModelPrediction got : new AutoEncoderModelPrediction[] {b.predictAutoEncoder(rows.get(i)), batch[i]}) {
        assertSamePrediction("row " + i, want, got);
        assertEquals(want.anomaly, got.anomaly);
        assertArrayEquals(want.explanationColumns, got.explanationColumns);
        assertArrayEquals(want.explanationShares, got.explanationShares, 0.0);
        assertArrayEquals(want.deepFeatures, got.deepFeatures, 0.0);
      }
    }
  }

  @Test
  public void javaValueTypesCrossAsTheirTextOrNumber() throws PredictException {
    RowData text = rawRows().get(0);
    text.remove("score"); // the score then comes from the hour of `seen`
    RowData typed = (RowData) text.clone();
    typed.put("seen", Instant.parse("2024-03-05T14:30:00Z"));
    typed.put("vip", Boolean.TRUE);
    typed.put("income_k", new BigDecimal("52.5"));
    typed.put("visits", Integer.valueOf(3));
    AutoEncoderModelPrediction want = piped.predictAutoEncoder(text);
    assertSamePrediction("typed", want, piped.predictAutoEncoder(typed));
    typed.put("seen", java.util.Date.from(Instant.parse("2024-03-05T14:30:00Z")));
    assertSamePrediction("Date", want, piped.predictAutoEncoder(typed));
    typed.put("seen", OffsetDateTime.parse("2024-03-05T16:30:00+02:00"));
    assertSamePrediction("OffsetDateTime", want, piped.predictAutoEncoder(typed));
    typed.put("seen", LocalDateTime.parse("2024-03-05T14:30:00"));
    assertSamePrediction("LocalDateTime (UTC)", want, piped.predictAutoEncoder(typed));
    typed.put("seen", new java.sql.Timestamp(Instant.parse("2024-03-05T14:30:00.25Z").toEpochMilli()));
    assertSamePrediction("Timestamp with millis (same hour)", want, piped.predictAutoEncoder(typed));
    RowData extra = (RowData) text.clone();
    extra.put("not_an_input", new Object());
    assertSamePrediction("extra keys are ignored", want, piped.predictAutoEncoder(extra));
  }

  // -------------------------------------------------------------------------------- errors

  @Test
  public void aDomainErrorIsAPipelineExceptionNamingStepAndColumn() {
    RowData bad = rawRows().get(0);
    bad.put("ratio_sq", -4.0);
    try {
      piped.predictAutoEncoder(bad);
      fail("sqrt of -4 must fail the row");
    } catch (PredictPipelineException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("step 7"));
      assertTrue(e.getMessage(), e.getMessage().contains("ratio"));
      assertTrue(e.getMessage(), e.getMessage().startsWith("column '" + e.getColumnName() + "': "));
      assertTrue(e instanceof PredictException);
    } catch (PredictException e) {
      fail("not a PredictPipelineException: " + e);
    }
  }

  @Test
  public void badTextForANumberOrATimestampIsARowError() {
    for (String[] cell : new String[][] {{"age_days", "abc"}, {"seen", "not a time"}}) {
      RowData bad = rawRows().get(0);
      bad.put(cell[0], cell[1]);
      try {
        piped.predictAutoEncoder(bad);
        fail(cell[0] + "=" + cell[1] + " must fail the row");
      } catch (PredictPipelineException e) {
        assertTrue(e.getMessage(), e.getMessage().contains(cell[0]));
      } catch (PredictException e) {
        fail("not a PredictPipelineException: " + e);
      }
    }
  }

  @Test
  public void aTransformedRowGetsGenmodelsConversionErrors() throws PredictException {
    RowData mars = rawRows().get(0);
    mars.put("country_raw", "Mars"); // mapped to the default ZZ: not a level of country
    try {
      piped.predictAutoEncoder(mars);
      fail("ZZ is no level of country");
    } catch (PredictUnknownCategoricalLevelException e) {
      assertEquals("Unknown categorical level (country,ZZ)", e.getMessage());
      assertEquals("country", e.getColumnName());
      assertEquals("ZZ", e.getUnknownLevel());
    }
    EasyPredictModelWrapper lenient = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
        .setModel(pipedModel).setConvertUnknownCategoricalLevelsToNa(true));
    EasyPredictModelWrapper lenientPlain = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
        .setModel(plainModel).setConvertUnknownCategoricalLevelsToNa(true));
    assertSamePrediction("unknown to NA", lenientPlain.predictAutoEncoder(transformed(mars)),
        lenient.predictAutoEncoder(mars));
  }

  @Test
  public void theErrorConsumerGetsThePipelineErrorBeforeTheThrow() {
    final List<String> calls = new ArrayList<String>();
    EasyPredictModelWrapper w = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
        .setModel(pipedModel)
        .setErrorConsumer(new EasyPredictModelWrapper.ErrorConsumer() {
          @Override
          public void dataTransformError(String columnName, Object value, String message) {
            calls.add(columnName + "|" + value + "|" + message);
          }

          @Override
          public void unseenCategorical(String columnName, Object value, String message) {
            calls.add("unseen " + columnName);
          }
        }));
    RowData bad = rawRows().get(0);
    bad.put("age_days", "abc");
    try {
      w.predictAutoEncoder(bad);
      fail("must throw");
    } catch (PredictException e) {
      assertEquals(1, calls.size());
      assertTrue(calls.get(0), calls.get(0).endsWith("|" + e.getMessage()));
      assertTrue(calls.get(0), calls.get(0).startsWith(((PredictPipelineException) e).getColumnName() + "|"));
    }
  }

  @Test
  public void aBadRowFailsTheBatchNamingTheRow() {
    List<RowData> rows = rawRows();
    RowData bad = (RowData) rows.get(1).clone();
    bad.put("ratio_sq", -1.0);
    rows.set(3, bad);
    try {
      piped.predictAutoEncoderBatch(rows);
      fail("row 3 must fail the batch");
    } catch (PredictBatchException e) {
      assertEquals(3, e.rowIndex);
      assertTrue(e.getCause() instanceof PredictPipelineException);
      assertEquals("Row 3: " + e.getCause().getMessage(), e.getMessage());
    } catch (PredictException e) {
      fail("not a PredictBatchException: " + e);
    }
  }

  // ------------------------------------------------------------------------- the model

  @Test
  public void theModelDescribesItsPipelineInputs() {
    assertTrue(pipedModel.hasPipeline());
    assertFalse(plainModel.hasPipeline());
    assertTrue(plainModel.getPipelineInputs().isEmpty());
    List<PipelineInput> inputs = pipedModel.getPipelineInputs();
    assertEquals(10, inputs.size());
    assertEquals("country_raw", inputs.get(0).getName());
    assertSame(PipelineInput.Type.STRING, inputs.get(0).getType());
    assertSame(PipelineInput.Type.NUMBER, inputs.get(3).getType());
    assertEquals("seen", inputs.get(8).getName());
    assertSame(PipelineInput.Type.TIMESTAMP, inputs.get(8).getType());
    assertSame(PipelineInput.Type.BOOLEAN, inputs.get(9).getType());
    // the model's own columns are still the post-pipeline ones
    assertArrayEquals(plainModel.getNames(), pipedModel.getNames());
  }

  @Test
  public void aSidecarBesideTheFileIsLoadedAndSerializedWithTheModel() throws Exception {
    Path dir = Files.createTempDirectory("ae4j-pipeline");
    Path model = dir.resolve("synth_tanh.zip");
    Files.write(model, zip);
    Files.write(dir.resolve("synth_tanh.zip.ae4j-pipeline.json"), SPEC.getBytes(StandardCharsets.UTF_8));
    RowData row = rawRows().get(1);
    AutoEncoderModelPrediction want = piped.predictAutoEncoder(row);
    try (AutoEncoderModel m = AutoEncoderModel.load(model); MojoModel mm = MojoModel.load(model.toString())) {
      assertTrue(m.hasPipeline() && mm.hasPipeline());
      assertSamePrediction("sidecar", want, new EasyPredictModelWrapper(m).predictAutoEncoder(row));
      assertSamePrediction("MojoModel", want, new EasyPredictModelWrapper(mm).predictAutoEncoder(row));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(new EasyPredictModelWrapper(m));
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        EasyPredictModelWrapper back = (EasyPredictModelWrapper) in.readObject();
        assertTrue(back.m.hasPipeline());
        assertSamePrediction("deserialized", want, back.predictAutoEncoder(row));
        back.m.close();
      }
    }
  }

  @Test
  public void aSpecThatMissesAModelColumnOrDoesNotParseFailsTheLoad() {
    String noRatio = SPEC.replace("\"ratio_sq\"]}", "\"ratio_sq\", \"ratio\"]}");
    String[][] cases = {{noRatio, "ratio"}, {"{\"ae4j_pipeline\": 1, \"inputs\": [", "pipeline"},
        {SPEC.replace("sqrt(ratio_sq)", "sqrt(ratio_sq"), "ratio"}};
    for (String[] c : cases) {
      assertFalse("the test's edit applies", c[0].equals(SPEC));
      try {
        AutoEncoderModel.load(zip, "synth_tanh.zip", null, c[0].getBytes(StandardCharsets.UTF_8)).close();
        fail("must not load: " + c[0]);
      } catch (IOException e) {
        assertTrue(e.getMessage(), e.getMessage().contains(c[1]));
      }
    }
  }

  @Test
  public void aClosedPipelineModelRefusesRows() throws IOException {
    AutoEncoderModel m = AutoEncoderModel.load(zip, "synth_tanh.zip", null, SPEC.getBytes(StandardCharsets.UTF_8));
    EasyPredictModelWrapper w = new EasyPredictModelWrapper(m);
    m.close();
    try {
      w.predictAutoEncoder(rawRows().get(0));
      fail("closed");
    } catch (IllegalStateException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("closed"));
    } catch (PredictException e) {
      fail(e.toString());
    }
  }

  @Test
  public void scoreCellsChecksItsArguments() {
    CellBatch cells = new CellBatch(10, 1);
    cells.addRow();
    double[] d = new double[100];
    try {
      plainModel.scoreCells(cells, false, false, d, d, d, d, Double.NaN, 0, null, 0, null, new String[3]);
      fail("no pipeline");
    } catch (IllegalStateException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("no preprocessing pipeline"));
    }
    try {
      pipedModel.scoreCells(new CellBatch(3, 1), false, false, d, d, d, d, Double.NaN, 0, null, 0, null, new String[3]);
      fail("3 columns for 10 inputs");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("10 inputs"));
    }
    try {
      pipedModel.scoreCells(cells, false, false, new double[1], d, d, d, Double.NaN, 0, null, 0, null, new String[3]);
      fail("short raw output");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("rawOut"));
    }
    String[] failures = new String[3];
    assertEquals(1, pipedModel.scoreCells(cells, false, false, d, d, d, d, Double.NaN, 0, null, 0, null, failures));
    assertNull(failures[0]); // an all-missing row scores
  }

  @Test
  public void cellsMayBePutInAnyOrder() {
    CellBatch b = new CellBatch(3, 1);
    b.addRow();
    b.put(2, "zz");
    b.put(0, "a");
    b.put(1, 1.5);
    b.addRow();
    b.put(1, "é");
    b.closeRow();
    assertEquals(2, b.rows());
    assertEquals("azz", new String(b.text, 0, 3, StandardCharsets.UTF_8));
    assertArrayEquals(new int[] {1, 1, 3, 3, 5, 5}, Arrays.copyOf(b.textEnds, 6));
    assertEquals(CellBatch.NUMBER, b.kinds[1]);
    assertEquals(CellBatch.MISSING, b.kinds[3]);
    b.clear();
    assertEquals(0, b.rows());
  }
}
