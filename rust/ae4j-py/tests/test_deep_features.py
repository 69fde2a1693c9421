"""``model.score(df, deep_features=L)`` against the H2O server's own
``model.deepfeatures(frame, L)`` (tests/fixtures/deepfeatures): every fixture model, every hidden
layer, every row the server's frame held (unknown levels and invalid numbers read as missing, as
the server does), one layer and all at once; H2O's column names, after every other column; clear
errors for layers a model does not have."""

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import ae4j
from conftest import CASES, FIXTURES, Unrepresentable, close, double, mojo, python_value

SERVER_VIEW = {"convert_unknown_categoricals_to_na": True, "convert_invalid_numbers_to_na": True}


def deep_case(case):
    return json.loads((FIXTURES / "deepfeatures" / f"{case['name']}.json").read_text(encoding="utf-8"))


def server_rows(case, deep):
    """(case row, python inputs, H2O's values per hidden layer) for the rows the server scored."""
    picked = []
    for row, d in zip(case["rows"], deep["rows"]):
        assert row["id"] == d["id"], (case["name"], row["id"], d["id"])
        if d["deep_features"] is None:
            continue
        try:
            inputs = {k: python_value(v) for k, v in row["input"].items()}
        except Unrepresentable:
            continue
        picked.append((row, inputs, [[double(v) for v in layer] for layer in d["deep_features"]]))
    assert len(picked) >= 30, (case["name"], len(picked))
    return picked


def check_values(result, names, expected_rows, at):
    bad = []
    for i, want in enumerate(expected_rows):
        got = [result[n].iloc[i] if isinstance(result, pd.DataFrame) else result[n][i] for n in names]
        bad += [(i, n, g, w) for n, g, w in zip(names, got, want) if not close(float(g), w)]
    assert not bad, f"{at}: {len(bad)} values differ from H2O's, e.g. {bad[:3]}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_every_hidden_layer_equals_h2o(case):
    deep = deep_case(case)
    model = ae4j.load(mojo(case))
    rows = server_rows(case, deep)
    df = pd.DataFrame([inputs for _, inputs, _ in rows])
    layers = deep["hidden_layers"]
    assert len(layers) == len(model.layer_sizes) - 2
    for hidden in layers:
        layer = hidden["layer"]
        result = model.score(df, deep_features=layer, **SERVER_VIEW)
        assert list(result.columns) == ["Reconstruction.MSE"] + hidden["columns"], case["name"]
        check_values(result, hidden["columns"], [h2o[layer] for _, _, h2o in rows], f"{case['name']} L{layer}")
    # Every layer at once, the last first: the columns follow the order asked for.
    order = [h["layer"] for h in reversed(layers)]
    names = [c for l in order for c in layers[l]["columns"]]
    # Through a list of dicts (columns of mixed Python objects) this time.
    result = model.score([inputs for _, inputs, _ in rows], deep_features=order, **SERVER_VIEW)
    assert list(result.columns) == ["Reconstruction.MSE"] + names
    expected = [[v for l in order for v in h2o[l]] for _, _, h2o in rows]
    check_values(result, names, expected, f"{case['name']} layers {order}")
    # An Arrow table of the rows that hold only numbers keeps its kind.
    numeric = [i for i, (_, inputs, _) in enumerate(rows) if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in inputs.values())]
    if all(d is None for d in model.domains) and len(numeric) >= 10:
        table = pa.Table.from_pylist([rows[i][1] for i in numeric])
        result = model.score(table, deep_features=order, **SERVER_VIEW)
        assert result.column_names == ["Reconstruction.MSE"] + names
        check_values(result.to_pydict(), names, [expected[i] for i in numeric], f"{case['name']} arrow")


def test_deep_features_come_after_every_other_column_and_before_error():
    case = next(c for c in CASES if c["name"] == "synth_tanh")
    model = ae4j.load(mojo(case))
    rows = [{k: python_value(v) for k, v in r["input"].items()} for r in case["rows"][:20]]
    rows.append({"country": "no such level"})
    result = model.score(
        rows, per_feature=True, reconstruction=True, threshold=0.5, explain=2, deep_features=[1, 0],
        on_error="record",
    )
    plain = model.score(
        rows, per_feature=True, reconstruction=True, threshold=0.5, explain=2, on_error="record"
    )
    deep_names = [f"DF.L2.C{j + 1}" for j in range(model.layer_sizes[2])] + [
        f"DF.L1.C{j + 1}" for j in range(model.layer_sizes[1])
    ]
    assert list(result.columns) == list(plain.columns)[:-1] + deep_names + ["error"]
    pd.testing.assert_frame_equal(result[plain.columns], plain)
    # The row that could not be scored has no deep features.
    assert result["error"].iloc[-1].endswith("Unknown categorical level (country,no such level)")
    assert result[deep_names].iloc[-1].isna().all()
    assert result[deep_names].iloc[:-1].notna().all().all()


def test_no_layer_adds_no_column():
    case = CASES[0]
    model = ae4j.load(mojo(case))
    df = pd.DataFrame([{k: python_value(v) for k, v in case["rows"][0]["input"].items()}])
    assert list(model.score(df, deep_features=[], **SERVER_VIEW).columns) == ["Reconstruction.MSE"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_layer_the_model_lacks_names_the_valid_range(case):
    deep = deep_case(case)
    model = ae4j.load(mojo(case))
    df = pd.DataFrame({c: [None] for c in model.columns})
    last = deep["out_of_range"]["layer"] - 1
    for bad in (deep["out_of_range"]["layer"], -1, [0, 99]):
        with pytest.raises(ValueError, match=rf"does not exist: .* between 0 and {last}$"):
            model.score(df, deep_features=bad)
    with pytest.raises(ValueError, match="asked for more than once"):
        model.score(df, deep_features=[0, 0])
    for bad in ("0", 1.0, True, [0, None]):
        with pytest.raises(ValueError, match="deep_features must be a hidden layer number"):
            model.score(df, deep_features=bad)
    # numpy integers are layer numbers too
    assert "DF.L1.C1" in model.score(df, deep_features=np.int64(0), **SERVER_VIEW).columns


def test_h2o_names_and_the_fixture_agree():
    for case in CASES:
        deep = deep_case(case)
        model = ae4j.load(mojo(case))
        for hidden in deep["hidden_layers"]:
            units = model.layer_sizes[hidden["layer"] + 1]
            assert hidden["columns"] == [f"DF.L{hidden['layer'] + 1}.C{j + 1}" for j in range(units)]
            assert not math.isnan(units)
