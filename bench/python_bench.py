#!/usr/bin/env python3
"""The Python package against what a Python user would otherwise run, in one run:
``ae4j`` ``model.score(df)`` and ``ae4j.mojo_predict_pandas`` vs h2o-py's
``h2o.mojo_predict_pandas`` (3.46.0.7: a CSV copy, a JVM running genmodel's PredictCsv, a CSV
read back), and vs ``ae4j predict`` (the CLI) on the same rows as a CSV file.

    bench/python_bench.sh            # builds and installs the wheel, then runs this

Rows: the fixture's normal rows, cycled (bench/make_data.py). Rows/s from the best of the warm
calls; time to first answer is the first call's wall time including the model load (each h2o
call starts a JVM and loads the MOJO, so every one of its calls is a first call). Writes
bench/python.md, which bench/bench.py appends to BENCHMARKS.md.
"""

import os
import subprocess
import sys
import tempfile
import time

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import make_data  # noqa: E402

MODELS = ["breast_cancer_tanhdropout", "digits_wide_tanh"]
SIZES = [1_000, 100_000]


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(cli: str, out_md: str) -> None:
    import h2o

    import ae4j

    jar = os.path.join(os.path.dirname(h2o.__file__), "backend", "bin", "h2o.jar")
    tmp = tempfile.mkdtemp()
    load_before = open("/proc/loadavg").read().split()[0]
    results = []
    for name in MODELS:
        mojo = os.path.join(ROOT, "tests", "fixtures", "models", f"{name}.zip")
        case = os.path.join(ROOT, "tests", "fixtures", "cases", f"{name}.json")
        for n in SIZES:
            csv = os.path.join(tmp, f"{name}-{n}.csv")
            make_data.main(case, n, csv)
            df = pd.read_csv(csv)
            t = time.perf_counter()
            model = ae4j.load(mojo)
            model.score(df)
            first = time.perf_counter() - t
            warm = timed(lambda: model.score(df), 5)
            dropin = timed(lambda: ae4j.mojo_predict_pandas(df, mojo), 3)
            h2o_repeat = 2 if n <= 1_000 else 1
            theirs = timed(
                lambda: h2o.mojo_predict_pandas(df, mojo, genmodel_jar_path=jar, java_options="-Xmx2g"),
                h2o_repeat,
            )
            out = os.path.join(tmp, "out.csv")
            cli_time = timed(
                lambda: subprocess.run([cli, "predict", "--model", mojo, "--input", csv, "--output", out,
                                        "--quiet"], check=True),
                3,
            )
            results.append((name, n, first, warm, dropin, theirs, cli_time))
            print(results[-1], flush=True)
    load_after = open("/proc/loadavg").read().split()[0]
    lines = [
        "",
        "## Python package (`ae4j`) vs `h2o.mojo_predict_pandas`",
        "",
        "Reproduce with `bench/python_bench.sh` (builds the wheel, installs it with h2o==3.46.0.7 in the",
        "test venv of `scripts/test-python.sh`, runs `bench/python_bench.py`). One run, same machine, same",
        "pandas DataFrame (`pd.read_csv` of `bench/make_data.py`'s rows). `model.score(df)` returns",
        "`Reconstruction.MSE`; both `mojo_predict_pandas` return the `reconstr_<slot>` columns; the CLI",
        "(`ae4j predict`) reads the same rows from a CSV file and writes the MSE to one. Rows/s: best warm",
        "call; first answer: the first call including the model load (every h2o call starts a JVM).",
        f"Load average (1 min) {load_before} before, {load_after} after; 2 cores shared.",
        "",
        "| model | rows | h2o.mojo_predict_pandas | ae4j model.score (first answer) | ae4j.mojo_predict_pandas | ae4j CLI on the CSV | model.score vs h2o |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, n, first, warm, dropin, theirs, cli_time in results:
        lines.append(
            f"| {name} | {n:,} | {theirs:.2f} s ({n / theirs:,.0f} rows/s) | {warm * 1e3:.1f} ms "
            f"({n / warm:,.0f} rows/s; first {first * 1e3:.1f} ms) | {dropin * 1e3:.1f} ms "
            f"({theirs / dropin:.0f}x h2o) | {cli_time * 1e3:.0f} ms ({n / cli_time:,.0f} rows/s) | "
            f"**{theirs / warm:.0f}x** (first answer {theirs / first:.0f}x) |"
        )
    lines.append("")
    with open(out_md, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "python.md"))
