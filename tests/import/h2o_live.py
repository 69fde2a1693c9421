"""Shared by record.py and live.py: start an H2O jar on 127.0.0.1, the training data (the
synthetic frame of tests/generate: 3 categoricals + 5 numerics, NAs in every column), and the
autoencoders the importer is tested on."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "generate"))
import make_models  # noqa: E402  (synth data and a checked CSV upload)

# Autoencoders with export_weights_and_biases=True: both standardize settings, both
# missing-value handlings, dropout with default and explicit ratios.
AUTOENCODERS = {
    "ae_tanh": dict(activation="Tanh", hidden=[6, 3, 6], epochs=5),
    "ae_rectdrop_nostd": dict(activation="RectifierWithDropout", hidden=[5, 2, 5], epochs=5,
                              standardize=False, missing_values_handling="Skip"),
    "ae_tanhdrop_ratios": dict(activation="TanhWithDropout", hidden=[8, 4], epochs=5,
                               hidden_dropout_ratios=[0.2, 0.1]),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(jar, workdir, port=None):
    """Starts `java -jar h2o.jar` on 127.0.0.1 only; returns (process, url)."""
    port = port or free_port()
    with socket.socket() as so:  # never attach to somebody else's H2O
        if so.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    log = open(workdir / "h2o.log", "w")
    proc = subprocess.Popen(
        ["java", "-Xmx3g", "-jar", str(jar), "-ip", "127.0.0.1", "-port", str(port),
         "-name", f"ae4j-import-{os.getpid()}", "-nthreads", "2", "-ice_root", str(workdir / "ice")],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"H2O exited ({proc.returncode}); see {workdir / 'h2o.log'}")
        try:
            with urllib.request.urlopen(url + "/3/Cloud?skip_ticks=true", timeout=5) as r:
                if json.load(r).get("cloud_healthy"):
                    return proc, url
        except (OSError, ValueError):
            pass
        time.sleep(1)
    proc.kill()
    raise SystemExit("H2O did not come up within 120 s")


def disconnect(h2o):
    """Closes the client's session now (its atexit hook would fail once the server is gone)."""
    try:
        h2o.connection().close()
    except Exception:  # noqa: BLE001 - not connected
        pass


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def get(url, path):
    """(status, body bytes) of GET url+path."""
    try:
        with urllib.request.urlopen(url + path, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def synth_frame(h2o, workdir):
    """Uploads the synthetic frame (checked cell by cell); returns (frame, csv path, cols)."""
    cols, types, rows = make_models.synth()
    path = Path(workdir) / "synth.csv"
    fr = make_models.upload(h2o, path, cols, types, rows, "synth")
    return fr, path, cols


def train(h2o, model_id, frame, cols, **params):
    from h2o.estimators import H2ODeepLearningEstimator
    m = H2ODeepLearningEstimator(model_id=model_id, autoencoder=True, reproducible=True, seed=1234,
                                 export_weights_and_biases=params.pop("export_weights_and_biases", True),
                                 **params)
    m.train(x=cols, training_frame=frame)
    return m


def frame_path(key):
    return "/3/DownloadDataset?frame_id=" + urllib.parse.quote(key, safe="-._~") + "&hex_string=true"


def model_path(model_id):
    return "/3/Models/" + urllib.parse.quote(model_id, safe="-._~")
