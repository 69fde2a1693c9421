"""The specs ae4j.pipeline writes, evaluated by the real core: in-process (`ae4j.Pipeline.apply`)
and through the CLI this checkout builds (AE4J_BIN, set by scripts/test-python.sh). Both must
give scikit-learn's numbers, and `ae4j predict` on the fixture's raw rows genmodel's scores."""

import csv
import json
import os
import subprocess

import numpy as np
import pytest

import ae4j
from ae4j.pipeline import from_sklearn
from conftest import FIXTURES
from test_pipeline_sklearn import libm_twin, notebook_transformer, random_frame, ulps

DIR = FIXTURES / "pipeline"
CASE = json.loads((DIR / "cases.json").read_text(encoding="utf-8"))
REL = 1e-9


@pytest.fixture(scope="module")
def cli():
    binary = os.environ.get("AE4J_BIN")
    if not binary:
        if os.environ.get("CI") == "true":
            pytest.fail("AE4J_BIN is not set (scripts/test-python.sh builds the CLI)")
        pytest.skip("AE4J_BIN is not set")
    return lambda *args: subprocess.run([binary, *map(str, args)], check=True,
                                        capture_output=True, text=True).stdout


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    return float("nan") if text == "" else float(text)


def test_pipeline_apply_evaluates_a_converted_spec_like_sklearn():
    df = random_frame(n=2000, seed=5)
    ct = notebook_transformer().fit(df)
    names = list(ct.get_feature_names_out())
    pipeline = ae4j.Pipeline.load(from_sklearn(ct))
    got = pipeline.apply(df)[names].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        want_libm = libm_twin(ct).transform(df)
    assert ulps(got, want_libm).max() == 0          # the same arithmetic, bit for bit
    assert np.allclose(got, ct.transform(df), rtol=1e-14, atol=1e-14, equal_nan=True)


def test_core_evaluates_a_converted_spec_like_sklearn(cli, tmp_path):
    df = random_frame(n=1500, seed=11)
    ct = notebook_transformer().fit(df)
    names = list(ct.get_feature_names_out())
    from_sklearn(ct).save(tmp_path / "spec.json")
    cli("pipeline", "check", tmp_path / "spec.json")
    df.to_csv(tmp_path / "raw.csv", index=False, float_format=lambda v: repr(float(v)), na_rep="")
    shown = cli("pipeline", "show", tmp_path / "spec.json", "--row", tmp_path / "raw.csv")
    rows = list(csv.DictReader(shown.splitlines()))
    got = np.array([[number(r[n]) for n in names] for r in rows])
    with np.errstate(invalid="ignore"):
        want_libm = libm_twin(ct).transform(df)
    assert ulps(got, want_libm).max() == 0          # the same arithmetic, bit for bit
    assert np.allclose(got, ct.transform(df), rtol=1e-14, atol=1e-14, equal_nan=True)


def test_core_makes_the_fixture_transformed_rows(cli):
    spec = DIR / "pipeline.json"
    shown = []
    for name in ("raw.csv", "raw_edge.csv"):
        out = cli("pipeline", "show", spec, "--row", DIR / name, "--on-error", "record")
        shown += list(csv.DictReader(out.splitlines()))
    assert len(shown) == len(CASE["rows"])
    for r, s in zip(CASE["rows"], shown):
        if r["expected_error"] is not None:
            assert f"column '{r['expected_error']['column']}': PipelineException" in s["error"], s
            step = r["expected_error"]["step"]
            assert (f"step {step} (" in s["error"]) if step else ("input " in s["error"]), s
            continue
        want = r.get("transformed_libm", r["transformed"])
        for c in CASE["columns"]:
            v = want[c]
            got = None if s[c] == "" else (s[c] if isinstance(v, str) else float(s[c]))
            assert got == v, (r["note"], c, s[c], v)      # bit for bit (repr round-trips)


def test_cli_predict_on_raw_rows_gives_genmodels_scores(cli, tmp_path):
    model = tmp_path / "with_pipeline.zip"
    cli("pipeline", "attach", DIR / "pipeline_tanh.zip", DIR / "pipeline.json", "-o", model)
    scored = []
    for name in ("raw.csv", "raw_edge.csv"):
        out = tmp_path / f"{name}.scores.csv"
        cli("predict", "-m", model, "-i", DIR / name, "-o", out, "--reconstruction",
            "--on-error", "record", "-q")
        scored += read_csv(out)
    slots = CASE["slot_names"]
    for r, p in zip(CASE["rows"], scored):
        if r["expected_error"] is not None:
            assert p["Reconstruction.MSE"] == "" and "PipelineException" in p["error"], p
            continue
        g = r["genmodel"]["default"]
        assert float(p["Reconstruction.MSE"]) == pytest.approx(g["mse"], rel=REL), r["note"]
        got = [float(p[f"reconstr_{s}"]) for s in slots]
        assert got == pytest.approx(g["reconstructed"], rel=REL, abs=1e-14), r["note"]
    assert len(scored) == len(CASE["rows"])
