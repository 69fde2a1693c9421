#!/usr/bin/env bash
# Runs every test of ae4j, stage by stage, and ends with a summary table (each stage's result,
# test counts, skips and time) and the closing line "ae4j: N passed, M failed, K skipped".
#   lint     cargo fmt --check; cargo clippy --workspace --all-targets -D warnings
#   rust     cargo test --workspace: core (conformance against genmodel and the H2O server,
#            exactness floors, numpy decision reference), CLI, service, JNI crate
#   service  the service's Python tests (tritonclient, OpenAPI/schemathesis, decisions, KServe
#            manifests), hadolint, a bounded checked load run (scripts/test-service.sh)
#   h2o-api  h2o-py 3.46.0.7 and curl against `ae4j serve --h2o-api`, recorded-answer contracts
#   java     gradle build: the portable (glibc 2.17) JNI library, JUnit under -Xcheck:jni, jar,
#            quick start
#   portable dist/ (scripts/release.sh), glibc floor and NEEDED of every shipped native file,
#            a Debian bullseye chroot (jar, Java API, CLI = host), the container image built and
#            run with podman (scripts/test-portable.sh)
#   dropin   genmodel-style programs compiled twice (genmodel, then ae4j with only the imports
#            rewritten), outputs compared; the javap surface check (tests/dropin/run.sh)
#   python   the ae4j Python package: the manylinux2014 wheel, pytest against the fixtures and
#            h2o.mojo_predict_pandas (scripts/test-python.sh)
#   live     `ae4j import-h2o` against a real H2O 3.46.0.12 on 127.0.0.1, genmodel check
#   fuzz     a bounded libFuzzer run of every target (scripts/fuzz-bounded.sh)
#   spark    the ae4j-spark jar on local Spark 3.5 (beside Sparkling Water) and 4.0
# It installs what a fresh machine lacks (a JDK and Gradle from Debian's packages; the stages
# install their own venvs, Maven, nightly Rust and cargo-fuzz). Under CI=true a stage that cannot
# get a prerequisite fails, never skips, and so does a test stage that ran no test.
#   AE4J_STAGES="rust java"   run only these stages (the summary says which were left out)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOGS="$ROOT/build/test-all"
rm -rf "$LOGS" && mkdir -p "$LOGS"

need() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! need cargo; then
  echo "ae4j: Rust (cargo) is required: https://rustup.rs" >&2
  exit 1
fi
if ! need java || ! need javac; then
  echo "ae4j: installing a JDK (openjdk-17-jdk-headless)"
  as_root apt-get update -qq && as_root apt-get install -y -qq openjdk-17-jdk-headless || exit 1
fi
if ! need gradle; then
  echo "ae4j: installing Gradle from Debian's packages"
  as_root apt-get update -qq && as_root apt-get install -y -qq gradle || exit 1
fi

ROWS=()
FAILED_STAGES=0
PORTABLE_SHIPPED=0
# stage [--no-tests] NAME COMMAND...: runs COMMAND, logs it to build/test-all/NAME.log, counts
# its tests. A test stage (no --no-tests) that ran no test fails.
stage() {
  local expect_tests=1
  if [ "$1" = --no-tests ]; then expect_tests=0; shift; fi
  local name=$1; shift
  if [ -n "${AE4J_STAGES:-}" ] && [[ " $AE4J_STAGES " != *" $name "* ]]; then
    ROWS+=("$name|left out|-|-|-|-")
    return 0
  fi
  local log="$LOGS/$name.log" start
  start=$(date +%s)
  echo "== $name: $*"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]} secs=$(( $(date +%s) - start ))
  local passed failed skipped
  read -r passed failed skipped < <(python3 scripts/lib/stage_counts.py "$log" "$start" "$ROOT")
  local result=ok
  if [ "$rc" -ne 0 ]; then
    result="FAILED (exit $rc)"
  elif [ "$failed" -gt 0 ]; then
    result="FAILED ($failed failed)"
  elif [ "$expect_tests" = 1 ] && [ "$passed" -eq 0 ]; then
    result="FAILED (no test ran)"
  elif [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
    result="FAILED ($skipped skipped under CI=true)"
  fi
  [ "$result" = ok ] || FAILED_STAGES=$((FAILED_STAGES + 1))
  [ "$name" = portable ] && [ "$result" = ok ] && PORTABLE_SHIPPED=1
  [ "$expect_tests" = 1 ] || { passed=-; }
  ROWS+=("$name|$result|$passed|$failed|$skipped|${secs} s")
}

summary() {
  local total_p=0 total_f=0 total_s=0 row name result p f s t
  echo
  echo "== Summary (logs in build/test-all/)"
  printf '%-10s %-32s %8s %7s %8s %8s\n' stage result passed failed skipped time
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name result p f s t <<<"$row"
    printf '%-10s %-32s %8s %7s %8s %8s\n' "$name" "$result" "$p" "$f" "$s" "$t"
    [[ "$p" =~ ^[0-9]+$ ]] && total_p=$((total_p + p))
    [[ "$f" =~ ^[0-9]+$ ]] && total_f=$((total_f + f))
    # A stage that failed without a failed test (a build error, a missing prerequisite) counts as one.
    [[ "$result" == FAILED* && "$f" == 0 ]] && total_f=$((total_f + 1))
    [[ "$s" =~ ^[0-9]+$ ]] && total_s=$((total_s + s))
  done
  echo "stages failed: $FAILED_STAGES"
  echo "ae4j: $total_p passed, $total_f failed, $total_s skipped"
}

# The Python tests take the wheel and the CLI that the portable stage shipped in dist/, when it
# ran in this invocation, instead of building both again.
python_tests() {
  local wheel
  wheel=$(ls "$ROOT"/dist/ae4j-*.whl 2>/dev/null | head -1)
  if [ "$PORTABLE_SHIPPED" = 1 ] && [ -n "$wheel" ] && [ -x "$ROOT/dist/ae4j" ]; then
    AE4J_WHEEL=$wheel AE4J_BIN=$ROOT/dist/ae4j ./scripts/test-python.sh
  else
    ./scripts/test-python.sh
  fi
}

stage --no-tests lint bash -c 'cargo fmt --all -- --check && cargo clippy --workspace --all-targets --locked -- -D warnings'
stage rust cargo test --workspace --locked
stage service ./scripts/test-service.sh
stage h2o-api tests/h2o-api/run.sh
stage java gradle cleanTest build --console=plain --no-daemon
stage portable ./scripts/test-portable.sh
stage dropin tests/dropin/run.sh
stage python python_tests
stage live bash tests/import/run_live.sh
stage fuzz ./scripts/fuzz-bounded.sh
stage spark tests/spark/run.sh

summary
[ "$FAILED_STAGES" -eq 0 ]
