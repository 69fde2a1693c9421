//! A model with a preprocessing pipeline (issue #22) on every protocol: the fixture's raw rows
//! (tests/fixtures/pipeline: timestamps, strings, gaps) sent as raw input columns must score
//! what genmodel gives for the rows pandas + scikit-learn transformed (1e-9 relative), on the
//! native API (JSON and CSV), the Open Inference Protocol v2, MLflow and the H2O REST flow;
//! rows the pipeline refuses fail with `PipelineException` naming the step and the column.
//! The pipeline is served from a MOJO's zip entry and from a POJO's sidecar.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use ae4j_core::pipeline::{self, Pipeline};
use ae4j_fixtures::{fixtures_dir, Outcome, Tally};
use ae4j_serve::{H2oArgs, ModelSpecArg, ServeArgs, ServerHandle};
use common::{get, json_f64, post_json, request};
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Deserialize)]
struct Case {
    name: String,
    mojo: String,
    pojo: String,
    spec: String,
    rows: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    id: u64,
    kind: String,
    /// The raw cells as text ("" missing), as in raw.csv.
    raw: BTreeMap<String, String>,
    /// The raw row as JSON values (numbers, booleans, text; a missing cell absent).
    raw_typed: Map<String, Value>,
    expected_error: Option<ExpectedError>,
    /// genmodel's scores of the transformed row (none for a row the pipeline refuses).
    genmodel: Option<BTreeMap<String, Outcome>>,
}

#[derive(Deserialize)]
struct ExpectedError {
    kind: String,
    column: String,
    /// The failing step (1-based), or none for an input that cannot be read as its type.
    step: Option<usize>,
    /// The step's op, or `input`.
    op: String,
    step_column: String,
}

impl ExpectedError {
    /// How the message names where the row failed: `input <column>: ...` or
    /// `step <n> (<op> <column>): ...`.
    fn prefix(&self) -> String {
        match self.step {
            None => format!("input {}: ", self.column),
            Some(n) => format!("step {n} ({} {}): ", self.op, self.step_column),
        }
    }
}

impl Row {
    /// genmodel's MSE of the transformed row.
    fn expected_mse(&self) -> f64 {
        match self.genmodel.as_ref().map(|g| &g["default"]) {
            Some(Outcome::Scored(g)) => g.mse.0,
            other => panic!("row {}: no genmodel score ({other:?})", self.id),
        }
    }
}

const RAW_COLUMNS: [&str; 5] = ["ts", "amount", "balance", "merchant", "online"];

fn load() -> Case {
    let path = fixtures_dir().join("pipeline/cases.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the pipeline fixture parses")
}

