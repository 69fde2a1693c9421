"""``ae4j.mojo_predict_pandas`` against h2o-py's own ``h2o.mojo_predict_pandas`` (3.46.0.7, which
runs genmodel's PredictCsv in a JVM) on every fixture MOJO: same columns, same values."""

import inspect
import os
import shutil

import numpy as np
import pandas as pd
import pytest

import ae4j
from conftest import CASES, FIXTURES, close, require


def h2o_or_skip():
    h2o = require("h2o")
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no java on PATH: h2o.mojo_predict_pandas needs one")
        pytest.skip("no java on PATH")
    return h2o


def h2o_jar(h2o):
    """genmodel's PredictCsv is inside the h2o.jar that the h2o wheel bundles."""
    return os.path.join(os.path.dirname(h2o.__file__), "backend", "bin", "h2o.jar")


def test_signature_begins_with_h2os():
    h2o = require("h2o")
    theirs = list(inspect.signature(h2o.mojo_predict_pandas).parameters.values())
    ours = list(inspect.signature(ae4j.mojo_predict_pandas).parameters.values())
    assert [(p.name, p.default) for p in ours[: len(theirs)]] == [(p.name, p.default) for p in theirs]


def normal_frame(case):
    rows = [r["input"] for r in case["rows"] if r["kind"] == "normal"]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_same_columns_and_values_as_h2o(case, tmp_path):
    h2o = h2o_or_skip()
    mojo = str(FIXTURES / case["mojo"])
    df = normal_frame(case)
    theirs = h2o.mojo_predict_pandas(df, mojo, genmodel_jar_path=h2o_jar(h2o), java_options="-Xmx1g")
    ours = ae4j.mojo_predict_pandas(df, mojo)
    assert isinstance(ours.index, pd.RangeIndex) and len(ours) == len(theirs)
    # PredictCsv writes its header unquoted: a level with a comma ("Korea, Rep.") splits into
    # two names there, and pandas shifts the values left by one. Same names otherwise.
    split = [part for c in ours.columns for part in c.split(",")]
    assert list(theirs.columns) == (split if split != list(ours.columns) else list(ours.columns))
    n = ours.shape[1]
    a, b = ours.to_numpy(), theirs.to_numpy()[:, :n]
    mismatches = [(i, j, a[i, j], b[i, j]) for i in range(a.shape[0]) for j in range(n)
                  if not close(float(a[i, j]), float(b[i, j]))]
    assert not mismatches, mismatches[:5]


def test_invalid_numbers_as_h2o(tmp_path):
    h2o = h2o_or_skip()
    case = next(c for c in CASES if c["name"] == "synth_tanh")
    mojo = str(FIXTURES / case["mojo"])
    df = normal_frame(case).head(4)
    df["age"] = df["age"].astype(object)
    df.loc[1, "age"] = "abc"
    df.loc[2, "country"] = "zzz"  # unknown levels are missing in PredictCsv
    with pytest.raises(ae4j.PredictNumberFormatError, match="abc"):
        ae4j.mojo_predict_pandas(df, mojo)
    theirs = h2o.mojo_predict_pandas(df, mojo, genmodel_jar_path=h2o_jar(h2o), java_options="-Xmx1g",
                                     setInvNumNA=True)
    ours = ae4j.mojo_predict_pandas(df, mojo, setInvNumNA=True)
    n = ours.shape[1]
    assert np.allclose(ours.to_numpy(), theirs.to_numpy()[:, :n].astype(float), rtol=1e-9, equal_nan=True)


def test_refuses_what_h2o_refuses():
    mojo = str(FIXTURES / "models" / "synth_tanh.zip")
    with pytest.raises(TypeError):
        ae4j.mojo_predict_pandas({"age": [1.0]}, mojo)
    with pytest.raises(RuntimeError, match="cannot be found"):
        ae4j.mojo_predict_pandas(pd.DataFrame({"age": [1.0]}), "/nonexistent.zip")
    with pytest.raises(ValueError, match="tree-based"):
        ae4j.mojo_predict_pandas(pd.DataFrame({"age": [1.0]}), mojo, predict_contributions=True)
