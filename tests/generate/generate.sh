#!/usr/bin/env bash
# Regenerates tests/fixtures/ from a real H2O 3.46.0.7 (the last PyPI release that still exports
# MOJOs/POJOs) and the reference scorer h2o-genmodel 3.46.0.7 from Maven Central.
#   bash tests/generate/generate.sh                 everything (new MOJOs, POJOs, cases, deep features)
#   bash tests/generate/generate.sh deepfeatures    only tests/fixtures/deepfeatures/ (re-trains, checks
#                                                   the weights equal the committed MOJOs', never
#                                                   rewrites the models or the cases)
#   bash tests/generate/generate.sh pipeline        only tests/fixtures/pipeline/ (raw data, pandas +
#                                                   scikit-learn, spec, a new MOJO/POJO, genmodel's
#                                                   scores of the transformed rows; see pipeline.py)
# Needs: python3.11 (venv), Java 17 (java, javac), mvn; PyPI and Maven Central reachable.
# H2O is started on 127.0.0.1 only and shut down at the end.  Tests never run this.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
PY="${PYTHON:-python3.11}"
BUILD="$HERE/build"

# 1. Python venv with the H2O client (its wheel ships h2o.jar) and the offline sklearn datasets.
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
WHEEL=""
for w in /tmp/h2o-pkg/h2o-3.46.0.7-*.whl; do [ -f "$w" ] && WHEEL="$w"; done   # a local copy saves 260 MB
.venv/bin/pip install -q "${WHEEL:-h2o==3.46.0.7}" numpy pandas scikit-learn requests tabulate
.venv/bin/python -c 'import h2o; assert h2o.__version__ == "3.46.0.7", h2o.__version__'
if [ "${1:-}" = deepfeatures ]; then
  exec .venv/bin/python deepfeatures.py
fi
if [ "${1:-}" = pipeline ]; then
  mvn -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory="$BUILD/lib"
  P="$BUILD/pipeline"
  rm -rf "$P"
  .venv/bin/python pipeline.py train
  mkdir -p "$P/pojo" "$P/classes"
  javac -nowarn -encoding UTF-8 -cp "$BUILD/lib/*" -d "$P/pojo" ../fixtures/pipeline/*.java
  javac -encoding UTF-8 -cp "$BUILD/lib/*" -d "$P/classes" GenmodelHarness.java
  java -Xmx1g -Dfile.encoding=UTF-8 -cp "$BUILD/lib/*:$P/pojo:$P/classes" \
    GenmodelHarness "$P/partial" "$P/genmodel"
  exec .venv/bin/python pipeline.py merge
fi

# 2. h2o-genmodel 3.46.0.7 and its runtime dependencies (gson, ...) into build/lib.
mvn -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory="$BUILD/lib"

# 3. Train, export MOJO+POJO, query the server (starts and stops H2O).
rm -rf "$BUILD/state" "$BUILD/partial" "$BUILD/genmodel" "$BUILD/pojo" "$BUILD/classes"
.venv/bin/python make_models.py train

# 4. Reference outputs from genmodel (MOJO; the POJOs are compiled for an informational check).
mkdir -p "$BUILD/pojo" "$BUILD/classes"
javac -nowarn -encoding UTF-8 -cp "$BUILD/lib/*" -d "$BUILD/pojo" ../fixtures/models/*.java
javac -encoding UTF-8 -cp "$BUILD/lib/*" -d "$BUILD/classes" GenmodelHarness.java
# file.encoding=UTF-8: genmodel decodes the MOJO's domain files with the default charset
java -Xmx2g -Dfile.encoding=UTF-8 -cp "$BUILD/lib/*:$BUILD/pojo:$BUILD/classes" \
  GenmodelHarness "$BUILD/partial" "$BUILD/genmodel"

# 5. Write tests/fixtures/cases/*.json and run the sanity checks (non-zero exit on a disagreement).
.venv/bin/python make_models.py merge

# 6. The server's deep features for every model and hidden layer (re-trains: checks reproducibility).
.venv/bin/python deepfeatures.py
du -sh ../fixtures
