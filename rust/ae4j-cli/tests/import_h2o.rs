//! `ae4j import-h2o` against recorded answers of real H2O servers (tests/fixtures/h2o-rest,
//! made by tests/import/record.py), replayed by a small HTTP server on 127.0.0.1:
//! - H2O 3.46.0.7 still exports MOJOs: the imported zip must equal that server's own MOJO of the
//!   same model (every `model.ini` value but uuid/timestamp, weights bit for bit, domains);
//! - H2O 3.46.0.12 refuses the export (412): the imported model must score the training frame
//!   as the server's own `anomaly()` did (1e-9 relative);
//! - the error cases: no weight frames, not deep learning, supervised, no such model, a weight
//!   that is not a float32, no server.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use ae4j_core::mojo::read_mojo_spec_bytes;
use serde_json::Value;

fn rest_dir(version: &str) -> PathBuf {
    ae4j_fixtures::fixtures_dir().join("h2o-rest").join(version)
}

fn tmp() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ae4j-import-h2o-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Serves a recording: exact request target -> (status, content type, body). CSV bodies go out
/// chunked (as H2O's Jetty sends downloads), everything else with a Content-Length.
struct Replay {
    url: String,
}

fn replay(version: &str, overrides: &[(&str, &str)]) -> Replay {
    let dir = rest_dir(version);
    let routes: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("routes.json")).unwrap()).unwrap();
    let mut map: HashMap<String, (u16, String, Vec<u8>)> = HashMap::new();
    for r in routes["routes"].as_array().unwrap() {
        let body = std::fs::read(dir.join(r["file"].as_str().unwrap())).unwrap();
        map.insert(
            r["path"].as_str().unwrap().to_string(),
            (
                r["status"].as_u64().unwrap() as u16,
                r["content_type"].as_str().unwrap().to_string(),
                body,
            ),
        );
    }
    for (path, body) in overrides {
        map.get_mut(*path).unwrap().2 = body.as_bytes().to_vec();
    }
    let map = Arc::new(map);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let map = map.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l).unwrap() == 0 || l == "\r\n" {
                        break;
                    }
                }
                let target = request_line.split_whitespace().nth(1).unwrap_or("");
                let not_found = (
                    404,
                    "application/json".to_string(),
                    br#"{"msg":"not recorded"}"#.to_vec(),
                );
                let (status, ctype, body) = map.get(target).unwrap_or(&not_found);
                // One request per connection, said so: a client that pooled the connection would
                // otherwise reuse a socket this thread has closed (a reset, seen under load).
                let mut out = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nConnection: close\r\n"
                );
                if ctype == "text/csv" {
                    out.push_str("Transfer-Encoding: chunked\r\n\r\n");
                    let mut bytes = out.into_bytes();
                    for chunk in body.chunks(700) {
                        bytes.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
                        bytes.extend(chunk);
                        bytes.extend(b"\r\n");
                    }
                    bytes.extend(b"0\r\n\r\n");
                    let _ = stream.write_all(&bytes);
                } else {
                    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                    let mut bytes = out.into_bytes();
                    bytes.extend(body);
                    let _ = stream.write_all(&bytes);
                }
            });
        }
    });
    Replay { url }
}

fn ae4j(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args(args)
        .output()
        .unwrap()
}

fn import(server: &Replay, model: &str, out: &Path) -> Output {
    ae4j(&[
        "import-h2o",
        "--url",
        &server.url,
        "--model",
        model,
        "--output",
        out.to_str().unwrap(),
    ])
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "ae4j failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn zip_entries(bytes: &[u8]) -> HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        out.insert(name, s);
    }
    out
}

