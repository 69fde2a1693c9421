//! The service under bad requests, limits, slow clients and concurrent load, and what its
//! operational endpoints answer.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ae4j_serve::{ModelSpecArg, ServeArgs};
use common::{get, json_f64, post_json, request, request_with};
use serde_json::{json, Value};

fn model(name: &str) -> ModelSpecArg {
    ModelSpecArg {
        id: Some(name.into()),
        path: ae4j_fixtures::fixtures_dir().join(format!("models/{name}.zip")),
    }
}

fn one_model(f: impl FnOnce(&mut ServeArgs)) -> ae4j_serve::ServerHandle {
    let mut args = ServeArgs::local(vec![model("synth_tanh")]);
    f(&mut args);
    common::start(args)
}

fn row() -> Value {
    json!({"country": "US", "device": "mobile", "channel": "web", "age": 41, "income": 52000.5,
           "score": 0.3, "visits": 7, "ratio": 0.25})
}

#[test]
fn malformed_and_wrongly_shaped_bodies_are_400() {
    let s = one_model(|_| {});
    let a = s.addr();
    for body in [
        "{",
        "not json",
        "[]",
        "{\"rows\": 5}",
        "{\"rows\": [1, 2]}",
        "{\"rows\": [{}], \"per_featur\": true}",
        "{}",
        "{\"rows\": [], \"per_feature\": \"yes\"}",
    ] {
        let r = request(
            a,
            "POST",
            "/v1/score",
            Some("application/json"),
            body.as_bytes(),
        );
        assert_eq!(r.status, 400, "{body}: {}", r.text());
        let e = r.json();
        assert_eq!(e["error"]["type"], "bad_request", "{body}");
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    // The same on the other protocols, in their error shapes.
    let r = request(
        a,
        "POST",
        "/v2/models/synth_tanh/infer",
        Some("application/json"),
        b"{",
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].is_string());
    let r = request(
        a,
        "POST",
        "/invocations",
        Some("application/json"),
        b"{\"dataframe_split\": 3}",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error_code"], "BAD_REQUEST");
    let r = request(
        a,
        "POST",
        "/invocations",
        Some("application/json"),
        b"{\"dataframe_records\": [], \"dataframe_split\": {\"columns\": [], \"data\": []}}",
    );
    assert_eq!(r.status, 400, "two inputs");
    let r = request(
        a,
        "POST",
        "/v1/score?per_feature=maybe",
        Some("application/json"),
        b"{\"rows\": []}",
    );
    assert_eq!(r.status, 400, "bad query: {}", r.text());
    // Bad CSV: no header.
    let r = request(a, "POST", "/v1/score", Some("text/csv"), b"");
    assert_eq!(r.status, 400, "{}", r.text());
    // A ragged CSV row is that row's error; the others are scored.
    let r = request(
        a,
        "POST",
        "/v1/score",
        Some("text/csv"),
        b"age,income\n41,52000\n1,2,3\n",
    );
    assert_eq!(r.status, 200);
    let lines: Vec<String> = r.text().lines().map(str::to_string).collect();
    assert_eq!(lines[0], "Reconstruction.MSE,error");
    assert!(lines[1].ends_with(','), "{}", lines[1]);
    assert_eq!(
        lines[2],
        ",\"MalformedRow: the row has 3 fields, the header has 2\""
    );
    assert_eq!(get(a, "/healthz").status, 200, "still up");
}

#[test]
fn v2_bad_tensors_are_400() {
    let s = one_model(|_| {});
    let a = s.addr();
    let path = "/v2/models/synth_tanh/infer";
    for (what, body) in [
        ("no inputs", json!({"inputs": []})),
        (
            "shape vs data",
            json!({"inputs": [{"name": "age", "shape": [3], "datatype": "FP64", "data": [1, 2]}]}),
        ),
        (
            "row counts differ",
            json!({"inputs": [
            {"name": "age", "shape": [2], "datatype": "FP64", "data": [1, 2]},
            {"name": "income", "shape": [1], "datatype": "FP64", "data": [1]}]}),
        ),
        (
            "unknown input next to columns",
            json!({"inputs": [
            {"name": "age", "shape": [1], "datatype": "FP64", "data": [1]},
            {"name": "nope", "shape": [1], "datatype": "FP64", "data": [1]}]}),
        ),
        (
            "matrix of the wrong width",
            json!({"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}]}),
        ),
        (
            "unsupported datatype",
            json!({"inputs": [{"name": "age", "shape": [1], "datatype": "BOOL", "data": [true]}]}),
        ),
        (
            "string in FP64",
            json!({"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": ["a"]}]}),
        ),
        (
            "number for a categorical",
            json!({"inputs": [{"name": "country", "shape": [1], "datatype": "FP64", "data": [1]}]}),
        ),
        (
            "unknown output",
            json!({"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [1]}], "outputs": [{"name": "mse"}]}),
        ),
        (
            "non-boolean parameter",
            json!({"parameters": {"per_feature": "yes"}, "inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [1]}]}),
        ),
        (
            "negative shape",
            json!({"inputs": [{"name": "age", "shape": [-1], "datatype": "FP64", "data": [1]}]}),
        ),
        (
            "a bad row",
            json!({"inputs": [{"name": "country", "shape": [2], "datatype": "BYTES", "data": ["US", "zzz"]}]}),
        ),
        (
            "an invalid level index",
            json!({"inputs": [{"name": "m", "shape": [1, 8], "datatype": "FP64", "data": [99, 0, 0, 1, 1, 1, 1, 1]}]}),
        ),
    ] {
        let r = post_json(a, path, &body);
        assert_eq!(r.status, 400, "{what}: {}", r.text());
        assert!(r.json()["error"].is_string(), "{what}");
    }
    let r = post_json(
        a,
        path,
        &json!({"inputs": [{"name": "country", "shape": [2], "datatype": "BYTES", "data": ["US", "zzz"]}]}),
    );
    assert_eq!(
        r.json()["error"],
        "row 1: PredictUnknownCategoricalLevelException: Unknown categorical level (country,zzz)"
    );
    // The same with the unknown level read as missing scores both rows.
    let r = post_json(
        a,
        path,
        &json!({"parameters": {"convert_unknown_categoricals_to_na": true},
        "inputs": [{"name": "country", "shape": [2], "datatype": "BYTES", "data": ["US", "zzz"]}]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Binary data that runs past the body.
    let header = br#"{"inputs":[{"name":"age","shape":[2],"datatype":"FP64","parameters":{"binary_data_size":16}}]}"#;
    let mut body = header.to_vec();
    body.extend_from_slice(&1.0f64.to_le_bytes());
    let len = header.len().to_string();
    let r = request_with(
        a,
        "POST",
        path,
        &[
            ("Content-Type", "application/octet-stream"),
            ("Inference-Header-Content-Length", &len),
        ],
        &body,
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(get(a, "/v2/health/live").status, 200);
}

#[test]
fn v2_binary_tensors_in_and_out() {
    let s = one_model(|_| {});
    let a = s.addr();
    // Two rows: country BYTES, age FP64 (NaN: missing), income FP32.
    let mut bin = Vec::new();
    for level in ["US", "Côte d'Ivoire"] {
        bin.extend_from_slice(&(level.len() as u32).to_le_bytes());
        bin.extend_from_slice(level.as_bytes());
    }
    let country_len = bin.len();
    for v in [41.0f64, f64::NAN] {
        bin.extend_from_slice(&v.to_le_bytes());
    }
    for v in [52000.5f32, 1000.0] {
        bin.extend_from_slice(&v.to_le_bytes());
    }
    let header = json!({
        "inputs": [
            {"name": "country", "shape": [2], "datatype": "BYTES", "parameters": {"binary_data_size": country_len}},
            {"name": "age", "shape": [2, 1], "datatype": "FP64", "parameters": {"binary_data_size": 16}},
            {"name": "income", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 8}},
        ],
        "outputs": [{"name": "reconstruction_mse", "parameters": {"binary_data": true}}, {"name": "per_feature_se"}],
    });
    let header = serde_json::to_vec(&header).unwrap();
    let mut body = header.clone();
    body.extend_from_slice(&bin);
    let len = header.len().to_string();
    let r = request_with(
        a,
        "POST",
        "/v2/models/synth_tanh/infer",
        &[
            ("Content-Type", "application/octet-stream"),
            ("Inference-Header-Content-Length", &len),
        ],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let json_len: usize = r
        .header("inference-header-content-length")
        .unwrap()
        .parse()
        .unwrap();
    let head: Value = serde_json::from_slice(&r.body[..json_len]).unwrap();
    assert_eq!(head["outputs"][0]["parameters"]["binary_data_size"], 16);
    assert!(head["outputs"][0].get("data").is_none());
    assert_eq!(head["outputs"][1]["shape"], json!([2, 22]));
    let mse: Vec<f64> = r.body[json_len..]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    // The same rows through the native JSON API.
    let native = post_json(
        a,
        "/v1/score",
        &json!({"rows": [
        {"country": "US", "age": 41.0, "income": 52000.5},
        {"country": "Côte d'Ivoire", "income": 1000.0}]}),
    );
    let expected: Vec<f64> = native.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json_f64(&r["mse"]))
        .collect();
    assert_eq!(mse, expected);
}

#[test]
fn wrong_content_types_are_415() {
    let s = one_model(|_| {});
    let a = s.addr();
    for (path, ct) in [
        ("/v1/score", Some("text/plain")),
        ("/v1/score", Some("application/x-www-form-urlencoded")),
        ("/v1/score", None),
        ("/v1/models/synth_tanh/score", Some("application/xml")),
        ("/invocations", Some("text/plain")),
        ("/invocations", None),
        ("/v2/models/synth_tanh/infer", Some("text/csv")),
    ] {
        let r = request(a, "POST", path, ct, b"{\"rows\": []}");
        assert_eq!(r.status, 415, "{path} {ct:?}: {}", r.text());
    }
    // Content types with parameters are fine.
    let r = request(
        a,
        "POST",
        "/v1/score",
        Some("application/json; charset=utf-8"),
        b"{\"rows\": []}",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn bodies_and_row_counts_over_the_limits_are_413() {
    let s = one_model(|a| {
        a.max_body_bytes = 2000;
        a.max_rows = 5;
    });
    let a = s.addr();
    let big = format!("{{\"rows\": [{{\"age\": \"{}\"}}]}}", "1".repeat(3000));
    let r = request(
        a,
        "POST",
        "/v1/score",
        Some("application/json"),
        big.as_bytes(),
    );
    assert_eq!(r.status, 413, "{}", r.text());
    assert_eq!(r.json()["error"]["type"], "payload_too_large");
    // Without a Content-Length (chunked), refused once the body passes the limit.
    let mut t = TcpStream::connect(a).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut raw = b"POST /v1/score HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..3 {
        raw.extend_from_slice(format!("{:x}\r\n{}\r\n", 1000, "x".repeat(1000)).as_bytes());
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    t.write_all(&raw).unwrap();
    assert_eq!(common::read_reply(&mut t).status, 413);

    let rows: Vec<Value> = (0..6).map(|_| row()).collect();
    let r = post_json(a, "/v1/score", &json!({"rows": rows}));
    assert_eq!(r.status, 413, "{}", r.text());
    let r = post_json(a, "/v1/score", &json!({"rows": rows[..5]}));
    assert_eq!(r.status, 200, "5 rows are within the limit");
    let csv = format!("age\n{}", "1\n".repeat(6));
    assert_eq!(
        request(a, "POST", "/v1/score", Some("text/csv"), csv.as_bytes()).status,
        413
    );
    let r = post_json(a, "/invocations", &json!({"dataframe_records": rows}));
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error_code"], "REQUEST_LIMIT_EXCEEDED");
    let r = post_json(
        a,
        "/v2/models/synth_tanh/infer",
        &json!({"inputs": [{"name": "age", "shape": [6], "datatype": "FP64", "data": [1, 2, 3, 4, 5, 6]}]}),
    );
    assert_eq!(r.status, 413);
    assert_eq!(get(a, "/healthz").status, 200);
}

#[test]
fn unknown_models_and_routes_are_404() {
    let s = common::start(ServeArgs::local(vec![
        model("synth_tanh"),
        model("iris_rectdropout_nostd"),
    ]));
    let a = s.addr();
    let body = json!({"rows": [row()]});
    for (method, path) in [
        ("POST", "/v1/models/nope/score"),
        ("POST", "/v1/score?model=nope"),
        ("GET", "/v1/models/nope"),
        ("GET", "/v2/models/nope"),
        ("GET", "/v2/models/nope/ready"),
        ("POST", "/v2/models/nope/infer"),
        ("POST", "/invocations?model=nope"),
        ("GET", "/nothing/here"),
    ] {
        let r = request(
            a,
            method,
            path,
            Some("application/json"),
            body.to_string().as_bytes(),
        );
        assert_eq!(r.status, 404, "{method} {path}: {}", r.text());
    }
    // Two models: /v1/score and /invocations must be told which.
    assert_eq!(post_json(a, "/v1/score", &body).status, 400);
    assert_eq!(
        post_json(a, "/v1/score?model=synth_tanh", &body).status,
        200
    );
    assert_eq!(
        post_json(a, "/invocations", &json!({"dataframe_records": [row()]})).status,
        400
    );
    let models = get(a, "/v1/models").json();
    let ids: Vec<&str> = models["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["iris_rectdropout_nostd", "synth_tanh"]);
}

#[test]
fn model_descriptions() {
    let s = one_model(|_| {});
    let a = s.addr();
    let m = get(a, "/v1/models/synth_tanh").json();
    assert_eq!(m["h2o_version"], "3.46.0.7");
    assert_eq!(m["activation"], "Tanh");
    assert_eq!(m["layer_sizes"], json!([22, 6, 3, 6, 22]));
    assert_eq!(m["columns"][0]["name"], "country");
    assert_eq!(m["columns"][0]["type"], "categorical");
    assert!(m["columns"][0]["levels"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l == "Korea, Rep."));
    assert_eq!(m["columns"][3], json!({"name": "age", "type": "numeric"}));
    assert_eq!(m["slot_names"].as_array().unwrap().len(), 22);
    assert_eq!(m["per_feature_names"][21], "reconstr_ratio.SE");
    let r = get(a, "/v2/models/synth_tanh/ready").json();
    assert_eq!(r, json!({"name": "synth_tanh", "ready": true}));
    assert_eq!(get(a, "/v2/health/ready").json(), json!({"ready": true}));
    assert_eq!(get(a, "/ping").status, 200);
}

#[test]
fn non_finite_scores_are_strings_in_json() {
    let s = common::start(ServeArgs::local(vec![
        model("synth_tanh"),
        model("synth_rectifier_skip"),
    ]));
    let a = s.addr();
    let rows = json!({"rows": [{"age": "Infinity"}, {"age": 1e308}]});
    let r = post_json(a, "/v1/score?model=synth_tanh", &rows).json();
    assert_eq!(
        r["results"][0]["mse"], "Infinity",
        "Tanh: MSE Infinity, as genmodel and H2O"
    );
    assert_eq!(r["results"][1]["mse"], "Infinity");
    let r = post_json(
        a,
        "/v1/models/synth_rectifier_skip/score",
        &json!({"rows": [{"age": "Infinity"}], "reconstruction": true}),
    )
    .json();
    assert_eq!(
        r["results"][0]["mse"], "NaN",
        "Rectifier: NaN, as genmodel and H2O"
    );
    assert_eq!(r["results"][0]["reconstruction"]["reconstr_age"], "NaN");
    let r = post_json(
        a,
        "/v2/models/synth_tanh/infer",
        &json!({"inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": ["Infinity"]}]}),
    );
    assert_eq!(r.json()["outputs"][0]["data"], json!(["Infinity"]));
    let r = post_json(
        a,
        "/invocations?model=synth_tanh",
        &json!({"dataframe_records": [{"age": "Infinity"}]}),
    );
    assert_eq!(r.json()["predictions"], json!(["Infinity"]));
}

/// A client that sends its body too slowly gets 408; one that never finishes its headers is
/// disconnected. Neither holds up others.
#[test]
fn slow_clients_time_out() {
    let s = one_model(|a| {
        a.request_timeout_secs = 1;
        a.header_timeout_secs = 1;
    });
    let a = s.addr();
    let start = Instant::now();
    let mut t = TcpStream::connect(a).unwrap();
    t.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    t.write_all(b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"rows\"").unwrap();
    let mut headers_only = TcpStream::connect(a).unwrap();
    headers_only
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    headers_only
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    assert_eq!(
        get(a, "/healthz").status,
        200,
        "others are served meanwhile"
    );
    let mut raw = Vec::new();
    let _ = t.read_to_end(&mut raw);
    let r = common::parse_reply(&raw);
    assert_eq!(r.status, 408, "{}", r.text());
    assert!(start.elapsed() < Duration::from_secs(5));
    let mut rest = Vec::new();
    let n = headers_only.read_to_end(&mut rest).unwrap_or(0);
    assert!(
        n == 0 || !String::from_utf8_lossy(&rest).contains("200 OK"),
        "no answer to half a request"
    );
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "the half-sent headers were cut off"
    );
}

fn score_rows(a: SocketAddr, n: usize) -> Vec<f64> {
    let rows: Vec<Value> = (0..n)
        .map(|i| {
            let mut r = row();
            r["age"] = json!(20 + i % 50);
            r
        })
        .collect();
    let r = post_json(a, "/v1/score", &json!({"rows": rows}));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| json_f64(&x["mse"]))
        .collect()
}

#[test]
fn concurrent_clients_get_their_own_answers() {
    let s = one_model(|_| {});
    let a = s.addr();
    let one = score_rows(a, 1);
    let hundred = score_rows(a, 100);
    let big = score_rows(a, 5000);
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for t in 0..24 {
            let (one, hundred, big) = (&one, &hundred, &big);
            handles.push(scope.spawn(move || {
                for k in 0..15 {
                    match (t + k) % 3 {
                        0 => assert_eq!(&score_rows(a, 1), one),
                        1 => assert_eq!(&score_rows(a, 100), hundred),
                        _ if k % 5 == 0 => assert_eq!(&score_rows(a, 5000), big),
                        _ => assert_eq!(&score_rows(a, 1), one),
                    }
                }
            }));
        }
        // Health checks stay quick while large requests are scored off the async workers.
        for _ in 0..20 {
            let t = Instant::now();
            assert_eq!(get(a, "/healthz").status, 200);
            assert!(
                t.elapsed() < Duration::from_secs(2),
                "healthz took {:?}",
                t.elapsed()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        for h in handles {
            h.join().unwrap();
        }
    });
    let metrics = get(a, "/metrics").text();
    let count = metrics
        .lines()
        .find(|l| {
            l.starts_with(
                "ae4j_request_duration_seconds_count{model=\"synth_tanh\",protocol=\"native\"}",
            )
        })
        .unwrap();
    assert_eq!(count.rsplit(' ').next().unwrap(), (3 + 24 * 15).to_string());
    assert!(metrics.contains("ae4j_rows_total{model=\"synth_tanh\",protocol=\"native\"}"));
    assert!(metrics.contains("ae4j_request_duration_seconds_bucket{model=\"synth_tanh\",protocol=\"native\",le=\"+Inf\"}"));
    assert!(
        metrics.contains("ae4j_requests_in_flight 1"),
        "this request"
    );
}

#[test]
fn metrics_count_rows_errors_and_statuses() {
    let s = one_model(|_| {});
    let a = s.addr();
    post_json(
        a,
        "/v1/score",
        &json!({"rows": [row(), {"country": "zzz"}, {}]}),
    );
    request(a, "POST", "/v1/score", Some("application/json"), b"{");
    post_json(
        a,
        "/v2/models/synth_tanh/infer",
        &json!({"inputs": [{"name": "age", "shape": [2], "datatype": "FP64", "data": [1, 2]}]}),
    );
    let m = get(a, "/metrics");
    assert!(m
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let m = m.text();
    for line in [
        "ae4j_requests_total{model=\"synth_tanh\",protocol=\"native\",code=\"200\"} 1",
        "ae4j_requests_total{model=\"\",protocol=\"native\",code=\"400\"} 1",
        "ae4j_rows_total{model=\"synth_tanh\",protocol=\"native\"} 3",
        "ae4j_row_errors_total{model=\"synth_tanh\",protocol=\"native\"} 1",
        "ae4j_rows_total{model=\"synth_tanh\",protocol=\"v2\"} 2",
        "ae4j_models_loaded 1",
    ] {
        assert!(m.lines().any(|l| l == line), "no line {line} in\n{m}");
    }
}

#[test]
fn openapi_lists_every_route() {
    let s = one_model(|_| {});
    let a = s.addr();
    let spec = get(a, "/openapi.json").json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    for p in [
        "/healthz",
        "/metrics",
        "/openapi.json",
        "/v1/models",
        "/v1/models/{id}",
        "/v1/score",
        "/v1/models/{id}/score",
        "/v2",
        "/v2/health/live",
        "/v2/health/ready",
        "/v2/models/{id}",
        "/v2/models/{id}/ready",
        "/v2/models/{id}/infer",
        "/ping",
        "/health",
        "/version",
        "/invocations",
    ] {
        assert!(paths.contains_key(p), "openapi.json lacks {p}");
    }
    assert_eq!(paths.len(), 17, "and lists no route the service lacks");
}

/// Regression (issue #7): `/invocations` ignored a query string it could not parse, so with one
/// model served `?model=nope&model=nope` scored with that model (200) instead of refusing, and
/// with several a repeated `model` was answered "several models are served".
#[test]
fn a_query_string_that_does_not_parse_is_400_on_invocations() {
    let s = one_model(|_| {});
    let a = s.addr();
    let body = json!({"dataframe_records": [row()]}).to_string();
    for query in ["model=nope&model=nope", "model=synth_tanh&model=synth_tanh"] {
        let r = request(
            a,
            "POST",
            &format!("/invocations?{query}"),
            Some("application/json"),
            body.as_bytes(),
        );
        assert_eq!(r.status, 400, "{query}: {}", r.text());
        let e = r.json();
        assert_eq!(e["error_code"], "BAD_REQUEST", "{query}");
        assert!(
            e["message"].as_str().unwrap().contains("query string"),
            "{query}: {e}"
        );
    }
    // Unknown parameters stay ignored (MLflow clients may send their own), a good one is used.
    for query in ["", "?model=synth_tanh", "?model=synth_tanh&format=pandas"] {
        let r = request(
            a,
            "POST",
            &format!("/invocations{query}"),
            Some("application/json"),
            body.as_bytes(),
        );
        assert_eq!(r.status, 200, "{query}: {}", r.text());
    }
    let r = request(
        a,
        "POST",
        "/invocations?model=nope",
        Some("application/json"),
        body.as_bytes(),
    );
    assert_eq!(r.status, 404, "{}", r.text());
}
