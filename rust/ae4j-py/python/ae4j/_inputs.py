"""From the frames users have to the columns the native scorer reads: Arrow arrays, one or more
*layers* per column (see ``_native.pyi``), with no Python call per cell except for columns of
mixed Python objects (a list, or an object column holding both numbers and strings)."""

from __future__ import annotations

import math
import numbers
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Layer = Tuple[str, pa.Array]
Columns = List[Tuple[str, List[Layer]]]

#: What each input kind comes back as.
PANDAS, POLARS, ARROW_TABLE, ARROW_BATCH = "pandas", "polars", "arrow_table", "arrow_batch"



class Frame:
    """An input frame as columns of layers, with what is needed to shape the output."""

    def __init__(self, kind: str, columns: Columns, rows: int, index: Any = None):
        self.kind = kind
        self.columns = columns
        self.rows = rows
        self.index = index


def read_frame(data: Any, model_columns: Sequence[str]) -> Frame:
    """Reads any supported input; raises ``TypeError`` for anything else."""
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and type(data).__name__ == "DataFrame":
        return _from_pandas(data)
    if module == "polars" and type(data).__name__ == "DataFrame":
        return _from_arrow(data.to_arrow(), POLARS)
    if isinstance(data, pa.Table):
        return _from_arrow(data, ARROW_TABLE)
    if isinstance(data, pa.RecordBatch):
        return _from_arrow(pa.Table.from_batches([data]), ARROW_BATCH)
    if isinstance(data, np.ndarray):
        return _from_numpy(data, model_columns)
    if isinstance(data, dict):
        return _from_dict(data)
    if isinstance(data, (list, tuple)) and all(isinstance(r, dict) for r in data):
        return _from_records(data)
    raise TypeError(
        "ae4j: expected a pandas or Polars DataFrame, a pyarrow Table or RecordBatch, a dict of "
        f"columns, a list of dicts or a 2-D numpy array, not {type(data).__module__}.{type(data).__name__}"
    )


def _from_pandas(df: Any) -> Frame:
    columns: Columns = []
    for position, name in enumerate(df.columns):
        series = df.iloc[:, position]
        columns.append((_name(name), _series_layers(series)))
    return Frame(PANDAS, columns, len(df), df.index)


def _series_layers(series: Any) -> List[Layer]:
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        # Levels as text when they are text; otherwise the values as they are.
        return _array_layers(pa.array(series, from_pandas=True))
    if dtype == object:
        try:
            array = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            return _object_layers(series.tolist())
        return _array_layers(array)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        # Zero-copy where the column is float64; NaN stays a value, and the scorer reads a NaN
        # number as missing (so the NaN scan of from_pandas is not needed).
        return [("value", pa.array(series.to_numpy(dtype=np.float64, copy=False)))]
    try:
        return _array_layers(pa.array(series, from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return [("type", pa.array([str(dtype)] * len(series), pa.large_string()))]


def _from_arrow(table: pa.Table, kind: str) -> Frame:
    columns: Columns = [
        (name, _array_layers(table.column(i))) for i, name in enumerate(table.column_names)
    ]
    return Frame(kind, columns, table.num_rows)


def _from_numpy(array: np.ndarray, model_columns: Sequence[str]) -> Frame:
    if array.ndim != 2:
        raise ValueError(f"ae4j: a numpy input must be 2-D (rows x model columns), not {array.ndim}-D")
    if array.shape[1] != len(model_columns):
        raise ValueError(
            f"ae4j: a numpy input has one column per model column, in model order "
            f"({len(model_columns)}), not {array.shape[1]}"
        )
    columns: Columns = []
    for j, name in enumerate(model_columns):
        column = array[:, j]
        if array.dtype == object:
            columns.append((name, _sequence_layers(column.tolist())))
        else:
            columns.append((name, _array_layers(pa.array(np.ascontiguousarray(column)))))
    return Frame("numpy", columns, array.shape[0])


def _from_dict(data: dict) -> Frame:
    columns: Columns = []
    rows: Optional[int] = None
    for name, values in data.items():
        if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype != object:
            layers = _array_layers(pa.array(values))
            n = len(values)
        elif isinstance(values, (pa.Array, pa.ChunkedArray)):
            layers, n = _array_layers(values), len(values)
        else:
            try:
                values = list(values)
            except TypeError:
                raise TypeError(f"ae4j: column '{name}' of the dict is not a sequence of values") from None
            layers, n = _sequence_layers(values), len(values)
        if rows is not None and n != rows:
            raise ValueError(f"ae4j: column '{name}' has {n} values, the first column has {rows}")
        rows = n
        columns.append((_name(name), layers))
    return Frame("dict", columns, rows or 0)


def _from_records(records: Sequence[dict]) -> Frame:
    names: dict = {}
    for record in records:
        for key in record:
            names.setdefault(key, None)
    data = {name: [r.get(name) for r in records] for name in names}
    frame = _from_dict(data)
    frame.kind, frame.rows = "records", len(records)
    return frame


def _name(name: Any) -> str:
    return name if isinstance(name, str) else str(name)


def _sequence_layers(values: list) -> List[Layer]:
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return _object_layers(values)
    return _array_layers(array)


def _array_layers(array: Any) -> List[Layer]:
    """Layers for an Arrow array or chunked array of any type."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    t = array.type
    if pa.types.is_dictionary(t):
        return _array_layers(array.dictionary_decode())
    if pa.types.is_null(t):
        return [("value", array)]
    if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t):
        return [("value", pc.cast(array, pa.float64()))]
    if pa.types.is_boolean(t):
        return [("value", array)]
    if pa.types.is_string(t) or pa.types.is_large_string(t) or _is_string_view(t):
        return [("value", pc.cast(array, pa.large_string()))]
    # Anything else (dates, lists, binary...) is refused by type name, row by row.
    names = pa.array([str(t)] * len(array), pa.large_string())
    return [("type", pc.if_else(pc.is_valid(array), names, pa.scalar(None, pa.large_string())))]


def _is_string_view(t: pa.DataType) -> bool:
    check = getattr(pa.types, "is_string_view", None)
    return bool(check and check(t))


def _object_layers(values: list) -> List[Layer]:
    """Mixed Python objects, one look per cell: numbers, texts, and the type names of the rest."""
    numbers_, texts, bools, others = [], [], [], []
    for v in values:
        number = text = boolean = other = None
        if v is None or (isinstance(v, float) and math.isnan(v)) or _is_na(v):
            pass
        elif isinstance(v, str):
            text = v
        elif isinstance(v, (bool, np.bool_)):
            boolean = bool(v)  # refused by genmodel; a pipeline's boolean input reads it
        elif isinstance(v, numbers.Real):
            number = float(v)
        else:
            other = f"{type(v).__module__}.{type(v).__qualname__}"
        numbers_.append(number)
        texts.append(text)
        bools.append(boolean)
        others.append(other)
    return [
        ("value", pa.array(numbers_, pa.float64())),
        ("value", pa.array(texts, pa.large_string())),
        ("value", pa.array(bools, pa.bool_())),
        ("type", pa.array(others, pa.large_string())),
    ]


def _is_na(v: Any) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False
    return v is pd.NA or v is pd.NaT
