//! CSV in and out, as `ae4j predict` reads and writes it: a header row naming the model's
//! columns, then `Reconstruction.MSE`, `anomaly`, `percentile` (when a decision is made),
//! `reconstr_<slot>.SE`..., `reconstr_<slot>`..., `top_<i>_column`, `top_<i>_share`,
//! `DF.L<layer+1>.C<unit>`... (deep features, when asked for), and
//! (here always) an `error` column. Numbers are the shortest text that reads back to the
//! same double, with Java's `NaN` / `Infinity` / `-Infinity`.

use ae4j_core::Model;

use crate::api::ApiError;
use crate::scoring::{column_names, Options, Outcome, Rows};

/// Parses a CSV body with a header row.
pub fn parse(body: &[u8], max_rows: usize) -> Result<Rows, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true) // a ragged row is that row's error, not the request's
        .from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::bad_request(format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        return Err(ApiError::bad_request(
            "the CSV body is empty: expected a header row naming the model's columns",
        ));
    }
    let mut records = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| ApiError::bad_request(format!("cannot parse the CSV body: {e}")))?;
        records.push(record);
        if records.len() > max_rows {
            return Err(ApiError::too_many_rows(records.len(), max_rows));
        }
    }
    Ok(Rows::Csv { header, records })
}

/// The scores as CSV, one line per input row in order.
pub fn render(model: &Model, outcome: &Outcome, options: Options) -> String {
    let (se_names, recon_names) = column_names(model);
    let mut cols = vec!["Reconstruction.MSE".to_string()];
    let decided = outcome.decisions.is_some();
    if decided {
        cols.extend(["anomaly".to_string(), "percentile".to_string()]);
    }
    if options.per_feature {
        cols.extend(se_names);
    }
    if options.reconstruction {
        cols.extend(recon_names);
    }
    for i in 1..=options.explain {
        cols.extend([format!("top_{i}_column"), format!("top_{i}_share")]);
    }
    cols.extend(crate::scoring::deep_feature_names(model, options));
    cols.push("error".into());
    let mut out = String::with_capacity(32 * cols.len() * (1 + outcome.rows()));
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(&mut out, c);
    }
    out.push('\n');
    for i in 0..outcome.rows() {
        let failure = &outcome.errors[i];
        let push = |out: &mut String, v: f64| {
            if failure.is_none() {
                push_number(out, v);
            }
        };
        push(&mut out, outcome.mse[i]);
        if decided {
            out.push(',');
            let d = outcome.decision(i).filter(|_| failure.is_none());
            if let Some(d) = d {
                out.push_str(if d.anomaly { "true" } else { "false" });
            }
            out.push(',');
            if let Some(p) = d.and_then(|d| d.percentile) {
                push_number(&mut out, p);
            }
        }
        if options.per_feature {
            for &v in outcome.se_row(i) {
                out.push(',');
                push(&mut out, v);
            }
        }
        if options.reconstruction {
            for &v in outcome.recon_row(i) {
                out.push(',');
                push(&mut out, v);
            }
        }
        for k in 0..options.explain {
            out.push(',');
            if let Some(&(c, share)) = outcome.explanation(i).get(k) {
                push_field(&mut out, &model.columns()[c].name);
                out.push(',');
                push_number(&mut out, share);
            } else {
                out.push(',');
            }
        }
        for &v in outcome.deep_row(i) {
            out.push(',');
            push(&mut out, v);
        }
        out.push(',');
        if let Some(f) = failure {
            push_field(&mut out, &format!("{}: {}", f.kind, f.message));
        }
        out.push('\n');
    }
    out
}

/// Shortest text that parses back to the same double (Java's spellings for non-finite values).
/// The service's CSV answers and the CLI's output both write numbers with this.
pub fn push_number(line: &mut String, v: f64) {
    if v.is_nan() {
        line.push_str("NaN");
    } else if v.is_infinite() {
        line.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        // zmij: the shortest digits, as `{:?}` and ryu give them, faster than both (formatting
        // is a fifth of the CLI's time). It spells a positive exponent `e+16`; ae4j has always
        // written ryu's `e16`.
        let mut buffer = zmij::Buffer::new();
        let text = buffer.format_finite(v);
        match text.bytes().position(|b| b == b'+') {
            Some(plus) => {
                line.push_str(&text[..plus]);
                line.push_str(&text[plus + 1..]);
            }
            None => line.push_str(text),
        }
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn push_field(line: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&s.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_ryu_writes_them() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            0.1,
            1e16,
            1e15,
            1e-5,
            1e-7,
            123.456,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            -1e300,
            5e-324,
        ];
        for _ in 0..1_000_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(f64::from_bits(x));
            values.push((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5);
        }
        let mut line = String::new();
        for v in values.into_iter().filter(|v| v.is_finite()) {
            line.clear();
            push_number(&mut line, v);
            assert_eq!(line, ryu::Buffer::new().format_finite(v), "{v:e}");
        }
    }

    #[test]
    fn numbers_read_back() {
        for v in [0.1, 1e-7, 123456789.125, -2.5e300, 5e-324] {
            let mut s = String::new();
            push_number(&mut s, v);
            assert_eq!(s.parse::<f64>().unwrap(), v, "{s}");
        }
        let mut s = String::new();
        push_number(&mut s, f64::NEG_INFINITY);
        assert_eq!(s, "-Infinity");
    }

    #[test]
    fn quoting() {
        let mut s = String::new();
        push_field(&mut s, "a,\"b\"");
        assert_eq!(s, "\"a,\"\"b\"\"\"");
    }
}
