#!/usr/bin/env python3
"""Independent reference for ae4j's anomaly decisions (threshold, percentile, explanation),
computed with numpy from the H2O server's own recorded values, never with ae4j.

For every fixture model (tests/fixtures/cases/<model>.json) it writes
tests/fixtures/decisions/<model>.json with:
- a calibration made from the server MSEs of the model's `normal` rows, as README.md defines it:
  the threshold is numpy.quantile(mse, 0.99) (linear interpolation) and the distribution is
  numpy.quantile(mse, k / 1000) for k = 0..1000;
- for every row the server scored (it has `server` values): its server MSE, `anomaly`
  (MSE > threshold), `percentile` (the share of calibration rows with a lower MSE, interpolated
  linearly in the distribution: 0 at or below its first point, 1 above its last; an MSE on a
  plateau of equal points gets the share strictly below it; null for a NaN MSE, which is no
  anomaly) and the explanation: every input
  column's share of the row's squared error (a categorical's level slots and NA slot summed),
  largest first, ties by column order.

Run from anywhere (needs only numpy):
    python3 tests/generate/decisions_reference.py
Tests compare every route's decisions with these files (1e-9 relative).
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "fixtures"))
QUANTILE = 0.99
POINTS = 1001


def number(v):
    """A fixture double: JSON numbers, or strings for the non-finite ones."""
    return float(v)


def slot_ranges(domains):
    """(start, end) of each input column's slots: categoricals first (levels + NA slot)."""
    ranges, at = [], 0
    for d in domains:
        width = len(d) + 1 if d is not None else 1
        ranges.append((at, at + width))
        at += width
    return ranges


def categoricals_first(columns, domains):
    """H2O's slot order puts categorical columns first, in the model's column order."""
    cats = [i for i, d in enumerate(domains) if d is not None]
    nums = [i for i, d in enumerate(domains) if d is None]
    if cats != list(range(len(cats))):
        raise SystemExit(f"expected categoricals first in {columns}")
    return cats, nums


def percentile(distribution, mse):
    """None (JSON null) for a NaN MSE: there is no share to give."""
    d = distribution
    if np.isnan(mse):
        return None
    if mse <= d[0]:
        return 0.0
    if mse > d[-1]:
        return 1.0
    upper = int(np.searchsorted(d, mse, side="left"))  # first point >= mse
    lower = upper - 1
    span = d[upper] - d[lower]
    within = (mse - d[lower]) / span if span > 0 else 1.0
    return float(min(max((lower + within) / (len(d) - 1), 0.0), 1.0))


def explanation(columns, ranges, squared_errors):
    se = np.asarray(squared_errors, dtype=np.float64)
    per_column = np.array([se[a:b].sum() for a, b in ranges])
    total = per_column.sum()
    if not (np.isfinite(total) and total > 0):
        return []
    shares = per_column / total
    order = sorted(range(len(columns)), key=lambda c: (-shares[c], c))
    return [[columns[c], float(shares[c])] for c in order]


def reference(case):
    columns, domains = case["columns"], case["domains"]
    categoricals_first(columns, domains)
    ranges = slot_ranges(domains)
    if ranges[-1][1] != len(case["slot_names"]):
        raise SystemExit(f"{case['name']}: {ranges[-1][1]} slots, expected {len(case['slot_names'])}")
    scored = [r for r in case["rows"] if r.get("server")]
    normal = np.array([number(r["server"]["mse"]) for r in scored if r["kind"] == "normal"])
    normal = normal[np.isfinite(normal)]
    threshold = float(np.quantile(normal, QUANTILE))
    distribution = np.quantile(normal, np.arange(POINTS) / (POINTS - 1))
    rows = []
    for r in scored:
        mse = number(r["server"]["mse"])
        rows.append({
            "id": r["id"],
            "mse": mse if np.isfinite(mse) else repr(mse).replace("nan", "NaN").replace("inf", "Infinity"),
            "anomaly": bool(mse > threshold),
            "percentile": percentile(distribution, mse),
            "explanation": explanation(columns, ranges, [number(v) for v in r["server"]["per_feature_se"]]),
        })
    return {
        "model": case["name"],
        "made_by": "tests/generate/decisions_reference.py (numpy " + np.__version__ + ")",
        "calibration": {
            "from": "the server MSEs of the normal rows",
            "rows": int(normal.size),
            "quantile": QUANTILE,
            "threshold": threshold,
            "distribution": [float(v) for v in distribution],
        },
        "rows": rows,
    }


def main():
    cases_dir = os.path.join(FIXTURES, "cases")
    out_dir = os.path.join(FIXTURES, "decisions")
    os.makedirs(out_dir, exist_ok=True)
    for name in sorted(os.listdir(cases_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(cases_dir, name), encoding="utf-8") as f:
            case = json.load(f)
        ref = reference(case)
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            json.dump(ref, f, indent=1, ensure_ascii=False, allow_nan=False)
            f.write("\n")
        print(f"{name}: {len(ref['rows'])} rows, threshold {ref['calibration']['threshold']:.6g}", file=sys.stderr)


if __name__ == "__main__":
    main()
