package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.Test;

/**
 * A MOJO calibrated by {@code ae4j calibrate} (an extra zip entry) still loads in h2o-genmodel
 * 3.46.0.7 and scores every normal fixture row exactly as the uncalibrated MOJO does.
 */
public class CalibratedMojoInGenmodelTest {
  private static final Path FIXTURES = Fixtures.dir().toPath();

  @Test
  public void genmodelScoresTheCalibratedMojoUnchanged() throws Exception {
    Path calibrated = FIXTURES.resolve("calibration/synth_tanh.calibrated.zip");
    try (ZipFile zip = new ZipFile(calibrated.toFile())) {
      assertTrue("the calibration entry is there", zip.getEntry("ae4j/calibration.json") != null);
    }
    EasyPredictModelWrapper plain = wrapper(FIXTURES.resolve("models/synth_tanh.zip"));
    EasyPredictModelWrapper withCalibration = wrapper(calibrated);
    int rows = 0;
    JsonObject c = Fixtures.read(Fixtures.dir().toPath().resolve("cases/synth_tanh.json").toFile());
    for (JsonElement e : c.getAsJsonArray("rows")) {
      JsonObject fixtureRow = e.getAsJsonObject();
      if (!fixtureRow.get("kind").getAsString().equals("normal")) continue;
      RowData row = new RowData();
      for (Map.Entry<String, JsonElement> cell : fixtureRow.getAsJsonObject("input").entrySet()) {
        row.put(cell.getKey(), Fixtures.value(cell.getValue()));
      }
      AutoEncoderModelPrediction a = plain.predictAutoEncoder(row);
      AutoEncoderModelPrediction b = withCalibration.predictAutoEncoder(row);
      assertArrayEquals(a.reconstructed, b.reconstructed, 0.0);
      assertArrayEquals(a.original, b.original, 0.0);
      assertEquals(Double.doubleToLongBits(a.mse), Double.doubleToLongBits(b.mse));
      rows++;
    }
    assertEquals(40, rows);
  }

  private static EasyPredictModelWrapper wrapper(Path mojo) throws Exception {
    return new EasyPredictModelWrapper(
        new EasyPredictModelWrapper.Config()
            .setModel(MojoModel.load(mojo.toString()))
            .setConvertUnknownCategoricalLevelsToNa(true));
  }
}
