//! The one scoring path under every protocol: rows as they arrived (JSON records, a
//! dataframe split, CSV records, tensors) → genmodel's RowData conversion → the core's scores.

use ae4j_core::calibration::{self, Calibration, Decision};
use ae4j_core::{Cell, ConvertOptions, DeepFeatures, Model, RowError, Scratch};
use rayon::prelude::*;
use serde_json::{Map, Value};

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
fn chosen_features(model: &Model, options: Options) -> DeepFeatures {
    options
        .deep_features_layer
        .and_then(|l| model.deep_features(&[l as i64]).ok())
        .unwrap_or_else(DeepFeatures::none)
}

/// H2O's names of the deep-feature columns `options` asks for (`DF.L<layer+1>.C<unit>`).
pub fn deep_feature_names(model: &Model, options: Options) -> Vec<String> {
    chosen_features(model, options).column_names()
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
}

/// Why a row could not be scored: genmodel's exception class (simple name) and message.
#[derive(Clone, Debug, PartialEq)]
pub struct RowFailure {
    pub kind: String,
    pub message: String,
}

impl From<RowError> for RowFailure {
    fn from(e: RowError) -> Self {
        RowFailure {
            kind: e.exception_name().to_string(),
            message: e.to_string(),
        }
    }
}

/// Scores of every row, in input order. Failed rows have NaN scores and an error.
pub struct Outcome {
    pub slots: usize,
    pub mse: Vec<f64>,
    /// `rows × slots` squared errors, when asked for.
    pub se: Vec<f64>,
    /// `rows × slots` reconstruction, when asked for.
    pub recon: Vec<f64>,
    pub errors: Vec<Option<RowFailure>>,
    /// Each row's anomaly decision, when there is a calibration or a threshold (else `None`:
    /// no decision is invented).
    pub decisions: Option<Vec<Decision>>,
    /// Per row, when `explain > 0`: (input column, share of the row's squared error), largest
    /// first, at most `explain` entries.
    pub explanations: Vec<Vec<(usize, f64)>>,
    /// Units of the chosen hidden layer (0 when no deep features were asked for).
    pub deep_width: usize,
    /// `rows × deep_width` deep features (NaN for a failed row).
    pub deep: Vec<f64>,
}

impl Outcome {
    pub fn rows(&self) -> usize {
        self.mse.len()
    }

    pub fn failed(&self) -> usize {
        self.errors.iter().filter(|e| e.is_some()).count()
    }

    pub fn first_error(&self) -> Option<(usize, &RowFailure)> {
        self.errors
            .iter()
            .enumerate()
            .find_map(|(i, e)| e.as_ref().map(|e| (i, e)))
    }

    pub fn se_row(&self, i: usize) -> &[f64] {
        &self.se[i * self.slots..(i + 1) * self.slots]
    }

    pub fn recon_row(&self, i: usize) -> &[f64] {
        &self.recon[i * self.slots..(i + 1) * self.slots]
    }

    /// Row `i`'s deep features (empty when none were asked for).
    pub fn deep_row(&self, i: usize) -> &[f64] {
        &self.deep[i * self.deep_width..(i + 1) * self.deep_width]
    }

    /// Row `i`'s decision, when decisions are made.
    pub fn decision(&self, i: usize) -> Option<Decision> {
        self.decisions.as_ref().map(|d| d[i])
    }

