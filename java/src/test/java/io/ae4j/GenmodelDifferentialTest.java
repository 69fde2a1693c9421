package io.ae4j;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.ae4j.prediction.AutoEncoderModelPrediction;

import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Test;

/**
 * ae4j against h2o-genmodel 3.46.0.7 itself (a test dependency), live, on random rows that mix
 * every value type and many malformed values, for every fixture model and all four Config
 * variants. ae4j's deliberate differences are taken into account by giving genmodel the
 * equivalent row: null values as Double.NaN, and non-Double Numbers in numeric columns as Doubles
 * (genmodel would throw NullPointerException / PredictUnknownTypeException on the original).
 * Where genmodel's mse is NaN, ours must be the mean of our squared errors, finite unless the
 * reconstruction itself is NaN.
 */
public class GenmodelDifferentialTest {
  private static final int ROWS_PER_MODEL = 400;

  @Test
  public void randomRowsMatchGenmodel() throws Exception {
    List<String> problems = new ArrayList<String>();
    int compared = 0;
    int errorsCompared = 0;
    for (File caseFile : Fixtures.caseFiles()) {
      File mojo = Fixtures.model(Fixtures.read(caseFile));
      hex.genmodel.MojoModel gm = hex.genmodel.MojoModel.load(mojo.getPath());
      try (MojoModel m = MojoModel.load(mojo.getPath())) {
        Random random = new Random(caseFile.getName().hashCode());
        for (int k = 0; k < 4; k++) {
          boolean unknownToNa = k == 1 || k == 3;
          boolean invalidToNa = k == 2 || k == 3;
          EasyPredictModelWrapper ours = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
              .setModel(m).setConvertUnknownCategoricalLevelsToNa(unknownToNa).setConvertInvalidNumbersToNa(invalidToNa));
          hex.genmodel.easy.EasyPredictModelWrapper theirs = new hex.genmodel.easy.EasyPredictModelWrapper(
              new hex.genmodel.easy.EasyPredictModelWrapper.Config().setModel(gm)
                  .setConvertUnknownCategoricalLevelsToNa(unknownToNa).setConvertInvalidNumbersToNa(invalidToNa));
          for (int r = 0; r < ROWS_PER_MODEL; r++) {
            List<Object[]> cells = randomCells(m, random);
            RowData row = new RowData();
            hex.genmodel.easy.RowData equivalent = new hex.genmodel.easy.RowData();
            for (Object[] cell : cells) {
              String key = (String) cell[0];
              Object value = cell[1];
              row.put(key, value);
              int col = m.getColIdx(key);
              if (value == null) {
                // ae4j: missing. genmodel reads Double.NaN as missing in any column; the key stays,
                // so both maps have the same keys and iterate (and report bad cells) in one order.
                value = Double.NaN;
              }
              if (col >= 0 && m.getDomainValues(col) == null && value instanceof Number && !(value instanceof Double)) {
                value = ((Number) value).doubleValue(); // ae4j: any Number
              }
              equivalent.put(key, value);
            }
            String where = mojo.getName() + " config " + Fixtures.CONFIGS[k] + " row " + row;
            Exception ourError = null;
            AutoEncoderModelPrediction p = null;
            try {
              p = ours.predictAutoEncoder(row);
            } catch (Exception e) {
              ourError = e;
            }
            Exception theirError = null;
            hex.genmodel.easy.prediction.AutoEncoderModelPrediction q = null;
            try {
              q = theirs.predictAutoEncoder(equivalent);
            } catch (Exception e) {
              theirError = e;
            }
            compared++;
            if (theirError != null || ourError != null) {
              errorsCompared++;
              if (theirError == null || ourError == null
                  || !theirError.getClass().getSimpleName().equals(ourError.getClass().getSimpleName())
                  || !String.valueOf(theirError.getMessage()).equals(ourError.getMessage())) {
                problems.add(where + ": ours " + ourError + ", genmodel " + theirError);
              }
              continue;
            }
            String d = Fixtures.compare("original", q.original, p.original);
            if (d == null) d = Fixtures.compare("reconstructed", q.reconstructed, p.reconstructed);
            if (d != null) {
              problems.add(where + ": " + d);
              continue;
            }
            for (Map.Entry<String, Object> e : q.reconstructedRowData.entrySet()) {
              if (!sameValue(e.getValue(), p.reconstructedRowData.get(e.getKey()))) {
                problems.add(where + ": reconstructedRowData[" + e.getKey() + "]");
              }
            }
            double mean = 0;
            for (double se : p.squaredErrors) mean += se;
            mean /= p.squaredErrors.length;
            if (!Fixtures.close(mean, p.mse)) {
              problems.add(where + ": mse " + p.mse + " != mean of squaredErrors " + mean);
            }
            if (Double.isNaN(q.mse)) {
              boolean nanReconstruction = false;
              for (double x : q.reconstructed) nanReconstruction |= Double.isNaN(x);
              if (!nanReconstruction && (Double.isNaN(p.mse) || Double.isInfinite(p.mse) && !hasInfinity(p.original))) {
                problems.add(where + ": mse " + p.mse + " where genmodel's is NaN from a missing value");
              }
            } else if (!Fixtures.close(q.mse, p.mse)) {
              problems.add(where + ": mse " + p.mse + ", genmodel " + q.mse);
            }
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder(problems.size() + " differences from genmodel:");
      for (int i = 0; i < Math.min(30, problems.size()); i++) sb.append("\n  ").append(problems.get(i));
      fail(sb.toString());
    }
    System.out.println("genmodel differential: " + compared + " rows x configs, " + errorsCompared
        + " ending in an exception on both sides");
    assertTrue(compared > 1000);
    assertTrue("too few error cases exercised: " + errorsCompared, errorsCompared > 100);
    assertTrue("too few successful rows compared", compared - errorsCompared > 1000);
  }

  private static boolean hasInfinity(double[] a) {
    for (double x : a) if (Double.isInfinite(x)) return true;
    return false;
  }

  private static boolean sameValue(Object genmodel, Object ours) {
    if (genmodel instanceof Double) {
      return ours instanceof Double && Fixtures.close((Double) genmodel, (Double) ours);
    }
    if (genmodel instanceof Map && ours instanceof Map) {
      Map<?, ?> g = (Map<?, ?>) genmodel;
      Map<?, ?> o = (Map<?, ?>) ours;
      if (g.size() != o.size()) return false;
      for (Map.Entry<?, ?> e : g.entrySet()) {
        if (!o.containsKey(e.getKey()) || !sameValue(e.getValue(), o.get(e.getKey()))) return false;
      }
      return true;
    }
    return false;
  }

  /** A random row: each column present with probability 0.85, values of every kind, plus extras. */
  private static List<Object[]> randomCells(AutoEncoderModel m, Random rnd) {
    List<Object[]> cells = new ArrayList<Object[]>();
    String[] names = m.getNames();
    boolean clean = rnd.nextInt(3) == 0; // a third of the rows only have well-formed values
    for (int c = 0; c < names.length; c++) {
      if (rnd.nextDouble() < 0.15) continue;
      String[] domain = m.getDomainValues(c);
      Object v = domain != null ? categorical(names[c], domain, rnd, clean) : numeric(rnd, clean);
      cells.add(new Object[] {names[c], v});
    }
    if (rnd.nextInt(4) == 0) cells.add(new Object[] {"extra column", "whatever"});
    if (rnd.nextInt(8) == 0) cells.add(new Object[] {names[0].toUpperCase() + "_", 1.0});
    java.util.Collections.shuffle(cells, rnd);
    return cells;
  }

  private static Object numeric(Random rnd, boolean clean) {
    double x = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(4) - 1);
    int kind = clean ? rnd.nextInt(3) : rnd.nextInt(22);
    switch (kind) {
      case 0: case 1: return x;
      case 2: return Double.toString(x);
      case 3: return "  " + x + "\t";
      case 4: return Double.NaN;
      case 5: return "NaN";
      case 6: return "abc";
      case 7: return " abc ";
      case 8: return "";
      case 9: return "1,5";
      case 10: return (int) (x * 10);
      case 11: return (long) (x * 1000);
      case 12: return (float) x;
      case 13: return Boolean.TRUE;
      case 14: return null;
      case 15: return new BigDecimal("12.25");
      case 16: return String.format("%.3e", x);
      case 17: return Double.toHexString(x);
      case 18: return x + "d";
      case 19: return rnd.nextBoolean() ? Double.POSITIVE_INFINITY : "-Infinity";
      case 20: return "1e400";
      default: return new StringBuilder("12");
    }
  }

  private static Object categorical(String col, String[] domain, Random rnd, boolean clean) {
    String level = domain[rnd.nextInt(domain.length)];
    int kind = clean ? rnd.nextInt(2) : rnd.nextInt(12);
    switch (kind) {
      case 0: case 1: return level;
      case 2: return level + " ";
      case 3: return level.toUpperCase().equals(level) ? level.toLowerCase() : level.toUpperCase();
      case 4: return "zzz";
      case 5: return Double.NaN;
      case 6: return 1.0;
      case 7: return 2;
      case 8: return null;
      case 9: return level.startsWith(col + ".") ? level.substring(col.length() + 1) : col + "." + level;
      case 10: return Boolean.FALSE;
      default: return "";
    }
  }
}
