package io.ae4j.spark.examples;

import io.ae4j.RowData;
import io.ae4j.spark.ModelBytes;
import io.ae4j.spark.RowDataScorer;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.List;

/**
 * ae4j without DataFrames: an RDD of RowData scored with mapPartitions (batches of 1024 rows,
 * one native call each; one model per executor JVM).
 *
 * <pre>
 * spark-submit --class io.ae4j.spark.examples.RddScoring \
 *   --jars java/build/libs/ae4j-0.1.0.jar,spark/build/libs/ae4j-spark-0.1.0.jar \
 *   spark/build/libs/ae4j-spark-examples-0.1.0.jar model.zip rows.csv
 * </pre>
 *
 * The CSV's first line names the columns; its first column is a row id; empty cells are missing.
 * Prints {@code id,mse} (or {@code id,,error}) per row.
 */
public final class RddScoring {
  private RddScoring() {
  }

  /** Scores the CSV's rows and returns {@code id,mse} lines (or {@code id,,<error>}), in input order. */
  public static List<String> score(JavaSparkContext jsc, String modelPath, String csvPath) throws IOException {
    Broadcast<ModelBytes> model = jsc.broadcast(ModelBytes.read(modelPath));
    JavaRDD<String> lines = jsc.textFile(csvPath);
    final String[] header = lines.first().split(",", -1);
    JavaRDD<RowData> rows = lines
        .zipWithIndex()
        .filter(t -> t._2() > 0)
        .map(t -> {
          String[] cells = t._1().split(",", -1);
          RowData row = new RowData();
          for (int i = 0; i < header.length && i < cells.length; i++) {
            if (!cells[i].isEmpty()) {
              row.put(header[i], cells[i]);   // Strings, parsed as genmodel does
            }
          }
          return row;
        });
    final String id = header[0];
    return rows
        .mapPartitions(new RowDataScorer(model, false, false, 1024))
        .map(s -> s.row.get(id) + "," + (s.prediction != null ? Double.toString(s.prediction.mse) : "," + s.error))
        .collect();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: RddScoring <model.zip|model.java> <rows.csv>");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().appName("ae4j RDD scoring").getOrCreate();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (String line : score(jsc, args[0], args[1])) {
      System.out.println(line);
    }
    spark.stop();
  }
}
