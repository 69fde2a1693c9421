//! Deep features on every protocol (`deep_features_layer`) against the H2O server's
//! `model.deepfeatures(frame, L)` (tests/fixtures/deepfeatures), for every fixture model and
//! hidden layer: the native API (JSON and CSV), the Open Inference Protocol v2 and MLflow; and
//! a 400 naming the valid range for a layer the model lacks.

mod common;

use std::net::SocketAddr;

use ae4j_core::convert::CSV_MISSING_TOKENS;
use ae4j_fixtures::{doubles, load_cases_with_deep_features, Case, DeepFeatureCase, Tally};
use common::{json_f64, post_json, request};
use serde_json::{json, Map, Value};

/// A fixture row's input and H2O's deep features of it, per hidden layer.
type ServerRow<'c> = (&'c Map<String, Value>, Vec<Vec<f64>>);

/// The fixture rows the server scored whose inputs are plain JSON (strings, numbers, null),
/// with H2O's values per hidden layer.
fn json_rows<'c>(case: &'c Case, deep: &DeepFeatureCase) -> Vec<ServerRow<'c>> {
    case.rows
        .iter()
        .zip(&deep.rows)
        .filter(|(row, _)| row.input.values().all(|v| !v.is_object()))
        .filter_map(|(row, d)| {
            let layers = d.deep_features.as_ref()?;
            Some((&row.input, layers.iter().map(|l| doubles(l)).collect()))
        })
        .collect()
}

/// A number in a categorical column is a Double there (refused), not a level: left out of the
/// text-based routes (CSV, v2 BYTES), where it would read as a level name.
fn text_safe(case: &Case, input: &Map<String, Value>) -> bool {
    input.iter().all(|(k, v)| {
        let cat = case
            .columns
            .iter()
            .position(|c| c == k)
            .is_some_and(|f| case.domains[f].is_some());
        match v {
            Value::String(s) => {
                !CSV_MISSING_TOKENS.contains(&s.as_str()) && !s.contains(['\n', '\r'])
            }
            Value::Number(n) => !cat && n.as_f64().is_some_and(f64::is_finite),
            _ => false,
        }
    })
}

const LENIENT: &str = "convert_unknown_categoricals_to_na=true&convert_invalid_numbers_to_na=true";

fn native_json(addr: SocketAddr, case: &Case, rows: &[ServerRow], layer: usize, tally: &mut Tally) {
    let body = json!({
        "rows": rows.iter().map(|(input, _)| Value::Object((*input).clone())).collect::<Vec<_>>(),
        "convert_unknown_categoricals_to_na": true,
        "convert_invalid_numbers_to_na": true,
        "deep_features_layer": layer,
    });
    let reply = post_json(addr, &format!("/v1/models/{}/score", case.name), &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let results = reply.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), rows.len());
    for (i, (r, (_, h2o))) in results.iter().zip(rows).enumerate() {
        let got: Vec<f64> = r["deep_features"]
            .as_array()
            .unwrap_or_else(|| panic!("{r}"))
            .iter()
            .map(json_f64)
            .collect();
        tally.check_all(
            format_args!("{} native row {i} layer {layer}", case.name),
            &got,
            &h2o[layer],
        );
    }
}

