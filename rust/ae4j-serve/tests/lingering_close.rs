//! Lingering close: a client that sends its whole body before it reads gets the 413 (or any
//! answer given before the body was read), not a reset; the drain is bounded in time and
//! bytes; a connection whose bodies were read is not held open.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use ae4j_serve::{ModelSpecArg, ServeArgs};

const LIMIT: usize = 64 * 1024;

fn serve(f: impl FnOnce(&mut ServeArgs)) -> ae4j_serve::ServerHandle {
    let mut args = ServeArgs::local(vec![ModelSpecArg {
        id: Some("synth_tanh".into()),
        path: ae4j_fixtures::fixtures_dir().join("models/synth_tanh.zip"),
    }]);
    args.max_body_bytes = LIMIT;
    f(&mut args);
    common::start(args)
}

fn head(path: &str, length: usize) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes()
}

/// Sends the head and the whole body (8 MiB, more than the socket buffers hold), then reads.
fn send_all_then_read(addr: std::net::SocketAddr, path: &str) -> common::Reply {
    let body = vec![b' '; 8 << 20];
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(&head(path, body.len())).unwrap();
    s.write_all(&body)
        .expect("the whole body is accepted (drained), not reset");
    common::read_reply(&mut s)
}

#[test]
fn a_client_that_sends_everything_first_gets_the_answer() {
    let s = serve(|_| {});
    let r = send_all_then_read(s.addr(), "/v1/score");
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["error"]["type"], "payload_too_large");
    // Answers decided from the headers alone, before the body is read.
    assert_eq!(
        send_all_then_read(s.addr(), "/v1/models/nope/score").status,
        404
    );
    assert_eq!(send_all_then_read(s.addr(), "/invocations").status, 413);
}

#[test]
fn the_drain_is_bounded_in_bytes() {
    let s = serve(|a| a.lingering_bytes = 1 << 20);
    let mut t = TcpStream::connect(s.addr()).unwrap();
    t.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
    let size = 64 << 20;
    t.write_all(&head("/v1/score", size)).unwrap();
    let chunk = vec![b' '; 1 << 20];
    let sent = (0..size / chunk.len()).try_for_each(|_| t.write_all(&chunk));
    assert!(sent.is_err(), "64 MiB past a 1 MiB drain must be cut off");
}

#[test]
fn the_drain_is_bounded_in_time() {
    let s = serve(|a| a.lingering_secs = 1);
    let mut t = TcpStream::connect(s.addr()).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // A body announced too large: the answer comes at once, then the write side's end.
    t.write_all(&head("/v1/score", 64 << 20)).unwrap();
    let mut raw = Vec::new();
    t.read_to_end(&mut raw).unwrap();
    assert_eq!(common::parse_reply(&raw).status, 413);
    // The service reads (and drops) what the client goes on sending, for about a second.
    let start = Instant::now();
    while t.write_all(&[b' '; 1000]).is_ok() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(10),
        "the service stopped reading after {waited:?}, expected about 1 s"
    );
}

#[test]
fn a_connection_with_its_bodies_read_closes_at_once() {
    let s = serve(|a| a.lingering_secs = 30);
    let mut t = TcpStream::connect(s.addr()).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let body = br#"{"rows": [{"age": 41}]}"#;
    let mut req = head("/v1/score", body.len());
    // Connection: close makes the service end the connection after its answer.
    req.splice(req.len() - 2..req.len() - 2, *b"Connection: close\r\n");
    req.extend_from_slice(body);
    t.write_all(&req).unwrap();
    let start = Instant::now();
    let mut raw = Vec::new();
    t.read_to_end(&mut raw).unwrap();
    assert_eq!(common::parse_reply(&raw).status, 200);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}
