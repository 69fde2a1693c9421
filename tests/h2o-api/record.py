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
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import h2o
from h2o.estimators import H2ODeepLearningEstimator

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


def raw(method, path, form=None):
    """One raw request through the proxy (the guide's curl flow): (status, body)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{PROXY_PORT}{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            body = r.read().decode()
            return r.status, body
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def client_flow(proxy, csv_path, cats):
    step = lambda label: setattr(proxy, "label", label)  # noqa: E731
    step("connect")
    h2o.connect(url=f"http://127.0.0.1:{PROXY_PORT}", verbose=True)
    step("upload_file")
    fr = h2o.upload_file(str(csv_path), col_types={c: "enum" for c in cats})
    step("import_file")
    fr2 = h2o.import_file(str(csv_path), col_types={c: "enum" for c in cats})
    step("get_model")
    m = h2o.get_model("synth_tanh")
    step("anomaly")
    m.anomaly(fr).as_data_frame()
    step("anomaly_per_feature")
    m.anomaly(fr, per_feature=True).as_data_frame()
    for layer in (0, 1, 2):
        step(f"deepfeatures_{layer}")
        m.deepfeatures(fr, layer).as_data_frame()
    step("predict")
    p = m.predict(fr2)
    p.as_data_frame()
    step("remove")
    h2o.remove(p)
    h2o.remove(fr)
    step("errors_client")
    for call in (lambda: h2o.get_model("no_such_model"), lambda: m.deepfeatures(fr2, 3)):
        try:
            call()
        except Exception as e:  # noqa: BLE001 -- the answer is what is recorded
            print("expected error:", type(e).__name__, str(e).splitlines()[0][:120])
    step("close")
    h2o.connection().close()


def curl_flow(proxy, csv_path):
    proxy.label = "curl"
    status, body = raw("POST", "/3/ImportFiles", {"path": str(csv_path)})
    src = json.loads(body)["destination_frames"][0]
    status, body = raw("POST", "/3/ParseSetup", {"source_frames": json.dumps([src])})
    setup = json.loads(body)
    types = ["Enum" if c in ("channel", "country", "device") else t
             for c, t in zip(setup["column_names"], setup["column_types"])]
    form = {
        "destination_frame": "score.hex",
        "source_frames": json.dumps([src]),
        "parse_type": setup["parse_type"],
        "separator": setup["separator"],
        "number_columns": setup["number_columns"],
        "single_quotes": "false",
        "column_names": json.dumps(setup["column_names"]),
        "column_types": json.dumps(types),
        "check_header": setup["check_header"],
        "delete_on_done": "true",
        "chunk_size": setup["chunk_size"],
    }
    status, body = raw("POST", "/3/Parse", form)
    job = json.loads(body)["job"]["key"]["name"]
    for _ in range(60):
        status, body = raw("GET", "/3/Jobs/" + job)
        if json.loads(body)["jobs"][0]["status"] != "RUNNING":
            break
        time.sleep(0.2)
    m = "/3/Predictions/models/synth_tanh/frames/score.hex"
    raw("POST", m, {"reconstruction_error": "true", "predictions_frame": "scores.hex"})
    raw("GET", "/3/Frames/scores.hex")
    raw("GET", "/3/Frames/scores.hex?row_offset=5&row_count=3&column_offset=0&column_count=1")
    raw("GET", "/3/DownloadDataset?frame_id=scores.hex")
    raw("GET", "/3/DownloadDataset.bin?frame_id=scores.hex&hex_string=true")
    raw("POST", m, {"reconstruction_error": "true", "reconstruction_error_per_feature": "true"})
    raw("POST", m, {"deep_features_hidden_layer": "1"})
    raw("POST", m, {})
    raw("POST", "/4/Predictions/models/synth_tanh/frames/score.hex",
        {"deep_features_hidden_layer": "0"})
    raw("GET", "/3/Frames")
    raw("GET", "/3/Models")
    proxy.label = "curl_errors"
    raw("POST", m, {"deep_features_hidden_layer": "3"})
    raw("POST", m, {"reconstruction_error": "true", "deep_features_hidden_layer": "1"})
    raw("POST", "/3/Predictions/models/no_such_model/frames/score.hex", {})
    raw("POST", "/3/Predictions/models/synth_tanh/frames/no_such_frame", {})
    raw("GET", "/3/Frames/no_such_frame")
    raw("GET", "/3/Jobs/no_such_job")
    raw("GET", "/3/Models/no_such_model")
    raw("POST", "/3/ImportFiles", {"path": "/no/such/file.csv"})
    raw("POST", "/3/ParseSetup", {"source_frames": "[\"no_such_frame\"]"})
    raw("POST", "/3/ParseSetup", {"source_frames": "not a list ["})
    status, body = raw("POST", "/4/Predictions/models/synth_tanh/frames/score.hex",
                       {"deep_features_hidden_layer": "3"})
    if status == 200:
        time.sleep(1)
        raw("GET", "/3/Jobs/" + json.loads(body)["key"]["name"])
    raw("POST", "/99/Rapids", {"ast": "(rm scores.hex)"})
    raw("DELETE", "/3/Frames/score.hex")
    raw("DELETE", "/3/Frames/score.hex")
    raw("GET", "/3/Frames/scores.hex")


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
            client_flow(proxy, csv_path, cats)
            curl_flow(proxy, csv_path)
        (OUT / "exchanges.json").write_text(json.dumps(
            {"h2o_version": h2o.__version__, "csv": "synth_tanh normal rows (record.py)",
             "exchanges": proxy.exchanges}, indent=1) + "\n")
        print(f"{len(proxy.exchanges)} exchanges -> {OUT / 'exchanges.json'}")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
