"""The model object: what the model is, scoring, calibration, saving."""

from __future__ import annotations

import datetime as _dt
import json
import os
import warnings
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _errors, _inputs, _outputs
from ._native import NativeModel

PathLike = Union[str, "os.PathLike[str]"]

if TYPE_CHECKING:
    from ._pipeline import Pipeline


class Model:
    """An H2O deep-learning autoencoder, loaded with :func:`ae4j.load`. Immutable and safe to
    share between threads."""

    def __init__(self, native: NativeModel):
        self._native = native

    @property
    def columns(self) -> List[str]:
        """The model's input columns, in model order (categoricals first, as H2O orders them)."""
        return self._native.columns

    @property
    def domains(self) -> List[Optional[List[str]]]:
        """Each column's levels (a list for a categorical column, ``None`` for a numeric one)."""
        return self._native.domains

    @property
    def slot_names(self) -> List[str]:
        """The expanded input slots (``<col>.<level>``, ``<col>.missing(NA)``, ``<col>``), as H2O
        names the reconstruction columns."""
        return self._native.slot_names

    @property
    def layer_sizes(self) -> List[int]:
        """Units per layer, input to output (e.g. ``[22, 6, 3, 6, 22]``)."""
        return self._native.layer_sizes

    @property
    def activation(self) -> str:
        """H2O's name of the activation (``Tanh``, ``RectifierWithDropout``, ...)."""
        return self._native.activation

    @property
    def calibration(self) -> Optional[Dict[str, Any]]:
        """The stored calibration (threshold, quantile, rows, MSE distribution...) or ``None``."""
        text = self._native.calibration_json
        return None if text is None else json.loads(text)

    @property
    def pipeline(self) -> Optional["Pipeline"]:
        """The preprocessing stored with the model (``ae4j/pipeline.json`` in the zip, or a
        POJO's sidecar), or ``None``. With one, :meth:`score` takes the raw input columns."""
        from ._pipeline import Pipeline

        native = self._native.pipeline
        return None if native is None else Pipeline(native)

    def __repr__(self) -> str:
        calibrated = "calibrated" if self._native.calibration_json else "not calibrated"
        return (
            f"<ae4j.Model {self.activation} {self.layer_sizes}, {len(self.columns)} columns, "
            f"{calibrated}>"
        )

    def score(
        self,
        data: Any,
        per_feature: bool = False,
        reconstruction: bool = False,
        convert_unknown_categoricals_to_na: bool = False,
        convert_invalid_numbers_to_na: bool = False,
        threshold: Optional[float] = None,
        explain: int = 0,
        on_error: str = "raise",
        deep_features: Union[None, int, Sequence[int]] = None,
    ) -> Any:
        """Scores every row of ``data``.

        ``data``: a pandas or Polars DataFrame, a pyarrow Table or RecordBatch, a dict of
        columns, a list of dicts, or a 2-D numpy array in model column order. Columns are matched
        by name; absent model columns are missing values, other columns are ignored. Cells follow
        h2o-genmodel's rules: numbers as they are, text parsed like Java's
        ``Double.parseDouble`` (numeric columns) or matched to a level exactly, then as
        ``<col>.<level>`` (categorical columns); None, NaN and pd.NA are missing.

        Returns a DataFrame of the input's kind (pandas, index kept; Polars; Arrow; pandas for
        the other inputs) with ``Reconstruction.MSE``; ``anomaly`` and ``percentile`` when the
        model is calibrated or a ``threshold`` is given; ``reconstr_<slot>.SE`` with
        ``per_feature``; ``reconstr_<slot>`` with ``reconstruction``; ``top_<i>_column`` and
        ``top_<i>_share`` for the ``explain`` columns with the largest share of the error;
        H2O's deep features ``DF.L<layer+1>.C<unit>`` for each hidden layer of
        ``deep_features`` (0-based, an int or a list: h2o's ``deepfeatures(frame, layer)``),
        after every other score column in the order given; and an ``error`` column with
        ``on_error="record"``.

        Raises a :class:`ae4j.PredictError` subclass for the first bad row with
        ``on_error="raise"``, and ``ValueError`` naming the valid range for a hidden layer the
        model does not have.
        """
        if on_error not in ("raise", "record"):
            raise ValueError(f"ae4j: on_error must be 'raise' or 'record', not {on_error!r}")
        explain = _non_negative_int("explain", explain)
        layers = _layers(deep_features)
        if threshold is not None:
            threshold = float(threshold)
        frame = self._frame(data)
        raw = self._native.score(
            frame.columns,
            frame.rows,
            per_feature=bool(per_feature),
            reconstruction=bool(reconstruction),
            unknown_to_na=bool(convert_unknown_categoricals_to_na),
            invalid_to_na=bool(convert_invalid_numbers_to_na),
            threshold=threshold,
            explain=explain,
            deep_features=layers,
            record_errors=on_error == "record",
        )
        if on_error == "raise" and raw["failures"]:
            raise self._error(frame, raw["failures"][0])
        columns = _outputs.columns_of(raw, frame.rows, self.columns)
        return _outputs.build(frame, columns)

    def save(self, path: PathLike) -> None:
        """Writes the model with its calibration, as ``ae4j calibrate`` does: a MOJO zip gets the
        ``ae4j/calibration.json`` entry (h2o-genmodel still reads it), a POJO source gets a
        ``<file>.ae4j-calibration.json`` file beside it."""
        self._native.save(os.fspath(path))

    def _frame(self, data: Any) -> "_inputs.Frame":
        pipeline = self._native.pipeline
        wanted = self.columns if pipeline is None else [name for name, _ in pipeline.inputs]
        frame = _inputs.read_frame(data, wanted)
        whose, what = ("model's columns", "model columns") if pipeline is None else (
            "pipeline's inputs",
            "pipeline inputs",
        )
        names = {name for name, _ in frame.columns}
        used = [c for c in wanted if c in names]
        if not used:
            raise ValueError(
                f"ae4j: the input's columns ({', '.join(map(repr, sorted(names))) or 'none'}) "
                f"name none of the {whose} ({', '.join(map(repr, wanted))})"
            )
        if len(used) < len(wanted):
            absent = [c for c in wanted if c not in names]
            warnings.warn(
                f"ae4j: {len(absent)} {what} are not in the input and are scored as "
                f"missing: {', '.join(absent)}",
                stacklevel=3,
            )
        return frame

    def _error(self, frame: "_inputs.Frame", failure: tuple) -> "_errors.PredictError":
        row, exception, column, message, _text = failure
        label = frame.index[row] if frame.index is not None else row
        return _errors.predict_error(row, label, exception, column, message)


