//! The pipeline spec as it is written (JSON, version 1): the raw inputs and the ordered steps.
//! These types are the serde view only; [`super::Pipeline`] compiles them (types, slots).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The spec version this ae4j reads and writes.
pub const SPEC_VERSION: u32 = 1;

/// A whole spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The spec version ([`SPEC_VERSION`]).
    pub ae4j_pipeline: u32,
    /// The model it was attached to ([`crate::calibration::fingerprint`]); optional by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_fingerprint: Option<String>,
    /// The raw input schema, in order.
    pub inputs: Vec<Input>,
    /// What is done to the working row, in order.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// One raw input column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: InputType,
    /// For a timestamp given as a number: seconds (the default) or milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<TimeUnit>,
}

/// The type of a raw input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputType {
    Number,
    String,
    /// ISO-8601 text (with an offset or `Z`; naive = UTC), or a number of epoch seconds/millis.
    Timestamp,
    /// `true`/`false` in any case, or `1`/`0`.
    Boolean,
}

/// The unit of a timestamp given as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TimeUnit {
    #[default]
    #[serde(rename = "s")]
    Seconds,
    #[serde(rename = "ms")]
    Millis,
}

/// One step of the pipeline. `into` (where a step has it) writes the result to another column,
/// leaving the original as it was; without it the column is changed in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// A column computed by an expression (a new one, or replacing one of that name).
    Derive {
        name: String,
        expr: String,
    },
    Rename {
        from: String,
        to: String,
    },
    Drop {
        columns: Vec<String>,
    },
    /// A missing value of `column` becomes `value` (of the column's type).
    FillMissing {
        column: String,
        value: serde_json::Value,
    },
    /// Text levels mapped to others; unmapped levels become `default` (kept without one).
    Map {
        column: String,
        mapping: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        into: Option<String>,
    },
    /// The bin of a number: how many interior edges are `<=` it (or the bin's label).
    Bucketize {
        column: String,
        edges: Vec<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        labels: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        into: Option<String>,
    },
    /// A number limited to `[min, max]` (either bound optional).
    Clip {
        column: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        into: Option<String>,
    },
}

impl Step {
    /// The op's name as written in the spec.
    pub fn op(&self) -> &'static str {
        match self {
            Step::Derive { .. } => "derive",
            Step::Rename { .. } => "rename",
            Step::Drop { .. } => "drop",
            Step::FillMissing { .. } => "fill_missing",
            Step::Map { .. } => "map",
            Step::Bucketize { .. } => "bucketize",
            Step::Clip { .. } => "clip",
        }
    }

    /// The column a step writes (its name in messages: `step 3 (derive log_amount)`).
    pub fn target(&self) -> String {
        match self {
            Step::Derive { name, .. } => name.clone(),
            Step::Rename { to, .. } => to.clone(),
            Step::Drop { columns } => columns.join(","),
            Step::FillMissing { column, .. } => column.clone(),
            Step::Map { column, into, .. }
            | Step::Bucketize { column, into, .. }
            | Step::Clip { column, into, .. } => into.clone().unwrap_or_else(|| column.clone()),
        }
    }
}
