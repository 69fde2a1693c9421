//! Anomaly decisions on the service: a calibrated model's calibration is loaded at start and
//! shown; every protocol's decisions equal `ae4j_core::calibration::decide` on the same MSEs;
//! a run-time threshold; explanations equal `calibration::explain`; an uncalibrated model
//! without a threshold gets no decision; a foreign calibration stops the start. That these
//! answers match openapi.json, and equal `ae4j predict`'s on the same rows, is checked by
//! tests/service/test_decisions.py (scripts/test-service.sh, which makes its Python venv).

mod common;

use std::path::PathBuf;

use ae4j_core::calibration::{self, Calibration};
use ae4j_core::Model;
use ae4j_serve::{ModelSpecArg, ServeArgs};
use common::*;
use serde_json::{json, Map, Value};

fn calibrated_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/calibration/synth_tanh.calibrated.zip")
}

fn synth_case() -> ae4j_fixtures::Case {
    ae4j_fixtures::load_cases()
        .into_iter()
        .find(|c| c.name == "synth_tanh")
        .expect("the synth_tanh fixture")
}

/// The rows genmodel scored without an error.
fn good_rows(case: &ae4j_fixtures::Case) -> Vec<Map<String, Value>> {
    case.rows
        .iter()
        .filter(|r| {
            r.genmodel
                .values()
                .all(|o| matches!(o, ae4j_fixtures::Outcome::Scored(_)))
        })
        .map(|r| r.input.clone())
        .take(40)
        .collect()
}

fn load() -> (Model, Calibration) {
    let path = calibrated_path();
    let model = ae4j_core::load_model(&path).unwrap();
    let cal = calibration::read(&path, &model)
        .unwrap()
        .expect("calibrated");
    (model, cal)
}

fn serve() -> ae4j_serve::ServerHandle {
    start(ServeArgs::local(vec![
        ModelSpecArg {
            id: Some("cal".into()),
            path: calibrated_path(),
        },
        ModelSpecArg {
            id: Some("plain".into()),
            path: synth_case().mojo_path(),
        },
    ]))
}

fn decision_json(d: Option<calibration::Decision>) -> (Option<bool>, Option<Option<f64>>) {
    (d.map(|d| d.anomaly), d.map(|d| d.percentile))
}

fn row_decision(r: &Value) -> (Option<bool>, Option<Option<f64>>) {
    let anomaly = r.get("anomaly").map(|v| v.as_bool().expect("a boolean"));
    let percentile = r
        .get("percentile")
        .map(|v| if v.is_null() { None } else { Some(json_f64(v)) });
    (anomaly, percentile)
}

