#!/usr/bin/env bash
# ae4j's Spark tests on a real local Spark (local[2]): tests/spark/spark_conformance.py under
#   - Spark 3.5 (pyspark 3.5, Scala 2.12), side by side with Sparkling Water's
#     H2OAutoEncoderMOJOModel (h2o-pysparkling-scoring-3-5), and
#   - Spark 4.0 (pyspark 4.0, Scala 2.13, Java 17): the same ae4j-spark jar.
# Creates the venvs under build/spark/ when missing (PyPI), builds the jars (gradle) and the CLI
# (cargo) the job is checked against. About 5 minutes once the venvs exist.
#   tests/spark/run.sh              both Spark lines
#   tests/spark/run.sh 3.5|4.0      one line
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

PYSPARK35='pyspark==3.5.8'
SPARKLING35='h2o-pysparkling-scoring-3-5==3.46.0.6.post1'
PYSPARK40='pyspark==4.0.5'
PYTHON=${PYTHON:-python3}

venv() { # dir requirements...
  local dir=$1; shift
  local want="$*"
  if [ ! -x "$dir/bin/python" ] || [ "$(cat "$dir/.requirements" 2>/dev/null)" != "$want" ]; then
    echo "== Spark tests: creating $dir ($want)"
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check "$@" numpy
    echo "$want" > "$dir/.requirements"
  fi
}

echo "== Spark tests: jars (gradle) and the CLI (cargo)"
gradle -q jar :spark:jar :spark:examplesJar --console=plain --no-daemon
cargo build --release --locked -q -p ae4j-cli
JARS=$ROOT/java/build/libs/ae4j-0.1.0.jar,$ROOT/spark/build/libs/ae4j-spark-0.1.0.jar,$ROOT/spark/build/libs/ae4j-spark-examples-0.1.0.jar

run_line() { # venv-dir extra-jars args...
  local dir=$1 extra=$2; shift 2
  (
    export PATH="$ROOT/$dir/bin:$PATH" PYSPARK_PYTHON="$ROOT/$dir/bin/python" PYSPARK_DRIVER_PYTHON="$ROOT/$dir/bin/python"
    unset SPARK_HOME
    timeout 900 spark-submit --master 'local[2]' --driver-memory 2g \
      --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4 \
      --conf 'spark.driver.extraJavaOptions=-Dlog4j2.level=error' \
      --jars "$JARS$extra" tests/spark/spark_conformance.py "$@" 2> "$ROOT/$dir.stderr.log"
  ) || { echo "ae4j: the Spark test failed; its log: $ROOT/$dir.stderr.log" >&2; tail -40 "$ROOT/$dir.stderr.log" >&2; return 1; }
}

lines=${1:-all}
mkdir -p build/spark
if [ "$lines" = all ] || [ "$lines" = 3.5 ]; then
  venv build/spark/venv35 "$PYSPARK35" "$SPARKLING35"
  SW=$(build/spark/venv35/bin/python -c 'import os, sparkling_water; print(os.path.join(os.path.dirname(sparkling_water.__file__), "sparkling_water_scoring_assembly.jar"))')
  echo "== Spark 3.5 (Scala 2.12) with Sparkling Water side by side"
  run_line build/spark/venv35 ",$SW" --sparkling --work build/spark/test35
fi
if [ "$lines" = all ] || [ "$lines" = 4.0 ]; then
  venv build/spark/venv40 "$PYSPARK40"
  echo "== Spark 4.0 (Scala 2.13), the same jar"
  run_line build/spark/venv40 "" --work build/spark/test40
fi
