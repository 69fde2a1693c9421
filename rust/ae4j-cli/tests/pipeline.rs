//! `ae4j pipeline check|show|attach`, and `predict`/`calibrate`/`inspect` on a model with a
//! pipeline: raw rows through the spec score exactly as the transformed rows score without it.
//!
//! The raw rows are made here from examples/transactions.csv (synth_tanh's columns) under
//! other names and units; the transformed rows are computed here with the spec's arithmetic in
//! Rust's f64 (IEEE, as numpy's), so the CLI's pipeline is checked against an independent copy.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ae4j_core::pipeline::Spec;

fn ae4j(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn failed(o: Output) -> String {
    assert!(
        !o.status.success(),
        "succeeded: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stderr).unwrap()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ae4j-cli-pipeline-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn spec() -> PathBuf {
    root().join("tests/fixtures/pipeline-examples/synth_tanh.pipeline.json")
}

fn model() -> PathBuf {
    root().join("tests/fixtures/models/synth_tanh.zip")
}

fn num(text: &str) -> Option<f64> {
    (!text.is_empty()).then(|| text.parse().unwrap())
}

/// A CSV number as genmodel reads it (Java's spelling of an infinity).
fn field(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(v) if v == f64::NEG_INFINITY => "-Infinity".into(),
        Some(v) => format!("{v:?}"),
    }
}

/// The raw rows (the spec's inputs) and the transformed rows (the model's columns), as CSV.
fn raw_and_transformed() -> (String, String) {
    let mut reader = csv::Reader::from_path(root().join("examples/transactions.csv")).unwrap();
    let mut raw = String::from(
        "id,chan,age_months,country,income_k,device,score,visits_log,ratio_pct,seen\n",
    );
    let mut transformed = String::from("id,channel,age,country,income,device,score,visits,ratio\n");
    for r in reader.records() {
        let r = r.unwrap();
        let (id, country, device, channel) = (&r[0], &r[1], &r[2], &r[3]);
        let (age, income, score, visits, ratio) =
            (num(&r[4]), num(&r[5]), num(&r[6]), num(&r[7]), num(&r[8]));
        let raw_device = match device {
            "device.mobile" => "mob",
            "device.desktop" => "desk",
            other => other,
        };
        let age_months = age.map(|a| a * 12.0);
        let income_k = income.map(|i| i / 1000.0);
        let visits_log = visits.map(f64::ln);
        let ratio_pct = ratio.map(|r| r * 100.0);
        let chan = if channel.is_empty() {
            String::new()
        } else {
            format!(" {} ", channel.to_uppercase())
        };
        raw += &format!(
            "{id},{chan},{},\"{country}\",{},{raw_device},{},{},{},2024-03-10T12:30:00Z\n",
            field(age_months),
            field(income_k),
            field(score),
            field(visits_log),
            field(ratio_pct)
        );
        let device = match raw_device {
            "mob" => "mobile",
            "desk" => "desktop",
            other => other,
        };
        transformed += &format!(
            "{id},{channel},{},\"{country}\",{},{device},{},{},{}\n",
            field(age_months.map(|a| a / 12.0)),
            field(income_k.map(|i| i * 1000.0)),
            field(Some(score.unwrap_or(0.5).clamp(0.0, 1.0))),
            field(visits_log.map(|v| v.exp().round_ties_even())),
            field(ratio_pct.map(|r| r / 100.0)),
        );
    }
    (raw, transformed)
}

fn predict(model: &Path, input: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "predict",
        "-m",
        s(model),
        "-i",
        s(input),
        "-o",
        "-",
        "--keep",
        "id",
        "-q",
    ];
    args.extend_from_slice(extra);
    ok(ae4j(&args))
}

