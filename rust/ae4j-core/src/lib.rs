//! # ae4j-core
//!
//! Exact scoring of H2O deep-learning autoencoders (anomaly detection by reconstruction error),
//! with no H2O cluster and no JVM. Reads H2O's MOJO, reproduces h2o-genmodel's numbers (its
//! arithmetic order, so reconstructions are bit-identical for Rectifier models and within an ulp
//! of `exp` for Tanh) and its input rules, and returns the H2O server's finite MSE where genmodel
//! gives NaN.
//!
//! ```no_run
//! let model = ae4j_core::load_model(std::path::Path::new("model.zip"))?;
//! let raw = vec![f64::NAN; model.n_features()]; // every input missing
//! let score = model.score(&raw)?;
//! println!("MSE {}", score.mse);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! No JNI and no I/O here beyond reading model bytes: the JNI bridge, the CLI and the service
//! are separate crates over this one.

pub mod activation;
pub mod convert;
pub mod error;
pub mod forward;
mod ini;
pub mod javanum;
pub mod model;
pub mod mojo;
pub mod score;
pub mod spec;
mod values;

pub use activation::Activation;
pub use convert::{Cell, ConvertOptions};
pub use error::{ModelError, RowError, ShapeError};
pub use forward::Scratch;
pub use model::{Column, Layer, Model, ModelInfo, Normalization};
pub use score::{BatchScore, RowScore};
pub use spec::ModelSpec;

use std::path::Path;

/// Loads a model file: a MOJO zip or an unzipped MOJO directory.
pub fn load_model(path: &Path) -> Result<Model, ModelError> {
    mojo::read_mojo_path(path)
}

/// Loads a model from the bytes of a MOJO zip. `name` is used in error messages.
pub fn load_model_bytes(bytes: &[u8], name: &str) -> Result<Model, ModelError> {
    mojo::read_mojo_bytes(bytes, name)
}
