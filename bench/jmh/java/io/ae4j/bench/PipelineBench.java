package io.ae4j.bench;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a 10-step preprocessing pipeline (issue #22) per row on the Java route, against
 * scoring alone: the same model (breast_cancer_tanhdropout, 30 numeric columns) and the same
 * rows, once loaded plain (Java converts the RowData, a {@code double[]} crosses JNI) and once
 * with the pipeline below attached as a sidecar (the row's raw cells cross JNI packed, the core
 * runs the pipeline and the conversion). Each row also carries a timestamp and a channel name,
 * which the plain model ignores and the pipeline reads.
 *
 * <p>The pipeline: two {@code log1p} derives, a clip, a fill_missing, a standardizing derive,
 * hour and weekend of the timestamp, a category map with a default, a bucketize and a drop
 * (10 steps). Rows: the fixture's real training rows ({@code <ae4j.bench.dir>/
 * breast_cancer_tanhdropout-loop.csv}, numeric cells as Doubles). Run with {@code gradle jmh
 * -PjmhArgs='PipelineBench ...'}; the score is microseconds per row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class PipelineBench {
  static final int ROWS = 256;
  static final String MODEL = "breast_cancer_tanhdropout";

  /** Ten steps over the model's own columns, a timestamp and a string (see the class comment). */
  static String spec(String[] columns) {
    StringBuilder inputs = new StringBuilder();
    for (String c : columns) {
      inputs.append("{\"name\": \"").append(c).append("\", \"type\": \"number\"}, ");
    }
    inputs.append("{\"name\": \"ts\", \"type\": \"timestamp\"}, {\"name\": \"channel\", \"type\": \"string\"}");
    return "{\"ae4j_pipeline\": 1, \"inputs\": [" + inputs + "], \"steps\": ["
        + "{\"op\": \"derive\", \"name\": \"mean area\", \"expr\": \"log1p(`mean area`)\"},"
        + "{\"op\": \"derive\", \"name\": \"worst area\", \"expr\": \"log1p(`worst area`)\"},"
        + "{\"op\": \"clip\", \"column\": \"mean radius\", \"min\": 0, \"max\": 40},"
        + "{\"op\": \"fill_missing\", \"column\": \"mean texture\", \"value\": 19.0},"
        + "{\"op\": \"derive\", \"name\": \"mean perimeter\", \"expr\": \"(`mean perimeter` - 90.0) / 24.0\"},"
        + "{\"op\": \"derive\", \"name\": \"hour\", \"expr\": \"hour(ts)\"},"
        + "{\"op\": \"derive\", \"name\": \"weekend\", \"expr\": \"day_of_week(ts) >= 5\"},"
        + "{\"op\": \"map\", \"column\": \"channel\", \"mapping\": {\"web\": \"web\", \"app\": \"app\"},"
        + " \"default\": \"other\", \"into\": \"channel_group\"},"
        + "{\"op\": \"bucketize\", \"column\": \"worst radius\", \"edges\": [0, 10, 15, 20, 40], \"into\": \"radius_bin\"},"
        + "{\"op\": \"drop\", \"columns\": [\"hour\", \"weekend\", \"channel_group\", \"radius_bin\"]}"
        + "]}";
  }

  io.ae4j.EasyPredictModelWrapper plain;
  io.ae4j.EasyPredictModelWrapper piped;
  List<io.ae4j.RowData> rows = new ArrayList<>();

  @Setup(Level.Trial)
  public void setup() throws Exception {
    String root = System.getProperty("ae4j.root", ".");
    String dir = System.getProperty("ae4j.bench.dir", root + "/build/bench");
    byte[] zip = Files.readAllBytes(Paths.get(root, "tests/fixtures/models", MODEL + ".zip"));
    io.ae4j.AutoEncoderModel plainModel = io.ae4j.AutoEncoderModel.load(zip, MODEL);
    String[] columns = plainModel.getNames();
    byte[] spec = spec(columns).getBytes(StandardCharsets.UTF_8);
    io.ae4j.AutoEncoderModel pipedModel = io.ae4j.AutoEncoderModel.load(zip, MODEL, null, spec);
    plain = new io.ae4j.EasyPredictModelWrapper(plainModel);
    piped = new io.ae4j.EasyPredictModelWrapper(pipedModel);
    List<String[]> table = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(Paths.get(dir, MODEL + "-loop.csv"), StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        table.add(ScoreBench.splitCsvLine(line));
      }
    }
    String[] header = table.remove(0);
    String[] channels = {"web", "app", "store", null};
    for (int k = 0; k < ROWS; k++) {
      String[] cells = table.get(k % table.size());
      io.ae4j.RowData row = new io.ae4j.RowData();
      for (int i = 0; i < header.length; i++) {
        if (i < cells.length && !cells[i].isEmpty()) {
          row.put(header[i], Double.valueOf(cells[i]));
        }
      }
      row.put("ts", String.format("2024-03-%02dT%02d:%02d:07Z", 1 + k % 28, k % 24, k % 60));
      if (channels[k % 4] != null) {
        row.put("channel", channels[k % 4]);
      }
      rows.add(row);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.m.close();
    piped.m.close();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double scoringAlone() throws Exception {
    double s = 0;
    for (io.ae4j.RowData r : rows) {
      s += plain.predictAutoEncoder(r).mse;
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double pipelineAndScoring() throws Exception {
    double s = 0;
    for (io.ae4j.RowData r : rows) {
      s += piped.predictAutoEncoder(r).mse;
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double scoringAloneBatch() throws Exception {
    double s = 0;
    for (io.ae4j.prediction.AutoEncoderModelPrediction p : plain.predictAutoEncoderBatch(rows)) {
      s += p.mse;
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public double pipelineAndScoringBatch() throws Exception {
    double s = 0;
    for (io.ae4j.prediction.AutoEncoderModelPrediction p : piped.predictAutoEncoderBatch(rows)) {
      s += p.mse;
    }
    return s;
  }
}
