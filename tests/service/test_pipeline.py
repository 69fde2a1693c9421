"""A model with a preprocessing pipeline (issue #22), served by the real binary: its answers on
every protocol match openapi.json (the pipeline in the model info and listing, raw inputs in the
v2 metadata, BOOL tensors, PipelineException row errors), and the raw rows score what genmodel
gives for the transformed rows. The MOJO gets its pipeline as the zip entry ae4j/pipeline.json
(what `ae4j pipeline attach` writes), here with Python's zipfile."""

import json
import shutil
import zipfile

import pytest
import requests

from conftest import FIXTURES, check, close, start_service

PIPELINE = FIXTURES / "pipeline"
RAW = ["ts", "amount", "balance", "merchant", "online"]


@pytest.fixture(scope="module")
def case():
    with open(PIPELINE / "cases.json", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def served(case, tmp_path_factory):
    """The fixture MOJO with its pipeline entry, as model `pipe`."""
    mojo = tmp_path_factory.mktemp("pipeline") / "pipe.zip"
    shutil.copy(FIXTURES / case["mojo"], mojo)
    with zipfile.ZipFile(mojo, "a") as z:
        z.write(FIXTURES / case["spec"], "ae4j/pipeline.json")
    with start_service(["--model", f"pipe={mojo}"]) as s:
        yield s


def good(case):
    return [r for r in case["rows"] if r["expected_error"] is None]


def mse(row):
    return float(row["genmodel"]["default"]["mse"])


def test_model_info_and_listing_show_the_pipeline(served, spec):
    info = requests.get(served.url + "/v1/models/pipe", timeout=10)
    check(spec, "get", "/v1/models/pipe", info)
    p = info.json()["pipeline"]
    assert [i["name"] for i in p["inputs"]] == RAW
    with open(PIPELINE / "pipeline.json", encoding="utf-8") as f:
        assert p["steps"] == len(json.load(f)["steps"])
    listing = requests.get(served.url + "/v1/models", timeout=10)
    check(spec, "get", "/v1/models", listing)
    assert listing.json()["models"][0]["pipeline"] == p


def test_native_rows_and_errors(served, spec, case):
    rows = case["rows"]
    r = requests.post(served.url + "/v1/models/pipe/score",
                      json={"rows": [row["raw_typed"] for row in rows]}, timeout=30)
    check(spec, "post", "/v1/models/pipe/score", r)
    for got, row in zip(r.json()["results"], rows):
        e = row["expected_error"]
        if e is None:
            assert close(got["mse"], mse(row)), (row["id"], got, mse(row))
        else:
            assert got["error"]["type"] == "PipelineException", got
            assert e["step_column"] in got["error"]["message"], (got, e)


def test_v2_metadata_lists_the_raw_inputs_and_takes_bool_tensors(served, spec, case):
    meta = requests.get(served.url + "/v2/models/pipe", timeout=10)
    check(spec, "get", "/v2/models/pipe", meta)
    assert [(i["name"], i["datatype"]) for i in meta.json()["inputs"]] == [
        ("ts", "BYTES"), ("amount", "FP64"), ("balance", "FP64"), ("merchant", "BYTES"),
        ("online", "BOOL")]
    rows = [r for r in good(case) if isinstance(r["raw_typed"].get("online", True), bool)
            and all(isinstance(r["raw_typed"].get(c, 0.0), float) for c in ("amount", "balance"))]
    inputs = [{"name": c, "datatype": d, "shape": [len(rows)],
               "data": [r["raw_typed"].get(c) for r in rows]}
              for c, d in [("ts", "BYTES"), ("amount", "FP64"), ("balance", "FP64"),
                           ("merchant", "BYTES"), ("online", "BOOL")]]
    r = requests.post(served.url + "/v2/models/pipe/infer", json={"inputs": inputs}, timeout=30)
    check(spec, "post", "/v2/models/pipe/infer", r)
    got = r.json()["outputs"][0]["data"]
    assert all(close(g, mse(row)) for g, row in zip(got, rows))


def test_mlflow_split_and_a_refused_row(served, spec, case):
    rows = good(case)
    split = {"columns": RAW, "data": [[r["raw_typed"].get(c) for c in RAW] for r in rows]}
    r = requests.post(served.url + "/invocations", json={"dataframe_split": split}, timeout=30)
    check(spec, "post", "/invocations", r)
    assert all(close(g, mse(row)) for g, row in zip(r.json()["predictions"], rows))
    refused = next(r for r in case["rows"] if r["expected_error"] is not None)
    r = requests.post(served.url + "/invocations",
                      json={"dataframe_records": [refused["raw_typed"]]}, timeout=30)
    assert r.status_code == 400
    check(spec, "post", "/invocations", r)
    assert "PipelineException" in r.json()["message"]
