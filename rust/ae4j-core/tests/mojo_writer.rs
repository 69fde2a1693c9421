//! The MOJO writer against every fixture MOJO (real H2O 3.46.0.7): read → ModelSpec → write →
//! read gives the same spec (every weight bit for bit) and the same scores, bit for bit, on
//! every fixture row; and the written `model.ini` spells numbers the way H2O's own does.

use ae4j_core::mojo::{read_mojo_bytes, read_mojo_spec_bytes};
use ae4j_core::mojo_writer::{model_ini, write_mojo, write_mojo_with, MojoExtras};
use ae4j_core::{Cell, ModelSpec};
use ae4j_fixtures::{load_cases, options};

fn same_spec(a: &ModelSpec, b: &ModelSpec, what: &str) {
    assert_eq!(a.columns, b.columns, "{what}: columns");
    assert_eq!(a.domains, b.domains, "{what}: domains");
    assert_eq!(a.cat_offsets, b.cat_offsets, "{what}: cat_offsets");
    assert_eq!(a.activation, b.activation, "{what}: activation");
    assert_eq!(a.layer_sizes, b.layer_sizes, "{what}: sizes");
    let bits32 = |v: &[Vec<f32>]| -> Vec<Vec<u32>> {
        v.iter()
            .map(|l| l.iter().map(|x| x.to_bits()).collect())
            .collect()
    };
    let bits64 = |v: &[Vec<f64>]| -> Vec<Vec<u64>> {
        v.iter()
            .map(|l| l.iter().map(|x| x.to_bits()).collect())
            .collect()
    };
    assert_eq!(bits32(&a.weights), bits32(&b.weights), "{what}: weights");
    assert_eq!(bits64(&a.biases), bits64(&b.biases), "{what}: biases");
    let opt = |v: &Option<Vec<f64>>| v.as_ref().map(|v| bits64(std::slice::from_ref(v)));
    assert_eq!(opt(&a.norm_mul), opt(&b.norm_mul), "{what}: norm_mul");
    assert_eq!(opt(&a.norm_sub), opt(&b.norm_sub), "{what}: norm_sub");
    assert_eq!(
        a.hidden_dropout_ratios, b.hidden_dropout_ratios,
        "{what}: dropout"
    );
    assert_eq!(
        a.info.h2o_version, b.info.h2o_version,
        "{what}: h2o_version"
    );
    assert_eq!(a.info.model_id, b.info.model_id, "{what}: uuid");
}

#[test]
fn every_fixture_round_trips_exactly() {
    let cases = load_cases();
    let mut rows_scored = 0;
    for case in &cases {
        let bytes = std::fs::read(case.mojo_path()).unwrap();
        let spec = read_mojo_spec_bytes(&bytes, &case.mojo).unwrap();
        let original_ini = zip_text(&bytes, "model.ini");
        // Not part of the spec (it does not change scores): taken from the original.
        let extras = MojoExtras {
            mean_imputation: Some(ini_value(&original_ini, "mean_imputation").unwrap() == "true"),
            ..Default::default()
        };
        let written =
            write_mojo_with(&spec, &extras).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let again = read_mojo_spec_bytes(&written, "written").unwrap();
        same_spec(&spec, &again, &case.name);

        // model.ini's numeric lines are H2O's own text, character for character.
        let written_ini = zip_text(&written, "model.ini");
        for key in [
            "cat_offsets",
            "norm_mul",
            "norm_sub",
            "activation",
            "cat_modes",
            "neural_network_sizes",
            "weight_layer0",
            "bias_layer0",
            "weight_layer1",
            "bias_layer1",
            "hidden_dropout_ratios",
            "n_features",
            "nums",
            "cats",
        ] {
            assert_eq!(
                ini_value(&written_ini, key),
                ini_value(&original_ini, key),
                "{}: {key}",
                case.name
            );
        }
        let section = |t: &str| t[t.find("[columns]").unwrap()..].to_string();
        assert_eq!(
            section(&written_ini),
            section(&original_ini),
            "{}",
            case.name
        );

        let a = read_mojo_bytes(&bytes, &case.mojo).unwrap();
        let b = read_mojo_bytes(&written, "written").unwrap();
        for row in &case.rows {
            let inputs = row.inputs();
            let cells: Vec<(&str, Cell)> =
                inputs.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
            let mut raw_a = vec![f64::NAN; a.n_features()];
            let mut raw_b = vec![f64::NAN; b.n_features()];
            let ra = a.convert_row(&cells, options("both_to_na"), &mut raw_a);
            let rb = b.convert_row(&cells, options("both_to_na"), &mut raw_b);
            assert_eq!(ra.is_ok(), rb.is_ok(), "{} row {}", case.name, row.id);
            if ra.is_err() {
                continue;
            }
            let (sa, sb) = (a.score(&raw_a).unwrap(), b.score(&raw_b).unwrap());
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&sa.reconstructed), bits(&sb.reconstructed));
            assert_eq!(bits(&sa.squared_errors), bits(&sb.squared_errors));
            assert_eq!(sa.mse.to_bits(), sb.mse.to_bits());
            rows_scored += 1;
        }
    }
    assert!(rows_scored > 500, "only {rows_scored} rows scored");
}

#[test]
fn extras_and_refusals() {
    let cases = load_cases();
    let case = cases.iter().find(|c| c.name == "synth_tanh").unwrap();
    let bytes = std::fs::read(case.mojo_path()).unwrap();
    let spec = read_mojo_spec_bytes(&bytes, &case.mojo).unwrap();
    let extras = MojoExtras {
        timestamp: Some("2026-01-02T03:04:05.006Z".into()),
        mean_imputation: Some(false),
        distribution: None,
        model_details_json: Some("{\"model_id\": 1}".into()),
    };
    let written = write_mojo_with(&spec, &extras).unwrap();
    let ini = zip_text(&written, "model.ini");
    assert_eq!(ini_value(&ini, "mean_imputation").as_deref(), Some("false"));
    assert_eq!(ini_value(&ini, "cat_modes"), None);
    assert_eq!(
        ini_value(&ini, "timestamp").as_deref(),
        Some("2026-01-02T03:04:05.006Z")
    );
    assert_eq!(
        zip_text(&written, "experimental/modelDetails.json"),
        "{\"model_id\": 1}"
    );

    let mut bad = spec.clone();
    bad.columns[0] = " padded".into();
    let err = model_ini(&bad, &MojoExtras::default()).unwrap_err();
    assert!(err.to_string().contains("cannot be written"), "{err}");

    let mut bad = spec.clone();
    bad.weights[0].pop();
    let err = write_mojo(&bad).unwrap_err();
    assert!(err.to_string().contains("weight_layer0"), "{err}");

    // Levels with line breaks and backslashes survive (escaped as genmodel expects).
    let mut odd = spec;
    let cat = odd.domains.iter().position(Option::is_some).unwrap();
    let levels = odd.domains[cat].as_mut().unwrap();
    levels[0] = "two\nlines\\and\rcr".into();
    let again = read_mojo_spec_bytes(&write_mojo(&odd).unwrap(), "odd").unwrap();
    assert_eq!(again.domains, odd.domains);
}

fn zip_text(bytes: &[u8], entry: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(entry).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn ini_value(ini: &str, key: &str) -> Option<String> {
    ini.lines().find_map(|l| {
        let (k, v) = l.split_once(" = ")?;
        (k == key).then(|| v.to_string())
    })
}
