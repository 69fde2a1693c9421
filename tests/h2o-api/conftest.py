"""Starts `ae4j serve --h2o-api` on 127.0.0.1 (a free port) with every fixture model and an
import directory holding each fixture's normal rows as a CSV.

The binary is $AE4J_BIN, else target/debug/ae4j (tests/h2o-api/run.sh builds it)."""

import csv
import json
import os
import pathlib
import subprocess
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
REL_TOL = 1e-9
ABS_TOL = 1e-14


def close(a, b):
    a, b = float(a), float(b)
    if a != a and b != b:
        return True
    diff = abs(a - b)
    return a == b or diff <= ABS_TOL or diff <= REL_TOL * max(abs(a), abs(b))


def load_cases():
    cases = [json.loads(p.read_text(encoding="utf-8"))
             for p in sorted((FIXTURES / "cases").glob("*.json"))]
    assert cases, "no fixture cases"
    return cases


def server_rows(case):
    """The normal rows the H2O server scored: (input, server outputs)."""
    return [(r["input"], r["server"]) for r in case["rows"]
            if r["kind"] == "normal" and r.get("server")]


def server_ids(case):
    """The fixture row ids of server_rows(case), in the same order."""
    return [r["id"] for r in case["rows"] if r["kind"] == "normal" and r.get("server")]


def deep_features(case):
    """The H2O server's deepfeatures(frame, layer) of the case's rows: {row id: [per layer]}."""
    path = FIXTURES / "deepfeatures" / f"{case['name']}.json"
    return {r["id"]: r["deep_features"] for r in json.loads(path.read_text())["rows"]}


def categoricals(case):
    return [c for c, d in zip(case["columns"], case["domains"]) if d is not None]


def write_case_csv(case, path):
    """The case's server-scored normal rows as a CSV in the training frame's column order
    (a missing key: an empty cell; numbers as exact round-trip text)."""
    cols = case["params"]["x"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for inp, _ in server_rows(case):
            w.writerow(["" if inp.get(c) is None else repr(inp[c]) if isinstance(inp[c], float)
                        else inp[c] for c in cols])
    return path


class Service:
    def __init__(self, proc, port, import_dir):
        self.proc, self.port, self.import_dir = proc, port, import_dir
        self.url = f"http://127.0.0.1:{port}"

    def healthy(self):
        with urllib.request.urlopen(self.url + "/healthz", timeout=10) as r:
            return r.status == 200 and self.proc.poll() is None


def start(cases, import_dir, *extra):
    binary = os.environ.get("AE4J_BIN", str(ROOT / "target" / "debug" / "ae4j"))
    if not os.path.exists(binary):
        pytest.fail(f"{binary} is missing: run tests/h2o-api/run.sh (or set AE4J_BIN)")
    args = [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--log-format", "off",
            "--h2o-api", "--h2o-import-dir", str(import_dir), *extra]
    for case in cases:
        args += ["--model", f"{case['name']}={FIXTURES / case['mojo']}"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert "listening on http://" in line, line
    port = int(line.split("http://")[1].split()[0].rsplit(":", 1)[1])
    return Service(proc, port, import_dir)


def stop(service):
    service.proc.terminate()
    assert service.proc.wait(timeout=10) == 0, "ae4j serve exits 0 on SIGTERM"


@pytest.fixture(scope="session")
def cases():
    return load_cases()


@pytest.fixture(scope="session")
def import_dir(tmp_path_factory, cases):
    d = tmp_path_factory.mktemp("h2o-import")
    for case in cases:
        write_case_csv(case, d / f"{case['name']}.csv")
    return d.resolve()


@pytest.fixture(scope="session")
def service(cases, import_dir):
    s = start(cases, import_dir)
    yield s
    stop(s)
