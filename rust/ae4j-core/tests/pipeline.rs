//! The preprocessing pipeline on the row path: raw rows through a spec score exactly as the
//! transformed rows do without one (synth_tanh, whose columns the example spec derives from
//! differently named raw inputs).

use std::path::PathBuf;

use ae4j_core::convert::Cell;
use ae4j_core::pipeline::{self, Pipeline, Value};
use ae4j_core::scorer::PIPELINE_ROW;
use ae4j_core::{Model, RowScorer, ScoreOptions, Scorer};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn synth_tanh() -> Model {
    ae4j_core::load_model(&fixtures().join("models/synth_tanh.zip")).unwrap()
}

fn example_spec() -> Pipeline {
    let path = fixtures().join("pipeline-examples/synth_tanh.pipeline.json");
    Pipeline::from_json(&std::fs::read(&path).unwrap(), &path.display().to_string()).unwrap()
}

fn mse_named(
    scorer: &Scorer<'_>,
    cells: &[(&str, Cell<'_>)],
) -> Result<f64, ae4j_core::RowFailure> {
    let mut buffers = RowScorer::new(scorer.model());
    buffers.score_named(scorer, cells).map(|s| s.mse)
}

#[test]
fn raw_rows_score_like_the_transformed_rows() {
    let model = synth_tanh();
    let p = example_spec();
    p.check_model(&model, "example").unwrap();
    let plain = Scorer::new(&model, None, ScoreOptions::default());
    let piped = plain.with_pipeline(&p);
    let raw = [
        ("chan", Cell::Text("  WEB ")),
        ("age_months", Cell::Number(420.0)),
        ("country", Cell::Text("DE")),
        ("income_k", Cell::Text("52.5")),
        ("device", Cell::Text("mob")),
        ("score", Cell::Missing),
        ("visits_log", Cell::Number(3f64.ln())),
        ("ratio_pct", Cell::Number(25.0)),
        ("seen", Cell::Text("2024-03-10T12:30:00Z")),
    ];
    let transformed = [
        ("channel", Cell::Text("web")),
        ("age", Cell::Number(35.0)),
        ("country", Cell::Text("DE")),
        ("income", Cell::Number(52.5 * 1000.0)),
        ("device", Cell::Text("mobile")),
        ("score", Cell::Number(0.5)),
        ("visits", Cell::Number(3.0)),
        ("ratio", Cell::Number(0.25)),
    ];
    let want = mse_named(&plain, &transformed).unwrap();
    assert_eq!(mse_named(&piped, &raw).unwrap().to_bits(), want.to_bits());
    let shown = p.apply_named(&raw).unwrap();
    assert!(shown.contains(&("seen_hour".to_string(), Value::Number(12.0))));
    assert!(shown.contains(&("device".to_string(), Value::String("mobile".into()))));
}

#[test]
fn a_domain_error_is_a_row_error_naming_the_step() {
    let model = synth_tanh();
    let p = example_spec();
    let scorer = Scorer::new(&model, None, ScoreOptions::default()).with_pipeline(&p);
    let e = mse_named(&scorer, &[("seen", Cell::Text("noon"))]).unwrap_err();
    assert_eq!(e.kind, PIPELINE_ROW);
    assert_eq!(e.column.as_deref(), Some("seen"));
    assert_eq!(e.message, "input seen: cannot read 'noon' as a timestamp");
    let e = mse_named(&scorer, &[("visits_log", Cell::Number(1000.0))]).unwrap_err();
    assert_eq!(e.column.as_deref(), Some("visits_log"));
    assert_eq!(e.message, "step 7 (derive visits): exp of 1000 overflows");
}

#[test]
fn a_mojo_with_the_entry_loads_unchanged() {
    let model = synth_tanh();
    let bytes = std::fs::read(fixtures().join("models/synth_tanh.zip")).unwrap();
    let p = example_spec().with_fingerprint(&model);
    let with = pipeline::add_to_mojo(&bytes, &p).unwrap();
    let again = ae4j_core::load_model_bytes(&with, "with.zip").unwrap();
    let row = vec![f64::NAN; model.n_features()];
    assert_eq!(
        again.score(&row).unwrap().mse.to_bits(),
        model.score(&row).unwrap().mse.to_bits()
    );
    let read = pipeline::read_bytes(&with, "with.zip", &again)
        .unwrap()
        .unwrap();
    assert_eq!(read.to_json(), p.to_json());
    assert!(pipeline::read_bytes(&bytes, "plain.zip", &model)
        .unwrap()
        .is_none());
}

#[test]
fn another_models_pipeline_is_refused() {
    let model = synth_tanh();
    let other = ae4j_core::load_model(&fixtures().join("models/synth_tanh_nostd.zip")).unwrap();
    let p = example_spec().with_fingerprint(&other);
    let e = p.check_model(&model, "x.zip").unwrap_err().to_string();
    assert!(e.contains("belongs to another model"), "{e}");
}
