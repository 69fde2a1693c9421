import hex.genmodel.MojoModel;
import hex.genmodel.easy.EasyPredictModelWrapper;
import hex.genmodel.easy.RowData;
import hex.genmodel.easy.prediction.AutoEncoderModelPrediction;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.Iterator;

/**
 * The benchmark's third contender: h2o-genmodel's own predictAutoEncoder in a mapPartitions
 * (one genmodel model per task, loaded from the MOJO path; a RowData per row with the Spark
 * values as genmodel takes them: Strings and Doubles). Appends the reconstruction (vector) and
 * the MSE, like the two transformers.
 */
public final class GenmodelMapPartitions implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private final String mojoPath;
  private final String[] names;

  private GenmodelMapPartitions(String mojoPath, String[] names) {
    this.mojoPath = mojoPath;
    this.names = names;
  }

  public static Dataset<Row> transform(Dataset<Row> df, String mojoPath) {
    StructType out = df.schema().add("output", SQLDataTypes.VectorType(), true).add("mse", DataTypes.DoubleType, true);
    return df.mapPartitions(new GenmodelMapPartitions(mojoPath, df.schema().fieldNames()), Encoders.row(out));
  }

  @Override
  public Iterator<Row> call(final Iterator<Row> rows) throws Exception {
    final EasyPredictModelWrapper model = new EasyPredictModelWrapper(MojoModel.load(mojoPath));
    return new Iterator<Row>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row r = rows.next();
        RowData data = new RowData();
        for (int i = 0; i < names.length; i++) {
          Object v = r.get(i);
          if (v != null) {
            data.put(names[i], v);
          }
        }
        AutoEncoderModelPrediction p;
        try {
          p = model.predictAutoEncoder(data);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
        Object[] vals = new Object[names.length + 2];
        for (int i = 0; i < names.length; i++) {
          vals[i] = r.get(i);
        }
        vals[names.length] = new DenseVector(p.reconstructed);
        vals[names.length + 1] = p.mse;
        return RowFactory.create(vals);
      }
    };
  }
}
