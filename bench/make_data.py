#!/usr/bin/env python3
"""Benchmark inputs: a CSV of N rows for a fixture model, cycling through the fixture's normal
rows (real rows of the training frame, NAs included as empty cells)."""
import csv
import json
import sys


def main(case_path: str, rows: int, out_path: str) -> None:
    case = json.load(open(case_path, encoding="utf-8"))
    normal = [r["input"] for r in case["rows"] if r["kind"] == "normal"]
    cols = case["columns"]
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for i in range(rows):
            r = normal[i % len(normal)]
            w.writerow(["" if r.get(c) is None else (repr(r[c]) if isinstance(r[c], float) else r[c]) for c in cols])


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
