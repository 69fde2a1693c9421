//! Regression tests for what fuzzing and the reliability review (RELIABILITY.md) found, and the
//! resource bounds of the MOJO reader against declared sizes that lie.

use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use ae4j_core::javanum::parse_java_double;
use ae4j_core::mojo::{read_mojo_bytes, read_mojo_bytes_with_limits, Limits};
use ae4j_core::{Cell, ConvertOptions, Model, ModelError, RowError};

fn fixture(name: &str) -> Vec<u8> {
    let path = ae4j_fixtures::fixtures_dir().join("models").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn synth() -> Model {
    read_mojo_bytes(&fixture("synth_tanh.zip"), "synth_tanh.zip").unwrap()
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

fn rezip(entries: &[(String, Vec<u8>)], options: zip::write::SimpleFileOptions) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The offset of the central-directory header of `entry` (signature PK\1\2).
fn central_header(zip: &[u8], entry: &str) -> usize {
    (0..zip.len() - 46)
        .find(|&i| {
            zip[i..].starts_with(b"PK\x01\x02") && {
                let n = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
                &zip[i + 46..i + 46 + n] == entry.as_bytes()
            }
        })
        .unwrap_or_else(|| panic!("no central header for {entry}"))
}

fn assert_fast(start: Instant) {
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
}

// ------------------------------------------------------------------ resource bounds

/// A central directory that declares a 10 GB model.ini (zip64): refused from the declaration,
/// before any byte is inflated.
#[test]
fn a_declared_10_gb_entry_is_refused_before_reading() {
    let options = zip::write::SimpleFileOptions::default().large_file(true);
    let mut zip = rezip(&entries(&fixture("synth_tanh.zip")), options);
    let at = central_header(&zip, "model.ini");
    let name_len = u16::from_le_bytes([zip[at + 28], zip[at + 29]]) as usize;
    let extra_len = u16::from_le_bytes([zip[at + 30], zip[at + 31]]) as usize;
    let extra = at + 46 + name_len;
    // The zip64 extra field (id 1): uncompressed size first.
    let mut i = extra;
    let mut patched = false;
    while i + 4 <= extra + extra_len {
        let id = u16::from_le_bytes([zip[i], zip[i + 1]]);
        let len = u16::from_le_bytes([zip[i + 2], zip[i + 3]]) as usize;
        if id == 1 {
            zip[i + 4..i + 12].copy_from_slice(&10_000_000_000u64.to_le_bytes());
            patched = true;
        }
        i += 4 + len;
    }
    assert!(patched, "the writer emitted no zip64 field");
    assert_eq!(&zip[at + 24..at + 28], &[0xff; 4], "size deferred to zip64");
    let start = Instant::now();
    let e = read_mojo_bytes(&zip, "huge.zip").unwrap_err();
    assert_fast(start);
    let msg = e.to_string();
    assert!(
        matches!(
            e,
            ModelError::TooLarge {
                size: 10_000_000_000,
                ..
            }
        ) && msg.contains("huge.zip")
            && msg.contains("model.ini"),
        "{msg}"
    );
}

/// A 32-bit declared size just under 4 GB for a domain file: refused from the declaration.
#[test]
fn a_declared_4_gb_domain_file_is_refused() {
    let options = zip::write::SimpleFileOptions::default();
    let mut zip = rezip(&entries(&fixture("synth_tanh.zip")), options);
    let at = central_header(&zip, "domains/d000.txt");
    zip[at + 24..at + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let start = Instant::now();
    let e = read_mojo_bytes(&zip, "huge.zip").unwrap_err();
    assert_fast(start);
    let msg = e.to_string();
    assert!(
        matches!(e, ModelError::TooLarge { .. }) && msg.contains("domains/d000.txt"),
        "{msg}"
    );
}

/// A zip bomb whose central directory *understates* the size: inflation stops at the limit.
#[test]
fn a_bomb_that_lies_about_its_size_stops_at_the_limit() {
    let mut e = entries(&fixture("synth_tanh.zip"));
    let ini = e.iter_mut().find(|(n, _)| n == "model.ini").unwrap();
    ini.1.extend(std::iter::repeat_n(b'#', 8 << 20));
    let mut zip = rezip(&e, zip::write::SimpleFileOptions::default());
    let at = central_header(&zip, "model.ini");
    let compressed = u32::from_le_bytes(zip[at + 20..at + 24].try_into().unwrap());
    assert!(
        compressed < 64 << 10,
        "a bomb: {compressed} compressed bytes"
    );
    zip[at + 24..at + 28].copy_from_slice(&1000u32.to_le_bytes()); // the lie
    let limits = Limits {
        model_ini_bytes: 1 << 20,
        ..Limits::default()
    };
    let start = Instant::now();
    let e = read_mojo_bytes_with_limits(&zip, "bomb.zip", limits).unwrap_err();
    assert_fast(start);
    assert!(e.to_string().contains("bomb.zip"), "{e}");
}

/// A zip claiming a billion entries in its end record, with none behind it.
#[test]
fn a_billion_declared_entries() {
    let mut zip = fixture("synth_tanh.zip");
    let eocd = (0..=zip.len() - 22)
        .rev()
        .find(|&i| zip[i..].starts_with(b"PK\x05\x06"))
        .unwrap();
    zip[eocd + 8..eocd + 12].copy_from_slice(&[0xff, 0xfe, 0xff, 0xfe]);
    let start = Instant::now();
    let e = read_mojo_bytes(&zip, "entries.zip").unwrap_err();
    assert_fast(start);
    assert!(e.to_string().contains("entries.zip"), "{e}");
}

// ------------------------------------------------------------- Double.parseDouble

/// Found by reading javanum against the fuzz oracle: a hex float's exponent was clamped to
/// ±100000 before the digits' own binary exponent was added, so a long mantissa moved it back
/// into range. Java: 0x0.<25000 zeros>1p200000 = 2^(200000 - 100004) = Infinity.
#[test]
fn hex_exponents_are_not_clamped_before_the_digits_count() {
    let zeros = "0".repeat(25_000);
    let tiny_digits = format!("0x0.{zeros}1p200000");
    assert_eq!(parse_java_double(&tiny_digits), Ok(f64::INFINITY));
    let big_digits = format!("0x1{zeros}p-200000"); // 2^(100000 - 200000)
    assert_eq!(parse_java_double(&big_digits), Ok(0.0));
    // Exactly representable after the digits' shift: 2^(4*25001 - 100003) = 2^1.
    assert_eq!(parse_java_double(&format!("0x0.{zeros}1p100006")), Ok(4.0));
    assert_eq!(
        parse_java_double(&format!("0x0.{zeros}1p99999999999999999999999")),
        Ok(f64::INFINITY)
    );
}

// ----------------------------------------------------------- rows with repeated names

fn opts() -> ConvertOptions {
    ConvertOptions::default()
}

/// Found by the convert_row fuzz target: genmodel's RowData is a HashMap, so of two cells with
/// one name the *last* value counts (at the first one's position). ae4j used the first.
#[test]
fn a_repeated_name_keeps_its_last_value_like_a_hashmap() {
    let m = synth();
    let age = "age";
    let mut raw = vec![0.0; m.n_features()];
    let mut reference = vec![0.0; m.n_features()];
    m.convert_row(&[(age, Cell::Text("41"))], opts(), &mut reference)
        .unwrap();
    // A bad value replaced by a good one: no error, the good value.
    m.convert_row(
        &[(age, Cell::Text("abc")), (age, Cell::Text("41"))],
        opts(),
        &mut raw,
    )
    .unwrap();
    assert_eq!(raw[m.column_index(age).unwrap()], 41.0);
    assert_eq!(
        raw.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        reference.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(
        m.genmodel_error(&[(age, Cell::Text("abc")), (age, Cell::Text("41"))], opts()),
        None
    );
    // A good value replaced by a bad one: genmodel's error for the bad one.
    let cells = [
        (age, Cell::Text("41")),
        (age, Cell::Other("java.lang.Boolean")),
    ];
    let e = m.convert_row(&cells, opts(), &mut raw).unwrap_err();
    assert!(matches!(e, RowError::UnknownType { .. }), "{e}");
    assert_eq!(m.genmodel_error(&cells, opts()), Some(e));
}
