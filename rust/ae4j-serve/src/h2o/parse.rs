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

use super::frames::{Col, ColData, Frame, Stored};
use super::jobs::Job;
use super::keys::{frame_key, meta};
use super::params::{self, Params};
use super::{import, H2oError, H2oState};
use crate::Shared;

/// H2O's column types (`ParseSetup.column_types`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    Numeric,
    Enum,
    Text,
}

impl ColType {
    pub fn name(self) -> &'static str {
        match self {
            ColType::Numeric => "Numeric",
            ColType::Enum => "Enum",
            ColType::Text => "String",
        }
    }

    /// A type as Parse takes it: H2O's names in any case, and the `col_types` spellings h2o-py
    /// passes (`enum`, `numeric`, `real`, `int`, `string`, `factor`, ...).
    pub fn from_name(name: &str) -> Option<ColType> {
        Some(match name.to_ascii_lowercase().as_str() {
            "numeric" | "real" | "int" | "double" | "float" | "bad" => ColType::Numeric,
            "enum" | "categorical" | "factor" => ColType::Enum,
            "string" | "str" | "time" | "uuid" => ColType::Text,
            _ => return None,
        })
    }
}

/// What ParseSetup guesses (and Parse may override).
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub separator: u8,
    pub header: bool,
    pub names: Vec<String>,
    pub types: Vec<ColType>,
    pub preview: Vec<Vec<String>>,
}

/// A number as H2O's parser reads a cell (trimmed; words like `inf`/`nan` are not numbers).
fn number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    if !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn is_na(cell: &str, na: &[String]) -> bool {
    cell.is_empty() || na.iter().any(|s| s == cell)
}

/// The separator: the most frequent of `, \t ; |` on the first line; a space only when none of
/// those occurs (names like `sepal length (cm)` hold spaces); `,` for a single column.
fn guess_separator(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |s: u8| line.bytes().filter(|&b| b == s).count();
    [b',', b'\t', b';', b'|']
        .into_iter()
        .map(|s| (count(s), s))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, s)| (n, std::cmp::Reverse(s)))
        .map(|(_, s)| s)
        .unwrap_or(if count(b' ') > 0 { b' ' } else { b',' })
}

fn records(text: &str, separator: u8, single_quotes: bool) -> Result<Vec<Vec<String>>, H2oError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .quote(if single_quotes { b'\'' } else { b'"' })
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for r in reader.records() {
        let r = r.map_err(|e| H2oError::bad_request(format!("cannot parse the file: {e}")))?;
        if r.len() == 1 && r[0].trim().is_empty() {
            continue; // blank line
        }
        out.push(r.iter().map(str::to_string).collect());
    }
    Ok(out)
}

/// Numeric if number cells are at least as many as the other non-NA cells (so a few `ZZZ` in a
/// numeric column stay NA, as in H2O), else Enum.
fn guess_type<'a>(cells: impl Iterator<Item = &'a str>, na: &[String]) -> ColType {
    let (mut nums, mut words) = (0usize, 0usize);
    for c in cells.filter(|c| !is_na(c, na)) {
        if number(c).is_some() {
            nums += 1;
        } else {
            words += 1;
        }
    }
    if words > nums {
        ColType::Enum
    } else {
        ColType::Numeric
    }
}

/// `check_header`: 1 has a header, -1 has none, 0 guess: the first line is a header when none
/// of its cells is a number or empty, and some column below it holds numbers or the line's
/// cells do not recur in their columns.
fn guess_header(rows: &[Vec<String>], check_header: i64) -> bool {
    match check_header {
        1 => return true,
        -1 => return false,
        _ => {}
    }
    let Some(first) = rows.first() else {
        return false;
    };
    if first
        .iter()
        .any(|c| c.trim().is_empty() || number(c).is_some())
    {
        return false;
    }
    let below = &rows[1..];
    below.is_empty()
        || (0..first.len()).any(|j| {
            below
                .iter()
                .any(|r| r.get(j).is_some_and(|c| number(c).is_some()))
        })
        || first
            .iter()
            .enumerate()
            .all(|(j, h)| !below.iter().any(|r| r.get(j) == Some(h)))
}

/// The text of a source (UTF-8, BOM dropped; invalid bytes replaced).
fn text_of(bytes: &Bytes) -> String {
    let s = String::from_utf8_lossy(bytes);
    s.strip_prefix('\u{feff}').unwrap_or(&s).to_string()
}

