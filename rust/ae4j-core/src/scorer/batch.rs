//! Many rows at once, over every core: the batch form of the row path.

use std::ops::Range;

use ndarray::{s, Array1, Array2, ArrayView1};
use rayon::prelude::*;

use crate::calibration::Decision;
use crate::forward::BatchScratch;
use crate::score::BatchOutputs;

use super::input::RowSource;
use super::row::{RowScorer, Scored};
use super::{RowFailure, Scorer};

/// Rows scored together by one worker (ten of the network's row blocks); larger batches are
/// split over the cores.
const CHUNK: usize = 10 * BatchScratch::ROWS;

/// The scores of every row of a batch, in input order, as columns. A failed row has a NaN MSE,
/// NaN squared errors and reconstruction (when kept), no explanation, and its error.
///
/// Each output of the row path is a column here, filled in [`Scorer::score_batch`] from the
/// same [`Scored`] row (the deep features too).
#[derive(Debug, Clone, Default)]
pub struct BatchScores {
    /// Slots per row of `se` and `recon`.
    pub slots: usize,
    pub mse: Vec<f64>,
    /// `rows × slots` squared errors, when asked for (else empty).
    pub se: Vec<f64>,
    /// `rows × slots` reconstruction, when asked for (else empty).
    pub recon: Vec<f64>,
    pub errors: Vec<Option<RowFailure>>,
    /// Each row's decision, when there is a calibration or a threshold (else `None`: no
    /// decision is invented). A failed row's is the decision on a NaN MSE.
    pub decisions: Option<Vec<Decision>>,
    /// Per row when explanations are asked for (else empty).
    pub explanations: Vec<Vec<(usize, f64)>>,
    /// Values per row of `deep` (0 without deep features).
    pub deep_width: usize,
    /// `rows × deep_width` deep features ([`Scorer::with_deep_features`]); NaN for a failed row.
    pub deep: Vec<f64>,
}

impl BatchScores {
    fn with_capacity(scorer: &Scorer<'_>, rows: usize) -> Self {
        let slots = scorer.model().n_slots();
        let outputs = scorer.options().outputs;
        let keep = |flag: bool| if flag { rows * slots } else { 0 };
        let deep_width = scorer.deep_features().map_or(0, |d| d.width());
        BatchScores {
            slots,
            mse: Vec::with_capacity(rows),
            se: Vec::with_capacity(keep(outputs.per_feature)),
            recon: Vec::with_capacity(keep(outputs.reconstruction)),
            errors: Vec::with_capacity(rows),
            decisions: None,
            explanations: Vec::new(),
            deep_width,
            deep: Vec::with_capacity(rows * deep_width),
        }
    }

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

    /// Row `i`'s deep features (empty without them).
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

    /// Row `i` as the row path gave it, or its error (outputs not kept are empty).
    pub fn row(&self, i: usize) -> Result<Scored<'_>, &RowFailure> {
        if let Some(f) = &self.errors[i] {
            return Err(f);
        }
        Ok(Scored {
            mse: self.mse[i],
            squared_errors: self.kept_row(&self.se, i),
            reconstruction: self.kept_row(&self.recon, i),
            decision: self.decision(i),
            explanation: self.explanation(i),
            deep_features: self.deep_row(i),
        })
    }

    /// Row `i` of a kept `rows × slots` column, or nothing when it is not kept.
    fn kept_row<'a>(&self, values: &'a [f64], i: usize) -> &'a [f64] {
        if values.is_empty() {
            values
        } else {
            &values[i * self.slots..(i + 1) * self.slots]
        }
    }

    /// Appends one row's outcome, keeping what the options ask for.
    fn push(&mut self, scorer: &Scorer<'_>, row: Result<Scored<'_>, RowFailure>) {
        let outputs = scorer.options().outputs;
        let nan = || std::iter::repeat_n(f64::NAN, self.slots);
        match row {
            Ok(s) => {
                self.mse.push(s.mse);
                self.errors.push(None);
                if outputs.per_feature {
                    self.se.extend_from_slice(s.squared_errors);
                }
                if outputs.reconstruction {
                    self.recon.extend_from_slice(s.reconstruction);
                }
                if outputs.explain > 0 {
                    self.explanations.push(s.explanation.to_vec());
                }
                self.deep.extend_from_slice(s.deep_features);
            }
            Err(e) => {
                self.mse.push(f64::NAN);
                self.errors.push(Some(e));
                if outputs.per_feature {
                    self.se.extend(nan());
                }
                if outputs.reconstruction {
                    self.recon.extend(nan());
                }
                if outputs.explain > 0 {
                    self.explanations.push(Vec::new());
                }
                self.deep
                    .extend(std::iter::repeat_n(f64::NAN, self.deep_width));
            }
        }
    }

    fn append(&mut self, part: BatchScores) {
        self.mse.extend(part.mse);
        self.se.extend(part.se);
        self.recon.extend(part.recon);
        self.errors.extend(part.errors);
        self.explanations.extend(part.explanations);
        self.deep.extend(part.deep);
    }
}

