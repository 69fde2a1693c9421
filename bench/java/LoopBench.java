import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-thread predictAutoEncoder(RowData) loops, same rows, same JVM: h2o-genmodel 3.46.0.7
 * against ae4j's drop-in (row by row, and its batch method). Rows come from a CSV (cells as
 * Strings, empty = absent, as PredictCsv builds them). Prints one line per scorer:
 * {@code <name> <microseconds per row>}; a checksum of the MSEs guards against dead code.
 *
 * Usage: java -cp 'genmodel-libs/*:ae4j.jar:.' LoopBench model.zip rows.csv seconds
 */
public class LoopBench {
  public static void main(String[] args) throws Exception {
    String model = args[0];
    List<String[]> table = readCsv(args[1]);
    double seconds = Double.parseDouble(args[2]);
    String[] header = table.remove(0);

    List<hex.genmodel.easy.RowData> gRows = new ArrayList<>();
    List<io.ae4j.RowData> aRows = new ArrayList<>();
    for (String[] r : table) {
      hex.genmodel.easy.RowData g = new hex.genmodel.easy.RowData();
      io.ae4j.RowData a = new io.ae4j.RowData();
      for (int i = 0; i < header.length; i++) {
        if (i < r.length && !r[i].isEmpty()) {
          g.put(header[i], r[i]);
          a.put(header[i], r[i]);
        }
      }
      gRows.add(g);
      aRows.add(a);
    }

    hex.genmodel.easy.EasyPredictModelWrapper genmodel = new hex.genmodel.easy.EasyPredictModelWrapper(
        new hex.genmodel.easy.EasyPredictModelWrapper.Config()
            .setModel(hex.genmodel.MojoModel.load(model))
            .setConvertUnknownCategoricalLevelsToNa(true));
    io.ae4j.EasyPredictModelWrapper ae4j = new io.ae4j.EasyPredictModelWrapper(
        new io.ae4j.EasyPredictModelWrapper.Config()
            .setModel(io.ae4j.MojoModel.load(model))
            .setConvertUnknownCategoricalLevelsToNa(true));

    for (int round = 0; round < 2; round++) { // the first round is warm-up
      boolean report = round == 1;
      double t = time(seconds, gRows.size(), () -> {
        double s = 0;
        for (hex.genmodel.easy.RowData r : gRows) s += genmodel.predictAutoEncoder(r).reconstructed[0];
        return s;
      });
      if (report) System.out.printf("genmodel_predictAutoEncoder %.4f%n", t);
      t = time(seconds, aRows.size(), () -> {
        double s = 0;
        for (io.ae4j.RowData r : aRows) s += ae4j.predictAutoEncoder(r).mse;
        return s;
      });
      if (report) System.out.printf("ae4j_predictAutoEncoder %.4f%n", t);
      t = time(seconds, aRows.size(), () -> {
        double s = 0;
        for (io.ae4j.prediction.AutoEncoderModelPrediction p : ae4j.predictAutoEncoderBatch(aRows)) s += p.mse;
        return s;
      });
      if (report) System.out.printf("ae4j_predictAutoEncoderBatch %.4f%n", t);
    }
  }

  interface Pass {
    double run() throws Exception;
  }

  static volatile double sink;

  /** Microseconds per row over as many full passes as fit in the time budget. */
  static double time(double seconds, int rows, Pass pass) throws Exception {
    long start = System.nanoTime();
    long passes = 0;
    double s = 0;
    do {
      s += pass.run();
      passes++;
    } while (System.nanoTime() - start < seconds * 1e9);
    sink = s;
    return (System.nanoTime() - start) / 1e3 / (passes * (double) rows);
  }

  static List<String[]> readCsv(String path) throws Exception {
    List<String[]> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(Paths.get(path), StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) out.add(splitCsvLine(line));
    }
    return out;
  }

  /** One CSV line (no embedded line breaks), with RFC 4180 quotes ("Korea, Rep."). */
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
