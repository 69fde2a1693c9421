//! Criterion benchmarks of the scoring core: one row (`score_into`, the path of the JNI row
//! call) and batches of 1, 16, 256 and 4096 rows (`score_batch_with`, reused scratch), on a
//! small (30-10-3-10-30) and a large (61-256-128-256-61) Tanh model, on one thread and on all
//! threads (rayon, 256-row chunks, one scratch per task).
//!
//! `cargo bench -p ae4j-core --bench score` (add `-- --quick` for a fast pass). Throughput is
//! in rows ("elements"); bench/bench.py turns the estimates into µs/row and GFLOP/s.

use std::time::Duration;

use ae4j_core::forward::BatchScratch;
use ae4j_core::{Cell, ConvertOptions, Model, Scratch};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ndarray::{Array1, Array2, Axis};
use rayon::prelude::*;

const MODELS: [&str; 2] = ["breast_cancer_tanhdropout", "digits_wide_tanh"];
const BATCHES: [usize; 4] = [1, 16, 256, 4096];

/// The model and its fixture's normal rows (real training rows), repeated to `n` raw rows.
fn load(name: &str, n: usize) -> (Model, Array2<f64>) {
    let case = ae4j_fixtures::load_cases()
        .into_iter()
        .find(|c| c.name == name)
        .expect("no such fixture");
    let model = ae4j_core::load_model(&case.mojo_path()).expect("model loads");
    let rows: Vec<Vec<f64>> = case
        .rows
        .iter()
        .filter(|r| r.kind == "normal")
        .map(|r| {
            let inputs = r.inputs();
            let cells: Vec<(&str, Cell)> =
                inputs.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
            let mut raw = vec![f64::NAN; model.n_features()];
            model
                .convert_row(&cells, ConvertOptions::default(), &mut raw)
                .expect("normal rows convert");
            raw
        })
        .collect();
    let flat: Vec<f64> = (0..n).flat_map(|i| rows[i % rows.len()].clone()).collect();
    let batch = Array2::from_shape_vec((n, model.n_features()), flat).expect("shape");
    (model, batch)
}

fn bench(c: &mut Criterion) {
    for name in MODELS {
        let (model, rows) = load(name, 4096);
        let ns = model.n_slots();

        let mut g = c.benchmark_group(format!("{name}/1-thread"));
        g.throughput(Throughput::Elements(256));
        let mut scratch = Scratch::new(&model);
        let (mut rec, mut se) = (vec![0.0; ns], vec![0.0; ns]);
        g.bench_function("single-row x256", |b| {
            b.iter(|| {
                let mut s = 0.0;
                for row in rows.slice(ndarray::s![..256, ..]).rows() {
                    s += model
                        .score_into(row.as_slice().unwrap(), &mut scratch, &mut rec, &mut se)
                        .unwrap();
                }
                s
            })
        });
        let mut bs = BatchScratch::new(&model);
        for n in BATCHES {
            let (mut brec, mut bse, mut bmse) = (
                Array2::zeros((n, ns)),
                Array2::zeros((n, ns)),
                Array1::zeros(n),
            );
            let view = rows.slice(ndarray::s![..n, ..]);
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::new("batch", n), &n, |b, _| {
                b.iter(|| {
                    model
                        .score_batch_with(
                            view,
                            brec.view_mut(),
                            bse.view_mut(),
                            bmse.view_mut(),
                            &mut bs,
                        )
                        .unwrap();
                    bmse[0]
                })
            });
        }
        g.finish();

        let threads = rayon::current_num_threads();
        let mut g = c.benchmark_group(format!("{name}/{threads}-threads"));
        let n = 4096;
        g.throughput(Throughput::Elements(n as u64));
        let (mut brec, mut bse, mut bmse) = (
            Array2::zeros((n, ns)),
            Array2::zeros((n, ns)),
            Array1::zeros(n),
        );
        g.bench_with_input(BenchmarkId::new("batch", n), &n, |b, _| {
            b.iter(|| {
                rows.axis_chunks_iter(Axis(0), 256)
                    .into_par_iter()
                    .zip(brec.axis_chunks_iter_mut(Axis(0), 256))
                    .zip(bse.axis_chunks_iter_mut(Axis(0), 256))
                    .zip(bmse.axis_chunks_iter_mut(Axis(0), 256))
                    .for_each_init(
                        || BatchScratch::new(&model),
                        |s, (((raw, rec), se), mse)| {
                            model.score_batch_with(raw, rec, se, mse, s).unwrap();
                        },
                    );
                bmse[0]
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