pub fn guess(
    text: &str,
    check_header: i64,
    separator: Option<u8>,
    single_quotes: bool,
    na: &[String],
) -> Result<(Setup, Vec<Vec<String>>), H2oError> {
    let separator = separator.unwrap_or_else(|| guess_separator(text));
    let rows = records(text, separator, single_quotes)?;
    let header = guess_header(&rows, check_header);
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let names: Vec<String> = (0..width)
        .map(|j| match (header, rows.first().and_then(|r| r.get(j))) {
            (true, Some(n)) if !n.trim().is_empty() => n.trim().to_string(),
            _ => format!("C{}", j + 1),
        })
        .collect();
    let data = if header { rows[1..].to_vec() } else { rows };
    let types = (0..width)
        .map(|j| guess_type(data.iter().filter_map(|r| r.get(j).map(String::as_str)), na))
        .collect();
    let preview = data.iter().take(10).cloned().collect();
    Ok((
        Setup {
            separator,
            header,
            names,
            types,
            preview,
        },
        data,
    ))
}

/// The column of `j` in `data`, read as `kind`.
fn build_col(name: &str, kind: ColType, data: &[Vec<String>], j: usize, na: &[String]) -> Col {
    fn cell<'r>(r: &'r [String], j: usize, na: &[String]) -> Option<&'r str> {
        r.get(j).map(String::as_str).filter(|c| !is_na(c, na))
    }
    let data = match kind {
        ColType::Numeric => ColData::Num(
            data.iter()
                .map(|r| cell(r, j, na).and_then(number).unwrap_or(f64::NAN))
                .collect(),
        ),
        ColType::Text => ColData::Str(
            data.iter()
                .map(|r| cell(r, j, na).map(str::to_string))
                .collect(),
        ),
        ColType::Enum => {
            let mut domain: Vec<String> = data
                .iter()
                .filter_map(|r| cell(r, j, na))
                .map(str::to_string)
                .collect();
            domain.sort();
            domain.dedup();
            let codes = data
                .iter()
                .map(|r| {
                    cell(r, j, na).map_or(f64::NAN, |c| {
                        domain
                            .binary_search_by(|d| d.as_str().cmp(c))
                            .map_or(f64::NAN, |i| i as f64)
                    })
                })
                .collect();
            ColData::Enum { domain, codes }
        }
    };
    Col {
        name: name.to_string(),
        data,
    }
}

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

/// The sources read for a parse: their keys, the setup of the first, and all their data rows.
struct Sources {
    keys: Vec<String>,
    setup: Setup,
    data: Vec<Vec<String>>,
}

