#!/usr/bin/env python3
"""Live test of `ae4j import-h2o` against a real H2O 3.46.0.12 (run by run_live.sh).

  .venv/bin/python live.py <ae4j binary> <work dir> <genmodel lib dir>

Starts the wheel's h2o.jar on 127.0.0.1, uploads the synthetic frame (categoricals with NAs,
numerics with NAs), trains the autoencoders of h2o_live.AUTOENCODERS with
export_weights_and_biases=True (standardize on and off, dropout), and for each:
  1. confirms that H2O refuses the MOJO export (HTTP 412);
  2. runs `ae4j import-h2o`, then `ae4j predict` on the training frame;
  3. requires every row's MSE to match the server's own anomaly() within 1e-9 relative;
  4. scores the imported zip with h2o-genmodel 3.46.0.7's PredictCsv and
     requires its reconstruction to match ae4j's (1e-9 relative).
Prints "N passed, M failed" (models); exits non-zero on any failure.
"""
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import h2o

import h2o_live as L

REL = 1e-9


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def main():
    ae4j, work = Path(sys.argv[1]), Path(sys.argv[2])
    if len(sys.argv) < 4 or not sys.argv[3]:
        sys.exit("usage: live.py AE4J WORK GENMODEL_LIB (the genmodel check is part of the test)")
    genmodel_lib = Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    jar = Path(h2o.__file__).parent / "backend" / "bin" / "h2o.jar"
    t0 = time.time()
    proc, url = L.start(jar, work)
    failures = []
    summary = []
    try:
        h2o.connect(url=url, verbose=False)
        version = h2o.cluster().version
        print(f"H2O {version} up at {url} in {time.time() - t0:.0f} s")
        fr, csv_path, cols = L.synth_frame(h2o, work)
        for mid, params in L.AUTOENCODERS.items():
            m = L.train(h2o, mid, fr, cols, **dict(params))
            status, body = L.get(url, f"/3/Models/{mid}/mojo")
            pojo_status, _ = L.get(url, f"/3/Models.java/{mid}")
            refused = status == 412
            print(f"{mid}: MOJO export -> HTTP {status}, POJO -> HTTP {pojo_status}")
            if not refused:
                failures.append(f"{mid}: expected HTTP 412 for the MOJO export, got {status}")
            out = work / f"{mid}.zip"
            r = subprocess.run([str(ae4j), "import-h2o", "--url", url, "--model", mid, "-o", str(out)],
                               capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                failures.append(f"{mid}: import-h2o failed: {r.stderr.strip()}")
                continue
            scored = work / f"{mid}.scores.csv"
            r = subprocess.run([str(ae4j), "predict", "-m", str(out), "-i", str(csv_path), "-o", str(scored),
                                "--reconstruction", "--quiet"], capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                failures.append(f"{mid}: predict failed: {r.stderr.strip()}")
                continue
            head, rows = read_csv(scored)
            ours = [float(x[head.index("Reconstruction.MSE")]) for x in rows]
            server = [float(x[0]) for x in m.anomaly(fr).as_data_frame(use_pandas=False, header=True)[1:]]
            if len(ours) != len(server):
                failures.append(f"{mid}: {len(ours)} scores, server {len(server)}")
                continue
            worst = max(rel(a, b) for a, b in zip(ours, server))
            bad = sum(rel(a, b) > REL for a, b in zip(ours, server))
            if bad:
                failures.append(f"{mid}: {bad} of {len(ours)} MSEs differ from H2O's anomaly() by more than {REL}")
            line = (f"{mid} ({params['activation']}, standardize={params.get('standardize', True)}): "
                    f"{len(ours)} rows, MSE vs H2O anomaly() worst relative difference {worst:.3e}")
            if genmodel_lib:
                gm = work / f"{mid}.genmodel.csv"
                r = subprocess.run(["java", "-Xmx1g", "-Dfile.encoding=UTF-8", "-cp", f"{genmodel_lib}/*",
                                    "hex.genmodel.tools.PredictCsv", "--mojo", str(out), "--input", str(csv_path),
                                    "--output", str(gm), "--decimal"], capture_output=True, text=True, timeout=180)
                if r.returncode != 0:
                    failures.append(f"{mid}: genmodel PredictCsv failed on the imported zip: {r.stdout[-500:]} {r.stderr[-500:]}")
                else:
                    _, grows = read_csv(gm)
                    # PredictCsv does not quote its header (a level "Korea, Rep." splits): compare text.
                    gh = gm.read_text(encoding="utf-8").split("\n", 1)[0]
                    rcols = [i for i, h in enumerate(head) if h.startswith("reconstr_")]
                    if ",".join(head[i] for i in rcols) != gh:
                        failures.append(f"{mid}: genmodel's columns {gh[:80]}... differ from ae4j's")
                    else:
                        gworst = 0.0
                        for a, g in zip(rows, grows):
                            for i, gv in zip(rcols, g):
                                gworst = max(gworst, rel(float(a[i]), float(gv)))
                        if len(grows) != len(rows) or gworst > REL:
                            failures.append(f"{mid}: genmodel's reconstruction differs (worst {gworst:.3e})")
                        line += f"; genmodel 3.46.0.7 loads the zip, reconstruction worst relative difference {gworst:.3e}"
            print(line)
            summary.append(line)
    finally:
        L.disconnect(h2o)
        L.stop(proc)
    (work / "summary.json").write_text(json.dumps({"results": summary, "failures": failures}, indent=1))
    print(f"live import test: {time.time() - t0:.0f} s")
    failed = {f.split(":", 1)[0] for f in failures}
    print(f"{len(L.AUTOENCODERS) - len(failed & set(L.AUTOENCODERS))} passed, {len(failed)} failed")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("live import test passed")


if __name__ == "__main__":
    main()
