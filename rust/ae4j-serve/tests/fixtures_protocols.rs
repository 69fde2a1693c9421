//! Every fixture model on every protocol: the service's scores must be genmodel's (and the H2O
//! server's per-feature errors and finite MSE), and its row errors genmodel's exceptions, on
//! the native JSON and CSV API, the Open Inference Protocol v2 (column tensors and the matrix
//! form), and MLflow's `/invocations` (`dataframe_split`, `dataframe_records`, CSV).

mod common;

use std::net::SocketAddr;

use ae4j_core::convert::CSV_MISSING_TOKENS;
use ae4j_fixtures::{doubles, load_cases, Case, Input, Outcome, Row, Tally, OPTION_KEYS};
use common::{json_f64, post_json, request};
use serde_json::{json, Map, Value};

type Got = Result<(f64, Option<Vec<f64>>, Option<Vec<f64>>), (String, String)>;

/// Compares one row's answer with the fixture, as the CLI's fixture test does.
fn check(tally: &mut Tally, at: &str, row: &Row, key: &str, got: Got) {
    match (&row.genmodel[key], got) {
        (Outcome::Error { error }, Err((kind, message))) => {
            if kind != error.simple_class() || message != error.message {
                tally.fail(format!(
                    "{at}: error {kind}: {message}, expected {}: {}",
                    error.simple_class(),
                    error.message
                ));
            }
        }
        (Outcome::Error { error }, Ok(_)) => {
            tally.fail(format!("{at}: scored, expected {}", error.simple_class()))
        }
        (Outcome::Scored(_), Err((kind, message))) => {
            tally.fail(format!("{at}: unexpected error {kind}: {message}"))
        }
        (Outcome::Scored(g), Ok((mse, se, recon))) => {
            if let Some(recon) = &recon {
                tally.check_all(
                    format_args!("{at} reconstruction"),
                    recon,
                    &doubles(&g.reconstructed),
                );
            }
            let recon_nan = doubles(&g.reconstructed).iter().any(|v| v.is_nan());
            if !g.mse.0.is_nan() || recon_nan {
                tally.check(format_args!("{at} mse"), mse, g.mse.0);
            } else if !mse.is_finite() {
                tally.fail(format!("{at}: mse {mse}, expected finite"));
            }
            if let (Some(server), "default") = (&row.server, key) {
                tally.check(format_args!("{at} server mse"), mse, server.mse.0);
                if let Some(se) = &se {
                    tally.check_all(
                        format_args!("{at} per-feature (server)"),
                        se,
                        &doubles(&server.per_feature_se),
                    );
                }
            }
        }
    }
}

/// Rows whose values JSON can carry as RowData holds them (strings, finite Doubles, nulls),
/// leaving out genmodel's NullPointerException rows (ae4j reads null as missing on purpose).
fn json_rows(case: &Case, key: &str) -> Vec<usize> {
    case.rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.inputs().iter().all(|(_, v)| match v {
                Input::Text(_) | Input::Null => true,
                Input::Double(d) => d.is_finite(),
                _ => false,
            }) && !matches!(&r.genmodel[key], Outcome::Error { error } if r.is_deliberate_fix(error))
        })
        .map(|(i, _)| i)
        .collect()
}

fn options_json(key: &str) -> (bool, bool) {
    let o = ae4j_fixtures::options(key);
    (o.unknown_categorical_to_na, o.invalid_number_to_na)
}

