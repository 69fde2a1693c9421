#!/usr/bin/env python3
"""ae4j against the tools a user would otherwise pick, in one run on one machine:

- core: ae4j-core's single-row and batch scoring (Rust, one thread);
- Java API: h2o-genmodel 3.46.0.7 `predictAutoEncoder(RowData)` vs ae4j's drop-in (row by row
  and batch), one thread, same rows, same JVM;
- batch CLI: `ae4j predict` vs genmodel's `hex.genmodel.tools.PredictCsv --decimal` on the
  same CSV (wall time, rows/s, peak RSS).

Prints a Markdown report (paste it into BENCHMARKS.md). Run with `bench/run.sh`.
"""
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench")
LIB = os.path.join(OUT, "lib")
MODELS = ["synth_tanh", "breast_cancer_tanhdropout", "digits_wide_tanh"]
CLI_ROWS = {"synth_tanh": 400_000, "breast_cancer_tanhdropout": 400_000, "digits_wide_tanh": 100_000}
SECONDS = float(os.environ.get("AE4J_BENCH_SECONDS", "3"))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def timed(cmd):
    """Wall seconds and peak RSS (MiB) of one child process (its own rusage, via wait4)."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, cmd)
    return wall, usage.ru_maxrss / 1024.0


def best_of(n, cmd):
    runs = [timed(cmd) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def case(name):
    return os.path.join(ROOT, "tests", "fixtures", "cases", name + ".json")


def mojo(name):
    return os.path.join(ROOT, "tests", "fixtures", "models", name + ".zip")


def main():
    jar = os.path.join(ROOT, "build", "libs", "ae4j-0.1.0.jar")
    ae4j = os.path.join(ROOT, "target", "release", "ae4j")
    throughput = os.path.join(ROOT, "target", "release", "examples", "throughput")
    cp = os.pathsep.join([os.path.join(LIB, "*"), jar, os.path.join(OUT, "classes")])
    lines = []
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    java_version = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    lines.append(f"Machine: {cpu}, {os.cpu_count()} cores, {java_version}, rustc {sh(['rustc', '--version']).split()[1]}.")

    lines += ["", "### Scoring one row at a time (one thread, µs per row; lower is better)", "",
              "| model | layers | genmodel `predictAutoEncoder` | ae4j `predictAutoEncoder` (Java) | ae4j batch (Java) | ae4j-core single row | ae4j-core batch | Java speed-up |",
              "|---|---|---|---|---|---|---|---|"]
    for name in MODELS:
        rows_csv = os.path.join(OUT, f"{name}-loop.csv")
        sh([sys.executable, os.path.join(ROOT, "bench", "make_data.py"), case(name), "4096", rows_csv])
        core = dict(l.split(None, 1) for l in sh([throughput, name, str(SECONDS)]).splitlines())
        layers = core["model"].split("layers ")[1].split(" flops")[0]
        java = dict(l.split() for l in sh(["java", "-Xmx2g", "-cp", cp, "LoopBench", mojo(name), rows_csv, str(SECONDS)]).splitlines())
        g, a, b = (float(java[k]) for k in ["genmodel_predictAutoEncoder", "ae4j_predictAutoEncoder", "ae4j_predictAutoEncoderBatch"])
        lines.append(f"| {name} | {layers} | {g:.2f} | {a:.2f} | {b:.2f} | {float(core['single']):.2f} | {float(core['batch']):.2f} | {g / a:.1f}x |")

    lines += ["", "### Batch CLI on a CSV (wall time, best of 3; rows/s higher is better)", "",
              "| model | rows | genmodel PredictCsv `--decimal` | ae4j predict (all cores) | ae4j predict (1 thread) | speed-up (all cores) | peak RSS PredictCsv / ae4j |",
              "|---|---|---|---|---|---|---|"]
    for name in MODELS:
        n = CLI_ROWS[name]
        rows_csv = os.path.join(OUT, f"{name}-cli.csv")
        sh([sys.executable, os.path.join(ROOT, "bench", "make_data.py"), case(name), str(n), rows_csv])
        out = os.path.join(OUT, f"{name}-out.csv")
        pc, pc_rss = best_of(3, ["java", "-cp", os.path.join(LIB, "*"), "hex.genmodel.tools.PredictCsv", "--mojo", mojo(name), "--input", rows_csv, "--output", out, "--decimal"])
        ours, ours_rss = best_of(3, [ae4j, "predict", "--quiet", "--model", mojo(name), "--input", rows_csv, "--output", out])
        one, _ = best_of(3, [ae4j, "predict", "--quiet", "--threads", "1", "--model", mojo(name), "--input", rows_csv, "--output", out])
        lines.append(f"| {name} | {n:,} | {pc:.2f} s ({n / pc:,.0f} rows/s) | {ours:.2f} s ({n / ours:,.0f} rows/s) | {one:.2f} s ({n / one:,.0f} rows/s) | {pc / ours:.1f}x | {pc_rss:.0f} / {ours_rss:.0f} MiB |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
