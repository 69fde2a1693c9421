"""The Rust extension behind ae4j (private: use the ae4j module)."""

from typing import Any, Dict, List, Optional, Sequence, Tuple

class ModelError(ValueError):
    """A model file that cannot be read as an H2O deep-learning autoencoder."""

# A column: (name, layers); a layer: ("value" | "type", an object with __arrow_c_array__ of
# type float64, large_string, bool or null). A cell is the first layer's non-null value.
Columns = Sequence[Tuple[str, Sequence[Tuple[str, Any]]]]

class NativeModel:
    """A loaded model with its calibration and its file's bytes."""
    @staticmethod
    def load_path(path: str) -> "NativeModel":
        """Loads a MOJO zip or directory or a POJO source, with its calibration."""
    @staticmethod
    def load_bytes(bytes: bytes, name: str) -> "NativeModel":
        """Loads a MOJO zip's or POJO source's bytes."""
    columns: List[str]
    domains: List[Optional[List[str]]]
    slot_names: List[str]
    layer_sizes: List[int]
    activation: str
    format: str
    fingerprint: str
    calibration_json: Optional[str]
    pipeline: Optional["NativePipeline"]
    def score(
        self,
        columns: Columns,
        rows: int,
        *,
        per_feature: bool,
        reconstruction: bool,
        unknown_to_na: bool,
        invalid_to_na: bool,
        threshold: Optional[float],
        explain: int,
        deep_features: Sequence[int],
        record_errors: bool,
    ) -> Dict[str, Any]:
        """Scores every row with the GIL released, on every core (the core's
        Scorer::score_batch). Returns ``groups``: the core score table's column groups in order,
        ``[(tag, names)]`` with tag one of mse, decision, per_feature, reconstruction,
        explanation, deep_features, error; little-endian buffers: mse, squared_errors,
        reconstruction, deep_features (f64, row-major), percentile, top_shares (f64), anomaly
        (u8: 0, 1, 2 = failed row), top_columns (i32, -1 = none); and failures:
        ``[(row, exception, column, message, text)]`` (text: the ``error`` cell). Raises
        ValueError for a hidden layer the model lacks, naming the valid range."""
    def calibrate(
        self,
        columns: Columns,
        rows: int,
        *,
        quantile: float,
        unknown_to_na: bool,
        invalid_to_na: bool,
        created: str,
    ) -> "NativeModel":
        """A copy calibrated on the rows (bad rows left out and counted)."""
    def save(self, path: str) -> None:
        """Writes the model with its calibration as `ae4j calibrate` does."""

class NativePipeline:
    """A compiled pipeline spec (ae4j_core::pipeline::Pipeline)."""
    @staticmethod
    def from_json(text: str, origin: str) -> "NativePipeline":
        """Parses and compiles a spec; ValueError naming step, column and character."""
    def to_json(self) -> str: ...
    inputs: List[Tuple[str, str]]
    outputs: List[Tuple[str, str]]
    def apply(self, columns: Columns, rows: int) -> Dict[str, Any]:
        """Transformed rows, GIL released: {names, types, numbers: {name: f64 bytes}, texts:
        {name: [str | None]}, failures: [(row, exception, column, message, text)]}."""
    def attach(self, model_path: str, out: str) -> None:
        """Writes a copy of the model with the pipeline, as `ae4j pipeline attach` does."""