#[test]
fn native_json_decisions_thresholds_and_explanations() {
    let (model, cal) = load();
    let rows = good_rows(&synth_case());
    assert!(rows.len() >= 5);
    let s = serve();
    let a = s.addr();

    // The calibration is shown; the uncalibrated model's is null.
    let info = get(a, "/v1/models/cal");
    assert_eq!(info.status, 200);
    let c = &info.json()["calibration"];
    assert_eq!(json_f64(&c["threshold"]), cal.threshold);
    assert_eq!(c["rows"], json!(cal.rows));
    assert_eq!(c["rows_left_out"], json!(cal.rows_left_out));
    assert_eq!(c["created"], json!(cal.created));
    assert_eq!(c["quantile"].as_f64(), cal.quantile);
    let plain = get(a, "/v1/models/plain").json();
    assert!(plain["calibration"].is_null());

    // A threshold at the median of the MSEs makes both answers appear.
    let base = post_json(a, "/v1/models/plain/score", &json!({"rows": rows})).json();
    let mut mses: Vec<f64> = base["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json_f64(&r["mse"]))
        .collect();
    for r in base["results"].as_array().unwrap() {
        assert!(r.get("anomaly").is_none() && r.get("percentile").is_none());
    }
    mses.sort_by(f64::total_cmp);
    let median = mses[mses.len() / 2];

    for (id, cal_used, threshold) in [
        ("cal", Some(&cal), None),
        ("cal", Some(&cal), Some(median)),
        ("plain", None, Some(median)),
    ] {
        let mut body = json!({"rows": rows, "per_feature": true, "explain": 3});
        if let Some(t) = threshold {
            body["threshold"] = json!(t);
        }
        let path = format!("/v1/models/{id}/score");
        let reply = post_json(a, &path, &body);
        assert_eq!(reply.status, 200, "{}", reply.text());
        let v = reply.json();
        let se_names: Vec<String> = model
            .slot_names()
            .iter()
            .map(|s| format!("reconstr_{s}.SE"))
            .collect();
        let mut anomalies = 0;
        for r in v["results"].as_array().unwrap() {
            let mse = json_f64(&r["mse"]);
            let expected = calibration::decide(cal_used, threshold, mse);
            assert!(expected.is_some());
            assert_eq!(
                row_decision(r),
                decision_json(expected),
                "{id} {threshold:?}: {r}"
            );
            anomalies += usize::from(expected.unwrap().anomaly);
            // The explanation is the core's on the row's squared errors.
            let se: Vec<f64> = se_names
                .iter()
                .map(|n| json_f64(&r["per_feature"][n]))
                .collect();
            let want = calibration::explain(&model, &se, 3);
            let got = r["explanation"].as_array().unwrap();
            assert_eq!(got.len(), want.len());
            for (g, (c, share)) in got.iter().zip(&want) {
                assert_eq!(g["column"], json!(model.columns()[*c].name));
                assert_eq!(json_f64(&g["share"]), *share);
            }
        }
        if threshold.is_some() {
            assert!(anomalies > 0 && anomalies < rows.len(), "{anomalies}");
        }
    }

    // A bad threshold is the request's error.
    let bad = request(
        a,
        "POST",
        "/v1/models/cal/score?threshold=NaN",
        Some("application/json"),
        b"{\"rows\": []}",
    );
    assert_eq!(bad.status, 400, "{}", bad.text());
}

#[test]
fn csv_columns_like_the_cli() {
    let (model, cal) = load();
    let case = synth_case();
    let rows = good_rows(&case);
    let s = serve();
    let a = s.addr();
    let columns: Vec<String> = model.columns().iter().map(|c| c.name.clone()).collect();
    let mut body = columns.join(",") + "\n";
    for r in &rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match r.get(c) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            })
            .collect();
        body += &(cells.join(",") + "\n");
    }
    let reply = request(
        a,
        "POST",
        "/v1/models/cal/score?explain=2",
        Some("text/csv"),
        body.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert!(
        text.lines().skip(1).filter(|l| !l.starts_with(',')).count() >= rows.len() / 2,
        "{text}"
    );
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Reconstruction.MSE,anomaly,percentile,top_1_column,top_1_share,top_2_column,top_2_share,error"
    );
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        if f[0].is_empty() {
            continue; // a row that fails as CSV text (its error is in the last column)
        }
        let mse: f64 = f[0].parse().unwrap();
        let d = cal.decide(mse, None);
        assert_eq!(f[1], if d.anomaly { "true" } else { "false" });
        assert_eq!(f[2].parse::<f64>().unwrap(), d.percentile.unwrap());
        assert!(columns.iter().any(|c| c == f[3]), "{line}");
    }

    // Uncalibrated, no threshold: no decision columns; with one: empty percentiles.
    let plain = request(
        a,
        "POST",
        "/v1/models/plain/score",
        Some("text/csv"),
        body.as_bytes(),
    );
    assert_eq!(
        plain.text().lines().next().unwrap(),
        "Reconstruction.MSE,error"
    );
    let plain = request(
        a,
        "POST",
        "/v1/models/plain/score?threshold=0",
        Some("text/csv"),
        body.as_bytes(),
    );
    let text = plain.text();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Reconstruction.MSE,anomaly,percentile,error"
    );
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        if f[0].is_empty() {
            continue;
        }
        assert_eq!(f[2], "", "{line}");
        assert_eq!(
            f[1],
            if f[0].parse::<f64>().unwrap() > 0.0 {
                "true"
            } else {
                "false"
            }
        );
    }
}

