//! Any bytes as a preprocessing pipeline spec (`Pipeline::from_json`): an error (a `SpecError`
//! naming `fuzz.json`), or a pipeline that writes back to the same spec and runs on rows of
//! typical cells without a panic or a NaN (a domain error is a row error).
#![no_main]

use ae4j_core::convert::Cell;
use ae4j_core::pipeline::{Pipeline, Value};
use libfuzzer_sys::fuzz_target;

/// Cells every input gets in turn: missing, numbers at the edges of the domains, texts of
/// every input type.
const CELLS: [Cell<'static>; 10] = [
    Cell::Missing,
    Cell::Number(0.0),
    Cell::Number(-1.0),
    Cell::Number(1e300),
    Cell::Number(f64::NEG_INFINITY),
    Cell::Text("2024-03-10T12:30:00+02:00"),
    Cell::Text("x"),
    Cell::Text("1"),
    Cell::Text("TRUE"),
    Cell::Text(""),
];

fuzz_target!(|data: &[u8]| {
    let p = match Pipeline::from_json(data, "fuzz.json") {
        Ok(p) => p,
        Err(e) => {
            assert_eq!(e.origin, "fuzz.json");
            assert!(!e.message.is_empty());
            return;
        }
    };
    let again = Pipeline::from_json(p.to_json().as_bytes(), "again.json")
        .unwrap_or_else(|e| panic!("the written spec does not read back: {e}"));
    assert_eq!(again.spec(), p.spec());
    for cell in CELLS {
        let cells: Vec<_> = p.inputs().iter().map(|i| (i.name.as_str(), cell)).collect();
        let Ok(row) = p.apply_named(&cells) else {
            continue;
        };
        assert_eq!(row.len(), p.outputs().count());
        for (name, value) in row {
            if let Value::Number(v) | Value::Timestamp(v) = value {
                assert!(!v.is_nan(), "{name} is NaN");
            }
        }
    }
});
