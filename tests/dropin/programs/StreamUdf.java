// A stream-processing UDF (the shape of a Kafka Streams / KSQL / Flink function): one wrapper,
// built once and kept, scores every record of a stream; an ErrorConsumer counts data problems;
// the anomaly flag is the MSE against a threshold. Written against h2o-genmodel; compiled again
// with only its imports rewritten.
import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.error.CountingErrorConsumer;
import hex.genmodel.easy.exception.PredictException;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public class StreamUdf {
  private static EasyPredictModelWrapper wrapper;
  private static final List<String> events = new ArrayList<>();
  private static CountingErrorConsumer counter;

  /** The UDF's configure step: runs once per task. */
  static synchronized void configure(String mojoPath, boolean lenient) throws IOException {
    if (wrapper != null) {
      return;
    }
    MojoModel mojo = MojoModel.load(mojoPath);
    counter = new CountingErrorConsumer(mojo);
    EasyPredictModelWrapper.ErrorConsumer logging = new EasyPredictModelWrapper.ErrorConsumer() {
      @Override
      public void dataTransformError(String columnName, Object value, String message) {
        events.add("dataTransformError " + columnName + " " + value + " " + message);
        counter.dataTransformError(columnName, value, message);
      }

      @Override
      public void unseenCategorical(String columnName, Object value, String message) {
        events.add("unseenCategorical " + columnName + " " + value + " " + message);
        counter.unseenCategorical(columnName, value, message);
      }
    };
    wrapper = new EasyPredictModelWrapper(new EasyPredictModelWrapper.Config()
        .setModel(mojo)
        .setConvertUnknownCategoricalLevelsToNa(lenient)
        .setConvertInvalidNumbersToNa(lenient)
        .setUseExternalEncoding(false)
        .setErrorConsumer(logging));
  }

  /** The UDF itself: one record (column -> value) in, one verdict out. */
  static String apply(Map<String, Object> record, double threshold) {
    RowData row = new RowData();
    row.putAll(record);
    try {
      AutoEncoderModelPrediction p = wrapper.predictAutoEncoder(row);
      return (p.mse > threshold ? "ANOMALY" : "normal") + " mse=" + p.mse;
    } catch (PredictException e) {
      return "rejected " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  public static void main(String[] args) throws IOException {
    configure(args[0], Boolean.parseBoolean(args[2]));
    configure(args[0], Boolean.parseBoolean(args[2])); // a second task: the same wrapper
    double threshold = Double.parseDouble(args[3]);
    try (BufferedReader in = new BufferedReader(new FileReader(args[1]))) {
      String[] header = in.readLine().split("\t", -1);
      int n = 0;
      for (String line; (line = in.readLine()) != null; n++) {
        String[] cells = line.split("\t", -1);
        Map<String, Object> record = new TreeMap<>(); // a fixed order: the cells' order decides which bad cell is reported
        for (int i = 0; i < header.length; i++) {
          if (cells[i].equals("NaN!")) {
            record.put(header[i], Double.NaN); // a NaN Double, as a typed source delivers it
          } else if (!cells[i].isEmpty()) {
            record.put(header[i], cells[i]);
          }
        }
        System.out.println(n + " " + apply(record, threshold));
        for (String e : events) {
          System.out.println("   " + e);
        }
        events.clear();
      }
    }
    System.out.println("unknown levels seen " + counter.getTotalUnknownCategoricalLevelsSeen()
        + " per column " + new TreeMap<>(counter.getUnknownCategoricalsPerColumn()));
    System.out.println("data transformation errors " + counter.getDataTransformationErrorsCount()
        + " per column " + new TreeMap<>(counter.getDataTransformationErrorsCountPerColumn()));
  }
}
