// A PredictCsv-like batch tool: reads a tab-separated file, writes one line of reconstruction per
// row (genmodel's output names as the header) plus the MSE, and counts the rows it could not
// score. Written against h2o-genmodel; compiled again with only its imports rewritten.
import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.exception.PredictException;
import hex.genmodel.easy.exception.PredictNumberFormatException;
import hex.genmodel.easy.exception.PredictUnknownCategoricalLevelException;
import hex.genmodel.easy.exception.PredictUnknownTypeException;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

public class PredictCsvTool {
  public static void main(String[] args) throws IOException {
    String mojoFile = null, input = null, output = null;
    boolean lenient = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mojo": mojoFile = args[++i]; break;
        case "--input": input = args[++i]; break;
        case "--output": output = args[++i]; break;
        case "--lenient": lenient = true; break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    EasyPredictModelWrapper.Config config = new EasyPredictModelWrapper.Config()
        .setModel(MojoModel.load(mojoFile, true))
        .setConvertUnknownCategoricalLevelsToNa(lenient)
        .setConvertInvalidNumbersToNa(lenient)
        .setUseExtendedOutput(true);
    EasyPredictModelWrapper model = new EasyPredictModelWrapper(config);
    int failed = 0, unknownLevels = 0, badNumbers = 0, badTypes = 0, rows = 0;
    try (BufferedReader in = new BufferedReader(new FileReader(input));
         BufferedWriter out = new BufferedWriter(new FileWriter(output))) {
      String[] header = in.readLine().split("\t", -1);
      out.write(String.join(",", model.m.getOutputNames()) + ",mse\n");
      for (String line; (line = in.readLine()) != null; rows++) {
        String[] cells = line.split("\t", -1);
        RowData row = new RowData();
        for (int i = 0; i < header.length; i++) {
          if (!cells[i].isEmpty()) {
            row.put(header[i], cells[i]);
          }
        }
        try {
          AutoEncoderModelPrediction p = model.predictAutoEncoder(row);
          StringBuilder b = new StringBuilder();
          for (double v : p.reconstructed) {
            b.append(v).append(',');
          }
          out.write(b.append(p.mse).append('\n').toString());
        } catch (PredictUnknownCategoricalLevelException e) {
          unknownLevels++;
          failed++;
          out.write("ERROR unknown level " + e.getColumnName() + "=" + e.getUnknownLevel() + "\n");
        } catch (PredictNumberFormatException e) {
          badNumbers++;
          failed++;
          out.write("ERROR " + e.getMessage() + "\n");
        } catch (PredictUnknownTypeException e) {
          badTypes++;
          failed++;
          out.write("ERROR " + e.getMessage() + "\n");
        } catch (PredictException e) {
          failed++;
          out.write("ERROR " + e + "\n");
        }
      }
    }
    System.out.println("rows " + rows + " failed " + failed + " (unknown levels " + unknownLevels
        + ", bad numbers " + badNumbers + ", bad types " + badTypes + ")");
    for (String l : Files.readAllLines(Paths.get(output))) {
      System.out.println(l);
    }
  }
}
