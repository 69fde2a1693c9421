#!/usr/bin/env python3
"""Writes each fixture case file's input rows as a tab-separated file for the drop-in programs.

usage: make_rows.py CASES_DIR OUT_DIR

One file per model (<name>.tsv): a header of the model's columns (then any extra keys the rows
use), one line per row; an empty cell is an absent column. Values are written as the Strings a
program reads from a file; a Double NaN (as a typed source delivers it) is written "NaN!" (the
StreamUdf program puts a Double.NaN for it, the others read it as a bad number). Rows with other
typed values (Integer, Float, Boolean, Java null: ae4j's deliberate differences, covered by the
JUnit tests) or with a tab or newline in a value are left out. <name>.finite.tsv holds the rows
without an infinite number (genmodel's Rectifier POJOs throw on those).
"""
import json
import math
import pathlib
import sys


def cell(v):
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else None
    if isinstance(v, dict) and v.get("java") == "Double" and v.get("value") == "NaN":
        return "NaN!"
    return None


def infinite(text):
    """True when Java's Double.parseDouble(text.trim()) gives an infinity."""
    t = text.strip().rstrip("dDfF")
    if t.lstrip("+-") == "Infinity":
        return True
    try:
        return math.isinf(float(t)) and "inf" not in t.lower()
    except ValueError:
        return False


def main(cases_dir, out_dir):
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for f in sorted(pathlib.Path(cases_dir).glob("*.json")):
        case = json.loads(f.read_text(encoding="utf-8"))
        columns = list(case["columns"])
        extra = sorted({k for r in case["rows"] for k in r["input"] if k not in columns})
        header = columns + extra
        lines = ["\t".join(header)]
        finite = ["\t".join(header)]
        for row in case["rows"]:
            cells = {k: cell(v) for k, v in row["input"].items()}
            if any(v is None or "\t" in v or "\n" in v or "\r" in v for v in cells.values()):
                continue
            lines.append("\t".join(cells.get(k, "") for k in header))
            if not any(infinite(v) for v in cells.values()):
                finite.append(lines[-1])
        (out / (case["name"] + ".tsv")).write_text("\n".join(lines) + "\n", encoding="utf-8")
        (out / (case["name"] + ".finite.tsv")).write_text("\n".join(finite) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
