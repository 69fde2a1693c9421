"""The guide's curl flow (curl_flow.sh, real curl) against `ae4j serve --h2o-api`, and the raw
requests' edge cases: H2O's error schema and status for bad input, the service still healthy."""

import json
import subprocess

import pytest
import requests

from conftest import ROOT, categoricals, close, server_rows


@pytest.mark.parametrize("name", ["synth_tanh", "breast_cancer_tanhdropout"])
def test_guide_curl_flow(service, cases, import_dir, tmp_path, name):
    case = next(c for c in cases if c["name"] == name)
    cats = set(categoricals(case))
    types = json.dumps(["Enum" if c in cats else "Numeric" for c in case["params"]["x"]])
    out = tmp_path / "scores.csv"
    subprocess.run([str(ROOT / "tests/h2o-api/curl_flow.sh"), service.url, name,
                    str(import_dir / f"{name}.csv"), types, str(out)], check=True)
    lines = out.read_text().strip().split("\n")
    assert lines[0] == '"Reconstruction.MSE"'
    rows = server_rows(case)
    assert len(lines) - 1 == len(rows)
    for line, (_, srv) in zip(lines[1:], rows):
        assert close(float(line), srv["mse"]), (line, srv["mse"])


def h2o_error(r, status):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["__meta"]["schema_name"] == "H2OErrorV3"
    assert body["http_status"] == status
    assert isinstance(body["msg"], str) and body["msg"]
    return body


def parsed_frame(service, name="synth_tanh", dest="raw.hex"):
    r = requests.post(f"{service.url}/3/ImportFiles",
                      data={"path": str(service.import_dir / f"{name}.csv")})
    src = r.json()["destination_frames"][0]
    r = requests.post(f"{service.url}/3/Parse", data={
        "source_frames": json.dumps([src]), "destination_frame": dest,
        "column_types": json.dumps(["Enum", "Numeric", "Enum", "Numeric", "Enum", "Numeric",
                                    "Numeric", "Numeric"])})
    assert r.status_code == 200, r.text
    return dest


def test_bad_input_gets_h2o_errors(service):
    u = service.url
    h2o_error(requests.get(f"{u}/3/Frames/no_such_frame"), 404)
    h2o_error(requests.get(f"{u}/3/Jobs/no_such_job"), 400)
    h2o_error(requests.get(f"{u}/3/Models/no_such_model"), 404)
    frame = parsed_frame(service)
    body = h2o_error(requests.post(f"{u}/3/Predictions/models/no_such_model/frames/{frame}"), 404)
    assert body["values"] == {"argument": "model", "function": "predict", "name": "no_such_model"}
    h2o_error(requests.post(f"{u}/3/Predictions/models/synth_tanh/frames/no_such_frame"), 404)
    m = f"{u}/3/Predictions/models/synth_tanh/frames/{frame}"
    assert "between 0 and 2" in h2o_error(
        requests.post(m, data={"deep_features_hidden_layer": "3"}), 412)["msg"]
    assert "either reconstruction error OR deep features" in h2o_error(
        requests.post(m, data={"reconstruction_error": "true",
                               "deep_features_hidden_layer": "0"}), 412)["msg"]
    # /4 reports the same refusal as a FAILED job.
    job = requests.post(f"{u}/4/Predictions/models/synth_tanh/frames/{frame}",
                        data={"deep_features_hidden_layer": "7"}).json()
    assert job["status"] == "FAILED" and "between 0 and 2" in job["exception"]
    polled = requests.get(f"{u}/3/Jobs/{job['key']['name']}").json()["jobs"][0]
    assert polled["status"] == "FAILED"
    # Malformed parse setups.
    h2o_error(requests.post(f"{u}/3/ParseSetup", data={"source_frames": '["no_such_frame"]'}), 400)
    h2o_error(requests.post(f"{u}/3/ParseSetup", data={"source_frames": "[unterminated"}), 400)
    h2o_error(requests.post(f"{u}/3/ParseSetup"), 400)
    src = requests.post(f"{u}/3/ImportFiles", data={
        "path": str(service.import_dir / "synth_tanh.csv")}).json()["destination_frames"][0]
    assert "inconsistent" in h2o_error(requests.post(f"{u}/3/Parse", data={
        "source_frames": json.dumps([src]), "column_types": '["Enum"]'}), 400)["msg"]
    assert "Nope" in h2o_error(requests.post(f"{u}/3/Parse", data={
        "source_frames": json.dumps([src]),
        "column_types": json.dumps(["Nope"] * 8)}), 400)["msg"]
    assert service.healthy()


