//! `GET /3/DownloadDataset[.bin]?frame_id=…[&hex_string=true]`: a frame as H2O's CSV: quoted
//! header, Java's `Double.toString` (or `Double.toHexString`) numbers, quoted levels and texts,
//! an empty cell for NA. `as_data_frame()` reads it with pandas.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::frame_json::parsed;
use super::frames::{ColData, Frame};
use super::params::parse_bool;
use super::H2oError;
use crate::Shared;

#[derive(Deserialize)]
pub struct DownloadQuery {
    frame_id: Option<String>,
    hex_string: Option<String>,
}

pub async fn download(
    State(shared): State<Shared>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, H2oError> {
    let key = q
        .frame_id
        .filter(|k| !k.is_empty())
        .ok_or_else(|| H2oError::bad_request("Missing argument: frame_id"))?;
    let frame = parsed(&shared, &key, None, "frame_id")?;
    let hex = q
        .hex_string
        .as_deref()
        .and_then(parse_bool)
        .unwrap_or(false);
    let body = tokio::task::spawn_blocking(move || to_csv(&frame, hex))
        .await
        .map_err(|e| H2oError::bad_request(format!("cannot write the frame: {e}")))?;
    let file = key.strip_suffix(".hex").unwrap_or(&key);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/octet-stream;charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename={}.csv",
                    file.replace(['"', '\r', '\n'], "_")
                ),
            ),
        ],
        body,
    )
        .into_response())
}

fn quoted(out: &mut String, text: &str) {
    out.push('"');
    out.push_str(&text.replace('"', "\"\""));
    out.push('"');
}

/// The frame as H2O's CSV.
pub fn to_csv(frame: &Frame, hex: bool) -> String {
    let mut out = String::new();
    for (i, c) in frame.cols.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quoted(&mut out, &c.name);
    }
    out.push('\n');
    let ints: Vec<bool> = frame.cols.iter().map(|c| c.type_name() == "int").collect();
    for r in 0..frame.rows {
        for (i, c) in frame.cols.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match &c.data {
                ColData::Num(v) => push_number(&mut out, v[r], ints[i], hex),
                ColData::Enum { domain, codes } => {
                    if !codes[r].is_nan() {
                        quoted(&mut out, &domain[codes[r] as usize]);
                    }
                }
                ColData::Str(v) => {
                    if let Some(s) = &v[r] {
                        quoted(&mut out, s);
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}

fn push_number(out: &mut String, x: f64, int: bool, hex: bool) {
    if x.is_nan() {
        return;
    }
    if int && x.is_finite() {
        out.push_str(&format!("{}", x as i64));
    } else if hex {
        out.push_str(&java_hex(x));
    } else {
        out.push_str(&ae4j_core::mojo_writer::java_double(x));
    }
}

/// Java's `Double.toHexString`: `0x1.8p1`, `-0x1.0p-3`, `0x0.0p0`, subnormals as
/// `0x0.<digits>p-1022`, trailing zero hex digits dropped (one kept).
pub fn java_hex(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0x0.0p0");
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let mut digits = format!("{frac:013x}");
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    if exp == 0 {
        format!("{sign}0x0.{digits}p-1022")
    } else {
        format!("{sign}0x1.{digits}p{}", exp - 1023)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::h2o::frames::Col;

    #[test]
    fn java_hex_strings() {
        assert_eq!(java_hex(3.0), "0x1.8p1");
        assert_eq!(java_hex(1.0), "0x1.0p0");
        assert_eq!(java_hex(-0.125), "-0x1.0p-3");
        assert_eq!(java_hex(0.0), "0x0.0p0");
        assert_eq!(java_hex(0.10751953622177304), "0x1.b86667bc0ec1ap-4");
        assert_eq!(java_hex(f64::from_bits(1)), "0x0.0000000000001p-1022");
    }

    #[test]
    fn csv_like_h2o() {
        let f = Frame {
            rows: 2,
            cols: vec![
                Col::num("DF.L1.C1", vec![6.886782391556998E-4, f64::NAN]),
                Col::num("dead", vec![0.0, 0.0]),
            ],
        };
        assert_eq!(
            to_csv(&f, false),
            "\"DF.L1.C1\",\"dead\"\n6.886782391556998E-4,0\n,0\n"
        );
    }
}
