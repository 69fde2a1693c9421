//! H2O's deep features: the activations of chosen hidden layers (`deep_features_hidden_layer`,
//! h2o-py's `model.deepfeatures(frame, layer)`), after the activation and, for `*WithDropout`
//! models, the `1 - hidden_dropout_ratio` scaling H2O applies at scoring.
//!
//! A [`DeepFeatures`] is a validated choice of layers, in the order asked; its output is their
//! units side by side, named like H2O's columns (`DF.L<layer+1>.C<unit+1>`). The row and batch
//! scoring paths fill it from the same forward pass as the reconstruction
//! ([`Model::score_with_features_into`], [`crate::score::BatchOutputs`]); asked for alone, the
//! forward pass stops at the deepest chosen layer.

use std::ops::Range;

use thiserror::Error;

use crate::error::ShapeError;
use crate::forward::Scratch;
use crate::model::Model;

/// A hidden layer number a model does not have. The message names the valid range, in the
/// words of H2O's own refusal.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LayerError {
    #[error(
        "hidden layer {layer} does not exist: the hidden layer (index) to extract must be \
         between 0 and {last}"
    )]
    OutOfRange { layer: i64, last: usize },
    #[error("hidden layer {layer} is asked for more than once")]
    Repeated { layer: usize },
}

/// Which hidden layers' activations to return (0-based, in the order asked), checked against
/// one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeepFeatures {
    layers: Vec<usize>,
    /// `offsets[k]..offsets[k + 1]` holds layer `layers[k]` in the output; the last is the width.
    offsets: Vec<usize>,
}

impl DeepFeatures {
    /// Checks `layers` against `model`: each must be a hidden layer (`0..n_hidden_layers()`),
    /// none twice. Signed, so that a negative number from a user gets the same clear error.
    pub fn new(model: &Model, layers: &[i64]) -> Result<Self, LayerError> {
        let hidden = model.n_hidden_layers();
        let mut chosen: Vec<usize> = Vec::with_capacity(layers.len());
        for &layer in layers {
            let index = usize::try_from(layer).ok().filter(|&l| l < hidden).ok_or(
                LayerError::OutOfRange {
                    layer,
                    last: hidden.saturating_sub(1),
                },
            )?;
            if chosen.contains(&index) {
                return Err(LayerError::Repeated { layer: index });
            }
            chosen.push(index);
        }
        let sizes = model.layer_sizes();
        let mut offsets = vec![0];
        for &l in &chosen {
            offsets.push(offsets[offsets.len() - 1] + sizes[l + 1]);
        }
        Ok(DeepFeatures {
            layers: chosen,
            offsets,
        })
    }

    /// No layer: no deep features (width 0) for any model.
    pub fn none() -> Self {
        DeepFeatures {
            layers: Vec::new(),
            offsets: vec![0],
        }
    }

    /// The chosen layers, 0-based, in the order asked.
    pub fn layers(&self) -> &[usize] {
        &self.layers
    }

    /// The number of output values per row: the units of every chosen layer.
    pub fn width(&self) -> usize {
        self.offsets[self.offsets.len() - 1]
    }

    /// Where the `k`-th chosen layer's units are in a row of output.
    pub fn range(&self, k: usize) -> Range<usize> {
        self.offsets[k]..self.offsets[k + 1]
    }

    /// H2O's column names, in output order: `DF.L<layer+1>.C<unit+1>`.
    pub fn column_names(&self) -> Vec<String> {
        let mut names = Vec::with_capacity(self.width());
        for (k, &layer) in self.layers.iter().enumerate() {
            names.extend(self.range(k).map(|j| {
                let unit = j - self.offsets[k] + 1;
                format!("DF.L{}.C{unit}", layer + 1)
            }));
        }
        names
    }

    /// How many layers the forward pass must run to produce every chosen layer.
    pub(crate) fn depth(&self) -> usize {
        self.layers.iter().max().map_or(0, |&l| l + 1)
    }

    /// Checks that this choice was made for a network shaped like `model`'s (the layers exist
    /// and have the widths it was built with).
    pub(crate) fn check(&self, model: &Model) -> Result<(), ShapeError> {
        let sizes = model.layer_sizes();
        let hidden = model.n_hidden_layers();
        for (k, &layer) in self.layers.iter().enumerate() {
            if layer >= hidden {
                return Err(ShapeError {
                    what: "hidden layers (deep features chosen for another model)",
                    expected: hidden,
                    actual: layer + 1,
                });
            }
            ShapeError::check(
                "units in a hidden layer (deep features chosen for another model)",
                sizes[layer + 1],
                self.range(k).len(),
            )?;
        }
        Ok(())
    }

    /// Copies the chosen activations of one row (`acts[l + 1]` is hidden layer `l`).
    pub(crate) fn gather(&self, acts: &[Vec<f64>], out: &mut [f64]) {
        for (k, &layer) in self.layers.iter().enumerate() {
            out[self.range(k)].copy_from_slice(&acts[layer + 1]);
        }
    }

