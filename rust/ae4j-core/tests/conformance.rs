//! Every fixture row, under every genmodel option, against real H2O's numbers: h2o-genmodel's
//! reconstruction, original and MSE (or its exception), and the H2O server's MSE, per-feature
//! squared errors and reconstruction. The fixtures come from H2O 3.46.0.7 (tests/fixtures).

use std::collections::BTreeMap;

use ae4j_core::{Cell, Model, RowError};
use ae4j_fixtures::{
    doubles, load_cases, load_exactness_floors, options, Case, ExactnessFloor, Outcome, Row, Tally,
    OPTION_KEYS,
};

fn convert(model: &Model, row: &Row, key: &str) -> Result<Vec<f64>, RowError> {
    let inputs = row.inputs();
    let cells: Vec<(&str, Cell)> = inputs.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
    let mut raw = vec![f64::NAN; model.n_features()];
    model.convert_row(&cells, options(key), &mut raw)?;
    Ok(raw)
}

fn check_case(case: &Case, tally: &mut Tally) {
    let model = ae4j_core::load_model(&case.mojo_path()).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = model.columns().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, case.columns, "{}: columns", case.name);
    let domains: Vec<Option<Vec<String>>> =
        model.columns().iter().map(|c| c.domain.clone()).collect();
    assert_eq!(domains, case.domains, "{}: domains", case.name);
    assert_eq!(
        model.slot_names(),
        case.slot_names,
        "{}: slot names",
        case.name
    );

    for row in &case.rows {
        for key in OPTION_KEYS {
            let Some(expected) = row.genmodel.get(key) else {
                tally.fail(format!(
                    "{} row {}: no genmodel result for {key}",
                    case.name, row.id
                ));
                continue;
            };
            let at = format!(
                "{} row {} ({}) [{key}]",
                case.name,
                row.id,
                row.note.as_deref().unwrap_or(&row.kind)
            );
            let ours = convert(&model, row, key);
            match (expected, ours) {
                (Outcome::Error { error }, Err(e)) => {
                    if e.exception_name() != error.simple_class() || e.to_string() != error.message
                    {
                        tally.fail(format!(
                            "{at}: error {}: {e}, expected {}: {}",
                            e.exception_name(),
                            error.simple_class(),
                            error.message
                        ));
                    } else {
                        tally.check(&at, 0.0, 0.0);
                    }
                }
                (Outcome::Error { error }, Ok(_)) if row.is_deliberate_fix(error) => {
                    tally.check(&at, 0.0, 0.0)
                }
                (Outcome::Error { error }, Ok(_)) => tally.fail(format!(
                    "{at}: scored, expected {}: {}",
                    error.class, error.message
                )),
                (Outcome::Scored(_), Err(e)) => tally.fail(format!("{at}: unexpected error {e}")),
                (Outcome::Scored(g), Ok(raw)) => {
                    let score = model.score(&raw).unwrap_or_else(|e| panic!("{at}: {e}"));
                    tally.check_all(
                        format_args!("{at} reconstructed"),
                        &score.reconstructed,
                        &doubles(&g.reconstructed),
                    );
                    tally.check_all(
                        format_args!("{at} original"),
                        &score.original,
                        &doubles(&g.original),
                    );
                    check_mse(tally, &at, row, score.mse, g.mse.0, &score.reconstructed);
                    if key == "default" {
                        check_server(tally, &at, row, &score);
                    }
                }
            }
        }
    }
}

/// genmodel's MSE where it is a number; the server's (finite) one where genmodel's is NaN only
/// because a numeric input is missing.
fn check_mse(
    tally: &mut Tally,
    at: &str,
    row: &Row,
    ours: f64,
    genmodel: f64,
    reconstructed: &[f64],
) {
    if !genmodel.is_nan() || reconstructed.iter().any(|v| v.is_nan()) {
        tally.check(format_args!("{at} mse"), ours, genmodel);
    } else if let Some(server) = &row.server {
        tally.check(format_args!("{at} mse (server)"), ours, server.mse.0);
    } else if !ours.is_finite() {
        tally.fail(format!(
            "{at}: mse {ours}, expected a finite MSE where genmodel's is NaN"
        ));
    }
}

