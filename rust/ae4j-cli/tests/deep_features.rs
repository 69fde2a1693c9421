//! `ae4j predict --deep-features L` against the H2O server's `model.deepfeatures(frame, L)`
//! (tests/fixtures/deepfeatures), for every fixture model and every hidden layer; the columns'
//! names and order; clear errors for layers a model does not have.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ae4j_core::convert::CSV_MISSING_TOKENS;
use ae4j_fixtures::{doubles, load_cases_with_deep_features, Case, Input, Row, Tally};

fn ae4j(args: &[&str], model: &Path, input: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args(["predict", "--quiet", "--output", "-", "--model"])
        .arg(model)
        .arg("--input")
        .arg(input)
        .args(args)
        .output()
        .unwrap()
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ae4j-cli-deep-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Rows a CSV holds exactly as the server's frame did: level strings and finite numbers.
fn csv_expressible(case: &Case, row: &Row) -> bool {
    let categorical = |col: &str| {
        case.columns
            .iter()
            .position(|c| c == col)
            .is_some_and(|i| case.domains[i].is_some())
    };
    row.inputs().iter().all(|(col, v)| match v {
        Input::Text(s) => !CSV_MISSING_TOKENS.contains(&s.as_str()) && !s.contains('\n'),
        Input::Double(v) => v.is_finite() && !categorical(col),
        _ => false,
    })
}

/// Writes the rows with the model's columns (absent cells empty, i.e. missing).
fn write_csv(case: &Case, rows: &[&Row], path: &Path) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(&case.columns).unwrap();
    for row in rows {
        let inputs = row.inputs();
        let cells = case.columns.iter().map(|c| {
            match inputs.iter().find(|(k, _)| k == c).map(|(_, v)| v) {
                Some(Input::Text(s)) => s.clone(),
                Some(Input::Double(v)) => format!("{v:?}"),
                _ => String::new(),
            }
        });
        w.write_record(cells).unwrap();
    }
    w.flush().unwrap();
}

fn parse(field: &str) -> f64 {
    match field {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        s => s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")),
    }
}

#[test]
fn deep_feature_columns_equal_h2o_for_every_model_and_layer() {
    let dir = dir();
    let mut total = Tally::default();
    for (case, deep) in load_cases_with_deep_features() {
        let pairs: Vec<(&Row, Vec<Vec<f64>>)> = case
            .rows
            .iter()
            .zip(&deep.rows)
            .filter(|(row, _)| csv_expressible(&case, row))
            .filter_map(|(row, d)| {
                let layers = d.deep_features.as_ref()?;
                Some((row, layers.iter().map(|l| doubles(l)).collect()))
            })
            .collect();
        assert!(pairs.len() >= 30, "{}: {} CSV rows", case.name, pairs.len());
        let input = dir.join(format!("{}.csv", case.name));
        write_csv(
            &case,
            &pairs.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
            &input,
        );
        // Every layer, the last first: the columns follow the flags' order.
        let order: Vec<usize> = (0..deep.hidden_layers.len()).rev().collect();
        let mut args = vec![
            "--convert-unknown-categoricals-to-na",
            "--convert-invalid-numbers-to-na",
        ];
        let numbers: Vec<String> = order.iter().map(|l| l.to_string()).collect();
        for n in &numbers {
            args.extend(["--deep-features", n.as_str()]);
        }
        let run = ae4j(&args, &case.mojo_path(), &input);
        assert!(
            run.status.success(),
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&run.stderr)
        );
        let mut reader = csv::Reader::from_reader(&run.stdout[..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let mut want_header = vec!["Reconstruction.MSE".to_string()];
        for &l in &order {
            want_header.extend(deep.hidden_layers[l].columns.iter().cloned());
        }
        assert_eq!(header, want_header, "{}", case.name);
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), pairs.len(), "{}", case.name);
        let mut tally = Tally::default();
        for ((row, h2o), rec) in pairs.iter().zip(&records) {
            let got: Vec<f64> = rec.iter().skip(1).map(parse).collect();
            let want: Vec<f64> = order.iter().flat_map(|&l| h2o[l].clone()).collect();
            tally.check_all(format_args!("{} row {}", case.name, row.id), &got, &want);
        }
        eprintln!("{}: {}", case.name, tally.summary());
        tally.assert_ok(&case.name);
        total.compared += tally.compared;
    }
    assert!(total.compared > 10_000, "{}", total.compared);
}

#[test]
fn layers_a_model_lacks_are_errors_naming_the_range() {
    let dir = dir();
    let model = ae4j_fixtures::fixtures_dir().join("models/synth_tanh.zip");
    let input = dir.join("one.csv");
    std::fs::write(&input, "age,income\n41,52000\n").unwrap();
    for bad in ["3", "-1", "99999999999"] {
        let run = ae4j(
            &["--deep-features", "1", "--deep-features", bad],
            &model,
            &input,
        );
        assert!(!run.status.success(), "--deep-features {bad} was accepted");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(
            err.contains(&format!(
                "--deep-features: hidden layer {bad} does not exist"
            )) && err.contains("must be between 0 and 2"),
            "{err}"
        );
        assert!(run.stdout.is_empty());
    }
    let run = ae4j(
        &["--deep-features", "1", "--deep-features", "1"],
        &model,
        &input,
    );
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("asked for more than once"));
}

#[test]
fn deep_features_come_after_every_other_column_and_stay_empty_on_failed_rows() {
    let dir = dir();
    let model = ae4j_fixtures::fixtures_dir().join("models/synth_tanh.zip");
    let input = dir.join("two.csv");
    std::fs::write(&input, "id,age,country\n7,41,US\n8,abc,US\n").unwrap();
    let args = [
        "--keep",
        "id",
        "--per-feature",
        "--explain",
        "1",
        "--threshold",
        "0.5",
        "--deep-features",
        "1",
        "--on-error",
        "record",
    ];
    let run = ae4j(&args, &model, &input);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut reader = csv::Reader::from_reader(&run.stdout[..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let n = header.len();
    assert_eq!(header[0], "id");
    assert_eq!(
        header[1..4],
        ["Reconstruction.MSE", "anomaly", "percentile"]
    );
    assert_eq!(
        header[n - 6..],
        [
            "top_1_column",
            "top_1_share",
            "DF.L2.C1",
            "DF.L2.C2",
            "DF.L2.C3",
            "error"
        ]
    );
    let (good, bad) = (&records[0], &records[1]);
    assert_eq!((good.len(), bad.len()), (n, n));
    assert!(
        (n - 4..n - 1).all(|i| good[i].parse::<f64>().is_ok()),
        "{good:?}"
    );
    assert_eq!(&good[n - 1], "");
    assert!((1..n - 1).all(|i| bad[i].is_empty()), "{bad:?}");
    assert!(
        bad[n - 1].contains("PredictNumberFormatException"),
        "{bad:?}"
    );
}
