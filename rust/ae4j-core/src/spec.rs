//! `ModelSpec`: the plain description of an autoencoder that every reader produces (MOJO, POJO
//! source, a compiled POJO read by reflection, a model taken from a running H2O), and its
//! validation into a scorable [`Model`]. All consistency checks live here, once.

use std::collections::HashMap;

use ndarray::{Array1, Array2};

use crate::activation::Activation;
use crate::error::ModelError;
use crate::model::{Column, Layer, Model, ModelInfo, Normalization};

/// Everything needed to score an H2O deep-learning autoencoder, as read from a model file.
#[derive(Debug, Clone, Default)]
pub struct ModelSpec {
    pub info: ModelInfo,
    /// Feature names in model order: categoricals first, then numerics.
    pub columns: Vec<String>,
    /// One entry per feature: the levels of a categorical, `None` for a numeric.
    pub domains: Vec<Option<Vec<String>>>,
    /// Start of each categorical's block in the expanded input, plus the end: `cats + 1` values.
    pub cat_offsets: Vec<usize>,
    /// `(x - norm_sub) * norm_mul` per numeric; `None` when trained with `standardize=false`.
    pub norm_mul: Option<Vec<f64>>,
    pub norm_sub: Option<Vec<f64>>,
    pub activation: Option<Activation>,
    /// `[N, h1, ..., hL, N]`.
    pub layer_sizes: Vec<usize>,
    /// Per layer, row-major `sizes[i+1] x sizes[i]`, float32 as H2O stores them.
    pub weights: Vec<Vec<f32>>,
    pub biases: Vec<Vec<f64>>,
    /// Dropout ratio of each hidden layer (extra trailing entries, e.g. the output's 0, ignored).
    pub hidden_dropout_ratios: Vec<f64>,
}

