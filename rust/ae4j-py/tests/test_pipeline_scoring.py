"""A model with a preprocessing pipeline scores raw frames (issue #22, Python route): the
fixture's raw rows (tests/fixtures/pipeline: timestamps, strings, gaps, bad values) through
``model.score`` equal genmodel's scores of the pandas + scikit-learn transformed rows (1e-9
relative); ``Pipeline.apply`` gives the transformed rows themselves, evaluated by the core;
``Pipeline.attach`` writes what ``ae4j pipeline attach`` writes."""

import json
import math
import zipfile

import numpy as np
import pandas as pd
import pytest

import ae4j
from ae4j.pipeline import Spec
from conftest import FIXTURES, close, double

DIR = FIXTURES / "pipeline"
CASE = json.loads((DIR / "cases.json").read_text(encoding="utf-8"))
ROWS = CASE["rows"]
GOOD = [r for r in ROWS if r["expected_error"] is None]
BAD = [r for r in ROWS if r["expected_error"] is not None]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    out = tmp_path_factory.mktemp("pipeline") / "with_pipeline.zip"
    ae4j.Pipeline.load(DIR / "pipeline.json").attach(DIR / "pipeline_tanh.zip", out)
    return ae4j.load(out)


def raw_records(rows, form):
    """The rows' raw cells; an empty text (a CSV's empty cell) is missing."""
    return [{k: (None if v == "" else v) for k, v in r[form].items()} for r in rows]


def raw_frame(rows, form):
    return pd.DataFrame(raw_records(rows, form))


def check_scores(model, rows, scores, at):
    bad = []
    for i, r in enumerate(rows):
        genmodel = r["genmodel"]["default"]
        want = [double(v) for v in genmodel["reconstructed"]]
        got = [scores[f"reconstr_{s}"].iloc[i] for s in model.slot_names]
        bad += [(r["note"], s, g, w) for s, g, w in zip(model.slot_names, got, want) if not close(g, w)]
        mse = double(genmodel["mse"])
        if math.isnan(mse):  # genmodel's MSE of a row with a missing numeric: the server's
            mse = double(r["server"]["mse"])
        if not close(scores["Reconstruction.MSE"].iloc[i], mse):
            bad.append((r["note"], "mse", scores["Reconstruction.MSE"].iloc[i], mse))
    assert not bad, f"{at}: {len(bad)} values differ from genmodel's, e.g. {bad[:3]}"


def test_the_attached_pipeline_travels_in_the_zip(model, tmp_path):
    assert model.pipeline is not None
    assert [n for n, _ in model.pipeline.inputs] == ["ts", "amount", "balance", "merchant", "online"]
    assert model.pipeline.to_dict()["model_fingerprint"] == model._native.fingerprint
    # genmodel's view is unchanged: the entry sits beside the model's files.
    path = tmp_path / "saved.zip"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        assert "ae4j/pipeline.json" in z.namelist()
    assert ae4j.load(path).pipeline.to_dict() == model.pipeline.to_dict()
    assert ae4j.load(DIR / "pipeline_tanh.zip").pipeline is None


@pytest.mark.parametrize("form", ["raw", "raw_typed"])
def test_raw_rows_score_as_genmodel_scores_the_transformed_rows(model, form):
    assert len(GOOD) >= 200
    scores = model.score(raw_frame(GOOD, form), reconstruction=True)
    check_scores(model, GOOD, scores, form)
    # The same rows as a list of dicts (columns of mixed Python objects), and many at once.
    many = GOOD * 20
    scores = model.score(raw_records(many, form), reconstruction=True)
    check_scores(model, many, scores, f"{form} records")


def test_the_raw_csv_files_score_as_read_by_pandas(model):
    raw = pd.read_csv(DIR / "raw.csv")
    normal = [r for r in ROWS if r["kind"] == "normal"]
    assert len(raw) == len(normal)
    scores = model.score(raw, reconstruction=True)
    check_scores(model, normal, scores, "raw.csv")