/// The fixture's MOJO with its pipeline as a zip entry, and its POJO with a sidecar, in a
/// fresh directory.
fn models_with_pipeline(case: &Case) -> (PathBuf, PathBuf, Pipeline) {
    let dir = std::env::temp_dir().join(format!("ae4j-serve-pipeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fx = fixtures_dir();
    let spec = std::fs::read(fx.join(&case.spec)).unwrap();
    let pipeline = Pipeline::from_json(&spec, &case.spec).expect("the fixture spec parses");
    let mojo = dir.join(format!("{}.zip", case.name));
    let bytes = std::fs::read(fx.join(&case.mojo)).unwrap();
    std::fs::write(&mojo, pipeline::add_to_mojo(&bytes, &pipeline).unwrap()).unwrap();
    let pojo = dir.join(format!("{}.java", case.name));
    std::fs::copy(fx.join(&case.pojo), &pojo).unwrap();
    std::fs::write(pipeline::sidecar_path(&pojo), &spec).unwrap();
    (mojo, pojo, pipeline)
}

fn serve(mojo: &Path, pojo: &Path, h2o_api: bool) -> ServerHandle {
    let mut args = ServeArgs::local(vec![
        ModelSpecArg {
            id: Some("pipe_mojo".into()),
            path: mojo.to_path_buf(),
        },
        ModelSpecArg {
            id: Some("pipe_pojo".into()),
            path: pojo.to_path_buf(),
        },
    ]);
    args.h2o = H2oArgs {
        h2o_api,
        h2o_max_frame_bytes: 16 << 20,
        h2o_frame_ttl_secs: 600,
        ..H2oArgs::default()
    };
    common::start(args)
}

fn good(case: &Case) -> Vec<&Row> {
    case.rows
        .iter()
        .filter(|r| r.expected_error.is_none())
        .collect()
}

/// A pipeline row error's kind and message against the fixture's expectation: the message
/// starts by naming the input, or the step and its column.
fn check_error(tally: &mut Tally, at: &str, kind: &str, message: &str, e: &ExpectedError) {
    if kind != e.kind || !message.starts_with(&e.prefix()) {
        tally.fail(format!(
            "{at}: {kind}: {message}; expected {}: {}...",
            e.kind,
            e.prefix()
        ));
    }
}

#[test]
fn raw_rows_score_as_genmodel_scores_the_transformed_rows() {
    let case = load();
    let (mojo, pojo, pipeline) = models_with_pipeline(&case);
    let s = serve(&mojo, &pojo, true);
    let mut tally = Tally::default();
    for id in ["pipe_mojo", "pipe_pojo"] {
        native_json(s.addr(), id, &case, &mut tally);
        native_csv(s.addr(), id, &case, &mut tally);
        v2_tensors(s.addr(), id, &case, &mut tally);
        mlflow(s.addr(), id, &case, &mut tally);
        h2o_flow(s.addr(), id, &case, &mut tally);
        metadata(s.addr(), id, &pipeline);
    }
    println!("pipeline on every protocol: {}", tally.summary());
    tally.assert_ok("pipeline on every protocol");
}

fn native_json(addr: SocketAddr, id: &str, case: &Case, tally: &mut Tally) {
    let rows: Vec<Value> = case
        .rows
        .iter()
        .map(|r| Value::Object(r.raw_typed.clone()))
        .collect();
    let reply = post_json(
        addr,
        &format!("/v1/models/{id}/score"),
        &json!({"rows": rows}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let results = reply.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), case.rows.len());
    for (r, row) in results.iter().zip(&case.rows) {
        let at = format!("{id} native row {} ({})", row.id, row.kind);
        match &row.expected_error {
            Some(e) => match r.get("error") {
                Some(err) => check_error(
                    tally,
                    &at,
                    err["type"].as_str().unwrap_or(""),
                    err["message"].as_str().unwrap_or(""),
                    e,
                ),
                None => tally.fail(format!("{at}: scored, expected {}", e.kind)),
            },
            None => match r.get("mse") {
                Some(mse) => tally.check(&at, json_f64(mse), row.expected_mse()),
                None => tally.fail(format!("{at}: {r}")),
            },
        }
    }
}

/// The raw rows as CSV text, every cell as the fixture's raw text ("" missing).
fn raw_csv(rows: &[&Row]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(RAW_COLUMNS).unwrap();
    for r in rows {
        w.write_record(RAW_COLUMNS.iter().map(|c| r.raw[*c].as_str()))
            .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn native_csv(addr: SocketAddr, id: &str, case: &Case, tally: &mut Tally) {
    let all: Vec<&Row> = case.rows.iter().collect();
    let body = raw_csv(&all);
    let path = format!("/v1/models/{id}/score");
    let reply = request(addr, "POST", &path, Some("text/csv"), body.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.text());
    let mut reader = csv::Reader::from_reader(reply.body.as_slice());
    let header = reader.headers().unwrap().clone();
    let mse_at = header
        .iter()
        .position(|h| h == "Reconstruction.MSE")
        .unwrap();
    let error_at = header.iter().position(|h| h == "error").unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), case.rows.len());
    for (rec, row) in records.iter().zip(&case.rows) {
        let at = format!("{id} CSV row {} ({})", row.id, row.kind);
        match &row.expected_error {
            Some(e) => {
                let (kind, message) = rec[error_at].split_once(": ").unwrap_or(("", ""));
                check_error(tally, &at, kind, message, e);
            }
            None => match rec[mse_at].parse::<f64>() {
                Ok(mse) if rec[error_at].is_empty() => tally.check(&at, mse, row.expected_mse()),
                _ => tally.fail(format!("{at}: {rec:?}")),
            },
        }
    }
}

/// One tensor per raw input, its datatype from the values: BOOL for booleans, FP64 for numbers,
/// BYTES for text (missing: null).
fn tensors(rows: &[&Row]) -> Vec<Value> {
    RAW_COLUMNS
        .iter()
        .map(|c| {
            let values: Vec<Value> = rows
                .iter()
                .map(|r| r.raw_typed.get(*c).cloned().unwrap_or(Value::Null))
                .collect();
            let all = |f: fn(&Value) -> bool| values.iter().all(|v| v.is_null() || f(v));
            let datatype = if all(Value::is_boolean) {
                "BOOL"
            } else if all(Value::is_number) {
                "FP64"
            } else {
                "BYTES"
            };
            let data: Vec<Value> = match datatype {
                // Mixed text and numbers go as text, as the raw CSV has them.
                "BYTES" => rows
                    .iter()
                    .map(|r| match r.raw[*c].as_str() {
                        "" => Value::Null,
                        t => json!(t),
                    })
                    .collect(),
                _ => values,
            };
            json!({"name": c, "datatype": datatype, "shape": [rows.len()], "data": data})
        })
        .collect()
}

fn v2_tensors(addr: SocketAddr, id: &str, case: &Case, tally: &mut Tally) {
    let path = format!("/v2/models/{id}/infer");
    let rows = good(case);
    let reply = post_json(addr, &path, &json!({"inputs": tensors(&rows)}));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let v = reply.json();
    let mse = v["outputs"][0]["data"].as_array().unwrap();
    assert_eq!(mse.len(), rows.len());
    for (m, row) in mse.iter().zip(&rows) {
        let at = format!("{id} v2 row {} ({})", row.id, row.kind);
        tally.check(&at, json_f64(m), row.expected_mse());
    }
    // Tensors have no per-row errors: each refused row fails its request, naming the step.
    for row in case.rows.iter().filter(|r| r.expected_error.is_some()) {
        let at = format!("{id} v2 row {} ({})", row.id, row.kind);
        let reply = post_json(addr, &path, &json!({"inputs": tensors(&[row])}));
        let message = reply.json()["error"].as_str().unwrap_or("").to_string();
        let (kind, message) = message
            .strip_prefix("row 0: ")
            .and_then(|m| m.split_once(": "))
            .unwrap_or(("", ""));
        if reply.status != 400 {
            tally.fail(format!("{at}: status {}", reply.status));
        }
        check_error(
            tally,
            &at,
            kind,
            message,
            row.expected_error.as_ref().unwrap(),
        );
    }
}

fn mlflow(addr: SocketAddr, id: &str, case: &Case, tally: &mut Tally) {
    let path = format!("/invocations?model={id}");
    let rows = good(case);
    let data: Vec<Vec<Value>> = rows
        .iter()
        .map(|r| {
            RAW_COLUMNS
                .iter()
                .map(|c| r.raw_typed.get(*c).cloned().unwrap_or(Value::Null))
                .collect()
        })
        .collect();
    let records: Vec<Value> = rows
        .iter()
        .map(|r| Value::Object(r.raw_typed.clone()))
        .collect();
    for body in [
        json!({"dataframe_split": {"columns": RAW_COLUMNS, "data": data}}),
        json!({"dataframe_records": records}),
    ] {
        let reply = post_json(addr, &path, &body);
        assert_eq!(reply.status, 200, "{}", reply.text());
        let predictions = reply.json()["predictions"].as_array().unwrap().clone();
        assert_eq!(predictions.len(), rows.len());
        for (p, row) in predictions.iter().zip(&rows) {
            let at = format!("{id} MLflow row {} ({})", row.id, row.kind);
            tally.check(&at, json_f64(p), row.expected_mse());
        }
    }
    let refused = case
        .rows
        .iter()
        .find(|r| r.expected_error.is_some())
        .unwrap();
    let reply = post_json(
        addr,
        &path,
        &json!({"dataframe_records": [refused.raw_typed]}),
    );
    assert_eq!(reply.status, 400, "{}", reply.text());
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("PipelineException"), "{message}");
}

/// Form-encoded parameters.
fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut f = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        f.append_pair(k, v);
    }
    f.finish().into_bytes()
}

