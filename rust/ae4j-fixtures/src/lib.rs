//! The conformance fixtures made from real H2O 3.46.0.7 (`tests/fixtures`, see its README):
//! their format as Rust types, and the comparison rules every Rust suite applies to them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use ae4j_core::{Cell, ConvertOptions};
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::Value;

mod reference;
pub use reference::{
    load_decision_reference, load_exactness_floors, DecisionReference, ExactnessFloor, ReferenceRow,
};

/// Relative tolerance against genmodel and the H2O server.
pub const REL_TOL: f64 = 1e-9;
/// Absolute tolerance for values near zero (squared errors of tiny differences).
pub const ABS_TOL: f64 = 1e-14;

/// The genmodel option combinations each row was scored under.
pub const OPTION_KEYS: [&str; 4] = ["default", "unknown_to_na", "invalid_to_na", "both_to_na"];

pub fn options(key: &str) -> ConvertOptions {
    ConvertOptions {
        unknown_categorical_to_na: key == "unknown_to_na" || key == "both_to_na",
        invalid_number_to_na: key == "invalid_to_na" || key == "both_to_na",
    }
}

#[derive(Debug, Deserialize)]
pub struct Case {
    pub name: String,
    pub mojo: String,
    pub pojo: Option<String>,
    pub columns: Vec<String>,
    pub domains: Vec<Option<Vec<String>>>,
    pub slot_names: Vec<String>,
    pub rows: Vec<Row>,
}

impl Case {
    pub fn mojo_path(&self) -> PathBuf {
        fixtures_dir().join(&self.mojo)
    }
}

#[derive(Debug, Deserialize)]
pub struct Row {
    pub id: u64,
    pub kind: String,
    #[serde(default)]
    pub note: Option<String>,
    pub input: serde_json::Map<String, Value>,
    pub genmodel: BTreeMap<String, Outcome>,
    pub server: Option<ServerResult>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Outcome {
    Error { error: ErrorInfo },
    Scored(GenmodelResult),
}

#[derive(Debug, Deserialize)]
pub struct ErrorInfo {
    pub class: String,
    pub message: String,
}

impl ErrorInfo {
    pub fn simple_class(&self) -> &str {
        self.class.rsplit('.').next().unwrap_or(&self.class)
    }
}

#[derive(Debug, Deserialize)]
pub struct GenmodelResult {
    pub original: Vec<D>,
    pub reconstructed: Vec<D>,
    pub mse: D,
}

#[derive(Debug, Deserialize)]
pub struct ServerResult {
    pub mse: D,
    pub per_feature_se: Vec<D>,
    pub reconstruction: Vec<D>,
}

/// A fixture double: a JSON number, or "NaN" / "Infinity" / "-Infinity".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct D(pub f64);

impl<'de> Deserialize<'de> for D {
    fn deserialize<De: Deserializer<'de>>(d: De) -> Result<Self, De::Error> {
        match Value::deserialize(d)? {
            Value::Number(n) => n
                .as_f64()
                .map(D)
                .ok_or_else(|| de::Error::custom("bad number")),
            Value::String(s) => match s.as_str() {
                "NaN" => Ok(D(f64::NAN)),
                "Infinity" => Ok(D(f64::INFINITY)),
                "-Infinity" => Ok(D(f64::NEG_INFINITY)),
                other => Err(de::Error::custom(format!("not a double: {other}"))),
            },
            other => Err(de::Error::custom(format!("not a double: {other}"))),
        }
    }
}

pub fn doubles(v: &[D]) -> Vec<f64> {
    v.iter().map(|d| d.0).collect()
}

/// An input value as genmodel's RowData would hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A Java `null` value (genmodel: NullPointerException; ae4j: missing).
    Null,
    Double(f64),
    Text(String),
    /// Integer, Long, Float (genmodel rejects them; ae4j takes any Number).
    OtherNumber(String, f64),
    /// Boolean and other non-numbers.
    Other(String),
}

impl Input {
    pub fn from_json(v: &Value) -> Input {
        match v {
            Value::Null => Input::Null,
            Value::String(s) => Input::Text(s.clone()),
            Value::Number(n) => Input::Double(n.as_f64().unwrap_or(f64::NAN)),
            Value::Object(o) => {
                let java = o
                    .get("java")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                let value = match o.get("value") {
                    Some(Value::Number(n)) => n.as_f64(),
                    Some(Value::String(s)) => match s.as_str() {
                        "NaN" => Some(f64::NAN),
                        "Infinity" => Some(f64::INFINITY),
                        "-Infinity" => Some(f64::NEG_INFINITY),
                        _ => None,
                    },
                    _ => None,
                };
                match (java.as_str(), value) {
                    ("Double", Some(v)) => Input::Double(v),
                    ("Integer" | "Long" | "Float" | "Short" | "Byte", Some(v)) => {
                        Input::OtherNumber(format!("java.lang.{java}"), v)
                    }
                    _ => Input::Other(format!("java.lang.{java}")),
                }
            }
            other => Input::Other(format!("json {other}")),
        }
    }

    /// The core's view of the value, with ae4j's deliberate fixes (null = missing, any number).
    pub fn cell(&self) -> Cell<'_> {
        match self {
            Input::Null => Cell::Missing,
            Input::Double(v) => Cell::Number(*v),
            Input::OtherNumber(t, v) => Cell::TypedNumber(*v, t),
            Input::Text(s) => Cell::Text(s),
            Input::Other(t) => Cell::Other(t),
        }
    }
}