impl ModelSpec {
    /// Validates the spec and builds the model. `origin` names the file in error messages.
    pub fn build(self, origin: &str) -> Result<Model, ModelError> {
        let bad = |reason: String| ModelError::Inconsistent {
            path: origin.to_string(),
            reason,
        };
        let activation = self.activation.ok_or_else(|| bad("no activation".into()))?;
        let n_features = self.columns.len();
        if self.domains.len() != n_features {
            return Err(bad(format!(
                "{} domains for {n_features} columns",
                self.domains.len()
            )));
        }
        let cats = self.domains.iter().take_while(|d| d.is_some()).count();
        if let Some(i) = self.domains[cats..].iter().position(|d| d.is_some()) {
            return Err(bad(format!(
                "categorical column '{}' follows a numeric one; H2O puts categoricals first",
                self.columns[cats + i]
            )));
        }
        let nums = n_features - cats;
        check_cat_offsets(&self.cat_offsets, &self.domains[..cats], &self.columns).map_err(bad)?;
        let expanded = self.cat_offsets[cats] + nums;

        let sizes = &self.layer_sizes;
        if sizes.len() < 3 {
            return Err(bad(format!(
                "neural_network_sizes {sizes:?}: an autoencoder has an input, at least one hidden and an output layer"
            )));
        }
        if sizes.contains(&0) {
            return Err(bad(format!(
                "neural_network_sizes {sizes:?} has an empty layer"
            )));
        }
        if sizes[0] != expanded || sizes[sizes.len() - 1] != expanded {
            let hint = if sizes[0] < expanded {
                " (trained with max_categorical_features hashing, which H2O's MOJO cannot score either)"
            } else {
                ""
            };
            return Err(bad(format!(
                "neural_network_sizes {sizes:?}: input and output must both be {expanded} = {cats} categorical blocks ({} slots) + {nums} numerics{hint}",
                self.cat_offsets[cats]
            )));
        }
        let n_layers = sizes.len() - 1;
        if self.weights.len() != n_layers || self.biases.len() != n_layers {
            return Err(bad(format!(
                "{n_layers} layers, but {} weight and {} bias arrays",
                self.weights.len(),
                self.biases.len()
            )));
        }
        let norm = match (self.norm_mul, self.norm_sub) {
            (None, None) => None,
            (Some(mul), Some(sub)) if nums == 0 && mul.is_empty() && sub.is_empty() => None,
            (Some(mul), Some(sub)) => {
                if mul.len() != nums || sub.len() != nums {
                    return Err(bad(format!(
                        "norm_mul has {} and norm_sub {} values for {nums} numeric columns",
                        mul.len(),
                        sub.len()
                    )));
                }
                Some(Normalization { mul, sub })
            }
            _ => return Err(bad("only one of norm_mul and norm_sub is given".into())),
        };
        // Dropout ratios only matter for the *WithDropout activations, one per hidden layer.
        let hidden = n_layers - 1;
        if activation.has_dropout() && self.hidden_dropout_ratios.len() < hidden {
            return Err(bad(format!(
                "{activation} needs {hidden} hidden_dropout_ratios, got {}",
                self.hidden_dropout_ratios.len()
            )));
        }
        let mut layers = Vec::with_capacity(n_layers);
        for (i, (w, b)) in self.weights.into_iter().zip(self.biases).enumerate() {
            let (rows, cols) = (sizes[i + 1], sizes[i]);
            let expected = rows
                .checked_mul(cols)
                .ok_or_else(|| bad(format!("layer {i} of {rows} x {cols} weights is too large")))?;
            if w.len() != expected {
                return Err(bad(format!(
                    "weight_layer{i} has {} values, expected {rows} x {cols} = {expected}",
                    w.len()
                )));
            }
            if b.len() != rows {
                return Err(bad(format!(
                    "bias_layer{i} has {} values, expected {rows}",
                    b.len()
                )));
            }
            let ratio = if activation.has_dropout() && i < hidden {
                let r = self.hidden_dropout_ratios[i];
                if !(0.0..1.0).contains(&r) {
                    return Err(bad(format!(
                        "hidden_dropout_ratios[{i}] = {r} is not in [0, 1)"
                    )));
                }
                r
            } else {
                0.0
            };
            // Kept as float32, H2O's precision: half the memory traffic of f64, widened per product.
            let weights = Array2::from_shape_vec((rows, cols), w)
                .map_err(|e| bad(format!("weight_layer{i}: {e}")))?;
            layers.push(Layer {
                weights,
                bias: Array1::from(b),
                dropout_scale: (ratio > 0.0).then_some(1.0 - ratio),
            });
        }

        let columns: Vec<Column> = self
            .columns
            .into_iter()
            .zip(self.domains)
            .map(|(name, domain)| Column { name, domain })
            .collect();
        let mut feature_index = HashMap::with_capacity(n_features);
        for (i, c) in columns.iter().enumerate() {
            // genmodel's column map keeps the last index of a duplicated name; so do we.
            feature_index.insert(c.name.clone(), i);
        }
        let level_index = columns[..cats]
            .iter()
            .map(|c| {
                let mut m = HashMap::new();
                for (k, level) in c.domain.iter().flatten().enumerate() {
                    m.entry(level.clone()).or_insert(k);
                }
                m
            })
            .collect();
        let slot_names = slot_names(&columns, cats);
        Ok(Model {
            info: self.info,
            columns,
            cats,
            nums,
            cat_offsets: self.cat_offsets,
            norm,
            activation,
            layers,
            slot_names,
            feature_index,
            level_index,
            wide_weights: Default::default(),
        })
    }
}

fn check_cat_offsets(
    offsets: &[usize],
    domains: &[Option<Vec<String>>],
    names: &[String],
) -> Result<(), String> {
    if offsets.len() != domains.len() + 1 {
        return Err(format!(
            "cat_offsets has {} values for {} categorical columns (expected {})",
            offsets.len(),
            domains.len(),
            domains.len() + 1
        ));
    }
    if offsets[0] != 0 {
        return Err(format!("cat_offsets must start at 0, not {}", offsets[0]));
    }
    for (i, d) in domains.iter().enumerate() {
        let levels = d.as_ref().map_or(0, Vec::len);
        let width = offsets[i + 1].checked_sub(offsets[i]);
        if width != Some(levels + 1) {
            return Err(format!(
                "cat_offsets {:?}: column '{}' has {levels} levels, so its block must be {} slots wide (every level plus NA)",
                offsets,
                names[i],
                levels + 1
            ));
        }
    }
    Ok(())
}

/// H2O's names of the expanded slots (`DataInfo.coefNames`): `<col>.<level>`, `<col>.missing(NA)`, `<col>`.
fn slot_names(columns: &[Column], cats: usize) -> Vec<String> {
    let mut names = Vec::new();
    for c in &columns[..cats] {
        for level in c.domain.iter().flatten() {
            names.push(format!("{}.{}", c.name, level));
        }
        names.push(format!("{}.missing(NA)", c.name));
    }
    names.extend(columns[cats..].iter().map(|c| c.name.clone()));
    names
}
