#!/usr/bin/env python3
"""Reference quantiles for the calibration tests: numpy.quantile (default linear interpolation)
of the H2O server's MSE over each fixture's normal rows. Writes
tests/fixtures/calibration/numpy_quantiles.json. Run with the fixture venv's python:
tests/generate/.venv/bin/python tests/generate/numpy_quantiles.py"""
import glob
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QS = [0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.995, 1.0]
out = {"numpy_version": np.__version__, "quantiles": QS, "models": {}}
for path in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/cases/*.json"))):
    case = json.load(open(path, encoding="utf-8"))
    mses = [r["server"]["mse"] for r in case["rows"] if r["kind"] == "normal" and r["server"]]
    mses = [float(m) for m in mses if isinstance(m, (int, float))]
    out["models"][case["name"]] = {
        "rows": len(mses),
        "values": [float(np.quantile(np.array(mses), q)) for q in QS],
    }
with open(os.path.join(ROOT, "tests/fixtures/calibration/numpy_quantiles.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
