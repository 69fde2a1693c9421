//! What ae4j stores beside a model — its calibration, its pipeline spec: a zip entry of the
//! MOJO (h2o-genmodel ignores entries it does not know, so the zip still loads there), or a
//! sidecar file `<model file><suffix>` (a POJO source has no room for one; a sidecar wins).
//! One reader and one writer, so both companions are found and written the same way.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::ModelError;

/// The largest companion read from a zip entry.
const MAX_ENTRY_BYTES: u64 = 16 << 20;

/// A companion's text and where it came from (for error messages): the sidecar of the model
/// file at `path`, else its zip `entry`; `None` when it has neither.
pub(crate) fn read(
    path: &Path,
    entry: &str,
    sidecar_suffix: &str,
) -> Result<Option<(Vec<u8>, String)>, ModelError> {
    let sidecar = sidecar_path(path, sidecar_suffix);
    if sidecar.exists() {
        let origin = sidecar.display().to_string();
        return match std::fs::read(&sidecar) {
            Ok(text) => Ok(Some((text, origin))),
            Err(source) => Err(ModelError::Io {
                path: origin,
                source,
            }),
        };
    }
    if !path.is_file() {
        return Ok(None);
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
        path: name.clone(),
        source,
    })?;
    Ok(read_entry(&bytes, entry).map(|text| (text, format!("{name}!{entry}"))))
}

/// The bytes of a zip entry, if the bytes are a zip that has it.
pub(crate) fn read_entry(bytes: &[u8], entry: &str) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let file = archive.by_name(entry).ok()?;
    let mut text = Vec::new();
    file.take(MAX_ENTRY_BYTES).read_to_end(&mut text).ok()?;
    Some(text)
}

/// Where the sidecar of the model file at `model_path` lives.
pub(crate) fn sidecar_path(model_path: &Path, suffix: &str) -> PathBuf {
    let mut name = model_path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A copy of a zip with `entry` holding `content` (replacing an earlier one). Every other
/// entry is copied byte for byte (raw, not recompressed), so h2o-genmodel reads the model
/// unchanged.
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