#[test]
fn raw_rows_through_an_attached_pipeline_score_like_the_transformed_rows() {
    let d = dir("predict");
    let (raw, transformed) = raw_and_transformed();
    let (raw_csv, transformed_csv) = (d.join("raw.csv"), d.join("transformed.csv"));
    std::fs::write(&raw_csv, raw).unwrap();
    std::fs::write(&transformed_csv, transformed).unwrap();
    let with = d.join("with.zip");
    ok(ae4j(&[
        "pipeline",
        "attach",
        s(&model()),
        s(&spec()),
        "-o",
        s(&with),
    ]));
    let want = predict(&model(), &transformed_csv, &["--per-feature"]);
    assert_eq!(predict(&with, &raw_csv, &["--per-feature"]), want);
    assert_eq!(want.lines().count(), 44);
    // The transformed rows with the pipeline model, its pipeline turned off.
    assert_eq!(
        predict(&with, &transformed_csv, &["--per-feature", "--no-pipeline"]),
        want
    );
    // POJO: the spec as a sidecar.
    let pojo = d.join("synth_tanh.java");
    let source = root().join("tests/fixtures/models/synth_tanh.java");
    ok(ae4j(&[
        "pipeline",
        "attach",
        s(&source),
        s(&spec()),
        "-o",
        s(&pojo),
    ]));
    assert!(d.join("synth_tanh.java.ae4j-pipeline.json").exists());
    assert_eq!(predict(&pojo, &raw_csv, &["--per-feature"]), want);
}

#[test]
fn show_prints_the_spec_or_the_transformed_rows() {
    let d = dir("show");
    let with = d.join("with.zip");
    ok(ae4j(&[
        "pipeline",
        "attach",
        s(&model()),
        s(&spec()),
        "-o",
        s(&with),
    ]));
    let printed: Spec = serde_json::from_str(&ok(ae4j(&["pipeline", "show", s(&with)]))).unwrap();
    let written: Spec = serde_json::from_slice(&std::fs::read(spec()).unwrap()).unwrap();
    assert_eq!(
        (&printed.inputs, &printed.steps),
        (&written.inputs, &written.steps)
    );
    assert_eq!(printed.model_fingerprint.map(|f| f.len()), Some(32));

    let raw = d.join("raw.csv");
    std::fs::write(
        &raw,
        "chan,age_months,device,score,visits_log,seen\n web ,6,mob,7,,2024-03-10T23:59:00+02:00\n",
    )
    .unwrap();
    let rows = ok(ae4j(&["pipeline", "show", s(&spec()), "--row", s(&raw)]));
    assert_eq!(
        rows,
        "country,device,score,channel,age,income,visits,ratio,seen_hour\n,mobile,1.0,web,0.5,,,,21.0\n"
    );
}

#[test]
fn check_names_the_step_the_column_and_the_character() {
    let d = dir("check");
    let bad = d.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"ae4j_pipeline": 1, "inputs": [{"name": "amount", "type": "number"}],
            "steps": [{"op": "derive", "name": "x", "expr": "log1p(amount) + lg(2)"}]}"#,
    )
    .unwrap();
    let e = failed(ae4j(&["pipeline", "check", s(&bad)]));
    assert!(
        e.contains("step 1 (derive x): column 'x': character 17: unknown function 'lg'"),
        "{e}"
    );
    let e = failed(ae4j(&[
        "pipeline",
        "check",
        s(&spec()),
        "--model",
        s(&root().join("tests/fixtures/models/iris_rectdropout_nostd.zip")),
    ]));
    assert!(
        e.contains("the pipeline does not produce the model's column"),
        "{e}"
    );
    let good = ok(ae4j(&[
        "pipeline",
        "check",
        s(&spec()),
        "--model",
        s(&model()),
    ]));
    assert!(
        good.contains("ok: 9 inputs, 10 steps") && good.contains("fits the model"),
        "{good}"
    );
}

