//! The core's [`BatchScores`] as the flat buffers the Python half turns into a DataFrame, with
//! the column names of the core's score table ([`ScoreTable`]), group by group.

use ae4j_core::scorer::BatchScores;
use ae4j_core::table::{ColumnGroup, ScoreTable};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

/// The `anomaly` code of a row that could not be scored (0 and 1 are the decision).
const FAILED: u8 = 2;

/// The Python half's name of a column group (see `python/ae4j/_outputs.py`).
fn group_tag(group: ColumnGroup) -> &'static str {
    match group {
        ColumnGroup::Mse => "mse",
        ColumnGroup::Decision => "decision",
        ColumnGroup::PerFeature => "per_feature",
        ColumnGroup::Reconstruction => "reconstruction",
        ColumnGroup::Explanation(_) => "explanation",
        ColumnGroup::DeepFeatures => "deep_features",
        ColumnGroup::Error => "error",
    }
}

fn f64_bytes<'py>(py: Python<'py>, values: &[f64]) -> Bound<'py, PyBytes> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    PyBytes::new(py, &bytes)
}

/// `{groups: [(tag, names)], mse, squared_errors, reconstruction, anomaly, percentile,
/// top_columns, top_shares, deep_features, failures}`: see `python/ae4j/_native.pyi`.
pub fn to_dict<'py>(
    py: Python<'py>,
    table: &ScoreTable<'_>,
    scores: &BatchScores,
    explain: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let groups = PyList::empty(py);
    for &g in table.groups() {
        groups.append((group_tag(g), table.group_names(g)))?;
    }
    d.set_item("groups", groups)?;
    d.set_item("mse", f64_bytes(py, &scores.mse))?;
    d.set_item("squared_errors", f64_bytes(py, &scores.se))?;
    d.set_item("reconstruction", f64_bytes(py, &scores.recon))?;
    d.set_item("deep_features", f64_bytes(py, &scores.deep))?;
    let (anomaly, percentile) = decisions(scores);
    d.set_item("anomaly", PyBytes::new(py, &anomaly))?;
    d.set_item("percentile", f64_bytes(py, &percentile))?;
    let (columns, shares) = explanations(scores, explain);
    let columns: Vec<u8> = columns.iter().flat_map(|v| v.to_le_bytes()).collect();
    d.set_item("top_columns", PyBytes::new(py, &columns))?;
    d.set_item("top_shares", f64_bytes(py, &shares))?;
    let failures = PyList::empty(py);
    for (row, f) in scores.errors.iter().enumerate() {
        if let Some(f) = f {
            failures.append((row, &f.kind, f.column.as_deref(), &f.message, f.to_string()))?;
        }
    }
    d.set_item("failures", failures)?;
    Ok(d)
}

/// Per row: the anomaly code (0 / 1, [`FAILED`]) and the percentile (NaN: none); empty
/// without decisions.
fn decisions(scores: &BatchScores) -> (Vec<u8>, Vec<f64>) {
    let Some(decisions) = &scores.decisions else {
        return (Vec::new(), Vec::new());
    };
    decisions
        .iter()
        .zip(&scores.errors)
        .map(|(d, e)| match e {
            Some(_) => (FAILED, f64::NAN),
            None => (u8::from(d.anomaly), d.percentile.unwrap_or(f64::NAN)),
        })
        .unzip()
}

/// Per row, `explain` (column index, share) pairs, padded with (-1, NaN).
fn explanations(scores: &BatchScores, explain: usize) -> (Vec<i32>, Vec<f64>) {
    let mut columns = Vec::with_capacity(scores.rows() * explain);
    let mut shares = Vec::with_capacity(scores.rows() * explain);
    if explain == 0 {
        return (columns, shares);
    }
    for i in 0..scores.rows() {
        let entries = scores.explanation(i);
        for k in 0..explain {
            let (c, s) = entries
                .get(k)
                .map_or((-1, f64::NAN), |&(c, s)| (c as i32, s));
            columns.push(c);
            shares.push(s);
        }
    }
    (columns, shares)
}
