"""`Spec`: a builder for ae4j's preprocessing spec (JSON, version 1).

A spec is the raw input schema plus ordered steps; after the last step the working row's columns
feed the model by name. The builder checks each step as it is added (names, op parameters, that
every column it reads exists at that point) so a mistake is reported on the line that made it;
the core checks everything again, types included, when it loads the spec.
"""

import copy
import json
import math
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._expr import ExpressionError, referenced_columns

VERSION = 1
INPUT_TYPES = ("number", "string", "timestamp", "boolean")
OPS = ("derive", "rename", "drop", "fill_missing", "map", "bucketize", "clip")
TIMESTAMP_UNITS = ("s", "ms")

Scalar = Union[float, int, str, bool]
InputsLike = Union[Mapping[str, str], Sequence[Union[Tuple[str, str], Mapping[str, Any]]]]


class SpecError(ValueError):
    """A spec that is malformed: the message names the step (1-based) or input and the column."""


class Spec:
    """A preprocessing spec under construction.

    >>> spec = (Spec(inputs={"amount": "number", "ts": "timestamp", "merchant": "string"})
    ...         .derive("log_amount", "log1p(amount)")
    ...         .derive("hour", "hour(ts)")
    ...         .map("merchant", {"amazon": "amazon"}, default="other", into="merchant_group"))
    >>> spec.columns
    ['amount', 'ts', 'merchant', 'log_amount', 'hour', 'merchant_group']

    Every step method returns the spec, so calls chain. `to_json()` / `save(path)` write the
    document `ae4j pipeline attach` puts into a MOJO (entry `ae4j/pipeline.json`).
    """

    def __init__(self, inputs: InputsLike, model_fingerprint: Optional[str] = None):
        self._inputs = _normalise_inputs(inputs)
        self._steps: List[Dict[str, Any]] = []
        self._columns: List[str] = [i["name"] for i in self._inputs]
        if model_fingerprint is not None and not isinstance(model_fingerprint, str):
            raise SpecError("model_fingerprint must be a string")
        self.model_fingerprint = model_fingerprint

    # ------------------------------------------------------------------ reading the spec
    @property
    def inputs(self) -> List[Dict[str, Any]]:
        """The raw input schema: `[{"name": ..., "type": ...}, ...]` (a copy)."""
        return copy.deepcopy(self._inputs)

    @property
    def steps(self) -> List[Dict[str, Any]]:
        """The steps as JSON objects, in order (a copy)."""
        return copy.deepcopy(self._steps)

    @property
    def columns(self) -> List[str]:
        """The working row's columns after the last step, in the order they were made."""
        return list(self._columns)

    def __repr__(self) -> str:
        return f"Spec({len(self._inputs)} inputs, {len(self._steps)} steps -> {self._columns})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Spec) and self.to_dict() == other.to_dict()

    # ------------------------------------------------------------------ steps
    def derive(self, name: str, expr: str) -> "Spec":
        """Column `name` = `expr` (the expression language; see the README). An existing column
        of that name is replaced; the expression reads its previous value."""
        if not isinstance(expr, str):
            raise self._error("derive", name, "expr must be a string")
        try:
            reads = referenced_columns(expr)
        except ExpressionError as e:
            raise self._error("derive", name, f"expression {expr!r}: {e}") from None
        self._need(reads, "derive", name)
        return self._add({"op": "derive", "name": _name(name, self._where("derive")), "expr": expr},
                         makes=[name])

    def rename(self, old: str, new: str) -> "Spec":
        """Column `old` is called `new` from here on."""
        self._need([old], "rename", old)
        _name(new, self._where("rename"))
        if new in self._columns:
            raise self._error("rename", old, f"target {new!r} exists already")
        step = self._add({"op": "rename", "from": old, "to": new})
        self._columns[self._columns.index(old)] = new
        return step

    def drop(self, *columns: Union[str, Iterable[str]]) -> "Spec":
        """Remove columns from the working row: `drop("a", "b")` or `drop(["a", "b"])`."""
        names = _flatten(columns)
        if not names:
            raise self._error("drop", "", "names no column")
        self._need(names, "drop", names[0])
        step = self._add({"op": "drop", "columns": names})
        self._columns = [c for c in self._columns if c not in names]
        return step

    def fill_missing(self, column: str, value: Scalar) -> "Spec":
        """A missing value in `column` becomes `value` (a number, string or boolean)."""
        self._need([column], "fill_missing", column)
        return self._add({"op": "fill_missing", "column": column,
                          "value": _scalar(value, self._where("fill_missing", column))})

    def map(self, column: str, mapping: Mapping[str, str], default: Optional[str] = None,
            into: Optional[str] = None) -> "Spec":
        """Category mapping: a level in `mapping` becomes its value; any other level becomes
        `default` (or is kept when there is none); a missing value stays missing. The result
        goes to `into` (a new or existing column), or replaces `column`."""
        where = self._where("map", column)
        self._need([column], "map", column)
        if not isinstance(mapping, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            raise SpecError(f"{where}: mapping must map strings to strings")
        step: Dict[str, Any] = {"op": "map", "column": column, "mapping": dict(mapping)}
        if default is not None:
            if not isinstance(default, str):
                raise SpecError(f"{where}: default must be a string")
            step["default"] = default
        if into is not None:
            step["into"] = _name(into, where)
        return self._add(step, makes=[into] if into else [])

    def bucketize(self, column: str, edges: Sequence[float], into: Optional[str] = None,
                  labels: Optional[Sequence[str]] = None) -> "Spec":
        """The bin number of `column`: how many interior edges (`edges[1:-1]`) are <= the value,
        as `numpy.searchsorted(edges[1:-1], x, side="right")` and sklearn's ordinal
        `KBinsDiscretizer`. With `labels` (one per bin) the result is that label's text."""
        where = self._where("bucketize", column)
        self._need([column], "bucketize", column)
        edges = [_finite(e, where, "edges") for e in edges]
        if len(edges) < 2:
            raise SpecError(f"{where}: edges needs at least 2 values")
        if any(b < a for a, b in zip(edges, edges[1:])):
            raise SpecError(f"{where}: edges must be sorted ascending")
        step: Dict[str, Any] = {"op": "bucketize", "column": column, "edges": edges}
        if into is not None:
            step["into"] = _name(into, where)
        if labels is not None:
            labels = list(labels)
            if len(labels) != len(edges) - 1 or not all(isinstance(s, str) for s in labels):
                raise SpecError(f"{where}: labels must be {len(edges) - 1} strings, one per bin")
            step["labels"] = labels
        return self._add(step, makes=[into] if into else [])

    def clip(self, column: str, min: Optional[float] = None, max: Optional[float] = None) -> "Spec":
        """Limit `column` to [min, max] (either bound optional, like `pandas.Series.clip`)."""
        where = self._where("clip", column)
        self._need([column], "clip", column)
        if min is None and max is None:
            raise SpecError(f"{where}: needs min, max or both")
        step: Dict[str, Any] = {"op": "clip", "column": column}
        if min is not None:
            step["min"] = _finite(min, where, "min")
        if max is not None:
            step["max"] = _finite(max, where, "max")
        if min is not None and max is not None and step["min"] > step["max"]:
            raise SpecError(f"{where}: min {step['min']!r} > max {step['max']!r}")
        return self._add(step)

    def extend(self, other: Union["Spec", Iterable[Mapping[str, Any]]]) -> "Spec":
        """Append the steps of another spec (for example `from_sklearn(...)`'s) or a list of step
        objects. Another spec's inputs must be columns of this spec's working row by then."""
        if isinstance(other, Spec):
            self._need([i["name"] for i in other._inputs], "extend", "")
            steps = other._steps
        else:
            steps = list(other)
        for step in steps:
            self._apply_dict(step)
        return self

    # ------------------------------------------------------------------ output
    def to_dict(self) -> Dict[str, Any]:
        """The spec as a JSON-ready dict."""
        doc: Dict[str, Any] = {"ae4j_pipeline": VERSION}
        if self.model_fingerprint is not None:
            doc["model_fingerprint"] = self.model_fingerprint
        doc["inputs"] = self.inputs
        doc["steps"] = self.steps
        return doc

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The spec's JSON text. Floats are written as Python's shortest round-trip repr, so a
        reader with a correctly rounding parser gets the exact doubles back."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write `to_json()` to `path` (UTF-8): a sidecar, or the input of `ae4j pipeline attach`."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> "Spec":
        """A spec from its JSON object, checked step by step like the builder's own calls."""
        if not isinstance(doc, Mapping) or doc.get("ae4j_pipeline") != VERSION:
            raise SpecError(f'not an ae4j pipeline spec: needs "ae4j_pipeline": {VERSION}')
        unknown = set(doc) - {"ae4j_pipeline", "model_fingerprint", "inputs", "steps"}
        if unknown:
            raise SpecError(f"unknown top-level keys: {sorted(unknown)}")
        spec = cls(doc.get("inputs", []), doc.get("model_fingerprint"))
        steps = doc.get("steps", [])
        if not isinstance(steps, list):
            raise SpecError("steps must be a list")
        for step in steps:
            spec._apply_dict(step)
        return spec

    @classmethod
    def from_json(cls, text: str) -> "Spec":
        return cls.from_dict(json.loads(text))

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Spec":
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())

    # ------------------------------------------------------------------ internals
    _PARAMS = {
        "derive": ({"name", "expr"}, set()),
        "rename": ({"from", "to"}, set()),
        "drop": ({"columns"}, set()),
        "fill_missing": ({"column", "value"}, set()),
        "map": ({"column", "mapping"}, {"default", "into"}),
        "bucketize": ({"column", "edges"}, {"into", "labels"}),
        "clip": ({"column"}, {"min", "max"}),
    }

    def _apply_dict(self, step: Mapping[str, Any]) -> None:
        where = self._where(step.get("op", "?") if isinstance(step, Mapping) else "?")
        if not isinstance(step, Mapping) or step.get("op") not in OPS:
            op = step.get("op") if isinstance(step, Mapping) else step
            raise SpecError(f"{where}: unknown op {op!r} (known: {', '.join(OPS)})")
        op = step["op"]
        required, optional = self._PARAMS[op]
        keys = set(step) - {"op"}
        if not required <= keys or not keys <= required | optional:
            raise SpecError(f"{where}: {op} takes {sorted(required)} and optionally "
                            f"{sorted(optional)}, got {sorted(keys)}")
        args = {k: v for k, v in step.items() if k != "op"}
        if op == "rename":
            self.rename(args["from"], args["to"])
        elif op == "drop":
            self.drop(args["columns"])
        else:
            getattr(self, op)(**args)

    def _add(self, step: Dict[str, Any], makes: Sequence[str] = ()) -> "Spec":
        self._steps.append(step)
        for name in makes:
            if name not in self._columns:
                self._columns.append(name)
        return self

    def _need(self, names: Iterable[str], op: str, column: str) -> None:
        for n in names:
            if not isinstance(n, str) or n not in self._columns:
                raise self._error(op, column, f"column {n!r} does not exist here "
                                  f"(the working row has {self._columns})")

    def _where(self, op: str, column: str = "") -> str:
        step = f"step {len(self._steps) + 1} ({op}"
        return step + (f" {column})" if column else ")")

    def _error(self, op: str, column: str, what: str) -> SpecError:
        return SpecError(f"{self._where(op, column)}: {what}")


