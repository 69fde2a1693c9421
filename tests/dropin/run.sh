#!/usr/bin/env bash
# The drop-in test (issue #19): programs written once against h2o-genmodel's API
# (tests/dropin/programs/*.java) are compiled as written against h2o-genmodel 3.46.0.7, and again
# with only their imports rewritten (tests/dropin/rewrite-imports.sed) against ae4j's jar; both
# run on the fixture models and their outputs must match (tests/dropin/compare.py: exact, except
# the deliberate differences of java/README.md). Then the public API surfaces of both jars are
# compared (tests/dropin/surface.py).
#
#   tests/dropin/run.sh            uses the newest build/libs/ae4j-*.jar (or $AE4J_JAR);
#                                  builds it with `gradle jar` when there is none
#   DROPIN_ONLY=regex              runs only the programs whose label matches
# Caches h2o-genmodel and its dependencies (Maven Central, via mvn) in
# ~/.cache/ae4j/dropin/genmodel-3.46.0.7. Output: build/dropin/ (or $DROPIN_OUT).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/tests/dropin"
OUT=${DROPIN_OUT:-$ROOT/build/dropin}
GENMODEL_VERSION=3.46.0.7
CACHE=${AE4J_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ae4j}/dropin/genmodel-$GENMODEL_VERSION
JAVA_OPTS=(-Xmx512m -Dfile.encoding=UTF-8)

die() { echo "dropin: $*" >&2; exit 1; }
for tool in java javac javap python3; do
  command -v "$tool" >/dev/null || die "$tool is required (a JDK 17 and python3)"
done

# h2o-genmodel and its runtime dependencies, once.
if [ ! -f "$CACHE/h2o-genmodel-$GENMODEL_VERSION.jar" ]; then
  command -v mvn >/dev/null || die "mvn is required to fetch h2o-genmodel $GENMODEL_VERSION from Maven Central (apt-get install maven)"
  rm -rf "$CACHE.tmp"
  mvn -q -B -f "$ROOT/tests/generate/pom.xml" dependency:copy-dependencies -DoutputDirectory="$CACHE.tmp" \
    || die "could not fetch h2o-genmodel $GENMODEL_VERSION"
  mkdir -p "$(dirname "$CACHE")" && rm -rf "$CACHE" && mv "$CACHE.tmp" "$CACHE"
