//! The validated, immutable autoencoder. Build one with a reader ([`crate::mojo`]) or
//! [`crate::ModelSpec::build`]; share it freely between threads (it is `Send + Sync`).

use std::collections::HashMap;

use ndarray::{Array1, Array2};

use crate::activation::Activation;

/// Where a model came from and what H2O said about it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelInfo {
    /// `mojo`, `pojo`, ... : the kind of file the model was read from.
    pub format: String,
    /// The H2O version that trained the model, when the file says.
    pub h2o_version: Option<String>,
    /// The MOJO format version (`1.00`, `1.10`), for MOJOs.
    pub mojo_version: Option<String>,
    /// H2O's model id (POJO class name) or the MOJO's uuid, when known.
    pub model_id: Option<String>,
}

/// A model input column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    /// The levels of a categorical column, in H2O's order; `None` for a numeric column.
    pub domain: Option<Vec<String>>,
}

impl Column {
    pub fn is_categorical(&self) -> bool {
        self.domain.is_some()
    }
}

/// H2O's standardization of numeric inputs: `(x - sub) * mul`.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalization {
    pub mul: Vec<f64>,
    pub sub: Vec<f64>,
}

/// One dense layer: `act(W x + b)`, then hidden outputs scaled by `1 - dropout` if any.
#[derive(Debug, Clone)]
pub struct Layer {
    /// `rows = outputs`, `cols = inputs`; float32 as H2O keeps them (widened in each product).
    pub weights: Array2<f32>,
    pub bias: Array1<f64>,
    /// `1 - hidden_dropout_ratio` for hidden layers of `*WithDropout` models.
    pub dropout_scale: Option<f64>,
}

/// An H2O deep-learning autoencoder ready to score.
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) info: ModelInfo,
    pub(crate) columns: Vec<Column>,
    pub(crate) cats: usize,
    pub(crate) nums: usize,
    pub(crate) cat_offsets: Vec<usize>,
    pub(crate) norm: Option<Normalization>,
    pub(crate) activation: Activation,
    pub(crate) layers: Vec<Layer>,
    pub(crate) slot_names: Vec<String>,
    pub(crate) feature_index: HashMap<String, usize>,
    pub(crate) level_index: Vec<HashMap<String, usize>>,
    /// Each layer's weights widened to f64 (row-major), built on first use by the batch kernel:
    /// a broadcast load then costs no conversion. Same values as `Layer::weights`.
    pub(crate) wide_weights: std::sync::OnceLock<Vec<Vec<f64>>>,
}

impl Model {
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The input columns in model order (categoricals first).
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The number of input columns (genmodel's `nfeatures()`).
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }

    pub fn n_categorical(&self) -> usize {
        self.cats
    }

    pub fn n_numeric(&self) -> usize {
        self.nums
    }

    /// The number of expanded slots: the width of the input, the reconstruction and the
    /// per-feature errors.
    pub fn n_slots(&self) -> usize {
        self.cat_offsets[self.cats] + self.nums
    }

    /// H2O's names of the expanded slots (`<col>.<level>`, `<col>.missing(NA)`, `<col>`); the
    /// CLI prefixes them with `reconstr_` like H2O does.
    pub fn slot_names(&self) -> &[String] {
        &self.slot_names
    }

    /// Start of each categorical's block in the expanded input, then the first numeric slot.
    pub fn cat_offsets(&self) -> &[usize] {
        &self.cat_offsets
    }

    pub fn normalization(&self) -> Option<&Normalization> {
        self.norm.as_ref()
    }

    pub fn activation(&self) -> Activation {
        self.activation
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// `[N, h1, ..., hL, N]`, as H2O's `neural_network_sizes`.
    pub fn layer_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.n_slots()];
        sizes.extend(self.layers.iter().map(|l| l.bias.len()));
        sizes
    }

    /// The index of a column by its exact (case-sensitive) name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.feature_index.get(name).copied()
    }

    /// The index of `level` in categorical column `feature`, genmodel's way: the exact level,
    /// else the `<col>.<level>` form.
    pub fn level_index(&self, feature: usize, level: &str) -> Option<usize> {
        let levels = self.level_index.get(feature)?;
        levels.get(level).copied().or_else(|| {
            let qualified = format!("{}.{}", self.columns[feature].name, level);
            levels.get(qualified.as_str()).copied()
        })
    }

    /// The layers' weights as f64 (exact widenings of the f32 weights), built once.
    pub(crate) fn wide_weights(&self) -> &[Vec<f64>] {
        self.wide_weights.get_or_init(|| {
            self.layers
                .iter()
                .map(|l| l.weights.iter().map(|&w| f64::from(w)).collect())
                .collect()
        })
    }

    /// Multiply-adds per row, for throughput figures.
    pub fn flops_per_row(&self) -> usize {
        self.layers.iter().map(|l| 2 * l.weights.len()).sum()
    }
}
