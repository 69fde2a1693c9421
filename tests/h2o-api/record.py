"""Records a real H2O 3.46.0.7's REST answers to the h2o Python client's scoring calls and to the
raw (curl) flow, through a logging proxy, into tests/fixtures/h2o-api/3.46.0.7/exchanges.json.

    tests/h2o-api/run.sh --record      # makes the venv (h2o==3.46.0.7 ships h2o.jar), then this

It starts the wheel's h2o.jar on 127.0.0.1:54461 (-Xmx2g) and the proxy on 127.0.0.1:54471,
trains a small autoencoder (`synth_tanh`: Tanh [6,3,6], like tests/generate's) on the normal
rows of the synth_tanh fixture, runs the calls, and stops H2O. The contract tests
(test_contract.py) replay these answers' shapes against `ae4j serve --h2o-api`.
"""

import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import h2o
from h2o.estimators import H2ODeepLearningEstimator

from flows import client_flow, curl_flow
from h2o_proxy import Proxy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "tests/fixtures/h2o-api/3.46.0.7"
H2O_PORT, PROXY_PORT = 54461, 54471
WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "ae4j-h2o-api-record"


def write_csv(path):
    """The synth_tanh fixture's normal rows as a CSV (a missing key: an empty cell)."""
    case = json.loads((ROOT / "tests/fixtures/cases/synth_tanh.json").read_text())
    cols = case["params"]["x"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in case["rows"]:
            if r["kind"] == "normal":
                w.writerow(["" if r["input"].get(c) is None else r["input"][c] for c in cols])
    cats = [c for c, d in zip(case["columns"], case["domains"]) if d is not None]
    return cols, cats


def start_h2o():
    jar = Path(h2o.__file__).parent / "backend/bin/h2o.jar"
    log = open(WORK / "h2o.log", "w")
    proc = subprocess.Popen(["java", "-Xmx2g", "-jar", str(jar), "-ip", "127.0.0.1", "-port",
                             str(H2O_PORT), "-name", "ae4j-h2o-api-record", "-nthreads", "2"],
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{H2O_PORT}/3/Cloud", timeout=2)
            return proc
        except OSError:
            time.sleep(1)
    proc.kill()
    sys.exit("H2O did not start; see " + str(WORK / "h2o.log"))


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = WORK / "synth.csv"
    cols, cats = write_csv(csv_path)
    proc = start_h2o()
    try:
        h2o.connect(url=f"http://127.0.0.1:{H2O_PORT}", verbose=False)
        train = h2o.upload_file(str(csv_path), col_types={c: "enum" for c in cats})
        H2ODeepLearningEstimator(model_id="synth_tanh", autoencoder=True, activation="Tanh",
                                 hidden=[6, 3, 6], epochs=5, seed=1234, reproducible=True
                                 ).train(x=cols, training_frame=train)
        h2o.remove(train)
        with Proxy(H2O_PORT, PROXY_PORT) as proxy:
            base = f"http://127.0.0.1:{PROXY_PORT}"
            client_flow(proxy, base, csv_path, cats)
            curl_flow(proxy, base, csv_path, "/no/such/file.csv")
        (OUT / "exchanges.json").write_text(json.dumps(
            {"h2o_version": h2o.__version__, "csv": "synth_tanh normal rows (record.py)",
             "exchanges": proxy.exchanges}, indent=1) + "\n")
        print(f"{len(proxy.exchanges)} exchanges -> {OUT / 'exchanges.json'}")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
