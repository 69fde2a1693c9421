//! One row at a time: a thread's buffers, and what a scored row gives.

use crate::calibration::Decision;
use crate::convert::Cell;
use crate::forward::Scratch;
use crate::model::Model;
use crate::pipeline::Work;

use super::input::{Conversion, Header, NamedCells, PositionalRow};
use super::{RowFailure, Scorer};

/// What one scored row gives, borrowed from the [`RowScorer`] that scored it. Each output the
/// options did not ask for is still filled when it costs nothing (the squared errors and the
/// reconstruction always are); the explanation is empty unless asked for.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'b> {
    /// H2O's `Reconstruction.MSE`.
    pub mse: f64,
    /// Per slot, `(output - input)^2` in H2O's normalized space.
    pub squared_errors: &'b [f64],
    /// Per slot, the de-normalized network output.
    pub reconstruction: &'b [f64],
    /// The anomaly decision, when there is a calibration or a threshold.
    pub decision: Option<Decision>,
    /// (input column, share of the row's squared error), largest first.
    pub explanation: &'b [(usize, f64)],
    /// The chosen hidden layers' activations side by side ([`Scorer::with_deep_features`];
    /// empty when none are chosen).
    pub deep_features: &'b [f64],
}

/// Per-thread working memory of the row path: converting and scoring a row allocates nothing
/// (except an explanation's few entries, when asked for). Make one per thread and model.
#[derive(Debug, Clone)]
pub struct RowScorer {
    raw: Vec<f64>,
    scratch: Scratch,
    reconstructed: Vec<f64>,
    squared_errors: Vec<f64>,
    explanation: Vec<(usize, f64)>,
    deep_features: Vec<f64>,
    cells: NamedCells<'static>,
    /// The working row of the scorer's pipeline (empty without one).
    work: Work,
}

impl RowScorer {
    pub fn new(model: &Model) -> Self {
        RowScorer {
            raw: vec![f64::NAN; model.n_features()],
            scratch: Scratch::new(model),
            reconstructed: vec![0.0; model.n_slots()],
            squared_errors: vec![0.0; model.n_slots()],
            explanation: Vec::new(),
            deep_features: Vec::new(),
            cells: Vec::new(),
            work: Work::default(),
        }
    }

    /// Re-sizes the buffers for `model` if they were made for another shape.
    pub fn fit(&mut self, model: &Model) {
        if self.raw.len() != model.n_features() || self.reconstructed.len() != model.n_slots() {
            *self = RowScorer::new(model);
        }
    }

    /// The raw row buffer, for a caller that writes a raw row in place (then
    /// [`RowScorer::score_in_place`]).
    pub fn raw_mut(&mut self) -> &mut [f64] {
        &mut self.raw
    }

    /// Converts a row with `convert` (one of [`Conversion`]'s methods), then scores, decides and
    /// explains it.
    pub fn score(
        &mut self,
        scorer: &Scorer<'_>,
        convert: impl FnOnce(&mut Conversion<'_>) -> Result<(), RowFailure>,
    ) -> Result<Scored<'_>, RowFailure> {
        self.convert(scorer, convert)?;
        self.score_in_place(scorer)
    }

    /// Converts a row with `convert` (one of [`Conversion`]'s methods) into the raw row buffer
    /// and returns it, without scoring it: the batch path gathers converted rows into blocks.
    pub fn convert(
        &mut self,
        scorer: &Scorer<'_>,
        convert: impl FnOnce(&mut Conversion<'_>) -> Result<(), RowFailure>,
    ) -> Result<&[f64], RowFailure> {
        let mut conversion = Conversion {
            model: scorer.model(),
            options: scorer.options().convert,
            raw: &mut self.raw,
            cells: &mut self.cells,
            pipeline: scorer.pipeline(),
            work: &mut self.work,
        };
        convert(&mut conversion)?;
        Ok(&self.raw)
    }

    /// Scores the raw row as it is in [`RowScorer::raw_mut`].
    pub fn score_in_place(&mut self, scorer: &Scorer<'_>) -> Result<Scored<'_>, RowFailure> {
        let mse = self.forward(scorer)?;
        self.explanation = scorer.explain(&self.squared_errors);
        Ok(Scored {
            mse,
            squared_errors: &self.squared_errors,
            reconstruction: &self.reconstructed,
            decision: scorer.decide(mse),
            explanation: &self.explanation,
            deep_features: &self.deep_features,
        })
    }

    /// One forward pass: the MSE, with the reconstruction, the squared errors and (when the
    /// scorer asks for them) the deep features left in the buffers.
    fn forward(&mut self, scorer: &Scorer<'_>) -> Result<f64, RowFailure> {
        let model = scorer.model();
        let Some(features) = scorer.deep_features() else {
            self.deep_features.clear();
            let (raw, scratch) = (&self.raw, &mut self.scratch);
            return Ok(model.score_into(
                raw,
                scratch,
                &mut self.reconstructed,
                &mut self.squared_errors,
            )?);
        };
        self.deep_features.resize(features.width(), 0.0);
        Ok(model.score_with_features_into(
            &self.raw,
            &mut self.scratch,
            &mut self.reconstructed,
            &mut self.squared_errors,
            features,
            &mut self.deep_features,
        )?)
    }

    /// A row in genmodel's raw form.
    pub fn score_raw(
        &mut self,
        scorer: &Scorer<'_>,
        raw: &[f64],
    ) -> Result<Scored<'_>, RowFailure> {
        self.score(scorer, |c| c.raw_values(raw))
    }

    /// Named cells in RowData insertion order.
    pub fn score_named(
        &mut self,
        scorer: &Scorer<'_>,
        cells: &[(&str, Cell<'_>)],
    ) -> Result<Scored<'_>, RowFailure> {
        self.score(scorer, |c| {
            c.named(|out| {
                out.extend_from_slice(cells);
                Ok(())
            })
        })
    }

    /// Cells by position under `header`.
    pub fn score_positional(
        &mut self,
        scorer: &Scorer<'_>,
        header: &Header,
        row: &impl PositionalRow,
    ) -> Result<Scored<'_>, RowFailure> {
        self.score(scorer, |c| c.positional(header, row))
    }
}