def test_a_row_the_pipeline_refuses_names_the_step_and_column(model):
    for r in BAD:
        want = r["expected_error"]
        with pytest.raises(ae4j.PipelineError) as e:
            model.score(raw_frame([r], "raw_typed"))
        assert e.value.exception == "PipelineException"
        if want["step"] is None:  # an input that cannot be read names itself
            assert e.value.column == want["column"], (r["note"], str(e.value))
            assert e.value.message.startswith(f"input {want['column']}: "), (r["note"], e.value.message)
        else:  # a step's domain error names the step (and a column of the step)
            assert e.value.message.startswith(f"step {want['step']} ({want['op']} "), (r["note"], e.value.message)
    recorded = model.score(raw_frame(ROWS, "raw_typed"), on_error="record")
    failed = recorded["error"].notna().to_numpy()
    assert failed.sum() == len(BAD)
    assert all(t.startswith(("column '",)) and "PipelineException" in t for t in recorded["error"][failed])
    assert recorded["Reconstruction.MSE"][failed].isna().all()


def test_apply_gives_the_transformed_rows(model):
    for pipeline in (model.pipeline, ae4j.Pipeline.load(DIR / "pipeline.json")):
        for form in ("raw", "raw_typed"):
            out = pipeline.apply(raw_frame(GOOD, form))
            assert set(CASE["columns"]) <= set(out.columns)
            for i, r in enumerate(GOOD):
                exact = r.get("transformed_libm", r["transformed"])  # the core's log1p is libm's
                for c in CASE["columns"]:
                    got, want = out[c].iloc[i], exact[c]
                    if want is None:
                        assert got is None or (isinstance(got, float) and math.isnan(got)), (r["note"], c, got)
                    elif isinstance(want, str):
                        assert got == want, (r["note"], c, got, want)
                    else:
                        assert float(got).hex() == float(want).hex(), (r["note"], c, got, want)
    with pytest.raises(ae4j.PipelineError, match="step|input"):
        model.pipeline.apply(raw_frame(BAD, "raw_typed"))
    recorded = model.pipeline.apply(raw_frame(ROWS, "raw_typed"), on_error="record")
    assert recorded["error"].notna().sum() == len(BAD)


def test_a_pojo_gets_a_sidecar(tmp_path):
    out = tmp_path / "pipeline_tanh.java"
    ae4j.Pipeline.load(DIR / "pipeline.json").attach(DIR / "pipeline_tanh.java", out)
    assert (tmp_path / "pipeline_tanh.java.ae4j-pipeline.json").exists()
    pojo = ae4j.load(out)
    scores = pojo.score(raw_frame(GOOD, "raw_typed"), reconstruction=True)
    check_scores(pojo, GOOD, scores, "POJO")
    assert ae4j.Pipeline.load(out).inputs == pojo.pipeline.inputs


def test_load_forms_and_errors(model, tmp_path):
    spec = json.loads((DIR / "pipeline.json").read_text(encoding="utf-8"))
    for source in (spec, json.dumps(spec), Spec.load(DIR / "pipeline.json"), model, DIR / "pipeline.json"):
        assert ae4j.Pipeline.load(source).to_dict()["steps"] == spec["steps"]
    with pytest.raises(ValueError, match="has no pipeline"):
        ae4j.Pipeline.load(DIR / "pipeline_tanh.zip")
    broken = dict(spec, steps=spec["steps"] + [{"op": "derive", "name": "z", "expr": "log1p(nope)"}])
    with pytest.raises(ValueError, match="nope"):
        ae4j.Pipeline.load(broken)
    # A pipeline that does not make the model's columns is refused when attached.
    partial = dict(spec, steps=spec["steps"][:2])
    with pytest.raises(ae4j.ModelError, match="does not produce the model's column"):
        ae4j.Pipeline.load(partial).attach(DIR / "pipeline_tanh.zip", tmp_path / "x.zip")
