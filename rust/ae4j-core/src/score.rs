//! Scoring API: from a row in genmodel's raw form to the reconstruction, per-slot squared errors
//! and MSE, one row at a time or a batch (a matrix of rows) at once.
//!
//! A *raw row* has one f64 per input column, in model order, as genmodel's `score0` takes it:
//! a categorical holds its level index, a numeric its value, and NaN means missing.

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};

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
        for (k, &v) in raw[self.cats..].iter().enumerate() {
            let x = match &self.norm {
                Some(n) => (v - n.sub[k]) * n.mul[k],
                None => v,
            };
            input[first + k] = if x.is_nan() { 0.0 } else { x };
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
        self.forward_as(&mut scratch, None);
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
            for (k, r) in reconstructed[first..].iter_mut().enumerate() {
                *r = *r / n.mul[k] + n.sub[k];
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
        mut reconstructed: ArrayViewMut2<f64>,
        mut squared_errors: ArrayViewMut2<f64>,
        mut mse: ArrayViewMut1<f64>,
        scratch: &mut BatchScratch,
    ) -> Result<(), ShapeError> {
        let rows = raw.nrows();
        ShapeError::check("reconstruction rows", rows, reconstructed.nrows())?;
        ShapeError::check("error rows", rows, squared_errors.nrows())?;
        ShapeError::check("mse values", rows, mse.len())?;
        ShapeError::check("row", self.n_features(), raw.ncols())?;
        ShapeError::check(
            "reconstruction columns",
            self.n_slots(),
            reconstructed.ncols(),
        )?;
        ShapeError::check("error columns", self.n_slots(), squared_errors.ncols())?;
        if !scratch.fits(self) {
            *scratch = BatchScratch::new(self);
        }
        let kernel = Kernel::detect();
        let n = self.n_slots();
        let mut start = 0;
        while start < rows {
            let m = RB.min(rows - start);
            // Expand each row and scatter it into the transposed block; pad with zero rows.
            let BatchScratch {
                acts,
                row,
                raw: raw_buf,
            } = &mut *scratch;
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
            self.forward_block(kernel, scratch);
            let input = &scratch.acts[0];
            let output = &scratch.acts[scratch.acts.len() - 1];
            for r in 0..m {
                let mut rec = reconstructed.row_mut(start + r);
                let mut se = squared_errors.row_mut(start + r);
                // As `finish`, reading column r of the block.
                let mut sum = 0.0;
                for s in 0..n {
                    let (o, i) = (output[s * RB + r], input[s * RB + r]);
                    let d = o - i;
                    se[s] = d * d;
                    sum += d * d;
                    rec[s] = o;
                }
                if let Some(norm) = &self.norm {
                    let first = self.cat_offsets[self.cats];
                    for k in 0..self.nums {
                        let v = rec[first + k];
                        rec[first + k] = v / norm.mul[k] + norm.sub[k];
                    }
                }
                mse[start + r] = sum / n as f64;
            }
            start += m;
        }
        Ok(())
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

    /// The activations of hidden layer `layer` (0-based) for a raw row: H2O's "deep features"
    /// (`deep_features_hidden_layer`), after the activation and dropout scaling.
    pub fn hidden_layer(&self, raw: &[f64], layer: usize) -> Result<Vec<f64>, ShapeError> {
        let hidden = self.layers.len() - 1;
        if layer >= hidden {
            return Err(ShapeError {
                what: "hidden layer index (number of hidden layers)",
                expected: hidden,
                actual: layer,
            });
        }
        let mut scratch = Scratch::new(self);
        self.expand_input(raw, &mut scratch.acts[0])?;
        self.forward(&mut scratch);
        Ok(std::mem::take(&mut scratch.acts[layer + 1]))
    }
}
