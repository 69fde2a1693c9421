//! **The row path**, once for every front end: a row's cells → genmodel's raw row → score →
//! decision → explanation. This is the one place where a row becomes a score; the CLI, the
//! service, the JNI bridge (and through it Java and Spark) only adapt their own row types.
//!
//! - [`Scorer`]: what is shared by every thread (the model, its calibration, the
//!   [`ScoreOptions`]); it decides ([`Scorer::decide`]) and explains ([`Scorer::explain`]).
//! - [`RowScorer`]: one thread's buffers; [`RowScorer::score`] takes one row in any form of
//!   [`Conversion`] (raw values, named cells, cells by position under a [`Header`]) and gives a
//!   [`Scored`] row.
//! - [`Scorer::score_batch`]: every row of a [`RowSource`] over every core, as
//!   [`BatchScores`] columns.
//! - [`RowFailure`]: why a row could not be scored, with the texts every front end shows.
//!
//! How a scored row is written as a table (column names, numbers) is [`crate::table`]'s job.
//!
//! # Extension points
//! - **A new output**: a field of [`Outputs`] (or of the [`Scorer`], like the deep features of
//!   [`Scorer::with_deep_features`]) that asks for it, a field of [`Scored`] filled in
//!   [`RowScorer::score_in_place`], a column of [`BatchScores`] filled in its `push`, and a
//!   [`crate::table::ColumnGroup`].
//! - **Preprocessing** (raw input columns transformed before genmodel's conversion): the
//!   [`crate::pipeline::Pipeline`] a [`Scorer`] carries ([`Scorer::with_pipeline`]), run by
//!   [`Conversion::named`] and [`Conversion::positional`] on the raw cells.
//! - **Another front end** (Python with columns of typed cells): implement [`RowSource`] for
//!   its batch type with [`Conversion::named`] (or [`Conversion::positional`]) and call
//!   [`Scorer::score_batch`].

mod batch;
mod failure;
mod input;
mod row;

pub use batch::BatchScores;
pub use failure::{RowFailure, MALFORMED_ROW, PIPELINE_ROW};
pub(crate) use input::recycle;
pub use input::{Conversion, Header, NamedCells, PositionalRow, RowSource};
pub use row::{RowScorer, Scored};

use crate::calibration::{self, Calibration, Decision};
use crate::convert::ConvertOptions;
use crate::deep::DeepFeatures;
use crate::model::Model;
use crate::pipeline::Pipeline;

/// What the row path computes besides the MSE (the squared errors and the reconstruction are
/// always computed; these say which a batch keeps).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outputs {
    /// Keep the per-slot squared errors (`reconstr_<slot>.SE`).
    pub per_feature: bool,
    /// Keep the reconstruction (`reconstr_<slot>`).
    pub reconstruction: bool,
    /// Name the input columns with the largest shares of each row's error (0: none).
    pub explain: usize,
}

/// How rows are read and what is made of them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScoreOptions {
    /// genmodel's conversion switches.
    pub convert: ConvertOptions,
    /// A threshold given at run time, instead of the calibrated one (or without a calibration).
    pub threshold: Option<f64>,
    pub outputs: Outputs,
}

/// The shared part of the row path: a model, its calibration and the options. Cheap to make
/// (references and flags), `Sync`: one per request or call, shared by its threads.
#[derive(Debug, Clone, Copy)]
pub struct Scorer<'m> {
    model: &'m Model,
    calibration: Option<&'m Calibration>,
    options: ScoreOptions,
    /// Hidden-layer activations to compute from the same forward pass (H2O's deep features).
    deep: Option<&'m DeepFeatures>,
    /// The preprocessing from raw input cells to the model's columns.
    pipeline: Option<&'m Pipeline>,
}

impl<'m> Scorer<'m> {
    pub fn new(
        model: &'m Model,
        calibration: Option<&'m Calibration>,
        options: ScoreOptions,
    ) -> Self {
        Scorer {
            model,
            calibration,
            options,
            deep: None,
            pipeline: None,
        }
    }

    /// Runs `pipeline` on every row given as cells ([`Conversion::named`],
    /// [`Conversion::positional`]): those cells are then the pipeline's raw inputs. A raw row
    /// ([`Conversion::raw_values`]) is taken as already transformed.
    pub fn with_pipeline(mut self, pipeline: &'m Pipeline) -> Self {
        self.pipeline = Some(pipeline);
        self
    }

    /// The pipeline rows go through, if any.
    pub fn pipeline(&self) -> Option<&'m Pipeline> {
        self.pipeline
    }

    /// Also computes these hidden layers' activations for every row (H2O's deep features, the
    /// [`Scored::deep_features`] of each row); a choice of no layer computes nothing more.
    pub fn with_deep_features(mut self, features: &'m DeepFeatures) -> Self {
        self.deep = (features.width() > 0).then_some(features);
        self
    }

    /// The deep features each row gets, if any.
    pub fn deep_features(&self) -> Option<&'m DeepFeatures> {
        self.deep
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    pub fn calibration(&self) -> Option<&'m Calibration> {
        self.calibration
    }

    pub fn options(&self) -> &ScoreOptions {
        &self.options
    }

    /// Whether rows get a decision: there is a calibration or a run-time threshold.
    pub fn decides(&self) -> bool {
        self.calibration.is_some() || self.options.threshold.is_some()
    }

    /// The decision on an MSE (`None` when there is nothing to decide with).
    pub fn decide(&self, mse: f64) -> Option<Decision> {
        calibration::decide(self.calibration, self.options.threshold, mse)
    }

    /// The `outputs.explain` input columns with the largest shares of a row's squared errors
    /// (empty when none are asked for).
    pub fn explain(&self, squared_errors: &[f64]) -> Vec<(usize, f64)> {
        match self.options.outputs.explain {
            0 => Vec::new(),
            k => calibration::explain(self.model, squared_errors, k),
        }
    }

    /// A new thread's buffers for this scorer's model.
    pub fn buffers(&self) -> RowScorer {
        RowScorer::new(self.model)
    }
}