    /// Row `i`'s explanation (empty when not asked for or the row failed).
    pub fn explanation(&self, i: usize) -> &[(usize, f64)] {
        self.explanations.get(i).map_or(&[], Vec::as_slice)
    }
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

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Records(r) => r.len(),
            Rows::Split { data, .. } => data.len(),
            Rows::Csv { records, .. } => records.len(),
            Rows::Columns { n, .. } => *n,
        }
    }

    /// Row `i`'s named cells, in the order genmodel's RowData would have been filled.
    fn cells<'a>(
        &'a self,
        i: usize,
        model: &'a Model,
        options: ConvertOptions,
        out: &mut Vec<(&'a str, Cell<'a>)>,
    ) -> Result<(), RowFailure> {
        out.clear();
        match self {
            Rows::Records(records) => {
                out.extend(records[i].iter().map(|(k, v)| (k.as_str(), json_cell(v))));
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
                out.extend(
                    columns
                        .iter()
                        .map(String::as_str)
                        .zip(row.iter().map(json_cell)),
                );
            }
            Rows::Csv { header, records } => {
                let record = &records[i];
                if record.len() != header.len() {
                    return Err(malformed(format!(
                        "the row has {} fields, the header has {}",
                        record.len(),
                        header.len()
                    )));
                }
                // As PredictCsv: only the non-missing cells go into the RowData.
                out.extend(
                    header
                        .iter()
                        .map(String::as_str)
                        .zip(record.iter().map(ae4j_core::convert::csv_cell))
                        .filter(|(_, c)| *c != Cell::Missing),
                );
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
    RowFailure {
        kind: "MalformedRow".into(),
        message,
    }
}

/// Rows scored together by one worker; larger requests are split over the cores.
const CHUNK: usize = 128;

/// Converts and scores every row, and decides on each with the model's calibration and/or the
/// run-time threshold. CPU-bound: call it off the async runtime for large inputs.
pub fn score(
    model: &Model,
    calibration: Option<&Calibration>,
    rows: &Rows,
    options: Options,
) -> Outcome {
    let n = rows.len();
    let slots = model.n_slots();
    let features = chosen_features(model, options);
    let width = features.width();
    let keep = |flag: bool| if flag { slots } else { 0 };
    let chunks: Vec<(usize, usize)> = (0..n)
        .step_by(CHUNK)
        .map(|s| (s, (s + CHUNK).min(n)))
        .collect();
    let run = |&(start, end): &(usize, usize)| {
        let mut part = Outcome {
            slots,
            mse: Vec::with_capacity(end - start),
            se: Vec::with_capacity((end - start) * keep(options.per_feature)),
            recon: Vec::with_capacity((end - start) * keep(options.reconstruction)),
            errors: Vec::with_capacity(end - start),
            decisions: None,
            explanations: Vec::new(),
            deep_width: width,
            deep: Vec::with_capacity((end - start) * width),
        };
        let mut deep = vec![0.0; width];
        let mut raw = vec![f64::NAN; model.n_features()];
        let mut scratch = Scratch::new(model);
        let mut recon = vec![0.0; slots];
        let mut se = vec![0.0; slots];
        let mut cells = Vec::new();
        for i in start..end {
            let result = rows
                .cells(i, model, options.convert, &mut cells)
                .and_then(|()| {
                    model
                        .convert_row(&cells, options.convert, &mut raw)
                        .map_err(RowFailure::from)
                })
                .and_then(|()| {
                    model
                        .score_with_features_into(
                            &raw,
                            &mut scratch,
                            &mut recon,
                            &mut se,
                            &features,
                            &mut deep,
                        )
                        .map_err(|e| malformed(e.to_string()))
                });
            match result {
                Ok(mse) => {
                    part.mse.push(mse);
                    part.errors.push(None);
                }
                Err(e) => {
                    part.mse.push(f64::NAN);
                    part.errors.push(Some(e));
                    se.fill(f64::NAN);
                    recon.fill(f64::NAN);
                    deep.fill(f64::NAN);
                }
            }
            part.deep.extend_from_slice(&deep);
            if options.explain > 0 {
                part.explanations
                    .push(if part.errors.last().is_some_and(Option::is_none) {
                        calibration::explain(model, &se, options.explain)
                    } else {
                        Vec::new()
                    });
            }
            if options.per_feature {
                part.se.extend_from_slice(&se);
            }
            if options.reconstruction {
                part.recon.extend_from_slice(&recon);
            }
        }
        part
    };
    let parts: Vec<Outcome> = if chunks.len() > 1 {
        chunks.par_iter().map(run).collect()
    } else {
        chunks.iter().map(run).collect()
    };
    let mut all = Outcome {
        slots,
        mse: Vec::with_capacity(n),
        se: Vec::with_capacity(n * keep(options.per_feature)),
        recon: Vec::with_capacity(n * keep(options.reconstruction)),
        errors: Vec::with_capacity(n),
        decisions: None,
        explanations: Vec::new(),
        deep_width: width,
        deep: Vec::with_capacity(n * width),
    };
    for p in parts {
        all.deep.extend(p.deep);
        all.mse.extend(p.mse);
        all.se.extend(p.se);
        all.recon.extend(p.recon);
        all.errors.extend(p.errors);
        all.explanations.extend(p.explanations);
    }
    if calibration.is_some() || options.threshold.is_some() {
        all.decisions = Some(
            all.mse
                .iter()
                .map(|&mse| {
                    calibration::decide(calibration, options.threshold, mse).unwrap_or(Decision {
                        anomaly: false,
                        percentile: None,
                    })
                })
                .collect(),
        );
    }
    all
}

/// H2O's names for the per-feature columns (`reconstr_<slot>.SE`) and the reconstruction
/// columns (`reconstr_<slot>`), as `ae4j predict` and H2O's `anomaly()`/`predict()` write them.
pub fn column_names(model: &Model) -> (Vec<String>, Vec<String>) {
    let se = model
        .slot_names()
        .iter()
        .map(|s| format!("reconstr_{s}.SE"))
        .collect();
    let recon = model
        .slot_names()
        .iter()
        .map(|s| format!("reconstr_{s}"))
        .collect();
    (se, recon)
}
