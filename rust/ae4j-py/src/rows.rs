//! The adapter between a frame of Arrow columns and the core's row path: cells to raw rows
//! (`Model::convert_cell`, genmodel's choice of error via `Model::genmodel_error`), batch
//! scoring (`Model::score_batch_with`), decisions and explanations (`ae4j_core::calibration`).
//! Blocks of rows are scored in parallel on rayon's pool, with no Python object touched.

use ae4j_core::calibration::{self, Calibration};
use ae4j_core::forward::BatchScratch;
use ae4j_core::{Cell, ConvertOptions, Model, RowError};
use ndarray::{Array1, Array2};
use rayon::prelude::*;

use crate::arrow_in::Frame;

/// Rows per parallel task: big enough to amortize a task, small enough to spread 10k rows.
const BLOCK_ROWS: usize = 1024;

/// What to compute besides the MSE.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    pub options: ConvertOptions,
    pub per_feature: bool,
    pub reconstruction: bool,
    pub calibration: Option<&'a Calibration>,
    pub threshold: Option<f64>,
    pub explain: usize,
    /// Stop at the first bad row (its error is the answer) instead of scoring every other row.
    pub stop_at_error: bool,
}

/// A row that could not be scored.
pub struct Failure {
    pub row: usize,
    pub error: RowError,
}

/// Scores of a frame, row-major, one entry per row (NaN / none for failed rows).
#[derive(Default)]
pub struct Scores {
    pub mse: Vec<f64>,
    pub squared_errors: Vec<f64>,
    pub reconstruction: Vec<f64>,
    /// 0 / 1 per row, 2 for a failed row; empty without a decision.
    pub anomaly: Vec<u8>,
    pub percentile: Vec<f64>,
    /// `explain` input columns per row (-1: none) and their error shares.
    pub top_columns: Vec<i32>,
    pub top_shares: Vec<f64>,
    pub failures: Vec<Failure>,
}

impl Scores {
    fn append(&mut self, other: Scores) {
        self.mse.extend(other.mse);
        self.squared_errors.extend(other.squared_errors);
        self.reconstruction.extend(other.reconstruction);
        self.anomaly.extend(other.anomaly);
        self.percentile.extend(other.percentile);
        self.top_columns.extend(other.top_columns);
        self.top_shares.extend(other.top_shares);
        self.failures.extend(other.failures);
    }
}

/// Scores every row of `frame` (in parallel for more than one block).
pub fn score_frame(model: &Model, frame: &Frame, request: Request<'_>) -> Scores {
    let blocks: Vec<usize> = (0..frame.rows).step_by(BLOCK_ROWS).collect();
    let parts: Vec<Scores> = blocks
        .par_iter()
        .map_init(
            || BatchScratch::new(model),
            |scratch, &start| {
                let end = (start + BLOCK_ROWS).min(frame.rows);
                score_block(model, frame, start..end, request, scratch)
            },
        )
        .collect();
    let mut all = Scores::default();
    for part in parts {
        all.append(part);
        if request.stop_at_error && !all.failures.is_empty() {
            break;
        }
    }
    all
}

fn score_block(
    model: &Model,
    frame: &Frame,
    rows: std::ops::Range<usize>,
    request: Request<'_>,
    scratch: &mut BatchScratch,
) -> Scores {
    let (n, slots) = (rows.len(), model.n_slots());
    let mut raw = Array2::from_elem((n, model.n_features()), f64::NAN);
    let mut failed = vec![false; n];
    let mut out = Scores::default();
    for (i, row) in rows.clone().enumerate() {
        if let Some(raw_row) = raw.row_mut(i).into_slice() {
            if let Err(error) = convert_row(model, frame, row, request.options, raw_row) {
                failed[i] = true;
                out.failures.push(Failure { row, error });
                if request.stop_at_error {
                    return out;
                }
            }
        }
    }
    let mut reconstructed = Array2::zeros((n, slots));
    let mut squared_errors = Array2::zeros((n, slots));
    let mut mse = Array1::zeros(n);
    // The shapes are made here to fit the model: the batch call cannot refuse them.
    let _ = model.score_batch_with(
        raw.view(),
        reconstructed.view_mut(),
        squared_errors.view_mut(),
        mse.view_mut(),
        scratch,
    );
    for i in 0..n {
        if failed[i] {
            mse[i] = f64::NAN;
            reconstructed.row_mut(i).fill(f64::NAN);
            squared_errors.row_mut(i).fill(f64::NAN);
        }
    }
    decide_and_explain(model, &mse, &squared_errors, &failed, request, &mut out);
    out.mse = mse.into_raw_vec_and_offset().0;
    if request.per_feature {
        out.squared_errors = squared_errors.into_raw_vec_and_offset().0;
    }
    if request.reconstruction {
        out.reconstruction = reconstructed.into_raw_vec_and_offset().0;
    }
    out
}

fn decide_and_explain(
    model: &Model,
    mse: &Array1<f64>,
    squared_errors: &Array2<f64>,
    failed: &[bool],
    request: Request<'_>,
    out: &mut Scores,
) {
    let deciding = request.calibration.is_some() || request.threshold.is_some();
    for (i, &bad) in failed.iter().enumerate() {
        if deciding {
            let decision = calibration::decide(request.calibration, request.threshold, mse[i])
                .filter(|_| !bad);
            out.anomaly
                .push(decision.map_or(2, |d| u8::from(d.anomaly)));
            out.percentile
                .push(decision.and_then(|d| d.percentile).unwrap_or(f64::NAN));
        }
        if request.explain > 0 {
            let errors = squared_errors.row(i);
            let shares = match (bad, errors.as_slice()) {
                (false, Some(e)) => calibration::explain(model, e, request.explain),
                _ => Vec::new(),
            };
            for k in 0..request.explain {
                let (column, share) = shares
                    .get(k)
                    .map_or((-1, f64::NAN), |&(c, s)| (c as i32, s));
                out.top_columns.push(column);
                out.top_shares.push(share);
            }
        }
    }
}

/// One frame row to a raw row with genmodel's rules; of several bad cells, genmodel's error.
fn convert_row(
    model: &Model,
    frame: &Frame,
    row: usize,
    options: ConvertOptions,
    raw: &mut [f64],
) -> Result<(), RowError> {
    for column in &frame.columns {
        let Some(feature) = column.feature else {
            continue;
        };
        let cell = column.cell(row);
        if cell == Cell::Missing {
            continue; // a missing cell is not put in the row (PredictCsv's and pandas' view)
        }
        match model.convert_cell(feature, cell, options) {
            Ok(v) => raw[feature] = v,
            Err(first) => {
                let cells: Vec<(&str, Cell<'_>)> = frame
                    .columns
                    .iter()
                    .map(|c| (c.name.as_str(), c.cell(row)))
                    .filter(|(_, c)| *c != Cell::Missing)
                    .collect();
                // None: a later column of the same name replaces this bad value.
                match model.genmodel_error(&cells, options) {
                    Some(e) => return Err(e),
                    None if frame
                        .columns
                        .iter()
                        .filter(|c| c.name == column.name)
                        .count()
                        > 1 =>
                    {
                        continue
                    }
                    None => return Err(first),
                }
            }
        }
    }
    Ok(())
}
