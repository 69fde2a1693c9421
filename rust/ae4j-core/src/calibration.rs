//! Anomaly decisions: a threshold calibrated on normal data, where a score falls among the
//! calibration rows (its percentile), and which input columns carry a row's error.
//!
//! A calibration travels with its model: inside a MOJO zip as the extra entry
//! [`MOJO_ENTRY`] (h2o-genmodel ignores entries it does not know, so it still loads the zip),
//! or beside a POJO source as `<file>.ae4j-calibration.json`. It names the model it belongs to
//! by a fingerprint of the model's content, so it is refused for any other model.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::companion;
use crate::error::ModelError;
use crate::model::Model;

/// The zip entry of a calibrated MOJO.
pub const MOJO_ENTRY: &str = "ae4j/calibration.json";
/// Appended to a POJO source's file name for its sidecar calibration file.
pub const SIDECAR_SUFFIX: &str = ".ae4j-calibration.json";
/// Points of the stored MSE distribution: quantiles at 0, 1/1000, ..., 1 (percentiles to ~0.1%).
pub const DISTRIBUTION_POINTS: usize = 1001;
const FORMAT_VERSION: u32 = 1;

/// A calibration of a model on normal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub format_version: u32,
    /// Fingerprint of the model it was made for ([`fingerprint`]).
    pub model_fingerprint: String,
    /// MSE above which a row is an anomaly.
    pub threshold: f64,
    /// The quantile of the calibration rows' MSE the threshold is, when it was derived from one.
    pub quantile: Option<f64>,
    /// Calibration rows scored (with a finite MSE), the ones behind the distribution.
    pub rows: u64,
    /// Rows that could not be scored (bad values) or scored to a non-finite MSE; left out.
    pub rows_left_out: u64,
    /// When the calibration was made (RFC 3339, UTC).
    pub created: String,
    /// Where the calibration data came from (a file name), informational.
    pub source: Option<String>,
    /// The MSE quantiles at `k / (len - 1)` for `k = 0..len` (`numpy.quantile`, linear).
    pub distribution: Vec<f64>,
}

/// The decision on one row's MSE.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// MSE above the threshold.
    pub anomaly: bool,
    /// Share of calibration rows with a lower MSE, in [0, 1]; `None` without a calibration.
    pub percentile: Option<f64>,
}

/// How the threshold is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThresholdRule {
    /// The given quantile (0..=1) of the calibration rows' MSE.
    Quantile(f64),
    /// A fixed MSE.
    Fixed(f64),
}

/// `a <= b` as numbers: false when either is NaN (a NaN in a distribution is an error).
fn is_sorted_pair(a: f64, b: f64) -> bool {
    matches!(
        a.partial_cmp(&b),
        Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
    )
}

/// `numpy.quantile(values, q)` with the default linear interpolation, on sorted values.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

impl Calibration {
    /// Builds a calibration from the calibration rows' MSEs (non-finite ones are left out and
    /// counted with `unscored`).
    pub fn from_scores(
        model: &Model,
        mut mses: Vec<f64>,
        unscored: u64,
        rule: ThresholdRule,
        created: String,
        source: Option<String>,
    ) -> Result<Calibration, String> {
        let before = mses.len();
        mses.retain(|v| v.is_finite());
        let left_out = unscored + (before - mses.len()) as u64;
        if mses.is_empty() {
            return Err("no calibration row could be scored to a finite MSE".into());
        }
        mses.sort_by(f64::total_cmp);
        let (threshold, quantile) = match rule {
            ThresholdRule::Quantile(q) if (0.0..=1.0).contains(&q) => {
                (quantile_sorted(&mses, q), Some(q))
            }
            ThresholdRule::Quantile(q) => {
                return Err(format!("the quantile must be within [0, 1], not {q}"))
            }
            ThresholdRule::Fixed(t) if t.is_finite() => (t, None),
            ThresholdRule::Fixed(t) => {
                return Err(format!("the threshold must be a finite number, not {t}"))
            }
        };
        let last = (DISTRIBUTION_POINTS - 1) as f64;
        let distribution = (0..DISTRIBUTION_POINTS)
            .map(|k| quantile_sorted(&mses, k as f64 / last))
            .collect();
        Ok(Calibration {
            format_version: FORMAT_VERSION,
            model_fingerprint: fingerprint(model),
            threshold,
            quantile,
            rows: mses.len() as u64,
            rows_left_out: left_out,
            created,
            source,
            distribution,
        })
    }

