//! ae4j's anomaly decisions against an independent reference: numpy's threshold, percentiles
//! and explanations computed from the H2O server's recorded MSEs and per-slot errors
//! (tests/fixtures/decisions, made by tests/generate/decisions_reference.py, never by ae4j).
//! A wrong quantile, percentile or share formula fails here, on every fixture model.

use ae4j_core::calibration::{explain, Calibration, ThresholdRule};
use ae4j_core::{Cell, Model, RowScore};
use ae4j_fixtures::{load_cases, load_decision_reference, options, Case, Row, Tally};

/// The server scores unknown levels and unparsable numbers as missing: so does ae4j with both
/// of genmodel's converter options on.
fn score_like_the_server(model: &Model, row: &Row) -> RowScore {
    let inputs = row.inputs();
    let cells: Vec<(&str, Cell)> = inputs.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
    let mut raw = vec![f64::NAN; model.n_features()];
    model
        .convert_row(&cells, options("both_to_na"), &mut raw)
        .unwrap_or_else(|e| panic!("row {}: {e}", row.id));
    model
        .score(&raw)
        .unwrap_or_else(|e| panic!("row {}: {e}", row.id))
}

/// ae4j's calibration from the same normal rows the reference used.
fn calibrate(model: &Model, case: &Case) -> Calibration {
    let mses: Vec<f64> = case
        .rows
        .iter()
        .filter(|r| r.kind == "normal" && r.server.is_some())
        .map(|r| score_like_the_server(model, r).mse)
        .collect();
    Calibration::from_scores(
        model,
        mses,
        0,
        ThresholdRule::Quantile(0.99),
        String::new(),
        None,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

fn check_model(case: &Case, tally: &mut Tally) {
    let reference = load_decision_reference(&case.name);
    let model = ae4j_core::load_model(&case.mojo_path()).unwrap_or_else(|e| panic!("{e}"));
    let calibration = calibrate(&model, case);
    let wanted = &reference.calibration;
    assert_eq!(
        calibration.rows, wanted.rows,
        "{}: calibration rows",
        case.name
    );
    tally.check("threshold", calibration.threshold, wanted.threshold);
    tally.check_all(
        "distribution",
        &calibration.distribution,
        &wanted.distribution,
    );

    assert!(
        !reference.rows.is_empty(),
        "{}: no reference rows",
        case.name
    );
    for want in &reference.rows {
        let at = format!("{} row {}", case.name, want.id);
        let row = case.rows.iter().find(|r| r.id == want.id);
        let row = row.unwrap_or_else(|| panic!("{at}: not in the case file"));
        let score = score_like_the_server(&model, row);
        tally.check(format_args!("{at} mse"), score.mse, want.mse.0);
        let decision = calibration.decide(score.mse, None);
        if decision.anomaly != want.anomaly {
            tally.fail(format!(
                "{at}: anomaly {}, expected {}",
                decision.anomaly, want.anomaly
            ));
        }
        let percentile = decision.percentile.unwrap_or(f64::NAN);
        tally.check(
            format_args!("{at} percentile"),
            percentile,
            want.percentile.unwrap_or(f64::NAN),
        );
        check_explanation(tally, &at, &model, &score, &want.explanation);
    }
}

fn check_explanation(
    tally: &mut Tally,
    at: &str,
    model: &Model,
    score: &RowScore,
    want: &[(String, f64)],
) {
    let ours = explain(model, &score.squared_errors, model.n_features());
    if ours.len() != want.len() {
        tally.fail(format!(
            "{at}: {} explained columns, expected {}",
            ours.len(),
            want.len()
        ));
        return;
    }
    for (i, ((column, share), (want_column, want_share))) in ours.iter().zip(want).enumerate() {
        let name = &model.columns()[*column].name;
        if name != want_column {
            tally.fail(format!(
                "{at}: top {} is {name}, expected {want_column}",
                i + 1
            ));
        }
        tally.check(format_args!("{at} share of {name}"), *share, *want_share);
    }
}

#[test]
fn decisions_equal_the_numpy_reference_on_every_fixture_model() {
    let cases = load_cases();
    for case in &cases {
        let mut tally = Tally::default();
        check_model(case, &mut tally);
        eprintln!("{}: {}", case.name, tally.summary());
        tally.assert_ok(&case.name);
    }
}
