"""`from_sklearn`: a fitted scikit-learn transformer as ae4j pipeline steps.

Each supported transformer becomes the steps that repeat its `transform` arithmetic on float64
inputs, operation for operation, so the core's IEEE evaluation gives sklearn's numbers bit for
bit (where numpy's and the core's libm agree on log/log1p; sqrt is exact):

| sklearn (fitted)                           | steps, per column x                               |
|--------------------------------------------|---------------------------------------------------|
| StandardScaler                             | derive x = (x - mean_) / scale_   (each part only if with_mean / with_std) |
| MinMaxScaler                               | derive x = x * scale_ + min_; clip to feature_range if clip=True |
| RobustScaler                               | derive x = (x - center_) / scale_ (with_centering / with_scaling) |
| SimpleImputer (mean/median/most_frequent/constant) | fill_missing x statistics_[j]            |
| FunctionTransformer(np.log1p / np.log / np.sqrt / None) | derive x = log1p(x) / log(x) / sqrt(x) / nothing |
| KBinsDiscretizer(encode="ordinal")         | bucketize x with bin_edges_[j] (numpy.searchsorted(edges[1:-1], x, "right")) |
| Pipeline                                   | its steps in order ("passthrough"/None: nothing)  |
| ColumnTransformer                          | per transformer: derive out = in (a copy, named like get_feature_names_out), then that transformer's steps on the copy; remainder "passthrough" copies, "drop" drops |

Anything else is refused with a `ConversionError` that names the class (subclasses too: they may
override `transform`).
"""

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ._expr import column, number
from ._spec import Spec

Steps = List[Dict[str, Any]]
_FUNCTIONS = {"log1p": "log1p", "log": "log", "sqrt": "sqrt"}


class ConversionError(ValueError):
    """A transformer (or a setting of one) that has no exact equivalent in the spec language."""


def from_sklearn(transformer: Any, input_names: Optional[Sequence[str]] = None,
                 output_names: Optional[Sequence[str]] = None,
                 inputs: Optional[Mapping[str, str]] = None) -> Spec:
    """Convert a fitted `ColumnTransformer`, `Pipeline` or single transformer into a `Spec`.

    input_names  the columns the transformer was fitted on, in order; defaults to its
                 `feature_names_in_` (set when it was fitted on a pandas DataFrame), and must
                 equal them if both exist.
    output_names names for the output columns, in sklearn's output order; by default a
                 ColumnTransformer's `get_feature_names_out()` naming ("{transformer}__{column}"
                 unless verbose_feature_names_out says otherwise), and for any other transformer
                 the input names (it transforms those columns in place).
    inputs       the spec's input types by name (default: "number" for every input name).

    The result's steps can be appended to a hand-written spec with `Spec.extend`:
    `Spec(inputs=raw).derive(...).extend(from_sklearn(ct))`.
    """
    if hasattr(transformer, "fit"):
        _check_fitted(transformer, _class_name(transformer))
    names = _input_names(transformer, input_names)
    types = dict(inputs or {})
    unknown = set(types) - set(names)
    if unknown:
        raise ConversionError(f"inputs names columns the transformer does not read: {sorted(unknown)}")
    spec = Spec(inputs=[(n, types.get(n, "number")) for n in names])
    steps, outs = _convert(transformer, names, output_names, top=True)
    if output_names is not None and list(output_names) != outs:
        raise ConversionError(f"output_names has {len(output_names)} names, the transformer "
                              f"makes {len(outs)} columns")
    spec.extend(steps)
    return spec


