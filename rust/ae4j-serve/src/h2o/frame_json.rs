//! `GET/DELETE /3/Frames[/{key}]`: `FramesV3` with `FrameV3`/`ColV3` as H2O writes them (NaN as
//! the string `"NaN"`, enum data as indices into the frame's own domain, `int` for whole
//! numbers), sliced by `row_offset`/`row_count`/`column_offset`/`column_count`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::frames::{Col, ColData, Frame, Stored};
use super::keys::{frame_key, meta};
use super::H2oError;
use crate::api::num;
use crate::Shared;

/// H2O's default number of rows in a frame answer.
pub const DEFAULT_ROWS: usize = 100;

#[derive(Deserialize, Default)]
pub struct Slice {
    row_offset: Option<i64>,
    row_count: Option<i64>,
    column_offset: Option<i64>,
    column_count: Option<i64>,
}

/// Rows `[offset, offset + count)` of a frame, the count `-1` or absent meaning the default.
fn window(offset: Option<i64>, count: Option<i64>, total: usize, default: usize) -> (usize, usize) {
    let start = offset.unwrap_or(0).clamp(0, total as i64) as usize;
    let n = match count {
        Some(c) if c >= 0 => c as usize,
        _ => default,
    };
    (start, n.min(total - start))
}

/// `FrameV3` of `frame` for rows/columns in the windows.
pub fn frame_v3(key: &str, frame: &Frame, slice: &Slice) -> Value {
    let (r0, nr) = window(slice.row_offset, slice.row_count, frame.rows, DEFAULT_ROWS);
    let ncols = frame.cols.len();
    let (c0, nc) = window(slice.column_offset, slice.column_count, ncols, ncols);
    let columns: Vec<Value> = frame.cols[c0..c0 + nc]
        .iter()
        .map(|c| col_v3(c, r0, nr))
        .collect();
    json!({
        "__meta": meta("FrameV3", "Frame"),
        "_exclude_fields": "",
        "frame_id": frame_key(key),
        "byte_size": frame.bytes(),
        "is_text": false,
        "row_offset": r0,
        "row_count": nr,
        "column_offset": c0,
        "column_count": nc,
        "full_column_count": ncols,
        "total_column_count": ncols,
        "checksum": 0,
        "rows": frame.rows,
        "num_columns": ncols,
        "default_percentiles": [0.001, 0.01, 0.1, 0.2, 0.25, 0.3, 0.333, 0.4, 0.5, 0.6, 0.667, 0.7, 0.75, 0.8, 0.9, 0.99, 0.999],
        "compatible_models": null,
        "chunk_summary": null,
        "distribution_summary": null,
        "columns": columns,
    })
}

/// The summary numbers H2O's rollups give: missing/zero/infinity counts, 5 smallest and
/// largest, mean and standard deviation (NaN for non-numeric columns).
struct Rollup {
    missing: usize,
    zeros: usize,
    pinf: usize,
    ninf: usize,
    mins: Vec<f64>,
    maxs: Vec<f64>,
    mean: f64,
    sigma: f64,
}

