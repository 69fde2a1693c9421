//! Where a pipeline spec lives beside its model, like a calibration: the zip entry
//! [`MOJO_ENTRY`] of a MOJO (h2o-genmodel ignores entries it does not know), or a sidecar file
//! `<model>.ae4j-pipeline.json` (a POJO source; a MOJO may have one too, which wins).

use std::path::{Path, PathBuf};

use crate::companion;
use crate::error::ModelError;
use crate::model::Model;

use super::Pipeline;

/// The zip entry of a MOJO with a pipeline (beside `ae4j/calibration.json`).
pub const MOJO_ENTRY: &str = "ae4j/pipeline.json";
/// Appended to a model file's name for its sidecar pipeline spec.
pub const SIDECAR_SUFFIX: &str = ".ae4j-pipeline.json";

/// The pipeline of the model file at `path`: its sidecar, else its MOJO entry; `None` when
/// it has neither. Refused when it is malformed or made for another model.
pub fn read(path: &Path, model: &Model) -> Result<Option<Pipeline>, ModelError> {
    match companion::read(path, MOJO_ENTRY, SIDECAR_SUFFIX)? {
        None => Ok(None),
        Some((text, origin)) => load(&text, &origin, model).map(Some),
    }
}

/// The pipeline inside the bytes of a MOJO zip, if it has one.
pub fn read_bytes(bytes: &[u8], name: &str, model: &Model) -> Result<Option<Pipeline>, ModelError> {
    match companion::read_entry(bytes, MOJO_ENTRY) {
        None => Ok(None),
        Some(text) => load(&text, &format!("{name}!{MOJO_ENTRY}"), model).map(Some),
    }
}

/// A spec's text, compiled and checked against `model`.
fn load(text: &[u8], origin: &str, model: &Model) -> Result<Pipeline, ModelError> {
    let p = Pipeline::from_json(text, origin).map_err(|e| ModelError::Unsupported {
        path: origin.to_string(),
        reason: format!("pipeline spec: {}", e.detail()),
    })?;
    p.check_model(model, origin)?;
    Ok(p)
}

/// Where a model file's sidecar spec lives.
pub fn sidecar_path(model_path: &Path) -> PathBuf {
    companion::sidecar_path(model_path, SIDECAR_SUFFIX)
}

/// A copy of a MOJO zip with `pipeline` as its [`MOJO_ENTRY`] (replacing an earlier one).
/// Every other entry (a calibration too) is copied byte for byte, so h2o-genmodel reads the
/// model unchanged.
pub fn add_to_mojo(mojo: &[u8], pipeline: &Pipeline) -> Result<Vec<u8>, String> {
    companion::replace_entry(mojo, MOJO_ENTRY, pipeline.to_json().as_bytes())
}
