//! A model with a preprocessing pipeline on the H2O flow: the frame's columns are the
//! pipeline's **raw inputs** (by name), so each row goes through the core's row path (the
//! pipeline, then genmodel's conversion, then the score) instead of `score.rs`'s column
//! matching. H2O's `adaptTestForTrain` semantics are kept where they apply: a level the model
//! was not trained on, or a number that does not parse, is NA rather than an error. A pipeline
//! row error (a domain error, a bad timestamp) fails the request with H2O's error answer,
//! naming the row, the step and the column, since H2O's predictions have no per-row errors.

use ae4j_core::deep::DeepFeatures;
use ae4j_core::pipeline::Pipeline;
use ae4j_core::scorer::Scorer;
use ae4j_core::scorer::{BatchScores, Conversion, Outputs, RowFailure, RowSource, ScoreOptions};
use ae4j_core::{Cell, ConvertOptions, Model};

use super::frames::{Col, ColData, Frame};
use super::score::{deep_features, names, Output, Scored};
use super::H2oError;

/// A frame's rows as named raw cells: a numeric column's numbers, a categorical's level texts,
/// a string column's texts; NA is missing (absent from the row).
struct RawRows<'f> {
    frame: &'f Frame,
}

fn cell(col: &Col, row: usize) -> Option<Cell<'_>> {
    match &col.data {
        ColData::Num(v) => Some(v[row]).filter(|x| !x.is_nan()).map(Cell::Number),
        ColData::Enum { domain, codes } => {
            let c = codes[row];
            (!c.is_nan()).then(|| Cell::Text(&domain[c as usize]))
        }
        ColData::Str(v) => v[row].as_deref().map(Cell::Text),
    }
}

impl RowSource for RawRows<'_> {
    fn len(&self) -> usize {
        self.frame.rows
    }

    fn convert(&self, i: usize, conversion: &mut Conversion<'_>) -> Result<(), RowFailure> {
        conversion.named(|out| {
            out.extend(
                self.frame
                    .cols
                    .iter()
                    .filter_map(|c| cell(c, i).map(|cell| (c.name.as_str(), cell))),
            );
            Ok(())
        })
    }
}

/// Scores every row of `frame`, whose columns are `pipeline`'s raw inputs.
pub fn score(
    model: &Model,
    pipeline: &Pipeline,
    frame: &Frame,
    output: Output,
) -> Result<Scored, H2oError> {
    let features = match output {
        Output::DeepFeatures(l) => deep_features(model, l as i64).map_err(|last| {
            H2oError::precondition(format!(
                "hidden layer (index) to extract must be between 0 and {last}"
            ))
        })?,
        _ => DeepFeatures::none(),
    };
    let options = ScoreOptions {
        // adaptTestForTrain: unknown levels are NA; a frame holds no unparsable numbers.
        convert: ConvertOptions {
            unknown_categorical_to_na: true,
            invalid_number_to_na: true,
        },
        threshold: None,
        outputs: Outputs {
            per_feature: output == Output::PerFeature,
            reconstruction: output == Output::Reconstruction,
            explain: 0,
        },
    };
    let scorer = Scorer::new(model, None, options)
        .with_deep_features(&features)
        .with_pipeline(pipeline);
    let batch = scorer.score_batch(&RawRows { frame });
    if let Some((i, f)) = batch.first_error() {
        return Err(H2oError::bad_request(format!(
            "row {i} of the frame: {} (the model's pipeline reads the frame's columns as its raw inputs)",
            f.typed()
        )));
    }
    let cols = columns(&batch, output)
        .into_iter()
        .zip(names(model, output))
        .map(|(v, n)| Col::num(n, v))
        .collect();
    Ok(Scored {
        cols,
        mse: batch.mse,
        warnings: missing_inputs(pipeline, frame),
    })
}

/// H2O's warning for each raw input the frame lacks (missing in every row, as H2O substitutes
/// a column of NaN for a model column the frame lacks).
fn missing_inputs(pipeline: &Pipeline, frame: &Frame) -> Vec<String> {
    pipeline
        .inputs()
        .iter()
        .filter(|i| frame.col(&i.name).is_none())
        .map(|i| {
            format!(
                "Test/Validation dataset is missing column '{}': substituting in a column of NaN",
                i.name
            )
        })
        .collect()
}

/// The output's columns from the batch's row-major values.
fn columns(batch: &BatchScores, output: Output) -> Vec<Vec<f64>> {
    let (values, width) = match output {
        Output::Mse => return vec![batch.mse.clone()],
        Output::PerFeature => (&batch.se, batch.slots),
        Output::Reconstruction => (&batch.recon, batch.slots),
        Output::DeepFeatures(_) => (&batch.deep, batch.deep_width),
    };
    (0..width)
        .map(|j| values.iter().skip(j).step_by(width).copied().collect())
        .collect()
}