    /// The share of calibration rows with a lower MSE, interpolated in the stored distribution:
    /// 0 at or below the smallest, 1 above the largest, monotone in between. NaN for a NaN MSE.
    pub fn percentile(&self, mse: f64) -> f64 {
        let d = &self.distribution;
        if mse.is_nan() || d.is_empty() {
            return f64::NAN;
        }
        if mse <= d[0] {
            return 0.0;
        }
        if mse > d[d.len() - 1] {
            return 1.0;
        }
        // d[k] < mse <= d[k + 1]; a plateau of equal quantiles counts as below `mse` only up to
        // its start, so equal MSEs get the share strictly below them.
        let k = d.partition_point(|&q| q < mse) - 1;
        let span = d[k + 1] - d[k];
        let within = if span > 0.0 { (mse - d[k]) / span } else { 1.0 };
        ((k as f64 + within) / (d.len() - 1) as f64).clamp(0.0, 1.0)
    }

    /// The decision on an MSE, with the calibrated threshold or `threshold` instead.
    pub fn decide(&self, mse: f64, threshold: Option<f64>) -> Decision {
        Decision {
            anomaly: mse > threshold.unwrap_or(self.threshold),
            percentile: Some(self.percentile(mse)),
        }
    }

    /// Refuses a calibration made for another model.
    pub fn check_model(&self, model: &Model, origin: &str) -> Result<(), ModelError> {
        if self.format_version != FORMAT_VERSION {
            return Err(ModelError::Unsupported {
                path: origin.to_string(),
                reason: format!(
                    "calibration format version {} (this ae4j reads {FORMAT_VERSION})",
                    self.format_version
                ),
            });
        }
        let actual = fingerprint(model);
        if self.model_fingerprint != actual {
            return Err(ModelError::Inconsistent {
                path: origin.to_string(),
                reason: format!(
                    "the calibration belongs to another model (fingerprint {}, this model is {actual})",
                    self.model_fingerprint
                ),
            });
        }
        if self.distribution.len() < 2
            || self
                .distribution
                .windows(2)
                .any(|w| !is_sorted_pair(w[0], w[1]))
        {
            return Err(ModelError::Inconsistent {
                path: origin.to_string(),
                reason: "the calibration's MSE distribution is not a sorted list of numbers".into(),
            });
        }
        Ok(())
    }

