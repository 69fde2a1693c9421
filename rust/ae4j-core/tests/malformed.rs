//! Broken, hostile or foreign model files: each must be a clear error naming the file and the
//! key (or entry, or line), never a panic and never an unbounded allocation.

use std::io::{Cursor, Read, Write};

use ae4j_core::mojo::{read_mojo_bytes, read_mojo_bytes_with_limits, Limits};
use ae4j_core::ModelError;

const BASE: &str = "synth_tanh"; // categoricals with domain files, standardized numerics

fn fixture_zip() -> Vec<u8> {
    let path = ae4j_fixtures::fixtures_dir().join(format!("models/{BASE}.zip"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The fixture MOJO with `model.ini` rewritten by `edit`.
fn with_ini(edit: impl Fn(&str) -> String) -> Vec<u8> {
    let mut e = entries(&fixture_zip());
    let ini = e.iter_mut().find(|(n, _)| n == "model.ini").unwrap();
    ini.1 = edit(std::str::from_utf8(&ini.1).unwrap()).into_bytes();
    rezip(&e)
}

/// Replaces the value of `key` in `[info]`.
fn set_key(ini: &str, key: &str, value: &str) -> String {
    let prefix = format!("{key} = ");
    assert!(
        ini.lines().any(|l| l.starts_with(&prefix)),
        "fixture has no {key}"
    );
    ini.lines()
        .map(|l| {
            if l.starts_with(&prefix) {
                format!("{prefix}{value}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn drop_key(ini: &str, key: &str) -> String {
    let prefix = format!("{key} = ");
    ini.lines()
        .filter(|l| !l.starts_with(&prefix))
        .collect::<Vec<_>>()
        .join("\n")
}

fn value_of(ini: &str, key: &str) -> String {
    let prefix = format!("{key} = ");
    ini.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap()
        .to_string()
}

fn load_err(bytes: &[u8]) -> (ModelError, String) {
    let e = read_mojo_bytes(bytes, "bad.zip").expect_err("the model must be rejected");
    let msg = e.to_string();
    eprintln!("rejected: {msg}");
    assert!(
        msg.starts_with("bad.zip"),
        "error must name the file: {msg}"
    );
    (e, msg)
}

#[test]
fn the_unmodified_fixture_loads() {
    read_mojo_bytes(&fixture_zip(), "ok.zip").unwrap();
    read_mojo_bytes(&rezip(&entries(&fixture_zip())), "ok.zip").unwrap();
}

#[test]
fn not_a_zip() {
    for bytes in [
        &b""[..],
        b"PK",
        b"hello world, not a zip at all",
        &[0u8; 4096],
    ] {
        let (e, _) = load_err(bytes);
        assert!(matches!(e, ModelError::Zip { .. }), "{e}");
    }
}

#[test]
fn truncated_anywhere_is_an_error() {
    let zip = fixture_zip();
    for cut in (0..zip.len()).step_by(37) {
        assert!(
            read_mojo_bytes(&zip[..cut], "bad.zip").is_err(),
            "cut at {cut}"
        );
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    let zip = fixture_zip();
    for i in (0..zip.len()).step_by(11) {
        let mut bad = zip.clone();
        bad[i] ^= 0x5a;
        let _ = read_mojo_bytes(&bad, "bad.zip"); // an error or, rarely, a harmless change
    }
}

#[test]
fn missing_model_ini() {
    let e: Vec<_> = entries(&fixture_zip())
        .into_iter()
        .filter(|(n, _)| n != "model.ini")
        .collect();
    let (e, msg) = load_err(&rezip(&e));
    assert!(
        matches!(e, ModelError::MissingEntry { .. }) && msg.contains("model.ini"),
        "{msg}"
    );
}

#[test]
fn missing_domain_file() {
    let e: Vec<_> = entries(&fixture_zip())
        .into_iter()
        .filter(|(n, _)| n != "domains/d000.txt")
        .collect();
    let (_, msg) = load_err(&rezip(&e));
    assert!(msg.contains("domains/d000.txt"), "{msg}");
}

#[test]
fn short_domain_file() {
    let mut e = entries(&fixture_zip());
    let d = e.iter_mut().find(|(n, _)| n == "domains/d000.txt").unwrap();
    d.1 = b"only-one-level\n".to_vec();
    let (_, msg) = load_err(&rezip(&e));
    assert!(
        msg.contains("domains/d000.txt") && msg.contains("declares"),
        "{msg}"
    );
}

#[test]
fn missing_keys_are_named() {
    for key in [
        "activation",
        "neural_network_sizes",
        "weight_layer1",
        "bias_layer2",
        "cat_offsets",
        "n_features",
        "mojo_version",
        "category",
    ] {
        let (e, msg) = load_err(&with_ini(|ini| drop_key(ini, key)));
        assert!(matches!(e, ModelError::MissingKey { .. }), "{key}: {msg}");
        assert!(msg.contains(&format!("'{key}'")), "{key}: {msg}");
    }
}

#[test]
fn wrong_array_lengths() {
    let (_, msg) = load_err(&with_ini(|ini| {
        let w = value_of(ini, "weight_layer1");
        let shorter = format!("{}]", &w[..w.rfind(',').unwrap()]);
        set_key(ini, "weight_layer1", &shorter)
    }));
    assert!(
        msg.contains("weight_layer1") && msg.contains("expected"),
        "{msg}"
    );
    let (_, msg) = load_err(&with_ini(|ini| set_key(ini, "bias_layer0", "[0.5]")));
    assert!(msg.contains("bias_layer0"), "{msg}");
    let (_, msg) = load_err(&with_ini(|ini| set_key(ini, "norm_mul", "[1.0]")));
    assert!(msg.contains("norm_mul"), "{msg}");
    let (_, msg) = load_err(&with_ini(|ini| set_key(ini, "cat_offsets", "[0, 2, 4, 6]")));
    assert!(msg.contains("cat_offsets"), "{msg}");
}

#[test]
fn non_numeric_values() {
    let (e, msg) = load_err(&with_ini(|ini| {
        let w = value_of(ini, "weight_layer0");
        set_key(
            ini,
            "weight_layer0",
            &w.replacen('[', "[abc, ", 1).replacen(", ", "", 0),
        )
    }));
    assert!(
        matches!(e, ModelError::BadValue { .. })
            && msg.contains("'weight_layer0'")
            && msg.contains("'abc'"),
        "{msg}"
    );
    let (_, msg) = load_err(&with_ini(|ini| set_key(ini, "n_features", "eight")));
    assert!(msg.contains("'n_features'"), "{msg}");
    let (_, msg) = load_err(&with_ini(|ini| {
        set_key(ini, "neural_network_sizes", "[22, six, 3, 6, 22]")
    }));
    assert!(msg.contains("'neural_network_sizes'"), "{msg}");
}

#[test]
fn other_models_are_named() {
    let (e, msg) = load_err(&with_ini(|ini| {
        set_key(ini, "algorithm", "Gradient Boosting Machine")
    }));
    assert!(
        matches!(e, ModelError::Unsupported { .. }) && msg.contains("Gradient Boosting Machine"),
        "{msg}"
    );
    let (_, msg) = load_err(&with_ini(|ini| {
        set_key(
            set_key(ini, "category", "Regression").as_str(),
            "supervised",
            "true",
        )
    }));
    assert!(
        msg.contains("supervised") && msg.contains("Regression"),
        "{msg}"
    );
    let (_, msg) = load_err(&with_ini(|ini| set_key(ini, "activation", "Maxout")));
    assert!(msg.contains("Maxout"), "{msg}");
    let (_, msg) = load_err(&with_ini(|ini| set_key(ini, "mojo_version", "2.00")));
    assert!(msg.contains("MOJO version 2.00"), "{msg}");
    let (_, msg) = load_err(&with_ini(|ini| {
        set_key(ini, "_genmodel_encoding", "Binary")
    }));
    assert!(msg.contains("Binary"), "{msg}");
}

#[test]
fn absurd_declared_sizes_fail_fast() {
    let start = std::time::Instant::now();
    let (_, msg) = load_err(&with_ini(|ini| {
        set_key(
            ini,
            "neural_network_sizes",
            "[1000000000, 1000000000, 1000000000, 6, 22]",
        )
    }));
    assert!(msg.contains("neural_network_sizes"), "{msg}");
    let (_, msg) = load_err(&with_ini(|ini| {
        set_key(
            ini,
            "neural_network_sizes",
            "[18446744073709551615, 4294967296, 3, 6, 22]",
        )
    }));
    assert!(msg.contains("neural_network_sizes"), "{msg}");
    let (_, msg) = load_err(&with_ini(|ini| {
        ini.replace("0: 7 d000.txt", "0: 99999999999 d000.txt")
    }));
    assert!(msg.contains("99999999999"), "{msg}");
    let (_, msg) = load_err(&with_ini(|ini| set_key(ini, "n_columns", "4000000000")));
    assert!(msg.contains("n_columns"), "{msg}");
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
}

#[test]
fn hashed_categoricals_are_refused() {
    let (_, msg) = load_err(&with_ini(|ini| {
        set_key(ini, "neural_network_sizes", "[20, 6, 3, 6, 22]")
    }));
    assert!(msg.contains("max_categorical_features"), "{msg}");
}

#[test]
fn decompression_is_bounded() {
    // A small zip whose model.ini inflates past the limit (a zip bomb in miniature).
    let mut e = entries(&fixture_zip());
    let ini = e.iter_mut().find(|(n, _)| n == "model.ini").unwrap();
    ini.1.extend(std::iter::repeat_n(b'#', 4 << 20));
    let limits = Limits {
        model_ini_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = read_mojo_bytes_with_limits(&rezip(&e), "bomb.zip", limits).unwrap_err();
    assert!(
        matches!(e, ModelError::TooLarge { .. }) && e.to_string().contains("model.ini"),
        "{e}"
    );
}

#[test]
fn non_utf8_model_ini() {
    let mut e = entries(&fixture_zip());
    e.iter_mut()
        .find(|(n, _)| n == "model.ini")
        .unwrap()
        .1
        .splice(0..0, [0xff, 0xfe]);
    let (_, msg) = load_err(&rezip(&e));
    assert!(msg.contains("UTF-8"), "{msg}");
}

#[test]
fn syntax_errors_name_the_line() {
    let (e, msg) = load_err(&with_ini(|ini| {
        ini.replacen("[columns]", "[columns]\n[weird]", 1)
    }));
    assert!(
        matches!(e, ModelError::Syntax { .. }) && msg.contains("line"),
        "{msg}"
    );
}
