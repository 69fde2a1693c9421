#!/usr/bin/env python3
"""The service's cost of a preprocessing pipeline (issue #22): `ae4j serve` with the pipeline
fixture's MOJO twice, `pipe` (the spec as its zip entry ae4j/pipeline.json) and `plain`; the
same rows posted to the native API as raw rows to `pipe` and as the pipeline's transformed rows
to `plain`. Prints the median time per request and per row of each, over loopback.

    python3 bench/serve_pipeline.py [AE4J_BIN] [ROWS] [REPEATS]

AE4J_BIN defaults to target/release/ae4j; ROWS to 10000, REPEATS to 15. Checks that both give
the same MSEs (1e-9 relative) before timing. End to end: the raw body (5 columns) is smaller
than the transformed one (9), so JSON parsing differs too, not only the pipeline's work."""

import json
import math
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "pipeline"


def post(url, body):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.read()


def timed(url, body, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        post(url, body)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "release" / "ae4j")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    case = json.loads((FIX / "cases.json").read_text(encoding="utf-8"))
    good = [r for r in case["rows"] if r["expected_error"] is None]
    rows = [good[i % len(good)] for i in range(n)]
    raw = json.dumps({"rows": [r["raw_typed"] for r in rows]}).encode()
    transformed = json.dumps({"rows": [r["input"] for r in rows]}).encode()
    with tempfile.TemporaryDirectory() as d:
        mojo = pathlib.Path(d) / "pipe.zip"
        shutil.copy(FIX / "pipeline_tanh.zip", mojo)
        with zipfile.ZipFile(mojo, "a") as z:
            z.write(FIX / "pipeline.json", "ae4j/pipeline.json")
        proc = subprocess.Popen(
            [binary, "serve", "--port", "0", "--log-format", "off", "--max-rows", str(n),
             "--model", f"pipe={mojo}", "--model", f"plain={FIX / 'pipeline_tanh.zip'}"],
            stdout=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            url = line.split("listening on ")[1].split()[0]
            a = json.loads(post(f"{url}/v1/models/pipe/score", raw))["results"]
            b = json.loads(post(f"{url}/v1/models/plain/score", transformed))["results"]
            assert all(math.isclose(x["mse"], y["mse"], rel_tol=1e-9) for x, y in zip(a, b))
            t_pipe = timed(f"{url}/v1/models/pipe/score", raw, repeats)
            t_plain = timed(f"{url}/v1/models/plain/score", transformed, repeats)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    steps = len(json.loads((FIX / "pipeline.json").read_text())["steps"])
    print(f"{n} rows per request, median of {repeats}, {steps}-step pipeline:")
    print(f"  raw rows through the pipeline: {t_pipe * 1e3:8.1f} ms  ({t_pipe / n * 1e6:.2f} us/row)")
    print(f"  transformed rows, no pipeline: {t_plain * 1e3:8.1f} ms  ({t_plain / n * 1e6:.2f} us/row)")
    print(f"  ratio {t_pipe / t_plain:.2f}")


if __name__ == "__main__":
    main()
