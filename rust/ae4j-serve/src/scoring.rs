//! The service's rows for the core's row path ([`ae4j_core::scorer`]): rows as they arrived
//! (JSON records, a dataframe split, CSV records, tensors) adapted as a [`RowSource`]; the core
//! converts them with genmodel's rules, scores, decides and explains.

use ae4j_core::scorer::{
    Conversion, Header, NamedCells, Outputs, PositionalRow, RowSource, ScoreOptions, Scorer,
};
use ae4j_core::{Cell, ConvertOptions, DeepFeatures, Model, RowError};
use serde_json::{Map, Value};

use crate::models::Served;

pub use ae4j_core::scorer::{BatchScores as Outcome, RowFailure};

/// What to compute besides the MSE, and how to read values.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub per_feature: bool,
    pub reconstruction: bool,
    pub convert: ConvertOptions,
    /// A threshold given at run time, instead of the calibrated one (or without a calibration).
    pub threshold: Option<f64>,
    /// The columns with the largest shares of each row's error to name (0: none).
    pub explain: usize,
    /// The hidden layer whose activations (H2O's deep features) each row also gets, checked
    /// against the model with [`deep_features_layer`].
    pub deep_features_layer: Option<usize>,
}

/// The request's `deep_features_layer` checked against `model`: an error naming the valid
/// range for a layer the model lacks.
pub fn deep_features_layer(model: &Model, layer: Option<i64>) -> Result<Option<usize>, String> {
    match layer {
        None => Ok(None),
        Some(l) => {
            let features = model.deep_features(&[l]).map_err(|e| e.to_string())?;
            Ok(features.layers().first().copied())
        }
    }
}

/// The layer choice of `options` for `model` (none when not asked for, or not this model's).
pub(crate) fn chosen_features(model: &Model, options: Options) -> DeepFeatures {
    options
        .deep_features_layer
        .and_then(|l| model.deep_features(&[l as i64]).ok())
        .unwrap_or_else(DeepFeatures::none)
}

/// Input rows, kept as they arrived until a worker converts them.
pub enum Rows {
    /// JSON objects `{"col": value}` (native API, MLflow `dataframe_records`).
    Records(Vec<Map<String, Value>>),
    /// MLflow `dataframe_split`: column names and rows of values in that order.
    Split {
        columns: Vec<String>,
        data: Vec<Vec<Value>>,
    },
    /// CSV records under a header; CSV missing-value tokens are missing.
    Csv {
        header: Vec<String>,
        records: Vec<csv::StringRecord>,
    },
    /// Column tensors (Open Inference Protocol), each `n` long.
    Columns { n: usize, columns: Vec<Column> },
}

/// One column's values for every row.
pub struct Column {
    pub name: String,
    pub values: ColumnValues,
}

pub enum ColumnValues {
    /// Numbers (NaN or `None`: missing).
    Numbers(Vec<Option<f64>>),
    /// Texts (`None`: missing).
    Texts(Vec<Option<String>>),
    /// Level indices of a categorical column (NaN: missing), from a `[n, columns]` matrix.
    Levels(Vec<f64>),
    /// Booleans (`None`: missing), for a pipeline's boolean input.
    Bools(Vec<Option<bool>>),
}

/// A run-time threshold must be a finite number.
pub fn check_threshold(t: Option<f64>) -> Result<Option<f64>, String> {
    match t {
        Some(v) if !v.is_finite() => Err(format!("threshold must be a finite number, not {v}")),
        t => Ok(t),
    }
}

/// A JSON value as RowData holds it: numbers are Doubles, strings Strings, null missing;
/// other JSON types are refused with genmodel's unknown-type error naming the JSON type.
pub fn json_cell(v: &Value) -> Cell<'_> {
    match v {
        Value::Null => Cell::Missing,
        Value::Number(n) => Cell::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => Cell::Text(s),
        Value::Bool(_) => Cell::Other("boolean"),
        Value::Array(_) => Cell::Other("array"),
        Value::Object(_) => Cell::Other("object"),
    }
}

/// A JSON value as a pipeline's raw input cell: as [`json_cell`], except that a boolean is one
/// (the text the pipeline's boolean inputs read), since raw inputs have a boolean type.
pub fn raw_json_cell(v: &Value) -> Cell<'_> {
    match v {
        Value::Bool(b) => bool_cell(*b),
        v => json_cell(v),
    }
}

