//! Arbitrary text as the `model.ini` of an otherwise valid MOJO (the synth_tanh fixture's
//! domain files beside it): an error naming the file, or a model that scores.
#![no_main]

mod common;

use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/models/synth_tanh.zip");

/// The fixture's entries other than model.ini.
fn others() -> &'static [(String, Vec<u8>)] {
    static OTHERS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    OTHERS.get_or_init(|| {
        let mut archive = zip::ZipArchive::new(Cursor::new(FIXTURE)).unwrap();
        (0..archive.len())
            .filter_map(|i| {
                let mut f = archive.by_index(i).unwrap();
                let name = f.name().unwrap().to_string();
                if !name.starts_with("domains/") {
                    return None;
                }
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).unwrap();
                Some((name, bytes))
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("model.ini", options).unwrap();
    w.write_all(data).unwrap();
    for (name, bytes) in others() {
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(bytes).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    match ae4j_core::mojo::read_mojo_bytes(&zip, "fuzz.zip") {
        Ok(model) => common::exercise(&model),
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("fuzz.zip"), "error does not name the file: {msg}");
        }
    }
});
