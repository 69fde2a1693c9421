#!/usr/bin/env bash
# The cost of a preprocessing pipeline (issue #22) relative to scoring alone: criterion
# (`cargo bench -p ae4j-core --bench pipeline`), then `ae4j predict` on N raw rows through the
# 10-step and the 28-step fixture specs vs the same rows pre-transformed without a pipeline
# (one thread, output to /dev/null, best of 3). Rows: the scoring rows of
# tests/fixtures/pipeline/cases.json, repeated. Usage: bench/pipeline.sh [ROWS] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo bench -p ae4j-core --bench pipeline
cargo build -p ae4j-cli --release --quiet
ae4j=target/release/ae4j
fixture=tests/fixtures/pipeline

python3 - "$rows" "$work" <<'PY'
import csv, json, sys
n, work = int(sys.argv[1]), sys.argv[2]
cases = json.load(open("tests/fixtures/pipeline/cases.json"))
rows = [r for r in cases["rows"] if r["expected_error"] is None]
raw_cols, cols = ["ts", "amount", "balance", "merchant", "online"], cases["columns"]
text = lambda v: "" if v is None else repr(v) if isinstance(v, float) else str(v)
with open(f"{work}/raw.csv", "w", newline="") as f, open(f"{work}/transformed.csv", "w", newline="") as g:
    raw, transformed = csv.writer(f, lineterminator="\n"), csv.writer(g, lineterminator="\n")
    raw.writerow(raw_cols)
    transformed.writerow(cols)
    for i in range(n):
        r = rows[i % len(rows)]
        raw.writerow([r["raw"][k] for k in raw_cols])
        transformed.writerow([text(r["transformed"][k]) for k in cols])
PY
"$ae4j" pipeline attach "$fixture/pipeline_tanh.zip" tests/fixtures/pipeline-examples/pipeline_tanh_10_steps.json -o "$work/p10.zip"
"$ae4j" pipeline attach "$fixture/pipeline_tanh.zip" "$fixture/pipeline.json" -o "$work/p28.zip"

best() { # model input
  local best=""
  for _ in 1 2 3; do
    local t
    t=$( { /usr/bin/time -f "%e" "$ae4j" predict -m "$1" -i "$2" -o /dev/null -q --threads 1; } 2>&1 )
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best="$t"; fi
  done
  echo "$best"
}
echo "load average before: $(cut -d' ' -f1 /proc/loadavg)"
echo "pre-transformed rows, no pipeline: $(best "$fixture/pipeline_tanh.zip" "$work/transformed.csv") s"
echo "raw rows, 10-step pipeline:        $(best "$work/p10.zip" "$work/raw.csv") s"
echo "raw rows, 28-step fixture spec:    $(best "$work/p28.zip" "$work/raw.csv") s"
echo "load average after: $(cut -d' ' -f1 /proc/loadavg)"
