//! The `ae4j` command's contract with its users: bad input is a clear error with a line
//! number (or a recorded row), nothing is lost or reordered, and pipes work.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn model() -> PathBuf {
    ae4j_fixtures::fixtures_dir().join("models/synth_tanh.zip")
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ae4j-cli-behaviour-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Feed stdin from another thread: a large input would otherwise deadlock against a full
    // stdout pipe.
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.unwrap_or_default().to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&input); // the child may exit early on an error: fine
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn predict_text(csv: &[u8], extra: &[&str]) -> Output {
    let m = model();
    let mut args = vec![
        "predict",
        "--quiet",
        "--model",
        m.to_str().unwrap(),
        "--input",
        "-",
        "--output",
        "-",
    ];
    args.extend_from_slice(extra);
    run(&args, Some(csv))
}

const HEADER: &str = "country,device,channel,age,income,score,visits,ratio";
const GOOD: &str = "US,tablet,web,41,52000,0.5,3,0.25";

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn pipes_in_and_out() {
    let o = predict_text(format!("{HEADER}\n{GOOD}\n{GOOD}\n").as_bytes(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Reconstruction.MSE");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1], lines[2]);
    assert!(lines[1].parse::<f64>().unwrap() > 0.0);
}

#[test]
fn a_bad_row_stops_with_its_line_and_column() {
    let csv = format!("{HEADER}\n{GOOD}\n{GOOD}\nMars,tablet,web,41,52000,0.5,3,0.25\n");
    let o = predict_text(csv.as_bytes(), &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("line 4")
            && err.contains("country")
            && err.contains("Unknown categorical level (country,Mars)"),
        "{err}"
    );
}

#[test]
fn a_failed_run_leaves_no_output_file() {
    let d = dir();
    let input = d.join("bad.csv");
    std::fs::write(
        &input,
        format!("{HEADER}\n{GOOD}\nUS,tablet,web,abc,1,1,1,1\n"),
    )
    .unwrap();
    let output = d.join("bad-scores.csv");
    let m = model();
    let o = run(
        &[
            "predict",
            "--quiet",
            "--model",
            m.to_str().unwrap(),
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("Unable to parse value: abc, from column: age"),
        "{}",
        stderr(&o)
    );
    assert!(!output.exists());
    assert!(std::fs::read_dir(&d).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains("partial")));
}

#[test]
fn record_mode_keeps_every_row_in_place() {
    let csv = format!("{HEADER}\n{GOOD}\nMars,tablet,web,41,52000,0.5,3,0.25\nUS,tablet\n{GOOD}\n");
    let o = predict_text(csv.as_bytes(), &["--on-error", "record"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["Reconstruction.MSE", "error"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows[0][1].is_empty() && rows[3][1].is_empty() && rows[0][0] == rows[3][0]);
    assert!(
        rows[1][0].is_empty() && rows[1][1].contains("PredictUnknownCategoricalLevelException")
    );
    assert!(
        rows[2][0].is_empty() && rows[2][1].contains("2 fields"),
        "{:?}",
        rows[2]
    );
}

#[test]
fn bom_crlf_quotes_and_extra_columns() {
    let plain = predict_text(
        format!("{HEADER}\nUS,tablet,web,41,52000,0.5,3,0.25\n").as_bytes(),
        &[],
    );
    let fancy = "\u{feff}id,\"country\",device,channel,age,income,score,visits,ratio,comment\r\n7,\"US\",tablet,web,\" 41 \",5.2e4,0.5,3,0.25,\"a, \"\"quoted\"\" note\"\r\n";
    let o = predict_text(fancy.as_bytes(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&plain));
    // A level with a comma, quoted.
    let o = predict_text(
        format!("{HEADER}\n\"Korea, Rep.\",tablet,web,41,52000,0.5,3,0.25\n").as_bytes(),
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn missing_tokens_and_absent_columns_are_missing() {
    let a = predict_text(b"country,age\nNA,\n", &[]);
    let b = predict_text(b"visits\n-\n", &[]);
    assert!(
        a.status.success() && b.status.success(),
        "{}{}",
        stderr(&a),
        stderr(&b)
    );
    assert_eq!(stdout(&a), stdout(&b));
    let warn = stderr(&predict_text(b"country,age,zzz\nUS,1,2\n", &[]));
    assert!(warn.is_empty(), "--quiet prints nothing: {warn}");
}

#[test]
fn unusable_inputs_are_clear_errors() {
    let o = predict_text(b"", &[]);
    assert!(
        !o.status.success() && stderr(&o).contains("empty"),
        "{}",
        stderr(&o)
    );
    let o = predict_text(b"a,b,c\n1,2,3\n", &[]);
    assert!(
        !o.status.success() && stderr(&o).contains("names none of the model's columns"),
        "{}",
        stderr(&o)
    );
    let mut bytes = format!("{HEADER}\n").into_bytes();
    bytes.extend_from_slice(b"U\xffS,tablet,web,41,52000,0.5,3,0.25\n");
    let o = predict_text(&bytes, &[]);
    assert!(
        !o.status.success() && stderr(&o).contains("line 2") && stderr(&o).contains("UTF-8"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &[
            "predict",
            "--model",
            "/no/such/model.zip",
            "--input",
            "-",
            "--output",
            "-",
        ],
        Some(b""),
    );
    assert!(
        !o.status.success() && stderr(&o).contains("/no/such/model.zip"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn large_inputs_keep_count_and_order() {
    let levels = ["BR", "DE", "FR", "JP", "US"];
    let mut csv = format!("{HEADER}\n");
    for i in 0..20_000 {
        csv += &format!(
            "{},tablet,web,{},{},0.5,{},0.25\n",
            levels[i % 5],
            20 + i % 50,
            1000 * (i % 97),
            i % 13
        );
    }
    let parallel = predict_text(
        csv.as_bytes(),
        &["--threads", "2", "--chunk-rows", "64", "--per-feature"],
    );
    let serial = predict_text(
        csv.as_bytes(),
        &["--threads", "1", "--chunk-rows", "100000", "--per-feature"],
    );
    assert!(parallel.status.success(), "{}", stderr(&parallel));
    assert_eq!(stdout(&parallel).lines().count(), 20_001);
    assert_eq!(stdout(&parallel), stdout(&serial));
    // Row i's score equals the score of row i scored alone.
    let line = 12_345;
    let one = predict_text(
        format!("{HEADER}\n{}\n", csv.lines().nth(line).unwrap()).as_bytes(),
        &["--per-feature"],
    );
    assert_eq!(
        stdout(&one).lines().nth(1),
        stdout(&parallel).lines().nth(line)
    );
}

#[test]
fn inspect_json() {
    let m = model();
    let o = run(&["inspect", "--json", "--model", m.to_str().unwrap()], None);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["activation"], "Tanh");
    assert_eq!(v["layer_sizes"], serde_json::json!([22, 6, 3, 6, 22]));
    assert_eq!(v["columns"][0]["type"], "categorical");
    assert_eq!(v["h2o_version"], "3.46.0.7");
}

#[test]
fn kept_columns_lead_every_row() {
    let csv = format!("id,{HEADER}\na1,{GOOD}\na2,Mars,tablet,web,41,52000,0.5,3,0.25\n");
    let o = predict_text(csv.as_bytes(), &["--keep", "id", "--on-error", "record"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id,Reconstruction.MSE,error");
    assert!(lines[1].starts_with("a1,") && lines[1].ends_with(','));
    assert!(lines[2].starts_with("a2,,") && lines[2].contains("Mars"));
    let o = predict_text(csv.as_bytes(), &["--keep", "nope"]);
    assert!(
        !o.status.success() && stderr(&o).contains("--keep nope"),
        "{}",
        stderr(&o)
    );
}
