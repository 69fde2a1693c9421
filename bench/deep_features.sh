#!/usr/bin/env bash
# The cost of deep features relative to plain scoring on the wide model (digits_wide_tanh,
# 61-256-128-256-61), in one run on one machine:
#   1. the core's batch path (criterion, one thread, 4096 rows: rust/ae4j-core/benches/deep_features.rs);
#   2. the CLI on a CSV of ROWS real rows (best of 3 wall times, every core), plain scoring against
#      --deep-features for each hidden layer and with the reconstruction.
# Prints a Markdown table (the "Deep features" section of BENCHMARKS.md, bench/other-benchmarks.md).
#   bench/deep_features.sh [ROWS]        (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
MODEL=tests/fixtures/models/digits_wide_tanh.zip
DATA=build/bench/digits_wide_tanh-deep.csv
mkdir -p build/bench
cargo build --release --locked -q -p ae4j-cli
[ -f "$DATA" ] && [ "$(($(wc -l < "$DATA") - 1))" = "$ROWS" ] \
  || python3 bench/make_data.py tests/fixtures/cases/digits_wide_tanh.json "$ROWS" "$DATA"

echo "load average before: $(cut -d' ' -f1 /proc/loadavg)" >&2
cargo bench -q -p ae4j-core --bench deep_features 2>/dev/null \
  | awk '/deep-features\/1-thread\// {name=$1; sub(/.*1-thread\//, "", name)} /time:/ && name {print name, $4, $5; name=""}' \
  > build/bench/deep_features.criterion.txt

best() { # best wall time of 3 runs, in seconds
  local best=""
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N)
    target/release/ae4j predict -q -m "$MODEL" -i "$DATA" -o /dev/null "$@"
    e=$(date +%s.%N)
    best=$(python3 -c "a='$best'; t=$e-$s; print(t if a == '' else min(float(a), t))")
  done
  echo "$best"
}
plain=$(best)
l0=$(best --deep-features 0)
l1=$(best --deep-features 1)
l2=$(best --deep-features 2)
all=$(best --reconstruction --deep-features 0 --deep-features 1 --deep-features 2)
rec=$(best --reconstruction)
echo "load average after: $(cut -d' ' -f1 /proc/loadavg)" >&2

python3 - "$ROWS" "$plain" "$l0" "$l1" "$l2" "$rec" "$all" <<'EOF'
import sys
rows = int(sys.argv[1])
plain, l0, l1, l2, rec, every = map(float, sys.argv[2:])
crit = {}
for line in open("build/bench/deep_features.criterion.txt"):
    name, value, unit = line.split()
    crit[name] = float(value) * {"s": 1e3, "ms": 1.0, "µs": 1e-3, "us": 1e-3}[unit]
base = crit["scores"]
print("Core batch path (`score_batch_outputs`, 4096 rows, one thread; deep features alone stop at the chosen layer):")
print()
print("| what | time | vs scores |")
print("|---|---|---|")
for key, label in [("scores", "scores (reconstruction, squared errors, MSE)"),
                   ("deep-features-layer-0", "deep features of layer 0 alone (256 units)"),
                   ("deep-features-layer-1", "deep features of layer 1 alone (128 units, the bottleneck)"),
                   ("deep-features-layer-2", "deep features of layer 2 alone (256 units)"),
                   ("deep-features-layers-0-1-2", "deep features of layers 0, 1, 2 alone"),
                   ("scores-and-deep-features-layers-0-1-2", "scores + layers 0, 1, 2, one forward pass")]:
    print(f"| {label} | {crit[key]:.1f} ms | {crit[key] / base:.2f}x |")
print()
print(f"CLI (`ae4j predict`, {rows:,} rows, every core, output to /dev/null, best of 3):")
print()
print("| flags | wall time | vs `predict` |")
print("|---|---|---|")
for label, t in [("(none: MSE only)", plain), ("`--deep-features 0` (+256 columns)", l0),
                 ("`--deep-features 1` (+128 columns)", l1), ("`--deep-features 2` (+256 columns)", l2),
                 ("`--reconstruction` (+61 columns)", rec),
                 ("`--reconstruction --deep-features 0 --deep-features 1 --deep-features 2` (+701 columns)", every)]:
    print(f"| {label} | {t:.2f} s | {t / plain:.2f}x |")
EOF
