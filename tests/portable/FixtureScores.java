// The Java API on the fixture rows, printed exactly: for each row of <name>.rows (written by
// fixture_inputs.py), genmodel's EasyPredictModelWrapper.predictAutoEncoder result as hex
// doubles (mse, then the reconstruction), or the exception's class and message. Run on the host
// and in the bullseye chroot by scripts/test-portable.sh, whose outputs must be identical.
//   java -cp ae4j-<version>.jar:. FixtureScores FIXTURES_DIR INPUTS_DIR
// Uses genmodel's public API only (io.ae4j is its drop-in), Java 8.

import io.ae4j.EasyPredictModelWrapper;
import io.ae4j.MojoModel;
import io.ae4j.RowData;
import io.ae4j.exception.PredictException;
import io.ae4j.prediction.AutoEncoderModelPrediction;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

public class FixtureScores {
  public static void main(String[] args) throws IOException {
    File fixtures = new File(args[0]);
    File inputs = new File(args[1]);
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    List<String> models = Files.readAllLines(new File(inputs, "models.txt").toPath(), StandardCharsets.UTF_8);
    for (String line : models) {
      String[] nameAndPath = line.split(" ", 2);
      EasyPredictModelWrapper model =
          new EasyPredictModelWrapper(MojoModel.load(new File(fixtures, nameAndPath[1]).getPath()));
      List<String> rows = Files.readAllLines(new File(inputs, nameAndPath[0] + ".rows").toPath(), StandardCharsets.UTF_8);
      for (int i = 0; i < rows.size(); i++) {
        out.println(nameAndPath[0] + " " + i + " " + score(model, rows.get(i)));
      }
    }
    out.flush();
  }

  static String score(EasyPredictModelWrapper model, String line) {
    try {
      AutoEncoderModelPrediction p = model.predictAutoEncoder(row(line));
      StringBuilder sb = new StringBuilder(Double.toHexString(p.mse));
      for (double v : p.reconstructed) {
        sb.append(' ').append(Double.toHexString(v));
      }
      return sb.toString();
    } catch (PredictException | RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  /** One line of cells `column TAB s|d TAB value`, joined by two TABs. */
  static RowData row(String line) {
    RowData row = new RowData();
    if (line.isEmpty()) {
      return row;
    }
    for (String cell : line.split("\t\t", -1)) {
      String[] f = cell.split("\t", 3);
      row.put(f[0], f[1].equals("d") ? (Object) Double.valueOf(Double.parseDouble(f[2])) : f[2]);
    }
    return row;
  }
}
