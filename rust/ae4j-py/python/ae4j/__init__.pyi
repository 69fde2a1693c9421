"""Type stubs for ae4j: exact, fast scoring of H2O deep-learning autoencoders."""

import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

PathLike = Union[str, "os.PathLike[str]"]

class ModelError(ValueError):
    """A model file that cannot be read as an H2O deep-learning autoencoder."""

class PredictError(ValueError):
    """A row genmodel's EasyPredictModelWrapper would reject."""
    row: int
    label: Any
    column: str
    exception: str
    message: str
    def __init__(self, row: int, label: Any, column: str, exception: str, message: str) -> None: ...

class PredictUnknownCategoricalLevelError(PredictError):
    """An unknown categorical level (genmodel's PredictUnknownCategoricalLevelException)."""

class PredictNumberFormatError(PredictError):
    """Text that Double.parseDouble refuses (genmodel's PredictNumberFormatException)."""

class PredictUnknownTypeError(PredictError):
    """A value of a type genmodel does not take (genmodel's PredictUnknownTypeException)."""

class PipelineError(PredictError):
    """A raw row the model's pipeline cannot transform (PipelineException), naming the step."""

class Model:
    """An H2O deep-learning autoencoder, loaded with ae4j.load; thread-safe."""
    @property
    def columns(self) -> List[str]:
        """The model's input columns, in model order."""
    @property
    def domains(self) -> List[Optional[List[str]]]:
        """Each column's levels, or None for a numeric column."""
    @property
    def slot_names(self) -> List[str]:
        """The expanded input slots, as H2O names the reconstruction columns."""
    @property
    def layer_sizes(self) -> List[int]:
        """Units per layer, input to output."""
    @property
    def activation(self) -> str:
        """H2O's name of the activation."""
    @property
    def calibration(self) -> Optional[Dict[str, Any]]:
        """The stored calibration, or None."""
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
        """Scores every row of a pandas/Polars DataFrame, pyarrow Table/RecordBatch, dict of
        columns, list of dicts or 2-D numpy array; returns a DataFrame of the input's kind.
        ``deep_features``: hidden layers (0-based) whose activations to add as H2O's
        ``DF.L<layer+1>.C<unit>`` columns, after every other score column (ValueError naming
        the valid range for a layer the model lacks)."""
    def save(self, path: PathLike) -> None:
        """Writes the model with its calibration, as `ae4j calibrate` does."""
    @property
    def pipeline(self) -> Optional["Pipeline"]:
        """The preprocessing stored with the model, or None; with one, score() takes raw columns."""

class Pipeline:
    """A preprocessing spec compiled and evaluated by the core (issue #22)."""
    @classmethod
    def load(cls, source: Any) -> "Pipeline":
        """From a spec file, JSON text, a dict, an ae4j.pipeline.Spec, or a model that has one."""
    @property
    def inputs(self) -> List[Tuple[str, str]]:
        """The raw input schema: (name, type)."""
    @property
    def outputs(self) -> List[Tuple[str, str]]:
        """The columns after the last step: (name, type)."""
    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def apply(self, data: Any, on_error: str = "raise") -> Any:
        """The transformed rows of data, as the model gets them, as a DataFrame of its kind."""
    def attach(self, model_path: PathLike, out: PathLike) -> None:
        """Writes a copy of the model with this pipeline, as `ae4j pipeline attach` does."""

def load(source: Union[PathLike, bytes, bytearray, memoryview]) -> Model:
    """Loads a MOJO zip or directory, a POJO .java source, or the bytes of either."""

def calibrate(
    model: Model,
    normal_data: Any,
    quantile: float = 0.99,
    convert_unknown_categoricals_to_na: bool = False,
    convert_invalid_numbers_to_na: bool = False,
) -> Model:
    """A copy of model calibrated on normal rows (threshold = the quantile of their MSE)."""

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
    """h2o.mojo_predict_pandas for autoencoder MOJOs, with no JVM: the reconstr_<slot> columns."""
