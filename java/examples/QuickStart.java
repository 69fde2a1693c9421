// The classic h2o-genmodel autoencoder program, ported to ae4j: only the imports changed.
//   javac -cp ae4j-0.1.0.jar QuickStart.java && java -cp ae4j-0.1.0.jar:. QuickStart model.zip

import io.ae4j.*;
import io.ae4j.exception.*;
import io.ae4j.prediction.*;

public class QuickStart {
  public static void main(String[] args) throws Exception {
    String path = args.length > 0 ? args[0] : "tests/fixtures/models/synth_tanh.zip";
    EasyPredictModelWrapper model = new EasyPredictModelWrapper(MojoModel.load(path));

    RowData row = new RowData();
    row.put("country", "DE");
    row.put("device", "device.mobile");
    row.put("channel", "store");
    row.put("age", "47");
    row.put("income", 39.88);
    row.put("score", -0.3758);
    row.put("visits", 5.0);
    row.put("ratio", 0.32063);

    AutoEncoderModelPrediction p = model.predictAutoEncoder(row);
    System.out.println("MSE: " + p.mse);
    System.out.println("reconstructed age: " + p.reconstructedRowData.get("age"));
    String[] slots = model.m.getOutputNames();
    int worst = 0;
    for (int i = 1; i < p.squaredErrors.length; i++) {
      if (p.squaredErrors[i] > p.squaredErrors[worst]) worst = i;
    }
    System.out.println("largest error: " + slots[worst] + " = " + p.squaredErrors[worst]);
  }
}