const FORM: &str = "application/x-www-form-urlencoded";

/// The H2O flow: the raw CSV uploaded and parsed (types guessed), its columns the pipeline's
/// raw inputs; the predictions frame's MSEs are genmodel's.
fn h2o_flow(addr: SocketAddr, id: &str, case: &Case, tally: &mut Tally) {
    let rows = good(case);
    let body = raw_csv(&rows);
    let upload = format!("/3/PostFile?destination_frame={id}_raw.csv");
    let r = request(addr, "POST", &upload, Some("text/csv"), body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let sources = json!([format!("{id}_raw.csv")]).to_string();
    let parse = form(&[
        ("source_frames", &sources),
        ("destination_frame", &format!("{id}_raw.hex")),
    ]);
    let r = request(addr, "POST", "/3/Parse", Some(FORM), &parse);
    assert_eq!(r.status, 200, "{}", r.text());
    let predict = format!("/3/Predictions/models/{id}/frames/{id}_raw.hex");
    let params = form(&[
        ("reconstruction_error", "true"),
        ("predictions_frame", &format!("{id}_mse")),
    ]);
    let r = request(addr, "POST", &predict, Some(FORM), &params);
    assert_eq!(r.status, 200, "{}", r.text());
    let csv = get(addr, &format!("/3/DownloadDataset?frame_id={id}_mse"));
    assert_eq!(csv.status, 200, "{}", csv.text());
    let lines: Vec<String> = csv.text().lines().skip(1).map(str::to_string).collect();
    assert_eq!(lines.len(), rows.len());
    for (line, row) in lines.iter().zip(&rows) {
        let at = format!("{id} H2O row {} ({})", row.id, row.kind);
        match line.parse::<f64>() {
            Ok(mse) => tally.check(&at, mse, row.expected_mse()),
            Err(_) => tally.fail(format!("{at}: {line}")),
        }
    }
}

/// The model's listing, metadata and v2 metadata show the pipeline and its raw inputs.
fn metadata(addr: SocketAddr, id: &str, pipeline: &Pipeline) {
    let info = get(addr, &format!("/v1/models/{id}")).json();
    let p = &info["pipeline"];
    let names: Vec<&str> = p["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, RAW_COLUMNS, "{p}");
    assert_eq!(p["steps"], json!(pipeline.spec().steps.len()));
    let listed = get(addr, "/v1/models").json();
    let mine = listed["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(mine["pipeline"], *p);
    let v2 = get(addr, &format!("/v2/models/{id}")).json();
    let inputs: Vec<(String, String)> = v2["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["datatype"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("ts", "BYTES"),
        ("amount", "FP64"),
        ("balance", "FP64"),
        ("merchant", "BYTES"),
        ("online", "BOOL"),
    ]
    .iter()
    .map(|(n, d)| (n.to_string(), d.to_string()))
    .collect();
    assert_eq!(inputs, expected);
}
