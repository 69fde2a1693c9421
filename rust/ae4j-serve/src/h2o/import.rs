//! Getting file bytes in: `POST /3/PostFile` (the body is the file) and `ImportFiles` /
//! `ImportFilesMulti` (server-side paths, read only under `--h2o-import-dir`; `..`, other
//! schemes and paths outside it are refused).

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::Json;
use bytes::Bytes;
use serde_json::{json, Value};

use super::frames::Stored;
use super::keys::{meta, random_hex};
use super::{params, H2oError, H2oState};
use crate::Shared;

/// `POST /3/PostFile[?destination_frame=k]`: the raw body becomes `upload_<hex>` (or `k`).
pub async fn post_file(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let query = params::read(&uri, &HeaderMap::new(), Body::empty(), 0).await?;
    let key = query
        .get("destination_frame")
        .map(str::to_string)
        .unwrap_or_else(|| format!("upload_{}", random_hex(32)));
    let (free, budget) = {
        let mut store = h2o.frames.lock().unwrap_or_else(|p| p.into_inner());
        (store.free(), store.budget())
    };
    let bytes = params::read_body(&headers, body, free, || {
        H2oError::over_budget("the uploaded file", free + 1, free, budget)
    })
    .await?;
    let total = bytes.len();
    lock(h2o).insert(&key, Stored::Raw(bytes))?;
    Ok(Json(
        json!({"destination_frame": key, "total_bytes": total}),
    ))
}

fn lock(h2o: &H2oState) -> std::sync::MutexGuard<'_, super::frames::Store> {
    h2o.frames.lock().unwrap_or_else(|p| p.into_inner())
}

/// A server-side path as H2O names it (`/abs`, `nfs://abs`, `file:///abs`), checked against the
/// import directory: absolute, no `..`, inside the directory also after resolving links.
pub fn allowed_path(import_dir: Option<&Path>, given: &str) -> Result<PathBuf, H2oError> {
    let raw = if let Some(rest) = given.strip_prefix("nfs:/") {
        rest
    } else if let Some(rest) = given.strip_prefix("file://") {
        rest
    } else {
        given
    };
    let refuse = |why: &str| {
        H2oError::bad_request(format!(
            "ae4j serve refuses to read '{given}': {why} (server-side files are read only under --h2o-import-dir)"
        ))
    };
    let Some(dir) = import_dir else {
        return Err(refuse("no --h2o-import-dir is set"));
    };
    if raw.contains("://") {
        return Err(refuse("only local files are read"));
    }
    let path = Path::new(raw);
    if !path.is_absolute() {
        return Err(refuse("the path is not absolute"));
    }
    if path.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(refuse("the path contains '..'"));
    }
    // Resolved (links and all) it must be inside; a path that does not resolve is 404 only
    // when it would be inside, so nothing is told about files elsewhere.
    let real = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(_)
            if path.starts_with(dir)
                || path
                    .parent()
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    .is_some_and(|p| p.starts_with(dir)) =>
        {
            return Err(H2oError::not_found(format!("File {raw} does not exist")))
        }
        Err(_) => return Err(refuse("the path is outside the import directory")),
    };
    if !real.starts_with(dir) {
        return Err(refuse("the path leads outside the import directory"));
    }
    Ok(real)
}