@pytest.mark.parametrize("path", [
    "/etc/passwd", "nfs://etc/passwd", "file:///etc/passwd", "hdfs://host/x.csv",
    "{dir}/../../etc/passwd", "nfs:/{dir}/../../etc/passwd",
])
def test_paths_outside_the_import_dir_are_refused_everywhere(service, path):
    p = path.format(dir=service.import_dir)
    u = service.url
    for r in (requests.post(f"{u}/3/ImportFiles", data={"path": p}),
              requests.post(f"{u}/3/ImportFilesMulti", data={"paths": f"[{p}]"}),
              requests.post(f"{u}/3/ParseSetup", data={"source_frames": json.dumps([p])})):
        assert "--h2o-import-dir" in h2o_error(r, 400)["msg"]
    # A missing file inside the directory is H2O's 404.
    h2o_error(requests.post(f"{u}/3/ImportFiles",
                            data={"path": str(service.import_dir / "missing.csv")}), 404)
    assert service.healthy()


def test_removed_frames_are_gone(service):
    u = service.url
    frame = parsed_frame(service, dest="gone.hex")
    r = requests.post(f"{u}/3/Predictions/models/synth_tanh/frames/{frame}",
                      data={"reconstruction_error": "true"})
    pred = r.json()["predictions_frame"]["name"]
    assert pred.startswith("reconstruction_error_") and pred.endswith("_synth_tanh_on_gone.hex")
    assert requests.post(f"{u}/99/Rapids", data={"ast": f"(rm {pred})"}).status_code == 200
    h2o_error(requests.get(f"{u}/3/Frames/{pred}"), 404)
    assert requests.delete(f"{u}/3/Frames/{frame}").status_code == 200
    h2o_error(requests.delete(f"{u}/3/Frames/{frame}"), 404)


def test_parameters_as_form_json_or_query(service):
    u = service.url
    frame = parsed_frame(service, dest="forms.hex")
    m = f"{u}/3/Predictions/models/synth_tanh/frames/{frame}"
    a = requests.post(m, data={"reconstruction_error": "True", "predictions_frame": "a.hex"})
    b = requests.post(m, json={"reconstruction_error": True, "predictions_frame": "b.hex"})
    c = requests.post(m + "?reconstruction_error=true&predictions_frame=c.hex")
    got = [requests.get(f"{u}/3/DownloadDataset", params={"frame_id": k}).text
           for k in ("a.hex", "b.hex", "c.hex")]
    assert all(r.status_code == 200 for r in (a, b, c))
    assert got[0] == got[1] == got[2] and got[0].startswith('"Reconstruction.MSE"\n')
    d = requests.get(f"{u}/3/DownloadDataset.bin", params={"frame_id": "a.hex"})
    assert d.headers["Content-Disposition"] == "attachment; filename=a.csv"
    assert d.headers["Content-Type"].startswith("application/octet-stream")


def test_unknown_levels_score_as_na_with_h2o_warning(service):
    """H2O maps levels by their text; an unknown level is exactly the NA result, and /4 warns."""
    u = service.url
    csv = ("channel,age,country,income,device,score,visits,ratio\n"
           "store,19.0,ZZZ,60.63,device.mobile,0.7866,,0.18675\n"
           "store,19.0,,60.63,device.mobile,0.7866,,0.18675\n")
    key = requests.post(f"{u}/3/PostFile", data=csv.encode()).json()["destination_frame"]
    r = requests.post(f"{u}/3/Parse", data={
        "source_frames": json.dumps([key]), "destination_frame": "zzz.hex",
        "column_types": json.dumps(["Enum", "Numeric", "Enum", "Numeric", "Enum", "Numeric",
                                    "Numeric", "Numeric"])})
    assert r.status_code == 200, r.text
    job = requests.post(f"{u}/4/Predictions/models/synth_tanh/frames/zzz.hex",
                        data={"deep_features_hidden_layer": "1"}).json()
    assert job["status"] == "DONE"
    assert job["warnings"] == [
        "Test/Validation dataset column 'country' has levels not trained on: [\"ZZZ\"]"]
    df = requests.get(f"{u}/3/DownloadDataset", params={"frame_id": job["dest"]["name"]}).text
    rows = df.strip().split("\n")[1:]
    assert rows[0] == rows[1]
    r = requests.post(f"{u}/3/Predictions/models/synth_tanh/frames/zzz.hex",
                      data={"reconstruction_error": "true"}).json()
    mse = r["model_metrics"][0]["predictions"]["columns"][0]["data"]
    assert mse[0] == mse[1] and r["model_metrics"][0]["nobs"] == 2


def test_frames_answers_slice_like_h2o(service):
    u = service.url
    frame = parsed_frame(service, dest="slice.hex")
    f = requests.get(f"{u}/3/Frames/{frame}",
                     params={"row_offset": 5, "row_count": 3, "column_offset": 1,
                             "column_count": 2}).json()["frames"][0]
    assert (f["rows"], f["row_offset"], f["row_count"]) == (40, 5, 3)
    assert [c["label"] for c in f["columns"]] == ["age", "country"]
    assert [c["type"] for c in f["columns"]] == ["int", "enum"]
    assert all(len(c["data"]) == 3 for c in f["columns"])
    full = requests.get(f"{u}/3/Frames/{frame}").json()["frames"][0]
    assert len(full["columns"][0]["data"]) == 40 and full["total_column_count"] == 8
