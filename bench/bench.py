#!/usr/bin/env python3
"""ae4j against the tools a user would otherwise pick, in one run on one machine, written to
BENCHMARKS.md (run it with `bench/run.sh`, which builds everything first):

- core: ae4j-core's criterion benchmarks (`cargo bench -p ae4j-core --bench score`): one row,
  batches of 1/16/256/4096, one thread and all threads; µs/row, GFLOP/s and the ratio to the
  FLOP floor (FLOPs per row at the machine's f64 AVX2 peak);
- Java API: the JMH benchmarks (`gradle jmh`): h2o-genmodel 3.46.0.7 `predictAutoEncoder(RowData)`
  and `score0` vs ae4j's drop-in `predictAutoEncoder`, `predictAutoEncoderBatch`, `score`,
  `scoreBatch`, one thread, same rows, same run;
- batch CLI: `ae4j predict --reconstruction` vs genmodel's `hex.genmodel.tools.PredictCsv
  --decimal` on the same CSV (wall time best of 3, peak RSS of each process), then both on
  200,000 and 2,000,000 rows of the small model (peak RSS: memory flat in the number of rows).

Then it appends `bench/other-benchmarks.md` (service and Spark figures, each with its own command),
`bench/python.md` (the Python package, written by `bench/python_bench.sh`) and `bench/profiles.md`
(issue #5's targets and the profiles behind the gaps, hand-written).

Environment: AE4J_BENCH_QUICK=1 for a fast smoke run (fewer rows and samples); AE4J_PEAK_GFLOPS
(default 40: 2.5 GHz x 16 f64 FLOP/cycle with AVX2, no FMA) for the floor.
"""
import datetime
import glob
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench")
LIB = os.path.join(OUT, "lib")
MODELS = ["breast_cancer_tanhdropout", "digits_wide_tanh"]
QUICK = os.environ.get("AE4J_BENCH_QUICK") == "1"
CLI_ROWS = {"breast_cancer_tanhdropout": 200_000, "digits_wide_tanh": 50_000}
MEMORY_ROWS = [200_000, 2_000_000]
if QUICK:
    CLI_ROWS = {k: v // 20 for k, v in CLI_ROWS.items()}
    MEMORY_ROWS = [n // 20 for n in MEMORY_ROWS]
PEAK = float(os.environ.get("AE4J_PEAK_GFLOPS", "40"))
COMMAND = "bench/run.sh"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, **kw).stdout


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


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


def model_shape(name):
    """Layer sizes and FLOPs per row (2 per weight), from the fixture's MOJO."""
    import zipfile
    with zipfile.ZipFile(mojo(name)) as z:
        ini = z.read("model.ini").decode()
    for line in ini.splitlines():
        if line.replace(" ", "").startswith("neural_network_sizes="):
            sizes = [int(s) for s in line.split("=", 1)[1].strip().strip("[]").split(",")]
            return sizes, sum(2 * a * b for a, b in zip(sizes, sizes[1:]))
    raise SystemExit(f"{name}: no neural_network_sizes in model.ini")


def criterion():
    """{full_id: µs per row} from `cargo bench`'s estimates."""
    args = ["cargo", "bench", "--locked", "-p", "ae4j-core", "--bench", "score", "--"]
    if QUICK:
        args += ["--quick"]
    sh(args)
    out = {}
    for path in glob.glob(os.path.join(ROOT, "target", "criterion", "**", "new", "benchmark.json"), recursive=True):
        bench = json.load(open(path))
        est = json.load(open(os.path.join(os.path.dirname(path), "estimates.json")))
        rows = (bench.get("throughput") or {}).get("Elements", 1)
        out[bench["full_id"]] = est["mean"]["point_estimate"] / 1e3 / rows
    return out


def jmh():
    """{(benchmark, model): µs per row} from `gradle jmh`."""
    args = ["gradle", "jmh", "--console=plain", "--no-daemon", "-q"]
    results = os.path.join(ROOT, "build", "jmh", "results.json")
    if QUICK:
        args.append(f"-PjmhArgs=-wi 1 -w 1 -i 1 -r 1 -rf json -rff {results}")
    sh(args)
    return {(r["benchmark"].rsplit(".", 1)[1], r["params"]["model"]): r["primaryMetric"]["score"]
            for r in json.load(open(results))}


def load():
    return open("/proc/loadavg").read().split()[0]


def main():
    jar = os.path.join(ROOT, "java", "build", "libs", "ae4j-0.1.0.jar")
    ae4j = os.path.join(ROOT, "target", "release", "ae4j")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
    simd = "AVX-512" if " avx512f" in flags else "AVX2" if " avx2" in flags else "no AVX2"
    java_version = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    shapes = {m: model_shape(m) for m in MODELS}
    load_before = load()

    log("criterion (core)")
    core = criterion()
    log("JMH (Java API)")
    for name in MODELS:
        sh([sys.executable, os.path.join(ROOT, "bench", "make_data.py"), case(name), "4096", os.path.join(OUT, f"{name}-loop.csv")])
    java = jmh()

    log("CLI")
    cli = []
    for name in MODELS:
        n = CLI_ROWS[name]
        rows_csv = os.path.join(OUT, f"{name}-cli.csv")
        sh([sys.executable, os.path.join(ROOT, "bench", "make_data.py"), case(name), str(n), rows_csv])
        out = os.path.join(OUT, f"{name}-out.csv")
        pc = best_of(3, ["java", "-cp", os.path.join(LIB, "*"), "hex.genmodel.tools.PredictCsv", "--mojo", mojo(name), "--input", rows_csv, "--output", out, "--decimal"])
        ours = best_of(3, [ae4j, "predict", "--quiet", "--reconstruction", "--model", mojo(name), "--input", rows_csv, "--output", out])
        one = best_of(3, [ae4j, "predict", "--quiet", "--reconstruction", "--threads", "1", "--model", mojo(name), "--input", rows_csv, "--output", out])
        cli.append((name, n, pc, ours, one))
    log("CLI memory, 200k and 2M rows")
    name = MODELS[0]
    memory = []
    for n in MEMORY_ROWS:
        rows_csv = os.path.join(OUT, f"{name}-{n}.csv")
        sh([sys.executable, os.path.join(ROOT, "bench", "make_data.py"), case(name), str(n), rows_csv])
        # Output to /dev/null: a 2M-row reconstruction is over a gigabyte of text.
        pc = timed(["java", "-cp", os.path.join(LIB, "*"), "hex.genmodel.tools.PredictCsv", "--mojo", mojo(name), "--input", rows_csv, "--output", "/dev/null", "--decimal"])
        ours = timed([ae4j, "predict", "--quiet", "--reconstruction", "--model", mojo(name), "--input", rows_csv, "--output", "-"])
        memory.append((n, pc, ours))
    load_after = load()

    threads = os.cpu_count()
    L = ["# Benchmarks", "",
         "Generated by `bench/bench.py` (the hand-written sections come from `bench/*.md`; edit those, not this file). Every ratio compares numbers **from the same run on",
         "the same machine**. Models: the real H2O fixtures in `tests/fixtures/models`; rows: their real training",
         "rows (`bench/make_data.py`).", "",
         "Reproduce with:", "", "```", COMMAND, "```", "",
         "It builds the release binaries and the jar, resolves `ai.h2o:h2o-genmodel:3.46.0.7` with its runtime",
         "dependencies from Maven Central (`bench/pom.xml`), then runs `bench/bench.py`: `cargo bench -p ae4j-core",
         "--bench score` (criterion, `rust/ae4j-core/benches/score.rs`), `gradle jmh` (JMH,",
         "`bench/jmh/java/io/ae4j/bench/ScoreBench.java`) and the CLI comparison, then writes this file.", "",
         "**What this run measures, and what it does not.** The sections *Core*, *Java API* and *Batch CLI*",
         "(with its memory table) are measured by this run, at the time given below. Every section after them",
         "is copied from `bench/other-benchmarks.md` and `bench/profiles.md`, written by hand: each says which",
         "harness measured it, when, at what load, and the command that reproduces it; `bench/run.sh` does not",
         "re-run them.", "",
         f"Run: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}. Machine: {cpu}, {threads} cores ({simd}), "
         f"{java_version}, rustc {sh(['rustc', '--version']).split()[1]}. Load average (1 min) {load_before} before, "
         f"{load_after} after: the machine is shared, so absolute times vary between runs; ratios within a run hold.",
         "", f"FLOP floor: FLOPs per row (2 per weight) at {PEAK:g} GFLOP/s, the f64 AVX2 peak of one core "
         "(16 FLOP/cycle: two 4-wide multiplies and two 4-wide adds; the exact order forbids FMA).", ""]

    L += ["## Core (Rust, criterion): µs per row, lower is better", "",
          f"| model | layers | FLOP/row | floor µs/row | single row | batch 1 | batch 16 | batch 256 | batch 4096 | batch 4096, {threads} threads | best 1-thread batch: GFLOP/s (x floor) |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in MODELS:
        sizes, flops = shapes[name]
        floor = flops / (PEAK * 1e3)
        g = lambda k: core.get(f"{name}/{k}", float("nan"))
        single = g("1-thread/single-row x256")
        batches = [g(f"1-thread/batch/{n}") for n in [1, 16, 256, 4096]]
        par = g(f"{threads}-threads/batch/4096")
        best = min(batches[1:])
        L.append(f"| {name} | {'-'.join(map(str, sizes))} | {flops:,} | {floor:.3f} | {single:.3f} | "
                 + " | ".join(f"{b:.3f}" for b in batches)
                 + f" | {par:.3f} | {flops / best / 1e3:.1f} ({best / floor:.2f}x) |")
    L += ["", "Batch 1 pays a whole 12-row block (the batch kernel's register block); use the single-row path for",
          "one row. All threads: 256-row chunks on rayon, one scratch per task.", ""]

    L += ["## Java API (JMH, one thread): µs per row, lower is better", "",
          "| model | genmodel `predictAutoEncoder(RowData)` | ae4j `predictAutoEncoder(RowData)` | speed-up | ae4j `predictAutoEncoderBatch` (256 rows) | speed-up | genmodel `score0(double[])` | ae4j `score(double[])` | ae4j `scoreBatch` (256 rows) | primitive speed-up (score / scoreBatch vs score0) |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for name in MODELS:
        j = lambda b: java.get((b, name), float("nan"))
        gp, ap, ab = j("genmodelPredictAutoEncoder"), j("ae4jPredictAutoEncoder"), j("ae4jPredictAutoEncoderBatch")
        gs, as_, asb = j("genmodelScore0"), j("ae4jScore"), j("ae4jScoreBatch")
        L.append(f"| {name} | {gp:.3f} | {ap:.3f} | **{gp / ap:.1f}x** | {ab:.3f} | {gp / ab:.1f}x | {gs:.3f} | {as_:.3f} | {asb:.3f} | {gs / as_:.1f}x / {gs / asb:.1f}x |")
    L += ["", "Rows are Strings (as PredictCsv builds them), so `predictAutoEncoder` includes parsing, and its result",
          "includes genmodel's `reconstructedRowData` map. `score`/`score0` take genmodel's raw `double[]` rows.", "",
          "The same rows with numeric cells as `Double`s (as a Java application or a Spark row holds them):", "",
          "| model | genmodel `predictAutoEncoder(RowData)` | ae4j `predictAutoEncoder(RowData)` | speed-up |",
          "|---|---|---|---|"]
    for name in MODELS:
        j = lambda b: java.get((b, name), float("nan"))
        gd, ad = j("genmodelPredictAutoEncoderDoubles"), j("ae4jPredictAutoEncoderDoubles")
        L.append(f"| {name} | {gd:.3f} | {ad:.3f} | **{gd / ad:.1f}x** |")
    L.append("")

    L += ["## Batch CLI on a CSV: wall time (best of 3) and peak RSS", "",
          f"| model | rows | genmodel PredictCsv `--decimal` | `ae4j predict --reconstruction` ({threads} threads) | same, 1 thread | speed-up ({threads} threads / 1 thread) | peak RSS PredictCsv / ae4j |",
          "|---|---|---|---|---|---|---|"]
    for name, n, pc, ours, one in cli:
        L.append(f"| {name} | {n:,} | {pc[0]:.2f} s ({n / pc[0]:,.0f} rows/s) | {ours[0]:.2f} s ({n / ours[0]:,.0f} rows/s) | "
                 f"{one[0]:.2f} s ({n / one[0]:,.0f} rows/s) | **{pc[0] / ours[0]:.1f}x** / {pc[0] / one[0]:.1f}x | {pc[1]:.0f} / {ours[1]:.0f} MiB |")
    L += ["", "Both write the reconstruction of every row (ae4j adds the MSE column); PredictCsv includes JVM start-up.", ""]

    L += [f"### Memory from {MEMORY_ROWS[0]:,} to {MEMORY_ROWS[-1]:,} rows ({MODELS[0]}, one run each, output to `/dev/null`)", "",
          f"| rows | PredictCsv `--decimal` | PredictCsv peak RSS | `ae4j predict --reconstruction` ({threads} threads) | ae4j peak RSS |",
          "|---|---|---|---|---|"]
    for n, pc, ours in memory:
        L.append(f"| {n:,} | {pc[0]:.2f} s ({n / pc[0]:,.0f} rows/s) | {pc[1]:.0f} MiB | {ours[0]:.2f} s ({n / ours[0]:,.0f} rows/s) | {ours[1]:.0f} MiB |")
    L += ["", "ae4j streams the input in chunks (a reader thread, the scoring threads, a writer thread, two chunks",
          "in flight), so its memory does not grow with the number of rows.", ""]

    text = "\n".join(L)
    # Figures measured by other harnesses (service, Spark), each with its own command, then the
    # profiles behind the targets not reached.
    for extra in ["other-benchmarks.md", "python.md", "profiles.md"]:
        path = os.path.join(ROOT, "bench", extra)
        if os.path.exists(path):
            text += open(path, encoding="utf-8").read()
    if os.environ.get("AE4J_BENCH_NO_WRITE") != "1":
        with open(os.path.join(ROOT, "BENCHMARKS.md"), "w", encoding="utf-8") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
