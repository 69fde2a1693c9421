//! Scoring API: from a row in genmodel's raw form to the reconstruction, per-slot squared errors
//! and MSE, one row at a time or a batch (a matrix of rows) at once.
//!
//! A *raw row* has one f64 per input column, in model order, as genmodel's `score0` takes it:
//! a categorical holds its level index, a numeric its value, and NaN means missing.

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};

use crate::deep::DeepFeatures;
use crate::error::ShapeError;
use crate::forward::kernel::{Kernel, RB};
use crate::forward::{BatchScratch, Scratch};
use crate::model::Model;

/// Everything genmodel's `predictAutoEncoder` gives for one row, plus the per-slot errors.
#[derive(Debug, Clone, PartialEq)]
pub struct RowScore {
    /// The expanded input in raw units (one-hot categoricals; numerics as given, NaN if missing):
    /// genmodel's `original`.
    pub original: Vec<f64>,
    /// The network output with numerics de-normalized: genmodel's `reconstructed`.
    pub reconstructed: Vec<f64>,
    /// `(output - input)^2` per slot in H2O's normalized space: the server's per-feature errors.
    pub squared_errors: Vec<f64>,
    /// Mean of `squared_errors`: H2O's `Reconstruction.MSE`, finite where a numeric is missing.
    pub mse: f64,
}

/// Scores of a batch: one row per input row.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchScore {
    pub reconstructed: Array2<f64>,
    pub squared_errors: Array2<f64>,
    pub mse: Array1<f64>,
}

impl Model {
    /// The slot of categorical `cat` that a raw value selects: its level, or the NA slot for a
    /// missing or out-of-range value (genmodel clamps large indices to the NA slot too).
    #[inline]
    fn cat_slot(&self, cat: usize, value: f64) -> usize {
        let (start, end) = (self.cat_offsets[cat], self.cat_offsets[cat + 1]);
        let na = end - 1;
        if value.is_nan() || value < 0.0 {
            return na;
        }
        let level = value as usize; // truncates toward zero like Java's (int) cast
        if level >= na - start {
            na
        } else {
            start + level
        }
    }

    /// The network input for a raw row: one-hot categoricals with the NA slot, standardized
    /// numerics, and 0 (the training mean) for a missing numeric.
    pub fn expand_input(&self, raw: &[f64], input: &mut [f64]) -> Result<(), ShapeError> {
        ShapeError::check("row", self.n_features(), raw.len())?;
        ShapeError::check("input buffer", self.n_slots(), input.len())?;
        input.fill(0.0);
        for (cat, &v) in raw[..self.cats].iter().enumerate() {
            input[self.cat_slot(cat, v)] = 1.0;
        }
        let first = self.cat_offsets[self.cats];
        let numerics = raw[self.cats..].iter().zip(&mut input[first..]);
        // Zipped slices, no index: the compiler vectorizes these loops (the same IEEE operations
        // on each value, so the same bits as one value at a time).
        match &self.norm {
            Some(n) => {
                for ((&v, x), (&sub, &mul)) in numerics.zip(n.sub.iter().zip(&n.mul)) {
                    let z = (v - sub) * mul;
                    *x = if z.is_nan() { 0.0 } else { z };
                }
            }
            None => {
                for (&v, x) in numerics {
                    *x = if v.is_nan() { 0.0 } else { v };
                }
            }
        }
        Ok(())
    }

    /// genmodel's `original`: one-hot categoricals, numerics in raw units (NaN when missing).
    pub fn expand_original(&self, raw: &[f64], original: &mut [f64]) -> Result<(), ShapeError> {
        ShapeError::check("row", self.n_features(), raw.len())?;
        ShapeError::check("original buffer", self.n_slots(), original.len())?;
        original.fill(0.0);
        for (cat, &v) in raw[..self.cats].iter().enumerate() {
            original[self.cat_slot(cat, v)] = 1.0;
        }
        let first = self.cat_offsets[self.cats];
        original[first..].copy_from_slice(&raw[self.cats..]);
        Ok(())
    }

