package io.ae4j.bench;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java API side by side, one thread, same JVM, same model and rows: h2o-genmodel 3.46.0.7's
 * {@code predictAutoEncoder(RowData)} and primitive {@code score0}, against ae4j's drop-in
 * {@code predictAutoEncoder(RowData)}, {@code predictAutoEncoderBatch}, and primitive
 * {@code score} / {@code scoreBatch}. Every benchmark scores the same {@value #ROWS} rows per
 * invocation; the score is microseconds per row.
 *
 * <p>Rows: {@code <ae4j.bench.dir>/<model>-loop.csv} (written by {@code bench/make_data.py}: the
 * fixture's real training rows, cells as Strings like PredictCsv builds them; the
 * {@code Doubles} benchmarks take the same rows with numeric cells as Doubles). Models:
 * {@code tests/fixtures/models/<model>.zip} under {@code ae4j.root}. Run with {@code gradle jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ScoreBench {
  static final int ROWS = 256;

  @Param({"breast_cancer_tanhdropout", "digits_wide_tanh"})
  public String model;

  hex.genmodel.easy.EasyPredictModelWrapper genmodel;
  hex.genmodel.GenModel genModel;
  io.ae4j.EasyPredictModelWrapper ae4j;
  List<hex.genmodel.easy.RowData> gRows = new ArrayList<>();
  List<io.ae4j.RowData> aRows = new ArrayList<>();
  /** The same rows with numeric cells as Doubles (as a Java app or a Spark row gives them). */
  List<hex.genmodel.easy.RowData> gRowsDouble = new ArrayList<>();
  List<io.ae4j.RowData> aRowsDouble = new ArrayList<>();
  double[][] raw;
  double[] rawFlat;
  double[] preds, rec, se, recB, seB, mseB;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    String root = System.getProperty("ae4j.root", ".");
    String dir = System.getProperty("ae4j.bench.dir", root + "/build/bench");
    String zip = root + "/tests/fixtures/models/" + model + ".zip";
    genModel = hex.genmodel.MojoModel.load(zip);
    genmodel = new hex.genmodel.easy.EasyPredictModelWrapper(
        new hex.genmodel.easy.EasyPredictModelWrapper.Config()
            .setModel(genModel)
            .setConvertUnknownCategoricalLevelsToNa(true));
    ae4j = new io.ae4j.EasyPredictModelWrapper(
        new io.ae4j.EasyPredictModelWrapper.Config()
            .setModel(io.ae4j.MojoModel.load(zip))
            .setConvertUnknownCategoricalLevelsToNa(true));
    io.ae4j.AutoEncoderModel m = ae4j.m;

    List<String[]> table = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(Paths.get(dir, model + "-loop.csv"), StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) table.add(splitCsvLine(line));
    }
    String[] header = table.remove(0);
    String[] names = m.getNames();
    raw = new double[ROWS][];
    for (int k = 0; k < ROWS; k++) {
      String[] cells = table.get(k % table.size());
      hex.genmodel.easy.RowData g = new hex.genmodel.easy.RowData();
      io.ae4j.RowData a = new io.ae4j.RowData();
      for (int i = 0; i < header.length; i++) {
        if (i < cells.length && !cells[i].isEmpty()) {
          g.put(header[i], cells[i]);
          a.put(header[i], cells[i]);
        }
      }
      gRows.add(g);
      aRows.add(a);
      hex.genmodel.easy.RowData gd = new hex.genmodel.easy.RowData();
      io.ae4j.RowData ad = new io.ae4j.RowData();
      for (int i = 0; i < header.length; i++) {
        int c = m.getColIdx(header[i]);
        if (i >= cells.length || cells[i].isEmpty()) continue;
        Object v = c >= 0 && m.getDomainValues(c) == null ? (Object) Double.valueOf(cells[i]) : cells[i];
        gd.put(header[i], v);
        ad.put(header[i], v);
      }
      gRowsDouble.add(gd);
      aRowsDouble.add(ad);
      // The same row in genmodel's raw (score0) form.
      double[] row = new double[names.length];
      Arrays.fill(row, Double.NaN);
      for (int i = 0; i < header.length; i++) {
        int c = m.getColIdx(header[i]);
        if (c < 0 || i >= cells.length || cells[i].isEmpty()) continue;
        String[] domain = m.getDomainValues(c);
        row[c] = domain == null ? Double.parseDouble(cells[i]) : Arrays.asList(domain).indexOf(cells[i]);
        if (domain != null && row[c] < 0) row[c] = Double.NaN;
      }
      raw[k] = row;
    }
    rawFlat = new double[ROWS * names.length];
    for (int k = 0; k < ROWS; k++) System.arraycopy(raw[k], 0, rawFlat, k * names.length, names.length);
    int ns = m.getNumSlots();
    preds = new double[Math.max(genModel.getPredsSize(), ns)];
    rec = new double[ns];
    se = new double[ns];
    recB = new double[ROWS * ns];
    seB = new double[ROWS * ns];
    mseB = new double[ROWS];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ae4j.m.close();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double genmodelPredictAutoEncoder() throws Exception {
    double s = 0;
    for (hex.genmodel.easy.RowData r : gRows) s += genmodel.predictAutoEncoder(r).reconstructed[0];
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double genmodelPredictAutoEncoderDoubles() throws Exception {
    double s = 0;
    for (hex.genmodel.easy.RowData r : gRowsDouble) s += genmodel.predictAutoEncoder(r).reconstructed[0];
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double ae4jPredictAutoEncoderDoubles() throws Exception {
    double s = 0;
    for (io.ae4j.RowData r : aRowsDouble) s += ae4j.predictAutoEncoder(r).mse;
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double genmodelScore0() {
    double s = 0;
    for (double[] r : raw) s += genModel.score0(r, preds)[0];
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double ae4jPredictAutoEncoder() throws Exception {
    double s = 0;
    for (io.ae4j.RowData r : aRows) s += ae4j.predictAutoEncoder(r).mse;
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double ae4jPredictAutoEncoderBatch() throws Exception {
    double s = 0;
    for (io.ae4j.prediction.AutoEncoderModelPrediction p : ae4j.predictAutoEncoderBatch(aRows)) s += p.mse;
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double ae4jScore() {
    double s = 0;
    for (double[] r : raw) s += ae4j.m.score(r, rec, se);
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double ae4jScoreBatch() {
    ae4j.m.scoreBatch(rawFlat, recB, seB, mseB);
    return mseB[0];
  }

  /** One CSV line (no embedded line breaks), with RFC 4180 quotes. */
  static String[] splitCsvLine(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    fields.add(f.toString());
    return fields.toArray(new String[0]);
  }
}
