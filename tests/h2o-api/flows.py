"""The calls recorded from a real H2O (record.py) and replayed against `ae4j serve --h2o-api`
(test_contract.py): the h2o Python client's notebook flow and the guide's raw (curl) flow, sent
through a logging proxy at `base` so both runs give comparable exchanges."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import h2o


def raw(base, method, path, form=None):
    """One raw request through the proxy (the guide's curl flow): (status, body)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(f"{base}{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            body = r.read().decode()
            return r.status, body
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def client_flow(proxy, base, csv_path, cats):
    step = lambda label: setattr(proxy, "label", label)  # noqa: E731
    step("connect")
    h2o.connect(url=base, verbose=True)
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


def curl_flow(proxy, base, csv_path, missing_path):
    def raw_(method, path, form=None):
        return raw(base, method, path, form)

    proxy.label = "curl"
    status, body = raw_("POST", "/3/ImportFiles", {"path": str(csv_path)})
    src = json.loads(body)["destination_frames"][0]
    status, body = raw_("POST", "/3/ParseSetup", {"source_frames": json.dumps([src])})
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
    status, body = raw_("POST", "/3/Parse", form)
    job = json.loads(body)["job"]["key"]["name"]
    for _ in range(60):
        status, body = raw_("GET", "/3/Jobs/" + job)
        if json.loads(body)["jobs"][0]["status"] != "RUNNING":
            break
        time.sleep(0.2)
    m = "/3/Predictions/models/synth_tanh/frames/score.hex"
    raw_("POST", m, {"reconstruction_error": "true", "predictions_frame": "scores.hex"})
    raw_("GET", "/3/Frames/scores.hex")
    raw_("GET", "/3/Frames/scores.hex?row_offset=5&row_count=3&column_offset=0&column_count=1")
    raw_("GET", "/3/DownloadDataset?frame_id=scores.hex")
    raw_("GET", "/3/DownloadDataset.bin?frame_id=scores.hex&hex_string=true")
    raw_("POST", m, {"reconstruction_error": "true", "reconstruction_error_per_feature": "true"})
    raw_("POST", m, {"deep_features_hidden_layer": "1"})
    raw_("POST", m, {})
    raw_("POST", "/4/Predictions/models/synth_tanh/frames/score.hex",
        {"deep_features_hidden_layer": "0"})
    raw_("GET", "/3/Frames")
    raw_("GET", "/3/Models")
    proxy.label = "curl_errors"
    raw_("POST", m, {"deep_features_hidden_layer": "3"})
    raw_("POST", m, {"reconstruction_error": "true", "deep_features_hidden_layer": "1"})
    raw_("POST", "/3/Predictions/models/no_such_model/frames/score.hex", {})
    raw_("POST", "/3/Predictions/models/synth_tanh/frames/no_such_frame", {})
    raw_("GET", "/3/Frames/no_such_frame")
    raw_("GET", "/3/Jobs/no_such_job")
    raw_("GET", "/3/Models/no_such_model")
    raw_("POST", "/3/ImportFiles", {"path": missing_path})
    raw_("POST", "/3/ParseSetup", {"source_frames": "[\"no_such_frame\"]"})
    raw_("POST", "/3/ParseSetup", {"source_frames": "not a list ["})
    status, body = raw_("POST", "/4/Predictions/models/synth_tanh/frames/score.hex",
                       {"deep_features_hidden_layer": "3"})
    if status == 200:
        time.sleep(1)
        raw_("GET", "/3/Jobs/" + json.loads(body)["key"]["name"])
    raw_("POST", "/99/Rapids", {"ast": "(rm scores.hex)"})
    raw_("DELETE", "/3/Frames/score.hex")
    raw_("DELETE", "/3/Frames/score.hex")
    raw_("GET", "/3/Frames/scores.hex")
