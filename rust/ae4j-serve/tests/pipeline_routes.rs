//! The service's pipeline plumbing, with a hand-written pipeline on the synth_tanh fixture
//! model (raw timestamps, amounts, a boolean, strings → its eight columns): every protocol's
//! scores of the raw rows equal the model without the pipeline scoring the rows the core's
//! [`Pipeline::apply_named`] makes of them, bit for bit; and the edges of each protocol:
//! JSON and v2 (JSON and binary) booleans, v2 input names and datatypes, the matrix form,
//! row errors' kinds, CSV's raw header, a model without a pipeline unchanged, and a POJO
//! sidecar that misses a model column stopping the start.
//! (tests/pipeline.rs checks the semantics against pandas + scikit-learn and genmodel.)

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use ae4j_core::pipeline::{self, Pipeline, Value as Transformed};
use ae4j_core::Cell;
use ae4j_serve::{H2oArgs, ModelSpecArg, ServeArgs, ServerHandle};
use common::{get, json_f64, post_json, request, request_with};
use serde_json::{json, Map, Value};

const SPEC: &str = r#"{
  "ae4j_pipeline": 1,
  "inputs": [
    {"name": "ts", "type": "timestamp"},
    {"name": "spend", "type": "number"},
    {"name": "member", "type": "boolean"},
    {"name": "where", "type": "string"},
    {"name": "via", "type": "string"}
  ],
  "steps": [
    {"op": "derive", "name": "age", "expr": "hour(ts) + 18"},
    {"op": "derive", "name": "income", "expr": "log1p(spend) * 10"},
    {"op": "derive", "name": "score", "expr": "if(member, 0.9, 0.1)"},
    {"op": "derive", "name": "visits", "expr": "day_of_week(ts)"},
    {"op": "derive", "name": "ratio", "expr": "spend / 100"},
    {"op": "map", "column": "where", "mapping": {"us": "US", "de": "DE", "jp": "JP"},
     "default": "BR", "into": "country"},
    {"op": "derive", "name": "channel", "expr": "lower(via)"},
    {"op": "derive", "name": "device", "expr": "\"device.mobile\""}
  ]
}"#;

const INPUTS: [&str; 5] = ["ts", "spend", "member", "where", "via"];

fn synth_mojo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/models/synth_tanh.zip")
}

/// Raw rows: timestamps with offsets, epoch seconds and gaps; booleans; unmapped strings.
fn raw_rows() -> Vec<Map<String, Value>> {
    let rows = json!([
        {"ts": "2024-03-05T14:22:07Z", "spend": 35.5, "member": true, "where": "us", "via": "WEB"},
        {"ts": "2024-03-03T23:30:00-05:00", "spend": 0, "member": false, "where": "de", "via": "Store"},
        {"ts": 1709648527, "spend": 1200.25, "member": true, "where": "fr", "via": "phone"},
        {"ts": "2024-02-29T12:00:00.999+01:00", "member": false, "via": "web"},
        {"spend": 12, "where": "jp"},
        {}
    ]);
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_object().unwrap().clone())
        .collect()
}

fn load_pipeline() -> Pipeline {
    Pipeline::from_json(SPEC.as_bytes(), "the test spec").expect("the spec compiles")
}

