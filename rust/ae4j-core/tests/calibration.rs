//! Anomaly decisions: thresholds against numpy, percentiles, explanations, and calibrations
//! stored with (and only with) their own model.

use std::collections::BTreeMap;

use ae4j_core::calibration::{self, Calibration, ThresholdRule};
use ae4j_core::{Cell, ConvertOptions, Model};
use ae4j_fixtures::{fixtures_dir, load_cases, Case};
use serde::Deserialize;

#[derive(Deserialize)]
struct NumpyQuantiles {
    quantiles: Vec<f64>,
    models: BTreeMap<String, NumpyModel>,
}

#[derive(Deserialize)]
struct NumpyModel {
    rows: usize,
    values: Vec<f64>,
}

fn normal_mses(model: &Model, case: &Case) -> Vec<f64> {
    case.rows
        .iter()
        .filter(|r| r.kind == "normal" && r.server.is_some())
        .map(|r| {
            let inputs = r.inputs();
            let cells: Vec<(&str, Cell)> =
                inputs.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
            let mut raw = vec![f64::NAN; model.n_features()];
            model
                .convert_row(&cells, ConvertOptions::default(), &mut raw)
                .unwrap();
            model.score(&raw).unwrap().mse
        })
        .collect()
}

fn calibrate(model: &Model, mses: Vec<f64>, rule: ThresholdRule) -> Calibration {
    Calibration::from_scores(model, mses, 0, rule, "2026-11-25T00:00:00Z".into(), None).unwrap()
}

#[test]
fn thresholds_are_numpy_quantiles() {
    let text =
        std::fs::read_to_string(fixtures_dir().join("calibration/numpy_quantiles.json")).unwrap();
    let numpy: NumpyQuantiles = serde_json::from_str(&text).unwrap();
    for case in load_cases() {
        let model = ae4j_core::load_model(&case.mojo_path()).unwrap();
        let mses = normal_mses(&model, &case);
        let expected = &numpy.models[&case.name];
        assert_eq!(mses.len(), expected.rows, "{}", case.name);
        for (q, want) in numpy.quantiles.iter().zip(&expected.values) {
            let got = calibrate(&model, mses.clone(), ThresholdRule::Quantile(*q)).threshold;
            assert!(
                (got - want).abs() <= 1e-12 * want.abs(),
                "{} q={q}: {got} vs numpy {want}",
                case.name
            );
        }
    }
}

#[test]
fn percentiles_are_monotone_from_0_to_1() {
    let case = load_cases()
        .into_iter()
        .find(|c| c.name == "synth_tanh")
        .unwrap();
    let model = ae4j_core::load_model(&case.mojo_path()).unwrap();
    let mut mses = normal_mses(&model, &case);
    let c = calibrate(&model, mses.clone(), ThresholdRule::Quantile(0.9));
    mses.sort_by(f64::total_cmp);
    let (min, max) = (mses[0], mses[mses.len() - 1]);
    assert_eq!(c.percentile(min), 0.0);
    assert_eq!(c.percentile(min / 2.0), 0.0);
    assert_eq!(c.percentile(max * 1.0001), 1.0);
    let mut last = 0.0;
    for i in 0..=10_000 {
        let x = min + (max - min) * i as f64 / 10_000.0;
        let p = c.percentile(x);
        assert!(
            p >= last && (0.0..=1.0).contains(&p),
            "not monotone at {x}: {p} < {last}"
        );
        last = p;
    }
    // The threshold's percentile is its quantile, to the distribution's resolution.
    assert!(
        (c.percentile(c.threshold) - 0.9).abs() < 2e-3,
        "{}",
        c.percentile(c.threshold)
    );
    // Each calibration row: the share of rows strictly below it, to ~0.1% plus interpolation.
    for (i, &m) in mses.iter().enumerate() {
        let below = mses.iter().filter(|&&o| o < m).count() as f64 / (mses.len() - 1) as f64;
        assert!(
            (c.percentile(m) - below).abs() < 0.03,
            "row {i}: {} vs {below}",
            c.percentile(m)
        );
    }
    assert!(c.percentile(f64::NAN).is_nan());
}

#[test]
fn decisions_without_a_calibration_are_not_invented() {
    assert_eq!(calibration::decide(None, None, 5.0), None);
    let d = calibration::decide(None, Some(1.0), 5.0).unwrap();
    assert!(d.anomaly && d.percentile.is_none());
    let case = load_cases()
        .into_iter()
        .find(|c| c.name == "synth_tanh")
        .unwrap();
    let model = ae4j_core::load_model(&case.mojo_path()).unwrap();
    let c = calibrate(
        &model,
        normal_mses(&model, &case),
        ThresholdRule::Fixed(0.5),
    );
    assert!(!c.decide(0.4, None).anomaly && c.decide(0.6, None).anomaly);
    assert!(
        !c.decide(0.6, Some(0.7)).anomaly,
        "a run-time threshold overrides"
    );
}

