//! Arbitrary bytes as a MOJO zip (or a POJO source: `load_model_bytes` sniffs): an error or a
//! model that scores, never a panic, a hang or an unbounded allocation.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = ae4j_core::load_model_bytes(data, "fuzz.zip") {
        common::exercise(&model);
    }
});