def _normalise_inputs(inputs: InputsLike) -> List[Dict[str, Any]]:
    if isinstance(inputs, Mapping):
        items: List[Any] = [{"name": k, "type": v} for k, v in inputs.items()]
    else:
        items = [({"name": i[0], "type": i[1]} if isinstance(i, (tuple, list)) else dict(i))
                 for i in inputs]
    out, seen = [], set()
    for k, item in enumerate(items, 1):
        where = f"input {k}"
        name = _name(item.get("name"), where)
        if name in seen:
            raise SpecError(f"{where}: duplicate input name {name!r}")
        seen.add(name)
        kind = item.get("type")
        if kind not in INPUT_TYPES:
            raise SpecError(f"{where} ({name}): type {kind!r} is not one of {INPUT_TYPES}")
        extra = set(item) - {"name", "type", "unit"}
        if extra:
            raise SpecError(f"{where} ({name}): unknown keys {sorted(extra)}")
        if "unit" in item:
            if kind != "timestamp" or item["unit"] not in TIMESTAMP_UNITS:
                raise SpecError(f"{where} ({name}): unit is for timestamps, one of {TIMESTAMP_UNITS}")
        out.append({k: item[k] for k in ("name", "type", "unit") if k in item})
    return out


def _name(name: Any, where: str) -> str:
    if not isinstance(name, str) or not name:
        raise SpecError(f"{where}: a column name must be a non-empty string, got {name!r}")
    return name


def _flatten(columns: Sequence[Any]) -> List[str]:
    out: List[str] = []
    for c in columns:
        out.extend([c] if isinstance(c, str) else list(c))
    return out


def _finite(x: Any, where: str, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(float(x)):
        try:                                     # numpy scalars
            x = float(x)
        except (TypeError, ValueError):
            raise SpecError(f"{where}: {what} must be finite numbers, got {x!r}") from None
        if not math.isfinite(x):
            raise SpecError(f"{where}: {what} must be finite numbers, got {x!r}")
    return float(x)


def _scalar(value: Any, where: str) -> Scalar:
    if isinstance(value, (str, bool)):
        return value
    return _finite(value, where, "value")
