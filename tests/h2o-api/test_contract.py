"""The recorded answers of a real H2O 3.46.0.7 (tests/fixtures/h2o-api/3.46.0.7, made by
record.py) replayed as contract tests: the same client and curl flows (flows.py) run against
`ae4j serve --h2o-api` through the same logging proxy, and every recorded answer's shape (status,
field names at every depth, JSON types) must be in ae4j's answer to the same call."""

import json
import re
import socket

import pytest

from conftest import FIXTURES, categoricals
from flows import client_flow, curl_flow
from h2o_proxy import Proxy

RECORDED = FIXTURES / "h2o-api" / "3.46.0.7" / "exchanges.json"

# Recorded fields ae4j answers with null or leaves out, and why.
NOT_REPRODUCED = {
    "frames[].chunk_summary": "H2O's chunk compression internals",
    "frames[].distribution_summary": "H2O's per-node memory table",
    "model_metrics[].predictions.chunk_summary": "H2O's chunk compression internals",
    "model_metrics[].predictions.distribution_summary": "H2O's per-node memory table",
    "nodes[].fjthrds": "H2O's fork-join pool internals",
    "nodes[].fjqueue": "H2O's fork-join pool internals",
    "models[].data_frame": "the training frame is not in a MOJO",
    "models[].output.model_summary": "training summaries are not in a MOJO",
    "models[].output.scoring_history": "training history is not in a MOJO",
    "models[].output.reproducibility_information_table": "H2O's cluster description",
    "models[].output.training_metrics": "training metrics are not in a MOJO",
    "models[].output.variable_importances": "not computed for autoencoders here",
    "models[].output.help": "H2O's field documentation",
    "models[].output.status": "H2O's job status",
    "models[].parameters[].actual_value": "parameters are a subset (see README)",
    "models[].parameters[].default_value": "parameters are a subset (see README)",
    "models[].parameters[].input_value": "parameters are a subset (see README)",
    "models[].parameters[].values": "parameters are a subset (see README)",
    "schemas[].fields[].value": "field defaults: h2o-py reads only the field names",
    "schemas[].fields[].schema_name": "field schemas: h2o-py reads only the field names",
}

JOB = re.compile(r"\$[0-9a-f]+\$_[0-9a-f]+")
GENERATED = re.compile(r"(reconstruction_error|deep_features|transformation|predictions)_[0-9a-f]{4}_")
UPLOAD = re.compile(r"upload_[0-9a-f]{32}")


def masked(text):
    """Text with its random parts (job keys, generated names, upload keys) masked."""
    text = JOB.sub("{job}", text)
    text = GENERATED.sub(r"\1_{hex}_", text)
    return UPLOAD.sub("upload_{hex}", text)


def route(e):
    """A request with its random parts (job keys, generated names, upload keys) masked."""
    path = re.sub(r"/4/sessions/_sid_\w+", "/4/sessions/{sid}", masked(e["path"]))
    return e["label"], e["method"], path, e["query"].split("=")[0] if e["query"] else ""


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)) or v in ("NaN", "Infinity", "-Infinity"):
        return "number"
    return type(v).__name__


def shape_problems(rec, ours, where=""):
    """Where `ours` lacks a field of `rec` or holds another JSON type."""
    if where in NOT_REPRODUCED or rec is None:
        return []
    if kind(rec) != kind(ours) and not (kind(rec) == "number" and ours in ("NaN",)):
        if isinstance(rec, str) and kind(ours) == "number" or kind(rec) == "number" and isinstance(ours, str):
            return [f"{where or '.'}: recorded {kind(rec)} {rec!r:.40}, ae4j {kind(ours)} {ours!r:.40}"]
        return [f"{where or '.'}: recorded {kind(rec)}, ae4j {kind(ours)}"]
    if isinstance(rec, dict):
        out = []
        for k, v in rec.items():
            sub = f"{where}.{k}" if where else k
            if k not in ours:
                if sub not in NOT_REPRODUCED:
                    out.append(f"{sub}: missing")
            else:
                out += shape_problems(v, ours[k], sub)
        return out
    if isinstance(rec, list) and rec:
        if not ours:
            return [] if f"{where}" in NOT_REPRODUCED else [f"{where}: empty in ae4j"]
        return shape_problems(rec[0], ours[0], f"{where}[]")
    return []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def replay(service, cases, import_dir):
    case = next(c for c in cases if c["name"] == "synth_tanh")
    port = free_port()
    with Proxy(service.port, port) as proxy:
        base = f"http://127.0.0.1:{port}"
        # The recorded file was synth.csv (its frame: synth.hex).
        csv_path = import_dir / "synth.csv"
        csv_path.write_bytes((import_dir / "synth_tanh.csv").read_bytes())
        client_flow(proxy, base, csv_path, categoricals(case))
        curl_flow(proxy, base, csv_path, str(import_dir / "no" / "such" / "file.csv"))
    return proxy.exchanges