    /// Scores one raw row into caller-owned buffers (each `n_slots()` long) and returns the MSE.
    /// Allocation-free: the hot path of every route.
    pub fn score_into(
        &self,
        raw: &[f64],
        scratch: &mut Scratch,
        reconstructed: &mut [f64],
        squared_errors: &mut [f64],
    ) -> Result<f64, ShapeError> {
        ShapeError::check("reconstruction buffer", self.n_slots(), reconstructed.len())?;
        ShapeError::check("error buffer", self.n_slots(), squared_errors.len())?;
        if !scratch.fits(self) {
            *scratch = Scratch::new(self);
        }
        self.expand_input(raw, &mut scratch.acts[0])?;
        self.forward(scratch);
        Ok(self.finish(scratch, reconstructed, squared_errors))
    }

    /// The de-normalized network output for a raw row when the network has no activation at
    /// all: what genmodel's POJO of an ExpRectifier model computes (see [`crate::pojo::probe`]).
    pub(crate) fn reconstruct_identity(&self, raw: &[f64]) -> Result<Vec<f64>, ShapeError> {
        let mut scratch = Scratch::new(self);
        let (mut reconstructed, mut squared_errors) =
            (vec![0.0; self.n_slots()], vec![0.0; self.n_slots()]);
        self.expand_input(raw, &mut scratch.acts[0])?;
        self.forward_as(&mut scratch, self.layers.len(), None);
        self.finish(&scratch, &mut reconstructed, &mut squared_errors);
        Ok(reconstructed)
    }

    /// From the filled activations: de-normalized reconstruction, squared errors, MSE.
    fn finish(
        &self,
        scratch: &Scratch,
        reconstructed: &mut [f64],
        squared_errors: &mut [f64],
    ) -> f64 {
        let input = &scratch.acts[0];
        let output = &scratch.acts[scratch.acts.len() - 1];
        let mut sum = 0.0;
        for ((se, &o), &i) in squared_errors.iter_mut().zip(output).zip(input) {
            let d = o - i;
            *se = d * d;
            sum += *se;
        }
        reconstructed.copy_from_slice(output);
        if let Some(n) = &self.norm {
            let first = self.cat_offsets[self.cats];
            let numerics = reconstructed[first..]
                .iter_mut()
                .zip(n.mul.iter().zip(&n.sub));
            for (r, (&mul, &sub)) in numerics {
                *r = *r / mul + sub;
            }
        }
        sum / self.n_slots() as f64
    }

    /// Scores one raw row, allocating the result.
    pub fn score(&self, raw: &[f64]) -> Result<RowScore, ShapeError> {
        let n = self.n_slots();
        let mut out = RowScore {
            original: vec![0.0; n],
            reconstructed: vec![0.0; n],
            squared_errors: vec![0.0; n],
            mse: 0.0,
        };
        let mut scratch = Scratch::new(self);
        out.mse = self.score_into(
            raw,
            &mut scratch,
            &mut out.reconstructed,
            &mut out.squared_errors,
        )?;
        self.expand_original(raw, &mut out.original)?;
        Ok(out)
    }

    /// Scores a batch (one raw row per matrix row) into caller-owned matrices. Gives exactly the
    /// numbers of [`Model::score_into`] row by row.
    pub fn score_batch_into(
        &self,
        raw: ArrayView2<f64>,
        reconstructed: ArrayViewMut2<f64>,
        squared_errors: ArrayViewMut2<f64>,
        mse: ArrayViewMut1<f64>,
    ) -> Result<(), ShapeError> {
        let mut scratch = BatchScratch::new(self);
        self.score_batch_with(raw, reconstructed, squared_errors, mse, &mut scratch)
    }

    /// [`Model::score_batch_into`] with caller-owned working memory (resized if it does not fit
    /// this model): no allocation per call. Rows go through the network in blocks of
    /// [`BatchScratch::ROWS`], each layer reading its weights once per block.
    pub fn score_batch_with(
        &self,
        raw: ArrayView2<f64>,
        reconstructed: ArrayViewMut2<f64>,
        squared_errors: ArrayViewMut2<f64>,
        mse: ArrayViewMut1<f64>,
        scratch: &mut BatchScratch,
    ) -> Result<(), ShapeError> {
        let outputs = BatchOutputs {
            reconstructed: Some(reconstructed),
            squared_errors: Some(squared_errors),
            mse: Some(mse),
            deep_features: None,
        };
        self.score_batch_outputs(raw, outputs, scratch)
    }

