//! The cost of deep features relative to plain scoring, on the wide model
//! (digits_wide_tanh, 61-256-128-256-61), one thread, the batch path (4096 rows, reused
//! scratch): plain scores (reconstruction, squared errors, MSE) against the deep features of
//! hidden layer 0, 1 or 2 alone (the network stops at the chosen layer), all three alone, and
//! the scores with all three from the same forward pass.
//!
//! `cargo bench -p ae4j-core --bench deep_features` (BENCHMARKS.md, "Deep features").

use std::time::Duration;

use ae4j_core::forward::BatchScratch;
use ae4j_core::{BatchOutputs, Model};
use ae4j_fixtures::{load_cases, server_raw};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::{Array1, Array2};

const MODEL: &str = "digits_wide_tanh";
const ROWS: usize = 4096;

/// The model and its fixture's normal rows (real training rows), repeated to `ROWS` raw rows.
fn load() -> (Model, Array2<f64>) {
    let case = load_cases()
        .into_iter()
        .find(|c| c.name == MODEL)
        .expect("no such fixture");
    let model = ae4j_core::load_model(&case.mojo_path()).expect("model loads");
    let rows: Vec<Vec<f64>> = case
        .rows
        .iter()
        .filter(|r| r.kind == "normal")
        .map(|r| server_raw(&model, r).expect("normal rows convert"))
        .collect();
    let flat: Vec<f64> = (0..ROWS)
        .flat_map(|i| rows[i % rows.len()].clone())
        .collect();
    let batch = Array2::from_shape_vec((ROWS, model.n_features()), flat).expect("shape");
    (model, batch)
}

fn bench(c: &mut Criterion) {
    let (model, rows) = load();
    let n = model.n_slots();
    let mut g = c.benchmark_group(format!("{MODEL}/deep-features/1-thread"));
    g.throughput(Throughput::Elements(ROWS as u64));
    let mut scratch = BatchScratch::new(&model);
    let (mut rec, mut se, mut mse) = (
        Array2::zeros((ROWS, n)),
        Array2::zeros((ROWS, n)),
        Array1::zeros(ROWS),
    );
    g.bench_function("scores", |b| {
        b.iter(|| {
            let (r, s, m) = (rec.view_mut(), se.view_mut(), mse.view_mut());
            model
                .score_batch_with(rows.view(), r, s, m, &mut scratch)
                .unwrap();
        })
    });
    let choices: [(&str, &[i64]); 4] = [
        ("layer-0", &[0]),
        ("layer-1", &[1]),
        ("layer-2", &[2]),
        ("layers-0-1-2", &[0, 1, 2]),
    ];
    for (label, layers) in choices {
        let features = model.deep_features(layers).unwrap();
        let mut out = Array2::zeros((ROWS, features.width()));
        g.bench_function(format!("deep-features-{label}"), |b| {
            b.iter(|| {
                let outputs = BatchOutputs {
                    deep_features: Some((&features, out.view_mut())),
                    ..BatchOutputs::default()
                };
                model
                    .score_batch_outputs(rows.view(), outputs, &mut scratch)
                    .unwrap();
            })
        });
    }
    let features = model.deep_features(&[0, 1, 2]).unwrap();
    let mut out = Array2::zeros((ROWS, features.width()));
    g.bench_function("scores-and-deep-features-layers-0-1-2", |b| {
        b.iter(|| {
            let outputs = BatchOutputs {
                reconstructed: Some(rec.view_mut()),
                squared_errors: Some(se.view_mut()),
                mse: Some(mse.view_mut()),
                deep_features: Some((&features, out.view_mut())),
            };
            model
                .score_batch_outputs(rows.view(), outputs, &mut scratch)
                .unwrap();
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