#[test]
fn v2_and_mlflow_decisions() {
    let (model, cal) = load();
    let rows = good_rows(&synth_case());
    let s = serve();
    let a = s.addr();

    // v2: one BYTES/FP64 tensor per column.
    let inputs: Vec<Value> = model
        .columns()
        .iter()
        .map(|c| {
            let data: Vec<Value> = rows
                .iter()
                .map(|r| r.get(&c.name).cloned().unwrap_or(Value::Null))
                .collect();
            let datatype = if c.is_categorical() { "BYTES" } else { "FP64" };
            json!({"name": c.name, "shape": [rows.len()], "datatype": datatype, "data": data})
        })
        .collect();
    let reply = post_json(a, "/v2/models/cal/infer", &json!({"inputs": inputs}));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let v = reply.json();
    let out = |v: &Value, name: &str| {
        v["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .cloned()
    };
    let mse: Vec<f64> = out(&v, "reconstruction_mse").unwrap()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(json_f64)
        .collect();
    let anomaly = out(&v, "anomaly").expect("anomaly output");
    assert_eq!(anomaly["datatype"], "BOOL");
    assert_eq!(anomaly["shape"], json!([rows.len()]));
    let percentile = out(&v, "percentile").expect("percentile output");
    for (i, &m) in mse.iter().enumerate() {
        let d = cal.decide(m, None);
        assert_eq!(anomaly["data"][i], json!(d.anomaly));
        assert_eq!(json_f64(&percentile["data"][i]), d.percentile.unwrap());
    }

    // v2 on the uncalibrated model: none without a threshold, NaN percentiles with one.
    let v = post_json(a, "/v2/models/plain/infer", &json!({"inputs": inputs})).json();
    assert!(out(&v, "anomaly").is_none() && out(&v, "percentile").is_none());
    let reply = post_json(
        a,
        "/v2/models/plain/infer",
        &json!({"inputs": inputs, "parameters": {"threshold": 0.0}}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let v = reply.json();
    assert!(out(&v, "anomaly").unwrap()["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b == true));
    assert!(out(&v, "percentile").unwrap()["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| json_f64(p).is_nan()));
    let asked = post_json(
        a,
        "/v2/models/plain/infer",
        &json!({"inputs": inputs, "outputs": [{"name": "anomaly"}]}),
    );
    assert_eq!(asked.status, 400, "{}", asked.text());

    // MLflow: records carry the decision; the plain answer stays a list of MSEs.
    let reply = post_json(
        a,
        "/invocations?model=cal",
        &json!({"dataframe_records": rows, "params": {"per_feature": true}}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let v = reply.json();
    for r in v["predictions"].as_array().unwrap() {
        let m = json_f64(&r["Reconstruction.MSE"]);
        let d = calibration::decide(Some(&cal), None, m);
        assert_eq!(row_decision(r), decision_json(d));
    }
    let v = post_json(
        a,
        "/invocations?model=cal",
        &json!({"dataframe_records": rows}),
    )
    .json();
    assert!(v["predictions"]
        .as_array()
        .unwrap()
        .iter()
        .all(Value::is_number));
}

#[test]
fn a_foreign_calibration_stops_the_start() {
    let (_, cal) = load();
    let other = ae4j_fixtures::load_cases()
        .into_iter()
        .find(|c| c.name != "synth_tanh" && c.mojo_path().is_file())
        .expect("another fixture model");
    let dir = std::env::temp_dir().join(format!("ae4j-foreign-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("other.zip");
    std::fs::copy(other.mojo_path(), &model).unwrap();
    std::fs::write(calibration::sidecar_path(&model), cal.to_json()).unwrap();
    let err = ae4j_serve::spawn(ServeArgs::local(vec![ModelSpecArg {
        id: Some("other".into()),
        path: model.clone(),
    }]))
    .err()
    .expect("the start fails");
    let text = format!("{err:#}");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(text.contains("other.zip"), "{text}");
    assert!(text.contains("another model"), "{text}");
}
