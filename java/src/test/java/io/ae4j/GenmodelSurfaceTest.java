package io.ae4j;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hex.genmodel.GenModel;
import io.ae4j.exception.PredictException;
import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/**
 * genmodel's surface on ae4j's models (issue #19), live against h2o-genmodel 3.46.0.7 on every
 * fixture model: the metadata genmodel answers for the MOJO and for the POJO, and genmodel's own
 * loaded MOJO object handed to the wrapper scoring bit for bit like the MOJO file. (The programs
 * compiled twice, tests/dropin/run.sh, check the same through client code.)
 */
public class GenmodelSurfaceTest {

  @Test
  public void mojoMetadataIsGenmodels() throws Exception {
    for (File f : Fixtures.caseFiles()) {
      JsonObject c = Fixtures.read(f);
      String path = Fixtures.model(c).getPath();
      hex.genmodel.MojoModel g = hex.genmodel.MojoModel.load(path);
      try (MojoModel a = MojoModel.load(path)) {
        String n = c.get("name").getAsString();
        assertEquals(n, g.getUUID(), a.getUUID());
        assertEquals(n, g._uuid, a._uuid);
        assertEquals(n, g._h2oVersion, a._h2oVersion);
        assertEquals(n, g._algoName, a._algoName);
        assertEquals(n, g._mojo_version, a._mojo_version, 0.0);
        assertEquals(n, g._nclasses, a._nclasses);
        assertEquals(n, g._nfeatures, a._nfeatures);
        assertEquals(n, g._supervised, a._supervised);
        assertEquals(n, g._balanceClasses, a._balanceClasses);
        assertEquals(n, g._defaultThreshold, a._defaultThreshold, 0.0);
        assertArrayEquals(n, g._priorClassDistrib, a._priorClassDistrib, 0.0);
        assertEquals(n, g._category.name(), a._category.name());
        assertArrayEquals(n, g._names, a._names);
        assertArrayEquals(n, g._domains, a._domains);
        assertEquals(n, g._responseColumn, a._responseColumn);
        assertEquals(n, g.nclasses(), a.nclasses());
        assertEquals(n, g.getPredsSize(), a.getPredsSize());
        for (hex.ModelCategory mc : hex.ModelCategory.values()) {
          assertEquals(n + " " + mc, g.getPredsSize(mc), a.getPredsSize(ModelCategory.valueOf(mc.name())));
        }
        assertEquals(n, g.getModelCategories().toString(), a.getModelCategories().toString());
        assertEquals(n, g.getCategoricalEncoding().name(), a.getCategoricalEncoding().name());
        assertEquals(n, g.getHeader(), a.getHeader());
        assertArrayEquals(n, g.getOrigProjectionArray(), a.getOrigProjectionArray(), 0.0);
        assertArrayEquals(n, g.getOutputDomains(), a.getOutputDomains());
        for (int i = 0; i < g.nfeatures(); i++) {
          assertEquals(n, g.getNumClasses(i), a.getNumClasses(i));
          String[] d = g.getDomainValues(i);
          String level = d == null ? "x" : d[d.length - 1];
          assertEquals(n, g.mapEnum(i, level), a.mapEnum(i, level));
        }
        assertEquals(n, a.getNumSlots(), a.getPredsSize(ModelCategory.AutoEncoder));
      }
    }
  }

  @Test
  public void pojoMetadataIsGenmodelsPojos() throws Exception {
    for (File f : Fixtures.caseFiles()) {
      JsonObject c = Fixtures.read(f);
      GenModel g = (GenModel) Fixtures.pojoInstance(c);
      try (AutoEncoderModel source = AutoEncoderModel.load(Fixtures.pojo(c).getPath());
          AutoEncoderModel compiled = AutoEncoderModel.fromPojo(g)) {
        for (AutoEncoderModel a : new AutoEncoderModel[] {source, compiled}) {
          String n = c.get("name").getAsString() + " " + a.getFormat();
          assertEquals(n, g.getUUID(), a.getUUID());
          assertEquals(n, g.getPredsSize(), a.getPredsSize());
          assertEquals(n, g.nclasses(), a.nclasses());
          assertEquals(n, g.getHeader(), a.getHeader());
          assertEquals(n, g.getPredsSize(hex.ModelCategory.AutoEncoder), a.getPredsSize(ModelCategory.AutoEncoder));
          assertEquals(n, g.getPredsSize(hex.ModelCategory.DimReduction), a.getPredsSize(ModelCategory.DimReduction));
          assertNull(n, a.getOrigProjectionArray());
          assertEquals(n, g.getOrigProjectionArray(), a.getOrigProjectionArray());
        }
      }
    }
  }