fn native(addr: SocketAddr, case: &Case, tally: &mut Tally) {
    for key in OPTION_KEYS {
        let picked = json_rows(case, key);
        assert!(
            picked.len() >= 30,
            "{}: {} JSON rows",
            case.name,
            picked.len()
        );
        let (unknown, invalid) = options_json(key);
        let body = json!({
            "rows": picked.iter().map(|&i| Value::Object(case.rows[i].input.clone())).collect::<Vec<_>>(),
            "per_feature": true,
            "reconstruction": true,
            "convert_unknown_categoricals_to_na": unknown,
            "convert_invalid_numbers_to_na": invalid,
        });
        let reply = post_json(addr, &format!("/v1/models/{}/score", case.name), &body);
        assert_eq!(reply.status, 200, "{}", reply.text());
        let answer = reply.json();
        assert_eq!(answer["model"], case.name.as_str());
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), picked.len(), "one result per row, in order");
        let se_names: Vec<String> = case
            .slot_names
            .iter()
            .map(|s| format!("reconstr_{s}.SE"))
            .collect();
        let recon_names: Vec<String> = case
            .slot_names
            .iter()
            .map(|s| format!("reconstr_{s}"))
            .collect();
        for (&i, r) in picked.iter().zip(results) {
            let row = &case.rows[i];
            let at = format!("{} row {} [{key}] native", case.name, row.id);
            let got = if let Some(e) = r.get("error") {
                Err((
                    e["type"].as_str().unwrap().to_string(),
                    e["message"].as_str().unwrap().to_string(),
                ))
            } else {
                let pick = |obj: &Value, names: &[String]| -> Vec<f64> {
                    let m = obj.as_object().unwrap();
                    assert_eq!(m.len(), names.len());
                    names.iter().map(|n| json_f64(&m[n])).collect()
                };
                Ok((
                    json_f64(&r["mse"]),
                    Some(pick(&r["per_feature"], &se_names)),
                    Some(pick(&r["reconstruction"], &recon_names)),
                ))
            };
            check(tally, &at, row, key, got);
        }
    }
}

fn parse_csv_number(field: &str) -> f64 {
    match field {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        s => s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")),
    }
}

