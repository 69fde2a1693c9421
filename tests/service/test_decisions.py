"""Anomaly decisions on every protocol, with the calibrated fixture model
(tests/fixtures/calibration/synth_tanh.calibrated.zip, served as `synth_tanh_cal`): the native
API, the Open Inference Protocol v2 and MLflow answer `threshold` and `explain` with the values
`ae4j predict` writes for the same rows (the calibrated threshold, a run-time one, and a
run-time one on the uncalibrated model), and every answer matches /openapi.json."""

import csv
import io
import subprocess

import pytest
import requests

from conftest import BINARY, CALIBRATED, FIXTURES, check

K = 3  # columns named per row


@pytest.fixture(scope="module")
def model(service):
    return requests.get(service.url + "/v1/models/synth_tanh_cal", timeout=10).json()


@pytest.fixture(scope="module")
def rows(cases, model):
    """Fixture rows genmodel scored, with typed cells (numbers for numeric columns)."""
    (case,) = [c for c in cases if c["name"] == "synth_tanh"]
    kinds = {c["name"]: c["type"] for c in model["columns"]}
    out = []
    for r in case["rows"]:
        if any(not isinstance(v.get("mse"), (int, float, str)) for v in r["genmodel"].values()):
            continue
        cells = r["input"]
        if all(k in kinds and (v is None or isinstance(v, str) == (kinds[k] == "categorical"))
               for k, v in cells.items()):
            out.append(cells)
    assert len(out) >= 20, len(out)
    return out[:40]


def predict(model_path, rows, columns, threshold=None):
    """`ae4j predict --explain K [--threshold T]` on the rows as CSV: one dict per row."""
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else repr(r[c]) if not isinstance(r[c], str) else r[c]
                    for c in columns])
    args = [BINARY, "predict", "-m", str(model_path), "-i", "-", "-o", "-", "-q",
            "--explain", str(K), "--on-error", "record"]
    if threshold is not None:
        args += ["--threshold", repr(threshold)]
    out = subprocess.run(args, input=text.getvalue(), capture_output=True, text=True, check=True)
    got = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(got) == len(rows) and all(g["error"] == "" for g in got), out.stdout
    return got


def expected(cli_row):
    """A CLI row as (mse, anomaly, percentile or None, [(column, share)])."""
    top = [(cli_row[f"top_{i}_column"], float(cli_row[f"top_{i}_share"]))
           for i in range(1, K + 1) if cli_row[f"top_{i}_column"]]
    p = cli_row["percentile"]
    return (float(cli_row["Reconstruction.MSE"]), cli_row["anomaly"] == "true",
            float(p) if p else None, top)


