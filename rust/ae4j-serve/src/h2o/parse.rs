//! `POST /3/ParseSetup` (guess the separator, the header and each column's type, as H2O does)
//! and `POST /3/Parse` (build the frame with the guessed or given `column_types`).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::Json;
use bytes::Bytes;
use serde_json::{json, Value};

use super::columns::{self, Plan};
use super::frames::Stored;
use super::guess::{guess, ColType, Setup};
use super::jobs::Job;
use super::keys::{frame_key, meta};
use super::params::{self, Params};
use super::{import, H2oError, H2oState};
use crate::Shared;

/// The bytes under a source key, or (for a server-side path) the allowed file's bytes.
fn source(h2o: &H2oState, key: &str) -> Result<(String, Bytes), H2oError> {
    let stored = h2o
        .frames
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(key);
    match stored {
        Some(Stored::Raw(b)) => Ok((key.to_string(), b)),
        Some(Stored::Parsed(_)) => Err(H2oError::bad_request(format!(
            "ae4j serve parses uploaded or imported files, not the parsed frame '{key}'"
        ))),
        None if key.starts_with('/') || key.contains(":/") => {
            let path = import::allowed_path(h2o.import_dir.as_deref(), key)?;
            let k = import::load_file(h2o, &path)?;
            source(h2o, &k)
        }
        None => Err(H2oError::bad_request(format!(
            "Key not loaded: Key<Frame> {key}"
        ))),
    }
}

/// H2O's name for a parse's destination: `<file stem>.hex` for a path, else
/// `Key_Frame__<key>.hex`; characters other than letters, digits, `_`, `-` and `.` become `_`.
pub fn hex_name(source: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    match source.rsplit_once('/') {
        Some((_, file)) => {
            let stem = file
                .split('.')
                .next()
                .filter(|s| !s.is_empty())
                .unwrap_or(file);
            format!("{}.hex", clean(stem))
        }
        None => format!("Key_Frame__{}.hex", clean(source)),
    }
}

fn sources(p: &Params) -> Result<Vec<String>, H2oError> {
    let list = p
        .list("source_frames")?
        .filter(|l| !l.is_empty())
        .ok_or_else(|| H2oError::bad_request("Missing argument: source_frames"))?;
    Ok(list)
}

/// `na_strings`: a list of lists per column (`[["NA"],[]]`), or one list for every column.
fn na_strings(p: &Params, width: usize) -> Vec<Vec<String>> {
    let parsed: Option<Value> = p
        .get("na_strings")
        .and_then(|s| serde_json::from_str(s).ok());
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    match parsed {
        Some(Value::Array(items)) if items.iter().all(Value::is_array) => {
            let mut per: Vec<Vec<String>> = items.iter().map(strings).collect();
            per.resize(width, Vec::new());
            per
        }
        Some(v @ Value::Array(_)) => vec![strings(&v); width],
        _ => vec![Vec::new(); width],
    }
}

fn separator(p: &Params) -> Result<Option<u8>, H2oError> {
    Ok(p.int("separator")?.and_then(|s| u8::try_from(s).ok()))
}

/// The sources of a parse: their keys, their texts, and the setup guessed from the first.
struct Sources {
    keys: Vec<String>,
    texts: Vec<String>,
    setup: Setup,
}

/// Reads every source and guesses the setup from the first (`na`: NA strings per column).
fn read_sources(h2o: &H2oState, p: &Params, na: &[Vec<String>]) -> Result<Sources, H2oError> {
    let mut keys = Vec::new();
    let mut texts = Vec::new();
    for key in sources(p)? {
        let (k, bytes) = source(h2o, &key)?;
        keys.push(k);
        texts.push(text_of(&bytes));
    }
    let setup = guess(
        &texts[0],
        p.int("check_header")?.unwrap_or(0),
        separator(p)?,
        p.flag("single_quotes")?,
        na,
    )?;
    Ok(Sources { keys, texts, setup })
}

/// The text of a source (UTF-8, BOM dropped; invalid bytes replaced).
fn text_of(bytes: &Bytes) -> String {
    let s = String::from_utf8_lossy(bytes);
    s.strip_prefix('\u{feff}').unwrap_or(&s).to_string()
}

/// `POST /3/ParseSetup` → `ParseSetupV3` with the guessed names and types.
pub async fn setup(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let p = params::read(&uri, &headers, body, shared.max_body_bytes).await?;
    let Sources {
        keys,
        texts,
        setup: mut s,
    } = read_sources(h2o, &p, &[])?;
    if p.get("na_strings").is_some() {
        // The types again, with the NA strings the client named per column.
        let na = na_strings(&p, s.names.len());
        let header = if s.header { 1 } else { -1 };
        s = guess(&texts[0], header, Some(s.separator), s.single_quotes, &na)?;
    }
    let types: Vec<&str> = s.types.iter().map(|t| t.name()).collect();
    Ok(Json(json!({
        "__meta": meta("ParseSetupV3", "ParseSetup"),
        "_exclude_fields": "",
        "source_frames": keys.iter().map(|k| frame_key(k)).collect::<Vec<_>>(),
        "parse_type": "CSV",
        "separator": s.separator,
        "single_quotes": s.single_quotes,
        "check_header": if s.header { 1 } else { -1 },
        "column_names": s.names,
        "skipped_columns": null,
        "column_types": types,
        "na_strings": null,
        "column_name_filter": null,
        "column_offset": 0,
        "column_count": 0,
        "destination_frame": hex_name(&keys[0]),
        "header_lines": 0,
        "number_columns": s.names.len(),
        "data": s.preview,
        "warnings": null,
        "chunk_size": 4194304,
        "total_filtered_column_count": s.names.len(),
        "custom_non_data_line_markers": null,
        "decrypt_tool": null,
        "partition_by": null,
        "escapechar": 0,
        "force_col_types": false,
        "tz_adjust_to_local": false,
    })))
}

