"""The Open Inference Protocol v2 endpoints with a real client, tritonclient[http]: every fixture
model's rows scored through column tensors (JSON and binary), the [n, columns] matrix, and
requested outputs, against genmodel's and the H2O server's numbers."""

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from conftest import close


@pytest.fixture(scope="module")
def client(service):
    return httpclient.InferenceServerClient(f"127.0.0.1:{service.port}")


def test_health_and_metadata(client, cases):
    assert client.is_server_live()
    assert client.is_server_ready()
    meta = client.get_server_metadata()
    assert meta["name"] == "ae4j" and "binary_tensor_data" in meta["extensions"]
    for case in cases:
        assert client.is_model_ready(case["name"])
        m = client.get_model_metadata(case["name"])
        assert [i["name"] for i in m["inputs"]] == case["columns"]
        for inp, domain in zip(m["inputs"], case["domains"]):
            assert inp["datatype"] == ("BYTES" if domain is not None else "FP64")
        outs = {o["name"]: o["shape"] for o in m["outputs"]}
        assert outs["reconstruction_mse"] == [-1]
        assert outs["per_feature_se"] == [-1, len(case["slot_names"])]
    assert not client.is_model_ready("no_such_model")


def normal_rows(case):
    """Normal rows that genmodel scores, as (row, inputs)."""
    return [r for r in case["rows"] if r["kind"] == "normal" and "error" not in r["genmodel"]["default"]]


def expected(row):
    g = row["genmodel"]["default"]
    mse = float(g["mse"])
    if mse != mse and row["server"] is not None:
        mse = float(row["server"]["mse"])  # genmodel's NaN where a numeric is missing; H2O's finite MSE
    return mse, [float(v) for v in g["reconstructed"]], row["server"]


def check(case, rows, mse, se, recon):
    n = len(case["slot_names"])
    assert mse.shape == (len(rows),)
    for i, row in enumerate(rows):
        e_mse, e_recon, server = expected(row)
        assert close(mse[i], e_mse), (case["name"], row["id"], mse[i], e_mse)
        if recon is not None:
            assert recon.shape == (len(rows), n)
            assert all(close(a, b) for a, b in zip(recon[i], e_recon)), (case["name"], row["id"])
        if se is not None and server is not None:
            assert all(close(a, float(b)) for a, b in zip(se[i], server["per_feature_se"])), (case["name"], row["id"])


def column_inputs(case, rows, binary):
    inputs = []
    for col, domain in zip(case["columns"], case["domains"]):
        values = [r["input"].get(col) for r in rows]
        if domain is not None:
            arr = np.array([v.encode("utf-8") for v in values], dtype=np.object_)
            t = httpclient.InferInput(col, [len(rows)], "BYTES")
        else:
            arr = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
            t = httpclient.InferInput(col, [len(rows)], "FP64")
        t.set_data_from_numpy(arr, binary_data=binary)
        inputs.append(t)
    return inputs


@pytest.mark.parametrize("binary", [True, False])
def test_column_tensors_score_like_genmodel(client, cases, binary):
    scored = 0
    for case in cases:
        rows = [r for r in normal_rows(case)
                if all(r["input"].get(c) is not None for c, d in zip(case["columns"], case["domains"]) if d is not None)]
        if not binary:
            # NaN is not JSON: rows with a missing numeric go in binary only.
            rows = [r for r in rows if all(r["input"].get(c) is not None for c in case["columns"])]
        assert len(rows) >= 20, case["name"]
        outputs = [httpclient.InferRequestedOutput(n, binary_data=binary)
                   for n in ("reconstruction_mse", "per_feature_se", "reconstruction")]
        result = client.infer(case["name"], column_inputs(case, rows, binary), outputs=outputs)
        check(case, rows, result.as_numpy("reconstruction_mse"), result.as_numpy("per_feature_se"),
              result.as_numpy("reconstruction"))
        scored += len(rows)
    assert scored > 200


def test_matrix_input_with_level_indices_and_nan(client, cases):
    for case in cases:
        rows = normal_rows(case)
        matrix = np.full((len(rows), len(case["columns"])), np.nan)
        for i, r in enumerate(rows):
            for j, (col, domain) in enumerate(zip(case["columns"], case["domains"])):
                v = r["input"].get(col)
                if v is None:
                    continue
                matrix[i, j] = domain.index(v) if domain is not None else float(v)
        t = httpclient.InferInput("input", list(matrix.shape), "FP64")
        t.set_data_from_numpy(matrix)
        # No requested outputs: the MSE only (tritonclient then asks for binary outputs).
        result = client.infer(case["name"], [t])
        assert result.as_numpy("per_feature_se") is None
        check(case, rows, result.as_numpy("reconstruction_mse"), None, None)


def test_parameters_ask_for_per_feature_output(client, cases):
    case = next(c for c in cases if c["name"] == "synth_tanh")
    rows = [r for r in normal_rows(case) if all(r["input"].get(c) is not None for c in case["columns"])]
    result = client.infer(case["name"], column_inputs(case, rows, True), parameters={"per_feature": True})
    check(case, rows, result.as_numpy("reconstruction_mse"), result.as_numpy("per_feature_se"), None)
    assert result.as_numpy("reconstruction") is None


def test_pojo_model_scores_like_its_mojo(client, cases):
    case = next(c for c in cases if c["name"] == "synth_tanh")
    rows = [r for r in normal_rows(case) if all(r["input"].get(c) is not None for c in case["columns"])]
    out = [httpclient.InferRequestedOutput("reconstruction")]
    a = client.infer("synth_tanh", column_inputs(case, rows, True), outputs=out).as_numpy("reconstruction")
    b = client.infer("synth_tanh_pojo", column_inputs(case, rows, True), outputs=out).as_numpy("reconstruction")
    assert np.array_equal(a, b)


def test_a_row_that_cannot_be_scored_fails_the_request(client, cases):
    case = next(c for c in cases if c["name"] == "synth_tanh")
    t = httpclient.InferInput("country", [2], "BYTES")
    t.set_data_from_numpy(np.array([b"US", b"zzz"], dtype=np.object_))
    with pytest.raises(InferenceServerException) as e:
        client.infer(case["name"], [t])
    assert "row 1: PredictUnknownCategoricalLevelException: Unknown categorical level (country,zzz)" in str(e.value)
    # Read as missing on request.
    r = client.infer(case["name"], [t], parameters={"convert_unknown_categoricals_to_na": True})
    assert r.as_numpy("reconstruction_mse").shape == (2,)
    with pytest.raises(InferenceServerException):
        client.infer("no_such_model", [t])