@pytest.fixture(scope="module")
def scenarios(rows, model):
    """(served model id, threshold, the CLI's rows): calibrated, calibrated with a run-time
    threshold at the median MSE, and the uncalibrated model with that threshold."""
    columns = [c["name"] for c in model["columns"]]
    calibrated = predict(CALIBRATED, rows, columns)
    mses = sorted(float(r["Reconstruction.MSE"]) for r in calibrated)
    median = mses[len(mses) // 2]
    plain = FIXTURES / "models" / "synth_tanh.zip"
    out = [("synth_tanh_cal", None, calibrated),
           ("synth_tanh_cal", median, predict(CALIBRATED, rows, columns, median)),
           ("synth_tanh", median, predict(plain, rows, columns, median))]
    for _, t, cli in out[1:]:
        flags = [r["anomaly"] for r in cli]
        assert "true" in flags and "false" in flags, "the threshold splits the rows"
    return out


def params(threshold):
    p = {"explain": K}
    if threshold is not None:
        p["threshold"] = threshold
    return p


@pytest.mark.parametrize("which", range(3), ids=["calibrated", "cal+threshold", "plain+threshold"])
def test_native(service, spec, rows, scenarios, which):
    model_id, threshold, cli = scenarios[which]
    path = f"/v1/models/{model_id}/score"
    r = requests.post(service.url + path, json={"rows": rows, **params(threshold)}, timeout=30)
    assert r.status_code == 200, r.text
    check(spec, "post", path, r)
    for got, want in zip(r.json()["results"], cli, strict=True):
        mse, anomaly, percentile, top = expected(want)
        assert got["mse"] == mse
        assert got["anomaly"] == anomaly
        assert got["percentile"] == percentile
        assert [(e["column"], e["share"]) for e in got["explanation"]] == top


@pytest.mark.parametrize("which", range(3), ids=["calibrated", "cal+threshold", "plain+threshold"])
def test_v2(service, spec, rows, model, scenarios, which):
    model_id, threshold, cli = scenarios[which]
    inputs = [{"name": c["name"], "shape": [len(rows)],
               "datatype": "BYTES" if c["type"] == "categorical" else "FP64",
               "data": [r.get(c["name"]) for r in rows]} for c in model["columns"]]
    path = f"/v2/models/{model_id}/infer"
    r = requests.post(service.url + path, json={"inputs": inputs, "parameters": params(threshold)},
                      timeout=30)
    assert r.status_code == 200, r.text
    check(spec, "post", path, r)
    out = {o["name"]: o for o in r.json()["outputs"]}
    assert out["anomaly"]["datatype"] == "BOOL"
    assert out["explanation_columns"]["shape"] == [len(rows), K]
    assert out["explanation_shares"]["shape"] == [len(rows), K]
    for i, want in enumerate(cli):
        mse, anomaly, percentile, top = expected(want)
        assert out["reconstruction_mse"]["data"][i] == mse
        assert out["anomaly"]["data"][i] is anomaly
        p = out["percentile"]["data"][i]
        assert (p == "NaN") if percentile is None else (p == percentile)
        names = out["explanation_columns"]["data"][i * K:(i + 1) * K]
        shares = out["explanation_shares"]["data"][i * K:(i + 1) * K]
        assert [(c, s) for c, s in zip(names, shares) if c] == top


@pytest.mark.parametrize("which", range(3), ids=["calibrated", "cal+threshold", "plain+threshold"])
def test_mlflow(service, spec, rows, scenarios, which):
    model_id, threshold, cli = scenarios[which]
    path = f"/invocations?model={model_id}"
    r = requests.post(service.url + path,
                      json={"dataframe_records": rows, "params": params(threshold)}, timeout=30)
    assert r.status_code == 200, r.text
    check(spec, "post", path, r)
    for got, want in zip(r.json()["predictions"], cli, strict=True):
        mse, anomaly, percentile, top = expected(want)
        assert got["Reconstruction.MSE"] == mse
        assert got["anomaly"] is anomaly
        assert got["percentile"] == percentile
        assert [(got[f"top_{i}_column"], got[f"top_{i}_share"])
                for i in range(1, K + 1) if got[f"top_{i}_column"] is not None] == top


def test_the_calibration_is_described(service, spec, model):
    r = requests.get(service.url + "/v1/models/synth_tanh_cal", timeout=10)
    check(spec, "get", "/v1/models/synth_tanh_cal", r)
    assert r.json()["calibration"]["rows"] > 0
    assert requests.get(service.url + "/v1/models/synth_tanh", timeout=10).json()["calibration"] is None


@pytest.mark.parametrize("path,body", [
    ("/v2/models/synth_tanh/infer", {"inputs": [{"name": "age", "shape": [1], "datatype": "FP64",
                                                 "data": [41]}], "outputs": [{"name": "anomaly"}]}),
    ("/v2/models/synth_tanh/infer", {"inputs": [{"name": "age", "shape": [1], "datatype": "FP64",
                                                 "data": [41]}], "outputs": [{"name": "explanation_columns"}]}),
    ("/v1/models/synth_tanh_cal/score?threshold=NaN", {"rows": []}),
    ("/invocations?model=synth_tanh_cal", {"dataframe_records": [], "params": {"explain": -1}}),
])
def test_refused_decision_requests_match_the_spec(service, spec, path, body):
    r = requests.post(service.url + path, json=body, timeout=10)
    assert r.status_code == 400, r.text
    check(spec, "post", path, r)