/// The synth_tanh MOJO with the pipeline as its zip entry (`piped`) and without (`plain`).
fn serve() -> ServerHandle {
    // A directory per server: the tests run in parallel, and a zip rewritten while another
    // server reads it would lose its pipeline entry there.
    static SERVERS: AtomicUsize = AtomicUsize::new(0);
    let n = SERVERS.fetch_add(1, Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("ae4j-serve-pipe-routes-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let piped = dir.join("piped.zip");
    let bytes = std::fs::read(synth_mojo()).unwrap();
    std::fs::write(
        &piped,
        pipeline::add_to_mojo(&bytes, &load_pipeline()).unwrap(),
    )
    .unwrap();
    let mut args = ServeArgs::local(vec![
        ModelSpecArg {
            id: Some("piped".into()),
            path: piped,
        },
        ModelSpecArg {
            id: Some("plain".into()),
            path: synth_mojo(),
        },
    ]);
    args.h2o = H2oArgs {
        h2o_api: true,
        h2o_max_frame_bytes: 16 << 20,
        h2o_frame_ttl_secs: 600,
        ..H2oArgs::default()
    };
    common::start(args)
}

fn json_to_cell(v: &Value) -> Cell<'_> {
    match v {
        Value::Bool(true) => Cell::Text("true"),
        Value::Bool(false) => Cell::Text("false"),
        Value::Number(n) => Cell::Number(n.as_f64().unwrap()),
        Value::String(s) => Cell::Text(s),
        _ => Cell::Missing,
    }
}

/// The row the core's pipeline makes of a raw row, as a JSON record for the plain model.
fn transformed(p: &Pipeline, raw: &Map<String, Value>) -> Value {
    let cells: Vec<(&str, Cell)> = raw
        .iter()
        .map(|(k, v)| (k.as_str(), json_to_cell(v)))
        .collect();
    let row = p
        .apply_named(&cells)
        .expect("the pipeline transforms the row");
    let mut out = Map::new();
    for (name, value) in row {
        let v = match value {
            Transformed::Missing => continue,
            Transformed::String(s) => json!(s),
            other => json!(other.as_number().unwrap()),
        };
        out.insert(name, v);
    }
    Value::Object(out)
}

/// The plain model's MSEs of the transformed rows: what every route must give.
fn reference(addr: SocketAddr, rows: &[Map<String, Value>]) -> Vec<f64> {
    let p = load_pipeline();
    let t: Vec<Value> = rows.iter().map(|r| transformed(&p, r)).collect();
    let reply = post_json(addr, "/v1/models/plain/score", &json!({"rows": t}));
    assert_eq!(reply.status, 200, "{}", reply.text());
    mses(&reply.json()["results"], "mse")
}

fn mses(results: &Value, key: &str) -> Vec<f64> {
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let v = if key.is_empty() { r } else { &r[key] };
            json_f64(v)
        })
        .collect()
}

fn same(route: &str, got: &[f64], expected: &[f64]) {
    assert_eq!(got.len(), expected.len(), "{route}");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert_eq!(g.to_bits(), e.to_bits(), "{route} row {i}: {g} vs {e}");
    }
}

