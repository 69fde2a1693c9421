package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hex.genmodel.GenModel;
import hex.genmodel.annotations.ModelPojo;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * H2O POJOs through both routes (the {@code .java} source, parsed; a compiled instance, read by
 * reflection with a probed activation): bit-identical to the MOJO on every fixture row, genmodel's
 * POJO bugs not copied, wrong objects refused, serialization, and genmodel's classic POJO
 * program with ae4j's imports. (FixtureConformanceTest checks every POJO route against the
 * fixtures' genmodel and server numbers.)
 */
public class PojoTest {

  private static JsonObject fixture(String name) throws Exception {
    return Fixtures.read(new File(Fixtures.dir(), "cases/" + name + ".json"));
  }

  private static EasyPredictModelWrapper wrap(AutoEncoderModel m, boolean lenient) {
    return new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config().setModel(m)
        .setConvertUnknownCategoricalLevelsToNa(lenient).setConvertInvalidNumbersToNa(lenient));
  }

  @Test
  public void bothPojoRoutesAreBitIdenticalToTheMojoOnEveryFixtureRow() throws Exception {
    List<String> problems = new ArrayList<String>();
    int compared = 0;
    for (File f : Fixtures.caseFiles()) {
      JsonObject c = Fixtures.read(f);
      String name = c.get("name").getAsString();
      try (AutoEncoderModel mojo = MojoModel.load(Fixtures.model(c).getPath());
          AutoEncoderModel source = AutoEncoderModel.load(Fixtures.pojo(c).getPath());
          AutoEncoderModel compiled = AutoEncoderModel.fromPojo(Fixtures.pojoInstance(c))) {
        assertEquals(name, mojo.getActivation(), source.getActivation());
        assertEquals(name, mojo.getActivation(), compiled.getActivation());
        assertArrayEquals(name, mojo.getLayerSizes(), compiled.getLayerSizes());
        assertArrayEquals(name, mojo.getSlotNames(), compiled.getSlotNames());
        assertEquals(name, name, compiled.getModelId());
        for (boolean lenient : new boolean[] {false, true}) {
          EasyPredictModelWrapper ref = wrap(mojo, lenient);
          EasyPredictModelWrapper[] pojos = {wrap(source, lenient), wrap(compiled, lenient)};
          for (JsonElement re : c.getAsJsonArray("rows")) {
            JsonObject row = re.getAsJsonObject();
            RowData input = Fixtures.rowData(row.getAsJsonObject("input"));
            FixtureConformanceTest.Outcome want = FixtureConformanceTest.Outcome.of(ref, input);
            for (int k = 0; k < 2; k++) {
              String where = name + (k == 0 ? " [pojo]" : " [pojo-class]") + " row " + row.get("id")
                  + (lenient ? " lenient" : "");
              FixtureConformanceTest.Outcome got = FixtureConformanceTest.Outcome.of(pojos[k], input);
              compared++;
              if (want.error != null || got.error != null) {
                if (want.error == null || got.error == null || want.error.getClass() != got.error.getClass()
                    || !want.error.getMessage().equals(got.error.getMessage())) {
                  problems.add(where + ": " + got.describe() + ", the MOJO gives " + want.describe());
                }
                continue;
              }
              AutoEncoderModelPrediction a = want.prediction;
              AutoEncoderModelPrediction b = got.prediction;
              if (!Fixtures.bitEqual(a.original, b.original) || !Fixtures.bitEqual(a.reconstructed, b.reconstructed)
                  || !Fixtures.bitEqual(a.squaredErrors, b.squaredErrors)
                  || Double.doubleToRawLongBits(a.mse) != Double.doubleToRawLongBits(b.mse)
                  || !a.reconstructedRowData.equals(b.reconstructedRowData)) {
                problems.add(where + ": " + Fixtures.str(b.reconstructed) + " mse " + b.mse + ", the MOJO gives "
                    + Fixtures.str(a.reconstructed) + " mse " + a.mse);
              }
            }
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " differences from the MOJO, e.g.\n  "
          + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
    }
    assertTrue(compared > 1000);
  }

  // ------------------------------------------------------------------ genmodel's POJO bugs

  private static hex.genmodel.easy.RowData hexRow(JsonObject input) {
    hex.genmodel.easy.RowData rd = new hex.genmodel.easy.RowData();
    for (Map.Entry<String, JsonElement> e : input.entrySet()) {
      rd.put(e.getKey(), Fixtures.value(e.getValue()));
    }
    return rd;
  }

  private static JsonObject firstCompleteNormalRow(JsonObject c) {
    for (JsonElement re : c.getAsJsonArray("rows")) {
      JsonObject row = re.getAsJsonObject();
      if (row.get("kind").getAsString().equals("normal")
          && row.getAsJsonObject("input").size() == c.getAsJsonArray("columns").size()) {
        return row.getAsJsonObject("input");
      }
    }
    throw new AssertionError("no complete normal row");
  }

  @Test
  public void genmodelsPojoMseIsMinusOneOursIsTheMojos() throws Exception {
    JsonObject c = fixture("synth_tanh");
    JsonObject input = firstCompleteNormalRow(c);
    hex.genmodel.easy.EasyPredictModelWrapper genmodelPojo =
        new hex.genmodel.easy.EasyPredictModelWrapper((GenModel) Fixtures.pojoInstance(c));
    hex.genmodel.easy.prediction.AutoEncoderModelPrediction g = genmodelPojo.predictAutoEncoder(hexRow(input));
    assertEquals(-1.0, g.mse, 0.0);
    try (AutoEncoderModel mojo = MojoModel.load(Fixtures.model(c).getPath())) {
      AutoEncoderModelPrediction want = new EasyPredictModelWrapper(mojo).predictAutoEncoder(Fixtures.rowData(input));
      AutoEncoderModelPrediction got = new EasyPredictModelWrapper(Fixtures.pojoInstance(c))
          .predictAutoEncoder(Fixtures.rowData(input));
      assertTrue(got.mse > 0);
      assertEquals(Double.doubleToRawLongBits(want.mse), Double.doubleToRawLongBits(got.mse));
      assertTrue(Fixtures.bitEqual(want.squaredErrors, got.squaredErrors));
      // the reconstruction is genmodel's POJO's (1e-9; the MSE is the part it lacks)
      assertNull(Fixtures.compare("genmodel POJO reconstructed", g.reconstructed, got.reconstructed));
    }
  }

  @Test
  public void standardizeFalsePojosScoreWhereGenmodelsThrowNullPointerException() throws Exception {
    for (String name : new String[] {"synth_tanh_nostd", "iris_rectdropout_nostd"}) {
      JsonObject c = fixture(name);
      JsonObject input = firstCompleteNormalRow(c);
      try {
        new hex.genmodel.easy.EasyPredictModelWrapper((GenModel) Fixtures.pojoInstance(c))
            .predictAutoEncoder(hexRow(input));
        fail(name + ": genmodel's POJO scored a standardize=false row; the test's premise is gone");
      } catch (NullPointerException expected) {
        // genmodel's bug: NORMMUL.VALUES is null
      }
      try (AutoEncoderModel mojo = MojoModel.load(Fixtures.model(c).getPath());
          AutoEncoderModel pojo = AutoEncoderModel.fromPojo(Fixtures.pojoInstance(c))) {
        assertEquals(c.getAsJsonObject("params").get("activation").getAsString(), pojo.getActivation());
        AutoEncoderModelPrediction want = new EasyPredictModelWrapper(mojo).predictAutoEncoder(Fixtures.rowData(input));
        AutoEncoderModelPrediction got = new EasyPredictModelWrapper(pojo).predictAutoEncoder(Fixtures.rowData(input));
        assertTrue(name, Fixtures.bitEqual(want.reconstructed, got.reconstructed));
        assertEquals(name, want.mse, got.mse, 0.0);
      }
    }
  }

  @Test
  public void expRectifierPojoScoresLikeItsMojoNotLikeGenmodelsIdentityPojo() throws Exception {
    JsonObject c = fixture("wine_exprectifier");
    JsonObject input = firstCompleteNormalRow(c);
    hex.genmodel.easy.prediction.AutoEncoderModelPrediction g =
        new hex.genmodel.easy.EasyPredictModelWrapper((GenModel) Fixtures.pojoInstance(c))
            .predictAutoEncoder(hexRow(input));
    try (AutoEncoderModel mojo = MojoModel.load(Fixtures.model(c).getPath());
        AutoEncoderModel pojo = AutoEncoderModel.fromPojo(Fixtures.pojoInstance(c))) {
      assertEquals("ExpRectifier", pojo.getActivation());
      AutoEncoderModelPrediction want = new EasyPredictModelWrapper(mojo).predictAutoEncoder(Fixtures.rowData(input));
      AutoEncoderModelPrediction got = new EasyPredictModelWrapper(pojo).predictAutoEncoder(Fixtures.rowData(input));
      assertTrue(Fixtures.bitEqual(want.reconstructed, got.reconstructed));
      assertNotNull("genmodel's POJO (no activation) should differ from the MOJO",
          Fixtures.compare("genmodel POJO", want.reconstructed, g.reconstructed));
    }
  }

  @Test
  public void infinityFollowsTheMojoWhereGenmodelsPojoThrows() throws Exception {
    JsonObject c = fixture("synth_rectifier_skip");
    JsonObject input = firstCompleteNormalRow(c);
    hex.genmodel.easy.RowData genRow = hexRow(input);
    genRow.put("age", Double.POSITIVE_INFINITY);
    try {
      new hex.genmodel.easy.EasyPredictModelWrapper((GenModel) Fixtures.pojoInstance(c)).predictAutoEncoder(genRow);
      fail("genmodel's POJO scored an Infinity; the test's premise is gone");
    } catch (RuntimeException expected) {
      assertTrue(expected.getMessage(), expected.getMessage().contains("Numerical instability"));
    }
    RowData row = Fixtures.rowData(input);
    row.put("age", Double.POSITIVE_INFINITY);
    try (AutoEncoderModel mojo = MojoModel.load(Fixtures.model(c).getPath());
        AutoEncoderModel pojo = AutoEncoderModel.fromPojo(Fixtures.pojoInstance(c))) {
      AutoEncoderModelPrediction want = new EasyPredictModelWrapper(mojo).predictAutoEncoder(row);
      AutoEncoderModelPrediction got = new EasyPredictModelWrapper(pojo).predictAutoEncoder(row);
      assertTrue(Fixtures.bitEqual(want.reconstructed, got.reconstructed));
      assertEquals(Double.doubleToRawLongBits(want.mse), Double.doubleToRawLongBits(got.mse));
    }
  }

  // -------------------------------------------------------------------------- wrong objects

  /** A stand-in for a generated GBM POJO. */
  @ModelPojo(name = "fake_gbm", algorithm = "gbm")
  public static class FakeGbm extends GenModel {
    private static final long serialVersionUID = 1L;

    public FakeGbm() {
      super(new String[] {"x"}, new String[][] {null}, null);
    }

    @Override public hex.ModelCategory getModelCategory() { return hex.ModelCategory.Binomial; }
    @Override public String getUUID() { return "0"; }
    @Override public double[] score0(double[] data, double[] preds) { return preds; }
  }

  /** Says it is a deep-learning autoencoder but has none of the arrays. */
  @ModelPojo(name = "hollow", algorithm = "deeplearning")
  public static class Hollow extends GenModel {
    private static final long serialVersionUID = 1L;

    public Hollow() {
      super(new String[] {"x"}, new String[][] {null}, null);
    }

    @Override public hex.ModelCategory getModelCategory() { return hex.ModelCategory.AutoEncoder; }
    @Override public String getUUID() { return "0"; }
    @Override public double[] score0(double[] data, double[] preds) { return preds; }
  }

  private static String refusal(Object o) {
    try {
      new EasyPredictModelWrapper(o);
    } catch (IllegalArgumentException e) {
      try {
        AutoEncoderModel.fromPojo(o);
        fail("fromPojo accepted " + o);
      } catch (IllegalArgumentException e2) {
        assertEquals(e.getMessage(), e2.getMessage());
      }
      try {
        new EasyPredictModelWrapper.Config().setModel(o);
        fail("Config.setModel accepted " + o);
      } catch (IllegalArgumentException e3) {
        assertEquals(e.getMessage(), e3.getMessage());
      }
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + o);
  }

  @Test
  public void wrongObjectsAreRefusedSayingWhatTheyAre() throws Exception {
    assertTrue(refusal("hello").startsWith("not an H2O POJO: class java.lang.String"));
    assertTrue(refusal(new FakeGbm()).startsWith("a GBM Binomial POJO (io.ae4j.PojoTest$FakeGbm)"));
    String hollow = refusal(new Hollow());
    assertTrue(hollow, hollow.contains("no static CATOFFSETS"));
    hex.genmodel.MojoModel mojo = hex.genmodel.MojoModel.load(
        new File(Fixtures.dir(), "models/synth_tanh.zip").getPath());
    // genmodel's own MOJO object is not a POJO (fromPojo says so), but the wrapper and
    // Config.setModel(Object) take it (GenmodelMojoObjectTest)
    try {
      AutoEncoderModel.fromPojo(mojo);
      fail("fromPojo accepted genmodel's MOJO object");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage(), e.getMessage().startsWith("a MOJO model (hex.genmodel.algos.deeplearning.DeeplearningMojoModel)"));
    }
    try {
      new EasyPredictModelWrapper((Object) null);
      fail();
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("null"));
    }
  }

  @Test
  public void anAe4jModelOrConfigGivenAsObjectIsUsedAsSuch() throws Exception {
    try (AutoEncoderModel m = MojoModel.load(new File(Fixtures.dir(), "models/synth_tanh.zip").getPath())) {
      Object asObject = m;
      assertTrue(new EasyPredictModelWrapper(asObject).m == m);
      Object config = new EasyPredictModelWrapper.Config().setModel(m).setConvertInvalidNumbersToNa(true);
      EasyPredictModelWrapper w = new EasyPredictModelWrapper(config);
      assertTrue(w.m == m && w.getConvertInvalidNumbersToNa());
    }
  }

  // ------------------------------------------------------------- source bytes, serialization

  @Test
  public void pojoSourceLoadsFromBytesAndStreamsBySniffing() throws Exception {
    JsonObject c = fixture("breast_cancer_tanhdropout");
    byte[] src = Files.readAllBytes(Fixtures.pojo(c).toPath());
    double[] raw = new double[30];
    java.util.Arrays.fill(raw, Double.NaN);
    try (AutoEncoderModel mojo = MojoModel.load(Fixtures.model(c).getPath());
        AutoEncoderModel bytes = AutoEncoderModel.load(src);
        AutoEncoderModel stream = AutoEncoderModel.load(new ByteArrayInputStream(src))) {
      for (AutoEncoderModel m : new AutoEncoderModel[] {bytes, stream}) {
        assertEquals("pojo", m.getFormat());
        assertEquals("TanhWithDropout", m.getActivation());
        assertEquals(score(mojo, raw), score(m, raw));
      }
    }
  }

  private static String score(AutoEncoderModel m, double[] raw) {
    double[] rec = new double[m.getNumSlots()];
    double[] se = new double[m.getNumSlots()];
    double mse = m.score(raw, rec, se);
    return Fixtures.str(rec) + Fixtures.str(se) + mse;
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  public void pojoModelsAndWrappersSerialize() throws Exception {
    for (String name : new String[] {"wine_exprectifier", "synth_tanh_nostd", "iris_rectdropout_nostd"}) {
      JsonObject c = fixture(name);
      EasyPredictModelWrapper compiled = new EasyPredictModelWrapper(Fixtures.pojoInstance(c));
      AutoEncoderModel source = AutoEncoderModel.load(Fixtures.pojo(c).getPath());
      EasyPredictModelWrapper compiledBack = roundTrip(compiled);
      AutoEncoderModel sourceBack = roundTrip(source);
      assertEquals(compiled.m.getActivation(), compiledBack.m.getActivation());
      assertEquals("pojo-class", compiledBack.m.getFormat());
      assertEquals("pojo", sourceBack.getFormat());
      assertNotEquals(compiled.m, compiledBack.m);
      double[] raw = new double[compiled.m.nfeatures()];
      for (int i = 0; i < raw.length; i++) {
        raw[i] = compiled.m.getDomainValues(i) != null ? 0 : 0.5 * i;
      }
      String want = score(compiled.m, raw);
      assertEquals(name, want, score(compiledBack.m, raw));
      assertEquals(name, want, score(source, raw));
      assertEquals(name, want, score(sourceBack, raw));
      for (AutoEncoderModel m : new AutoEncoderModel[] {compiled.m, compiledBack.m, source, sourceBack}) {
        m.close();
      }
    }
  }

  // ------------------------------------------------------------- genmodel's classic program

  @Test
  public void theClassicPojoProgramRunsWithAe4jImportsAndPrintsGenmodelsNumbers() throws Exception {
    JsonObject c = fixture("synth_tanh");
    JsonObject input = firstCompleteNormalRow(c);
    List<String> args = new ArrayList<String>();
    args.add("synth_tanh");
    hex.genmodel.easy.RowData genRow = new hex.genmodel.easy.RowData();
    for (Map.Entry<String, JsonElement> e : input.entrySet()) {
      String v = e.getValue().getAsString(); // the program passes Strings, as a CSV reader would
      args.add(e.getKey());
      args.add(v);
      genRow.put(e.getKey(), v);
    }
    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, "UTF-8"));
    try {
      io.ae4j.examples.ClassicPojoProgram.main(args.toArray(new String[0]));
    } finally {
      System.setOut(saved);
    }
    String[] lines = new String(captured.toByteArray(), StandardCharsets.UTF_8).trim().split("\n");
    GenModel raw = (GenModel) Class.forName("synth_tanh").getDeclaredConstructor().newInstance();
    hex.genmodel.easy.prediction.AutoEncoderModelPrediction pojo =
        new hex.genmodel.easy.EasyPredictModelWrapper(raw).predictAutoEncoder(genRow);
    hex.genmodel.easy.prediction.AutoEncoderModelPrediction mojo =
        new hex.genmodel.easy.EasyPredictModelWrapper(hex.genmodel.MojoModel.load(Fixtures.model(c).getPath()))
            .predictAutoEncoder(genRow);
    assertEquals(pojo.reconstructed.length + 1, lines.length);
    for (int i = 0; i < pojo.reconstructed.length; i++) {
      String prefix = "reconstructed[" + i + "]: ";
      assertTrue(lines[i], lines[i].startsWith(prefix));
      double printed = Double.parseDouble(lines[i].substring(prefix.length()));
      assertTrue(lines[i] + " vs genmodel " + pojo.reconstructed[i], Fixtures.close(pojo.reconstructed[i], printed));
    }
    // genmodel's POJO path says -1; the MSE printed is genmodel's MOJO MSE
    assertEquals(-1.0, pojo.mse, 0.0);
    assertTrue(lines[lines.length - 1], lines[lines.length - 1].startsWith("MSE: "));
    assertTrue(Fixtures.close(mojo.mse, Double.parseDouble(lines[lines.length - 1].substring(5))));
  }

  @Test
  public void theClassicProgramRefusesAWrongClass() throws Exception {
    try {
      io.ae4j.examples.ClassicPojoProgram.main(new String[] {"io.ae4j.PojoTest$FakeGbm"});
      fail();
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage(), expected.getMessage().startsWith("a GBM Binomial POJO"));
    }
  }
}