def pairs(replay):
    recorded = json.loads(RECORDED.read_text())["exchanges"]
    ours = {}
    for e in replay:
        ours.setdefault(route(e), []).append(e)
    seen = {}
    out = []
    for e in recorded:
        r = route(e)
        i = seen.get(r, 0)
        seen[r] = i + 1
        mine = ours.get(r, [])
        # H2O polled RUNNING jobs more often: compare a poll to ae4j's last poll.
        out.append((e, mine[min(i, len(mine) - 1)] if mine else None))
    return out


def test_every_recorded_call_was_replayed(replay):
    missing = [route(e) for e, mine in pairs(replay) if mine is None]
    assert not missing, missing


def test_status_codes_match(replay):
    bad = [(route(e), e["status"], m["status"]) for e, m in pairs(replay)
           if m is not None and e["status"] != m["status"]]
    assert not bad, bad


def test_answer_shapes_match(replay):
    problems = []
    for e, m in pairs(replay):
        if m is None or e["status"] != m["status"]:
            continue
        if isinstance(e["response"], str):
            if not isinstance(m["response"], str):
                problems.append(f"{route(e)}: ae4j answered JSON, H2O text")
            continue
        problems += [f"{route(e)}: {p}" for p in shape_problems(e["response"], m["response"])]
    assert not problems, "\n".join(problems[:60])


def test_downloads_look_like_h2o(replay):
    for e, m in pairs(replay):
        if m is None or "DownloadDataset" not in e["path"]:
            continue
        assert m["content_type"] == e["content_type"], route(e)
        assert masked(m["content_disposition"]) == masked(e["content_disposition"])
        assert m["response"].split("\n")[0] == e["response"].split("\n")[0], route(e)


def test_the_shape_check_catches_differences():
    rec = {"a": 1, "b": {"c": "x", "d": [{"e": True}]}, "n": "NaN", "z": None}
    assert shape_problems(rec, {"a": 2.5, "b": {"c": "y", "d": [{"e": False}]}, "n": 1.0,
                                "z": 3}) == []
    assert shape_problems({"z": None}, {}) == ["z: missing"], "a recorded null must be there"
    assert shape_problems(rec, {"a": 1, "b": {"c": "x", "d": [{}]}, "n": 1, "z": 0}) == [
        "b.d[].e: missing"]
    assert shape_problems(rec, {"a": "1", "b": {"c": "x", "d": [{"e": 1}]}, "n": 1, "z": 0}) == [
        "a: recorded number 1, ae4j str '1'", "b.d[].e: recorded bool, ae4j number"]
    assert shape_problems({"l": [1]}, {"l": []}) == ["l: empty in ae4j"]


def test_replay_compared_every_kind_of_answer(replay):
    compared = {route(e)[1:3] for e, m in pairs(replay) if m is not None}
    for r in [("GET", "/3/Cloud"), ("POST", "/3/PostFile"), ("POST", "/3/ParseSetup"),
              ("POST", "/3/Parse"), ("GET", "/3/Jobs/{job}"), ("POST", "/3/ImportFilesMulti"),
              ("GET", "/3/Models/synth_tanh"), ("POST", "/99/Rapids"), ("POST", "/4/sessions"),
              ("DELETE", "/4/sessions/{sid}"), ("GET", "/3/Frames"), ("DELETE", "/3/Frames/score.hex")]:
        assert r in compared, r
