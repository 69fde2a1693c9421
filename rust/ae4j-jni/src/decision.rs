//! Anomaly decisions on the Java route: the core row path's decision and explanation
//! ([`Scorer::decide`], [`Scorer::explain`]) written into a flat `double[]` per row, so they
//! cross to Java with the score (single rows) or once per batch.
//!
//! A row's decision takes [`stride`]`(k)` doubles:
//!
//! | index          | value                                                                  |
//! |----------------|------------------------------------------------------------------------|
//! | 0              | 1 = anomaly, 0 = normal, NaN = no decision (no calibration, no threshold) |
//! | 1              | percentile in [0, 1], NaN when unknown (no calibration, or a NaN MSE)   |
//! | 2 + 2i, 3 + 2i | the i-th explanation: column index and share; -1 and NaN past the end   |

use ae4j_core::calibration;
use ae4j_core::scorer::{Outputs, ScoreOptions, Scorer};
use jni::sys::{jdouble, jint};

use crate::error::{BridgeError, BridgeResult};
use crate::handle::Loaded;

/// Doubles per row for `k` explanation entries.
pub fn stride(k: usize) -> usize {
    2 + 2 * k
}

/// The explanation count asked for from Java: negative is refused; more than the model's
/// columns is the model's columns.
pub fn explain_count(loaded: &Loaded, k: jint) -> BridgeResult<usize> {
    usize::try_from(k)
        .map(|k| k.min(loaded.model.n_features()))
        .map_err(|_| BridgeError::IllegalArgument(format!("explain count {k} is negative")))
}

/// The run-time threshold from Java: NaN is none; an infinite threshold is refused.
pub fn threshold_arg(threshold: jdouble) -> BridgeResult<Option<f64>> {
    if threshold.is_nan() {
        Ok(None)
    } else if threshold.is_finite() {
        Ok(Some(threshold))
    } else {
        Err(BridgeError::IllegalArgument(format!(
            "the threshold must be a finite number, not {threshold}"
        )))
    }
}

/// The core's scorer for a Java call: the model's calibration, the call's threshold and
/// explanation count (Java converts its rows itself, so the conversion options are unused).
pub fn scorer(loaded: &Loaded, threshold: Option<f64>, k: usize) -> Scorer<'_> {
    Scorer::new(
        &loaded.model,
        loaded.calibration.as_ref(),
        ScoreOptions {
            threshold,
            outputs: Outputs {
                explain: k,
                ..Outputs::default()
            },
            ..ScoreOptions::default()
        },
    )
}

/// Writes one row's decision and its first `k` explanation entries (see the module comment)
/// into `out[..stride(k)]`.
pub fn write_decision(
    decision: Option<calibration::Decision>,
    explanation: &[(usize, f64)],
    k: usize,
    out: &mut [f64],
) {
    out[0] = match decision {
        Some(d) if d.anomaly => 1.0,
        Some(_) => 0.0,
        None => f64::NAN,
    };
    out[1] = decision.and_then(|d| d.percentile).unwrap_or(f64::NAN);
    for i in 0..k {
        let (column, share) = explanation
            .get(i)
            .map_or((-1.0, f64::NAN), |&(c, s)| (c as f64, s));
        out[2 + 2 * i] = column;
        out[3 + 2 * i] = share;
    }
}

/// Decides on and explains an already scored row (the batch route) into `out[..stride(k)]`.
pub fn write(
    loaded: &Loaded,
    threshold: Option<f64>,
    k: usize,
    mse: f64,
    squared_errors: &[f64],
    out: &mut [f64],
) {
    let scorer = scorer(loaded, threshold, k);
    let explanation = scorer.explain(squared_errors);
    write_decision(scorer.decide(mse), &explanation, k, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(path: &str) -> Loaded {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures")
            .join(path);
        let model = ae4j_core::load_model(&path).unwrap();
        let calibration = calibration::read(&path, &model).unwrap();
        Loaded {
            model,
            calibration,
            pipeline: None,
        }
    }

    #[test]
    fn calibrated_rows_get_the_cores_decision_and_explanation() {
        let l = fixture("calibration/synth_tanh.calibrated.zip");
        let c = l.calibration.as_ref().unwrap();
        let mut raw = vec![f64::NAN; l.model.n_features()];
        raw[0] = 2.0;
        raw[l.model.n_categorical()] = 1e4; // far out: an anomaly
        let s = l.model.score(&raw).unwrap();
        let k = 3;
        let mut out = vec![0.0; stride(k)];
        write(&l, None, k, s.mse, &s.squared_errors, &mut out);
        assert_eq!(out[0], 1.0);
        assert_eq!(out[1], c.percentile(s.mse));
        let e = calibration::explain(&l.model, &s.squared_errors, k);
        assert_eq!(e.len(), 3);
        for (i, (col, share)) in e.iter().enumerate() {
            assert_eq!(out[2 + 2 * i], *col as f64);
            assert_eq!(out[3 + 2 * i].to_bits(), share.to_bits());
        }
        // A run-time threshold above the MSE overrides the calibrated one; the percentile stays.
        write(&l, Some(s.mse * 2.0), 0, s.mse, &s.squared_errors, &mut out);
        assert_eq!(out[0], 0.0);
        assert_eq!(out[1], c.percentile(s.mse));
    }

    #[test]
    fn no_calibration_and_no_threshold_is_no_decision() {
        let l = fixture("models/synth_tanh.zip");
        assert!(l.calibration.is_none());
        let s = l
            .model
            .score(&vec![f64::NAN; l.model.n_features()])
            .unwrap();
        let mut out = vec![7.0; stride(2)];
        write(&l, None, 1, s.mse, &s.squared_errors, &mut out);
        assert!(out[0].is_nan() && out[1].is_nan());
        assert!(out[2] >= 0.0 && out[3] > 0.0 && out[3] <= 1.0);
        write(&l, Some(0.0), 0, s.mse, &s.squared_errors, &mut out);
        assert_eq!(out[0], 1.0);
        assert!(out[1].is_nan());
        // Nothing to explain: a zero error gives no entries.
        let zeros = vec![0.0; l.model.n_slots()];
        write(&l, None, 2, 0.0, &zeros, &mut out);
        assert!(out[2] == -1.0 && out[3].is_nan() && out[4] == -1.0 && out[5].is_nan());
    }

    #[test]
    fn arguments_from_java_are_checked() {
        let l = fixture("models/synth_tanh.zip");
        assert_eq!(explain_count(&l, 0).unwrap(), 0);
        assert_eq!(explain_count(&l, 1000).unwrap(), l.model.n_features());
        assert!(explain_count(&l, -1).is_err());
        assert_eq!(threshold_arg(f64::NAN).unwrap(), None);
        assert_eq!(threshold_arg(0.5).unwrap(), Some(0.5));
        assert!(threshold_arg(f64::INFINITY).is_err());
    }
}