fn native_csv(
    addr: SocketAddr,
    case: &Case,
    rows: &[ServerRow],
    layer: usize,
    names: &[String],
    tally: &mut Tally,
) {
    let rows: Vec<_> = rows
        .iter()
        .filter(|(input, _)| text_safe(case, input))
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&case.columns).unwrap();
    for (input, _) in &rows {
        w.write_record(case.columns.iter().map(|c| match input.get(c) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => format!("{:?}", n.as_f64().unwrap()),
            _ => String::new(),
        }))
        .unwrap();
    }
    let body = w.into_inner().unwrap();
    let path = format!(
        "/v1/models/{}/score?deep_features_layer={layer}&{LENIENT}",
        case.name
    );
    let reply = request(addr, "POST", &path, Some("text/csv"), &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let mut reader = csv::Reader::from_reader(&reply.body[..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut want: Vec<String> = vec!["Reconstruction.MSE".into()];
    want.extend(names.iter().cloned());
    want.push("error".into());
    assert_eq!(header, want, "{}", case.name);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    for (i, (rec, (_, h2o))) in records.iter().zip(&rows).enumerate() {
        let got: Vec<f64> = (1..=names.len()).map(|j| parse(&rec[j])).collect();
        tally.check_all(
            format_args!("{} csv row {i} layer {layer}", case.name),
            &got,
            &h2o[layer],
        );
    }
}

fn parse(field: &str) -> f64 {
    match field {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        s => s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")),
    }
}

fn v2(addr: SocketAddr, case: &Case, rows: &[ServerRow], layer: usize, tally: &mut Tally) {
    let rows: Vec<_> = rows
        .iter()
        .filter(|(input, _)| text_safe(case, input))
        .collect();
    // One BYTES tensor per model column (numbers as text: v2 reads them like RowData strings).
    let inputs: Vec<Value> = case
        .columns
        .iter()
        .map(|c| {
            let data: Vec<Value> = rows
                .iter()
                .map(|(input, _)| match input.get(c) {
                    Some(Value::Number(n)) => json!(format!("{:?}", n.as_f64().unwrap())),
                    Some(v) => v.clone(),
                    None => Value::Null,
                })
                .collect();
            json!({"name": c, "shape": [rows.len()], "datatype": "BYTES", "data": data})
        })
        .collect();
    let body = json!({
        "parameters": {"deep_features_layer": layer, "convert_unknown_categoricals_to_na": true, "convert_invalid_numbers_to_na": true},
        "inputs": inputs,
    });
    let reply = post_json(addr, &format!("/v2/models/{}/infer", case.name), &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answer = reply.json();
    let outputs = answer["outputs"].as_array().unwrap();
    let names: Vec<&str> = outputs
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["reconstruction_mse", "deep_features"],
        "{}",
        case.name
    );
    let t = &outputs[1];
    let width = rows[0].1[layer].len();
    assert_eq!(t["datatype"], "FP64");
    assert_eq!(t["shape"], json!([rows.len(), width]));
    let data: Vec<f64> = t["data"].as_array().unwrap().iter().map(json_f64).collect();
    for (i, (_, h2o)) in rows.iter().enumerate() {
        tally.check_all(
            format_args!("{} v2 row {i} layer {layer}", case.name),
            &data[i * width..(i + 1) * width],
            &h2o[layer],
        );
    }
}

fn mlflow(
    addr: SocketAddr,
    case: &Case,
    rows: &[ServerRow],
    layer: usize,
    names: &[String],
    tally: &mut Tally,
) {
    let body = json!({
        "dataframe_records": rows.iter().map(|(input, _)| Value::Object((*input).clone())).collect::<Vec<_>>(),
        "params": {"deep_features_layer": layer, "convert_unknown_categoricals_to_na": true, "convert_invalid_numbers_to_na": true},
    });
    let reply = post_json(addr, &format!("/invocations?model={}", case.name), &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let predictions = reply.json()["predictions"].as_array().unwrap().clone();
    assert_eq!(predictions.len(), rows.len());
    for (i, (p, (_, h2o))) in predictions.iter().zip(rows).enumerate() {
        let record = p.as_object().unwrap_or_else(|| panic!("not a record: {p}"));
        assert_eq!(
            record.len(),
            1 + names.len(),
            "Reconstruction.MSE and the DF columns"
        );
        let got: Vec<f64> = names.iter().map(|n| json_f64(&record[n])).collect();
        tally.check_all(
            format_args!("{} mlflow row {i} layer {layer}", case.name),
            &got,
            &h2o[layer],
        );
    }
}

#[test]
fn every_protocol_equals_h2o_for_every_model_and_layer() {
    let server = common::start_fixtures();
    let addr = server.addr();
    let mut total = 0;
    for (case, deep) in load_cases_with_deep_features() {
        let rows = json_rows(&case, &deep);
        assert!(rows.len() > 50, "{}: {} JSON rows", case.name, rows.len());
        let mut tally = Tally::default();
        for h in &deep.hidden_layers {
            native_json(addr, &case, &rows, h.layer, &mut tally);
            native_csv(addr, &case, &rows, h.layer, &h.columns, &mut tally);
            v2(addr, &case, &rows, h.layer, &mut tally);
            mlflow(addr, &case, &rows, h.layer, &h.columns, &mut tally);
        }
        eprintln!("{}: {}", case.name, tally.summary());
        tally.assert_ok(&case.name);
        total += tally.compared;
    }
    assert!(total > 50_000, "{total} values compared");
    server.shutdown().unwrap();
}

#[test]
fn layers_a_model_lacks_are_400_naming_the_range() {
    let server = common::start_fixtures();
    let addr = server.addr();
    let want = "must be between 0 and 2";
    let row = json!({"age": 41.0});
    for bad in [json!(3), json!(-1)] {
        let native = post_json(
            addr,
            "/v1/models/synth_tanh/score",
            &json!({"rows": [row], "deep_features_layer": bad}),
        );
        let v2 = post_json(
            addr,
            "/v2/models/synth_tanh/infer",
            &json!({
                "parameters": {"deep_features_layer": bad},
                "inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [41.0]}],
            }),
        );
        let mlflow = post_json(
            addr,
            "/invocations?model=synth_tanh",
            &json!({"dataframe_records": [row], "params": {"deep_features_layer": bad}}),
        );
        let query = request(
            addr,
            "POST",
            &format!("/v1/models/synth_tanh/score?deep_features_layer={bad}"),
            Some("text/csv"),
            b"age\n41\n",
        );
        for (name, reply) in [
            ("native", native),
            ("v2", v2),
            ("mlflow", mlflow),
            ("csv", query),
        ] {
            assert_eq!(reply.status, 400, "{name}: {}", reply.text());
            let text = reply.text();
            assert!(
                text.contains(&format!("hidden layer {bad} does not exist")) && text.contains(want),
                "{name}: {text}"
            );
        }
    }
    // v2: the output deep_features needs the parameter.
    let reply = post_json(
        addr,
        "/v2/models/synth_tanh/infer",
        &json!({
            "inputs": [{"name": "age", "shape": [1], "datatype": "FP64", "data": [41.0]}],
            "outputs": [{"name": "deep_features"}],
        }),
    );
    assert_eq!(reply.status, 400);
    assert!(
        reply.text().contains("deep_features_layer"),
        "{}",
        reply.text()
    );
    server.shutdown().unwrap();
}