  @Test
  public void genmodelsOwnMojoObjectScoresLikeTheMojoFile() throws Exception {
    int rows = 0;
    for (File f : Fixtures.caseFiles()) {
      JsonObject c = Fixtures.read(f);
      String path = Fixtures.model(c).getPath();
      hex.genmodel.MojoModel g = hex.genmodel.MojoModel.load(path);
      try (MojoModel file = MojoModel.load(path)) {
        EasyPredictModelWrapper fromObject = new EasyPredictModelWrapper((Object) g);
        EasyPredictModelWrapper fromConfig = new EasyPredictModelWrapper(
            new EasyPredictModelWrapper.Config().setModel((Object) g).setConvertUnknownCategoricalLevelsToNa(true));
        EasyPredictModelWrapper want = new EasyPredictModelWrapper(file);
        EasyPredictModelWrapper wantLenient = new EasyPredictModelWrapper(
            new EasyPredictModelWrapper.Config().setModel(file).setConvertUnknownCategoricalLevelsToNa(true));
        AutoEncoderModel m = fromObject.getModel();
        String n = c.get("name").getAsString();
        assertTrue(n, m instanceof MojoModel);
        assertEquals(n, file.getUUID(), m.getUUID());
        assertEquals(n, file.getH2OVersion(), m.getH2OVersion());
        assertEquals(n, file.getMojoVersion(), m.getMojoVersion());
        assertEquals(n, file.getActivation(), m.getActivation());
        assertArrayEquals(n, file.getLayerSizes(), m.getLayerSizes());
        assertArrayEquals(n, file.getSlotNames(), m.getSlotNames());
        assertArrayEquals(n, file._domains, m._domains);
        for (JsonElement e : c.getAsJsonArray("rows")) {
          JsonObject input = e.getAsJsonObject().getAsJsonObject("input");
          same(n, want, fromObject, input);
          same(n, wantLenient, fromConfig, input);
          rows++;
        }
        // it serializes as a MOJO, like a model loaded from the file
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(fromObject);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
          EasyPredictModelWrapper back = (EasyPredictModelWrapper) in.readObject();
          assertTrue(back.getModel() instanceof MojoModel);
          assertEquals(file.getUUID(), back.getModel().getUUID());
          back.getModel().close();
        }
        // closed here, not by the cleaner later (LifetimeAndBoundaryTest counts the frees)
        fromObject.getModel().close();
        fromConfig.getModel().close();
      }
    }
    assertTrue("no fixture rows", rows > 100);
  }

  /** Both wrappers give the same result bit for bit, or the same exception. */
  private static void same(String n, EasyPredictModelWrapper want, EasyPredictModelWrapper got, JsonObject input) {
    AutoEncoderModelPrediction a = null, b = null;
    String ea = null, eb = null;
    try {
      a = want.predictAutoEncoder(Fixtures.rowData(input));
    } catch (PredictException | RuntimeException ex) {
      ea = ex.toString();
    }
    try {
      b = got.predictAutoEncoder(Fixtures.rowData(input));
    } catch (PredictException | RuntimeException ex) {
      eb = ex.toString();
    }
    assertEquals(n + " " + input, ea, eb);
    if (a != null) {
      assertTrue(n + " " + input, Fixtures.bitEqual(a.reconstructed, b.reconstructed));
      assertTrue(n + " " + input, Fixtures.bitEqual(a.squaredErrors, b.squaredErrors));
      assertEquals(Double.doubleToRawLongBits(a.mse), Double.doubleToRawLongBits(b.mse));
    }
  }

  /** A program's own MojoReaderBackend (a model store), read through the interface only. */
  @Test
  public void aProgramsOwnBackendLoads() throws Exception {
    File zip = new File(Fixtures.dir(), "models/synth_tanh.zip");
    final MojoReaderBackend inner = MojoReaderBackendFactory.createReaderBackend(zip);
    final List<String> read = new ArrayList<String>();
    MojoReaderBackend own = new MojoReaderBackend() {
      @Override
      public BufferedReader getTextFile(String name) throws IOException {
        read.add(name);
        return inner.getTextFile(name);
      }

      @Override
      public byte[] getBinaryFile(String name) throws IOException {
        read.add(name);
        return inner.getBinaryFile(name);
      }

      @Override
      public boolean exists(String name) {
        return inner.exists(name);
      }
    };
    try (MojoModel a = MojoModel.load(own); MojoModel b = MojoModel.load(zip.getPath())) {
      assertTrue(read.toString(), read.containsAll(Arrays.asList("model.ini", "domains/d000.txt")));
      assertEquals(b.getUUID(), a.getUUID());
      double[] raw = new double[b.nfeatures()];
      Arrays.fill(raw, Double.NaN);
      assertArrayEquals(b.score0(raw, new double[b.getNumSlots()]), a.score0(raw, new double[a.getNumSlots()]), 0.0);
    }
    try {
      MojoModel.load(MojoReaderBackendFactory.createReaderBackend(new File(zip.getPath() + ".missing")));
      fail("loaded a missing file");
    } catch (IOException expected) {
      assertTrue(expected.getMessage().startsWith("Invalid file specification: "));
    }
  }

  /**
   * The ErrorConsumer is called exactly where genmodel calls it: every fixture row (every kind of
   * value, typed ones too) under the 4 Config variants, live against genmodel; the same calls
   * (column, value, message) in the same order, then the same result or exception. A null value
   * (ae4j: missing) is given to genmodel as the NaN Double it stands for, and a Number in a
   * numeric column as its Double, as in GenmodelDifferentialTest.
   */
  @Test
  public void errorConsumerIsCalledWhereGenmodelCallsIt() throws Exception {
    int rows = 0, calls = 0;
    for (File f : Fixtures.caseFiles()) {
      JsonObject c = Fixtures.read(f);
      String path = Fixtures.model(c).getPath();
      hex.genmodel.MojoModel gm = hex.genmodel.MojoModel.load(path);
      try (MojoModel m = MojoModel.load(path)) {
        for (int k = 0; k < Fixtures.CONFIGS.length; k++) {
          final List<String> ours = new ArrayList<String>();
          final List<String> theirs = new ArrayList<String>();
          EasyPredictModelWrapper a = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config().setModel(m)
              .setConvertUnknownCategoricalLevelsToNa(k == 1 || k == 3).setConvertInvalidNumbersToNa(k >= 2)
              .setErrorConsumer(new EasyPredictModelWrapper.ErrorConsumer() {
                @Override
                public void dataTransformError(String col, Object value, String message) {
                  ours.add("dataTransformError " + col + " " + shown(value) + " " + message);
                }

                @Override
                public void unseenCategorical(String col, Object value, String message) {
                  ours.add("unseenCategorical " + col + " " + shown(value) + " " + message);
                }
              }));
          hex.genmodel.easy.EasyPredictModelWrapper g = new hex.genmodel.easy.EasyPredictModelWrapper(
              new hex.genmodel.easy.EasyPredictModelWrapper.Config().setModel(gm)
                  .setConvertUnknownCategoricalLevelsToNa(k == 1 || k == 3).setConvertInvalidNumbersToNa(k >= 2)
                  .setErrorConsumer(new hex.genmodel.easy.EasyPredictModelWrapper.ErrorConsumer() {
                    @Override
                    public void dataTransformError(String col, Object value, String message) {
                      theirs.add("dataTransformError " + col + " " + shown(value) + " " + message);
                    }

                    @Override
                    public void unseenCategorical(String col, Object value, String message) {
                      theirs.add("unseenCategorical " + col + " " + shown(value) + " " + message);
                    }
                  }));
          for (JsonElement e : c.getAsJsonArray("rows")) {
            RowData row = Fixtures.rowData(e.getAsJsonObject().getAsJsonObject("input"));
            hex.genmodel.easy.RowData equivalent = new hex.genmodel.easy.RowData();
            for (java.util.Map.Entry<String, Object> cell : row.entrySet()) {
              Object v = cell.getValue();
              int col = m.getColIdx(cell.getKey());
              if (v == null) {
                v = Double.NaN;
              } else if (col >= 0 && m.getNumClasses(col) < 0 && v instanceof Number && !(v instanceof Double)) {
                v = ((Number) v).doubleValue();
              }
              equivalent.put(cell.getKey(), v);
            }
            ours.clear();
            theirs.clear();
            String ea = null, eb = null;
            try {
              a.predictAutoEncoder(row);
            } catch (PredictException ex) {
              ea = ex.getMessage();
            }
            try {
              g.predictAutoEncoder(equivalent);
            } catch (hex.genmodel.easy.exception.PredictException ex) {
              eb = ex.getMessage();
            }
            String where = c.get("name").getAsString() + " " + Fixtures.CONFIGS[k] + " " + row;
            assertEquals(where, eb, ea);
            assertEquals(where, theirs, ours);
            rows++;
            calls += ours.size();
          }
        }
      }
    }
    assertTrue("too few rows: " + rows, rows > 2000);
    assertTrue("too few consumer calls: " + calls, calls > 200);
  }

  /** A value as a consumer sees it; ae4j's null (missing) is the NaN genmodel is given. */
  private static String shown(Object value) {
    if (value == null || value instanceof Number && Double.isNaN(((Number) value).doubleValue())) {
      return "NaN";
    }
    return String.valueOf(value);
  }
}