/// A boolean as the cell a pipeline's boolean input reads (`true`/`false`).
fn bool_cell(b: bool) -> Cell<'static> {
    Cell::Text(if b { "true" } else { "false" })
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Records(r) => r.len(),
            Rows::Split { data, .. } => data.len(),
            Rows::Csv { records, .. } => records.len(),
            Rows::Columns { n, .. } => *n,
        }
    }

    /// Row `i`'s named cells, in the order genmodel's RowData would have been filled; with
    /// `raw_inputs` (the model has a pipeline) JSON booleans are cells too.
    fn cells<'a>(
        &'a self,
        i: usize,
        model: &'a Model,
        options: ConvertOptions,
        raw_inputs: bool,
        out: &mut NamedCells<'a>,
    ) -> Result<(), RowFailure> {
        let cell = if raw_inputs { raw_json_cell } else { json_cell };
        match self {
            Rows::Records(records) => {
                out.extend(records[i].iter().map(|(k, v)| (k.as_str(), cell(v))));
            }
            Rows::Split { columns, data } => {
                let row = &data[i];
                if row.len() != columns.len() {
                    return Err(malformed(format!(
                        "the row has {} values, `columns` names {}",
                        row.len(),
                        columns.len()
                    )));
                }
                out.extend(columns.iter().map(String::as_str).zip(row.iter().map(cell)));
            }
            // CSV rows are converted by position (`MappedCsv`), never by name.
            Rows::Csv { .. } => {
                return Err(malformed("CSV rows are scored through MappedCsv".into()))
            }
            Rows::Columns { columns, .. } => {
                for c in columns {
                    let cell = match &c.values {
                        ColumnValues::Numbers(v) => match v[i] {
                            Some(x) if !x.is_nan() => Cell::Number(x),
                            _ => continue,
                        },
                        ColumnValues::Texts(v) => match &v[i] {
                            Some(s) => Cell::Text(s),
                            None => continue,
                        },
                        ColumnValues::Bools(v) => match v[i] {
                            Some(b) => bool_cell(b),
                            None => continue,
                        },
                        ColumnValues::Levels(v) => {
                            let x = v[i];
                            if x.is_nan() {
                                continue;
                            }
                            match level_name(model, &c.name, x) {
                                Some(level) => Cell::Text(level),
                                None if options.unknown_categorical_to_na => continue,
                                None => {
                                    return Err(RowError::UnknownCategoricalLevel {
                                        column: c.name.clone(),
                                        level: format!("level index {x}"),
                                    }
                                    .into())
                                }
                            }
                        }
                    };
                    out.push((c.name.as_str(), cell));
                }
            }
        }
        Ok(())
    }
}

/// The level a categorical level index names, if it is a whole number in the domain.
fn level_name<'m>(model: &'m Model, column: &str, index: f64) -> Option<&'m str> {
    let f = model.column_index(column)?;
    let domain = model.columns()[f].domain.as_ref()?;
    if index.fract() != 0.0 || index < 0.0 || index >= domain.len() as f64 {
        return None;
    }
    domain.get(index as usize).map(String::as_str)
}

fn malformed(message: String) -> RowFailure {
    RowFailure::malformed(message)
}

/// A CSV record, cell by cell by position (all text: a `StringRecord` is UTF-8).
struct CsvRecord<'r>(&'r csv::StringRecord);

impl PositionalRow for CsvRecord<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn cell(&self, pos: usize) -> Result<Cell<'_>, RowFailure> {
        Ok(ae4j_core::convert::csv_cell(&self.0[pos]))
    }
}

/// Named rows (every form but CSV), read as a model's columns or as its pipeline's raw inputs.
struct NamedRows<'r> {
    rows: &'r Rows,
    raw_inputs: bool,
}

impl RowSource for NamedRows<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn convert(&self, i: usize, conversion: &mut Conversion<'_>) -> Result<(), RowFailure> {
        let (model, options) = (conversion.model(), conversion.options());
        conversion.named(|out| self.rows.cells(i, model, options, self.raw_inputs, out))
    }
}

/// CSV records with their header matched to the model once, converted by position as
/// PredictCsv does (a missing cell is not in the RowData), as `ae4j predict` converts them.
struct MappedCsv<'r> {
    header: Header,
    records: &'r [csv::StringRecord],
}

impl RowSource for MappedCsv<'_> {
    fn len(&self) -> usize {
        self.records.len()
    }

    fn convert(&self, i: usize, conversion: &mut Conversion<'_>) -> Result<(), RowFailure> {
        conversion.positional(&self.header, &CsvRecord(&self.records[i]))
    }
}

/// Converts (through the model's pipeline, if it has one) and scores every row, and decides on
/// each with the model's calibration and/or the run-time threshold. CPU-bound: call it off the
/// async runtime for large inputs.
pub fn score(served: &Served, rows: &Rows, options: Options) -> Outcome {
    let model: &Model = &served.model;
    let features = chosen_features(model, options);
    let scorer = Scorer::new(
        model,
        served.calibration.as_deref(),
        ScoreOptions {
            convert: options.convert,
            threshold: options.threshold,
            outputs: Outputs {
                per_feature: options.per_feature,
                reconstruction: options.reconstruction,
                explain: options.explain,
            },
        },
    )
    .with_deep_features(&features);
    let scorer = match served.pipeline.as_deref() {
        Some(p) => scorer.with_pipeline(p),
        None => scorer,
    };
    match rows {
        Rows::Csv { header, records } => scorer.score_batch(&MappedCsv {
            header: Header::new(model, header.clone()),
            records,
        }),
        rows => scorer.score_batch(&NamedRows {
            rows,
            raw_inputs: served.pipeline.is_some(),
        }),
    }
}

/// H2O's names for the per-feature columns (`reconstr_<slot>.SE`) and the reconstruction
/// columns (`reconstr_<slot>`), from the core's score table.
pub fn column_names(model: &Model) -> (Vec<String>, Vec<String>) {
    (
        ae4j_core::table::se_columns(model),
        ae4j_core::table::reconstruction_columns(model),
    )
}
