package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.ZipFile;
import org.junit.Test;

/**
 * A MOJO calibrated by {@code ae4j calibrate} (an extra zip entry) still loads in h2o-genmodel
 * 3.46.0.7 and scores every row exactly as the uncalibrated MOJO does.
 */
public class CalibratedMojoInGenmodelTest {
  private static final Path FIXTURES = Paths.get(System.getProperty("ae4j.fixtures", "tests/fixtures"));

  @Test
  public void genmodelScoresTheCalibratedMojoUnchanged() throws Exception {
    Path calibrated = FIXTURES.resolve("calibration/synth_tanh.calibrated.zip");
    try (ZipFile zip = new ZipFile(calibrated.toFile())) {
      assertTrue("the calibration entry is there", zip.getEntry("ae4j/calibration.json") != null);
    }
    EasyPredictModelWrapper plain = wrapper(FIXTURES.resolve("models/synth_tanh.zip"));
    EasyPredictModelWrapper withCalibration = wrapper(calibrated);
    int rows = 0;
    Path csv = FIXTURES.resolve("../../examples/transactions.csv").normalize();
    try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String[] header = r.readLine().split(",");
      String line;
      while ((line = r.readLine()) != null) {
        String[] cells = line.split(",", -1); // the example data has no quoted fields
        RowData row = new RowData();
        for (int i = 0; i < header.length; i++) {
          if (!cells[i].isEmpty()) row.put(header[i], cells[i]);
        }
        AutoEncoderModelPrediction a = plain.predictAutoEncoder(row);
        AutoEncoderModelPrediction b = withCalibration.predictAutoEncoder(row);
        assertArrayEquals(a.reconstructed, b.reconstructed, 0.0);
        assertArrayEquals(a.original, b.original, 0.0);
        assertEquals(Double.doubleToLongBits(a.mse), Double.doubleToLongBits(b.mse));
        rows++;
      }
    }
    assertEquals(43, rows);
  }

  private static EasyPredictModelWrapper wrapper(Path mojo) throws Exception {
    return new EasyPredictModelWrapper(
        new EasyPredictModelWrapper.Config()
            .setModel(MojoModel.load(mojo.toString()))
            .setConvertUnknownCategoricalLevelsToNa(true));
  }
}
