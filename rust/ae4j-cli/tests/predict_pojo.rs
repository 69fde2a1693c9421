//! `ae4j predict` and `ae4j inspect` take a POJO `.java` file as the model, with no flag: the
//! output must be byte-for-byte the one from the same model's MOJO zip.

use std::path::{Path, PathBuf};
use std::process::Command;

use ae4j_fixtures::{fixtures_dir, load_cases, Case, Input};

fn ae4j(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args(args)
        .output()
        .unwrap()
}

/// Every fixture row as CSV (values a CSV cannot hold become empty cells).
fn write_csv(case: &Case, path: &Path) {
    let mut header: Vec<String> = case.columns.clone();
    for row in &case.rows {
        for k in row.input.keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(&header).unwrap();
    for row in &case.rows {
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
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ae4j-cli-pojo-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn predict_with_the_pojo_gives_the_mojo_output() {
    let dir = dir();
    let cases = load_cases();
    assert!(cases.len() >= 7);
    for case in &cases {
        let input = dir.join(format!("{}.csv", case.name));
        write_csv(case, &input);
        let mut outputs = Vec::new();
        for ext in ["zip", "java"] {
            let model = fixtures_dir().join(format!("models/{}.{ext}", case.name));
            let output = dir.join(format!("{}.{ext}.out.csv", case.name));
            let o = ae4j(&[
                "predict",
                "--quiet",
                "--model",
                model.to_str().unwrap(),
                "--input",
                input.to_str().unwrap(),
                "--output",
                output.to_str().unwrap(),
                "--per-feature",
                "--reconstruction",
                "--on-error",
                "record",
            ]);
            assert!(
                o.status.success(),
                "{} ({ext}): {}",
                case.name,
                String::from_utf8_lossy(&o.stderr)
            );
            outputs.push(std::fs::read_to_string(&output).unwrap());
        }
        assert_eq!(
            outputs[0].lines().count(),
            case.rows.len() + 1,
            "{}",
            case.name
        );
        // Most rows score (the rest are recorded errors): the comparison is of numbers.
        let scored = outputs[0]
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with(','))
            .count();
        assert!(
            scored * 2 > case.rows.len(),
            "{}: {scored} rows scored",
            case.name
        );
        assert!(
            outputs[0] == outputs[1],
            "{}: the POJO's output differs from the MOJO's",
            case.name
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inspect_reads_the_pojo() {
    for name in ["synth_tanh", "iris_rectdropout_nostd", "wine_exprectifier"] {
        let json = |ext: &str| -> serde_json::Value {
            let model = fixtures_dir().join(format!("models/{name}.{ext}"));
            let o = ae4j(&["inspect", "--json", "--model", model.to_str().unwrap()]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            serde_json::from_slice(&o.stdout).unwrap()
        };
        let (mut pojo, mut mojo) = (json("java"), json("zip"));
        assert_eq!(pojo["format"], "pojo");
        assert_eq!(pojo["model_id"], name);
        assert_eq!(mojo["format"], "mojo");
        // Everything but where the model came from is the same.
        for key in ["format", "model_id", "mojo_version"] {
            pojo.as_object_mut().unwrap().remove(key);
            mojo.as_object_mut().unwrap().remove(key);
        }
        assert_eq!(pojo, mojo, "{name}");
    }
}

#[test]
fn a_broken_pojo_is_a_clear_error() {
    let dir = dir().join("broken");
    std::fs::create_dir_all(&dir).unwrap();
    let src = std::fs::read_to_string(fixtures_dir().join("models/synth_tanh.java")).unwrap();
    let bad = dir.join("model.java");
    std::fs::write(
        &bad,
        src.replacen("sa[3] = -0.6148251f;", "sa[3] = 1.2.3f;", 1),
    )
    .unwrap();
    let o = ae4j(&["inspect", "--model", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("model.java: line ") && err.contains("1.2.3f"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
