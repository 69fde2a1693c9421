//! How scores are written: H2O's column names, numbers that read back exactly, CSV quoting.

use std::fmt::Write;

use ae4j_core::Model;

/// Which column groups a scores file has.
#[derive(Clone, Copy)]
pub struct Layout {
    pub per_feature: bool,
    pub reconstruction: bool,
    pub error_column: bool,
}

/// The kept input columns, then `Reconstruction.MSE`, then `reconstr_<slot>.SE` per slot, then `reconstr_<slot>`, then `error`.
pub fn header(model: &Model, layout: Layout, sep: char, kept: &[String]) -> String {
    let mut cols = kept.to_vec();
    cols.push("Reconstruction.MSE".to_string());
    if layout.per_feature {
        cols.extend(
            model
                .slot_names()
                .iter()
                .map(|s| format!("reconstr_{s}.SE")),
        );
    }
    if layout.reconstruction {
        cols.extend(model.slot_names().iter().map(|s| format!("reconstr_{s}")));
    }
    if layout.error_column {
        cols.push("error".into());
    }
    let mut line = String::new();
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            line.push(sep);
        }
        push_field(&mut line, c, sep);
    }
    line.push('\n');
    line
}

/// Shortest text that parses back to the same double (Java's spellings for non-finite values).
pub fn push_number(line: &mut String, v: f64) {
    if v.is_nan() {
        line.push_str("NaN");
    } else if v.is_infinite() {
        line.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        let _ = write!(line, "{v:?}");
    }
}

/// A CSV field, quoted when it holds the separator, a quote or a line break.
pub fn push_field(line: &mut String, s: &str, sep: char) {
    if s.contains([sep, '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&s.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(s);
    }
}

/// One scored row. `scores` holds the MSE, then the squared errors and reconstruction asked for.
pub fn push_row(
    line: &mut String,
    mse: f64,
    errors: &[f64],
    reconstruction: &[f64],
    layout: Layout,
    sep: char,
) {
    push_number(line, mse);
    if layout.per_feature {
        for &v in errors {
            line.push(sep);
            push_number(line, v);
        }
    }
    if layout.reconstruction {
        for &v in reconstruction {
            line.push(sep);
            push_number(line, v);
        }
    }
    if layout.error_column {
        line.push(sep);
    }
    line.push('\n');
}

/// A row that could not be scored: empty score columns, the error in the last column.
pub fn push_error_row(line: &mut String, n_slots: usize, message: &str, layout: Layout, sep: char) {
    let empty = 1
        + if layout.per_feature { n_slots } else { 0 }
        + if layout.reconstruction { n_slots } else { 0 };
    for _ in 1..empty {
        line.push(sep);
    }
    line.push(sep);
    push_field(line, message, sep);
    line.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

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
        push_field(&mut s, "a,\"b\"", ',');
        assert_eq!(s, "\"a,\"\"b\"\"\"");
    }
}

/// The input columns passed through (`--keep`), each followed by the separator.
pub fn push_kept(line: &mut String, record: &csv::ByteRecord, positions: &[usize], sep: char) {
    for &p in positions {
        push_field(
            line,
            &String::from_utf8_lossy(record.get(p).unwrap_or_default()),
            sep,
        );
        line.push(sep);
    }
}