    /// The batch path: writes the requested [`BatchOutputs`] of every row from one forward
    /// pass per block of [`BatchScratch::ROWS`] rows (`scratch` is resized if it does not fit
    /// this model). With only deep features, the network runs no deeper than the deepest chosen
    /// layer. Gives exactly the numbers of the row path ([`Model::score_into`],
    /// [`Model::deep_features_into`]).
    pub fn score_batch_outputs(
        &self,
        raw: ArrayView2<f64>,
        mut out: BatchOutputs,
        scratch: &mut BatchScratch,
    ) -> Result<(), ShapeError> {
        let depth = out.check(self, raw)?;
        if !scratch.fits(self) {
            *scratch = BatchScratch::new(self);
        }
        let kernel = Kernel::detect();
        let rows = raw.nrows();
        let mut start = 0;
        while start < rows && depth > 0 {
            let m = RB.min(rows - start);
            self.load_block(raw, start, m, scratch)?;
            self.forward_block(kernel, scratch, depth);
            for r in 0..m {
                let row = start + r;
                if out.wants_scores() {
                    let rec = out.reconstructed.as_mut().map(|a| a.row_mut(row));
                    let se = out.squared_errors.as_mut().map(|a| a.row_mut(row));
                    let mse = self.finish_block_row(&scratch.acts, r, rec, se);
                    if let Some(out_mse) = out.mse.as_mut() {
                        out_mse[row] = mse;
                    }
                }
                if let Some((features, matrix)) = out.deep_features.as_mut() {
                    features.gather_block(&scratch.acts, RB, r, matrix.row_mut(row));
                }
            }
            start += m;
        }
        Ok(())
    }

    /// Expands rows `start..start + m` of `raw` into the transposed block `scratch.acts[0]`,
    /// padding it with zero rows.
    fn load_block(
        &self,
        raw: ArrayView2<f64>,
        start: usize,
        m: usize,
        scratch: &mut BatchScratch,
    ) -> Result<(), ShapeError> {
        let BatchScratch {
            acts,
            row,
            raw: raw_buf,
        } = scratch;
        for r in 0..RB {
            if r < m {
                let raw_r = raw.row(start + r);
                // Rows of a non-contiguous view are copied once; contiguous ones used in place.
                let raw_slice = match raw_r.as_slice() {
                    Some(s) => s,
                    None => {
                        raw_buf
                            .iter_mut()
                            .zip(raw_r.iter())
                            .for_each(|(d, s)| *d = *s);
                        &raw_buf[..]
                    }
                };
                self.expand_input(raw_slice, row)?;
            } else {
                row.fill(0.0);
            }
            for (c, &v) in row.iter().enumerate() {
                acts[0][c * RB + r] = v;
            }
        }
        Ok(())
    }

    /// As [`Model::finish`] for row `r` of a block: writes the outputs asked for, returns the MSE.
    fn finish_block_row(
        &self,
        acts: &[Vec<f64>],
        r: usize,
        reconstructed: Option<ArrayViewMut1<f64>>,
        squared_errors: Option<ArrayViewMut1<f64>>,
    ) -> f64 {
        let n = self.n_slots();
        let (input, output) = (&acts[0], &acts[acts.len() - 1]);
        let mut sum = 0.0;
        match squared_errors {
            Some(mut se) => {
                for s in 0..n {
                    let d = output[s * RB + r] - input[s * RB + r];
                    se[s] = d * d;
                    sum += d * d;
                }
            }
            None => {
                for s in 0..n {
                    let d = output[s * RB + r] - input[s * RB + r];
                    sum += d * d;
                }
            }
        }
        if let Some(mut rec) = reconstructed {
            for s in 0..n {
                rec[s] = output[s * RB + r];
            }
            if let Some(norm) = &self.norm {
                let first = self.cat_offsets[self.cats];
                for k in 0..self.nums {
                    let v = rec[first + k];
                    rec[first + k] = v / norm.mul[k] + norm.sub[k];
                }
            }
        }
        sum / n as f64
    }

