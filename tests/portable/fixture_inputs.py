#!/usr/bin/env python3
"""Writes the fixture rows (tests/fixtures/cases/*.json) as inputs for the portable parity runs:

    fixture_inputs.py CASES_DIR OUT_DIR

- OUT_DIR/<name>.csv: the rows a CSV can express the way a RowData does (text that is not a CSV
  missing-value token, finite numbers in numeric columns; a missing key is an empty cell), for
  `ae4j predict` and the service's CSV route;
- OUT_DIR/<name>.rows: the rows whose values are all strings or numbers, one per line, each cell
  `column<TAB>s|d<TAB>value` joined by TAB TAB, for FixtureScores.java (a RowData of String and
  Double values, exactly as typed in the case file);
- OUT_DIR/models.txt: `<name> <mojo path relative to the fixtures>` per case.
Prints how many rows of each kind it wrote.
"""
import csv
import json
import math
import os
import sys

MISSING_TOKENS = {"", "NA", "N/A", "-"}  # ae4j_core::convert::CSV_MISSING_TOKENS


def csv_expressible(case, row):
    categorical = {c for c, d in zip(case["columns"], case["domains"]) if d is not None}
    for col, v in row["input"].items():
        if isinstance(v, str):
            if v in MISSING_TOKENS:
                return False
        elif isinstance(v, float):
            if not math.isfinite(v) or col in categorical:
                return False
        else:
            return False
    return True


def typed_line(row):
    cells = []
    for col, v in row["input"].items():
        if isinstance(v, str) and "\t" not in v and "\n" not in v and "\t" not in col:
            cells.append(f"{col}\ts\t{v}")
        elif isinstance(v, float) and not isinstance(v, bool):
            cells.append(f"{col}\td\t{float.hex(v)}")
        else:
            return None
    return "\t\t".join(cells)


def main(cases_dir, out):
    os.makedirs(out, exist_ok=True)
    models = []
    for name in sorted(f[:-5] for f in os.listdir(cases_dir) if f.endswith(".json")):
        case = json.load(open(os.path.join(cases_dir, name + ".json"), encoding="utf-8"))
        rows = [r for r in case["rows"] if csv_expressible(case, r)]
        header = []
        for r in rows:
            header += [k for k in r["input"] if k not in header]
        with open(os.path.join(out, name + ".csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for r in rows:
                w.writerow([repr(v) if isinstance(v, float) else v if v is not None else ""
                            for v in (r["input"].get(h) for h in header)])
        typed = [line for line in map(typed_line, case["rows"]) if line is not None]
        with open(os.path.join(out, name + ".rows"), "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in typed))
        models.append(f"{name} {case['mojo']}")
        print(f"{name}: {len(rows)} CSV rows, {len(typed)} typed rows")
    with open(os.path.join(out, "models.txt"), "w", encoding="utf-8") as f:
        f.write("".join(m + "\n" for m in models))


if __name__ == "__main__":
    main(*sys.argv[1:])