/// The files a path names: the file itself, or a directory's regular files (not recursive).
fn files_of(path: &Path) -> Result<Vec<PathBuf>, H2oError> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| H2oError::not_found(format!("cannot list {}: {e}", path.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// H2O's key for an imported file: `nfs:/` glued onto the absolute path.
pub fn nfs_key(path: &Path) -> String {
    format!("nfs:/{}", path.display())
}

/// Reads one allowed file into the store (checked against the budget before reading).
pub fn load_file(h2o: &H2oState, path: &Path) -> Result<String, H2oError> {
    let key = nfs_key(path);
    let size = std::fs::metadata(path)
        .map_err(|_| H2oError::not_found(format!("File {} does not exist", path.display())))?
        .len() as usize;
    lock(h2o).check(&format!("file {}", path.display()), size, Some(&key))?;
    let bytes = std::fs::read(path)
        .map_err(|e| H2oError::not_found(format!("cannot read {}: {e}", path.display())))?;
    lock(h2o).insert(&key, Stored::Raw(Bytes::from(bytes)))?;
    Ok(key)
}

/// Imports every path; the answer lists files, frames and failures as H2O's schemas do.
fn import(h2o: &H2oState, paths: &[String]) -> Result<(Vec<String>, Vec<String>), H2oError> {
    let mut files = Vec::new();
    let mut keys = Vec::new();
    for given in paths {
        let path = allowed_path(h2o.import_dir.as_deref(), given)?;
        for f in files_of(&path)? {
            keys.push(load_file(h2o, &f)?);
            files.push(f.display().to_string());
        }
    }
    Ok((files, keys))
}

/// `ImportFiles path=/abs/file.csv` → `ImportFilesV3`.
pub async fn import_files(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let p = params::read(&uri, &headers, body, shared.max_body_bytes).await?;
    let path = p
        .get("path")
        .ok_or_else(|| H2oError::bad_request("Missing argument: path"))?
        .to_string();
    let (files, keys) = import(h2o, std::slice::from_ref(&path))?;
    Ok(Json(json!({
        "__meta": meta("ImportFilesV3", "ImportFiles"),
        "_exclude_fields": "",
        "path": path, "pattern": null, "files": files, "destination_frames": keys,
        "fails": [], "dels": [],
    })))
}

/// `ImportFilesMulti paths=[/abs/a.csv,…]` (h2o-py's `import_file`) → `ImportFilesMultiV3`.
pub async fn import_files_multi(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let p = params::read(&uri, &headers, body, shared.max_body_bytes).await?;
    let paths = p
        .list("paths")?
        .ok_or_else(|| H2oError::bad_request("Missing argument: paths"))?;
    let (files, keys) = import(h2o, &paths)?;
    Ok(Json(json!({
        "__meta": meta("ImportFilesMultiV3", "ImportFilesMulti"),
        "_exclude_fields": "",
        "paths": paths, "pattern": null, "files": files, "destination_frames": keys,
        "fails": [], "dels": [],
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_under_the_import_dir() {
        let dir = std::env::temp_dir().join(format!("ae4j-h2o-import-{}", random_hex(8)));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.csv"), "x\n1\n").unwrap();
        let dir = std::fs::canonicalize(&dir).unwrap();
        let a = dir.join("sub/a.csv");
        let s = a.display().to_string();
        assert_eq!(allowed_path(Some(&dir), &s).unwrap(), a);
        assert_eq!(allowed_path(Some(&dir), &format!("nfs:/{s}")).unwrap(), a);
        assert_eq!(allowed_path(Some(&dir), &format!("file://{s}")).unwrap(), a);
        let refused = |p: &str| allowed_path(Some(&dir), p).unwrap_err();
        assert_eq!(refused("/etc/passwd").status.as_u16(), 400);
        assert_eq!(refused("nfs://etc/passwd").status.as_u16(), 400);
        let dotdot = format!("{}/sub/../../etc/passwd", dir.display());
        assert!(refused(&dotdot).msg.contains(".."));
        assert!(refused(&format!("nfs:/{dotdot}")).msg.contains(".."));
        assert_eq!(refused("relative.csv").status.as_u16(), 400);
        assert_eq!(refused("hdfs://x/y").status.as_u16(), 400);
        assert_eq!(
            refused(&format!("{}/missing.csv", dir.display()))
                .status
                .as_u16(),
            404
        );
        assert!(allowed_path(None, &s).is_err(), "no import dir: nothing");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", dir.join("etc")).unwrap();
            assert!(refused(&format!("{}/etc/passwd", dir.display()))
                .msg
                .contains("leads outside"));
            // The import dir given through a link works (resolved paths are compared).
            let link = std::env::temp_dir().join(format!("ae4j-h2o-link-{}", random_hex(8)));
            std::os::unix::fs::symlink(&dir, &link).unwrap();
            let via = format!("{}/sub/a.csv", link.display());
            assert_eq!(allowed_path(Some(&dir), &via).unwrap(), a);
            std::fs::remove_file(&link).unwrap();
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
