"""Starts `ae4j serve` on 127.0.0.1 (a free port) with every fixture model, for the service tests.

The binary is $AE4J_BIN, else target/debug/ae4j (built by `cargo test --workspace`)."""

import contextlib
import json
import os
import pathlib
import re
import subprocess

import jsonschema
import requests
from openapi_spec_validator import validate

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
REL_TOL = 1e-9
ABS_TOL = 1e-14


def load_cases():
    cases = []
    for path in sorted((FIXTURES / "cases").glob("*.json")):
        with open(path, encoding="utf-8") as f:
            cases.append(json.load(f))
    assert cases, "no fixture cases"
    return cases


def double(v):
    """A fixture double: a JSON number or "NaN" / "Infinity" / "-Infinity"."""
    return float(v)


def close(a, b):
    a, b = float(a), float(b)
    if a != a and b != b:
        return True
    if a == b:
        return True
    diff = abs(a - b)
    return diff <= ABS_TOL or diff <= REL_TOL * max(abs(a), abs(b))


class Service:
    def __init__(self, proc, port):
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def cases():
    return load_cases()


BINARY = os.environ.get("AE4J_BIN", str(ROOT / "target" / "debug" / "ae4j"))
CALIBRATED = FIXTURES / "calibration" / "synth_tanh.calibrated.zip"


@contextlib.contextmanager
def start_service(args):
    """`ae4j serve ARGS` on 127.0.0.1, a free port; stopped with SIGTERM, which must exit 0."""
    if not os.path.exists(BINARY):
        pytest.fail(f"{BINARY} is missing: run `cargo build -p ae4j-cli` first (or set AE4J_BIN)")
    proc = subprocess.Popen([BINARY, "serve", "--host", "127.0.0.1", "--port", "0",
                             "--log-format", "off", *args], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "listening on http://" in line, line
        port = int(line.split("http://")[1].split()[0].rsplit(":", 1)[1])
        yield Service(proc, port)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0, "ae4j serve exits 0 on SIGTERM"


@pytest.fixture(scope="session")
def service(cases):
    """Every fixture model, the POJO of one, and the calibrated synth_tanh (`synth_tanh_cal`)."""
    args = []
    for case in cases:
        args += ["--model", f"{case['name']}={FIXTURES / case['mojo']}"]
    # A POJO source served next to the MOJOs.
    args += ["--model", f"synth_tanh_pojo={FIXTURES / 'models' / 'synth_tanh.java'}"]
    args += ["--model", f"synth_tanh_cal={CALIBRATED}"]
    with start_service(args) as s:
        yield s


SPEC_PATH = ROOT / "rust" / "ae4j-serve" / "openapi.json"


@pytest.fixture(scope="session")
def spec(service):
    """The served /openapi.json: the committed document, valid OpenAPI 3.1."""
    served = requests.get(service.url + "/openapi.json", timeout=10).json()
    with open(SPEC_PATH, encoding="utf-8") as f:
        assert served == json.load(f), "the service serves the committed document"
    validate(served)
    return served


def operation(spec, method, path):
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in item:
            return item[method]
    raise AssertionError(f"{method.upper()} {path} is not in openapi.json")


def check(spec, method, path, response):
    """The answer's status and content type are declared for the operation, and a JSON body
    matches the declared schema."""
    op = operation(spec, method, path.split("?")[0])
    declared = op["responses"].get(str(response.status_code))
    assert declared is not None, f"{method.upper()} {path}: status {response.status_code} not declared"
    ctype = response.headers["content-type"].split(";")[0].strip()
    assert ctype in declared["content"], f"{method.upper()} {path}: {ctype} not declared for {response.status_code}"
    schema = declared["content"][ctype]["schema"]
    if ctype == "application/json":
        jsonschema.validate(response.json(), {**schema, "components": spec["components"]},
                            cls=jsonschema.Draft202012Validator)