/// Native CSV in and out, and MLflow's CSV in with `Accept: text/csv`.
fn csv(addr: SocketAddr, case: &Case, tally: &mut Tally) {
    let categorical = |col: &str| {
        case.columns
            .iter()
            .position(|c| c == col)
            .is_some_and(|i| case.domains[i].is_some())
    };
    let picked: Vec<&Row> = case
        .rows
        .iter()
        .filter(|r| {
            r.inputs().iter().all(|(col, v)| match v {
                Input::Text(s) => !CSV_MISSING_TOKENS.contains(&s.as_str()),
                Input::Double(v) => v.is_finite() && !categorical(col),
                _ => false,
            })
        })
        .collect();
    let mut header: Vec<String> = Vec::new();
    for row in &picked {
        for k in row.input.keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for row in &picked {
        let inputs = row.inputs();
        let record: Vec<String> = header
            .iter()
            .map(
                |h| match inputs.iter().find(|(k, _)| k == h).map(|(_, v)| v) {
                    Some(Input::Text(s)) => s.clone(),
                    Some(Input::Double(v)) => format!("{v:?}"),
                    _ => String::new(),
                },
            )
            .collect();
        w.write_record(&record).unwrap();
    }
    let body = w.into_inner().unwrap();
    let n = case.slot_names.len();
    for key in OPTION_KEYS {
        let (unknown, invalid) = options_json(key);
        let query = format!(
            "per_feature=true&reconstruction=true&convert_unknown_categoricals_to_na={unknown}&convert_invalid_numbers_to_na={invalid}"
        );
        for (route, path) in [
            (
                "native csv",
                format!("/v1/score?model={}&{query}", case.name),
            ),
            ("mlflow csv", format!("/invocations?model={}", case.name)),
        ] {
            if route == "mlflow csv" && key != "default" {
                continue; // MLflow's CSV carries no params: the default reading only
            }
            let reply = common::request_with(
                addr,
                "POST",
                &path,
                &[("Content-Type", "text/csv"), ("Accept", "text/csv")],
                &body,
            );
            assert_eq!(reply.status, 200, "{}", reply.text());
            assert!(reply
                .header("content-type")
                .unwrap()
                .starts_with("text/csv"));
            let mut reader = csv::Reader::from_reader(&reply.body[..]);
            let h = reader.headers().unwrap().clone();
            let with_slots = route == "native csv";
            let width = if with_slots { 2 + 2 * n } else { 2 };
            assert_eq!(h.len(), width, "{route} header");
            assert_eq!(&h[0], "Reconstruction.MSE");
            assert_eq!(&h[width - 1], "error");
            if with_slots {
                assert_eq!(h[1], format!("reconstr_{}.SE", case.slot_names[0]));
                assert_eq!(h[1 + n], format!("reconstr_{}", case.slot_names[0]));
            }
            let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert_eq!(records.len(), picked.len());
            for (row, rec) in picked.iter().zip(&records) {
                let at = format!("{} row {} [{key}] {route}", case.name, row.id);
                let err = &rec[width - 1];
                let got = if !err.is_empty() {
                    let (kind, message) = err.split_once(": ").unwrap();
                    assert!(rec[0].is_empty(), "{at}: a failed row has no score");
                    Err((kind.to_string(), message.to_string()))
                } else {
                    let values: Vec<f64> =
                        rec.iter().take(width - 1).map(parse_csv_number).collect();
                    if with_slots {
                        Ok((
                            values[0],
                            Some(values[1..1 + n].to_vec()),
                            Some(values[1 + n..].to_vec()),
                        ))
                    } else {
                        Ok((values[0], None, None))
                    }
                };
                check(tally, &at, row, key, got);
            }
        }
    }
}

/// Open Inference Protocol v2 with one tensor per column: the rows genmodel scores go in one
/// request, each failing row alone (a tensor request fails as a whole).
fn v2_columns(addr: SocketAddr, case: &Case, tally: &mut Tally) {
    let path = format!("/v2/models/{}/infer", case.name);
    for key in OPTION_KEYS {
        let picked = json_rows(case, key);
        let (unknown, invalid) = options_json(key);
        let params = json!({
            "per_feature": true,
            "reconstruction": true,
            "convert_unknown_categoricals_to_na": unknown,
            "convert_invalid_numbers_to_na": invalid,
        });
        let (good, bad): (Vec<usize>, Vec<usize>) = picked
            .iter()
            .partition(|&&i| matches!(case.rows[i].genmodel[key], Outcome::Scored(_)));
        let tensors = |rows: &[usize]| -> Vec<Value> {
            // Column order: first appearance in the rows' keys (the RowData insertion order).
            let mut names: Vec<&String> = Vec::new();
            for &i in rows {
                for k in case.rows[i].input.keys() {
                    if case.columns.contains(k) && !names.contains(&k) {
                        names.push(k);
                    }
                }
            }
            names
                .iter()
                .map(|name| {
                    let values: Vec<&Value> = rows
                        .iter()
                        .map(|&i| case.rows[i].input.get(*name).unwrap_or(&Value::Null))
                        .collect();
                    let numeric = values.iter().all(|v| v.is_number() || v.is_null());
                    let cat = case.domains[case.columns.iter().position(|c| c == *name).unwrap()]
                        .is_some();
                    let data: Vec<Value> = values
                        .iter()
                        .map(|v| match v {
                            Value::Number(n) if !numeric || cat => {
                                json!(format!("{:?}", n.as_f64().unwrap()))
                            }
                            other => (*other).clone(),
                        })
                        .collect();
                    json!({
                        "name": name,
                        "shape": [rows.len()],
                        "datatype": if numeric && !cat { "FP64" } else { "BYTES" },
                        "data": data,
                    })
                })
                .collect()
        };
        // A Double in a categorical column is sent as its text here, which genmodel reads as
        // a level name, not as an unknown type: leave such rows to the JSON routes.
        let double_in_cat = |i: usize| {
            case.rows[i].input.iter().any(|(k, v)| {
                v.is_number()
                    && case
                        .columns
                        .iter()
                        .position(|c| c == k)
                        .is_some_and(|f| case.domains[f].is_some())
            })
        };
        let good: Vec<usize> = good.into_iter().filter(|&i| !double_in_cat(i)).collect();
        let bad: Vec<usize> = bad.into_iter().filter(|&i| !double_in_cat(i)).collect();
        let reply = post_json(
            addr,
            &path,
            &json!({"id": "batch", "parameters": params, "inputs": tensors(&good)}),
        );
        assert_eq!(reply.status, 200, "{} [{key}]: {}", case.name, reply.text());
        let answer = reply.json();
        assert_eq!(answer["model_name"], case.name.as_str());
        assert_eq!(answer["id"], "batch");
        let outputs = answer["outputs"].as_array().unwrap();
        let out = |name: &str| -> (Vec<u64>, Vec<f64>) {
            let t = outputs
                .iter()
                .find(|t| t["name"] == name)
                .unwrap_or_else(|| panic!("no output {name}"));
            assert_eq!(t["datatype"], "FP64");
            (
                t["shape"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_u64().unwrap())
                    .collect(),
                t["data"].as_array().unwrap().iter().map(json_f64).collect(),
            )
        };
        let n = case.slot_names.len();
        let (mse_shape, mse) = out("reconstruction_mse");
        let (se_shape, se) = out("per_feature_se");
        let (recon_shape, recon) = out("reconstruction");
        assert_eq!(mse_shape, vec![good.len() as u64]);
        assert_eq!(se_shape, vec![good.len() as u64, n as u64]);
        assert_eq!(recon_shape, se_shape);
        for (j, &i) in good.iter().enumerate() {
            let row = &case.rows[i];
            let at = format!("{} row {} [{key}] v2", case.name, row.id);
            let got = Ok((
                mse[j],
                Some(se[j * n..(j + 1) * n].to_vec()),
                Some(recon[j * n..(j + 1) * n].to_vec()),
            ));
            check(tally, &at, row, key, got);
        }
        for &i in &bad {
            let row = &case.rows[i];
            let at = format!("{} row {} [{key}] v2", case.name, row.id);
            let reply = post_json(
                addr,
                &path,
                &json!({"parameters": params, "inputs": tensors(&[i])}),
            );
            if reply.status != 400 {
                tally.fail(format!("{at}: status {}, expected 400", reply.status));
                continue;
            }
            let message = reply.json()["error"].as_str().unwrap().to_string();
            let rest = message.strip_prefix("row 0: ").unwrap_or(&message);
            let (kind, msg) = rest.split_once(": ").unwrap();
            check(
                tally,
                &at,
                row,
                key,
                Err((kind.to_string(), msg.to_string())),
            );
        }
    }
}

/// The `[n, columns]` matrix form (categoricals as level indices), default options.
fn v2_matrix(addr: SocketAddr, case: &Case, tally: &mut Tally) {
    let key = "default";
    let mut picked = Vec::new();
    let mut data = Vec::new();
    'rows: for row in &case.rows {
        if !matches!(row.genmodel[key], Outcome::Scored(_)) {
            continue;
        }
        let mut values = Vec::new();
        for (f, col) in case.columns.iter().enumerate() {
            let v = match (row.input.get(col), &case.domains[f]) {
                (None | Some(Value::Null), _) => Value::Null,
                (Some(Value::Number(n)), None) => json!(n.as_f64().unwrap()),
                (Some(Value::String(s)), Some(levels)) => {
                    match levels.iter().position(|l| l == s) {
                        Some(i) => json!(i),
                        None => continue 'rows,
                    }
                }
                _ => continue 'rows,
            };
            values.push(v);
        }
        data.push(Value::Array(values));
        picked.push(row);
    }
    assert!(
        picked.len() >= 30,
        "{}: {} matrix rows",
        case.name,
        picked.len()
    );
    let body = json!({
        "inputs": [{"name": "input", "shape": [picked.len(), case.columns.len()], "datatype": "FP64", "data": data}],
        "outputs": [{"name": "reconstruction_mse"}, {"name": "reconstruction"}],
    });
    let reply = post_json(addr, &format!("/v2/models/{}/infer", case.name), &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answer = reply.json();
    let outputs = answer["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 2, "exactly the outputs asked for");
    let mse: Vec<f64> = outputs[0]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(json_f64)
        .collect();
    let recon: Vec<f64> = outputs[1]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(json_f64)
        .collect();
    let n = case.slot_names.len();
    for (j, row) in picked.iter().enumerate() {
        let at = format!("{} row {} [{key}] v2 matrix", case.name, row.id);
        check(
            tally,
            &at,
            row,
            key,
            Ok((mse[j], None, Some(recon[j * n..(j + 1) * n].to_vec()))),
        );
    }
}

/// MLflow `/invocations`: the scored rows as a `dataframe_split` (and as `dataframe_records`
/// with per-feature output), each failing row alone as `dataframe_records`.
fn mlflow(addr: SocketAddr, case: &Case, tally: &mut Tally) {
    let path = format!("/invocations?model={}", case.name);
    for key in OPTION_KEYS {
        let picked = json_rows(case, key);
        let (unknown, invalid) = options_json(key);
        let (good, bad): (Vec<usize>, Vec<usize>) = picked
            .iter()
            .partition(|&&i| matches!(case.rows[i].genmodel[key], Outcome::Scored(_)));
        let mut columns: Vec<String> = Vec::new();
        for &i in &good {
            for k in case.rows[i].input.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
        let data: Vec<Value> = good
            .iter()
            .map(|&i| {
                Value::Array(
                    columns
                        .iter()
                        .map(|c| case.rows[i].input.get(c).cloned().unwrap_or(Value::Null))
                        .collect(),
                )
            })
            .collect();
        let params = json!({"convert_unknown_categoricals_to_na": unknown, "convert_invalid_numbers_to_na": invalid});
        let reply = post_json(
            addr,
            &path,
            &json!({"dataframe_split": {"columns": columns, "data": data}, "params": params}),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        let predictions = reply.json()["predictions"].as_array().unwrap().clone();
        assert_eq!(predictions.len(), good.len());
        for (p, &i) in predictions.iter().zip(&good) {
            let row = &case.rows[i];
            check(
                tally,
                &format!("{} row {} [{key}] mlflow split", case.name, row.id),
                row,
                key,
                Ok((json_f64(p), None, None)),
            );
        }
        let records: Vec<Value> = good
            .iter()
            .map(|&i| Value::Object(case.rows[i].input.clone()))
            .collect();
        let mut params_pf = params.clone();
        params_pf["per_feature"] = json!(true);
        let reply = post_json(
            addr,
            &path,
            &json!({"dataframe_records": records, "params": params_pf}),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        let predictions = reply.json()["predictions"].as_array().unwrap().clone();
        for (p, &i) in predictions.iter().zip(&good) {
            let row = &case.rows[i];
            let m: &Map<String, Value> = p.as_object().unwrap();
            let se: Vec<f64> = case
                .slot_names
                .iter()
                .map(|s| json_f64(&m[&format!("reconstr_{s}.SE")]))
                .collect();
            check(
                tally,
                &format!("{} row {} [{key}] mlflow records", case.name, row.id),
                row,
                key,
                Ok((json_f64(&m["Reconstruction.MSE"]), Some(se), None)),
            );
        }
        for &i in &bad {
            let row = &case.rows[i];
            let at = format!("{} row {} [{key}] mlflow", case.name, row.id);
            let reply = post_json(
                addr,
                &path,
                &json!({"dataframe_records": [row.input], "params": params}),
            );
            if reply.status != 400 {
                tally.fail(format!("{at}: status {}, expected 400", reply.status));
                continue;
            }
            let answer = reply.json();
            assert_eq!(answer["error_code"], "BAD_REQUEST");
            let message = answer["message"].as_str().unwrap();
            let (kind, msg) = message
                .strip_prefix("row 0: ")
                .unwrap()
                .split_once(": ")
                .unwrap();
            check(
                tally,
                &at,
                row,
                key,
                Err((kind.to_string(), msg.to_string())),
            );
        }
    }
}

#[test]
fn every_fixture_model_on_every_protocol() {
    let server = common::start_fixtures();
    let addr = server.addr();
    let mut total = 0;
    for case in load_cases() {
        for (name, f) in [
            ("native", native as fn(SocketAddr, &Case, &mut Tally)),
            ("csv", csv),
            ("v2", v2_columns),
            ("v2 matrix", v2_matrix),
            ("mlflow", mlflow),
        ] {
            let mut tally = Tally::default();
            f(addr, &case, &mut tally);
            eprintln!("{} {name}: {}", case.name, tally.summary());
            tally.assert_ok(&format!("{} {name}", case.name));
            total += tally.compared;
        }
    }
    assert!(total > 50_000, "{total} values compared");
    // Scoring requests are counted per model and protocol.
    let metrics = common::get(addr, "/metrics").text();
    assert!(
        metrics.contains("ae4j_requests_total{model=\"synth_tanh\",protocol=\"v2\",code=\"200\"}"),
        "{metrics}"
    );
    let _ = request; // (used by other suites)
    server.shutdown().unwrap();
}
