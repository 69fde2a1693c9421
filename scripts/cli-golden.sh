#!/usr/bin/env bash
# Byte-for-byte comparison of two `ae4j` binaries on every fixture model: the refactors of the
# row path and the score table must not change one byte of `ae4j predict`'s output, its error
# text or exit status, nor `ae4j calibrate`'s calibration.
#
#   scripts/cli-golden.sh OLD_AE4J NEW_AE4J [WORK_DIR]
#
# OLD_AE4J is a release build of the commit before the change (e.g. from `git worktree add`),
# NEW_AE4J the build under test. Inputs are made from tests/fixtures/cases (every row a CSV can
# write, errors included), once as CSV and once as a `;`-separated file, plus a few rows that
# only a CSV can be wrong in (ragged rows, a repeated header name). Prints the number of runs
# compared; exits 1 and names the first run that differs.
set -euo pipefail

old=$(realpath "$1")
new=$(realpath "$2")
work=${3:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$root/tests/fixtures
mkdir -p "$work/in" "$work/old" "$work/new"

# One CSV per case: the union of the rows' keys as header, text as is, doubles as Python's repr
# (so nan/inf are invalid numbers: error rows), Java-typed values and nulls left empty.
python3 - "$fixtures/cases" "$work/in" <<'PY'
import csv, json, os, sys
cases, out = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(cases)):
    case = json.load(open(os.path.join(cases, name), encoding="utf-8"))
    header = []
    for r in case["rows"]:
        for k in r["input"]:
            if k not in header:
                header.append(k)
    def cell(v):
        if isinstance(v, str):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return repr(float(v))
        return ""
    rows = [[cell(r["input"].get(h)) for h in header] for r in case["rows"]]
    stem = case["name"]
    for suffix, sep in (("csv", ","), ("ssv", ";")):
        with open(os.path.join(out, f"{stem}.{suffix}"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, delimiter=sep, lineterminator="\r\n" if sep == ";" else "\n")
            w.writerow(header)
            w.writerows(rows)
    # Only a CSV can be ragged or name a column twice (the later cell wins unless missing).
    with open(os.path.join(out, f"{stem}.odd.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header + [header[0]])
        for r in rows[:20]:
            w.writerow(r + ["zzz"])
            w.writerow(r + [""])
            w.writerow(r)
PY

runs=0
compare() { # name, args...
    local name=$1
    shift
    for side in old new; do
        local bin=$old
        [ "$side" = new ] && bin=$new
        set +e
        "$bin" "$@" --quiet --output "$work/$side/$name.out" 2>"$work/$side/$name.err"
        echo $? >"$work/$side/$name.rc"
        set -e
    done
    for ext in out err rc; do
        if [ -e "$work/old/$name.$ext" ] || [ -e "$work/new/$name.$ext" ]; then
            if ! cmp -s "$work/old/$name.$ext" "$work/new/$name.$ext"; then
                echo "DIFFERS: $name.$ext (ae4j $*)" >&2
                diff <(head -c 2000 "$work/old/$name.$ext") <(head -c 2000 "$work/new/$name.$ext") | head -20 >&2 || true
                exit 1
            fi
        fi
    done
    runs=$((runs + 1))
}

option_sets=(
    ""
    "--per-feature"
    "--reconstruction"
    "--per-feature --reconstruction --on-error record"
    "--on-error record --chunk-rows 7 --threads 2"
    "--on-error record --convert-unknown-categoricals-to-na"
    "--on-error record --convert-invalid-numbers-to-na"
    "--on-error record --convert-unknown-categoricals-to-na --convert-invalid-numbers-to-na --per-feature"
    "--on-error record --explain 3"
    "--on-error record --threshold 0.5 --explain 2 --per-feature --reconstruction"
    "--threshold 0.05"
)
for model in "$fixtures"/models/*.zip "$fixtures"/models/*.java; do
    stem=$(basename "${model%.*}")
    kind=${model##*.}
    first=$(head -1 "$work/in/$stem.csv" | cut -d, -f1)
    i=0
    for opts in "${option_sets[@]}"; do
        # shellcheck disable=SC2086 # the option sets are word lists
        compare "$stem.$kind.$i" predict --model "$model" --input "$work/in/$stem.csv" $opts
        i=$((i + 1))
    done
    compare "$stem.$kind.keep" predict --model "$model" --input "$work/in/$stem.csv" \
        --keep "$first" --on-error record --explain 1 --per-feature
    compare "$stem.$kind.ssv" predict --model "$model" --input "$work/in/$stem.ssv" \
        --separator ";" --on-error record --reconstruction --explain 2
    compare "$stem.$kind.odd" predict --model "$model" --input "$work/in/$stem.odd.csv" \
        --on-error record --per-feature
    compare "$stem.$kind.odd-fail" predict --model "$model" --input "$work/in/$stem.odd.csv"
done

calibrated=$fixtures/calibration/synth_tanh.calibrated.zip
for opts in "--explain 2" "--explain 2 --threshold 0.1" "--explain 5 --per-feature --keep country" \
    "--threshold 0.1 --reconstruction" "--explain 2 --convert-unknown-categoricals-to-na --convert-invalid-numbers-to-na"; do
    runs_before=$runs
    # shellcheck disable=SC2086
    compare "calibrated.$runs_before" predict --model "$calibrated" --input "$work/in/synth_tanh.csv" \
        --on-error record $opts
    # shellcheck disable=SC2086
    compare "calibrated-fail.$runs_before" predict --model "$calibrated" --input "$work/in/synth_tanh.csv" $opts
done

# `calibrate` goes through the same row path: its calibration (less its creation time) and its
# report must not change either.
for side in old new; do
    bin=$old
    [ "$side" = new ] && bin=$new
    "$bin" calibrate --quiet --quantile 0.95 --model "$fixtures/models/synth_tanh.zip" --input "$work/in/synth_tanh.csv" \
        --output "$work/$side/cal.zip" 2>"$work/$side/cal.err" || true
    python3 - "$work/$side/cal.zip" >"$work/$side/cal.json" <<'PY'
import json, sys, zipfile
c = json.loads(zipfile.ZipFile(sys.argv[1]).read("ae4j/calibration.json"))
c.pop("created")
print(json.dumps(c, sort_keys=True))
PY
done
cmp "$work/old/cal.json" "$work/new/cal.json"
cmp "$work/old/cal.err" "$work/new/cal.err"
runs=$((runs + 1))

echo "cli-golden: $runs runs byte-identical (outputs in $work)"
