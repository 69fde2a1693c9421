"""From the native scorer's buffers to a DataFrame of the input's kind, with the CLI's column
names: ``Reconstruction.MSE``, ``anomaly``, ``percentile``, ``reconstr_<slot>.SE``,
``reconstr_<slot>``, ``top_<i>_column`` / ``top_<i>_share``, ``error``."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from . import _inputs


def columns_of(
    raw: dict,
    rows: int,
    model_columns: Sequence[str],
    slot_names: Sequence[str],
    per_feature: bool,
    reconstruction: bool,
    decision: bool,
    explain: int,
    errors: Optional[List[Optional[str]]],
) -> Dict[str, Any]:
    """The output columns, in order, as numpy arrays (object arrays for text)."""
    failed = None
    if errors is not None:
        failed = np.fromiter((e is not None for e in errors), dtype=bool, count=rows)
    out: Dict[str, Any] = {"Reconstruction.MSE": np.frombuffer(raw["mse"], "<f8")}
    if decision:
        codes = np.frombuffer(raw["anomaly"], np.uint8)
        anomaly: Any = codes == 1
        if failed is not None and failed.any():
            anomaly = anomaly.astype(object)
            anomaly[codes == 2] = None
        out["anomaly"] = anomaly
        out["percentile"] = np.frombuffer(raw["percentile"], "<f8")
    slots = len(slot_names)
    if per_feature:
        se = np.frombuffer(raw["squared_errors"], "<f8").reshape(rows, slots)
        for j, s in enumerate(slot_names):
            out[f"reconstr_{s}.SE"] = se[:, j]
    if reconstruction:
        rec = np.frombuffer(raw["reconstruction"], "<f8").reshape(rows, slots)
        for j, s in enumerate(slot_names):
            out[f"reconstr_{s}"] = rec[:, j]
    if explain:
        top = np.frombuffer(raw["top_columns"], "<i4").reshape(rows, explain)
        shares = np.frombuffer(raw["top_shares"], "<f8").reshape(rows, explain)
        names = np.array(list(model_columns) + [None], dtype=object)
        for i in range(explain):
            out[f"top_{i + 1}_column"] = names[top[:, i]]  # -1 picks the trailing None
            out[f"top_{i + 1}_share"] = shares[:, i]
    if errors is not None:
        out["error"] = np.array(errors, dtype=object) if rows else np.empty(0, dtype=object)
    return out


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