impl Scorer<'_> {
    /// Converts, scores, decides on and explains every row of `rows`, on every core when there
    /// are more than a few. Rows are converted one at a time (the row path's [`Conversion`])
    /// and go through the network in blocks ([`Model::score_batch_outputs`], which gives
    /// exactly the row path's numbers). CPU-bound: call it off an async runtime for large
    /// inputs.
    pub fn score_batch<S: RowSource>(&self, rows: &S) -> BatchScores {
        let n = rows.len();
        let chunks: Vec<(usize, usize)> = (0..n)
            .step_by(CHUNK)
            .map(|s| (s, (s + CHUNK).min(n)))
            .collect();
        let run = |worker: &mut Worker, &(start, end): &(usize, usize)| {
            worker.score_chunk(self, rows, start..end)
        };
        let parts: Vec<BatchScores> = if chunks.len() > 1 {
            chunks
                .par_iter()
                .map_init(|| Worker::new(self), run)
                .collect()
        } else {
            let mut worker = Worker::new(self);
            chunks.iter().map(|c| run(&mut worker, c)).collect()
        };
        let mut all = BatchScores::with_capacity(self, n);
        parts.into_iter().for_each(|p| all.append(p));
        if self.decides() {
            let decisions = all.mse.iter().map(|&mse| {
                self.decide(mse).unwrap_or(Decision {
                    anomaly: false,
                    percentile: None,
                })
            });
            all.decisions = Some(decisions.collect());
        }
        all
    }
}

/// One worker's memory: the row buffers rows are converted in, and a chunk's block of raw rows
/// and outputs for the network.
struct Worker {
    buffers: RowScorer,
    scratch: BatchScratch,
    raw: Array2<f64>,
    reconstructed: Array2<f64>,
    squared_errors: Array2<f64>,
    mse: Array1<f64>,
    deep: Array2<f64>,
}

impl Worker {
    fn new(scorer: &Scorer<'_>) -> Self {
        let model = scorer.model();
        let slots = model.n_slots();
        let width = scorer.deep_features().map_or(0, |d| d.width());
        Worker {
            buffers: RowScorer::new(model),
            scratch: BatchScratch::new(model),
            raw: Array2::from_elem((CHUNK, model.n_features()), f64::NAN),
            reconstructed: Array2::zeros((CHUNK, slots)),
            squared_errors: Array2::zeros((CHUNK, slots)),
            mse: Array1::zeros(CHUNK),
            deep: Array2::zeros((CHUNK, width)),
        }
    }

    /// Rows `range` (at most [`CHUNK`]): converted, scored as one block, explained.
    fn score_chunk<S: RowSource>(
        &mut self,
        scorer: &Scorer<'_>,
        rows: &S,
        range: Range<usize>,
    ) -> BatchScores {
        let n = range.len();
        let mut errors = Vec::with_capacity(n);
        for (r, i) in range.enumerate() {
            let mut block_row = self.raw.row_mut(r);
            match self.buffers.convert(scorer, |c| rows.convert(i, c)) {
                Ok(raw) => {
                    block_row.assign(&ArrayView1::from(raw));
                    errors.push(None);
                }
                Err(e) => {
                    block_row.fill(f64::NAN);
                    errors.push(Some(e));
                }
            }
        }
        self.forward(scorer, n);
        let mut part = BatchScores::with_capacity(scorer, n);
        for (r, error) in errors.into_iter().enumerate() {
            let row = match error {
                Some(e) => Err(e),
                None => Ok(self.row(scorer, r)),
            };
            let explanation = match &row {
                Ok(s) => scorer.explain(s.squared_errors),
                Err(_) => Vec::new(),
            };
            part.push(
                scorer,
                row.map(|s| Scored {
                    explanation: &explanation,
                    ..s
                }),
            );
        }
        part
    }

    /// The network on the block's first `n` rows, computing only what the scorer keeps.
    fn forward(&mut self, scorer: &Scorer<'_>, n: usize) {
        let outputs = scorer.options().outputs;
        let errors_needed = outputs.per_feature || outputs.explain > 0;
        let block = BatchOutputs {
            reconstructed: outputs
                .reconstruction
                .then(|| self.reconstructed.slice_mut(s![..n, ..])),
            squared_errors: errors_needed.then(|| self.squared_errors.slice_mut(s![..n, ..])),
            mse: Some(self.mse.slice_mut(s![..n])),
            deep_features: scorer
                .deep_features()
                .map(|d| (d, self.deep.slice_mut(s![..n, ..]))),
        };
        let result = scorer.model().score_batch_outputs(
            self.raw.slice(s![..n, ..]),
            block,
            &mut self.scratch,
        );
        debug_assert!(
            result.is_ok(),
            "the block is made for the model: {result:?}"
        );
    }

    /// Row `r` of the block as the row path gives it (outputs not computed are empty; the
    /// decision is made for the whole batch, the explanation by the caller).
    fn row<'a>(&'a self, scorer: &Scorer<'_>, r: usize) -> Scored<'a> {
        let outputs = scorer.options().outputs;
        let kept = |m: &'a Array2<f64>, on: bool| if on { block_row(m, r) } else { &[] };
        Scored {
            mse: self.mse[r],
            squared_errors: kept(
                &self.squared_errors,
                outputs.per_feature || outputs.explain > 0,
            ),
            reconstruction: kept(&self.reconstructed, outputs.reconstruction),
            decision: None,
            explanation: &[],
            deep_features: kept(&self.deep, scorer.deep_features().is_some()),
        }
    }
}

/// Row `r` of a block matrix (made standard-layout by [`Worker::new`]).
fn block_row(m: &Array2<f64>, r: usize) -> &[f64] {
    let width = m.ncols();
    let all = m.as_slice().expect("a block matrix is standard-layout");
    &all[r * width..(r + 1) * width]
}
