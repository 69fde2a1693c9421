// genmodel's classic compiled-POJO program: the POJO class is on the class path, instantiated
// by name, wrapped and scored. hex.genmodel.GenModel stays (the POJO extends it); only the
// easy-API imports are rewritten for ae4j.
import hex.genmodel.GenModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.exception.PredictException;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;

import java.io.BufferedReader;
import java.io.FileReader;
import java.util.Arrays;

public class CompiledPojoProgram {
  public static void main(String[] args) throws Exception {
    GenModel rawModel = (GenModel) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    EasyPredictModelWrapper model = new EasyPredictModelWrapper(rawModel);
    System.out.println("POJO " + rawModel.getUUID() + " " + rawModel.getModelCategory() + " header " + rawModel.getHeader());
    System.out.println("wrapper: category " + model.getModelCategory() + " header " + model.getHeader());
    System.out.println("model: uuid " + model.getModel().getUUID() + " predsSize " + model.getModel().getPredsSize()
        + " nclasses " + model.getModel().nclasses() + " nfeatures " + model.getModel().nfeatures()
        + " origProjection " + Arrays.toString(model.getModel().getOrigProjectionArray()));
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
        try {
          AutoEncoderModelPrediction p = model.predictAutoEncoder(row);
          System.out.println(n + " mse=" + p.mse + " " + Arrays.toString(p.reconstructed));
        } catch (PredictException e) {
          System.out.println(n + " " + e.getMessage());
        }
      }
    }
  }
}