/// The request's names, types, skipped columns and NA strings, checked against the setup.
fn plan(p: &Params, setup: &Setup) -> Result<Plan, H2oError> {
    let width = setup.names.len();
    let names = p
        .list("column_names")?
        .unwrap_or_else(|| setup.names.clone());
    let types = match p.list("column_types")? {
        Some(given) => given
            .iter()
            .map(|t| {
                ColType::from_name(t).ok_or_else(|| {
                    H2oError::bad_request(format!(
                        "Illegal argument for field: column_types: unknown type '{t}'"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => setup.types.clone(),
    };
    if names.len() != width || types.len() != width {
        return Err(H2oError::bad_request(format!(
            "the parse setup is inconsistent: the file has {width} columns, column_names names {} and column_types {}",
            names.len(),
            types.len()
        )));
    }
    let skipped = p
        .list("skipped_columns")?
        .unwrap_or_default()
        .iter()
        .map(|s| {
            s.trim().parse::<usize>().map_err(|_| {
                H2oError::bad_request(format!(
                    "Illegal argument for field: skipped_columns: '{s}'"
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Plan {
        names,
        types,
        skipped,
        na: na_strings(p, width),
    })
}

/// `POST /3/Parse` → `ParseV3` with a job that is already done.
pub async fn parse(
    State(shared): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let p = params::read(&uri, &headers, body, shared.max_body_bytes).await?;
    let started = Instant::now();
    let Sources { keys, texts, setup } = read_sources(h2o, &p, &[])?;
    let plan = plan(&p, &setup)?;
    let dest = p
        .get("destination_frame")
        .map(str::to_string)
        .unwrap_or_else(|| hex_name(&keys[0]));
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    h2o.frames.lock().unwrap_or_else(|p| p.into_inner()).check(
        &format!("frame '{dest}'"),
        columns::estimate(&texts, &plan),
        Some(&dest),
    )?;
    let frame = columns::build(&texts, &setup, &plan)?;
    let rows = frame.rows;
    {
        let mut store = h2o.frames.lock().unwrap_or_else(|p| p.into_inner());
        store.insert(&dest, Stored::Parsed(Arc::new(frame)))?;
        let delete_on_done = p.get("delete_on_done").is_none() || p.flag("delete_on_done")?;
        if delete_on_done {
            for k in &keys {
                store.remove(k);
            }
        }
    }
    let job = Job::finished("Parse", &dest, started, Ok(Vec::new()));
    let job_json = job.to_json();
    h2o.jobs.lock().unwrap_or_else(|p| p.into_inner()).add(job);
    let types: Vec<&str> = plan.types.iter().map(|t| t.name()).collect();
    Ok(Json(json!({
        "__meta": meta("ParseV3", "Iced"),
        "_exclude_fields": "",
        "destination_frame": frame_key(&dest),
        "source_frames": keys.iter().map(|k| frame_key(k)).collect::<Vec<_>>(),
        "parse_type": "CSV",
        "separator": setup.separator,
        "single_quotes": setup.single_quotes,
        "check_header": if setup.header { 1 } else { -1 },
        "number_columns": setup.names.len(),
        "column_names": plan.names,
        "column_types": types,
        "skipped_columns": null,
        "force_col_types": false,
        "domains": null,
        "na_strings": null,
        "chunk_size": 4194304,
        "delete_on_done": true,
        "blocking": false,
        "decrypt_tool": null,
        "custom_non_data_line_markers": null,
        "partition_by": null,
        "job": job_json,
        "rows": rows,
        "escapechar": 0,
        "tz_adjust_to_local": false,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::h2o::guess::tests::CSV;

    #[test]
    fn malformed_setups_are_refused() {
        let s = guess(CSV, 0, None, false, &[]).unwrap();
        let short = Params::from_pairs(&[("column_types", r#"["Enum"]"#)]);
        assert_eq!(plan(&short, &s).err().unwrap().status.as_u16(), 400);
        let bad = Params::from_pairs(&[("column_types", r#"["Enum","Nope","Enum","Enum"]"#)]);
        assert!(plan(&bad, &s).err().unwrap().msg.contains("Nope"));
        let skip = Params::from_pairs(&[("skipped_columns", "[x]")]);
        assert!(plan(&skip, &s).is_err());
        let ok = Params::from_pairs(&[("column_types", r#"["enum","real","factor","string"]"#)]);
        assert_eq!(
            plan(&ok, &s).unwrap().types,
            [
                ColType::Enum,
                ColType::Numeric,
                ColType::Enum,
                ColType::Text
            ]
        );
    }

    #[test]
    fn na_strings_per_column_or_for_all() {
        let p = Params::from_pairs(&[("na_strings", r#"[["NA"],[]]"#)]);
        assert_eq!(na_strings(&p, 3), [vec!["NA".to_string()], vec![], vec![]]);
        let p = Params::from_pairs(&[("na_strings", r#"["-"]"#)]);
        assert_eq!(
            na_strings(&p, 2),
            [vec!["-".to_string()], vec!["-".to_string()]]
        );
    }

    #[test]
    fn destination_names() {
        assert_eq!(hex_name("nfs://tmp/x/score.csv"), "score.hex");
        assert_eq!(hex_name("upload_ab12"), "Key_Frame__upload_ab12.hex");
    }
}