/// The sources' rows (their text concatenated), and the setup of the first.
fn read_sources(h2o: &H2oState, p: &Params) -> Result<Sources, H2oError> {
    let keys = sources(p)?;
    let check_header = p.int("check_header")?.unwrap_or(0);
    let single_quotes = p.flag("single_quotes")?;
    let mut setup: Option<Setup> = None;
    let mut data = Vec::new();
    let mut names = Vec::new();
    for key in &keys {
        let (k, bytes) = source(h2o, key)?;
        names.push(k);
        let sep = separator(p)?.or(setup.as_ref().map(|s| s.separator));
        let (s, rows) = guess(&text_of(&bytes), check_header, sep, single_quotes, &[])?;
        data.extend(rows);
        setup.get_or_insert(s);
    }
    let setup = setup.ok_or_else(|| H2oError::bad_request("Missing argument: source_frames"))?;
    Ok(Sources {
        keys: names,
        setup,
        data,
    })
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
        setup: mut s,
        data,
    } = read_sources(h2o, &p)?;
    let na = na_strings(&p, s.names.len());
    // Types again with the NA strings the client named.
    s.types = (0..s.names.len())
        .map(|j| {
            guess_type(
                data.iter().filter_map(|r| r.get(j).map(String::as_str)),
                &na[j],
            )
        })
        .collect();
    let types: Vec<&str> = s.types.iter().map(|t| t.name()).collect();
    Ok(Json(json!({
        "__meta": meta("ParseSetupV3", "ParseSetup"),
        "_exclude_fields": "",
        "source_frames": keys.iter().map(|k| frame_key(k)).collect::<Vec<_>>(),
        "parse_type": "CSV",
        "separator": s.separator,
        "single_quotes": p.flag("single_quotes")?,
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

/// The frame Parse builds from the rows, with the request's names, types and skipped columns.
fn build_frame(p: &Params, setup: &Setup, data: &[Vec<String>]) -> Result<Frame, H2oError> {
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
    let skipped: Vec<usize> = p
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
    let na = na_strings(p, width);
    let cols = (0..width)
        .filter(|j| !skipped.contains(j))
        .map(|j| build_col(&names[j], types[j], data, j, &na[j]))
        .collect();
    Ok(Frame {
        rows: data.len(),
        cols,
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
    let Sources { keys, setup, data } = read_sources(h2o, &p)?;
    let dest = p
        .get("destination_frame")
        .map(str::to_string)
        .unwrap_or_else(|| hex_name(&keys[0]));
    let width = setup.names.len().max(1);
    // Each cell becomes at most 8 bytes (or its own text): refuse before building.
    let estimate = data.len().saturating_mul(width).saturating_mul(8);
    h2o.frames.lock().unwrap_or_else(|p| p.into_inner()).check(
        &format!("frame '{dest}'"),
        estimate,
        Some(&dest),
    )?;
    let frame = build_frame(&p, &setup, &data)?;
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
    Ok(Json(json!({
        "__meta": meta("ParseV3", "Iced"),
        "_exclude_fields": "",
        "destination_frame": frame_key(&dest),
        "source_frames": keys.iter().map(|k| frame_key(k)).collect::<Vec<_>>(),
        "parse_type": "CSV",
        "separator": setup.separator,
        "single_quotes": p.flag("single_quotes")?,
        "check_header": if setup.header { 1 } else { -1 },
        "number_columns": setup.names.len(),
        "column_names": p.list("column_names")?.unwrap_or(setup.names),
        "column_types": p.list("column_types")?.unwrap_or_else(|| setup.types.iter().map(|t| t.name().to_string()).collect()),
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

    const CSV: &str = "channel,age,country,visits\nstore,19.0,\"Korea, Rep.\",\nweb,47,DE,5\n,51,US,ZZZ\nweb,44,,3\n";

    #[test]
    fn guesses_like_h2o() {
        let (s, data) = guess(CSV, 0, None, false, &[]).unwrap();
        assert_eq!(s.separator, b',');
        assert!(s.header);
        assert_eq!(s.names, ["channel", "age", "country", "visits"]);
        use ColType::*;
        // A numeric column with one `ZZZ` stays numeric (the cell becomes NA), as in H2O.
        assert_eq!(s.types, [Enum, Numeric, Enum, Numeric]);
        assert_eq!(data.len(), 4);
        assert_eq!(data[0][2], "Korea, Rep.");
    }

    #[test]
    fn header_and_separator_guesses() {
        let (s, _) = guess("1;2\n3;4\n", 0, None, false, &[]).unwrap();
        assert_eq!(s.separator, b';');
        assert!(!s.header);
        assert_eq!(s.names, ["C1", "C2"]);
        let (s, _) = guess("a b,c d\n1 2,3\n", 0, None, false, &[]).unwrap();
        assert_eq!(
            (s.separator, s.names.len()),
            (b',', 2),
            "spaces inside names"
        );
        let (s, _) = guess("a\tb\nx\ty\n", 0, None, false, &[]).unwrap();
        assert_eq!(s.separator, b'\t');
        assert!(s.header, "a header of words over other words");
        let (s, _) = guess("a,b\na,y\n", 0, None, false, &[]).unwrap();
        assert!(!s.header, "the first line recurs below: data");
        let (s, _) = guess("a,b\na,y\n", 1, None, false, &[]).unwrap();
        assert!(s.header, "check_header=1 forces it");
    }

    #[test]
    fn parse_applies_types_names_and_na() {
        let (s, data) = guess(CSV, 0, None, false, &[]).unwrap();
        let p = Params::from_pairs(&[
            ("column_types", r#"["enum","Numeric","Enum","enum"]"#),
            ("na_strings", r#"[[],[],[],["ZZZ"]]"#),
        ]);
        let f = build_frame(&p, &s, &data).unwrap();
        assert_eq!(f.rows, 4);
        let ColData::Enum { domain, codes } = &f.cols[0].data else {
            panic!()
        };
        assert_eq!(domain, &["store", "web"]);
        assert!(codes[2].is_nan());
        let ColData::Enum { domain, codes } = &f.cols[3].data else {
            panic!()
        };
        assert_eq!(domain, &["3", "5"], "ZZZ is an NA string here");
        assert!(codes[2].is_nan());
        assert_eq!(f.cols[1].type_name(), "int");
        let ColData::Enum { domain, .. } = &f.cols[2].data else {
            panic!()
        };
        assert_eq!(
            domain,
            &["DE", "Korea, Rep.", "US"],
            "sorted, NA not a level"
        );
    }

    #[test]
    fn malformed_setups_are_refused() {
        let (s, data) = guess(CSV, 0, None, false, &[]).unwrap();
        let short = Params::from_pairs(&[("column_types", r#"["Enum"]"#)]);
        assert_eq!(
            build_frame(&short, &s, &data).unwrap_err().status.as_u16(),
            400
        );
        let bad = Params::from_pairs(&[("column_types", r#"["Enum","Nope","Enum","Enum"]"#)]);
        assert!(build_frame(&bad, &s, &data)
            .unwrap_err()
            .msg
            .contains("Nope"));
    }

    #[test]
    fn destination_names() {
        assert_eq!(hex_name("nfs://tmp/x/score.csv"), "score.hex");
        assert_eq!(hex_name("upload_ab12"), "Key_Frame__upload_ab12.hex");
    }
}
