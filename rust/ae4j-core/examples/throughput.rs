//! Core scoring speed on a fixture model's rows: one row at a time (`score_into`, the path
//! of the JNI row call and the CLI) and a batch (`score_batch_into`), single thread; and the
//! whole row path's batch form (`Scorer::score_batch` of named cells: conversion, scoring, on
//! every core), the path of the service and the Python package.
//!
//! `cargo run --release -p ae4j-core --example throughput -- <fixture name> [seconds]`
//! prints `single <µs/row>` and `batch <µs/row>` (thread CPU time on Linux), `scorer <µs/row>`
//! (CPU time of every thread of the process) plus the model's FLOPs per row.

use std::time::{Duration, Instant};

use ae4j_core::scorer::{Conversion, RowFailure, RowSource};
use ae4j_core::{Cell, ConvertOptions, Scorer, Scratch};
use ae4j_fixtures::Input;
use ndarray::{Array1, Array2};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("breast_cancer_tanhdropout");
    let seconds: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let case = ae4j_fixtures::load_cases()
        .into_iter()
        .find(|c| c.name == name)
        .expect("no such fixture");
    let model = ae4j_core::load_model(&case.mojo_path()).expect("model loads");

    // The fixture's normal rows (real training rows), repeated to 4096.
    let normal: Vec<&ae4j_fixtures::Row> =
        case.rows.iter().filter(|r| r.kind == "normal").collect();
    let rows: Vec<Vec<f64>> = normal
        .iter()
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
    let n = 4096;
    let flat: Vec<f64> = (0..n).flat_map(|i| rows[i % rows.len()].clone()).collect();
    let batch = Array2::from_shape_vec((n, model.n_features()), flat).expect("shape");

    let mut scratch = Scratch::new(&model);
    let (mut rec, mut se) = (vec![0.0; model.n_slots()], vec![0.0; model.n_slots()]);
    // `AE4J_ONLY=batch` (or `single`) times one path only, e.g. under `perf stat`.
    let only = std::env::var("AE4J_ONLY").unwrap_or_default();
    let skip = |path: &str| !only.is_empty() && only != path;
    let single = if skip("single") {
        f64::NAN
    } else {
        time(seconds, n, || {
            let mut s = 0.0;
            for row in batch.rows() {
                s += model
                    .score_into(
                        row.as_slice().expect("contiguous"),
                        &mut scratch,
                        &mut rec,
                        &mut se,
                    )
                    .expect("scores");
            }
            s
        })
    };
    let (mut brec, mut bse, mut bmse) = (
        Array2::zeros((n, model.n_slots())),
        Array2::zeros((n, model.n_slots())),
        Array1::zeros(n),
    );
    let batched = if skip("batch") {
        f64::NAN
    } else {
        time(seconds, n, || {
            model
                .score_batch_into(
                    batch.view(),
                    brec.view_mut(),
                    bse.view_mut(),
                    bmse.view_mut(),
                )
                .expect("scores");
            bmse.sum()
        })
    };
    let named = NamedRows((0..n).map(|i| normal[i % normal.len()].inputs()).collect());
    let scorer = Scorer::new(&model, None, Default::default());
    let scored = if skip("scorer") {
        f64::NAN
    } else {
        time_process(seconds, n, || scorer.score_batch(&named).mse[0])
    };
    println!(
        "model {name} layers {:?} flops_per_row {}",
        model.layer_sizes(),
        model.flops_per_row()
    );
    println!("single {single:.4}");
    println!("batch {batched:.4}");
    println!("scorer {scored:.4}");
}

/// The fixture's rows as named cells (a RowData each).
struct NamedRows(Vec<Vec<(String, Input)>>);

impl RowSource for NamedRows {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn convert(&self, i: usize, conversion: &mut Conversion<'_>) -> Result<(), RowFailure> {
        conversion.named(|cells| {
            cells.extend(self.0[i].iter().map(|(k, v)| (k.as_str(), v.cell())));
            Ok(())
        })
    }
}

/// As [`time`], with the CPU time of every thread of the process (`/proc/self/stat`'s utime +
/// stime, in clock ticks of 10 ms): for paths that run on every core.
fn time_process(seconds: f64, rows: usize, mut pass: impl FnMut() -> f64) -> f64 {
    std::hint::black_box(pass());
    let start = Instant::now();
    let cpu_start = process_cpu_s();
    let mut passes = 0u32;
    while start.elapsed() < Duration::from_secs_f64(seconds) || passes == 0 {
        std::hint::black_box(pass());
        passes += 1;
    }
    let spent = match (cpu_start, process_cpu_s()) {
        (Some(a), Some(b)) => b - a,
        _ => start.elapsed().as_secs_f64(),
    };
    spent * 1e6 / (passes as f64 * rows as f64)
}

fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces, so split after its ')').
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Microseconds per row, after a warm-up pass, over whole passes filling the time budget. On
/// Linux this is the thread's CPU time (`/proc/thread-self/schedstat`, nanoseconds), which a
/// busy machine disturbs far less than wall time; elsewhere wall time.
fn time(seconds: f64, rows: usize, mut pass: impl FnMut() -> f64) -> f64 {
    std::hint::black_box(pass());
    let start = Instant::now();
    let cpu_start = thread_cpu_ns();
    let mut passes = 0u32;
    while start.elapsed() < Duration::from_secs_f64(seconds) || passes == 0 {
        std::hint::black_box(pass());
        passes += 1;
    }
    let spent = match (cpu_start, thread_cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e9,
        _ => start.elapsed().as_secs_f64(),
    };
    spent * 1e6 / (passes as f64 * rows as f64)
}

fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}