fn check_server(tally: &mut Tally, at: &str, row: &Row, score: &ae4j_core::RowScore) {
    let Some(server) = &row.server else { return };
    tally.check(format_args!("{at} server mse"), score.mse, server.mse.0);
    tally.check_all(
        format_args!("{at} server per-feature"),
        &score.squared_errors,
        &doubles(&server.per_feature_se),
    );
    tally.check_all(
        format_args!("{at} server reconstruction"),
        &score.reconstructed,
        &doubles(&server.reconstruction),
    );
}

#[test]
fn every_fixture_row_matches_h2o() {
    let cases = load_cases();
    assert!(
        cases.len() >= 6,
        "expected at least 6 fixture models, found {}",
        cases.len()
    );
    let floors = load_exactness_floors();
    let mut total = Tally::default();
    for case in &cases {
        let mut tally = Tally::default();
        check_case(case, &mut tally);
        eprintln!(
            "{}: {} rows: {}",
            case.name,
            case.rows.len(),
            tally.summary()
        );
        tally.assert_ok(&case.name);
        assert_floor(&floors, &case.name, &tally);
        total.compared += tally.compared;
        total.identical += tally.identical;
        total.worst_rel = total.worst_rel.max(tally.worst_rel);
    }
    eprintln!("all fixtures: {}", total.summary());
    assert_floor(&floors, "all", &total);
    assert_eq!(
        floors.len(),
        cases.len() + 1,
        "exactness.json: one floor per model, and `all`"
    );
}

/// Exactness as a regression floor: within tolerance is not enough, the share of bit-identical
/// values and the worst gap the README states must hold too (tests/fixtures/exactness.json).
fn assert_floor(floors: &BTreeMap<String, ExactnessFloor>, name: &str, tally: &Tally) {
    let floor = floors
        .get(name)
        .unwrap_or_else(|| panic!("tests/fixtures/exactness.json has no floor for {name}"));
    assert_eq!(
        tally.compared, floor.compared,
        "{name}: the suite compared {} values, exactness.json says {}: update the floor",
        tally.compared, floor.compared
    );
    assert!(
        tally.identical >= floor.min_identical,
        "{name}: {} bit-identical values, below the floor of {}",
        tally.identical,
        floor.min_identical
    );
    assert!(
        tally.worst_rel <= floor.max_relative_gap,
        "{name}: worst relative gap {:e}, above the floor of {:e}",
        tally.worst_rel,
        floor.max_relative_gap
    );
}

#[test]
fn batch_gives_the_single_row_bits() {
    for case in load_cases() {
        let model = ae4j_core::load_model(&case.mojo_path()).unwrap();
        let raws: Vec<Vec<f64>> = case
            .rows
            .iter()
            .filter_map(|r| convert(&model, r, "both_to_na").ok())
            .collect();
        let flat: Vec<f64> = raws.concat();
        let matrix =
            ndarray::ArrayView2::from_shape((raws.len(), model.n_features()), &flat).unwrap();
        let batch = model.score_batch(matrix).unwrap();
        for (i, raw) in raws.iter().enumerate() {
            let one = model.score(raw).unwrap();
            assert_eq!(
                one.mse.to_bits(),
                batch.mse[i].to_bits(),
                "{} row {i}",
                case.name
            );
            for (a, b) in one.reconstructed.iter().zip(batch.reconstructed.row(i)) {
                assert_eq!(a.to_bits(), b.to_bits(), "{} row {i}", case.name);
            }
        }
    }
}

#[test]
fn hidden_layers_have_their_sizes() {
    for case in load_cases() {
        let model = ae4j_core::load_model(&case.mojo_path()).unwrap();
        let raw = vec![f64::NAN; model.n_features()];
        let sizes = model.layer_sizes();
        for layer in 0..sizes.len() - 2 {
            let h = model.hidden_layer(&raw, layer).unwrap();
            assert_eq!(h.len(), sizes[layer + 1]);
            assert!(h.iter().all(|v| v.is_finite()));
        }
        assert!(model.hidden_layer(&raw, sizes.len() - 2).is_err());
        // A cell typed like a Java Boolean is rejected for any column.
        let e = model
            .convert_cell(0, Cell::Other("java.lang.Boolean"), Default::default())
            .unwrap_err();
        assert_eq!(e.exception_name(), "PredictUnknownTypeException");
    }
}