fn models(version: &str) -> Vec<String> {
    let routes: Value = serde_json::from_str(
        &std::fs::read_to_string(rest_dir(version).join("routes.json")).unwrap(),
    )
    .unwrap();
    routes["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn imported_model_equals_h2os_own_mojo() {
    let server = replay("3.46.0.7", &[]);
    let ids = models("3.46.0.7");
    assert!(ids.len() >= 3);
    for id in ids {
        let out = tmp().join(format!("{id}-3467.zip"));
        ok(&import(&server, &id, &out));
        let ours = std::fs::read(&out).unwrap();
        let theirs = std::fs::read(rest_dir("3.46.0.7").join(format!("mojo/{id}.zip"))).unwrap();

        // Every model.ini line, except the run-specific uuid and timestamp.
        let (a, b) = (zip_entries(&ours), zip_entries(&theirs));
        let lines = |ini: &str| -> Vec<String> {
            ini.lines()
                .filter(|l| !l.starts_with("uuid = ") && !l.starts_with("timestamp = "))
                .map(str::to_string)
                .collect()
        };
        let (la, lb) = (lines(&a["model.ini"]), lines(&b["model.ini"]));
        for (x, y) in la.iter().zip(&lb) {
            assert_eq!(x, y, "{id}: model.ini");
        }
        assert_eq!(la.len(), lb.len(), "{id}: model.ini lines");
        for (name, text) in &b {
            if name.starts_with("domains/") {
                assert_eq!(a.get(name), Some(text), "{id}: {name}");
            }
        }
        // And the same numbers once read (weights as genmodel reads them).
        let sa = read_mojo_spec_bytes(&ours, "imported").unwrap();
        let sb = read_mojo_spec_bytes(&theirs, "h2o").unwrap();
        let w = |s: &ae4j_core::ModelSpec| -> Vec<u32> {
            s.weights.iter().flatten().map(|x| x.to_bits()).collect()
        };
        let b64 = |s: &ae4j_core::ModelSpec| -> Vec<u64> {
            s.biases
                .iter()
                .flatten()
                .chain(s.norm_mul.iter().flatten())
                .chain(s.norm_sub.iter().flatten())
                .map(|x| x.to_bits())
                .collect()
        };
        assert_eq!(w(&sa), w(&sb), "{id}: weights");
        assert_eq!(b64(&sa), b64(&sb), "{id}: biases and normalization");
        assert_eq!(sa.columns, sb.columns, "{id}: columns");
        assert_eq!(sa.domains, sb.domains, "{id}: domains");
        assert_eq!(sa.info.model_id.as_deref(), Some(id.as_str()));
    }
}

#[test]
fn imported_model_scores_like_the_server() {
    let server = replay("3.46.0.12", &[]);
    let dir = rest_dir("3.46.0.12");
    let model = tmp().join("ae_tanh-34612.zip");
    ok(&import(&server, "ae_tanh", &model));
    let scored = tmp().join("ae_tanh-34612.csv");
    ok(&ae4j(&[
        "predict",
        "-m",
        model.to_str().unwrap(),
        "-i",
        dir.join("synth.csv").to_str().unwrap(),
        "-o",
        scored.to_str().unwrap(),
        "--quiet",
    ]));
    let column = |path: &Path, name: &str| -> Vec<f64> {
        let mut r = csv::Reader::from_path(path).unwrap();
        let i = r.headers().unwrap().iter().position(|h| h == name).unwrap();
        r.records()
            .map(|rec| rec.unwrap()[i].parse().unwrap())
            .collect()
    };
    let ours = column(&scored, "Reconstruction.MSE");
    let server_mse = column(&dir.join("scores/ae_tanh.csv"), "Reconstruction.MSE");
    assert_eq!(ours.len(), server_mse.len());
    assert!(ours.len() >= 2000);
    let mut worst = 0.0f64;
    for (i, (a, b)) in ours.iter().zip(&server_mse).enumerate() {
        let rel = (a - b).abs() / b.abs().max(1e-300);
        assert!(rel <= 1e-9, "row {i}: ae4j {a:e}, H2O {b:e}");
        worst = worst.max(rel);
    }
    eprintln!("{} rows, worst relative difference {worst:e}", ours.len());
}

fn import_error(version: &str, model: &str, overrides: &[(&str, &str)]) -> String {
    let server = replay(version, overrides);
    let out = tmp().join(format!("{model}-err.zip"));
    let o = import(&server, model, &out);
    assert!(!o.status.success(), "{model}: import should fail");
    assert!(!out.exists(), "{model}: no output on failure");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn clear_errors() {
    let e = import_error("3.46.0.12", "ae_noweights", &[]);
    assert!(e.contains("without export_weights_and_biases=True"), "{e}");
    assert!(
        e.contains("Retrain it with export_weights_and_biases=True"),
        "{e}"
    );
    let e = import_error("3.46.0.12", "gbm_score", &[]);
    assert!(e.contains("is a 'gbm' model"), "{e}");
    let e = import_error("3.46.0.12", "dl_supervised", &[]);
    assert!(e.contains("supervised deep-learning model"), "{e}");
    let e = import_error("3.46.0.12", "no_such_model", &[]);
    assert!(e.contains("has no model 'no_such_model'"), "{e}");

    // A weight frame holding a value that is not a float32 (0.1): refused, not rounded.
    let key = "/3/DownloadDataset?frame_id=ae_tanh.weights.1&hex_string=true";
    let csv = std::fs::read_to_string(rest_dir("3.46.0.12").join("frames/ae_tanh.weights.1.csv"))
        .unwrap();
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[1].split(',').collect();
    cells[0] = "0.1";
    lines[1] = cells.join(",");
    let e = import_error("3.46.0.12", "ae_tanh", &[(key, &(lines.join("\n") + "\n"))]);
    assert!(e.contains("is not a float32 value"), "{e}");

    // No server.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = ae4j(&[
        "import-h2o",
        "--url",
        &format!("http://127.0.0.1:{port}"),
        "--model",
        "m",
        "-o",
        tmp().join("none.zip").to_str().unwrap(),
    ]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && e.contains("cannot connect to H2O"),
        "{e}"
    );
}