#[test]
fn calibrate_on_raw_rows_keeps_the_pipeline() {
    let d = dir("calibrate");
    let (raw, transformed) = raw_and_transformed();
    let (raw_csv, transformed_csv) = (d.join("raw.csv"), d.join("transformed.csv"));
    std::fs::write(&raw_csv, raw).unwrap();
    std::fs::write(&transformed_csv, transformed).unwrap();
    let with = d.join("with.zip");
    ok(ae4j(&[
        "pipeline",
        "attach",
        s(&model()),
        s(&spec()),
        "-o",
        s(&with),
    ]));
    let calibrate = |m: &Path, input: &Path, out: &Path| {
        ok(ae4j(&[
            "calibrate",
            "-m",
            s(m),
            "-i",
            s(input),
            "--quantile",
            "0.9",
            "-o",
            s(out),
            "-q",
        ]));
        let info: serde_json::Value =
            serde_json::from_str(&ok(ae4j(&["inspect", "-m", s(out), "--json"]))).unwrap();
        info
    };
    let piped = calibrate(&with, &raw_csv, &d.join("piped.zip"));
    let plain = calibrate(&model(), &transformed_csv, &d.join("plain.zip"));
    assert_eq!(
        piped["calibration"]["threshold"],
        plain["calibration"]["threshold"]
    );
    assert_eq!(piped["calibration"]["rows"], 43);
    assert_eq!(piped["pipeline"]["steps"], 10);
    assert_eq!(piped["pipeline"]["inputs"][8]["type"], "timestamp");
    assert!(plain["pipeline"].is_null());
    // Attaching to the calibrated model keeps its calibration.
    let both = d.join("both.zip");
    ok(ae4j(&[
        "pipeline",
        "attach",
        s(&d.join("plain.zip")),
        s(&spec()),
        "-o",
        s(&both),
    ]));
    let text = ok(ae4j(&["inspect", "-m", s(&both)]));
    assert!(
        text.contains("calibration:  threshold")
            && text.contains("pipeline:     10 steps from 9 raw inputs"),
        "{text}"
    );
}

#[test]
fn a_pipeline_row_error_names_the_line_input_and_step() {
    let d = dir("errors");
    let with = d.join("with.zip");
    ok(ae4j(&[
        "pipeline",
        "attach",
        s(&model()),
        s(&spec()),
        "-o",
        s(&with),
    ]));
    let raw = d.join("raw.csv");
    std::fs::write(
        &raw,
        "chan,visits_log,seen\nweb,1,2024-01-01\nweb,800,2024-01-01\n",
    )
    .unwrap();
    let e = failed(ae4j(&[
        "predict",
        "-m",
        s(&with),
        "-i",
        s(&raw),
        "-o",
        "-",
        "-q",
    ]));
    assert!(
        e.contains("line 3: column 'visits_log': PipelineException: step 7 (derive visits): exp of 800 overflows"),
        "{e}"
    );
}

/// The fixture of tests/fixtures/pipeline: `attach` + `predict` on the raw CSVs give genmodel's
/// scores of the pandas + scikit-learn transformed rows (1e-9 relative), and the error rows
/// are recorded with the fixture's column.
#[test]
fn the_fixture_raw_csvs_score_as_genmodel_scores_the_transformed_rows() {
    let d = dir("fixture");
    let fixture = root().join("tests/fixtures/pipeline");
    let cases: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.join("cases.json")).unwrap()).unwrap();
    let rows = cases["rows"].as_array().unwrap();
    for (model, out) in [
        ("pipeline_tanh.zip", "with.zip"),
        ("pipeline_tanh.java", "with.java"),
    ] {
        let with = d.join(out);
        let spec = fixture.join("pipeline.json");
        ok(ae4j(&[
            "pipeline",
            "attach",
            s(&fixture.join(model)),
            s(&spec),
            "-o",
            s(&with),
        ]));
        let mut scored = Vec::new();
        for csv_name in ["raw.csv", "raw_edge.csv"] {
            let input = fixture.join(csv_name);
            let text = ok(ae4j(&[
                "predict",
                "-m",
                s(&with),
                "-i",
                s(&input),
                "-o",
                "-",
                "-q",
                "--on-error",
                "record",
            ]));
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            scored.extend(reader.records().map(|r| {
                let r = r.unwrap();
                (r[0].to_string(), r[1].to_string())
            }));
        }
        assert_eq!(scored.len(), rows.len());
        for (row, (mse, error)) in rows.iter().zip(&scored) {
            let id = &row["id"];
            match row["expected_error"].as_object() {
                None => {
                    let want = row["genmodel"]["default"]["mse"].as_f64().unwrap();
                    let got: f64 = mse.parse().unwrap_or_else(|_| panic!("row {id}: {error}"));
                    assert!(
                        (got - want).abs() <= 1e-9 * want.abs(),
                        "row {id}: {got} vs {want}"
                    );
                }
                Some(e) => {
                    let column = e["column"].as_str().unwrap();
                    let prefix = format!("column '{column}': PipelineException: ");
                    assert!(
                        mse.is_empty() && error.starts_with(&prefix),
                        "row {id}: {error}"
                    );
                }
            }
        }
    }
}
