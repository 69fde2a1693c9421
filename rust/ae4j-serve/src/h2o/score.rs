//! The one adapter between H2O frames and the core: a frame's columns → the model's raw rows
//! (H2O's `adaptTestForTrain`: columns by name, levels by their text, unknown levels and missing
//! columns NA) → the core's scores and deep features (`ae4j_core::deep`), as H2O's predictions
//! frames. Only this file calls the core's scoring API, and `raw_frame.rs` for a model with a
//! preprocessing pipeline (whose frames hold the pipeline's raw inputs).

use std::collections::HashMap;

use ae4j_core::deep::{DeepFeatures, LayerError};
use ae4j_core::{Model, Scratch};
use rayon::prelude::*;

use super::frames::{Col, ColData, Frame};
use super::H2oError;

/// What a predictions frame holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// `Reconstruction.MSE`.
    Mse,
    /// `reconstr_<slot>.SE`, one per input slot.
    PerFeature,
    /// `reconstr_<slot>`: the reconstruction in raw units (`predict`).
    Reconstruction,
    /// `DF.L<layer+1>.C<j>`: the activations of hidden layer `layer` (0-based).
    DeepFeatures(usize),
}

/// A scored frame: the output columns, each row's MSE, and H2O's adaptation warnings.
pub struct Scored {
    pub cols: Vec<Col>,
    pub mse: Vec<f64>,
    pub warnings: Vec<String>,
}

/// The deep features of one hidden layer, or the last valid layer index when it has none.
pub fn deep_features(model: &Model, layer: i64) -> Result<DeepFeatures, usize> {
    model.deep_features(&[layer]).map_err(|e| match e {
        LayerError::OutOfRange { last, .. } => last,
        LayerError::Repeated { .. } => model.n_hidden_layers().saturating_sub(1),
    })
}

/// The number of output columns, for the budget check before scoring.
pub fn width(model: &Model, output: Output) -> usize {
    match output {
        Output::Mse => 1,
        Output::PerFeature | Output::Reconstruction => model.n_slots(),
        Output::DeepFeatures(l) => deep_features(model, l as i64).map_or(0, |f| f.width()),
    }
}

/// How one model column is read from the frame.
enum Source<'f> {
    Missing,
    Numbers(&'f [f64]),
    /// Frame level index → model level index (NaN: a level the model was not trained on).
    Levels(&'f [f64], Vec<f64>),
    Texts(&'f [Option<String>], &'f HashMap<String, usize>),
}

fn quoted_list(levels: &[String]) -> String {
    let q: Vec<String> = levels.iter().map(|l| format!("\"{l}\"")).collect();
    format!("[{}]", q.join(", "))
}

/// Matches the frame's columns to the model's, refusing what H2O refuses.
fn sources<'f>(
    model: &Model,
    frame: &'f Frame,
    domains: &'f [HashMap<String, usize>],
    warnings: &mut Vec<String>,
) -> Result<Vec<Source<'f>>, H2oError> {
    let mut out = Vec::with_capacity(model.n_features());
    for (f, mc) in model.columns().iter().enumerate() {
        let Some(col) = frame.col(&mc.name) else {
            warnings.push(format!(
                "Test/Validation dataset is missing column '{}': substituting in a column of NaN",
                mc.name
            ));
            out.push(Source::Missing);
            continue;
        };
        let src = match (&col.data, mc.is_categorical()) {
            (ColData::Num(v), false) => Source::Numbers(v),
            (ColData::Num(v), true) if v.iter().all(|x| x.is_nan()) => Source::Missing,
            (ColData::Num(_), true) => {
                return Err(H2oError::bad_request(format!(
                    "Test/Validation dataset has a non-categorical column '{}' which is categorical in the training data",
                    mc.name
                )))
            }
            (ColData::Enum { domain, codes }, true) => {
                let mut unknown = Vec::new();
                let map = domain
                    .iter()
                    .map(|level| match domains[f].get(level) {
                        Some(&i) => i as f64,
                        None => {
                            unknown.push(level.clone());
                            f64::NAN
                        }
                    })
                    .collect();
                if !unknown.is_empty() {
                    warnings.push(format!(
                        "Test/Validation dataset column '{}' has levels not trained on: {}",
                        mc.name,
                        quoted_list(&unknown)
                    ));
                }
                Source::Levels(codes, map)
            }
            (ColData::Str(v), true) => Source::Texts(v, &domains[f]),
            (_, false) => {
                return Err(H2oError::bad_request(format!(
                    "Test/Validation dataset has categorical column '{}' which is real-valued in the training data",
                    mc.name
                )))
            }
        };
        out.push(src);
    }
    Ok(out)
}

