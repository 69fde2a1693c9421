//! Expectations made outside ae4j and committed beside the fixtures: the numpy reference for
//! anomaly decisions (`tests/fixtures/decisions`, by `tests/generate/decisions_reference.py`)
//! and the exactness floors the README states (`tests/fixtures/exactness.json`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::fixtures_dir;

/// One model's decisions as numpy computes them from the H2O server's recorded values.
#[derive(Debug, Deserialize)]
pub struct DecisionReference {
    pub model: String,
    pub calibration: ReferenceCalibration,
    pub rows: Vec<ReferenceRow>,
}

#[derive(Debug, Deserialize)]
pub struct ReferenceCalibration {
    pub rows: u64,
    pub quantile: f64,
    pub threshold: f64,
    pub distribution: Vec<f64>,
}

#[derive(Debug, Deserialize)]
pub struct ReferenceRow {
    pub id: u64,
    /// The server's MSE (NaN where H2O's is).
    pub mse: crate::D,
    pub anomaly: bool,
    /// `None` for a NaN MSE.
    pub percentile: Option<f64>,
    /// Every input column with its share of the row's squared error, largest first.
    pub explanation: Vec<(String, f64)>,
}

/// The reference for `model`; panics when it is missing, so a lost file fails loudly.
pub fn load_decision_reference(model: &str) -> DecisionReference {
    let path = fixtures_dir()
        .join("decisions")
        .join(format!("{model}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run tests/generate/decisions_reference.py)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// How exact a model's scores must stay against genmodel and the server.
#[derive(Debug, Deserialize)]
pub struct ExactnessFloor {
    /// Values compared by the conformance suite (a change means the suite changed: update).
    pub compared: u64,
    /// Bit-identical values: at least this many.
    pub min_identical: u64,
    /// Worst relative gap: at most this.
    pub max_relative_gap: f64,
}

/// `tests/fixtures/exactness.json`: per model, and `all` for the whole fixture set.
pub fn load_exactness_floors() -> BTreeMap<String, ExactnessFloor> {
    let path = fixtures_dir().join("exactness.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    #[derive(Deserialize)]
    struct File {
        models: BTreeMap<String, ExactnessFloor>,
    }
    let file: File =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.models
}
