"""ae4j: exact, fast scoring of H2O deep-learning autoencoders (MOJO or POJO) in pandas, Polars
or Arrow, with no JVM and no H2O cluster.

>>> import ae4j
>>> model = ae4j.load("model.zip")
>>> scores = model.score(df)            # a DataFrame with Reconstruction.MSE, ...

The numbers are h2o-genmodel's (and the H2O server's finite MSE where genmodel's is NaN), from
the same Rust core as ae4j's CLI, service, Java and Spark packages.
"""

from ._errors import (
    ModelError,
    PipelineError,
    PredictError,
    PredictNumberFormatError,
    PredictUnknownCategoricalLevelError,
    PredictUnknownTypeError,
)
from ._h2o import mojo_predict_pandas
from ._model import Model, calibrate, load
from ._pipeline import Pipeline

__all__ = [
    "load",
    "calibrate",
    "mojo_predict_pandas",
    "Model",
    "Pipeline",
    "ModelError",
    "PredictError",
    "PredictUnknownCategoricalLevelError",
    "PredictNumberFormatError",
    "PredictUnknownTypeError",
    "PipelineError",
]
