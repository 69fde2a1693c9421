//! `ae4j calibrate` and the decisions `predict` then adds: from a normal-data CSV to anomaly
//! flags, percentiles and explanations, on MOJOs and POJOs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ae4j-cli-calibrate-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn calibrate_then_flag_anomalies() {
    let d = dir();
    let model = root().join("tests/fixtures/models/synth_tanh.zip");
    let data = root().join("examples/transactions.csv");
    let calibrated = d.join("calibrated.zip");
    let o = ae4j(&[
        "calibrate",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--quantile",
        "0.9",
        "--output",
        s(&calibrated),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("calibrated on 43 rows"));

    let info: serde_json::Value =
        serde_json::from_str(&ok(ae4j(&["inspect", "--json", "--model", s(&calibrated)]))).unwrap();
    let threshold = info["calibration"]["threshold"].as_f64().unwrap();
    assert_eq!(info["calibration"]["quantile"], 0.9);
    assert_eq!(info["calibration"]["rows"], 43);

    let out = ok(ae4j(&[
        "predict",
        "--quiet",
        "--model",
        s(&calibrated),
        "--input",
        s(&data),
        "--output",
        "-",
        "--keep",
        "id",
        "--explain",
        "2",
    ]));
    let header = out.lines().next().unwrap();
    assert_eq!(header, "id,Reconstruction.MSE,anomaly,percentile,top_1_column,top_1_share,top_2_column,top_2_share");
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 43);
    let flagged = rows.iter().filter(|r| &r[2] == "true").count();
    assert!(
        (4..=5).contains(&flagged),
        "the 0.9 quantile flags ~10% of its own rows: {flagged}"
    );
    for r in &rows {
        let mse: f64 = r[1].parse().unwrap();
        assert_eq!(&r[2] == "true", mse > threshold, "{r:?}");
        let p: f64 = r[3].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        let shares: f64 = r[5].parse::<f64>().unwrap() + r[7].parse::<f64>().unwrap();
        assert!(shares <= 1.0 + 1e-12 && !r[4].is_empty());
    }
    // t043 (income 1e6) is the most anomalous: top column income, percentile 1.
    let t043 = rows.iter().find(|r| &r[0] == "t043").unwrap();
    assert_eq!((&t043[2], &t043[3], &t043[4]), ("true", "1.0", "income"));

    // A run-time threshold overrides the calibrated one.
    let out = ok(ae4j(&[
        "predict",
        "--quiet",
        "--model",
        s(&calibrated),
        "--input",
        s(&data),
        "--output",
        "-",
        "--threshold",
        "1e9",
    ]));
    assert!(csv_rows(&out).iter().all(|r| &r[1] == "false"));
}

#[test]
fn uncalibrated_models_decide_only_with_a_threshold() {
    let model = root().join("tests/fixtures/models/synth_tanh.zip");
    let data = root().join("examples/transactions.csv");
    let out = ok(ae4j(&[
        "predict",
        "--quiet",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--output",
        "-",
    ]));
    assert_eq!(out.lines().next().unwrap(), "Reconstruction.MSE");
    let out = ok(ae4j(&[
        "predict",
        "--quiet",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--output",
        "-",
        "--threshold",
        "1.0",
    ]));
    assert_eq!(
        out.lines().next().unwrap(),
        "Reconstruction.MSE,anomaly,percentile"
    );
    let rows = csv_rows(&out);
    assert!(
        rows.iter().all(|r| r[2].is_empty()),
        "no percentile without a calibration"
    );
    assert_eq!(rows.iter().filter(|r| &r[1] == "true").count(), 2);
}

#[test]
fn pojo_calibration_is_a_sidecar_and_bad_rows_are_counted() {
    let d = dir();
    let pojo = root().join("tests/fixtures/models/synth_tanh.java");
    let data = d.join("normal-with-bad-rows.csv");
    let mut text = std::fs::read_to_string(root().join("examples/transactions.csv")).unwrap();
    text.push_str("t900,Mars,tv,web,1,1,1,1,1\nt901,US,tv,web,abc,1,1,1,1\n");
    std::fs::write(&data, text).unwrap();
    let out = d.join("model.java");
    let o = ae4j(&[
        "calibrate",
        "--model",
        s(&pojo),
        "--input",
        s(&data),
        "--quantile",
        "0.99",
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = String::from_utf8_lossy(&o.stderr);
    assert!(
        report.contains("2 rows left out") && report.contains("line 45") && report.contains("Mars"),
        "{report}"
    );
    assert!(d.join("model.java.ae4j-calibration.json").exists());
    let info: serde_json::Value =
        serde_json::from_str(&ok(ae4j(&["inspect", "--json", "--model", s(&out)]))).unwrap();
    assert_eq!(info["calibration"]["rows_left_out"], 2);

    // The sidecar beside another model is refused.
    let other = d.join("other.java");
    std::fs::copy(
        root().join("tests/fixtures/models/wine_exprectifier.java"),
        &other,
    )
    .unwrap();
    std::fs::copy(
        d.join("model.java.ae4j-calibration.json"),
        d.join("other.java.ae4j-calibration.json"),
    )
    .unwrap();
    let o = ae4j(&["inspect", "--model", s(&other)]);
    assert!(
        !o.status.success()
            && String::from_utf8_lossy(&o.stderr).contains("belongs to another model")
    );
}

#[test]
fn calibrate_needs_one_rule() {
    let model = root().join("tests/fixtures/models/synth_tanh.zip");
    let data = root().join("examples/transactions.csv");
    let o = ae4j(&[
        "calibrate",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--output",
        "/tmp/x.zip",
    ]);
    assert!(!o.status.success());
    let o = ae4j(&[
        "calibrate",
        "--model",
        s(&model),
        "--input",
        s(&data),
        "--quantile",
        "1.5",
        "--output",
        "/tmp/x.zip",
    ]);
    assert!(
        !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("quantile"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