# ------------------------------------------------------------------------- dispatch
def _convert(est: Any, cols: List[str], outs: Optional[Sequence[str]], top: bool = False
             ) -> Tuple[Steps, List[str]]:
    """(steps, output columns) for `est` reading `cols`; `outs` = wanted output names or None."""
    kind = _class_name(est)
    if kind == "ColumnTransformer":
        return _column_transformer(est, cols, outs)
    if kind == "Pipeline":
        return _pipeline(est, cols, outs)
    if est is None or (isinstance(est, str) and est == "passthrough"):
        return _copies(cols, outs)
    handler = _ELEMENTWISE.get(kind)
    if handler is None:
        raise ConversionError(f"{kind} is not supported by ae4j.pipeline.from_sklearn (supported: "
                              f"{', '.join(sorted(_ELEMENTWISE))}, Pipeline, ColumnTransformer)")
    _check_fitted(est, kind)
    _check_width(est, kind, cols)
    steps, outs_ = _copies(cols, outs)
    for j, col in enumerate(outs_):
        steps += handler(est, j, col)
    return steps, outs_


def _copies(cols: List[str], outs: Optional[Sequence[str]]) -> Tuple[Steps, List[str]]:
    """Steps that copy `cols` to `outs` where the names differ (so inputs stay as they were)."""
    if outs is None:
        return [], list(cols)
    outs = list(outs)
    if len(outs) != len(cols):
        raise ConversionError(f"output_names has {len(outs)} names for {len(cols)} columns")
    return [{"op": "derive", "name": o, "expr": column(c)} for c, o in zip(cols, outs) if o != c], outs


def _pipeline(pipe: Any, cols: List[str], outs: Optional[Sequence[str]]) -> Tuple[Steps, List[str]]:
    steps: Steps = []
    parts = list(pipe.steps)
    for k, (_, est) in enumerate(parts):
        more, cols = _convert(est, cols, outs if k == len(parts) - 1 else None)
        steps += more
    if not parts:
        return _copies(cols, outs)
    return steps, cols


def _column_transformer(ct: Any, cols: List[str], outs: Optional[Sequence[str]]
                        ) -> Tuple[Steps, List[str]]:
    _check_fitted(ct, "ColumnTransformer", attr="transformers_")
    _check_width(ct, "ColumnTransformer", cols)
    branches = []          # (transformer name, estimator, input columns, output names)
    for name, est, _ in ct.transformers_:
        if isinstance(est, str) and est == "drop":
            continue
        picked = [cols[i] for i in _indices(ct, name, cols)]
        if not picked:
            continue
        if _class_name(est) == "ColumnTransformer":
            raise ConversionError(f"ColumnTransformer {name!r}: a ColumnTransformer inside a "
                                  "ColumnTransformer is not supported")
        branches.append((name, est, picked, [_prefixed(ct, name, c) for c in picked]))
    auto = [o for b in branches for o in b[3]]
    if outs is not None:
        outs = list(outs)
        if len(outs) != len(auto):
            raise ConversionError(f"output_names has {len(outs)} names, the ColumnTransformer "
                                  f"makes {len(auto)} columns")
        k = 0
        for b in branches:
            b[3][:] = outs[k:k + len(b[3])]
            k += len(b[3])
    _check_no_clobbering(branches)
    steps: Steps = []
    for name, est, picked, names_out in branches:
        passthrough = isinstance(est, str) and est == "passthrough"
        more = [] if passthrough else _convert(est, names_out, None)[0]
        steps += _copies(picked, names_out)[0] + more
    _check_names_agree(ct, auto)        # after the branches: an unsupported one is named first
    return steps, [o for b in branches for o in b[3]]


def _check_no_clobbering(branches) -> None:
    """An output column must not overwrite a column another branch still reads."""
    for name, _, picked, names_out in branches:
        for other_name, _, other_picked, _ in branches:
            if other_name == name:
                continue
            hit = set(names_out) & set(other_picked)
            if hit:
                raise ConversionError(f"transformer {name!r} would write column {sorted(hit)[0]!r}, "
                                      f"which transformer {other_name!r} reads: pass other output_names")