    /// Copies the chosen activations of row `r` of a transposed block (`acts[l + 1][unit * rb
    /// + r]`, see [`crate::forward::BatchScratch`]).
    pub(crate) fn gather_block(
        &self,
        acts: &[Vec<f64>],
        rb: usize,
        r: usize,
        mut out: ndarray::ArrayViewMut1<f64>,
    ) {
        for (k, &layer) in self.layers.iter().enumerate() {
            let block = &acts[layer + 1];
            for (unit, j) in self.range(k).enumerate() {
                out[j] = block[unit * rb + r];
            }
        }
    }
}

impl Model {
    /// The number of hidden layers (deep features can come from `0..n_hidden_layers()`).
    pub fn n_hidden_layers(&self) -> usize {
        self.layers.len() - 1
    }

    /// Chooses hidden layers for deep features (see [`DeepFeatures::new`]).
    pub fn deep_features(&self, layers: &[i64]) -> Result<DeepFeatures, LayerError> {
        DeepFeatures::new(self, layers)
    }

    /// The deep features of one raw row into `out` (`features.width()` long), running the
    /// network only as deep as the chosen layers. Allocation-free.
    pub fn deep_features_into(
        &self,
        raw: &[f64],
        features: &DeepFeatures,
        scratch: &mut Scratch,
        out: &mut [f64],
    ) -> Result<(), ShapeError> {
        features.check(self)?;
        ShapeError::check("deep features buffer", features.width(), out.len())?;
        if !scratch.fits(self) {
            *scratch = Scratch::new(self);
        }
        self.expand_input(raw, &mut scratch.acts[0])?;
        self.forward_to(scratch, features.depth());
        features.gather(&scratch.acts, out);
        Ok(())
    }

    /// [`Model::score_into`] that also writes the deep features of the same forward pass into
    /// `features_out` (`features.width()` long). Returns the MSE.
    pub fn score_with_features_into(
        &self,
        raw: &[f64],
        scratch: &mut Scratch,
        reconstructed: &mut [f64],
        squared_errors: &mut [f64],
        features: &DeepFeatures,
        features_out: &mut [f64],
    ) -> Result<f64, ShapeError> {
        features.check(self)?;
        ShapeError::check("deep features buffer", features.width(), features_out.len())?;
        let mse = self.score_into(raw, scratch, reconstructed, squared_errors)?;
        features.gather(&scratch.acts, features_out);
        Ok(mse)
    }
}

#[cfg(test)]
mod tests {
    use crate::spec::ModelSpec;
    use crate::{Activation, Model};

    /// A numeric-only Tanh net with the given layer sizes and arbitrary weights.
    fn dense(sizes: &[usize]) -> Model {
        let n = sizes[0];
        ModelSpec {
            columns: (0..n).map(|i| format!("x{i}")).collect(),
            domains: vec![None; n],
            cat_offsets: vec![0],
            activation: Some(Activation::Tanh),
            layer_sizes: sizes.to_vec(),
            weights: sizes
                .windows(2)
                .map(|w| {
                    (0..w[0] * w[1])
                        .map(|i| (i % 7) as f32 / 7.0 - 0.4)
                        .collect()
                })
                .collect(),
            biases: sizes[1..].iter().map(|&k| vec![0.1; k]).collect(),
            ..ModelSpec::default()
        }
        .build("test")
        .unwrap()
    }

    fn model() -> Model {
        // 2 inputs -> 3 -> 1 -> 3 -> 2: three hidden layers of widths 3, 1, 3.
        dense(&[2, 3, 1, 3, 2])
    }

    #[test]
    fn names_follow_h2o_in_the_order_asked() {
        let m = model();
        let f = m.deep_features(&[1, 0]).unwrap();
        assert_eq!(f.width(), 4);
        assert_eq!(
            f.column_names(),
            ["DF.L2.C1", "DF.L1.C1", "DF.L1.C2", "DF.L1.C3"]
        );
        assert_eq!(f.depth(), 2);
    }

    #[test]
    fn bad_layers_name_the_valid_range() {
        let m = model();
        for bad in [3, -1, i64::MAX] {
            let e = m.deep_features(&[bad]).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "hidden layer {bad} does not exist: the hidden layer (index) to extract \
                     must be between 0 and 2"
                )
            );
        }
        assert_eq!(
            m.deep_features(&[2, 2]).unwrap_err().to_string(),
            "hidden layer 2 is asked for more than once"
        );
    }

    #[test]
    fn a_choice_for_another_model_is_refused() {
        let wide = dense(&[2, 5, 1, 5, 2]);
        let f = wide.deep_features(&[0]).unwrap();
        let m = model();
        let mut out = vec![0.0; f.width()];
        let err = m
            .deep_features_into(&[0.0, 0.0], &f, &mut crate::Scratch::new(&m), &mut out)
            .unwrap_err();
        assert!(err.to_string().contains("another model"), "{err}");
    }
}
