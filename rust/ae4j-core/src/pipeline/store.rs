//! Where a pipeline spec lives beside its model, like a calibration: the zip entry
//! [`MOJO_ENTRY`] of a MOJO (h2o-genmodel ignores entries it does not know), or a sidecar file
//! `<model>.ae4j-pipeline.json` (a POJO source; a MOJO may have one too, which wins).

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::ModelError;
use crate::model::Model;

use super::Pipeline;

/// The zip entry of a MOJO with a pipeline (beside `ae4j/calibration.json`).
pub const MOJO_ENTRY: &str = "ae4j/pipeline.json";
/// Appended to a model file's name for its sidecar pipeline spec.
pub const SIDECAR_SUFFIX: &str = ".ae4j-pipeline.json";
/// The largest spec read from a zip entry.
const MAX_SPEC_BYTES: u64 = 16 << 20;

/// The pipeline of the model file at `path`: its sidecar, else its MOJO entry; `None` when
/// it has neither. Refused when it is malformed or made for another model.
pub fn read(path: &Path, model: &Model) -> Result<Option<Pipeline>, ModelError> {
    let name = path.display().to_string();
    let sidecar = sidecar_path(path);
    if sidecar.exists() {
        let origin = sidecar.display().to_string();
        let text = std::fs::read(&sidecar).map_err(|source| ModelError::Io {
            path: origin.clone(),
            source,
        })?;
        return load(&text, &origin, model).map(Some);
    }
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
        path: name.clone(),
        source,
    })?;
    read_bytes(&bytes, &name, model)
}

/// The pipeline inside the bytes of a MOJO zip, if it has one.
pub fn read_bytes(bytes: &[u8], name: &str, model: &Model) -> Result<Option<Pipeline>, ModelError> {
    match read_entry(bytes, MOJO_ENTRY) {
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

/// The bytes of a zip entry, if the bytes are a zip that has it.
pub(crate) fn read_entry(bytes: &[u8], entry: &str) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let file = archive.by_name(entry).ok()?;
    let mut text = Vec::new();
    file.take(MAX_SPEC_BYTES).read_to_end(&mut text).ok()?;
    Some(text)
}

/// Where a model file's sidecar spec lives.
pub fn sidecar_path(model_path: &Path) -> PathBuf {
    let mut name = model_path.as_os_str().to_owned();
    name.push(SIDECAR_SUFFIX);
    PathBuf::from(name)
}

/// A copy of a MOJO zip with `pipeline` as its [`MOJO_ENTRY`] (replacing an earlier one).
/// Every other entry (a calibration too) is copied byte for byte, so h2o-genmodel reads the
/// model unchanged.
pub fn add_to_mojo(mojo: &[u8], pipeline: &Pipeline) -> Result<Vec<u8>, String> {
    replace_entry(mojo, MOJO_ENTRY, pipeline.to_json().as_bytes())
}

/// A copy of a zip with `entry` holding `content` (replacing an earlier one).
pub(crate) fn replace_entry(
    zip_bytes: &[u8],
    entry: &str,
    content: &[u8],
) -> Result<Vec<u8>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).map_err(|e| e.to_string())?;
    let capacity = zip_bytes.len() + content.len() + 1024;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(capacity)));
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|e| e.to_string())?;
        if file.name().is_ok_and(|n| n == entry) {
            continue;
        }
        out.raw_copy_file(file).map_err(|e| e.to_string())?;
    }
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file(entry, options).map_err(|e| e.to_string())?;
    out.write_all(content).map_err(|e| e.to_string())?;
    Ok(out.finish().map_err(|e| e.to_string())?.into_inner())
}
