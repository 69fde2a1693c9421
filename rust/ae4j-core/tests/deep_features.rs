//! Deep features against the H2O server's own `model.deepfeatures(frame, L)`
//! (tests/fixtures/deepfeatures): every fixture model, every hidden layer, every row a frame can
//! hold, through the row path and the batch path, one layer and several at once.

use ae4j_core::forward::BatchScratch;
use ae4j_core::{BatchOutputs, DeepFeatures, Model, Scratch};
use ae4j_fixtures::{doubles, load_cases_with_deep_features, server_raw, Tally};
use ndarray::{Array1, Array2};

/// The fixture rows the server scored: (case row id, raw row, H2O's values per hidden layer).
type ServerRows = Vec<(u64, Vec<f64>, Vec<Vec<f64>>)>;

fn server_rows(
    model: &Model,
    case: &ae4j_fixtures::Case,
    deep: &ae4j_fixtures::DeepFeatureCase,
) -> ServerRows {
    case.rows
        .iter()
        .zip(&deep.rows)
        .filter_map(|(row, d)| {
            assert_eq!(row.id, d.id, "{}: row order", case.name);
            let layers = d.deep_features.as_ref()?;
            let raw = server_raw(model, row).unwrap_or_else(|e| {
                panic!(
                    "{} row {}: the server row does not convert: {e}",
                    case.name, row.id
                )
            });
            Some((row.id, raw, layers.iter().map(|l| doubles(l)).collect()))
        })
        .collect()
}

/// H2O's values for `features` (layers in the order chosen), side by side.
fn expected(features: &DeepFeatures, per_layer: &[Vec<f64>]) -> Vec<f64> {
    features
        .layers()
        .iter()
        .flat_map(|&l| per_layer[l].clone())
        .collect()
}

/// Single layers, then every layer at once in an order that is not H2O's.
fn choices(model: &Model) -> Vec<DeepFeatures> {
    let n = model.n_hidden_layers() as i64;
    let mut all: Vec<i64> = (0..n).rev().collect();
    all.rotate_left(1);
    (0..n)
        .map(|l| model.deep_features(&[l]).unwrap())
        .chain([model.deep_features(&all).unwrap()])
        .collect()
}

#[test]
fn row_path_equals_h2o_for_every_model_and_layer() {
    let mut tally = Tally::default();
    for (case, deep) in load_cases_with_deep_features() {
        let model = ae4j_core::load_model(&deep.mojo_path()).unwrap();
        let rows = server_rows(&model, &case, &deep);
        assert!(rows.len() > 70, "{}: {} server rows", case.name, rows.len());
        let mut scratch = Scratch::new(&model);
        let n = model.n_slots();
        for features in choices(&model) {
            let mut out = vec![0.0; features.width()];
            let (mut rec, mut se, mut with_scores) =
                (vec![0.0; n], vec![0.0; n], vec![0.0; features.width()]);
            for (id, raw, h2o) in &rows {
                let at = format!("{} row {id} layers {:?}", case.name, features.layers());
                let want = expected(&features, h2o);
                model
                    .deep_features_into(raw, &features, &mut scratch, &mut out)
                    .unwrap();
                tally.check_all(&at, &out, &want);
                // The same forward pass as scoring: identical bits, and the MSE is the plain one.
                let mse = model
                    .score_with_features_into(
                        raw,
                        &mut scratch,
                        &mut rec,
                        &mut se,
                        &features,
                        &mut with_scores,
                    )
                    .unwrap();
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&with_scores), bits(&out), "{at}: with scores");
                assert_eq!(
                    mse.to_bits(),
                    model.score(raw).unwrap().mse.to_bits(),
                    "{at}: mse"
                );
            }
        }
    }
    println!("deep features, row path: {}", tally.summary());
    tally.assert_ok("deep features (row path)");
}

