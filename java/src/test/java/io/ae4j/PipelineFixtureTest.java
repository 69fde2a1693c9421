package io.ae4j;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.ae4j.exception.PredictBatchException;
import io.ae4j.exception.PredictException;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The pipeline fixture of issue #22 ({@code tests/fixtures/pipeline/}, format in
 * {@code tests/fixtures/README.md}): an autoencoder trained by H2O on features made by pandas and
 * scikit-learn, and the spec that says the same. Its raw rows, given to the Java route as
 * {@link RowData} of raw cells (the CSV text, and the typed JSON record), must score as genmodel
 * scored the transformed rows (1e-9 relative), through the spec as a MOJO zip entry, as a sidecar
 * of the MOJO and as a sidecar of the POJO source; the six rows the spec refuses must be
 * {@link PredictPipelineException}s whose message names the fixture's column (and step).
 */
public class PipelineFixtureTest {
  static JsonObject cases;
  static List<AutoEncoderModel> models = new ArrayList<AutoEncoderModel>();
  static Map<String, EasyPredictModelWrapper> routes = new LinkedHashMap<String, EasyPredictModelWrapper>();

  @BeforeClass
  public static void load() throws IOException {
    File dir = new File(Fixtures.dir(), "pipeline");
    cases = Fixtures.read(new File(dir, "cases.json"));
    byte[] mojo = Files.readAllBytes(new File(Fixtures.dir(), cases.get("mojo").getAsString()).toPath());
    byte[] spec = Files.readAllBytes(new File(Fixtures.dir(), cases.get("spec").getAsString()).toPath());
    Path tmp = Files.createTempDirectory("ae4j-pipeline-fixture");
    Path entry = tmp.resolve("pipeline_tanh.with-entry.zip");
    Files.write(entry, withEntry(mojo, MojoZip.PIPELINE, spec));
    Path pojo = tmp.resolve("pipeline_tanh.java");
    Files.copy(new File(Fixtures.dir(), cases.get("pojo").getAsString()).toPath(), pojo);
    Files.write(tmp.resolve("pipeline_tanh.java" + AutoEncoderModel.PIPELINE_SIDECAR_SUFFIX), spec);
    route("MOJO + zip entry", MojoModel.load(entry.toString()));
    route("MOJO + sidecar bytes", AutoEncoderModel.load(mojo, "pipeline_tanh.zip", null, spec));
    route("POJO source + sidecar", AutoEncoderModel.load(pojo));
  }

  private static void route(String name, AutoEncoderModel m) {
    assertTrue(name + " has the pipeline", m.hasPipeline());
    models.add(m);
    routes.put(name, new EasyPredictModelWrapper(m));
  }

  @AfterClass
  public static void close() {
    for (AutoEncoderModel m : models) {
      m.close();
    }
  }

