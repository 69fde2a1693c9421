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
        stop_at_error: bool,
    ) -> Dict[str, Any]:
        """Scores with the GIL released. Returns little-endian buffers: mse, squared_errors,
        reconstruction, percentile, top_shares (f64), anomaly (u8: 0, 1, 2 = failed row),
        top_columns (i32, -1 = none), and failures: [(row, exception, column, message)]."""
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