    /// Scores a batch, allocating the result matrices.
    pub fn score_batch(&self, raw: ArrayView2<f64>) -> Result<BatchScore, ShapeError> {
        let (rows, n) = (raw.nrows(), self.n_slots());
        let mut out = BatchScore {
            reconstructed: Array2::zeros((rows, n)),
            squared_errors: Array2::zeros((rows, n)),
            mse: Array1::zeros(rows),
        };
        self.score_batch_into(
            raw,
            out.reconstructed.view_mut(),
            out.squared_errors.view_mut(),
            out.mse.view_mut(),
        )?;
        Ok(out)
    }

    /// The deep features of a batch (one raw row per matrix row), allocating the result:
    /// `features.width()` columns, see [`DeepFeatures::column_names`].
    pub fn deep_features_batch(
        &self,
        raw: ArrayView2<f64>,
        features: &DeepFeatures,
    ) -> Result<Array2<f64>, ShapeError> {
        let mut matrix = Array2::zeros((raw.nrows(), features.width()));
        let outputs = BatchOutputs {
            deep_features: Some((features, matrix.view_mut())),
            ..BatchOutputs::default()
        };
        self.score_batch_outputs(raw, outputs, &mut BatchScratch::new(self))?;
        Ok(matrix)
    }

    /// The activations of hidden layer `layer` (0-based) for a raw row: H2O's "deep features"
    /// (`deep_features_hidden_layer`), after the activation and dropout scaling.
    pub fn hidden_layer(&self, raw: &[f64], layer: usize) -> Result<Vec<f64>, ShapeError> {
        let hidden = self.n_hidden_layers();
        let features = i64::try_from(layer)
            .ok()
            .and_then(|l| self.deep_features(&[l]).ok())
            .ok_or(ShapeError {
                what: "hidden layer index (number of hidden layers)",
                expected: hidden,
                actual: layer,
            })?;
        let mut out = vec![0.0; features.width()];
        self.deep_features_into(raw, &features, &mut Scratch::new(self), &mut out)?;
        Ok(out)
    }
}

/// The outputs of a batch call ([`Model::score_batch_outputs`]): each a caller-owned matrix
/// (or vector) with one row per input row, or `None` when not wanted (then not computed).
#[derive(Debug, Default)]
pub struct BatchOutputs<'a> {
    /// `n_slots()` columns: genmodel's `reconstructed`.
    pub reconstructed: Option<ArrayViewMut2<'a, f64>>,
    /// `n_slots()` columns: the server's per-feature squared errors.
    pub squared_errors: Option<ArrayViewMut2<'a, f64>>,
    pub mse: Option<ArrayViewMut1<'a, f64>>,
    /// The chosen hidden layers and a matrix of `features.width()` columns for them.
    pub deep_features: Option<(&'a DeepFeatures, ArrayViewMut2<'a, f64>)>,
}

impl BatchOutputs<'_> {
    fn wants_scores(&self) -> bool {
        self.reconstructed.is_some() || self.squared_errors.is_some() || self.mse.is_some()
    }

    /// Checks every shape against `model` and `raw`; returns how many layers must run.
    fn check(&self, model: &Model, raw: ArrayView2<f64>) -> Result<usize, ShapeError> {
        let (rows, slots) = (raw.nrows(), model.n_slots());
        if let Some(a) = &self.reconstructed {
            ShapeError::check("reconstruction rows", rows, a.nrows())?;
        }
        if let Some(a) = &self.squared_errors {
            ShapeError::check("error rows", rows, a.nrows())?;
        }
        if let Some(a) = &self.mse {
            ShapeError::check("mse values", rows, a.len())?;
        }
        ShapeError::check("row", model.n_features(), raw.ncols())?;
        if let Some(a) = &self.reconstructed {
            ShapeError::check("reconstruction columns", slots, a.ncols())?;
        }
        if let Some(a) = &self.squared_errors {
            ShapeError::check("error columns", slots, a.ncols())?;
        }
        let mut depth = 0;
        if let Some((features, a)) = &self.deep_features {
            features.check(model)?;
            ShapeError::check("deep features rows", rows, a.nrows())?;
            ShapeError::check("deep features columns", features.width(), a.ncols())?;
            depth = features.depth();
        }
        Ok(if self.wants_scores() {
            model.layers.len()
        } else {
            depth
        })
    }
}
