"""``ae4j.Pipeline``: a preprocessing spec compiled and evaluated by the Rust core, the same code
every ae4j route runs (CLI, service, Java, Spark). Author specs with :mod:`ae4j.pipeline`
(``Spec``, ``from_sklearn``); load, check, apply and attach them here."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Tuple, Union

import numpy as np

from . import _errors, _inputs, _outputs
from ._native import NativeModel, NativePipeline

PathLike = Union[str, "os.PathLike[str]"]


class Pipeline:
    """A compiled pipeline spec (version 1): raw input columns → the model's columns.

    Load one with :meth:`Pipeline.load` (a spec file, JSON text, a dict, an
    ``ae4j.pipeline.Spec``, or a model that has one); a model's own is ``model.pipeline``.
    """

    def __init__(self, native: NativePipeline):
        self._native = native

    @classmethod
    def load(cls, source: Any) -> "Pipeline":
        """From a spec file (``.json``), JSON text, a dict or ``ae4j.pipeline.Spec``, or a model
        (a path to a MOJO zip with an ``ae4j/pipeline.json`` entry or a POJO with its
        ``.ae4j-pipeline.json`` sidecar, or an ``ae4j.Model``). Raises ``ValueError`` naming the
        step, column and character of a spec error."""
        from ._model import Model

        if isinstance(source, Model):
            return _model_pipeline(source._native, "the model")
        if hasattr(source, "to_json") and callable(source.to_json):
            return cls(NativePipeline.from_json(source.to_json(), "<Spec>"))
        if isinstance(source, dict):
            return cls(NativePipeline.from_json(json.dumps(source), "<dict>"))
        if isinstance(source, str) and source.lstrip().startswith("{"):
            return cls(NativePipeline.from_json(source, "<json>"))
        if not isinstance(source, (str, os.PathLike)):
            raise TypeError(f"ae4j.Pipeline.load takes a path, JSON, a dict or a Spec, not {type(source).__name__}")
        path = os.fspath(source)
        if not os.path.exists(path):
            raise FileNotFoundError(f"ae4j: no pipeline spec or model at {path}")
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                return cls(NativePipeline.from_json(f.read(), path))
        return _model_pipeline(NativeModel.load_path(path), path)

    @property
    def inputs(self) -> List[Tuple[str, str]]:
        """The raw input schema, in order: ``(name, type)`` with type ``number``, ``string``,
        ``timestamp`` or ``boolean``."""
        return self._native.inputs

    @property
    def outputs(self) -> List[Tuple[str, str]]:
        """The columns after the last step, in order: ``(name, type)``."""
        return self._native.outputs

    def to_json(self) -> str:
        """The spec as JSON."""
        return self._native.to_json()

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(self.to_json())

    def apply(self, data: Any, on_error: str = "raise") -> Any:
        """The transformed rows of ``data`` (any input ``Model.score`` takes; columns matched to
        the raw inputs by name): every column after the last step, evaluated by the core, as
        the model gets them (numbers, booleans as ``True``/``False``, timestamps as epoch
        seconds, texts; missing as NaN / None). A DataFrame of the input's kind.

        A row the pipeline cannot transform (a domain error, a bad timestamp) raises
        :class:`ae4j.PipelineError` naming the row, step and column; ``on_error="record"``
        gives an ``error`` column instead."""
        if on_error not in ("raise", "record"):
            raise ValueError(f"ae4j: on_error must be 'raise' or 'record', not {on_error!r}")
        frame = _inputs.read_frame(data, [name for name, _ in self.inputs])
        raw = self._native.apply(frame.columns, frame.rows)
        if on_error == "raise" and raw["failures"]:
            row, exception, column, message, _text = raw["failures"][0]
            label = frame.index[row] if frame.index is not None else row
            raise _errors.predict_error(row, label, exception, column, message)
        columns: Dict[str, Any] = {}
        for name, kind in zip(raw["names"], raw["types"]):
            if kind == "string":
                columns[name] = np.array(raw["texts"][name], dtype=object)
            else:
                values = np.frombuffer(raw["numbers"][name], "<f8")
                columns[name] = _booleans(values) if kind == "boolean" else values
        if on_error == "record":
            errors = np.full(frame.rows, None, dtype=object)
            for failure in raw["failures"]:
                errors[failure[0]] = failure[4]
            columns["error"] = errors
        return _outputs.build(frame, columns)

    def attach(self, model_path: PathLike, out: PathLike) -> None:
        """Writes a copy of the model at ``model_path`` with this pipeline, tied to it by the
        model's fingerprint, as ``ae4j pipeline attach`` does: a MOJO zip gets the
        ``ae4j/pipeline.json`` entry (h2o-genmodel ignores it), a POJO source is copied with a
        ``<file>.ae4j-pipeline.json`` sidecar. Raises ``ae4j.ModelError`` when the pipeline does
        not produce every model column."""
        self._native.attach(os.fspath(model_path), os.fspath(out))

    def __repr__(self) -> str:
        steps = len(self.to_dict().get("steps", []))
        return f"<ae4j.Pipeline {len(self.inputs)} inputs, {steps} steps>"


def _model_pipeline(native: NativeModel, origin: str) -> Pipeline:
    pipeline = native.pipeline
    if pipeline is None:
        raise ValueError(f"ae4j: {origin} has no pipeline (attach one with Pipeline.attach)")
    return Pipeline(pipeline)


def _booleans(values: np.ndarray) -> np.ndarray:
    """1/0 as True/False, NaN (missing) as None."""
    out = np.full(len(values), None, dtype=object)
    present = ~np.isnan(values)
    out[present] = values[present] == 1.0
    return out
