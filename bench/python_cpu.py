#!/usr/bin/env python3
"""Per-row CPU time of ``model.score(df)`` (the Python package), to set beside the core's batch
paths (``cargo run --release -p ae4j-core --example throughput -- <model>``: ``batch`` and
``scorer``). CPU time of every thread of the process (``time.process_time``), so a busy machine
disturbs it far less than wall time. Rows: bench/make_data.py's, read with ``pd.read_csv``.

    python bench/python_cpu.py [rows] [seconds]     # with ae4j installed (bench/python_bench.sh)

Prints, per model: the whole call, and the part spent before the native call (reading the
frame into Arrow columns), in µs per row.
"""

import os
import sys
import tempfile
import time

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import make_data  # noqa: E402

MODELS = ["breast_cancer_tanhdropout", "digits_wide_tanh"]


def cpu_per_row(fn, rows: int, seconds: float) -> float:
    fn()
    start, cpu, passes = time.perf_counter(), time.process_time(), 0
    while time.perf_counter() - start < seconds or passes == 0:
        fn()
        passes += 1
    return (time.process_time() - cpu) * 1e6 / (passes * rows)


def main(rows: int, seconds: float) -> None:
    import ae4j

    tmp = tempfile.mkdtemp()
    print(f"load average {open('/proc/loadavg').read().split()[0]}, {rows:,} rows")
    for name in MODELS:
        csv = os.path.join(tmp, f"{name}.csv")
        make_data.main(os.path.join(ROOT, "tests", "fixtures", "cases", f"{name}.json"), rows, csv)
        df = pd.read_csv(csv)
        model = ae4j.load(os.path.join(ROOT, "tests", "fixtures", "models", f"{name}.zip"))
        whole = cpu_per_row(lambda: model.score(df), rows, seconds)
        reading = cpu_per_row(lambda: model._frame(df), rows, seconds)
        print(f"{name}: model.score {whole:.3f} µs/row CPU (reading the frame {reading:.3f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, float(sys.argv[2]) if len(sys.argv) > 2 else 3.0)