impl Row {
    pub fn inputs(&self) -> Vec<(String, Input)> {
        self.input
            .iter()
            .map(|(k, v)| (k.clone(), Input::from_json(v)))
            .collect()
    }

    /// genmodel's error is one of ae4j's deliberate fixes: a null value, or a non-Double number.
    pub fn is_deliberate_fix(&self, error: &ErrorInfo) -> bool {
        let inputs = self.inputs();
        match error.simple_class() {
            "NullPointerException" => inputs.iter().any(|(_, v)| *v == Input::Null),
            "PredictUnknownTypeException" => inputs.iter().any(|(col, v)| {
                matches!(v, Input::OtherNumber(..))
                    && error.message.ends_with(&format!("numeric column {col}"))
            }),
            _ => false,
        }
    }
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// Every case file; panics when there are none, so a missing fixture set fails loudly.
pub fn load_cases() -> Vec<Case> {
    let dir = fixtures_dir().join("cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no fixture cases in {}", dir.display());
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

/// Counts how close a suite came: values compared, bit-identical ones, worst relative gap.
#[derive(Debug, Default)]
pub struct Tally {
    pub compared: u64,
    pub identical: u64,
    pub worst_rel: f64,
    pub failures: Vec<String>,
}

impl Tally {
    /// Compares `actual` with `expected` (NaN equals NaN); records a failure with `what`.
    pub fn check(&mut self, what: impl fmt::Display, actual: f64, expected: f64) {
        self.compared += 1;
        if actual.to_bits() == expected.to_bits() || (actual.is_nan() && expected.is_nan()) {
            self.identical += 1;
            return;
        }
        let diff = (actual - expected).abs();
        let scale = actual.abs().max(expected.abs());
        let rel = if scale > 0.0 { diff / scale } else { 0.0 };
        if diff <= ABS_TOL || rel <= REL_TOL {
            if scale > ABS_TOL {
                self.worst_rel = self.worst_rel.max(rel);
            }
            return;
        }
        if self.failures.len() < 50 {
            self.failures.push(format!(
                "{what}: got {actual:e}, expected {expected:e} (rel {rel:.3e})"
            ));
        }
    }

    pub fn check_all(&mut self, what: impl fmt::Display, actual: &[f64], expected: &[f64]) {
        if actual.len() != expected.len() {
            self.fail(format!(
                "{what}: {} values, expected {}",
                actual.len(),
                expected.len()
            ));
            return;
        }
        for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
            self.check(format_args!("{what}[{i}]"), *a, *e);
        }
    }

    pub fn fail(&mut self, message: String) {
        if self.failures.len() < 50 {
            self.failures.push(message);
        }
        self.compared += 1;
    }

    pub fn summary(&self) -> String {
        format!(
            "{} values compared, {} bit-identical ({:.2}%), worst relative gap {:.2e}",
            self.compared,
            self.identical,
            100.0 * self.identical as f64 / self.compared.max(1) as f64,
            self.worst_rel
        )
    }

    /// Panics listing the failures, if any.
    pub fn assert_ok(&self, suite: &str) {
        assert!(self.compared > 0, "{suite}: nothing was compared");
        assert!(
            self.failures.is_empty(),
            "{suite}: {} mismatches:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

/// The H2O server's deep features for one model (`tests/fixtures/deepfeatures/<name>.json`):
/// `model.deepfeatures(frame, L)` for every hidden layer, on the case's server rows.
#[derive(Debug, Deserialize)]
pub struct DeepFeatureCase {
    pub name: String,
    pub mojo: String,
    pub hidden_layers: Vec<HiddenLayer>,
    pub out_of_range: OutOfRange,
    pub rows: Vec<DeepFeatureRow>,
}

impl DeepFeatureCase {
    pub fn mojo_path(&self) -> PathBuf {
        fixtures_dir().join(&self.mojo)
    }
}

#[derive(Debug, Deserialize)]
pub struct HiddenLayer {
    pub layer: usize,
    /// H2O's column names, `DF.L<layer+1>.C<unit+1>`.
    pub columns: Vec<String>,
}

/// The first layer number H2O refuses, and its message.
#[derive(Debug, Deserialize)]
pub struct OutOfRange {
    pub layer: usize,
    pub h2o_error: String,
}

#[derive(Debug, Deserialize)]
pub struct DeepFeatureRow {
    /// The row's id in `cases/<name>.json`.
    pub id: u64,
    /// Per hidden layer, its units; `None` where the case's `server` is `None`.
    pub deep_features: Option<Vec<Vec<D>>>,
}

/// The deep features of the case called `name`; panics when the file is missing.
pub fn load_deep_features(name: &str) -> DeepFeatureCase {
    let path = fixtures_dir()
        .join("deepfeatures")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every case with its deep features, in file order; panics when a case has none.
pub fn load_cases_with_deep_features() -> Vec<(Case, DeepFeatureCase)> {
    load_cases()
        .into_iter()
        .map(|case| {
            let deep = load_deep_features(&case.name);
            assert_eq!(deep.rows.len(), case.rows.len(), "{}: rows", case.name);
            (case, deep)
        })
        .collect()
}

/// A case row as the H2O server saw it: ae4j's conversion with unknown levels and invalid
/// numbers read as missing (the fixtures' lenient reading), as a raw row in model order.
pub fn server_raw(model: &ae4j_core::Model, row: &Row) -> Result<Vec<f64>, ae4j_core::RowError> {
    let inputs = row.inputs();
    let cells: Vec<(&str, Cell)> = inputs.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
    let mut raw = vec![f64::NAN; model.n_features()];
    model.convert_row(&cells, options("both_to_na"), &mut raw)?;
    Ok(raw)
}