def calibrate(
    model: Model,
    normal_data: Any,
    quantile: float = 0.99,
    convert_unknown_categoricals_to_na: bool = False,
    convert_invalid_numbers_to_na: bool = False,
) -> Model:
    """A copy of ``model`` calibrated on normal rows: the anomaly threshold is the ``quantile``
    of their MSE, and the MSE distribution is kept for percentiles (``ae4j calibrate``). Rows
    that cannot be scored are left out and counted. Save it with :meth:`Model.save`."""
    quantile = float(quantile)
    if not 0.0 <= quantile <= 1.0:
        raise ValueError(f"ae4j: the quantile must be within [0, 1], not {quantile}")
    frame = model._frame(normal_data)
    created = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    native = model._native.calibrate(
        frame.columns,
        frame.rows,
        quantile=quantile,
        unknown_to_na=bool(convert_unknown_categoricals_to_na),
        invalid_to_na=bool(convert_invalid_numbers_to_na),
        created=created,
    )
    return Model(native)


def load(source: Union[PathLike, bytes, bytearray, memoryview]) -> Model:
    """Loads a model: a MOJO zip or unzipped MOJO directory, a POJO ``.java`` source (by path),
    or the bytes of a MOJO zip or POJO source. A calibration stored with it is loaded too."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return Model(NativeModel.load_bytes(bytes(source), "<bytes>"))
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"ae4j.load takes a path or bytes, not {type(source).__name__}")
    path = os.fspath(source)
    if not os.path.exists(path):
        raise FileNotFoundError(f"ae4j: no model at {path}")
    return Model(NativeModel.load_path(path))


def _layers(deep_features: Any) -> List[int]:
    """``deep_features`` as a list of layer numbers (checked against the model natively)."""
    if deep_features is None:
        return []
    chosen = [deep_features] if isinstance(deep_features, int) else deep_features
    try:
        chosen = list(chosen)
    except TypeError:
        chosen = [deep_features]
    for layer in chosen:
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)):
            raise ValueError(
                f"ae4j: deep_features must be a hidden layer number or a list of them, not {deep_features!r}"
            )
    return [int(layer) for layer in chosen]


def _non_negative_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"ae4j: {name} must be a non-negative integer, not {value!r}")
    return value
