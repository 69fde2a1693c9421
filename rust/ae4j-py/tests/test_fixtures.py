"""Every fixture row and error row of every fixture model, under genmodel's four Config
variants, through each input kind: genmodel's reconstruction and MSE (the H2O server's finite
MSE and per-feature errors where genmodel gives NaN), genmodel's exception class and message."""

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import ae4j
from conftest import OPTION_KEYS, Unrepresentable, close, double, mojo, options, python_value, require

ERRORS = {
    "PredictUnknownCategoricalLevelException": ae4j.PredictUnknownCategoricalLevelError,
    "PredictNumberFormatException": ae4j.PredictNumberFormatError,
    "PredictUnknownTypeException": ae4j.PredictUnknownTypeError,
}


def simple(cls):
    return cls.rsplit(".", 1)[-1]


def rows_for(case, key):
    """(row, python inputs) for rows Python can hold; genmodel's NullPointerException rows are
    left out (ae4j reads None as missing on purpose, as every ae4j route does)."""
    picked = []
    for row in case["rows"]:
        try:
            inputs = {k: python_value(v) for k, v in row["input"].items()}
        except Unrepresentable:
            continue
        outcome = row["genmodel"][key]
        if "error" in outcome and simple(outcome["error"]["class"]) not in ERRORS:
            assert simple(outcome["error"]["class"]) == "NullPointerException", outcome
            continue
        picked.append((row, inputs))
    assert len(picked) >= 30, (case["name"], key, len(picked))
    return picked


def check_row(model, row, key, scored, at):
    """Compares one output row (a dict of column -> value) with the fixture."""
    outcome = row["genmodel"][key]
    error = scored.get("error")
    if not isinstance(error, str):
        error = None  # None, or NaN in pandas 3's str dtype
    if "error" in outcome:
        expected = outcome["error"]
        assert error is not None, f"{at}: scored, expected {expected['class']}"
        assert error.endswith(f"{simple(expected['class'])}: {expected['message']}"), (at, error)
        return 0
    assert error is None, f"{at}: unexpected error {error}"
    reconstructed = [double(v) for v in outcome["reconstructed"]]
    got = [scored[f"reconstr_{s}"] for s in model.slot_names]
    bad = [(s, g, e) for s, g, e in zip(model.slot_names, got, reconstructed) if not close(g, e)]
    assert not bad, f"{at}: reconstruction differs: {bad[:3]}"
    mse, expected_mse = scored["Reconstruction.MSE"], double(outcome["mse"])
    if not math.isnan(expected_mse) or any(math.isnan(v) for v in reconstructed):
        assert close(mse, expected_mse), f"{at}: mse {mse}, expected {expected_mse}"
    else:
        assert math.isfinite(mse), f"{at}: mse {mse}, expected finite (the server's)"
    server = row.get("server")
    if server is not None and key == "default":
        assert close(mse, double(server["mse"])), f"{at}: mse {mse}, server {server['mse']}"
        se = [scored[f"reconstr_{s}.SE"] for s in model.slot_names]
        expected_se = [double(v) for v in server["per_feature_se"]]
        bad = [(s, g, e) for s, g, e in zip(model.slot_names, se, expected_se) if not close(g, e)]
        assert not bad, f"{at}: per-feature errors differ from the server's: {bad[:3]}"
    return len(got) + 1


def records_of(result):
    """Output rows as dicts, whatever the frame kind."""
    if isinstance(result, pd.DataFrame):
        return result.to_dict("records")
    if isinstance(result, (pa.Table, pa.RecordBatch)):
        return result.to_pylist()
    return result.to_dicts()  # Polars


def score(model, data, key):
    return model.score(data, per_feature=True, reconstruction=True, on_error="record", **options(key))


def whole_frame_inputs(case, picked, kind):
    names = []
    for _, inputs in picked:
        for k in inputs:
            if k not in names:
                names.append(k)
    if kind == "records":
        return [inputs for _, inputs in picked]
    columns = {n: [inputs.get(n) for _, inputs in picked] for n in names}
    if kind == "dict":
        return columns
    if kind == "pandas":
        frame = pd.DataFrame({n: pd.Series(v, dtype=object) for n, v in columns.items()})
        frame.index = [f"r{row['id']}" for row, _ in picked]
        return frame
    if kind == "numpy":
        table = np.empty((len(picked), len(case["columns"])), dtype=object)
        for i, (_, inputs) in enumerate(picked):
            for j, c in enumerate(case["columns"]):
                table[i, j] = inputs.get(c)
        return table
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["pandas", "dict", "records", "numpy"])
@pytest.mark.parametrize("key", OPTION_KEYS)
def test_whole_frame(case, key, kind):
    """All rows in one frame (object columns mixing numbers, text, bools and None)."""
    model = ae4j.load(mojo(case))
    picked = rows_for(case, key)
    result = score(model, whole_frame_inputs(case, picked, kind), key)
    if kind == "pandas":
        assert list(result.index) == [f"r{row['id']}" for row, _ in picked]
    out = records_of(result)
    assert len(out) == len(picked)
    compared = sum(check_row(model, row, key, o, f"{case['name']} {kind} {key} row {row['id']}")
                   for (row, _), o in zip(picked, out))
    assert compared > 0


def one_row_frame(inputs, kind):
    if kind == "polars":
        pl = require("polars")
        return pl.DataFrame({k: [v] for k, v in inputs.items()}, strict=False) if inputs else None
    table = pa.table({k: [v] for k, v in inputs.items()}) if inputs else None
    if kind == "arrow_batch" and table is not None:
        return table.to_batches()[0]
    return table


@pytest.mark.parametrize("kind", ["polars", "arrow_table", "arrow_batch", "pandas_typed"])
def test_row_by_row_typed_columns(case, kind):
    """Each row alone, so every column has one type (float, string, bool or null)."""
    model = ae4j.load(mojo(case))
    compared = 0
    for key in OPTION_KEYS:
        for row, inputs in rows_for(case, key):
            if not any(k in model.columns for k in inputs):
                continue  # names no model column: refused (tested in test_bad_input)
            if kind == "pandas_typed":
                data = pd.DataFrame({k: [v] for k, v in inputs.items()})
            else:
                data = one_row_frame(inputs, kind)
            with pytest.warns(UserWarning) if len([k for k in inputs if k in model.columns]) < len(model.columns) else _nothing():
                result = score(model, data, key)
            (out,) = records_of(result)
            compared += check_row(model, row, key, out, f"{case['name']} {kind} {key} row {row['id']}")
    assert compared > 0


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("key", OPTION_KEYS)
def test_error_rows_raise_genmodels_exception(case, key):
    """on_error="raise": the exception class mirrors genmodel's and the message is genmodel's,
    with the row and column named."""
    model = ae4j.load(mojo(case))
    raised = 0
    for row, inputs in rows_for(case, key):
        outcome = row["genmodel"][key]
        if "error" not in outcome or not any(k in model.columns for k in inputs):
            continue
        frame = pd.DataFrame({k: pd.Series([v], dtype=object, index=["x"]) for k, v in inputs.items()})
        expected = ERRORS[simple(outcome["error"]["class"])]
        with pytest.raises(expected) as info:
            model.score(frame, **options(key))
        e = info.value
        assert isinstance(e, ae4j.PredictError) and e.message == outcome["error"]["message"]
        assert e.row == 0 and e.label == "x" and e.column in model.columns
        assert str(e).startswith(f"row 'x': column '{e.column}': ")
        raised += 1
    assert raised > 0
