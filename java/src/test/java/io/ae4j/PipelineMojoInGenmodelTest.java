package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A MOJO carrying a pipeline spec (the {@code ae4j/pipeline.json} entry that {@code ae4j pipeline
 * attach} writes) still loads in h2o-genmodel 3.46.0.7, which ignores the entry, and scores the
 * pipeline fixture's transformed rows exactly as the MOJO without it: attaching a pipeline never
 * breaks the genmodel deployments a team still runs beside ae4j.
 */
public class PipelineMojoInGenmodelTest {
  private static final Path PIPELINE = Fixtures.dir().toPath().resolve("pipeline");

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void genmodelIgnoresThePipelineEntry() throws Exception {
    Path plain = PIPELINE.resolve("pipeline_tanh.zip");
    Path attached = withEntry(plain, "ae4j/pipeline.json", PIPELINE.resolve("pipeline.json"));
    try (ZipFile zip = new ZipFile(attached.toFile())) {
      assertTrue("the pipeline entry is there", zip.getEntry("ae4j/pipeline.json") != null);
    }
    EasyPredictModelWrapper without = wrapper(plain);
    EasyPredictModelWrapper with = wrapper(attached);
    int rows = 0;
    JsonObject cases = Fixtures.read(PIPELINE.resolve("cases.json").toFile());
    for (JsonElement e : cases.getAsJsonArray("rows")) {
      JsonObject fixtureRow = e.getAsJsonObject();
      if (!fixtureRow.has("input") || fixtureRow.get("input").isJsonNull()) continue;
      RowData row = new RowData();
      for (Map.Entry<String, JsonElement> cell : fixtureRow.getAsJsonObject("input").entrySet()) {
        if (!cell.getValue().isJsonNull()) row.put(cell.getKey(), Fixtures.value(cell.getValue()));
      }
      AutoEncoderModelPrediction a = without.predictAutoEncoder(row);
      AutoEncoderModelPrediction b = with.predictAutoEncoder(row);
      assertArrayEquals(a.reconstructed, b.reconstructed, 0.0);
      assertArrayEquals(a.original, b.original, 0.0);
      assertEquals(Double.doubleToLongBits(a.mse), Double.doubleToLongBits(b.mse));
      rows++;
    }
    assertTrue("the fixture has transformed rows to score, got " + rows, rows > 100);
  }

  /** A copy of {@code zip} with one more entry, as {@code ae4j pipeline attach} writes it. */
  private Path withEntry(Path zip, String name, Path content) throws Exception {
    Path out = tmp.newFile("with-pipeline.zip").toPath();
    try (ZipFile in = new ZipFile(zip.toFile());
        OutputStream file = Files.newOutputStream(out);
        ZipOutputStream z = new ZipOutputStream(file)) {
      for (Enumeration<? extends ZipEntry> en = in.entries(); en.hasMoreElements(); ) {
        ZipEntry entry = en.nextElement();
        z.putNextEntry(new ZipEntry(entry.getName()));
        try (InputStream data = in.getInputStream(entry)) {
          copy(data, z);
        }
        z.closeEntry();
      }
      z.putNextEntry(new ZipEntry(name));
      z.write(Files.readAllBytes(content));
      z.closeEntry();
    }
    return out;
  }

  private static void copy(InputStream from, OutputStream to) throws Exception {
    byte[] buffer = new byte[8192];
    for (int n; (n = from.read(buffer)) > 0; ) to.write(buffer, 0, n);
  }

  private static EasyPredictModelWrapper wrapper(Path mojo) throws Exception {
    return new EasyPredictModelWrapper(
        new EasyPredictModelWrapper.Config().setModel(MojoModel.load(mojo.toString())));
  }
}
