package io.ae4j.examples;

// genmodel's classic POJO program, ported to ae4j by changing the imports alone:
import hex.genmodel.GenModel;                         // unchanged: the POJO's base class (h2o-genmodel stays the program's own dependency)
import io.ae4j.EasyPredictModelWrapper;               // was: hex.genmodel.easy.EasyPredictModelWrapper
import io.ae4j.RowData;                               // was: hex.genmodel.easy.RowData
import io.ae4j.prediction.AutoEncoderModelPrediction; // was: hex.genmodel.easy.prediction.AutoEncoderModelPrediction

/**
 * {@code java ClassicPojoProgram <pojo class> [column value]...}: scores one row with a compiled
 * H2O autoencoder POJO on the class path and prints each reconstructed slot and the MSE. The
 * body is genmodel's documented POJO program, unchanged.
 */
public class ClassicPojoProgram {
  public static void main(String[] args) throws Exception {
    String modelClassName = args[0];
    GenModel rawModel = (GenModel) Class.forName(modelClassName).newInstance();
    EasyPredictModelWrapper model = new EasyPredictModelWrapper(rawModel);

    RowData row = new RowData();
    for (int i = 1; i + 1 < args.length; i += 2) {
      row.put(args[i], args[i + 1]);
    }
    AutoEncoderModelPrediction p = model.predictAutoEncoder(row);
    for (int i = 0; i < p.reconstructed.length; i++) {
      System.out.println("reconstructed[" + i + "]: " + p.reconstructed[i]);
    }
    System.out.println("MSE: " + p.mse);
  }
}
