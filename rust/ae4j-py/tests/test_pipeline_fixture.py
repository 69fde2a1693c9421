"""The pipeline fixture (tests/fixtures/pipeline, made by tests/generate/pipeline.py) is what it
says: its spec is a valid `Spec` document, its CSVs hold the rows' raw text, and the spec, as the
contract defines it, turns each raw row into the recorded transformed row (bit for bit, with
libm's log1p) or into the recorded row error."""

import csv
import json
import math

import pytest

import spec_eval
from ae4j.pipeline import Spec
from conftest import FIXTURES

DIR = FIXTURES / "pipeline"
CASE = json.loads((DIR / "cases.json").read_text(encoding="utf-8"))
SPEC = json.loads((DIR / "pipeline.json").read_text(encoding="utf-8"))
ROWS = CASE["rows"]


def test_the_spec_file_is_what_the_builder_writes():
    spec = Spec.load(DIR / "pipeline.json")
    assert spec.to_dict() == SPEC
    assert spec.to_json() == (DIR / "pipeline.json").read_text(encoding="utf-8")
    assert set(CASE["columns"]) <= set(spec.columns)
    assert len(SPEC["steps"]) == CASE["hand_written_steps"] + CASE["sklearn_steps"]


@pytest.mark.parametrize("name, kind", [("raw.csv", "normal"), ("raw_edge.csv", "edge")])
def test_csv_files_hold_the_raw_text_of_the_rows(name, kind):
    with open(DIR / name, encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    assert records == [r["raw"] for r in ROWS if r["kind"] == kind]


def test_genmodel_input_is_the_transformed_row_without_missing_values():
    for r in ROWS:
        if r["expected_error"] is None:
            assert r["input"] == {k: v for k, v in r["transformed"].items() if v is not None}
            assert "error" not in r["genmodel"]["default"]
        else:
            assert r["transformed"] is None and r["genmodel"] is None


def same_double(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a.hex() == b.hex()
    return a == b


@pytest.mark.parametrize("form", ["raw", "raw_typed"])
def test_the_spec_turns_each_raw_row_into_its_transformed_row(form):
    off_by_libm = 0
    for r in ROWS:
        want_error = r["expected_error"]
        if want_error is not None:
            with pytest.raises(spec_eval.RowError) as e:
                spec_eval.apply(SPEC, r[form])
            assert (e.value.step, e.value.column in (want_error["column"], want_error["step_column"])) \
                == (want_error["step"], True), (r["note"], str(e.value))
            continue
        row = spec_eval.apply(SPEC, r[form])
        got = {c: spec_eval.model_value(row[c]) for c in CASE["columns"]}
        exact = r.get("transformed_libm", r["transformed"])
        assert all(same_double(got[c], exact[c]) for c in CASE["columns"]), (r["note"], got, exact)
        for c, v in r["transformed"].items():          # numpy's log1p: within its last bit
            if isinstance(v, float) and v != got[c]:
                off_by_libm += 1
                assert math.isclose(got[c], v, rel_tol=1e-14), (r["note"], c, got[c], v)
    assert off_by_libm == sum("transformed_libm" in r for r in ROWS) == 7
