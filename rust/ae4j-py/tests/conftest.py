"""Shared fixtures: the conformance cases (tests/fixtures, real H2O 3.46.0.7 outputs)."""

import json
import math
import os
import pathlib

import pytest

FIXTURES = pathlib.Path(__file__).resolve().parents[3] / "tests" / "fixtures"
OPTION_KEYS = ["default", "unknown_to_na", "invalid_to_na", "both_to_na"]
REL_TOL, ABS_TOL = 1e-9, 1e-14


def options(key):
    return {
        "convert_unknown_categoricals_to_na": key in ("unknown_to_na", "both_to_na"),
        "convert_invalid_numbers_to_na": key in ("invalid_to_na", "both_to_na"),
    }


def double(v):
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return float(v)


class Unrepresentable(Exception):
    """A Java value Python has no type for (Integer, Long, Float)."""


def python_value(v):
    """A fixture input value as Python holds it (see tests/fixtures/README.md)."""
    if isinstance(v, dict):
        java = v.get("java")
        if java == "Double":
            return double(v["value"])
        if java == "Boolean":
            return bool(v["value"])
        raise Unrepresentable(java)
    return v  # str, float (JSON number) or None


def load_cases():
    paths = sorted((FIXTURES / "cases").glob("*.json"))
    assert paths, f"no fixture cases in {FIXTURES / 'cases'}"
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


CASES = load_cases()


@pytest.fixture(params=CASES, ids=[c["name"] for c in CASES])
def case(request):
    return request.param


def close(actual, expected):
    if math.isnan(expected):
        return math.isnan(actual)
    if actual == expected:
        return True
    diff = abs(actual - expected)
    return diff <= ABS_TOL or diff <= REL_TOL * max(abs(actual), abs(expected))


def mojo(case):
    return str(FIXTURES / case["mojo"])


def require(module):
    """Imports a test dependency; under CI=true a missing one fails instead of skipping."""
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is not installed (scripts/test-python.sh installs it)")
        pytest.skip(f"{module} is not installed")