fn rollup(values: &[f64], numeric: bool) -> Rollup {
    let present: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    let finite: Vec<f64> = present.iter().copied().filter(|x| x.is_finite()).collect();
    let mut sorted = present.clone();
    sorted.sort_by(f64::total_cmp);
    let n = finite.len() as f64;
    let mean = if numeric && n > 0.0 {
        finite.iter().sum::<f64>() / n
    } else {
        f64::NAN
    };
    let sigma = if numeric && n > 1.0 {
        (finite.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    Rollup {
        missing: values.len() - present.len(),
        zeros: present.iter().filter(|&&x| x == 0.0).count(),
        pinf: present.iter().filter(|&&x| x == f64::INFINITY).count(),
        ninf: present.iter().filter(|&&x| x == f64::NEG_INFINITY).count(),
        mins: sorted.iter().take(5).copied().collect(),
        maxs: sorted.iter().rev().take(5).copied().collect(),
        mean,
        sigma,
    }
}

fn nums(v: &[f64]) -> Value {
    Value::Array(v.iter().map(|&x| num(x)).collect())
}

fn col_v3(col: &Col, r0: usize, nr: usize) -> Value {
    let (r, domain, data, string_data) = match &col.data {
        ColData::Num(v) => (
            rollup(v, true),
            Value::Null,
            nums(&v[r0..r0 + nr]),
            Value::Null,
        ),
        ColData::Enum { domain, codes } => (
            rollup(codes, false),
            json!(domain),
            nums(&codes[r0..r0 + nr]),
            Value::Null,
        ),
        ColData::Str(v) => {
            let present: Vec<f64> = v
                .iter()
                .map(|s| if s.is_some() { 0.0 } else { f64::NAN })
                .collect();
            let mut r = rollup(&present, false);
            r.zeros = 0;
            r.mins.clear();
            r.maxs.clear();
            (r, Value::Null, Value::Null, json!(v[r0..r0 + nr]))
        }
    };
    let cardinality = match &col.data {
        ColData::Enum { domain, .. } => domain.len(),
        _ => 0,
    };
    json!({
        "__meta": meta("ColV3", "Vec"),
        "label": col.name,
        "missing_count": r.missing,
        "zero_count": r.zeros,
        "positive_infinity_count": r.pinf,
        "negative_infinity_count": r.ninf,
        "mins": nums(&r.mins),
        "maxs": nums(&r.maxs),
        "mean": num(r.mean),
        "sigma": num(r.sigma),
        "type": col.type_name(),
        "domain": domain,
        "domain_cardinality": cardinality,
        "data": data,
        "string_data": string_data,
        "precision": -1,
        "histogram_bins": null,
        "histogram_base": 0.0,
        "histogram_stride": 0.0,
        "percentiles": null,
    })
}

/// `FramesV3` around `frames`.
fn frames_v3(frames: Value, slice: &Slice) -> Value {
    json!({
        "__meta": meta("FramesV3", "Frames"),
        "_exclude_fields": "",
        "row_offset": slice.row_offset.unwrap_or(0),
        "row_count": slice.row_count.unwrap_or(-1),
        "column_offset": slice.column_offset.unwrap_or(0),
        "full_column_count": -1,
        "column_count": slice.column_count.unwrap_or(-1),
        "compression": null,
        "write_checksum": true,
        "tz_adjust_from_local": false,
        "separator": 44,
        "header": true,
        "quote_header": true,
        "job": null,
        "frames": frames,
        "compatible_models": null,
        "domain": null,
    })
}

/// The parsed frame under `key`, or H2O's 404.
pub fn parsed(
    shared: &Shared,
    key: &str,
    function: Option<&str>,
    argument: &str,
) -> Result<Arc<Frame>, H2oError> {
    let h2o = super::state(shared)?;
    let mut store = h2o.frames.lock().unwrap_or_else(|p| p.into_inner());
    match store.get(key) {
        Some(Stored::Parsed(f)) => Ok(f),
        _ => Err(H2oError::key_not_found(key, function, argument)),
    }
}

pub async fn get(
    State(shared): State<Shared>,
    Path(key): Path<String>,
    Query(slice): Query<Slice>,
) -> Result<Json<Value>, H2oError> {
    let frame = parsed(&shared, &key, None, "key")?;
    Ok(Json(frames_v3(
        json!([frame_v3(&key, &frame, &slice)]),
        &slice,
    )))
}

pub async fn list(State(shared): State<Shared>) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let all = h2o
        .frames
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .parsed();
    let synopses: Vec<Value> = all
        .iter()
        .map(|(k, f)| {
            json!({
                "__meta": meta("FrameSynopsisV3", "Iced"),
                "_exclude_fields": "",
                "frame_id": frame_key(k),
                "byte_size": f.bytes(),
                "is_text": false,
                "rows": f.rows,
                "columns": f.cols.len(),
            })
        })
        .collect();
    Ok(Json(frames_v3(json!(synopses), &Slice::default())))
}

pub async fn remove(
    State(shared): State<Shared>,
    Path(key): Path<String>,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let removed = h2o
        .frames
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&key);
    if !removed {
        return Err(H2oError::key_not_found(&key, None, "key"));
    }
    Ok(Json(frames_v3(Value::Null, &Slice::default())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_clamp_to_the_frame() {
        assert_eq!(window(None, None, 171, 100), (0, 100));
        assert_eq!(window(Some(5), Some(3), 40, 100), (5, 3));
        assert_eq!(window(Some(38), Some(10), 40, 100), (38, 2));
        assert_eq!(window(Some(90), Some(-1), 40, 100), (40, 0));
    }

    #[test]
    fn nan_is_a_string_and_enums_are_indices() {
        let f = Frame {
            rows: 2,
            cols: vec![
                Col::num("x", vec![1.5, f64::NAN]),
                Col {
                    name: "c".into(),
                    data: ColData::Enum {
                        domain: vec!["a".into(), "b".into()],
                        codes: vec![1.0, f64::NAN],
                    },
                },
            ],
        };
        let v = frame_v3("f", &f, &Slice::default());
        assert_eq!(v["columns"][0]["data"], json!([1.5, "NaN"]));
        assert_eq!(v["columns"][0]["missing_count"], 1);
        assert_eq!(v["columns"][1]["type"], "enum");
        assert_eq!(v["columns"][1]["data"], json!([1.0, "NaN"]));
        assert_eq!(v["columns"][1]["mean"], "NaN");
    }
}
