package io.ae4j.spark;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fast route of {@link AutoEncoderMOJOModel#transform}: the input's internal rows
 * ({@code dataset.queryExecution().toRdd()}) are scored by {@link PartitionScorer.Internal} and
 * made a DataFrame again with {@code SparkSession.internalCreateDataFrame}, so that no row is
 * converted to or from an external {@link Row}.
 *
 * <p>Both methods are Spark-internal ({@code private[sql]} in Scala, public in the bytecode) and
 * their classes differ between Spark 3.5 ({@code org.apache.spark.sql.SparkSession}/{@code Dataset})
 * and 4.x ({@code org.apache.spark.sql.classic.*}), so they are found by reflection on the
 * runtime objects. When they are not there (another Spark, Spark Connect) or the input is a
 * stream, {@link #transform} returns null and the caller takes the public-API route
 * ({@code Dataset.mapPartitions} over external rows). Which route is used is logged once per
 * JVM; the system property {@code ae4j.spark.route=rows} forces the public-API route.
 */
final class InternalRoute {
  private static final Logger LOG = LoggerFactory.getLogger(InternalRoute.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private InternalRoute() {
  }

  /** The scored DataFrame by the internal-row route, or null when that route is unavailable. */
  @SuppressWarnings("unchecked")
  static Dataset<Row> transform(Dataset<?> dataset, StructType outSchema, Broadcast<ModelBytes> model,
      PartitionScorer.Plan plan) {
    if ("rows".equals(System.getProperty("ae4j.spark.route"))) {
      log(false, "the system property ae4j.spark.route=rows");
      return null;
    }
    if (dataset.isStreaming()) {
      return null; // a stream has no RDD: the public-API route (not logged as the route)
    }
    Object qe;
    Method toRdd;
    Method create;
    SparkSession session = dataset.sparkSession();
    try {
      qe = dataset.getClass().getMethod("queryExecution").invoke(dataset);
      toRdd = qe.getClass().getMethod("toRdd");
      create = session.getClass().getMethod("internalCreateDataFrame", RDD.class, StructType.class, boolean.class);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log(false, e.toString());
      return null;
    }
    RDD<InternalRow> in;
    try {
      in = (RDD<InternalRow>) toRdd.invoke(qe);
    } catch (ReflectiveOperationException e) {
      throw unwrap(e);
    }
    RDD<InternalRow> out = in.toJavaRDD().mapPartitions(new PartitionScorer.Internal(model, plan)).rdd();
    Dataset<Row> df;
    try {
      df = (Dataset<Row>) create.invoke(session, out, outSchema, false);
    } catch (ReflectiveOperationException e) {
      throw unwrap(e);
    }
    log(true, null);
    return df;
  }

  private static RuntimeException unwrap(ReflectiveOperationException e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    if (c instanceof RuntimeException) {
      return (RuntimeException) c;
    }
    if (c instanceof Error) {
      throw (Error) c;
    }
    return new IllegalStateException("ae4j: the internal-row route failed: " + c, c);
  }

  private static void log(boolean internal, String why) {
    if (LOGGED.compareAndSet(false, true)) {
      if (internal) {
        LOG.info("ae4j: scoring DataFrames on Spark's internal rows (queryExecution.toRdd,"
            + " internalCreateDataFrame)");
      } else {
        LOG.warn("ae4j: scoring DataFrames through Dataset.mapPartitions over external rows"
            + " (slower): the internal-row route is unavailable: " + why);
      }
    }
  }
}
