//! Arbitrary bytes as a POJO `.java` source: an error naming a line, or a model that scores.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match ae4j_core::pojo::read_pojo_bytes(data, "Fuzz.java") {
        Ok(model) => common::exercise(&model),
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("Fuzz.java"), "error does not name the file: {msg}");
        }
    }
});