    fn parse(text: &[u8], origin: &str) -> Result<Calibration, ModelError> {
        serde_json::from_slice(text).map_err(|e| ModelError::BadValue {
            path: origin.to_string(),
            key: "calibration".into(),
            reason: e.to_string(),
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Decision for an MSE from what is known: the calibration and/or a threshold given at run
/// time. `None` when neither is there: no decision is invented.
pub fn decide(
    calibration: Option<&Calibration>,
    threshold: Option<f64>,
    mse: f64,
) -> Option<Decision> {
    match (calibration, threshold) {
        (Some(c), t) => Some(c.decide(mse, t)),
        (None, Some(t)) => Some(Decision {
            anomaly: mse > t,
            percentile: None,
        }),
        (None, None) => None,
    }
}

/// A stable fingerprint of what the model computes: columns, domains, layout, normalization,
/// activation, weights, biases and dropout. Equal for a MOJO and its calibrated copy, and for a
/// MOJO and its POJO.
pub fn fingerprint(model: &Model) -> String {
    fn text(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    fn number(h: &mut Sha256, v: f64) {
        h.update(v.to_bits().to_le_bytes());
    }
    let mut h = Sha256::new();
    for c in model.columns() {
        text(&mut h, &c.name);
        match &c.domain {
            Some(levels) => {
                text(&mut h, "categorical");
                levels.iter().for_each(|l| text(&mut h, l));
            }
            None => text(&mut h, "numeric"),
        }
    }
    text(&mut h, model.activation().name());
    model
        .cat_offsets()
        .iter()
        .for_each(|&o| number(&mut h, o as f64));
    if let Some(n) = model.normalization() {
        n.mul.iter().chain(&n.sub).for_each(|&v| number(&mut h, v));
    }
    for layer in model.layers() {
        number(&mut h, layer.weights.nrows() as f64);
        number(&mut h, layer.weights.ncols() as f64);
        layer
            .weights
            .iter()
            .for_each(|&w| number(&mut h, f64::from(w)));
        layer.bias.iter().for_each(|&b| number(&mut h, b));
        number(&mut h, layer.dropout_scale.unwrap_or(1.0));
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Each input column's share of a row's squared error: categorical slots (levels and NA) summed
/// into their column. Sorted by share, largest first, at most `top` entries; empty when the
/// total error is zero or not finite (nothing to explain).
pub fn explain(model: &Model, squared_errors: &[f64], top: usize) -> Vec<(usize, f64)> {
    let offsets = model.cat_offsets();
    let cats = model.n_categorical();
    let mut per_column: Vec<(usize, f64)> = (0..model.n_features())
        .map(|c| {
            let sum = if c < cats {
                squared_errors[offsets[c]..offsets[c + 1]].iter().sum()
            } else {
                squared_errors[offsets[cats] + (c - cats)]
            };
            (c, sum)
        })
        .collect();
    let total: f64 = per_column.iter().map(|(_, s)| s).sum();
    if !(total.is_finite() && total > 0.0) {
        return Vec::new();
    }
    per_column.iter_mut().for_each(|(_, s)| *s /= total);
    per_column.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    per_column.truncate(top);
    per_column
}

/// The calibration stored with a model file, if any: the MOJO's entry or a POJO's sidecar.
/// A calibration for another model is an error.
pub fn read(path: &Path, model: &Model) -> Result<Option<Calibration>, ModelError> {
    match companion::read(path, MOJO_ENTRY, SIDECAR_SUFFIX)? {
        None => Ok(None),
        Some((text, origin)) => from_json(&text, &origin, model).map(Some),
    }
}

/// A calibration from its JSON text (a sidecar file's or a MOJO entry's content), refused when
/// it is made for another model. `origin` names it in error messages.
pub fn from_json(text: &[u8], origin: &str, model: &Model) -> Result<Calibration, ModelError> {
    let c = Calibration::parse(text, origin)?;
    c.check_model(model, origin)?;
    Ok(c)
}

/// The calibration inside the bytes of a calibrated MOJO, if any.
pub fn read_bytes(
    bytes: &[u8],
    name: &str,
    model: &Model,
) -> Result<Option<Calibration>, ModelError> {
    match companion::read_entry(bytes, MOJO_ENTRY) {
        None => Ok(None),
        Some(text) => from_json(&text, &format!("{name}!{MOJO_ENTRY}"), model).map(Some),
    }
}

/// Where a POJO source's calibration lives.
pub fn sidecar_path(model_path: &Path) -> PathBuf {
    companion::sidecar_path(model_path, SIDECAR_SUFFIX)
}

/// A copy of a MOJO zip with `calibration` as its [`MOJO_ENTRY`] (replacing any earlier one).
/// Every other entry is copied byte for byte, so h2o-genmodel reads the model unchanged.
pub fn add_to_mojo(mojo: &[u8], calibration: &Calibration) -> Result<Vec<u8>, String> {
    companion::replace_entry(mojo, MOJO_ENTRY, calibration.to_json().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_linear_quantiles() {
        // numpy.quantile([1, 2, 4, 8], q) for q = 0, .25, .5, .995, 1.
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 0.25), 1.75);
        assert_eq!(quantile_sorted(&v, 0.5), 3.0);
        assert!((quantile_sorted(&v, 0.995) - 7.94).abs() < 1e-12);
        assert_eq!(quantile_sorted(&v, 1.0), 8.0);
        assert_eq!(quantile_sorted(&[5.0], 0.3), 5.0);
    }
}
