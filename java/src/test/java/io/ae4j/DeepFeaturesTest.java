package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.ae4j.prediction.AutoEncoderModelPrediction;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * Issue #21 on the Java route: {@code Config.setDeepFeaturesLayer(L)} fills
 * {@code AutoEncoderModelPrediction.deepFeatures} (single rows and batches), and
 * {@link AutoEncoderModel#deepFeatures(double[], int)} gives them for raw rows, equal to the H2O
 * server's {@code model.deepfeatures(frame, L)} (tests/fixtures/deepfeatures) for every fixture
 * model and hidden layer, on the rows the server scored (read the lenient way it read them).
 */
public class DeepFeaturesTest {

  /** One fixture row the server scored: its input and H2O's values per hidden layer. */
  private static final class ServerRow {
    final int id;
    final RowData input;
    final double[][] layers;

    ServerRow(int id, RowData input, double[][] layers) {
      this.id = id;
      this.input = input;
      this.layers = layers;
    }
  }

  private static List<ServerRow> serverRows(JsonObject cases, JsonObject deep) {
    JsonArray rows = cases.getAsJsonArray("rows");
    JsonArray deepRows = deep.getAsJsonArray("rows");
    assertEquals(rows.size(), deepRows.size());
    List<ServerRow> out = new ArrayList<ServerRow>();
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.get(i).getAsJsonObject();
      JsonObject d = deepRows.get(i).getAsJsonObject();
      assertEquals(row.get("id").getAsInt(), d.get("id").getAsInt());
      JsonElement values = d.get("deep_features");
      if (values.isJsonNull()) {
        continue;
      }
      JsonArray layers = values.getAsJsonArray();
      double[][] perLayer = new double[layers.size()][];
      for (int l = 0; l < perLayer.length; l++) {
        perLayer[l] = Fixtures.ds(layers.get(l).getAsJsonArray());
      }
      out.add(new ServerRow(row.get("id").getAsInt(), Fixtures.rowData(row.getAsJsonObject("input")), perLayer));
    }
    return out;
  }

  /** The server's reading: unknown levels and invalid numbers are missing. */
  private static EasyPredictModelWrapper.Config lenient(AutoEncoderModel m) {
    return new EasyPredictModelWrapper.Config().setModel(m)
        .setConvertUnknownCategoricalLevelsToNa(true).setConvertInvalidNumbersToNa(true);
  }

  private static double[] raw(AutoEncoderModel m, RowData row) throws Exception {
    double[] raw = new double[m.nfeatures()];
    for (int c = 0; c < raw.length; c++) {
      String name = m.getNames()[c];
      raw[c] = row.containsKey(name) ? m.convertCell(c, row.get(name), true, true) : Double.NaN;
    }
    return raw;
  }

  @Test
  public void everyModelAndLayerEqualsH2o() throws Exception {
    int compared = 0;
    List<String> problems = new ArrayList<String>();
    for (File f : Fixtures.caseFiles()) {
      JsonObject cases = Fixtures.read(f);
      String name = cases.get("name").getAsString();
      JsonObject deep = Fixtures.read(new File(Fixtures.dir(), "deepfeatures/" + name + ".json"));
      List<ServerRow> rows = serverRows(cases, deep);
      assertTrue(name + ": " + rows.size() + " server rows", rows.size() > 70);
      try (AutoEncoderModel m = AutoEncoderModel.load(Fixtures.model(cases).toPath())) {
        int hidden = deep.getAsJsonArray("hidden_layers").size();
        assertEquals(hidden, m.getHiddenLayerCount());
        for (int layer = 0; layer < hidden; layer++) {
          // A threshold on even layers: the decision comes from the same native call.
          EasyPredictModelWrapper.Config config = lenient(m).setDeepFeaturesLayer(layer);
          if (layer % 2 == 0) {
            config.setThreshold(0.5);
          }
          EasyPredictModelWrapper w = new EasyPredictModelWrapper(config);
          List<RowData> batchRows = new ArrayList<RowData>();
          double[] raws = new double[rows.size() * m.nfeatures()];
          for (int i = 0; i < rows.size(); i++) {
            ServerRow r = rows.get(i);
            batchRows.add(r.input);
            System.arraycopy(raw(m, r.input), 0, raws, i * m.nfeatures(), m.nfeatures());
            String where = name + " row " + r.id + " layer " + layer;
            AutoEncoderModelPrediction p = w.predictAutoEncoder(r.input);
            String problem = Fixtures.compare(where, r.layers[layer], p.deepFeatures);
            if (problem != null) {
              problems.add(problem);
            }
            assertEquals(where, layer % 2 == 0, p.anomaly != null);
            compared += r.layers[layer].length;
          }
          AutoEncoderModelPrediction[] batch = w.predictAutoEncoderBatch(batchRows);
          double[] alone = m.deepFeatures(raws, layer);
          int units = m.getHiddenLayerSize(layer);
          for (int i = 0; i < rows.size(); i++) {
            String where = name + " row " + rows.get(i).id + " layer " + layer;
            AutoEncoderModelPrediction one = w.predictAutoEncoder(rows.get(i).input);
            assertTrue(where + ": batch", Fixtures.bitEqual(one.deepFeatures, batch[i].deepFeatures));
            double[] raw = java.util.Arrays.copyOfRange(alone, i * units, (i + 1) * units);
            assertTrue(where + ": raw rows", Fixtures.bitEqual(one.deepFeatures, raw));
            assertEquals(where + ": mse", one.mse, batch[i].mse, 0.0);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " mismatches, first: " + problems.subList(0, Math.min(10, problems.size())));
    }
    assertTrue("compared " + compared, compared > 10000);
  }

  @Test
  public void layersTheModelLacksNameTheRange() throws Exception {
    try (AutoEncoderModel m = AutoEncoderModel.load(new File(Fixtures.dir(), "models/synth_tanh.zip").toPath())) {
      for (int bad : new int[] {3, -1}) {
        String want = "hidden layer " + bad + " does not exist: the hidden layer (index) to extract"
            + " must be between 0 and 2";
        try {
          new EasyPredictModelWrapper(lenient(m).setDeepFeaturesLayer(bad));
          fail("layer " + bad + " accepted");
        } catch (IllegalArgumentException e) {
          assertEquals(want, e.getMessage());
        }
        try {
          m.deepFeatures(new double[m.nfeatures()], bad);
          fail("layer " + bad + " accepted");
        } catch (IllegalArgumentException e) {
          assertEquals(want, e.getMessage());
        }
      }
      // No layer chosen: no deep features; a chosen one has the layer's width.
      RowData row = new RowData();
      row.put("age", 41.0);
      assertNull(new EasyPredictModelWrapper(m).predictAutoEncoder(row).deepFeatures);
      AutoEncoderModelPrediction p =
          new EasyPredictModelWrapper(lenient(m).setDeepFeaturesLayer(1)).predictAutoEncoder(row);
      assertNotNull(p.deepFeatures);
      assertEquals(3, p.deepFeatures.length);
      assertArrayEquals(p.deepFeatures, m.deepFeatures(raw(m, row), 1), 0.0);
    }
  }
}
