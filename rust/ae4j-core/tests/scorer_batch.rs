//! `Scorer::score_batch` (rows converted one by one, the network run in blocks, on every core)
//! against the row path (`RowScorer::score_named`, one row at a time): the same numbers to the
//! bit, the same errors, decisions and explanations, for every fixture model's rows (error rows
//! included), under every converter option, with every output and every hidden layer's deep
//! features.

use ae4j_core::scorer::{Conversion, Outputs, RowFailure, RowSource, ScoreOptions, Scorer};
use ae4j_core::{Cell, DeepFeatures};
use ae4j_fixtures::{load_cases, options, Input, OPTION_KEYS};

/// The fixture rows, cycled to more rows than one worker's chunk so the batch is split.
struct Rows(Vec<Vec<(String, Input)>>);

impl RowSource for Rows {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn convert(&self, i: usize, conversion: &mut Conversion<'_>) -> Result<(), RowFailure> {
        conversion.named(|cells| {
            cells.extend(self.0[i].iter().map(|(k, v)| (k.as_str(), v.cell())));
            Ok(())
        })
    }
}

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn batch_equals_the_row_path_bit_for_bit() {
    let mut compared = 0;
    for case in load_cases() {
        let model = ae4j_core::load_model(&case.mojo_path()).unwrap();
        let inputs: Vec<_> = case.rows.iter().map(|r| r.inputs()).collect();
        let rows = Rows((0..500).map(|i| inputs[i % inputs.len()].clone()).collect());
        let all_layers: Vec<i64> = (0..model.n_hidden_layers() as i64).rev().collect();
        let deep = DeepFeatures::new(&model, &all_layers).unwrap();
        for key in OPTION_KEYS {
            for (outputs, threshold, deep) in [
                (Outputs::default(), None, None),
                (
                    Outputs {
                        per_feature: true,
                        reconstruction: true,
                        explain: 3,
                    },
                    Some(0.01),
                    Some(&deep),
                ),
            ] {
                let options = ScoreOptions {
                    convert: options(key),
                    threshold,
                    outputs,
                };
                let mut scorer = Scorer::new(&model, None, options);
                if let Some(d) = deep {
                    scorer = scorer.with_deep_features(d);
                }
                let batch = scorer.score_batch(&rows);
                assert_eq!(batch.rows(), rows.len());
                let mut buffers = scorer.buffers();
                for (i, cells) in rows.0.iter().enumerate() {
                    let named: Vec<(&str, Cell)> =
                        cells.iter().map(|(k, v)| (k.as_str(), v.cell())).collect();
                    let at = format!("{} {key} row {i}", case.name);
                    match (buffers.score_named(&scorer, &named), batch.row(i)) {
                        (Ok(one), Ok(many)) => {
                            assert_eq!(one.mse.to_bits(), many.mse.to_bits(), "{at}: mse");
                            if outputs.per_feature {
                                assert_eq!(bits(one.squared_errors), bits(many.squared_errors));
                            }
                            if outputs.reconstruction {
                                assert_eq!(bits(one.reconstruction), bits(many.reconstruction));
                            }
                            assert_eq!(bits(one.deep_features), bits(many.deep_features), "{at}");
                            assert_eq!(one.explanation, many.explanation, "{at}");
                            assert_eq!(one.decision, many.decision, "{at}");
                            compared += 1;
                        }
                        (Err(one), Err(many)) => assert_eq!(&one, many, "{at}"),
                        (one, many) => panic!("{at}: row path {one:?}, batch {many:?}"),
                    }
                }
            }
        }
    }
    assert!(compared > 10_000, "{compared} rows compared");
}
