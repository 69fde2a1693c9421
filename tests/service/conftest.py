"""Starts `ae4j serve` on 127.0.0.1 (a free port) with every fixture model, for the service tests.

The binary is $AE4J_BIN, else target/debug/ae4j (built by `cargo test --workspace`)."""

import json
import os
import pathlib
import subprocess

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


@pytest.fixture(scope="session")
def service(cases):
    binary = os.environ.get("AE4J_BIN", str(ROOT / "target" / "debug" / "ae4j"))
    if not os.path.exists(binary):
        pytest.fail(f"{binary} is missing: run `cargo build -p ae4j-cli` first (or set AE4J_BIN)")
    args = [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--log-format", "off"]
    for case in cases:
        args += ["--model", f"{case['name']}={FIXTURES / case['mojo']}"]
    # A POJO source served next to the MOJOs.
    args += ["--model", f"synth_tanh_pojo={FIXTURES / 'models' / 'synth_tanh.java'}"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert "listening on http://" in line, line
    port = int(line.split("http://")[1].split()[0].rsplit(":", 1)[1])
    yield Service(proc, port)
    proc.terminate()
    assert proc.wait(timeout=10) == 0, "ae4j serve exits 0 on SIGTERM"
