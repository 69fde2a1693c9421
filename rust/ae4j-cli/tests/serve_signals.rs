//! `ae4j serve` as a process: it prints where it listens, and on SIGTERM or SIGINT it stops
//! accepting, finishes the request in flight, and exits 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn start() -> (Child, SocketAddr) {
    let model = ae4j_fixtures::fixtures_dir().join("models/synth_tanh.zip");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args(["serve", "--port", "0", "--log-format", "json", "--model"])
        .arg(model)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "ae4j: listening on http://127.0.0.1:PORT (models: synth_tanh)"
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .parse()
        .unwrap();
    assert!(line.contains("(models: synth_tanh)"), "{line}");
    (child, addr)
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > within {
            let _ = child.kill();
            panic!("ae4j serve did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_drains_the_request_in_flight_then_exits_0() {
    let (mut child, addr) = start();
    let body = br#"{"rows": [{"country": "US", "age": 41}, {"country": "zzz"}]}"#;
    let mut t = TcpStream::connect(addr).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    t.write_all(head.as_bytes()).unwrap();
    t.write_all(&body[..10]).unwrap(); // the request is in flight: half its body sent
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "TERM");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "still running: a request is in flight"
    );
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err(),
        "no new connections after SIGTERM"
    );
    t.write_all(&body[10..]).unwrap();
    let mut raw = Vec::new();
    t.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"mse\":"), "{text}");
    assert!(
        text.contains("PredictUnknownCategoricalLevelException"),
        "{text}"
    );
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    // One JSON line per request, with the model, rows and row errors.
    let request_line = log
        .lines()
        .find(|l| l.contains("\"path\":\"/v1/score\""))
        .unwrap_or_else(|| panic!("no request line in {log}"));
    let v: serde_json::Value = serde_json::from_str(request_line).unwrap();
    assert_eq!(v["status"], 200);
    assert_eq!(v["model"], "synth_tanh");
    assert_eq!(v["rows"], 2);
    assert_eq!(v["row_errors"], 1);
}

#[test]
fn sigint_when_idle_exits_0_at_once() {
    let (mut child, addr) = start();
    // An idle keep-alive connection does not hold the shutdown up.
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 512];
    let n = idle.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    signal(&child, "INT");
    let status = wait_exit(&mut child, Duration::from_secs(5));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn serve_refuses_a_bad_model_and_exits_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args([
            "serve",
            "--port",
            "0",
            "--model",
            "nope=/does/not/exist.zip",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot load model"));
}