#[test]
fn batch_path_equals_the_row_path_bit_for_bit() {
    let mut compared = 0;
    for (case, deep) in load_cases_with_deep_features() {
        let model = ae4j_core::load_model(&deep.mojo_path()).unwrap();
        let rows = server_rows(&model, &case, &deep);
        let flat: Vec<f64> = rows.iter().flat_map(|(_, raw, _)| raw.clone()).collect();
        let batch = Array2::from_shape_vec((rows.len(), model.n_features()), flat).unwrap();
        let mut scratch = BatchScratch::new(&model);
        let n = model.n_slots();
        for features in choices(&model) {
            // Deep features alone (the network stops at the deepest chosen layer) ...
            let alone = model.deep_features_batch(batch.view(), &features).unwrap();
            // ... and together with every score output, from one forward pass.
            let (mut rec, mut se, mut mse) = (
                Array2::zeros((rows.len(), n)),
                Array2::zeros((rows.len(), n)),
                Array1::zeros(rows.len()),
            );
            let mut together = Array2::zeros((rows.len(), features.width()));
            let outputs = BatchOutputs {
                reconstructed: Some(rec.view_mut()),
                squared_errors: Some(se.view_mut()),
                mse: Some(mse.view_mut()),
                deep_features: Some((&features, together.view_mut())),
            };
            model
                .score_batch_outputs(batch.view(), outputs, &mut scratch)
                .unwrap();
            let plain = model.score_batch(batch.view()).unwrap();
            for (i, (id, raw, _)) in rows.iter().enumerate() {
                let at = format!("{} row {id} layers {:?}", case.name, features.layers());
                let mut one = vec![0.0; features.width()];
                model
                    .deep_features_into(raw, &features, &mut Scratch::new(&model), &mut one)
                    .unwrap();
                for (j, &v) in one.iter().enumerate() {
                    assert_eq!(
                        alone[[i, j]].to_bits(),
                        v.to_bits(),
                        "{at}: alone, unit {j}"
                    );
                    assert_eq!(
                        together[[i, j]].to_bits(),
                        v.to_bits(),
                        "{at}: with scores, unit {j}"
                    );
                    compared += 1;
                }
                assert_eq!(mse[i].to_bits(), plain.mse[i].to_bits(), "{at}: mse");
                for s in 0..n {
                    assert_eq!(
                        rec[[i, s]].to_bits(),
                        plain.reconstructed[[i, s]].to_bits(),
                        "{at}: rec {s}"
                    );
                    assert_eq!(
                        se[[i, s]].to_bits(),
                        plain.squared_errors[[i, s]].to_bits(),
                        "{at}: se {s}"
                    );
                }
            }
        }
    }
    assert!(compared > 0);
    println!("deep features, batch path: {compared} values bit-identical to the row path");
}

#[test]
fn names_and_bad_layers_follow_h2o() {
    for (case, deep) in load_cases_with_deep_features() {
        let model = ae4j_core::load_model(&deep.mojo_path()).unwrap();
        assert_eq!(
            model.n_hidden_layers(),
            deep.hidden_layers.len(),
            "{}",
            case.name
        );
        for h in &deep.hidden_layers {
            let features = model.deep_features(&[h.layer as i64]).unwrap();
            assert_eq!(
                features.column_names(),
                h.columns,
                "{} layer {}",
                case.name,
                h.layer
            );
        }
        // H2O: "hidden layer (index) to extract must be between 0 and 2"; ae4j says the same.
        for bad in [deep.out_of_range.layer as i64, -1] {
            let e = model.deep_features(&[bad]).unwrap_err().to_string();
            assert!(
                e.ends_with(&deep.out_of_range.h2o_error),
                "{}: {e}",
                case.name
            );
            assert!(
                e.starts_with(&format!("hidden layer {bad} does not exist")),
                "{e}"
            );
        }
        let raw = vec![f64::NAN; model.n_features()];
        assert!(model.hidden_layer(&raw, deep.out_of_range.layer).is_err());
    }
}
