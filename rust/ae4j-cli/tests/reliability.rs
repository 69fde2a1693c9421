//! Reliability of `ae4j predict` on hostile CSV input (RELIABILITY.md): every malformed input is
//! a clear error naming its line, whatever the line endings; nothing is lost or reordered on a
//! million rows; a repeated header name behaves as genmodel's PredictCsv (last non-missing value).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn model() -> PathBuf {
    ae4j_fixtures::fixtures_dir().join("models/synth_tanh.zip")
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ae4j"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn predict(csv: &[u8], extra: &[&str]) -> Output {
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
    run(&args, csv)
}

const HEADER: &str = "country,device,channel,age,income,score,visits,ratio";
const GOOD: &str = "US,tablet,web,41,52000,0.5,3,0.25";

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Fails, and stderr names `line` and contains `needle`.
fn fails_at(o: &Output, line: u64, needle: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "succeeded: {}", stdout(o));
    assert!(
        err.contains(&format!("line {line}:")) && err.contains(needle),
        "expected line {line} and '{needle}': {err}"
    );
}

fn lines(rows: &[&str], eol: &str) -> Vec<u8> {
    let mut s = String::new();
    for r in rows {
        s += r;
        s += eol;
    }
    s.into_bytes()
}

/// Regression: the CSV parser counts only `\n`, so errors in a CRLF file named the line before
/// and errors in a CR-only file always named line 1 (rust-csv #395).
#[test]
fn line_numbers_are_right_for_every_line_ending() {
    for eol in ["\n", "\r\n", "\r"] {
        let csv = lines(&[HEADER, GOOD, GOOD, GOOD, "US,tablet"], eol);
        fails_at(
            &predict(&csv, &[]),
            5,
            "the row has 2 fields, the header has 8",
        );
        let csv = lines(&[HEADER, GOOD, "US,tablet,web,abc,52000,0.5,3,0.25"], eol);
        fails_at(
            &predict(&csv, &[]),
            3,
            "Unable to parse value: abc, from column: age",
        );
        // All endings give the same scores.
        let o = predict(&lines(&[HEADER, GOOD, GOOD], eol), &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            stdout(&predict(&lines(&[HEADER, GOOD, GOOD], "\n"), &[]))
        );
    }
    // Mixed endings, and a quoted field spanning lines: the record's first line is named.
    let csv = format!("{HEADER}\r\n\"US\r\nX\",tablet,web,41,52000,0.5,3,0.25\r\n");
    fails_at(
        &predict(csv.as_bytes(), &[]),
        2,
        "Unknown categorical level",
    );
    let csv = format!("{HEADER}\r\n\"a\nb\",tablet,web,41,52000,0.5,3,0.25\n{GOOD}\rUS,x\r\n");
    fails_at(
        &predict(csv.as_bytes(), &["--on-error", "fail"]),
        2,
        "Unknown categorical level",
    );
    let csv =
        format!("{HEADER}\r\n{GOOD}\n\"a\nb\",tablet,web,41,52000,0.5,3,0.25\r{GOOD}\rUS,x\r\n");
    let o = predict(csv.as_bytes(), &["--on-error", "record"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "{out}");
    assert!(rows[1][1].contains("(country,a\nb)"), "{:?}", rows[1]);
    assert!(rows[0][1].is_empty() && rows[2][1].is_empty() && rows[0][0] == rows[2][0]);
    assert!(rows[3][1].contains("2 fields"), "{:?}", rows[3]);
}

#[test]
fn ragged_rows_name_their_line_in_fail_mode() {
    let csv = lines(
        &[HEADER, GOOD, "US,tablet,web,41,52000,0.5,3,0.25,extra"],
        "\n",
    );
    fails_at(
        &predict(&csv, &[]),
        3,
        "the row has 9 fields, the header has 8",
    );
    let csv = lines(&[HEADER, GOOD, GOOD, ""], "\n"); // a trailing blank line is no row
    assert!(predict(&csv, &[]).status.success());
    let csv = lines(&[HEADER, GOOD, "", GOOD], "\n");
    let o = predict(&csv, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 3, "blank lines are skipped");
}

#[test]
fn byte_order_marks_and_empty_files() {
    for (input, needle) in [
        (&b""[..], "empty"),
        (&b"\xef\xbb\xbf"[..], "empty"),
        (&b"\n\n"[..], "empty"),
        (&b"   \n"[..], "names none of the model's columns"),
        (
            &b"\xef\xbb\xbfa,b\n1,2\n"[..],
            "names none of the model's columns",
        ),
    ] {
        let o = predict(input, &[]);
        let err = stderr(&o);
        assert!(
            !o.status.success() && err.contains(needle),
            "{input:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    // A BOM before a header with no rows: just the output header.
    let o = predict(format!("\u{feff}{HEADER}\r\n").as_bytes(), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Reconstruction.MSE\n");
}

#[test]
fn broken_quotes_and_bytes_are_clear_errors() {
    // An unterminated quote swallows the rest of the file into one field: that row's line.
    let csv = format!("{HEADER}\n{GOOD}\n\"US,tablet,web,41,52000,0.5,3,0.25\n{GOOD}\n");
    fails_at(&predict(csv.as_bytes(), &[]), 3, "the row has 1 fields");
    // Non-UTF-8 in the header and in a cell the model reads.
    let mut bytes = b"coun\xfftry,age\n".to_vec();
    bytes.extend_from_slice(b"US,41\n");
    fails_at(&predict(&bytes, &[]), 1, "not valid UTF-8");
    let mut bytes = format!("{HEADER}\n{GOOD}\n{GOOD}\n").into_bytes();
    bytes.extend_from_slice(b"US,tablet,web,4\xc3\x281,52000,0.5,3,0.25\n");
    fails_at(&predict(&bytes, &[]), 4, "UTF-8");
    // A character cut by the separator: each cell is invalid though the row's bytes joined are
    // valid UTF-8 (the first half of "é" ends one cell, the second starts the next).
    let mut bytes = format!("{HEADER}\n{GOOD}\n").into_bytes();
    bytes.extend_from_slice(b"US,tablet\xc3,\xa9web,41,52000,0.5,3,0.25\n");
    fails_at(&predict(&bytes, &[]), 3, "not valid UTF-8");
    // ...but not in a column the model ignores.
    let mut bytes = format!("note,{HEADER}\n").into_bytes();
    bytes.extend_from_slice(b"\xff\xfe,US,tablet,web,41,52000,0.5,3,0.25\n");
    let o = predict(&bytes, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A NUL byte is text like any other: an unknown level, named.
    let csv = format!("{HEADER}\nU\0S,tablet,web,41,52000,0.5,3,0.25\n");
    fails_at(
        &predict(csv.as_bytes(), &[]),
        2,
        "Unknown categorical level",
    );
}

/// Regression (found by the convert_row fuzz target): PredictCsv fills a HashMap in header
/// order, skipping missing cells, so of a repeated header name the last non-missing value counts.
/// ae4j stopped at a bad first value, and let a later missing cell erase a good one.
#[test]
fn a_repeated_header_name_keeps_the_last_non_missing_value() {
    let one = predict(b"age\n41\n", &[]);
    assert!(one.status.success(), "{}", stderr(&one));
    for csv in [
        &b"age,age\nabc,41\n"[..],
        b"age,age\n41,NA\n",
        b"age,age\n7,41\n",
        b"age,x,age\n41,1,\n",
    ] {
        let o = predict(csv, &[]);
        assert!(
            o.status.success(),
            "{}: {}",
            String::from_utf8_lossy(csv),
            stderr(&o)
        );
        assert_eq!(stdout(&o), stdout(&one), "{}", String::from_utf8_lossy(csv));
    }
    fails_at(
        &predict(b"age,age\n41,abc\n", &[]),
        2,
        "Unable to parse value: abc",
    );
}

/// A million rows through two threads and small chunks: every id comes back once, in order,
/// and sampled rows score as they do alone. Bounded in time (a debug build on a busy 2-core
/// machine takes well under the limit).
#[test]
fn a_million_rows_keep_count_and_order() {
    const N: usize = 1_000_000;
    let levels = ["BR", "DE", "FR", "JP", "US"];
    let mut csv = String::with_capacity(N * 45);
    csv += "id,";
    csv += HEADER;
    csv += "\n";
    let row = |i: usize| {
        format!(
            "{},tablet,web,{},{},0.5,{},0.25",
            levels[i % 5],
            20 + i % 50,
            1000 * (i % 97),
            i % 13
        )
    };
    for i in 0..N {
        csv += &format!("{i},{}\n", row(i));
    }
    let start = Instant::now();
    let o = predict(
        csv.as_bytes(),
        &["--keep", "id", "--threads", "2", "--chunk-rows", "777"],
    );
    let took = start.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(took < Duration::from_secs(600), "took {took:?}");
    let out = stdout(&o);
    let mut count = 0;
    let mut scores = Vec::new();
    for (i, line) in out.lines().skip(1).enumerate() {
        let (id, mse) = line.split_once(',').unwrap();
        assert_eq!(id.parse::<usize>().unwrap(), i, "row {i} out of place");
        if i % 99_991 == 0 {
            scores.push((i, mse.to_string()));
        }
        count += 1;
    }
    assert_eq!(count, N);
    for (i, mse) in scores {
        let alone = predict(format!("{HEADER}\n{}\n", row(i)).as_bytes(), &[]);
        assert_eq!(stdout(&alone).lines().nth(1), Some(mse.as_str()), "row {i}");
    }
    eprintln!("1M rows in {took:?}");
}
