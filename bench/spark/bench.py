#!/usr/bin/env python3
"""Spark benchmark: rows/s on the same cached DataFrame and the same local cluster, in one run,
of (1) ae4j's AutoEncoderMOJOModel, (2) Sparkling Water's H2OAutoEncoderMOJOModel and
(3) h2o-genmodel's predictAutoEncoder in a mapPartitions. Each scores every row and appends the
reconstruction and the MSE; the output is fully computed (written to Spark's "noop" sink).
Run by bench/spark/run.sh."""
import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "spark", "python"))
from pyspark.sql import SparkSession, functions as F  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=1_000_000)
ap.add_argument("--models", default="digits_wide_tanh,synth_tanh")
ap.add_argument("--partitions", type=int, default=4)
ap.add_argument("--repeat", type=int, default=2)
args = ap.parse_args()

spark = SparkSession.builder.appName("ae4j spark bench").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
jvm = spark.sparkContext._jvm
from ae4j_spark import AutoEncoderMOJOModel  # noqa: E402
from pysparkling.ml import H2OMOJOModel  # noqa: E402


def data(case, n):
    cols = []
    for j, (name, dom) in enumerate(zip(case["columns"], case["domains"])):
        r = F.rand(seed=1000 + j)
        if dom:
            cols.append(F.element_at(F.array(*[F.lit(x) for x in dom]), (r * len(dom)).cast("int") + 1).alias(name))
        else:
            cols.append(F.floor(r * 17).cast("double").alias(name))
    return spark.range(0, n, 1, args.partitions).select(*cols)


def run(label, transform, df):
    transform(df.limit(20000)).write.format("noop").mode("overwrite").save()  # warm-up
    best = None
    for _ in range(args.repeat):
        t = time.time()
        transform(df).write.format("noop").mode("overwrite").save()
        dt = time.time() - t
        best = dt if best is None else min(best, dt)
    return best


results = []
print(f"Spark {spark.version}, {spark.sparkContext.master}, {args.rows} rows, {args.partitions} partitions, "
      f"best of {args.repeat}", flush=True)
for name in args.models.split(","):
    case = json.load(open(os.path.join(ROOT, "tests", "fixtures", "cases", name + ".json"), encoding="utf-8"))
    mojo = os.path.join(ROOT, "tests", "fixtures", "models", name + ".zip")
    df = data(case, args.rows).cache()
    df.count()
    ae = AutoEncoderMOJOModel.createFromMojo(mojo).setWithMSECol(True)
    sw = H2OMOJOModel.createFromMojo("file://" + mojo).setWithMSECol(True)
    contenders = [
        ("ae4j AutoEncoderMOJOModel", lambda d: ae.transform(d)),
        ("Sparkling Water H2OAutoEncoderMOJOModel", lambda d: sw.transform(d)),
        ("genmodel predictAutoEncoder in mapPartitions",
         lambda d: __import__("pyspark.sql", fromlist=["DataFrame"]).DataFrame(
             jvm.GenmodelMapPartitions.transform(d._jdf, mojo), spark)),
    ]
    times = {}
    for label, fn in contenders:
        dt = run(label, fn, df)
        times[label] = dt
        print(f"{name}: {label}: {dt:.2f} s, {args.rows / dt:,.0f} rows/s", flush=True)
    a = times["ae4j AutoEncoderMOJOModel"]
    print(f"{name}: ae4j is {times['Sparkling Water H2OAutoEncoderMOJOModel'] / a:.2f}x Sparkling Water, "
          f"{times['genmodel predictAutoEncoder in mapPartitions'] / a:.2f}x genmodel mapPartitions", flush=True)
    results.append((name, times))
    df.unpersist()
spark.stop()
