"""Schema-driven fuzzing of every operation in the served /openapi.json with schemathesis.

Each operation gets the examples, coverage and fuzzing phases (positive and negative data), and
every answer goes through schemathesis's checks: no 5xx, a declared status code and content type,
a body matching the declared schema, declared headers, rejection of schema-violating requests,
405 for undeclared methods. The generated cases are steered onto the served models: a path or
query model id is mostly a real one (sometimes the generated text, which must be a 404), and row
keys and v2 input names are mostly real column names, so requests reach row conversion and
scoring rather than stopping at "no such model". The run is bounded and reproducible: a fixed
number of examples per operation (AE4J_FUZZ_EXAMPLES, default 40) and a fixed seed (AE4J_FUZZ_SEED,
default 20240607), derandomized, no example database. After the run the service must still be up.

Not checked: `positive_data_acceptance` (a schema-valid request must be accepted). Whether a
request is accepted depends on the served models (their ids, column names and levels, how many are
served, the binary tensor layout), which a static document cannot describe; such requests get a
declared 400/404/415, which the other checks verify.
"""

import os
import zlib

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import load_all_checks

load_all_checks()
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance  # noqa: E402

EXAMPLES = int(os.environ.get("AE4J_FUZZ_EXAMPLES", "40"))
SEED = int(os.environ.get("AE4J_FUZZ_SEED", "20240607"))


@pytest.fixture(scope="module")
def served(service):
    """The served models: id -> {column name: categorical?}."""
    models = requests.get(service.url + "/v1/models", timeout=10).json()["models"]
    out = {}
    for m in models:
        info = requests.get(f"{service.url}/v1/models/{m['id']}", timeout=10).json()
        out[m["id"]] = {c["name"]: c["type"] == "categorical" for c in info["columns"]}
    return out


@pytest.fixture(scope="module")
def api_schema(service):
    config = schemathesis.Config.from_dict({
        "seed": SEED,
        "cache": {"enabled": False},
        "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
    })
    return schemathesis.openapi.from_url(service.url + "/openapi.json", config=config)


schema = schemathesis.pytest.from_fixture("api_schema")

# Per operation: status code -> answers, for the summary and the reach checks below.
STATS = {}


def steer(case, served):
    """Real model ids and column names in most generated cases, chosen deterministically from the
    generated values (the same case is steered the same way when Hypothesis replays it)."""
    salt = repr((case.method, case.path, case.path_parameters, sorted(map(repr, case.query.items()))
                 if isinstance(case.query, dict) else case.query, case.body))

    def draw(key):
        return zlib.crc32(f"{salt}\0{key!r}".encode("utf-8", "surrogatepass"))

    def pick(key, choices, keep_one_in=4):
        """A real id or column name or, one time in `keep_one_in`, the generated value itself."""
        h = draw(key)
        if h % keep_one_in == 0:
            return key
        return choices[(h // keep_one_in) % len(choices)]

    ids = sorted(served)
    model = None
    if "id" in case.path_parameters:
        case.path_parameters["id"] = model = pick(case.path_parameters["id"], ids)
    if case.path in ("/v1/score", "/invocations") and isinstance(case.query, dict):
        # Several models are served: without ?model= the answer is a 400.
        case.query["model"] = pick(case.query.get("model"), ids)
        if case.query["model"] is None:
            del case.query["model"]
        model = case.query.get("model")
    kinds = served[model] if isinstance(model, str) and model in served else served[ids[0]]
    columns = sorted(kinds)
    body = case.body
    if not isinstance(body, dict):
        return
    for key in ("rows", "dataframe_records", "instances", "inputs"):
        rows = body.get(key)
        if not isinstance(rows, list):
            continue
        for i, row in enumerate(rows):
            if isinstance(row, dict) and key == "inputs" and case.path.startswith("/v2/"):
                # A tensor: mostly a model column, with the datatype of its kind and a shape that
                # fits its data, so that requests get past the shape checks to conversion.
                if isinstance(row.get("name"), str):
                    row["name"] = pick(row["name"], columns)
                if isinstance(row.get("name"), str) and row["name"] in kinds and isinstance(row.get("datatype"), str):
                    row["datatype"] = pick(row["datatype"], ["BYTES" if kinds[row["name"]] else "FP64"])
                data = row.get("data")
                if isinstance(data, list) and isinstance(row.get("shape"), list):
                    if draw(row["shape"]) % 3:
                        row["shape"] = [len(flat(data))]
            elif isinstance(row, dict):
                rows[i] = {pick(k, columns): v for k, v in row.items()}
    split = body.get("dataframe_split")
    if isinstance(split, dict) and isinstance(split.get("columns"), list):
        split["columns"] = [pick(c, columns) if isinstance(c, str) else c for c in split["columns"]]


def flat(v):
    return [x for item in v for x in flat(item)] if isinstance(v, list) else [v]


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation(case, served):
    steer(case, served)
    # Reading the metadata revalidates the steered case against the schema, so that the checks
    # judge the request as sent (a negative case that steering made valid is positive now).
    assert case.meta is not None
    excluded = [positive_data_acceptance]
    if case.media_type in ("text/csv", "application/octet-stream"):
        # Any bytes are a string on the wire: a "non-string" CSV or binary body cannot be sent.
        excluded.append(negative_data_rejection)
    response = case.call_and_validate(excluded_checks=excluded, timeout=30)
    seen = STATS.setdefault(f"{case.operation.method.upper()} {case.operation.path}", {})
    seen[response.status_code] = seen.get(response.status_code, 0) + 1


def test_the_fuzzing_reached_every_operation_and_the_scorer(api_schema):
    summary = "\n".join(f"  {op}: {sum(c.values())} requests, status {dict(sorted(c.items()))}"
                        for op, c in sorted(STATS.items()))
    print(f"schemathesis: {sum(sum(c.values()) for c in STATS.values())} requests\n{summary}")
    operations = {f"{op.method.upper()} {op.path}" for op in
                  (r.ok() for r in api_schema.get_all_operations())}
    assert operations <= set(STATS), f"not fuzzed: {operations - set(STATS)}"
    for op in ("POST /v1/score", "POST /v1/models/{id}/score", "POST /v2/models/{id}/infer",
               "POST /invocations"):
        assert STATS[op].get(200, 0) > 0, f"{op}: no request was scored\n{summary}"


def test_the_service_survived(service):
    assert service.proc.poll() is None, "ae4j serve died during the fuzz run"
    r = requests.get(service.url + "/healthz", timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "ok"