def _check_names_agree(ct: Any, auto: List[str]) -> None:
    """Our naming must be sklearn's own wherever sklearn can name the outputs (it cannot when a
    branch lacks get_feature_names_out, e.g. a FunctionTransformer without feature_names_out:
    then its pandas output has placeholder names, and output_names says what to call them).
    Fitted on an array, sklearn calls the inputs x0, x1, ...: then input_names rule."""
    if getattr(ct, "feature_names_in_", None) is None:
        return
    try:
        theirs = [str(n) for n in ct.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError, NotImplementedError):
        return
    if theirs != auto:
        raise ConversionError(f"internal: ColumnTransformer names its outputs {theirs}, "
                              f"ae4j computed {auto}")


def _prefixed(ct: Any, name: str, col: str) -> str:
    verbose = ct.verbose_feature_names_out
    if verbose is True:
        return f"{name}__{col}"
    if verbose is False:
        return col
    if isinstance(verbose, str):
        return verbose.format(transformer_name=name, feature_name=col)
    if callable(verbose):
        return str(verbose(name, col))
    raise ConversionError(f"verbose_feature_names_out={verbose!r} is not understood")


def _indices(ct: Any, name: str, cols: List[str]) -> List[int]:
    try:
        return list(ct._transformer_to_input_indices[name])   # resolved at fit, any selector
    except (AttributeError, KeyError):
        raise ConversionError("this ColumnTransformer has no resolved column indices "
                              "(scikit-learn >= 1.2 is needed)") from None


# ------------------------------------------------------------------------- elementwise
def _standard_scaler(est: Any, j: int, x: str) -> Steps:
    expr = column(x)
    if est.with_mean:
        expr = f"{expr} - {number(est.mean_[j])}"
    if est.with_std:
        expr = f"({expr}) / {number(est.scale_[j])}" if est.with_mean else f"{expr} / {number(est.scale_[j])}"
    return [] if expr == column(x) else [{"op": "derive", "name": x, "expr": expr}]


def _robust_scaler(est: Any, j: int, x: str) -> Steps:
    expr = column(x)
    if est.with_centering:
        expr = f"{expr} - {number(est.center_[j])}"
    if est.with_scaling:
        expr = f"({expr}) / {number(est.scale_[j])}" if est.with_centering else f"{expr} / {number(est.scale_[j])}"
    return [] if expr == column(x) else [{"op": "derive", "name": x, "expr": expr}]


def _min_max_scaler(est: Any, j: int, x: str) -> Steps:
    # sklearn: X *= scale_; X += min_; then np.clip(X, *feature_range) if clip
    steps: Steps = [{"op": "derive", "name": x,
                     "expr": f"{column(x)} * {number(est.scale_[j])} + {number(est.min_[j])}"}]
    if est.clip:
        lo, hi = est.feature_range
        steps.append({"op": "clip", "column": x, "min": float(lo), "max": float(hi)})
    return steps


def _simple_imputer(est: Any, j: int, x: str) -> Steps:
    if not _is_nan(est.missing_values):
        raise ConversionError(f"SimpleImputer(missing_values={est.missing_values!r}): only NaN "
                              "(a missing value) can be filled")
    if est.add_indicator:
        raise ConversionError("SimpleImputer(add_indicator=True) is not supported")
    if est.strategy not in ("mean", "median", "most_frequent", "constant"):
        raise ConversionError(f"SimpleImputer(strategy={est.strategy!r}) is not supported")
    value = est.statistics_[j]
    if isinstance(value, str):
        return [{"op": "fill_missing", "column": x, "value": value}]
    if _is_nan(value):
        raise ConversionError(f"SimpleImputer: column {x!r} had no value at fit, so sklearn drops "
                              "it from the output (keep_empty_features=False)")
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return [{"op": "fill_missing", "column": x, "value": bool(value)}]
    return [{"op": "fill_missing", "column": x, "value": float(value)}]


def _function_transformer(est: Any, j: int, x: str) -> Steps:
    if est.kw_args:
        raise ConversionError(f"FunctionTransformer(kw_args={est.kw_args!r}) is not supported")
    if est.func is None:
        return []
    fn = _numpy_ufunc_name(est.func)
    if fn not in _FUNCTIONS:
        raise ConversionError(f"FunctionTransformer(func={_describe(est.func)}) is not supported: "
                              "only np.log1p, np.log and np.sqrt (or None)")
    return [{"op": "derive", "name": x, "expr": f"{_FUNCTIONS[fn]}({column(x)})"}]


