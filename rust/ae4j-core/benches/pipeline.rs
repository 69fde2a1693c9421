//! Criterion benchmarks of the preprocessing pipeline on the row path: the cost per row of a
//! 10-step pipeline (tests/fixtures/pipeline-examples/pipeline_tanh_10_steps.json: timestamps,
//! logs, a square root, a ratio, bins, a level map) relative to scoring alone, on the pipeline
//! fixture's model (pipeline_tanh, 8 columns, Tanh 18-6-3-6-18), one thread.
//!
//! - `raw values`: the transformed row already as genmodel's raw doubles (no conversion);
//! - `transformed cells`: the transformed row as named cells (a RowData: genmodel's conversion);
//! - `raw cells + pipeline`: the raw row (CSV text cells) through the pipeline, then the same
//!   conversion and scoring.
//!
//! `cargo bench -p ae4j-core --bench pipeline` (add `-- --quick` for a fast pass). Throughput is
//! in rows.

use std::path::PathBuf;
use std::time::Duration;

use ae4j_core::convert::{csv_cell, Cell};
use ae4j_core::pipeline::Pipeline;
use ae4j_core::{Model, RowScorer, ScoreOptions, Scorer};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// The fixture's rows that score: (raw CSV text cells, transformed cells as a RowData).
type Rows = Vec<(Vec<(String, String)>, Vec<(String, Value)>)>;

fn rows() -> Rows {
    let text = std::fs::read(fixtures().join("pipeline/cases.json")).expect("cases");
    let cases: Value = serde_json::from_slice(&text).expect("json");
    let pairs = |v: &Value| -> Vec<(String, Value)> {
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    cases["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["expected_error"].is_null())
        .map(|r| {
            let raw = pairs(&r["raw"])
                .into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap().to_string()))
                .collect();
            (raw, pairs(&r["input"]))
        })
        .collect()
}

fn transformed_cell(v: &Value) -> Cell<'_> {
    match v {
        Value::Number(n) => Cell::Number(n.as_f64().unwrap()),
        Value::String(s) => Cell::Text(s),
        _ => Cell::Missing,
    }
}

fn bench(c: &mut Criterion) {
    let model: Model =
        ae4j_core::load_model(&fixtures().join("pipeline/pipeline_tanh.zip")).unwrap();
    let spec = fixtures().join("pipeline-examples/pipeline_tanh_10_steps.json");
    let pipeline = Pipeline::from_json(&std::fs::read(spec).unwrap(), "10 steps").unwrap();
    pipeline.check_model(&model, "10 steps").unwrap();
    let rows = rows();
    let plain = Scorer::new(&model, None, ScoreOptions::default());
    let piped = plain.with_pipeline(&pipeline);
    let mut buffers = RowScorer::new(&model);
    let raw_rows: Vec<Vec<f64>> = rows
        .iter()
        .map(|(_, t)| {
            let cells: Vec<_> = t
                .iter()
                .map(|(k, v)| (k.as_str(), transformed_cell(v)))
                .collect();
            let mut raw = vec![f64::NAN; model.n_features()];
            model
                .convert_row(&cells, Default::default(), &mut raw)
                .unwrap();
            raw
        })
        .collect();
    // The two routes score alike (the fixture test checks against genmodel).
    for (i, (raw, t)) in rows.iter().enumerate() {
        let cells: Vec<_> = raw.iter().map(|(k, v)| (k.as_str(), csv_cell(v))).collect();
        let a = buffers.score_named(&piped, &cells).unwrap().mse;
        let tc: Vec<_> = t
            .iter()
            .map(|(k, v)| (k.as_str(), transformed_cell(v)))
            .collect();
        let b = buffers.score_named(&plain, &tc).unwrap().mse;
        assert!((a - b).abs() <= 1e-12 * b.abs(), "row {i}: {a} vs {b}");
    }

    let mut g = c.benchmark_group("pipeline_tanh/1-thread");
    g.throughput(Throughput::Elements(rows.len() as u64));
    g.bench_function("raw values", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for raw in &raw_rows {
                s += buffers.score_raw(&plain, raw).unwrap().mse;
            }
            s
        })
    });
    g.bench_function("transformed cells", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for (_, t) in &rows {
                let cells: Vec<_> = t
                    .iter()
                    .map(|(k, v)| (k.as_str(), transformed_cell(v)))
                    .collect();
                s += buffers.score_named(&plain, &cells).unwrap().mse;
            }
            s
        })
    });
    g.bench_function("raw cells + 10-step pipeline", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for (raw, _) in &rows {
                let cells: Vec<_> = raw.iter().map(|(k, v)| (k.as_str(), csv_cell(v))).collect();
                s += buffers.score_named(&piped, &cells).unwrap().mse;
            }
            s
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
