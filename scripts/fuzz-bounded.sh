#!/usr/bin/env bash
# A short, bounded libFuzzer run of every fuzz target in fuzz/ (see fuzz/README.md), from the
# committed seed corpus. Needs a nightly toolchain and cargo-fuzz: installs cargo-fuzz (bounded)
# when missing, and skips with a clear message when either cannot be had.
#   AE4J_FUZZ_SECONDS  seconds per target (default 60)
#   AE4J_FUZZ=0        skip
# A crash, a leak, a timeout (>10 s for one input) or an out-of-memory (>2 GB) fails the run;
# the reproducing input is left in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${AE4J_FUZZ_SECONDS:-60}"
if [ "${AE4J_FUZZ:-1}" = 0 ]; then
  echo "ae4j fuzz: skipped (AE4J_FUZZ=0)"
  exit 0
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "ae4j fuzz: SKIPPED: no nightly Rust toolchain (rustup toolchain install nightly)"
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "ae4j fuzz: installing cargo-fuzz (at most 20 minutes)"
  if ! timeout 1200 cargo install cargo-fuzz --locked --quiet; then
    echo "ae4j fuzz: SKIPPED: cargo-fuzz could not be installed"
    exit 0
  fi
fi

targets=(java_double convert_row mojo_ini mojo_zip pojo_source)
echo "ae4j fuzz: building ${#targets[@]} targets (nightly, AddressSanitizer, optimized)"
timeout 1800 cargo +nightly fuzz build -O

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log="$work/$t.log"
  # New inputs go to the scratch directory: the committed corpus stays as it is.
  if timeout $((secs + 300)) cargo +nightly fuzz run -O "$t" "$work/$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    echo "ae4j fuzz: $t: ok, $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions in ${secs} s"
  else
    failed=1
    echo "ae4j fuzz: $t: FAILED (see fuzz/artifacts/$t/); the end of its log:"
    tail -40 "$log"
  fi
done
exit "$failed"
