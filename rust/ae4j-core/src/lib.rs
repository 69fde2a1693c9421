//! # ae4j-core
//!
//! Exact scoring of H2O deep-learning autoencoders (anomaly detection by reconstruction error),
//! with no H2O cluster and no JVM. Reads H2O's MOJOs and POJO sources, reproduces h2o-genmodel's numbers (its
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
//! are separate crates over this one. They share two modules: [`scorer`], the one place where a
//! row becomes a score (cells → raw row → score → decision → explanation), and [`table`], the
//! one place where a column of output gets its name and its text.

pub mod activation;
pub mod calibration;
mod companion;
pub mod convert;
pub mod deep;
pub mod error;
pub mod forward;
mod ini;
pub mod javanum;
pub mod model;
pub mod mojo;
pub mod mojo_writer;
pub mod pipeline;
pub mod pojo;
pub mod score;
pub mod scorer;
pub mod spec;
pub mod table;
mod values;

pub use activation::Activation;
pub use convert::{Cell, ConvertOptions};
pub use deep::{DeepFeatures, LayerError};
pub use error::{ModelError, RowError, ShapeError};
pub use forward::Scratch;
pub use model::{Column, Layer, Model, ModelInfo, Normalization};
pub use pipeline::Pipeline;
pub use score::{BatchOutputs, BatchScore, RowScore};
pub use scorer::{RowFailure, RowScorer, ScoreOptions, Scorer};
pub use spec::ModelSpec;

use std::path::Path;

/// Loads a model file: a MOJO zip, an unzipped MOJO directory, or a POJO's `.java` source
/// (recognized by its extension or its content; a zip is always read as a MOJO).
pub fn load_model(path: &Path) -> Result<Model, ModelError> {
    if path.is_dir() {
        return mojo::read_mojo_path(path);
    }
    let name = path.display().to_string();
    let java_ext = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("java"));
    let mut head = Vec::with_capacity(4);
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 4), &mut head))
        .map_err(|source| ModelError::Io {
            path: name.clone(),
            source,
        })?;
    if head != ZIP_MAGIC && (java_ext || sniff_java(path)) {
        return pojo::read_pojo_path(path);
    }
    mojo::read_mojo_path(path)
}

/// Loads a model from the bytes of a MOJO zip or of a POJO's `.java` source (told apart by
/// content, or a `.java` name). `name` is used in error messages.
pub fn load_model_bytes(bytes: &[u8], name: &str) -> Result<Model, ModelError> {
    if !bytes.starts_with(&ZIP_MAGIC)
        && (name.to_ascii_lowercase().ends_with(".java") || pojo::looks_like_java(bytes))
    {
        return pojo::read_pojo_bytes(bytes, name);
    }
    mojo::read_mojo_bytes(bytes, name)
}

const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

/// Whether the start of a file looks like Java source.
fn sniff_java(path: &Path) -> bool {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, 64 * 1024), &mut head))
        .is_ok_and(|_| pojo::looks_like_java(&head))
}
