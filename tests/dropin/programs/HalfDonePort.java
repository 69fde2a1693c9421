// A half-done port (or Sparkling Water handing over its model): genmodel's own MOJO model object,
// loaded by genmodel and named by its full name in the code, is given to the easy API. With
// genmodel's imports this is genmodel scoring; with the imports rewritten, ae4j's wrapper takes
// genmodel's object and scores it natively.
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;

import java.io.BufferedReader;
import java.io.FileReader;
import java.util.Arrays;

public class HalfDonePort {
  public static void main(String[] args) throws Exception {
    hex.genmodel.GenModel genmodelModel = hex.genmodel.MojoModel.load(args[0]);
    EasyPredictModelWrapper viaConstructor = new EasyPredictModelWrapper(genmodelModel);
    EasyPredictModelWrapper viaConfig = new EasyPredictModelWrapper(
        new EasyPredictModelWrapper.Config().setModel(genmodelModel).setConvertUnknownCategoricalLevelsToNa(true));
    System.out.println("category " + viaConstructor.getModelCategory() + " uuid " + viaConfig.getModel().getUUID()
        + " predsSize " + viaConfig.getModel().getPredsSize());
    try (BufferedReader in = new BufferedReader(new FileReader(args[1]))) {
      String[] header = in.readLine().split("\t", -1);
      int n = 0;
      for (String line; (line = in.readLine()) != null; n++) {
        String[] cells = line.split("\t", -1);
        RowData row = new RowData();
        for (int i = 0; i < header.length; i++) {
          if (!cells[i].isEmpty()) {
            row.put(header[i], cells[i]);
          }
        }
        for (EasyPredictModelWrapper w : new EasyPredictModelWrapper[] {viaConstructor, viaConfig}) {
          try {
            AutoEncoderModelPrediction p = w.predictAutoEncoder(row);
            System.out.println(n + " mse=" + p.mse + " " + Arrays.toString(p.reconstructed));
          } catch (Exception e) {
            System.out.println(n + " " + e.getClass().getName() + ": " + e.getMessage());
          }
        }
      }
    }
  }
}
