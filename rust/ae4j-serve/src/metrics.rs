//! Prometheus metrics in the text exposition format (version 0.0.4), kept by hand: counters
//! and a latency histogram per model and protocol, and a gauge of requests in flight.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::api::Protocol;
use crate::Shared;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Series {
    by_status: BTreeMap<u16, u64>,
    rows: u64,
    row_errors: u64,
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, &'static str), Series>>,
    in_flight: AtomicI64,
}

/// Counts a request in flight while alive.
pub struct InFlight<'a>(&'a AtomicI64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    pub fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(&self.in_flight)
    }

    /// A scoring request: `model` is empty when it failed before one was chosen.
    pub fn record(
        &self,
        model: &str,
        protocol: Protocol,
        status: u16,
        rows: u64,
        row_errors: u64,
        elapsed: Duration,
    ) {
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = series
            .entry((model.to_string(), protocol.label()))
            .or_default();
        *s.by_status.entry(status).or_default() += 1;
        s.rows += rows;
        s.row_errors += row_errors;
        let secs = elapsed.as_secs_f64();
        for (b, &le) in s.buckets.iter_mut().zip(&BUCKETS) {
            if secs <= le {
                *b += 1;
            }
        }
        s.sum += secs;
        s.count += 1;
    }

    pub fn render(&self, models: usize) -> String {
        let series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        let labels = |m: &str, p: &str| format!("model=\"{}\",protocol=\"{p}\"", escape(m));
        out.push_str("# HELP ae4j_requests_total Scoring requests, by model, protocol and HTTP status.\n# TYPE ae4j_requests_total counter\n");
        for ((m, p), s) in series.iter() {
            for (code, n) in &s.by_status {
                let _ = writeln!(
                    out,
                    "ae4j_requests_total{{{},code=\"{code}\"}} {n}",
                    labels(m, p)
                );
            }
        }
        out.push_str("# HELP ae4j_rows_total Rows received in scoring requests.\n# TYPE ae4j_rows_total counter\n");
        for ((m, p), s) in series.iter() {
            let _ = writeln!(out, "ae4j_rows_total{{{}}} {}", labels(m, p), s.rows);
        }
        out.push_str("# HELP ae4j_row_errors_total Rows that could not be scored (bad values).\n# TYPE ae4j_row_errors_total counter\n");
        for ((m, p), s) in series.iter() {
            let _ = writeln!(
                out,
                "ae4j_row_errors_total{{{}}} {}",
                labels(m, p),
                s.row_errors
            );
        }
        out.push_str("# HELP ae4j_request_duration_seconds Time from request to answer.\n# TYPE ae4j_request_duration_seconds histogram\n");
        for ((m, p), s) in series.iter() {
            let l = labels(m, p);
            for (b, le) in s.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "ae4j_request_duration_seconds_bucket{{{l},le=\"{le}\"}} {b}"
                );
            }
            let _ = writeln!(
                out,
                "ae4j_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(out, "ae4j_request_duration_seconds_sum{{{l}}} {}", s.sum);
            let _ = writeln!(
                out,
                "ae4j_request_duration_seconds_count{{{l}}} {}",
                s.count
            );
        }
        let _ = write!(
            out,
            "# HELP ae4j_requests_in_flight Requests being handled.\n# TYPE ae4j_requests_in_flight gauge\nae4j_requests_in_flight {}\n",
            self.in_flight.load(Ordering::Relaxed)
        );
        let _ = write!(
            out,
            "# HELP ae4j_models_loaded Models served.\n# TYPE ae4j_models_loaded gauge\nae4j_models_loaded {models}\n"
        );
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub async fn handler(State(state): State<Shared>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(state.registry.ids().count()),
    )
}