fi
GENMODEL_CP=$(ls "$CACHE"/*.jar | tr '\n' ':')

# ae4j's jar.
find_jar() { ls -t "$ROOT"/build/libs/ae4j-[0-9]*.jar "$ROOT"/java/build/libs/ae4j-[0-9]*.jar 2>/dev/null | head -1 || true; }
AE4J_JAR=${AE4J_JAR:-$(find_jar)}
if [ -z "$AE4J_JAR" ]; then
  (cd "$ROOT" && gradle --no-daemon -q jar) || die "gradle jar failed"
  AE4J_JAR=$(find_jar)
fi
[ -f "$AE4J_JAR" ] || die "no ae4j jar (set AE4J_JAR or run gradle jar)"
echo "dropin: ae4j jar $AE4J_JAR, genmodel $GENMODEL_VERSION from $CACHE"

rm -rf "$OUT" && mkdir -p "$OUT"/{genmodel,ae4j}/{src,classes} "$OUT"/out "$OUT"/pojos
python3 "$HERE/make_rows.py" "$ROOT/tests/fixtures/cases" "$OUT/rows"

# Programs that name hex.genmodel types the port keeps (GenModel, genmodel's own MojoModel
# object) also have genmodel on ae4j's class path; the others have ae4j's jar alone.
KEEPS_GENMODEL="CompiledPojoProgram HalfDonePort"
keeps_genmodel() { [[ " $KEEPS_GENMODEL " == *" $1 "* ]]; }

PROGRAMS=()
for src in "$HERE"/programs/*.java; do
  name=$(basename "$src" .java)
  PROGRAMS+=("$name")
  cp "$src" "$OUT/genmodel/src/"
  sed -E -f "$HERE/rewrite-imports.sed" "$src" > "$OUT/ae4j/src/$name.java"
  # the rewrite touches import lines only
  if ! diff <(grep -v '^import ' "$src") <(grep -v '^import ' "$OUT/ae4j/src/$name.java") >/dev/null; then
    die "the import rewrite changed more than imports in $name"
  fi
  if grep -E '^import (static )?hex\.' "$OUT/ae4j/src/$name.java" | grep -v 'hex\.genmodel\.GenModel;' >/dev/null; then
    keeps_genmodel "$name" || die "$name still imports hex.* after the rewrite"
  fi
done
javac -nowarn -encoding UTF-8 -d "$OUT/genmodel/classes" -cp "$GENMODEL_CP" "$OUT"/genmodel/src/*.java
for name in "${PROGRAMS[@]}"; do
  cp=$AE4J_JAR
  keeps_genmodel "$name" && cp="$AE4J_JAR:$GENMODEL_CP"
  javac -nowarn -encoding UTF-8 -d "$OUT/ae4j/classes" -cp "$cp" "$OUT/ae4j/src/$name.java"
done

# Compiled POJOs (the fixture models' POJO sources) whose genmodel path scores like the MOJO
# (not wine_exprectifier: H2O's POJO applies no ExpRectifier; not the standardize=false ones:
# genmodel's POJO throws NullPointerException on every row; both in java/README.md).
POJOS="synth_tanh synth_rectifier_skip breast_cancer_tanhdropout"
for p in $POJOS; do
  javac -nowarn -encoding UTF-8 -d "$OUT/pojos" -cp "$GENMODEL_CP" "$ROOT/tests/fixtures/models/$p.java"
done

MODELS=$(cd "$ROOT/tests/fixtures/models" && ls *.zip | sed 's/\.zip$//')
fail=0 runs=0 failed_runs=0
# run LABEL PROGRAM ARGS...: the program under genmodel and under ae4j, outputs compared
run() {
  local label=$1 prog=$2; shift 2
  [[ "$label" =~ ${DROPIN_ONLY:-.} ]] || return 0
  local gcp="$OUT/genmodel/classes:$GENMODEL_CP:$ROOT/tests/fixtures/models:$OUT/pojos"
  local acp="$OUT/ae4j/classes:$AE4J_JAR:$ROOT/tests/fixtures/models:$OUT/pojos"
  keeps_genmodel "$prog" && acp="$acp:$GENMODEL_CP"
  (cd "$OUT/out" && java "${JAVA_OPTS[@]}" -cp "$gcp" "$prog" "${@//@SIDE@/genmodel}" > "$label.genmodel" 2>&1) || echo "exit $?" >> "$OUT/out/$label.genmodel"
  (cd "$OUT/out" && java "${JAVA_OPTS[@]}" -cp "$acp" "$prog" "${@//@SIDE@/ae4j}" > "$label.ae4j" 2>&1) || echo "exit $?" >> "$OUT/out/$label.ae4j"
  runs=$((runs + 1))
  python3 "$HERE/compare.py" "$OUT/out/$label.genmodel" "$OUT/out/$label.ae4j" "$label" \
    || { fail=1; failed_runs=$((failed_runs + 1)); }
}

for m in $MODELS; do
  zip="$ROOT/tests/fixtures/models/$m.zip"
  rows="$OUT/rows/$m.tsv"
  first=$(sed -n 2p "$rows" | tr '\t' '\n' | paste -d= <(head -1 "$rows" | tr '\t' '\n') - | grep -v '=$' | paste -sd'&' -)
  run "GenericScorer-$m" GenericScorer "$zip" "$rows"
  run "PredictCsvTool-strict-$m" PredictCsvTool --mojo "$zip" --input "$rows" --output "$OUT/out/$m.@SIDE@.strict.csv"
  run "PredictCsvTool-lenient-$m" PredictCsvTool --mojo "$zip" --input "$rows" --output "$OUT/out/$m.@SIDE@.lenient.csv" --lenient
  run "StreamUdf-strict-$m" StreamUdf "$zip" "$rows" false 0.05
  run "StreamUdf-lenient-$m" StreamUdf "$zip" "$rows" true 0.05
  run "ModelServer-$m" ModelServer "$zip" "$first" "nosuchcolumn=1"
  run "ClasspathLoader-$m" ClasspathLoader "$m.zip" "$zip"
  run "HalfDonePort-$m" HalfDonePort "$zip" "$rows"
done
for p in $POJOS; do
  # no infinite inputs: genmodel's Rectifier POJO throws on them (java/README.md, POJO bugs)
  run "CompiledPojoProgram-$p" CompiledPojoProgram "$p" "$OUT/rows/$p.finite.tsv"
done

surface_failed=0
python3 "$HERE/surface.py" "$CACHE/h2o-genmodel-$GENMODEL_VERSION.jar" "$AE4J_JAR" "$ROOT/java/README.md" \
  || { fail=1; surface_failed=1; }

[ "$runs" -gt 0 ] || die "no program ran (DROPIN_ONLY=${DROPIN_ONLY:-} matches nothing?)"
# The counts line scripts/test-all.sh reads: each program run and the surface check is one test.
echo "dropin: $((runs - failed_runs + 1 - surface_failed)) passed, $((failed_runs + surface_failed)) failed"
if [ "$fail" != 0 ]; then
  echo "dropin: FAILED: $failed_runs of $runs program runs differ, or the API surface check failed (outputs in $OUT/out)"
  exit 1
fi
echo "dropin: $runs program runs print genmodel's output (deliberate differences aside); the API surface is complete"