#[test]
fn explanations_sum_categorical_slots_into_their_column() {
    let case = load_cases()
        .into_iter()
        .find(|c| c.name == "synth_tanh")
        .unwrap();
    let model = ae4j_core::load_model(&case.mojo_path()).unwrap();
    let row = case
        .rows
        .iter()
        .find(|r| r.kind == "normal" && r.input.len() == 8)
        .unwrap();
    let inputs = row.inputs();
    let cells: Vec<(&str, Cell)> = inputs.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
    let mut raw = vec![f64::NAN; model.n_features()];
    model
        .convert_row(&cells, ConvertOptions::default(), &mut raw)
        .unwrap();
    let score = model.score(&raw).unwrap();

    // By hand, from H2O's slot names: `<col>.<level>` and `<col>.missing(NA)` belong to <col>.
    let total: f64 = score.squared_errors.iter().sum();
    let mut by_hand: BTreeMap<String, f64> = BTreeMap::new();
    for (name, se) in model.slot_names().iter().zip(&score.squared_errors) {
        let column = model
            .columns()
            .iter()
            .map(|c| &c.name)
            .find(|c| name == *c || name.starts_with(&format!("{c}.")))
            .unwrap();
        *by_hand.entry(column.clone()).or_default() += se / total;
    }
    let all = calibration::explain(&model, &score.squared_errors, 100);
    assert_eq!(all.len(), model.n_features());
    assert!((all.iter().map(|(_, s)| s).sum::<f64>() - 1.0).abs() < 1e-12);
    for (column, share) in &all {
        let name = &model.columns()[*column].name;
        assert!(
            (share - by_hand[name]).abs() < 1e-12,
            "{name}: {share} vs {}",
            by_hand[name]
        );
    }
    assert!(all.windows(2).all(|w| w[0].1 >= w[1].1), "largest first");
    assert_eq!(
        calibration::explain(&model, &score.squared_errors, 2),
        all[..2].to_vec()
    );
    assert!(calibration::explain(&model, &vec![0.0; model.n_slots()], 3).is_empty());
}

#[test]
fn calibrations_travel_with_their_model_only() {
    let dir = std::env::temp_dir().join(format!("ae4j-calibration-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = load_cases()
        .into_iter()
        .find(|c| c.name == "synth_tanh")
        .unwrap();
    let model = ae4j_core::load_model(&case.mojo_path()).unwrap();
    let c = calibrate(
        &model,
        normal_mses(&model, &case),
        ThresholdRule::Quantile(0.99),
    );

    // MOJO: an extra entry; the calibrated zip is the same model.
    let calibrated =
        calibration::add_to_mojo(&std::fs::read(case.mojo_path()).unwrap(), &c).unwrap();
    let path = dir.join("calibrated.zip");
    std::fs::write(&path, &calibrated).unwrap();
    let reloaded = ae4j_core::load_model(&path).unwrap();
    assert_eq!(
        calibration::fingerprint(&reloaded),
        calibration::fingerprint(&model)
    );
    assert_eq!(
        calibration::read(&path, &reloaded).unwrap(),
        Some(c.clone())
    );
    assert_eq!(
        calibration::read_bytes(&calibrated, "calibrated.zip", &reloaded).unwrap(),
        Some(c.clone())
    );
    assert_eq!(calibration::read(&case.mojo_path(), &model).unwrap(), None);
    // Calibrating again replaces the entry.
    let again = calibration::add_to_mojo(&calibrated, &c).unwrap();
    assert_eq!(
        zip::ZipArchive::new(std::io::Cursor::new(&again))
            .unwrap()
            .len(),
        zip::ZipArchive::new(std::io::Cursor::new(&calibrated))
            .unwrap()
            .len()
    );

    // The POJO of the same model accepts it (same fingerprint); its sidecar is found.
    let pojo = dir.join("synth_tanh.java");
    std::fs::copy(fixtures_dir().join("models/synth_tanh.java"), &pojo).unwrap();
    std::fs::write(calibration::sidecar_path(&pojo), c.to_json()).unwrap();
    let pojo_model = ae4j_core::load_model(&pojo).unwrap();
    assert_eq!(
        calibration::read(&pojo, &pojo_model).unwrap(),
        Some(c.clone())
    );

    // Another model refuses it, naming the reason.
    let other = ae4j_core::load_model(&fixtures_dir().join("models/breast_cancer_tanhdropout.zip"))
        .unwrap();
    let e = calibration::read(&path, &other).unwrap_err().to_string();
    assert!(e.contains("belongs to another model"), "{e}");
    let foreign = dir.join("foreign.zip");
    std::fs::write(
        &foreign,
        calibration::add_to_mojo(
            &std::fs::read(fixtures_dir().join("models/breast_cancer_tanhdropout.zip")).unwrap(),
            &c,
        )
        .unwrap(),
    )
    .unwrap();
    let e = calibration::read(&foreign, &ae4j_core::load_model(&foreign).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("foreign.zip") && e.contains("belongs to another model"),
        "{e}"
    );
}

#[test]
fn the_committed_calibrated_fixture_is_valid() {
    // tests/fixtures/calibration/synth_tanh.calibrated.zip: `ae4j calibrate --quantile 0.99` on
    // examples/normal.csv; the Java suite checks that h2o-genmodel scores it unchanged.
    let path = fixtures_dir().join("calibration/synth_tanh.calibrated.zip");
    let model = ae4j_core::load_model(&path).unwrap();
    let c = calibration::read(&path, &model)
        .unwrap()
        .expect("calibrated");
    assert_eq!((c.quantile, c.rows, c.rows_left_out), (Some(0.99), 40, 0));
    assert_eq!(c.distribution.len(), calibration::DISTRIBUTION_POINTS);
    let plain = ae4j_core::load_model(&fixtures_dir().join("models/synth_tanh.zip")).unwrap();
    assert_eq!(calibration::fingerprint(&plain), c.model_fingerprint);
}
