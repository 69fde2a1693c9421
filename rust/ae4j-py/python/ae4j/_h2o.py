"""``ae4j.mojo_predict_pandas``: h2o-py's ``h2o.mojo_predict_pandas`` for autoencoder MOJOs, with
its signature and its output, computed in-process instead of by a JVM running genmodel's
``PredictCsv`` on a CSV copy of the frame."""

from __future__ import annotations

import os
from typing import Any, List, Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _errors, _inputs
from ._model import Model, load

#: The cell texts PredictCsv reads as missing.
_CSV_MISSING = pa.array(["", "NA", "N/A", "-"], pa.large_string())


def mojo_predict_pandas(
    dataframe: Any,
    mojo_zip_path: str,
    genmodel_jar_path: Optional[str] = None,
    classpath: Optional[str] = None,
    java_options: Optional[str] = None,
    verbose: bool = False,
    setInvNumNA: bool = False,
    predict_contributions: bool = False,
    predict_calibrated: bool = False,
) -> Any:
    """Scores a pandas DataFrame with an autoencoder MOJO as ``h2o.mojo_predict_pandas`` does
    (h2o-py 3.46.0.7), with no Java: a DataFrame of the ``reconstr_<slot>`` columns (the
    reconstruction) with a fresh ``RangeIndex``.

    Cells are read as PredictCsv reads the frame's CSV: every value is text, ``""``, ``NA``,
    ``N/A`` and ``-`` are missing, unknown categorical levels are missing, and invalid numbers
    are an error (:class:`ae4j.PredictNumberFormatError`) unless ``setInvNumNA``.

    ``genmodel_jar_path``, ``classpath`` and ``java_options`` are accepted for compatibility and
    ignored (no JVM runs); ``verbose`` prints what is scored. ``predict_contributions`` and
    ``predict_calibrated`` are for other model kinds and refused. For the anomaly score itself,
    use :meth:`ae4j.Model.score`.
    """
    import pandas as pd

    if not isinstance(dataframe, pd.DataFrame):
        raise TypeError(f"ae4j: dataframe must be a pandas DataFrame, not {type(dataframe).__name__}")
    if predict_contributions:
        raise ValueError("ae4j: predict_contributions is only for tree-based models, not autoencoders")
    if predict_calibrated:
        raise ValueError("ae4j: predict_calibrated is only for calibrated classifiers, not autoencoders")
    if not os.path.isfile(os.fspath(mojo_zip_path)):
        raise RuntimeError(f"MOJO zip cannot be found at {mojo_zip_path}")
    model = load(mojo_zip_path)
    if verbose:
        print(f"ae4j: scoring {len(dataframe)} rows with {os.path.abspath(mojo_zip_path)}")
    frame = _inputs.read_frame(dataframe, model.columns)
    categorical = {c for c, d in zip(model.columns, model.domains) if d is not None}
    frame.columns = [(n, _as_csv_text(layers, n in categorical)) for n, layers in frame.columns]
    # PredictCsv also sees the index column that DataFrame.to_csv writes first.
    index_name = dataframe.index.name if isinstance(dataframe.index.name, str) else ""
    frame.columns.insert(0, (index_name, [("value", pa.array(np.zeros(frame.rows)))]))
    raw = model._native.score(
        frame.columns,
        frame.rows,
        per_feature=False,
        reconstruction=True,
        unknown_to_na=True,
        invalid_to_na=bool(setInvNumNA),
        threshold=None,
        explain=0,
        deep_features=[],
        record_errors=False,
    )
    if raw["failures"]:
        row, exception, column, message, _text = raw["failures"][0]
        raise _errors.predict_error(row, dataframe.index[row], exception, column, message)
    slots = model.slot_names
    rec = np.frombuffer(raw["reconstruction"], "<f8").reshape(frame.rows, len(slots))
    return pd.DataFrame(rec, columns=[f"reconstr_{s}" for s in slots])


def _as_csv_text(layers: List[_inputs.Layer], categorical: bool) -> List[_inputs.Layer]:
    """A column's layers as PredictCsv would see the frame's CSV text of them."""
    out: List[_inputs.Layer] = []
    for kind, array in layers:
        t = array.type
        if kind == "value" and pa.types.is_large_string(t):
            missing = pc.is_in(array, value_set=_CSV_MISSING)
            out.append(("value", pc.if_else(missing, pa.scalar(None, t), array)))
        elif kind == "value" and pa.types.is_boolean(t):
            text = pc.if_else(array, "True", "False").cast(pa.large_string())
            out.append(("value", text))
        elif kind == "value" and pa.types.is_float64(t) and categorical:
            values = [None if v is None or v != v else repr(v) for v in array.to_pylist()]
            out.append(("value", pa.array(values, pa.large_string())))
        elif kind == "value" and pa.types.is_float64(t):
            # to_csv writes infinities as inf / -inf, which Double.parseDouble refuses.
            infinite = pc.fill_null(pc.is_inf(array), False)
            if pc.any(infinite).as_py():
                null = pa.scalar(None, pa.float64())
                out.append(("value", pc.if_else(infinite, null, array)))
                sign = pc.if_else(pc.greater(array, 0), "inf", "-inf").cast(pa.large_string())
                out.append(("value", pc.if_else(infinite, sign, pa.scalar(None, pa.large_string()))))
            else:
                out.append((kind, array))
        else:
            out.append((kind, array))
    return out


__all__ = ["mojo_predict_pandas", "Model"]