#[test]
fn every_protocol_scores_raw_rows_as_the_transformed_rows() {
    let s = serve();
    let a = s.addr();
    let rows = raw_rows();
    let expected = reference(a, &rows);
    assert!(expected.iter().all(|m| m.is_finite()), "{expected:?}");

    let native = post_json(a, "/v1/models/piped/score", &json!({"rows": rows}));
    assert_eq!(native.status, 200, "{}", native.text());
    same("native", &mses(&native.json()["results"], "mse"), &expected);

    let csv = raw_csv(&rows);
    let r = request(
        a,
        "POST",
        "/v1/models/piped/score",
        Some("text/csv"),
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    same("native CSV", &csv_mses(&r.text()), &expected);
    let r = request(
        a,
        "POST",
        "/invocations?model=piped",
        Some("text/csv"),
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    same("MLflow CSV", &mses(&r.json()["predictions"], ""), &expected);

    let split: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            INPUTS
                .iter()
                .map(|c| r.get(*c).cloned().unwrap_or(Value::Null))
                .collect()
        })
        .collect();
    for body in [
        json!({"dataframe_split": {"columns": INPUTS, "data": split}}),
        json!({"dataframe_records": rows}),
    ] {
        let r = post_json(a, "/invocations?model=piped", &body);
        assert_eq!(r.status, 200, "{}", r.text());
        same("MLflow", &mses(&r.json()["predictions"], ""), &expected);
    }

    let r = post_json(
        a,
        "/v2/models/piped/infer",
        &json!({"inputs": v2_inputs(&rows)}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    same("v2", &mses(&r.json()["outputs"][0]["data"], ""), &expected);
    // Binary BOOL has no missing value: the rows that have a member.
    let members: Vec<Map<String, Value>> = rows
        .iter()
        .filter(|r| r.contains_key("member"))
        .cloned()
        .collect();
    same(
        "v2 binary",
        &v2_binary(a, &members),
        &reference(a, &members),
    );

    same("H2O flow", &h2o_mses(a, &csv), &expected);
}

/// Raw rows as CSV: epoch numbers and booleans as their text, missing as "".
fn raw_csv(rows: &[Map<String, Value>]) -> String {
    let mut out = INPUTS.join(",") + "\n";
    for r in rows {
        let cells: Vec<String> = INPUTS
            .iter()
            .map(|c| match r.get(*c) {
                None => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            })
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

fn csv_mses(text: &str) -> Vec<f64> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Reconstruction.MSE")
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[at].parse().unwrap())
        .collect()
}

/// One tensor per raw input: ts as BYTES (the epoch as text), spend FP64, member BOOL, the
/// strings BYTES.
fn v2_inputs(rows: &[Map<String, Value>]) -> Vec<Value> {
    let column = |c: &str| -> Vec<Value> {
        rows.iter()
            .map(|r| match r.get(c) {
                Some(Value::Number(n)) if c == "ts" => json!(n.to_string()),
                Some(v) => v.clone(),
                None => Value::Null,
            })
            .collect()
    };
    [
        ("ts", "BYTES"),
        ("spend", "FP64"),
        ("member", "BOOL"),
        ("where", "BYTES"),
        ("via", "BYTES"),
    ]
    .iter()
    .map(|(c, d)| json!({"name": c, "datatype": d, "shape": [rows.len()], "data": column(c)}))
    .collect()
}

/// The rows with spend (FP64, NaN missing) and member (BOOL, a byte each) in the binary part.
fn v2_binary(a: SocketAddr, rows: &[Map<String, Value>]) -> Vec<f64> {
    let mut inputs = v2_inputs(rows);
    let spend: Vec<u8> = rows
        .iter()
        .flat_map(|r| {
            r.get("spend")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN)
                .to_le_bytes()
        })
        .collect();
    let member: Vec<u8> = rows
        .iter()
        .map(|r| u8::from(r["member"].as_bool().unwrap()))
        .collect();
    inputs[1] = json!({"name": "spend", "datatype": "FP64", "shape": [rows.len()],
                       "parameters": {"binary_data_size": spend.len()}});
    inputs[2] = json!({"name": "member", "datatype": "BOOL", "shape": [rows.len()],
                       "parameters": {"binary_data_size": member.len()}});
    let mut body = serde_json::to_vec(&json!({"inputs": inputs})).unwrap();
    let json_len = body.len().to_string();
    body.extend_from_slice(&spend);
    body.extend_from_slice(&member);
    let r = request_with(
        a,
        "POST",
        "/v2/models/piped/infer",
        &[
            ("Content-Type", "application/octet-stream"),
            ("Inference-Header-Content-Length", &json_len),
        ],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    mses(&r.json()["outputs"][0]["data"], "")
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut f = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        f.append_pair(k, v);
    }
    f.finish().into_bytes()
}

/// The H2O flow on the raw CSV: PostFile, Parse (types guessed), Predictions, DownloadDataset.
fn h2o_mses(a: SocketAddr, csv: &str) -> Vec<f64> {
    let form_type = Some("application/x-www-form-urlencoded");
    let r = request(
        a,
        "POST",
        "/3/PostFile?destination_frame=raw.csv",
        Some("text/csv"),
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let parse = form(&[
        ("source_frames", "[\"raw.csv\"]"),
        ("destination_frame", "raw.hex"),
    ]);
    let r = request(a, "POST", "/3/Parse", form_type, &parse);
    assert_eq!(r.status, 200, "{}", r.text());
    let params = form(&[
        ("reconstruction_error", "true"),
        ("predictions_frame", "mse.hex"),
    ]);
    let r = request(
        a,
        "POST",
        "/3/Predictions/models/piped/frames/raw.hex",
        form_type,
        &params,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let csv = get(a, "/3/DownloadDataset?frame_id=mse.hex");
    assert_eq!(csv.status, 200, "{}", csv.text());
    csv.text()
        .lines()
        .skip(1)
        .map(|l| l.parse().unwrap())
        .collect()
}

#[test]
fn row_errors_name_the_step_on_every_protocol() {
    let s = serve();
    let a = s.addr();
    let bad = json!({"ts": "yesterday", "spend": 1, "member": true});
    let log = json!({"ts": 0, "spend": -5, "member": "maybe"});
    let r = post_json(a, "/v1/models/piped/score", &json!({"rows": [bad, log]})).json();
    let e0 = &r["results"][0]["error"];
    assert_eq!(e0["type"], "PipelineException", "{r}");
    assert!(e0["message"].as_str().unwrap().contains("ts"), "{e0}");
    let e1 = &r["results"][1]["error"];
    assert_eq!(e1["type"], "PipelineException", "{r}");
    let r = post_json(
        a,
        "/invocations?model=piped",
        &json!({"dataframe_records": [bad]}),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("row 0: PipelineException: "),
        "{}",
        r.text()
    );
    let r = post_json(
        a,
        "/v2/models/piped/infer",
        &json!({"inputs": [{"name": "ts", "datatype": "BYTES", "shape": [1], "data": ["yesterday"]}]}),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("PipelineException"),
        "{}",
        r.text()
    );
    // log1p of -5 is a domain error of step 2.
    let r = post_json(
        a,
        "/v1/models/piped/score",
        &json!({"rows": [{"spend": -5}]}),
    )
    .json();
    let m = r["results"][0]["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(m.contains("income") && m.contains("step 2"), "{m}");
    // The CSV error column carries it too.
    let r = request(
        a,
        "POST",
        "/v1/models/piped/score",
        Some("text/csv"),
        b"ts,spend\nyesterday,1\n",
    );
    assert!(r.text().contains("PipelineException: "), "{}", r.text());
    // The H2O flow fails the prediction with H2O's error answer naming the row.
    let r = request(
        a,
        "POST",
        "/3/PostFile?destination_frame=bad.csv",
        Some("text/csv"),
        b"ts,spend\n2024-01-01T00:00:00Z,1\nyesterday,1\n",
    );
    assert_eq!(r.status, 200);
    let form_type = Some("application/x-www-form-urlencoded");
    let parse = form(&[
        ("source_frames", "[\"bad.csv\"]"),
        ("destination_frame", "bad.hex"),
    ]);
    assert_eq!(
        request(a, "POST", "/3/Parse", form_type, &parse).status,
        200
    );
    let r = request(
        a,
        "POST",
        "/3/Predictions/models/piped/frames/bad.hex",
        form_type,
        b"",
    );
    assert_eq!(r.status, 400, "{}", r.text());
    let msg = r.json()["msg"].as_str().unwrap().to_string();
    assert!(
        msg.contains("row 1 of the frame: PipelineException: input ts: "),
        "{msg}"
    );
}

#[test]
fn v2_takes_raw_inputs_only() {
    let s = serve();
    let a = s.addr();
    let meta = get(a, "/v2/models/piped").json();
    let inputs: Vec<(&str, &str)> = meta["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i["datatype"].as_str().unwrap()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("ts", "BYTES"),
            ("spend", "FP64"),
            ("member", "BOOL"),
            ("where", "BYTES"),
            ("via", "BYTES")
        ]
    );
    let infer = |inputs: Value| post_json(a, "/v2/models/piped/infer", &json!({"inputs": inputs}));
    // A model column is not an input of the pipeline.
    let r = infer(json!([{"name": "age", "datatype": "FP64", "shape": [1], "data": [3]}]));
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("not a raw input of the model's pipeline"),
        "{}",
        r.text()
    );
    // Nor is the matrix form.
    let r = infer(
        json!([{"name": "input", "datatype": "FP64", "shape": [1, 5], "data": [[0, 1, 1, 0, 0]]}]),
    );
    assert_eq!(r.status, 400);
    // A string input takes BYTES only; BOOL is for boolean inputs.
    let r = infer(json!([{"name": "via", "datatype": "FP64", "shape": [1], "data": [1]}]));
    assert!(
        r.status == 400 && r.text().contains("send it as BYTES"),
        "{}",
        r.text()
    );
    let r = infer(json!([{"name": "spend", "datatype": "BOOL", "shape": [1], "data": [true]}]));
    assert!(
        r.status == 400 && r.text().contains("BOOL is for boolean inputs"),
        "{}",
        r.text()
    );
    // Booleans may also come as numbers (1/0) or text.
    let one = infer(json!([{"name": "member", "datatype": "INT32", "shape": [1], "data": [1]}]));
    let yes =
        infer(json!([{"name": "member", "datatype": "BYTES", "shape": [1], "data": ["TRUE"]}]));
    let t = infer(json!([{"name": "member", "datatype": "BOOL", "shape": [1], "data": [true]}]));
    assert_eq!(one.json()["outputs"], t.json()["outputs"]);
    assert_eq!(yes.json()["outputs"], t.json()["outputs"]);
    // The model without the pipeline still lists and takes its columns, and refuses BOOL.
    let plain = get(a, "/v2/models/plain").json();
    assert_eq!(plain["inputs"][0]["name"], "country");
    let r = post_json(
        a,
        "/v2/models/plain/infer",
        &json!({"inputs": [{"name": "age", "datatype": "BOOL", "shape": [1], "data": [true]}]}),
    );
    assert_eq!(r.status, 400);
}

#[test]
fn model_info_shows_the_pipeline_and_plain_models_are_unchanged() {
    let s = serve();
    let a = s.addr();
    let info = get(a, "/v1/models/piped").json();
    assert_eq!(
        info["pipeline"],
        json!({"inputs": [{"name": "ts", "type": "timestamp"}, {"name": "spend", "type": "number"},
                          {"name": "member", "type": "boolean"}, {"name": "where", "type": "string"},
                          {"name": "via", "type": "string"}],
               "steps": 8, "model_fingerprint": null})
    );
    assert!(get(a, "/v1/models/plain").json()["pipeline"].is_null());
    let listed = get(a, "/v1/models").json();
    assert_eq!(listed["models"][0]["pipeline"], info["pipeline"]);
    // Without a pipeline a JSON boolean is still genmodel's unknown type.
    let r = post_json(
        a,
        "/v1/models/plain/score",
        &json!({"rows": [{"age": true}]}),
    )
    .json();
    assert_eq!(
        r["results"][0]["error"]["type"], "PredictUnknownTypeException",
        "{r}"
    );
}

#[test]
fn a_pipeline_that_misses_a_model_column_stops_the_start() {
    let dir = std::env::temp_dir().join(format!("ae4j-serve-pipe-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bad: Value = serde_json::from_str(SPEC).unwrap();
    // Without its last step the pipeline never makes the model's `device`.
    bad["steps"].as_array_mut().unwrap().pop();
    let pojo = dir.join("synth_tanh.java");
    std::fs::copy(synth_mojo().with_extension("java"), &pojo).unwrap();
    std::fs::write(pipeline::sidecar_path(&pojo), bad.to_string()).unwrap();
    let err = ae4j_serve::spawn(ServeArgs::local(vec![ModelSpecArg {
        id: None,
        path: pojo.clone(),
    }]))
    .err()
    .expect("the start fails");
    let text = format!("{err:#}");
    assert!(text.contains("cannot load the pipeline of model"), "{text}");
    assert!(text.contains("device"), "{text}");
}
