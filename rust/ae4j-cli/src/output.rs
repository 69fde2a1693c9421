//! How scores are written: H2O's column names, numbers that read back exactly, CSV quoting.

use ae4j_core::calibration::Decision;
use ae4j_core::Model;

/// Which column groups a scores file has.
#[derive(Clone, Copy)]
pub struct Layout {
    pub per_feature: bool,
    pub reconstruction: bool,
    /// `anomaly` and `percentile` columns (the model is calibrated or a threshold was given).
    pub decision: bool,
    /// `top_<i>_column`, `top_<i>_share` for the `explain` columns with the largest error shares.
    pub explain: usize,
    /// The number of `DF.L<layer>.C<unit>` columns (`--deep-features`), after every other.
    pub deep_features: usize,
    pub error_column: bool,
}

/// One scored row.
pub struct RowOut<'a> {
    pub mse: f64,
    pub errors: &'a [f64],
    pub reconstruction: &'a [f64],
    pub decision: Option<Decision>,
    /// (input column, share of the row's squared error), largest first.
    pub explanation: &'a [(usize, f64)],
    /// The chosen hidden layers' activations, side by side (`layout.deep_features` values).
    pub deep_features: &'a [f64],
}

/// The score column names, in order: `Reconstruction.MSE`, `anomaly`, `percentile`,
/// `reconstr_<slot>.SE` per slot, `reconstr_<slot>`, `top_<i>_column`/`top_<i>_share`, then
/// the deep features' `deep_columns`.
fn score_columns(model: &Model, layout: Layout, deep_columns: &[String]) -> Vec<String> {
    let mut cols = vec!["Reconstruction.MSE".to_string()];
    if layout.decision {
        cols.extend(["anomaly".to_string(), "percentile".to_string()]);
    }
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
    for i in 1..=layout.explain {
        cols.extend([format!("top_{i}_column"), format!("top_{i}_share")]);
    }
    cols.extend_from_slice(deep_columns);
    cols
}

/// The kept input columns, the score columns, then `error` when rows may fail.
pub fn header(
    model: &Model,
    layout: Layout,
    deep_columns: &[String],
    sep: char,
    kept: &[String],
) -> String {
    debug_assert_eq!(deep_columns.len(), layout.deep_features);
    let mut cols = kept.to_vec();
    cols.extend(score_columns(model, layout, deep_columns));
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

/// Numbers are written exactly as the service writes them.
pub use ae4j_serve::push_number;

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

/// One scored row's score columns (and an empty error column), then the line break.
pub fn push_row(line: &mut String, model: &Model, row: &RowOut, layout: Layout, sep: char) {
    push_number(line, row.mse);
    if layout.decision {
        line.push(sep);
        if let Some(d) = row.decision {
            line.push_str(if d.anomaly { "true" } else { "false" });
        }
        line.push(sep);
        if let Some(p) = row.decision.and_then(|d| d.percentile) {
            push_number(line, p);
        }
    }
    if layout.per_feature {
        for &v in row.errors {
            line.push(sep);
            push_number(line, v);
        }
    }
    if layout.reconstruction {
        for &v in row.reconstruction {
            line.push(sep);
            push_number(line, v);
        }
    }
    for i in 0..layout.explain {
        line.push(sep);
        if let Some(&(column, share)) = row.explanation.get(i) {
            push_field(line, &model.columns()[column].name, sep);
            line.push(sep);
            push_number(line, share);
        } else {
            line.push(sep);
        }
    }
    for &v in row.deep_features {
        line.push(sep);
        push_number(line, v);
    }
    if layout.error_column {
        line.push(sep);
    }
    line.push('\n');
}

/// A row that could not be scored: empty score columns, the error in the last column.
pub fn push_error_row(line: &mut String, model: &Model, message: &str, layout: Layout, sep: char) {
    let columns = score_columns(model, layout, &[]).len() + layout.deep_features;
    for _ in 0..columns {
        line.push(sep);
    }
    push_field(line, message, sep);
    line.push('\n');
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
