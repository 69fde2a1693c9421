//! The pipeline fixture (tests/fixtures/pipeline, made by pandas + scikit-learn and H2O): raw
//! rows through the spec must give the transformed rows bit for bit (with libm's log1p: see the
//! fixture's README) and genmodel's scores of the transformed rows (1e-9 relative); the six
//! error rows are pipeline row errors naming the fixture's column.

use std::path::PathBuf;

use ae4j_core::convert::{csv_cell, Cell};
use ae4j_core::pipeline::{Pipeline, Value};
use ae4j_core::scorer::PIPELINE_ROW;
use ae4j_core::{Model, RowFailure, RowScorer, ScoreOptions, Scorer};
use serde_json::Value as Json;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pipeline")
}

fn cases() -> Json {
    serde_json::from_slice(&std::fs::read(dir().join("cases.json")).unwrap()).unwrap()
}

fn spec() -> Pipeline {
    let path = dir().join("pipeline.json");
    Pipeline::from_json(&std::fs::read(&path).unwrap(), "pipeline.json").unwrap()
}

fn load(name: &str) -> Model {
    ae4j_core::load_model(&dir().join(name)).unwrap()
}

/// A row's raw cells as CSV text (`""` missing).
fn text_cells(row: &Json) -> Vec<(&str, Cell<'_>)> {
    let raw = row["raw"].as_object().unwrap();
    raw.iter()
        .map(|(k, v)| (k.as_str(), csv_cell(v.as_str().unwrap())))
        .collect()
}

/// A row's raw cells as a JSON record gives them (a boolean as 1/0; absent = missing).
fn typed_cells(row: &Json) -> Vec<(&str, Cell<'_>)> {
    let raw = row["raw_typed"].as_object().unwrap();
    raw.iter()
        .map(|(k, v)| {
            let cell = match v {
                Json::Number(n) => Cell::Number(n.as_f64().unwrap()),
                Json::String(s) => Cell::Text(s),
                Json::Bool(b) => Cell::Number(f64::from(u8::from(*b))),
                Json::Null => Cell::Missing,
                other => panic!("unexpected raw value {other}"),
            };
            (k.as_str(), cell)
        })
        .collect()
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
}

fn check_error(id: &Json, e: &RowFailure, expected: &Json) {
    assert_eq!(e.kind, PIPELINE_ROW, "row {id}: {e}");
    assert_eq!(
        e.column.as_deref(),
        expected["column"].as_str(),
        "row {id}: {e}"
    );
    match expected["step"].as_u64() {
        Some(n) => assert!(
            e.message.starts_with(&format!("step {n} (")),
            "row {id}: {e}"
        ),
        None => assert!(e.message.starts_with("input "), "row {id}: {e}"),
    }
}

fn score_every_row(model: &Model, cells: fn(&Json) -> Vec<(&str, Cell<'_>)>) -> usize {
    let p = spec();
    p.check_model(model, "pipeline.json").unwrap();
    let scorer = Scorer::new(model, None, ScoreOptions::default()).with_pipeline(&p);
    let mut buffers = RowScorer::new(model);
    let cases = cases();
    let rows = cases["rows"].as_array().unwrap();
    for row in rows {
        let id = &row["id"];
        let result = buffers.score_named(&scorer, &cells(row)).map(|s| s.mse);
        match (&row["expected_error"], result) {
            (Json::Null, Ok(mse)) => {
                let want = row["genmodel"]["default"]["mse"].as_f64().unwrap();
                assert!(
                    relative(mse, want) <= 1e-9,
                    "row {id}: {mse} vs genmodel {want}"
                );
            }
            (Json::Null, Err(e)) => panic!("row {id}: {e}"),
            (expected, Err(e)) => check_error(id, &e, expected),
            (_, Ok(mse)) => panic!("row {id}: scored {mse}, expected an error"),
        }
    }
    rows.len()
}

#[test]
fn raw_text_rows_score_as_genmodel_scores_the_transformed_rows() {
    assert_eq!(score_every_row(&load("pipeline_tanh.zip"), text_cells), 265);
}

#[test]
fn raw_json_records_score_the_same() {
    score_every_row(&load("pipeline_tanh.zip"), typed_cells);
}

#[test]
fn the_pojo_scores_the_same() {
    score_every_row(&load("pipeline_tanh.java"), text_cells);
}

#[test]
fn transformed_values_are_the_references_bit_for_bit() {
    let p = spec();
    let cases = cases();
    let mut compared = 0;
    for row in cases["rows"].as_array().unwrap() {
        let id = &row["id"];
        let result = p.apply_named(&text_cells(row));
        if !row["expected_error"].is_null() {
            check_error(id, &result.unwrap_err(), &row["expected_error"]);
            continue;
        }
        let got: std::collections::HashMap<String, Value> = result.unwrap().into_iter().collect();
        let want = row.get("transformed_libm").unwrap_or(&row["transformed"]);
        for (column, expected) in want.as_object().unwrap() {
            let value = &got[column];
            match expected {
                Json::Null => assert_eq!(*value, Value::Missing, "row {id} {column}"),
                Json::String(s) => {
                    assert_eq!(*value, Value::String(s.clone()), "row {id} {column}")
                }
                n => {
                    let (g, w) = (value.as_number().unwrap(), n.as_f64().unwrap());
                    assert_eq!(g.to_bits(), w.to_bits(), "row {id} {column}: {g} vs {w}");
                }
            }
            compared += 1;
        }
    }
    assert!(compared > 2000, "{compared}");
}
