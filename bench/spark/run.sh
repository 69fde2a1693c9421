#!/usr/bin/env bash
# Spark benchmark on local[2]: ae4j vs Sparkling Water vs genmodel mapPartitions, same cached data.
#   bench/spark/run.sh [--rows N] [--models digits_wide_tanh,synth_tanh] [--repeat R]
# Needs the Spark 3.5 venv of tests/spark/run.sh (build/spark/venv35) and the built jars.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
V=$ROOT/build/spark/venv35
[ -x "$V/bin/spark-submit" ] || tests/spark/run.sh 3.5
gradle -q jar :spark:jar --console=plain --no-daemon
SW=$("$V/bin/python" -c 'import os, sparkling_water; print(os.path.join(os.path.dirname(sparkling_water.__file__), "sparkling_water_scoring_assembly.jar"))')
SPARK_JARS=$("$V/bin/python" -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')
OUT=$ROOT/build/spark/bench
mkdir -p "$OUT/classes"
javac --release 8 -nowarn -d "$OUT/classes" -cp "$SPARK_JARS/*:$SW" bench/spark/GenmodelMapPartitions.java
(cd "$OUT/classes" && jar cf "$OUT/genmodel-mappartitions.jar" .)
export PATH="$V/bin:$PATH" PYSPARK_PYTHON="$V/bin/python" PYSPARK_DRIVER_PYTHON="$V/bin/python"
unset SPARK_HOME
spark-submit --master 'local[2]' --driver-memory 6g --conf spark.ui.enabled=false \
  --jars "$ROOT/java/build/libs/ae4j-0.1.0.jar,$ROOT/spark/build/libs/ae4j-spark-0.1.0.jar,$SW,$OUT/genmodel-mappartitions.jar" \
  bench/spark/bench.py "$@" 2> "$OUT/stderr.log"