def _kbins(est: Any, j: int, x: str) -> Steps:
    if est.encode != "ordinal":
        raise ConversionError(f"KBinsDiscretizer(encode={est.encode!r}) is not supported: "
                              'only encode="ordinal"')
    if est.dtype is not None and str(getattr(est.dtype, "__name__", est.dtype)) not in ("float64",):
        raise ConversionError(f"KBinsDiscretizer(dtype={est.dtype!r}) is not supported: it "
                              "compares in that precision; use the default (float64)")
    return [{"op": "bucketize", "column": x, "edges": [float(e) for e in est.bin_edges_[j]]}]


_ELEMENTWISE: Dict[str, Callable[[Any, int, str], Steps]] = {
    "StandardScaler": _standard_scaler,
    "MinMaxScaler": _min_max_scaler,
    "RobustScaler": _robust_scaler,
    "SimpleImputer": _simple_imputer,
    "FunctionTransformer": _function_transformer,
    "KBinsDiscretizer": _kbins,
}
_MODULES = {
    "StandardScaler": "sklearn.preprocessing", "MinMaxScaler": "sklearn.preprocessing",
    "RobustScaler": "sklearn.preprocessing", "FunctionTransformer": "sklearn.preprocessing",
    "KBinsDiscretizer": "sklearn.preprocessing", "SimpleImputer": "sklearn.impute",
    "Pipeline": "sklearn.pipeline", "ColumnTransformer": "sklearn.compose",
}


# ------------------------------------------------------------------------- helpers
def _class_name(est: Any) -> str:
    """The sklearn class name if `est` is exactly that sklearn class, else its qualified name
    (so a subclass or a look-alike is refused under its own name)."""
    cls = type(est)
    name = cls.__name__
    if name in _MODULES and cls.__module__.startswith("sklearn."):
        import importlib
        public = getattr(importlib.import_module(_MODULES[name]), name, None)
        if public is cls:
            return name
    return name if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _check_fitted(est: Any, kind: str, attr: Optional[str] = None) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    try:
        check_is_fitted(est, attributes=[attr] if attr else None)
    except TypeError:                    # not an estimator: refused by name later
        return
    except NotFittedError:
        raise ConversionError(f"{kind} is not fitted: fit it first") from None


def _check_width(est: Any, kind: str, cols: List[str]) -> None:
    n = getattr(est, "n_features_in_", None)
    if n is not None and n != len(cols):
        raise ConversionError(f"{kind} was fitted on {n} columns, it gets {len(cols)}: {cols}")


def _input_names(est: Any, given: Optional[Sequence[str]]) -> List[str]:
    fitted = getattr(est, "feature_names_in_", None)
    if fitted is None and _class_name(est) == "Pipeline" and est.steps:
        fitted = getattr(est.steps[0][1], "feature_names_in_", None)
    fitted = None if fitted is None else [str(n) for n in fitted]
    if given is not None:
        given = [str(n) for n in given]
        if fitted is not None and fitted != given:
            raise ConversionError(f"input_names {given} differ from the fitted feature_names_in_ {fitted}")
        return given
    if fitted is None:
        raise ConversionError("the transformer was not fitted on a DataFrame: pass input_names")
    return fitted


def _numpy_ufunc_name(func: Any) -> Optional[str]:
    try:
        import numpy as np
    except ImportError:
        return None
    for name in _FUNCTIONS:
        if func is getattr(np, name):
            return name
    return None


def _describe(func: Any) -> str:
    module = getattr(func, "__module__", None) or ("numpy" if type(func).__name__ == "ufunc" else "")
    return f"{module}.{getattr(func, '__name__', repr(func))}".lstrip(".")


def _is_nan(v: Any) -> bool:
    try:
        return bool(v != v)
    except (TypeError, ValueError):     # pd.NA and friends: not NaN, so not fillable here
        return False
