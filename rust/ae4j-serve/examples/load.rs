//! A small, bounded load generator for `ae4j serve` on this machine: keep-alive clients on
//! threads, each sending the same scoring request until a deadline (or a request cap), then
//! requests/s and latency percentiles. Loopback addresses only.
//!
//! ```text
//! ae4j serve --model tests/fixtures/models/synth_tanh.zip --port 8080 --log-format off &
//! cargo run --release -p ae4j-serve --example load -- 127.0.0.1:8080 --rows 100 --clients 4 --seconds 10
//! ```
//!
//! Options: `--rows N` rows per request (synth_tanh-shaped rows), `--clients N`, `--seconds S`,
//! `--max-requests N`, `--path P` (default `/v1/score`), `--protocol native|v2|mlflow`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr: SocketAddr = args
        .first()
        .and_then(|a| a.parse().ok())
        .expect("usage: load HOST:PORT [--rows N] [--clients N] [--seconds S] [--max-requests N] [--protocol native|v2|mlflow]");
    assert!(
        addr.ip().is_loopback(),
        "load tests target this machine only (127.0.0.1, ::1)"
    );
    let opt = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .unwrap_or_else(|| default.to_string())
    };
    let rows: usize = opt("--rows", "1").parse().unwrap();
    let clients: usize = opt("--clients", "4").parse().unwrap();
    let seconds: f64 = opt("--seconds", "10").parse().unwrap();
    let max_requests: usize = opt("--max-requests", "2000000").parse().unwrap();
    let protocol = opt("--protocol", "native");
    let (path, body) = request_body(&protocol, rows);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds.min(600.0));
    let per_client = max_requests.div_ceil(clients);
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let (path, body) = (&path, &body);
                s.spawn(move || client(addr, path, body, deadline, per_client))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let errors: usize = results.iter().map(|r| r.1).sum();
    let mut lat: Vec<Duration> = results.into_iter().flat_map(|r| r.0).collect();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{protocol} {rows} row(s)/request, {clients} clients, {:.1} s: {} requests ({errors} errors), {:.0} requests/s, {:.0} rows/s, p50 {:.3} ms, p99 {:.3} ms",
        elapsed,
        lat.len(),
        lat.len() as f64 / elapsed,
        (lat.len() * rows) as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
}

fn request_body(protocol: &str, rows: usize) -> (String, String) {
    let row = |i: usize| {
        format!(
            r#"{{"country":"US","device":"mobile","channel":"web","age":{},"income":52000.5,"score":0.3,"visits":7,"ratio":0.25}}"#,
            20 + i % 50
        )
    };
    let records: Vec<String> = (0..rows).map(row).collect();
    match protocol {
        "native" => (
            "/v1/score".into(),
            format!(r#"{{"rows":[{}]}}"#, records.join(",")),
        ),
        "mlflow" => (
            "/invocations".into(),
            format!(r#"{{"dataframe_records":[{}]}}"#, records.join(",")),
        ),
        "v2" => {
            let col = |f: &dyn Fn(usize) -> String| (0..rows).map(f).collect::<Vec<_>>().join(",");
            let body = format!(
                r#"{{"inputs":[{{"name":"country","shape":[{rows}],"datatype":"BYTES","data":[{}]}},{{"name":"age","shape":[{rows}],"datatype":"FP64","data":[{}]}},{{"name":"income","shape":[{rows}],"datatype":"FP64","data":[{}]}}]}}"#,
                col(&|_| "\"US\"".into()),
                col(&|i| (20 + i % 50).to_string()),
                col(&|_| "52000.5".into())
            );
            ("/v2/models/synth_tanh/infer".into(), body)
        }
        other => panic!("unknown protocol {other}"),
    }
}

/// One keep-alive connection: sends until the deadline or `max` requests.
fn client(
    addr: SocketAddr,
    path: &str,
    body: &str,
    deadline: Instant,
    max: usize,
) -> (Vec<Duration>, usize) {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut latencies = Vec::new();
    let mut errors = 0;
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while latencies.len() < max && Instant::now() < deadline {
        let t = Instant::now();
        writer.write_all(request.as_bytes()).unwrap();
        line.clear();
        reader.read_line(&mut line).unwrap();
        if !line.starts_with("HTTP/1.1 200") {
            errors += 1;
        }
        let mut length = 0usize;
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).unwrap();
        latencies.push(t.elapsed());
    }
    (latencies, errors)
}
