"""openapi.json is a valid OpenAPI 3.1 document, and the service's real answers (successes and
errors, on every protocol) match the schemas it gives for them."""

import pytest
import requests

from conftest import check

ROW = {"country": "US", "device": "mobile", "channel": "web", "age": 41, "income": 52000.5}


def test_spec_is_valid_openapi(spec):
    assert spec["openapi"].startswith("3.1")


@pytest.mark.parametrize("method,path,kwargs,status", [
    ("get", "/healthz", {}, 200),
    ("get", "/metrics", {}, 200),
    ("get", "/openapi.json", {}, 200),
    ("get", "/v1/models", {}, 200),
    ("get", "/v1/models/synth_tanh", {}, 200),
    ("get", "/v1/models/nope", {}, 404),
    ("post", "/v1/models/synth_tanh/score", {"json": {"rows": [ROW, {"country": "zzz"}, {"age": "Infinity"}],
                                                      "per_feature": True, "reconstruction": True}}, 200),
    ("post", "/v1/score?model=synth_tanh&per_feature=true", {"data": "age,country\n41,US\n,zzz\n",
                                                             "headers": {"Content-Type": "text/csv"}}, 200),
    ("post", "/v1/score", {"json": {"rows": [ROW]}}, 400),  # several models served
    ("post", "/v1/score?model=synth_tanh", {"data": "{", "headers": {"Content-Type": "application/json"}}, 400),
    ("post", "/v1/score?model=synth_tanh", {"data": "x", "headers": {"Content-Type": "text/plain"}}, 415),
    ("post", "/v1/models/nope/score", {"json": {"rows": []}}, 404),
    ("get", "/v2", {}, 200),
    ("get", "/v2/health/live", {}, 200),
    ("get", "/v2/health/ready", {}, 200),
    ("get", "/v2/models/synth_tanh", {}, 200),
    ("get", "/v2/models/synth_tanh/ready", {}, 200),
    ("get", "/v2/models/nope", {}, 404),
    ("post", "/v2/models/synth_tanh/infer", {"json": {"id": "7", "parameters": {"reconstruction": True},
        "inputs": [{"name": "age", "shape": [2], "datatype": "FP64", "data": [41, None]}]}}, 200),
    ("post", "/v2/models/synth_tanh/infer", {"json": {"inputs": [{"name": "age", "shape": [3], "datatype": "FP64", "data": [1]}]}}, 400),
    ("post", "/v2/models/synth_tanh/infer", {"data": "a,b", "headers": {"Content-Type": "text/csv"}}, 415),
    ("get", "/ping", {}, 200),
    ("get", "/health", {}, 200),
    ("get", "/version", {}, 200),
    ("post", "/invocations?model=synth_tanh", {"json": {"dataframe_split": {"columns": ["age", "country"], "data": [[41, "US"], [None, None]]}}}, 200),
    ("post", "/invocations?model=synth_tanh", {"json": {"dataframe_records": [ROW], "params": {"per_feature": True}}}, 200),
    ("post", "/invocations?model=synth_tanh", {"data": "age\n41\n", "headers": {"Content-Type": "text/csv"}}, 200),
    ("post", "/invocations?model=synth_tanh", {"json": {"dataframe_records": [{"country": "zzz"}]}}, 400),
    ("post", "/invocations?model=nope", {"json": {"dataframe_records": []}}, 404),
    ("post", "/invocations?model=synth_tanh", {"data": "x", "headers": {"Content-Type": "text/plain"}}, 415),
])
def test_answers_match_the_spec(service, spec, method, path, kwargs, status):
    r = requests.request(method, service.url + path, timeout=30, **kwargs)
    assert r.status_code == status, r.text
    check(spec, method, path, r)


def test_mlflow_predictions(service):
    r = requests.post(service.url + "/invocations?model=synth_tanh",
                      json={"dataframe_records": [ROW, ROW]}, timeout=10).json()
    assert len(r["predictions"]) == 2 and r["predictions"][0] == r["predictions"][1]
    native = requests.post(service.url + "/v1/score?model=synth_tanh", json={"rows": [ROW]}, timeout=10).json()
    assert native["results"][0]["mse"] == r["predictions"][0]
