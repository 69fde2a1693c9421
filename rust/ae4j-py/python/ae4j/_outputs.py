"""From the native scorer's buffers to a DataFrame of the input's kind, with the column names
and order of the core's score table (the CLI's): ``Reconstruction.MSE``, ``anomaly``,
``percentile``, ``reconstr_<slot>.SE``, ``reconstr_<slot>``, ``top_<i>_column`` /
``top_<i>_share``, ``DF.L<layer+1>.C<unit>``, ``error``."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

import numpy as np

from . import _inputs


def columns_of(raw: dict, rows: int, model_columns: Sequence[str]) -> Dict[str, Any]:
    """The output columns, in the core's score-table order and names, as numpy arrays (object
    arrays for text)."""
    out: Dict[str, Any] = {}
    for group, names in raw["groups"]:
        values = _GROUPS[group](raw, rows, len(names), model_columns)
        out.update(zip(names, values))
    return out


def _mse(raw: dict, rows: int, width: int, model_columns: Sequence[str]) -> List[Any]:
    return [np.frombuffer(raw["mse"], "<f8")]


def _decision(raw: dict, rows: int, width: int, model_columns: Sequence[str]) -> List[Any]:
    codes = np.frombuffer(raw["anomaly"], np.uint8)
    anomaly: Any = codes == 1
    failed = codes == 2  # a row that could not be scored has no decision
    if failed.any():
        anomaly = anomaly.astype(object)
        anomaly[failed] = None
    return [anomaly, np.frombuffer(raw["percentile"], "<f8")]


def _matrix(key: str):
    def columns(raw: dict, rows: int, width: int, model_columns: Sequence[str]) -> List[Any]:
        matrix = np.frombuffer(raw[key], "<f8").reshape(rows, width)
        return [matrix[:, j] for j in range(width)]

    return columns


def _explanation(raw: dict, rows: int, width: int, model_columns: Sequence[str]) -> List[Any]:
    k = width // 2
    top = np.frombuffer(raw["top_columns"], "<i4").reshape(rows, k)
    shares = np.frombuffer(raw["top_shares"], "<f8").reshape(rows, k)
    names = np.array(list(model_columns) + [None], dtype=object)
    out: List[Any] = []
    for i in range(k):
        out += [names[top[:, i]], shares[:, i]]  # -1 picks the trailing None
    return out


def _error(raw: dict, rows: int, width: int, model_columns: Sequence[str]) -> List[Any]:
    errors = np.full(rows, None, dtype=object)
    for failure in raw["failures"]:
        errors[failure[0]] = failure[4]  # the core's text of a row error (the CLI's)
    return [errors]


_GROUPS = {
    "mse": _mse,
    "decision": _decision,
    "per_feature": _matrix("squared_errors"),
    "reconstruction": _matrix("reconstruction"),
    "explanation": _explanation,
    "deep_features": _matrix("deep_features"),
    "error": _error,
}


def build(frame: "_inputs.Frame", columns: Dict[str, Any]) -> Any:
    """A DataFrame of the input's kind: pandas (index kept), Polars, or the Arrow type given."""
    kind = frame.kind
    if kind == _inputs.POLARS:
        import polars as pl

        return pl.DataFrame({k: _plain(v) for k, v in columns.items()})
    if kind in (_inputs.ARROW_TABLE, _inputs.ARROW_BATCH):
        import pyarrow as pa

        arrays = [pa.array(_plain(v)) for v in columns.values()]  # NaN stays NaN
        names = list(columns)
        if kind == _inputs.ARROW_BATCH:
            return pa.RecordBatch.from_arrays(arrays, names=names)
        return pa.Table.from_arrays(arrays, names=names)
    import pandas as pd

    index = frame.index if kind == _inputs.PANDAS else None
    return pd.DataFrame(columns, index=index, copy=False)


def _plain(v: Any) -> Any:
    if isinstance(v, np.ndarray) and v.dtype == object:
        return v.tolist()
    return v
