#!/usr/bin/env bash
# A short, bounded libFuzzer run of every fuzz target in fuzz/ (see fuzz/README.md). Seeds:
# the committed generated corpora (fuzz/corpus/java_double, convert_row) and, made here from
# tests/fixtures (never committed twice), the small fixture MOJOs, their model.ini files and
# their POJO sources; the pipeline specs of docs/pipeline.md and tests/fixtures. Needs a nightly toolchain and cargo-fuzz: installs both when missing.
#   AE4J_FUZZ_SECONDS  seconds per target (default 60)
#   AE4J_FUZZ=0        skip (refused under CI=true)
# Under CI=true a missing prerequisite fails the run; elsewhere it is a loud SKIPPED line.
# A crash, a leak, a timeout (>10 s for one input) or an out-of-memory (>2 GB) fails the run;
# the reproducing input is left in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${AE4J_FUZZ_SECONDS:-60}"
missing() { # what
  if [ "${CI:-}" = true ]; then
    echo "ae4j fuzz: FAILED: $1 (required under CI=true)" >&2
    exit 1
  fi
  echo "ae4j fuzz: SKIPPED: $1"
  exit 0
}
[ "${AE4J_FUZZ:-1}" = 0 ] && missing "AE4J_FUZZ=0"
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "ae4j fuzz: installing the nightly toolchain (rustup)"
  timeout 900 rustup toolchain install nightly --profile minimal >/dev/null 2>&1 \
    || missing "no nightly Rust toolchain (rustup toolchain install nightly failed)"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "ae4j fuzz: installing cargo-fuzz (at most 20 minutes)"
  timeout 1200 cargo install cargo-fuzz --locked --quiet || missing "cargo-fuzz could not be installed"
fi

# The small fixture models as seeds (the 3 MB wide POJO is left out to keep executions fast).
seeds="$(mktemp -d)"
work="$(mktemp -d)"
trap 'rm -rf "$seeds" "$work"' EXIT
small=(breast_cancer_tanhdropout iris_rectdropout_nostd synth_rectifier_skip synth_tanh synth_tanh_nostd wine_exprectifier)
mkdir -p "$seeds/mojo_zip" "$seeds/mojo_ini" "$seeds/pojo_source" "$seeds/pipeline_spec"
for m in "${small[@]}"; do
  cp "tests/fixtures/models/$m.zip" "$seeds/mojo_zip/"
  unzip -p "tests/fixtures/models/$m.zip" model.ini > "$seeds/mojo_ini/$m.ini"
  cp "tests/fixtures/models/$m.java" "$seeds/pojo_source/"
done
# Pipeline specs: every ```json block of docs/pipeline.md that is a spec, and the fixtures'.
awk -v dir="$seeds/pipeline_spec" '
  /^```json$/ { n++; file = dir "/doc" n ".json"; inside = 1; next }
  /^```/ { inside = 0; next }
  inside { print > file }
' docs/pipeline.md
cp tests/fixtures/pipeline/pipeline.json "$seeds/pipeline_spec/fixture.json"
cp tests/fixtures/pipeline-examples/*.json "$seeds/pipeline_spec/"
seed_dir() { # target
  case "$1" in
    mojo_zip|mojo_ini|pojo_source|pipeline_spec) echo "$seeds/$1" ;;
    *) echo "fuzz/corpus/$1" ;;
  esac
}

# Build outside the clone so a fresh clone (CI) reuses the dependencies' instrumented builds.
target_dir="${AE4J_FUZZ_TARGET_DIR:-$HOME/.cache/ae4j/fuzz-target}"
mkdir -p "$target_dir"

targets=(java_double convert_row mojo_ini mojo_zip pojo_source pipeline_spec)
echo "ae4j fuzz: building ${#targets[@]} targets (nightly, AddressSanitizer, optimized)"
timeout 1800 cargo +nightly fuzz build -O --target-dir "$target_dir"

failed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log="$work/$t.log"
  # New inputs go to the scratch directory: the seeds stay as they are.
  if timeout $((secs + 300)) cargo +nightly fuzz run -O --target-dir "$target_dir" "$t" "$work/$t" "$(seed_dir "$t")" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    echo "ae4j fuzz: $t: ok, $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions in ${secs} s"
  else
    failed=1
    echo "ae4j fuzz: $t: FAILED (see fuzz/artifacts/$t/); the end of its log:"
    tail -40 "$log"
  fi
done
exit "$failed"
