//! `ae4j predict` on every fixture model, under every genmodel option: its CSV must carry
//! genmodel's reconstruction and MSE (the server's MSE where genmodel's is NaN), the server's
//! per-feature errors, and genmodel's error for each row that cannot be scored.

use std::path::Path;
use std::process::Command;

use ae4j_core::convert::CSV_MISSING_TOKENS;
use ae4j_fixtures::{doubles, load_cases, Case, Input, Outcome, Row, Tally, OPTION_KEYS};

fn ae4j() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ae4j"))
}

/// The fixture rows a CSV can express the same way as a RowData: strings that are not CSV
/// missing-value tokens, and plain JSON numbers for numeric (or unknown) columns.
fn csv_expressible(case: &Case, row: &Row) -> bool {
    let categorical = |col: &str| {
        case.columns
            .iter()
            .position(|c| c == col)
            .is_some_and(|i| case.domains[i].is_some())
    };
    row.inputs().iter().all(|(col, v)| match v {
        Input::Text(s) => !CSV_MISSING_TOKENS.contains(&s.as_str()),
        Input::Double(v) => v.is_finite() && !categorical(col),
        _ => false,
    })
}

fn write_csv(rows: &[&Row], path: &Path) -> Vec<String> {
    let mut header: Vec<String> = Vec::new();
    for row in rows {
        for k in row.input.keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(&header).unwrap();
    for row in rows {
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
    w.flush().unwrap();
    header
}

fn parse(field: &str) -> f64 {
    match field {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        s => s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")),
    }
}

fn check_case(case: &Case, dir: &Path, tally: &mut Tally) {
    let rows: Vec<&Row> = case
        .rows
        .iter()
        .filter(|r| csv_expressible(case, r))
        .collect();
    assert!(
        rows.len() >= 30,
        "{}: only {} CSV rows",
        case.name,
        rows.len()
    );
    let input = dir.join(format!("{}.csv", case.name));
    write_csv(&rows, &input);
    let n = case.slot_names.len();
    for key in OPTION_KEYS {
        let output = dir.join(format!("{}-{key}.scores.csv", case.name));
        let mut cmd = ae4j();
        cmd.args([
            "predict",
            "--quiet",
            "--per-feature",
            "--reconstruction",
            "--on-error",
            "record",
            "--chunk-rows",
            "7",
        ])
        .arg("--model")
        .arg(case.mojo_path())
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output);
        if key == "unknown_to_na" || key == "both_to_na" {
            cmd.arg("--convert-unknown-categoricals-to-na");
        }
        if key == "invalid_to_na" || key == "both_to_na" {
            cmd.arg("--convert-invalid-numbers-to-na");
        }
        let run = cmd.output().unwrap();
        assert!(
            run.status.success(),
            "{}: {}",
            case.name,
            String::from_utf8_lossy(&run.stderr)
        );
        let mut reader = csv::Reader::from_path(&output).unwrap();
        let header = reader.headers().unwrap().clone();
        assert_eq!(header.len(), 2 + 2 * n);
        assert_eq!(&header[0], "Reconstruction.MSE");
        assert_eq!(header[1], format!("reconstr_{}.SE", case.slot_names[0]));
        assert_eq!(header[1 + n], format!("reconstr_{}", case.slot_names[0]));
        assert_eq!(&header[1 + 2 * n], "error");
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(
            records.len(),
            rows.len(),
            "{}: every row is written, in order",
            case.name
        );
        for (row, rec) in rows.iter().zip(&records) {
            let at = format!("{} row {} [{key}]", case.name, row.id);
            match &row.genmodel[key] {
                Outcome::Error { error } => {
                    let got = &rec[1 + 2 * n];
                    if !(got.contains(error.simple_class()) && got.ends_with(&error.message)) {
                        tally.fail(format!(
                            "{at}: error column {got:?}, expected {}: {}",
                            error.simple_class(),
                            error.message
                        ));
                    }
                    if !rec[0].is_empty() {
                        tally.fail(format!("{at}: a failed row has a score"));
                    }
                }
                Outcome::Scored(g) => {
                    if !rec[1 + 2 * n].is_empty() {
                        tally.fail(format!("{at}: unexpected error {}", &rec[1 + 2 * n]));
                        continue;
                    }
                    let values: Vec<f64> = rec.iter().take(1 + 2 * n).map(parse).collect();
                    let (mse, se, recon) = (values[0], &values[1..1 + n], &values[1 + n..]);
                    tally.check_all(
                        format_args!("{at} reconstruction"),
                        recon,
                        &doubles(&g.reconstructed),
                    );
                    if !g.mse.0.is_nan() || recon.iter().any(|v| v.is_nan()) {
                        tally.check(format_args!("{at} mse"), mse, g.mse.0);
                    } else if !mse.is_finite() {
                        tally.fail(format!("{at}: mse {mse}, expected finite"));
                    }
                    if let (Some(server), "default") = (&row.server, key) {
                        tally.check(format_args!("{at} server mse"), mse, server.mse.0);
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
}

#[test]
fn predict_matches_every_fixture() {
    let dir = tempdir("fixtures");
    let mut total = Tally::default();
    for case in load_cases() {
        let mut tally = Tally::default();
        check_case(&case, &dir, &mut tally);
        eprintln!("{}: {}", case.name, tally.summary());
        tally.assert_ok(&case.name);
        total.compared += tally.compared;
    }
    assert!(total.compared > 10_000);
}

pub fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ae4j-cli-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
