"""Preprocessing that travels with the model: author ae4j pipeline specs in Python.

>>> from ae4j.pipeline import Spec, from_sklearn
>>> spec = (Spec(inputs={"ts": "timestamp", "amount": "number", "balance": "number"})
...         .derive("hour", "hour(ts)")
...         .derive("ratio", "amount / balance")
...         .extend(from_sklearn(fitted_column_transformer)))
>>> spec.save("model.ae4j-pipeline.json")      # or: ae4j pipeline attach model.zip spec.json

`Spec` builds the JSON document (version 1) that the core (`ae4j_core::pipeline`) evaluates on
every route; `from_sklearn` turns a fitted scikit-learn ColumnTransformer / Pipeline of
StandardScaler, MinMaxScaler, RobustScaler, SimpleImputer, FunctionTransformer(np.log1p /
np.log / np.sqrt) and KBinsDiscretizer(encode="ordinal") into steps with the same float64
arithmetic. This subpackage is pure Python: it needs neither the native extension nor sklearn
(except to convert a sklearn object).
"""

from ._expr import ExpressionError, column, number
from ._sklearn import ConversionError, from_sklearn
from ._spec import INPUT_TYPES, OPS, VERSION, Spec, SpecError

__all__ = [
    "Spec",
    "from_sklearn",
    "SpecError",
    "ConversionError",
    "ExpressionError",
    "column",
    "number",
    "INPUT_TYPES",
    "OPS",
    "VERSION",
]