  /** The MOJO with one more entry (what {@code ae4j pipeline attach} writes). */
  static byte[] withEntry(byte[] zip, String name, byte[] content) throws IOException {
    Path f = Files.createTempFile("ae4j", ".zip");
    Files.write(f, zip);
    Map<String, byte[]> entries = new LinkedHashMap<String, byte[]>();
    try (ZipFile z = new ZipFile(f.toFile())) {
      for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
        ZipEntry ze = e.nextElement();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (java.io.InputStream in = z.getInputStream(ze)) {
          for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
          }
        }
        entries.put(ze.getName(), out.toByteArray());
      }
    }
    Files.delete(f);
    entries.put(name, content);
    return MojoZip.zip(entries);
  }

  /** The CSV cells as text ("" is missing: not put), as a CSV reader builds the RowData. */
  static RowData rawText(JsonObject row) {
    RowData r = new RowData();
    for (Map.Entry<String, JsonElement> e : row.getAsJsonObject("raw").entrySet()) {
      String v = e.getValue().getAsString();
      if (!v.isEmpty()) {
        r.put(e.getKey(), v);
      }
    }
    return r;
  }

  /** The typed record: numbers as Doubles, booleans as Booleans, text as Strings. */
  static RowData rawTyped(JsonObject row) {
    RowData r = new RowData();
    for (Map.Entry<String, JsonElement> e : row.getAsJsonObject("raw_typed").entrySet()) {
      JsonPrimitive p = e.getValue().getAsJsonPrimitive();
      r.put(e.getKey(), p.isBoolean() ? (Object) p.getAsBoolean()
          : p.isNumber() ? (Object) Double.valueOf(p.getAsString()) : p.getAsString());
    }
    return r;
  }

  static List<JsonObject> rows() {
    List<JsonObject> out = new ArrayList<JsonObject>();
    for (JsonElement e : cases.getAsJsonArray("rows")) {
      out.add(e.getAsJsonObject());
    }
    return out;
  }

  static String checkScores(String at, JsonObject want, AutoEncoderModelPrediction got) {
    String diff = Fixtures.compare(at + " reconstructed", Fixtures.ds(want.getAsJsonArray("reconstructed")),
        got.reconstructed);
    if (diff == null) {
      diff = Fixtures.compare(at + " original", Fixtures.ds(want.getAsJsonArray("original")), got.original);
    }
    if (diff == null && !Fixtures.close(Fixtures.d(want.get("mse")), got.mse)) {
      diff = at + " mse " + got.mse + ", genmodel " + want.get("mse");
    }
    return diff;
  }

  @Test
  public void rawRowsScoreAsGenmodelScoredTheTransformedRows() {
    int scored = 0;
    int refused = 0;
    List<String> problems = new ArrayList<String>();
    for (Map.Entry<String, EasyPredictModelWrapper> route : routes.entrySet()) {
      for (JsonObject row : rows()) {
        for (boolean typed : new boolean[] {false, true}) {
          String at = route.getKey() + (typed ? " typed" : " text") + " row " + row.get("id");
          RowData raw = typed ? rawTyped(row) : rawText(row);
          String problem = score(at, route.getValue(), raw, row);
          if (problem != null) {
            problems.add(problem);
          } else if (row.get("expected_error").isJsonNull()) {
            scored++;
          } else {
            refused++;
          }
        }
      }
    }
    assertTrue(problems.size() + " problems, first: " + problems, problems.isEmpty());
    assertEquals(3 * 2 * (rows().size() - 6), scored);
    assertEquals(3 * 2 * 6, refused);
  }

  /** null when the row scores as genmodel (or fails as the fixture says), else what differs. */
  private static String score(String at, EasyPredictModelWrapper w, RowData raw, JsonObject row) {
    JsonElement error = row.get("expected_error");
    try {
      AutoEncoderModelPrediction p = w.predictAutoEncoder(raw);
      if (!error.isJsonNull()) {
        return at + ": scored, the fixture expects " + error;
      }
      return checkScores(at, row.getAsJsonObject("genmodel").getAsJsonObject("default"), p);
    } catch (PredictPipelineException e) {
      if (error.isJsonNull()) {
        return at + ": " + e.getMessage();
      }
      JsonObject want = error.getAsJsonObject();
      // The fixture names the step's column for a step's error; the core names the operand's
      // column and the step (`column 'balance': step 3 (derive ratio): ...`): the message must
      // name the fixture's column either way.
      String column = want.get("column").getAsString();
      if (e.getColumnName() == null || !e.getMessage().contains(column)) {
        return at + ": the message does not name column " + column + ": " + e.getMessage();
      }
      JsonElement step = want.get("step");
      if (!step.isJsonNull() && !e.getMessage().contains("step " + step.getAsInt())) {
        return at + ": the message does not name step " + step + ": " + e.getMessage();
      }
      return null;
    } catch (PredictException e) {
      return at + ": " + e;
    }
  }

  @Test
  public void theTransformedValuesAreTheReferencesBitForBit() throws PredictException {
    // The numeric slots of `original` are the transformed row as the model got it: the core's
    // arithmetic is libm's, so it must equal transformed_libm exactly (see the fixture README).
    EasyPredictModelWrapper w = routes.values().iterator().next();
    String[] slots = Fixtures.strings(cases.getAsJsonArray("slot_names"));
    int checked = 0;
    for (JsonObject row : rows()) {
      if (!row.get("expected_error").isJsonNull()) {
        continue;
      }
      JsonObject want = row.has("transformed_libm") ? row.getAsJsonObject("transformed_libm")
          : row.getAsJsonObject("transformed");
      AutoEncoderModelPrediction p = w.predictAutoEncoder(rawText(row));
      for (int s = 0; s < slots.length; s++) {
        JsonElement v = want.get(slots[s]);
        if (v == null || v.isJsonNull() || !v.getAsJsonPrimitive().isNumber()) {
          continue; // a categorical's slots, or a missing value
        }
        double expected = Double.parseDouble(v.getAsString());
        assertEquals("row " + row.get("id") + " " + slots[s], Double.doubleToLongBits(expected),
            Double.doubleToLongBits(p.original[s]));
        checked++;
      }
    }
    assertTrue("values checked: " + checked, checked > 1000);
  }

  @Test
  public void aBatchOfRawRowsIsOneCallAndEqualsTheSingleRows() throws PredictException {
    EasyPredictModelWrapper w = routes.values().iterator().next();
    List<RowData> good = new ArrayList<RowData>();
    List<RowData> all = new ArrayList<RowData>();
    int firstBad = -1;
    for (JsonObject row : rows()) {
      all.add(rawText(row));
      if (row.get("expected_error").isJsonNull()) {
        good.add(rawText(row));
      } else if (firstBad < 0) {
        firstBad = all.size() - 1;
      }
    }
    AutoEncoderModelPrediction[] batch = w.predictAutoEncoderBatch(good);
    for (int i = 0; i < good.size(); i++) {
      AutoEncoderModelPrediction one = w.predictAutoEncoder(good.get(i));
      assertTrue("row " + i, Fixtures.bitEqual(one.reconstructed, batch[i].reconstructed)
          && Double.doubleToLongBits(one.mse) == Double.doubleToLongBits(batch[i].mse));
    }
    try {
      w.predictAutoEncoderBatch(all);
      fail("the batch holds refused rows");
    } catch (PredictBatchException e) {
      assertEquals(firstBad, e.rowIndex);
      assertTrue(e.getCause() instanceof PredictPipelineException);
    }
  }
}
