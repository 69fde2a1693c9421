//! Deep features on the Java route (issue #21): the activations of one hidden layer, with a
//! row's or a batch's scores from the same forward pass, or alone for raw rows. Each crosses
//! JNI once per row or per batch chunk, like the scores.

use ae4j_core::scorer::{ScoreOptions, Scorer};
use ae4j_core::{DeepFeatures, Model};
use jni::objects::JDoubleArray;
use jni::refs::Reference as _;
use jni::sys::{jdouble, jint};
use jni::Env;

use crate::bridge::{self, illegal, BatchArrays, RowArrays};
use crate::decision;
use crate::error::BridgeResult;
use crate::handle::Loaded;

/// Hidden layer `layer` of `model`, or an IllegalArgumentException naming the valid range.
pub(crate) fn layer(model: &Model, layer: jint) -> BridgeResult<DeepFeatures> {
    model
        .deep_features(&[i64::from(layer)])
        .map_err(|e| illegal(e.to_string()))
}

/// Scores one raw row and writes hidden layer `layer`'s activations to `deep_out`; with a
/// non-null `decision_out`, also the row's decision (layout in [`decision`]; `threshold` NaN:
/// none given), all in one call.
#[allow(clippy::too_many_arguments)]
pub fn score_deep(
    env: &mut Env<'_>,
    loaded: &Loaded,
    raw: &JDoubleArray<'_>,
    reconstructed: &JDoubleArray<'_>,
    squared_errors: &JDoubleArray<'_>,
    hidden_layer: jint,
    deep_out: &JDoubleArray<'_>,
    threshold: jdouble,
    explain: jint,
    decision_out: &JDoubleArray<'_>,
) -> BridgeResult<jdouble> {
    let features = layer(&loaded.model, hidden_layer)?;
    bridge::non_null(deep_out, "deep features output")?;
    let outputs = RowArrays {
        reconstructed,
        squared_errors,
        deep: Some((&features, deep_out)),
    };
    if decision_out.is_null() {
        let scorer =
            Scorer::new(&loaded.model, None, ScoreOptions::default()).with_deep_features(&features);
        return bridge::score_row(env, &scorer, raw, outputs, |_, _| Ok(()));
    }
    let threshold = decision::threshold_arg(threshold)?;
    let k = decision::explain_count(loaded, explain)?;
    let stride = decision::stride(k);
    bridge::check_len(env, decision_out, "decision output", stride)?;
    let scorer = decision::scorer(loaded, threshold, k).with_deep_features(&features);
    bridge::score_row(env, &scorer, raw, outputs, |env, scored| {
        let mut out = vec![0.0; stride];
        decision::write_decision(scored.decision, scored.explanation, k, &mut out);
        Ok(decision_out.set_region(env, 0, &out)?)
    })
}

/// Scores `n_rows` raw rows (row after row) and writes hidden layer `layer`'s activations of
/// each row to `deep_out` (row after row), in one call.
#[allow(clippy::too_many_arguments)]
pub fn score_batch_deep(
    env: &mut Env<'_>,
    model: &Model,
    rows: &JDoubleArray<'_>,
    n_rows: jint,
    reconstructed: &JDoubleArray<'_>,
    squared_errors: &JDoubleArray<'_>,
    mse: &JDoubleArray<'_>,
    hidden_layer: jint,
    deep_out: &JDoubleArray<'_>,
) -> BridgeResult<()> {
    let features = layer(model, hidden_layer)?;
    bridge::non_null(deep_out, "deep features output")?;
    let scores = BatchArrays {
        reconstructed,
        squared_errors,
        mse,
    };
    bridge::batch(
        env,
        model,
        rows,
        n_rows,
        Some(scores),
        Some((&features, deep_out)),
    )
}

/// Hidden layer `layer`'s activations of `n_rows` raw rows, alone: the network runs no deeper
/// than that layer.
pub fn deep_features(
    env: &mut Env<'_>,
    model: &Model,
    rows: &JDoubleArray<'_>,
    n_rows: jint,
    hidden_layer: jint,
    out: &JDoubleArray<'_>,
) -> BridgeResult<()> {
    let features = layer(model, hidden_layer)?;
    bridge::non_null(out, "deep features output")?;
    bridge::batch(env, model, rows, n_rows, None, Some((&features, out)))
}
