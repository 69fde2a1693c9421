"""A frame of plain numbers for numeric model columns is read as raw rows (no cell-by-cell
conversion); the scores must be exactly those of the same values read cell by cell by
genmodel's rules (here: the same numbers in object columns, which take the cell path)."""

import numpy as np
import pandas as pd
import pytest

import ae4j
from conftest import CASES, mojo, python_value, Unrepresentable


def numeric_frame(case, model):
    numeric = [c for c, d in zip(model.columns, model.domains) if d is None]
    rows = []
    for row in case["rows"]:
        try:
            inputs = {k: python_value(v) for k, v in row["input"].items()}
        except Unrepresentable:
            continue
        values = [inputs.get(c) for c in numeric]
        if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values):
            rows.append([np.nan if v is None else float(v) for v in values])
    df = pd.DataFrame(rows * 20, columns=numeric)  # over one worker's chunk of rows
    df.iloc[0, 0], df.iloc[1, -1], df.iloc[2, 0] = np.nan, np.inf, -np.inf
    return df


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_raw_rows_equal_cell_by_cell(case):
    model = ae4j.load(mojo(case))
    df = numeric_frame(case, model)
    assert len(df) >= 100, len(df)
    options = dict(per_feature=True, reconstruction=True, explain=2, on_error="record")
    for frame in (df, df.iloc[:, 1:], df.astype("float32")):
        fast = model.score(frame, **options)
        # A column named twice (here: the first, again, last) is read cell by cell, by
        # genmodel's rules: the later cell wins, and it holds the same value.
        slow = model.score(pd.concat([frame, frame.iloc[:, :1]], axis=1), **options)
        assert list(fast.columns) == list(slow.columns)
        for c in fast.columns:
            a, b = fast[c].to_numpy(), slow[c].to_numpy()
            if a.dtype.kind == "f":
                assert np.array_equal(a.view(np.int64), b.view(np.int64)), (case["name"], c)
            else:
                assert list(a) == list(b), (case["name"], c)