fn raw_value(src: &Source, row: usize) -> f64 {
    match src {
        Source::Missing => f64::NAN,
        Source::Numbers(v) => v[row],
        Source::Levels(codes, map) => {
            let c = codes[row];
            if c.is_nan() {
                f64::NAN
            } else {
                map[c as usize]
            }
        }
        Source::Texts(v, domain) => v[row]
            .as_ref()
            .and_then(|s| domain.get(s))
            .map_or(f64::NAN, |&i| i as f64),
    }
}

/// Output column names as H2O writes them.
pub fn names(model: &Model, output: Output) -> Vec<String> {
    match output {
        Output::Mse => vec!["Reconstruction.MSE".into()],
        Output::PerFeature => model
            .slot_names()
            .iter()
            .map(|s| format!("reconstr_{s}.SE"))
            .collect(),
        Output::Reconstruction => model
            .slot_names()
            .iter()
            .map(|s| format!("reconstr_{s}"))
            .collect(),
        Output::DeepFeatures(l) => deep_features(model, l as i64)
            .map(|f| f.column_names())
            .unwrap_or_default(),
    }
}

/// Rows per parallel task.
const CHUNK: usize = 256;

/// Scores every row of `frame` with the H2O server's semantics (the core's finite MSE: a
/// missing numeric is the training mean, a missing or unknown level the NA slot).
pub fn score(model: &Model, frame: &Frame, output: Output) -> Result<Scored, H2oError> {
    let domains: Vec<HashMap<String, usize>> = model
        .columns()
        .iter()
        .map(|c| {
            c.domain.as_ref().map_or_else(HashMap::new, |d| {
                d.iter().enumerate().map(|(i, l)| (l.clone(), i)).collect()
            })
        })
        .collect();
    let mut warnings = Vec::new();
    let srcs = sources(model, frame, &domains, &mut warnings)?;
    let w = width(model, output);
    let features = match output {
        Output::DeepFeatures(l) => Some(deep_features(model, l as i64).map_err(|last| {
            H2oError::precondition(format!(
                "hidden layer (index) to extract must be between 0 and {last}"
            ))
        })?),
        _ => None,
    };
    let slots = model.n_slots();
    let starts: Vec<usize> = (0..frame.rows).step_by(CHUNK).collect();
    let run = |&start: &usize| -> Result<(Vec<f64>, Vec<f64>), H2oError> {
        let end = (start + CHUNK).min(frame.rows);
        let mut raw = vec![f64::NAN; model.n_features()];
        let mut scratch = Scratch::new(model);
        let (mut recon, mut se) = (vec![0.0; slots], vec![0.0; slots]);
        let mut mse = Vec::with_capacity(end - start);
        let mut values = Vec::with_capacity((end - start) * w);
        for r in start..end {
            for (x, s) in raw.iter_mut().zip(&srcs) {
                *x = raw_value(s, r);
            }
            let e = |e: ae4j_core::ShapeError| H2oError::bad_request(e.to_string());
            let row_mse = match &features {
                Some(f) => {
                    let at = values.len();
                    values.resize(at + w, 0.0);
                    model
                        .score_with_features_into(
                            &raw,
                            &mut scratch,
                            &mut recon,
                            &mut se,
                            f,
                            &mut values[at..],
                        )
                        .map_err(e)?
                }
                None => model
                    .score_into(&raw, &mut scratch, &mut recon, &mut se)
                    .map_err(e)?,
            };
            mse.push(row_mse);
            match output {
                Output::Mse => values.push(row_mse),
                Output::PerFeature => values.extend_from_slice(&se),
                Output::Reconstruction => values.extend_from_slice(&recon),
                Output::DeepFeatures(_) => {}
            }
        }
        Ok((mse, values))
    };
    let parts: Vec<(Vec<f64>, Vec<f64>)> = starts.par_iter().map(run).collect::<Result<_, _>>()?;
    let mut columns: Vec<Vec<f64>> = (0..w).map(|_| Vec::with_capacity(frame.rows)).collect();
    let mut mse = Vec::with_capacity(frame.rows);
    for (m, values) in parts {
        mse.extend(m);
        for row in values.chunks(w.max(1)) {
            for (c, &v) in columns.iter_mut().zip(row) {
                c.push(v);
            }
        }
    }
    let cols = names(model, output)
        .into_iter()
        .zip(columns)
        .map(|(n, v)| Col::num(n, v))
        .collect();
    Ok(Scored {
        cols,
        mse,
        warnings,
    })
}
