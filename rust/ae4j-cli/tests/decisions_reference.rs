//! The CLI's decisions against the independent numpy reference (tests/fixtures/decisions, made
//! from the H2O server's recorded values by tests/generate/decisions_reference.py): `ae4j
//! calibrate` on each model's normal rows, then `ae4j predict --explain` on every row a CSV can
//! carry. Also checks the committed golden CSV that the Java, Spark and service tests compare
//! their decisions with, so every route is tied to the reference.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ae4j_fixtures::{load_cases, load_decision_reference, Case, ReferenceRow, Row, Tally};
use serde_json::Value;

/// Cells a CSV cell and Java's parser read differently on purpose (the fixture rows test them
/// route by route); rows holding them are not CSV rows.
const DIFFERENT_PARSE: [&str; 9] = [
    "0x1.8p1",
    "1.5d",
    "1.5f",
    "\t2\n",
    " 1.5 ",
    "  NaN  ",
    "NaN",
    "Infinity",
    "-Infinity",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The row as CSV cells in the model's column order, or `None` when a CSV cannot carry it
/// (a Java-typed or null value, a cell parsed differently on purpose, a number in a
/// categorical column). Keys that are not model columns are left out: the CLI ignores them too.
fn csv_cells(case: &Case, row: &Row) -> Option<Vec<String>> {
    let mut cells = vec![String::new(); case.columns.len()];
    for (key, value) in &row.input {
        let Some(at) = case.columns.iter().position(|c| c == key) else {
            continue;
        };
        cells[at] = match value {
            Value::String(s) if !DIFFERENT_PARSE.contains(&s.as_str()) => s.clone(),
            Value::Number(n) if case.domains[at].is_none() => n.as_f64()?.to_string(),
            _ => return None,
        };
    }
    Some(cells)
}

fn write_csv(path: &Path, case: &Case, rows: &[(u64, Vec<String>)]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(std::iter::once("id").chain(case.columns.iter().map(String::as_str)))
        .unwrap();
    for (id, cells) in rows {
        w.write_record(std::iter::once(id.to_string()).chain(cells.iter().cloned()))
            .unwrap();
    }
    w.flush().unwrap();
}

fn ae4j(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ae4j {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Scored rows by id: the CLI's output, a map from column name to cell.
fn read_scores(path: &Path) -> HashMap<u64, HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let cells: HashMap<String, String> = header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect();
            (cells["id"].parse().unwrap(), cells)
        })
        .collect()
}

fn number(cells: &HashMap<String, String>, key: &str) -> f64 {
    let text = cells.get(key).unwrap_or_else(|| panic!("no column {key}"));
    text.parse().unwrap_or(f64::NAN)
}

/// One scored row against its reference: MSE, flag, percentile and the top `top` columns.
fn check_row(
    tally: &mut Tally,
    at: &str,
    got: &HashMap<String, String>,
    want: &ReferenceRow,
    top: usize,
) {
    tally.check(
        format_args!("{at} mse"),
        number(got, "Reconstruction.MSE"),
        want.mse.0,
    );
    if got["anomaly"] != want.anomaly.to_string() {
        tally.fail(format!(
            "{at}: anomaly {}, expected {}",
            got["anomaly"], want.anomaly
        ));
    }
    let percentile = want.percentile.unwrap_or(f64::NAN);
    tally.check(
        format_args!("{at} percentile"),
        number(got, "percentile"),
        percentile,
    );
    for (i, (column, share)) in want.explanation.iter().take(top).enumerate() {
        let name = &got[&format!("top_{}_column", i + 1)];
        if name != column {
            tally.fail(format!("{at}: top {} is {name}, expected {column}", i + 1));
        }
        tally.check(
            format_args!("{at} top {} share", i + 1),
            number(got, &format!("top_{}_share", i + 1)),
            *share,
        );
    }
}

fn check_model(case: &Case, dir: &Path, tally: &mut Tally) {
    let reference = load_decision_reference(&case.name);
    let rows = |normal_only: bool| -> Vec<(u64, Vec<String>)> {
        case.rows
            .iter()
            .filter(|r| r.server.is_some() && (!normal_only || r.kind == "normal"))
            .filter_map(|r| csv_cells(case, r).map(|c| (r.id, c)))
            .collect()
    };
    let (normal, all) = (rows(true), rows(false));
    assert_eq!(
        normal.len() as u64,
        reference.calibration.rows,
        "{}: normal rows",
        case.name
    );
    assert!(
        all.len() * 2 > reference.rows.len(),
        "{}: only {} CSV rows",
        case.name,
        all.len()
    );
    let path = |what: &str| dir.join(format!("{}.{what}", case.name));
    write_csv(&path("normal.csv"), case, &normal);
    write_csv(&path("rows.csv"), case, &all);
    let model = root().join(&case.mojo);
    let model = root().join("tests/fixtures").join(
        model
            .file_name()
            .unwrap()
            .to_str()
            .map(|n| format!("models/{n}"))
            .unwrap(),
    );
    let s = |p: &Path| p.to_str().unwrap().to_string();
    ae4j(&[
        "calibrate",
        "--model",
        &s(&model),
        "--input",
        &s(&path("normal.csv")),
        "--quantile",
        "0.99",
        "--output",
        &s(&path("calibrated.zip")),
    ]);
    let top = case.columns.len().to_string();
    ae4j(&[
        "predict",
        "--model",
        &s(&path("calibrated.zip")),
        "--input",
        &s(&path("rows.csv")),
        "--output",
        &s(&path("scores.csv")),
        "--keep",
        "id",
        "--explain",
        &top,
        "--convert-unknown-categoricals-to-na",
        "--convert-invalid-numbers-to-na",
    ]);
    let scores = read_scores(&path("scores.csv"));
    assert_eq!(scores.len(), all.len(), "{}: scored rows", case.name);
    for want in reference.rows.iter().filter(|w| scores.contains_key(&w.id)) {
        let top = want.explanation.len();
        check_row(
            tally,
            &format!("{} row {}", case.name, want.id),
            &scores[&want.id],
            want,
            top,
        );
    }
}

#[test]
fn cli_decisions_equal_the_numpy_reference() {
    let dir = std::env::temp_dir().join(format!("ae4j-cli-decisions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for case in load_cases() {
        let mut tally = Tally::default();
        check_model(&case, &dir, &mut tally);
        eprintln!("{}: {}", case.name, tally.summary());
        tally.assert_ok(&case.name);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The golden CSV the Java, Spark and service suites compare with (the CLI's output for
/// synth_tanh, calibrated on examples/normal.csv, the same 40 normal rows) agrees with the
/// reference on every row both hold.
#[test]
fn golden_decisions_csv_equals_the_numpy_reference() {
    let reference = load_decision_reference("synth_tanh");
    let golden =
        read_scores(&root().join("tests/fixtures/calibration/synth_tanh.cases.expected.csv"));
    let mut tally = Tally::default();
    let mut compared = 0;
    for want in &reference.rows {
        if let Some(got) = golden.get(&want.id) {
            check_row(&mut tally, &format!("golden row {}", want.id), got, want, 2);
            compared += 1;
        }
    }
    assert!(
        compared >= 60,
        "only {compared} golden rows have a reference"
    );
    tally.assert_ok("golden CSV");
}
