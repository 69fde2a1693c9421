package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.ae4j.exception.PredictException;
import io.ae4j.exception.PredictUnknownCategoricalLevelException;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * Every row of every fixture case (tests/fixtures/cases/*.json), under genmodel's four Config
 * variants, through the JNI bridge: the same numbers as h2o-genmodel 3.46.0.7 (1e-9 relative,
 * 1e-12 absolute near zero) and the same exception class and message, except for ae4j's
 * documented deliberate differences, which are checked against the H2O server's numbers or
 * against ae4j's own reading of the equivalent row:
 * <ul>
 *   <li>genmodel's mse is NaN because a numeric is missing: ours equals the server's MSE (or,
 *       with no server row, is finite and the mean of our squared errors);</li>
 *   <li>genmodel throws NullPointerException for a null value: ours equals the row without the
 *       key;</li>
 *   <li>genmodel throws PredictUnknownTypeException for an Integer/Long/Float in a numeric column:
 *       ours equals the row with that value as a Double.</li>
 * </ul>
 * Where the server scored the row, our per-slot squared errors equal its per-feature SE.
 *
 * <p>Each case runs three times, once per way to load the model: its MOJO, its POJO's
 * {@code .java} source, and its compiled POJO instance ({@link AutoEncoderModel#fromPojo}; the
 * fixture POJOs are compiled by the build). The case files' genmodel numbers come from the MOJO;
 * the POJO routes must give them too, including where genmodel's own POJO path does not
 * ({@code mse} -1, standardize=false, ExpRectifier).
 */
@RunWith(Parameterized.class)
public class FixtureConformanceTest {
  private static final Pattern NUMBER_TYPE =
      Pattern.compile("Unexpected object type java\\.lang\\.(Integer|Long|Float|Short|Byte) for numeric column (.*)");

  /** The ways to load a fixture model. */
  static final String[] ROUTES = {"mojo", "pojo", "pojo-class"};

  @Parameterized.Parameters(name = "{0} [{2}]")
  public static Collection<Object[]> cases() {
    List<Object[]> out = new ArrayList<Object[]>();
    for (File f : Fixtures.caseFiles()) {
      for (String route : ROUTES) {
        out.add(new Object[] {f.getName().replace(".json", ""), f, route});
      }
    }
    return out;
  }

  private final String name;
  private final File file;
  private final String route;

  public FixtureConformanceTest(String name, File file, String route) {
    this.name = name + " [" + route + "]";
    this.file = file;
    this.route = route;
  }

  /** The case's model, loaded by {@code route}. */
  static AutoEncoderModel load(JsonObject c, String route) throws Exception {
    if (route.equals("mojo")) {
      return MojoModel.load(Fixtures.model(c).getPath());
    }
    if (route.equals("pojo")) {
      return AutoEncoderModel.load(Fixtures.pojo(c).toPath());
    }
    return AutoEncoderModel.fromPojo(Fixtures.pojoInstance(c));
  }

  @Test
  public void everyRowMatchesGenmodelAndServer() throws Exception {
    JsonObject c = Fixtures.read(file);
    List<String> problems = new ArrayList<String>();
    int checked = 0;
    int deliberate = 0;
    int serverChecked = 0;
    try (AutoEncoderModel model = load(c, route)) {
      checkMetadata(c, model, route);
      EasyPredictModelWrapper[] wrappers = new EasyPredictModelWrapper[4];
      for (int k = 0; k < 4; k++) {
        wrappers[k] = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
            .setModel(model)
            .setConvertUnknownCategoricalLevelsToNa(k == 1 || k == 3)
            .setConvertInvalidNumbersToNa(k == 2 || k == 3));
      }
      for (JsonElement re : c.getAsJsonArray("rows")) {
        JsonObject row = re.getAsJsonObject();
        JsonObject input = row.getAsJsonObject("input");
        JsonObject server = row.get("server").isJsonNull() ? null : row.getAsJsonObject("server");
        for (int k = 0; k < 4; k++) {
          String where = name + " row " + row.get("id").getAsInt() + " (" + row.get("note").getAsString()
              + ") [" + Fixtures.CONFIGS[k] + "]";
          JsonObject expected = row.getAsJsonObject("genmodel").getAsJsonObject(Fixtures.CONFIGS[k]);
          Outcome ours = Outcome.of(wrappers[k], Fixtures.rowData(input));
          checked++;
          if (expected.has("error")) {
            JsonObject err = expected.getAsJsonObject("error");
            String cls = err.get("class").getAsString();
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            String msg = err.get("message").getAsString();
            Matcher numberType = NUMBER_TYPE.matcher(msg);
            if (simple.equals("NullPointerException")) {
              // deliberate: null is missing -> same as the row without the null-valued keys
              deliberate++;
              RowData without = Fixtures.rowData(input);
              boolean hadNull = false;
              for (Map.Entry<String, JsonElement> e : input.entrySet()) {
                if (e.getValue().isJsonNull()) {
                  without.remove(e.getKey());
                  hadNull = true;
                }
              }
              if (!hadNull) {
                problems.add(where + ": genmodel NPE on a row without a null value: " + msg);
                continue;
              }
              sameOutcome(where + " (null as missing)", Outcome.of(wrappers[k], without), ours, problems);
            } else if (simple.equals("PredictUnknownTypeException") && numberType.matches()) {
              // deliberate: any Number in a numeric column -> same as that value as a Double
              deliberate++;
              RowData asDouble = Fixtures.rowData(input);
              for (Map.Entry<String, Object> e : asDouble.entrySet()) {
                int col = model.getColIdx(e.getKey());
                if (col >= 0 && model.getDomainValues(col) == null && e.getValue() instanceof Number
                    && !(e.getValue() instanceof Double)) {
                  e.setValue(((Number) e.getValue()).doubleValue());
                }
              }
              sameOutcome(where + " (Number as Double)", Outcome.of(wrappers[k], asDouble), ours, problems);
              if (ours.prediction != null && server != null) {
                serverChecked++;
                checkServer(where, server, ours.prediction, problems);
              }
            } else if (ours.error == null) {
              problems.add(where + ": expected " + simple + " '" + msg + "', got a prediction (mse "
                  + ours.prediction.mse + ")");
            } else {
              String got = ours.error.getClass().getSimpleName();
              if (!got.equals(simple) || !msg.equals(ours.error.getMessage())) {
                problems.add(where + ": expected " + simple + " '" + msg + "', got " + got + " '"
                    + ours.error.getMessage() + "'");
              }
              if (ours.error instanceof PredictUnknownCategoricalLevelException) {
                PredictUnknownCategoricalLevelException u = (PredictUnknownCategoricalLevelException) ours.error;
                if (!msg.equals("Unknown categorical level (" + u.columnName + "," + u.unknownLevel + ")")) {
                  problems.add(where + ": columnName/unknownLevel " + u.columnName + "/" + u.unknownLevel);
                }
              }
            }
            continue;
          }
          if (ours.error != null) {
            problems.add(where + ": expected a prediction, got " + ours.error);
            continue;
          }
          AutoEncoderModelPrediction p = ours.prediction;
          add(problems, where, Fixtures.compare("original", Fixtures.ds(expected.getAsJsonArray("original")), p.original));
          add(problems, where, Fixtures.compare("reconstructed", Fixtures.ds(expected.getAsJsonArray("reconstructed")), p.reconstructed));
          checkRowData(where, model, expected.getAsJsonObject("reconstructedRowData"), p, problems);
          double gmMse = Fixtures.d(expected.get("mse"));
          double mean = mean(p.squaredErrors);
          if (!Fixtures.close(mean, p.mse)) {
            problems.add(where + ": mse " + p.mse + " is not the mean of squaredErrors " + mean);
          }
          if (Double.isNaN(gmMse)) {
            deliberate++;
            if (server != null) {
              if (!Fixtures.close(Fixtures.d(server.get("mse")), p.mse)) {
                problems.add(where + ": mse " + p.mse + ", server " + server.get("mse") + " (genmodel NaN)");
              }
            } else if (Double.isNaN(p.mse) || Double.isInfinite(p.mse)) {
              problems.add(where + ": mse " + p.mse + " not finite (genmodel NaN, no server row)");
            }
          } else if (!Fixtures.close(gmMse, p.mse)) {
            problems.add(where + ": mse " + p.mse + ", genmodel " + gmMse);
          }
          if (server != null) {
            serverChecked++;
            checkServer(where, server, p, problems);
          }
          if (p.predictions != p.reconstructed || p.feature != p.original
              || p.reconstrunctionError != p.squaredErrors
              || Double.doubleToRawLongBits(p.averageReconstructionError) != Double.doubleToRawLongBits(p.mse)) {
            problems.add(where + ": community-patch fields do not alias genmodel's");
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder(problems.size() + " mismatches in " + name + ":");
      for (int i = 0; i < Math.min(40, problems.size()); i++) {
        sb.append("\n  ").append(problems.get(i));
      }
      fail(sb.toString());
    }
    assertTrue("no rows checked in " + name, checked > 0);
    assertTrue("no server rows checked in " + name, serverChecked > 0);
    System.out.println(name + ": " + checked + " row x config checks, " + deliberate
        + " on deliberate differences, " + serverChecked + " against the server");
  }

  private static void checkServer(String where, JsonObject server, AutoEncoderModelPrediction p, List<String> problems) {
    add(problems, where, Fixtures.compare("squaredErrors vs server per_feature_se",
        Fixtures.ds(server.getAsJsonArray("per_feature_se")), p.squaredErrors));
    add(problems, where, Fixtures.compare("reconstructed vs server reconstruction",
        Fixtures.ds(server.getAsJsonArray("reconstruction")), p.reconstructed));
    if (!Fixtures.close(Fixtures.d(server.get("mse")), p.mse)) {
      problems.add(where + ": mse " + p.mse + ", server " + server.get("mse"));
    }
  }

  private static void checkMetadata(JsonObject c, AutoEncoderModel model, String route) {
    assertEquals(route, model.getFormat());
    assertArrayEquals(Fixtures.strings(c.getAsJsonArray("columns")), model.getNames());
    JsonArray domains = c.getAsJsonArray("domains");
    for (int i = 0; i < domains.size(); i++) {
      String[] expected = domains.get(i).isJsonNull() ? null : Fixtures.strings(domains.get(i).getAsJsonArray());
      assertArrayEquals("domain of column " + i, expected, model.getDomainValues(i));
    }
    String[] slots = Fixtures.strings(c.getAsJsonArray("slot_names"));
    assertArrayEquals(slots, model.getSlotNames());
    assertEquals(slots.length, model.getNumSlots());
    String[] outputs = model.getOutputNames();
    for (int i = 0; i < slots.length; i++) {
      assertEquals("reconstr_" + slots[i], outputs[i]);
    }
    int[] sizes = model.getLayerSizes();
    assertEquals(slots.length, sizes[0]);
    assertEquals(slots.length, sizes[sizes.length - 1]);
    // a compiled POJO does not carry the version (only its source's header comment does)
    assertEquals(route.equals("pojo-class") ? null : c.get("h2o_version").getAsString(), model.getH2OVersion());
    assertEquals(c.getAsJsonObject("params").get("activation").getAsString(), model.getActivation());
  }

  private static void checkRowData(String where, AutoEncoderModel model, JsonObject expected,
      AutoEncoderModelPrediction p, List<String> problems) {
    if (p.reconstructedRowData.size() != expected.size()) {
      problems.add(where + ": reconstructedRowData has " + p.reconstructedRowData.size() + " keys, expected " + expected.size());
    }
    for (Map.Entry<String, JsonElement> e : expected.entrySet()) {
      Object v = p.reconstructedRowData.get(e.getKey());
      if (e.getValue().isJsonObject()) {
        if (!(v instanceof Map)) {
          problems.add(where + ": reconstructedRowData[" + e.getKey() + "] is not a map: " + v);
          continue;
        }
        Map<?, ?> m = (Map<?, ?>) v;
        JsonObject levels = e.getValue().getAsJsonObject();
        if (m.size() != levels.size()) {
          problems.add(where + ": reconstructedRowData[" + e.getKey() + "] has " + m.size() + " levels");
        }
        for (Map.Entry<String, JsonElement> l : levels.entrySet()) {
          String key = l.getKey().equals("null") ? null : l.getKey(); // the Java null key
          Object got = m.get(key);
          if (!m.containsKey(key) || !(got instanceof Double)
              || !Fixtures.close(Fixtures.d(l.getValue()), (Double) got)) {
            problems.add(where + ": reconstructedRowData[" + e.getKey() + "][" + key + "] = " + got
                + ", expected " + l.getValue());
          }
        }
      } else if (!(v instanceof Double) || !Fixtures.close(Fixtures.d(e.getValue()), (Double) v)) {
        problems.add(where + ": reconstructedRowData[" + e.getKey() + "] = " + v + ", expected " + e.getValue());
      }
    }
  }

  private static void sameOutcome(String where, Outcome reference, Outcome ours, List<String> problems) {
    if (reference.error != null || ours.error != null) {
      if (reference.error == null || ours.error == null
          || reference.error.getClass() != ours.error.getClass()
          || !reference.error.getMessage().equals(ours.error.getMessage())) {
        problems.add(where + ": " + ours.describe() + ", the reference reading gives " + reference.describe());
      }
      return;
    }
    AutoEncoderModelPrediction a = reference.prediction;
    AutoEncoderModelPrediction b = ours.prediction;
    if (!Fixtures.bitEqual(a.original, b.original) || !Fixtures.bitEqual(a.reconstructed, b.reconstructed)
        || !Fixtures.bitEqual(a.squaredErrors, b.squaredErrors)
        || Double.doubleToRawLongBits(a.mse) != Double.doubleToRawLongBits(b.mse)
        || !a.reconstructedRowData.equals(b.reconstructedRowData)) {
      problems.add(where + ": " + ours.describe() + " differs from the reference reading " + reference.describe());
    }
  }

  private static void add(List<String> problems, String where, String problem) {
    if (problem != null) {
      problems.add(where + ": " + problem);
    }
  }

  private static double mean(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x;
    }
    return s / a.length;
  }

  /** A prediction or the exception thrown instead. */
  static final class Outcome {
    final AutoEncoderModelPrediction prediction;
    final Exception error;

    private Outcome(AutoEncoderModelPrediction prediction, Exception error) {
      this.prediction = prediction;
      this.error = error;
    }

    static Outcome of(EasyPredictModelWrapper w, RowData row) {
      try {
        return new Outcome(w.predictAutoEncoder(row), null);
      } catch (PredictException e) {
        return new Outcome(null, e);
      } catch (RuntimeException e) {
        return new Outcome(null, e);
      }
    }

    String describe() {
      return error != null ? error.toString() : "mse " + prediction.mse;
    }
  }
}
