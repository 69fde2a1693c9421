//! A model from a **compiled** H2O POJO instance: its arrays (read by reflection on the Java
//! side, `io.ae4j.PojoReflection`, and handed over by the JNI bridge) and a probe of its
//! activation. No JNI here: the bridge only converts the Java arguments.
//!
//! Everything but the activation is data in a compiled POJO (h2o-dl-format-spec.md §6.3). The
//! activation exists only in the source's comments and code shape, so it is *probed*: Java runs
//! the POJO's own `score0` on a few deterministic rows and passes rows and outputs here; each
//! candidate activation H2O allows for an autoencoder is scored by the core on the same rows,
//! and the one candidate whose reconstruction matches is kept.
//!
//! Two genmodel POJO bugs shape the probe:
//! * `standardize=false` (`NORMMUL.VALUES == null`): `score0` NPEs on every row (input
//!   normalization of a present numeric, output de-normalization). Java probes such models with
//!   every numeric missing, so the NPE comes only at the output de-normalization, after `preds`
//!   holds the whole network output, which (with no normalization) is the reconstruction.
//! * ExpRectifier: the generated `score0` applies no activation at all (identity). An identity
//!   network is computed here too; if it is what the POJO computes, the model is ExpRectifier
//!   (H2O has no identity activation for deep learning) and is scored as ExpRectifier, like its
//!   MOJO and the H2O server, not like the buggy POJO.

use crate::activation::Activation;
use crate::model::{Model, ModelInfo};
use crate::spec::ModelSpec;

/// The arrays of a compiled POJO, as Java read them (flattened where nested).
#[derive(Debug, Clone, Default)]
pub struct PojoArrays {
    /// The POJO's class name (H2O's model id, made a Java identifier).
    pub class_name: String,
    pub names: Vec<String>,
    pub domains: Vec<Option<Vec<String>>>,
    pub cat_offsets: Vec<usize>,
    /// `NEURONS`: `[N, h1, ..., N]`.
    pub neurons: Vec<usize>,
    /// `WEIGHT[1..]` one layer after the other, each row-major `neurons[i+1] x neurons[i]`.
    pub weights: Vec<f32>,
    /// `BIAS[1..]` one layer after the other.
    pub biases: Vec<f64>,
    /// `HIDDEN_DROPOUT_RATIOS`, present only for `*WithDropout` models.
    pub hidden_dropout_ratios: Option<Vec<f64>>,
    pub norm_mul: Option<Vec<f64>>,
    pub norm_sub: Option<Vec<f64>>,
}

/// Rows the POJO's `score0` was run on, and what it returned (`preds`, one per slot).
#[derive(Debug, Clone, Copy)]
pub struct Probes<'a> {
    /// Raw rows (genmodel's `score0` input), one after the other.
    pub rows: &'a [f64],
    /// The POJO's outputs for those rows, one after the other.
    pub outputs: &'a [f64],
}

/// Why a compiled POJO could not become a model (shown to Java as IllegalArgumentException).
pub type PojoResult<T> = Result<T, String>;

impl PojoArrays {
    fn origin(&self) -> String {
        format!("POJO class {}", self.class_name)
    }

    /// The [`ModelSpec`] with the given activation (`None`: to be filled in).
    pub fn spec(&self, activation: Option<Activation>) -> PojoResult<ModelSpec> {
        let n = &self.neurons;
        if n.len() < 3 {
            return Err(format!(
                "{}: NEURONS = {n:?}: an autoencoder has an input, at least one hidden and an output layer",
                self.origin()
            ));
        }
        let mut weights = Vec::with_capacity(n.len() - 1);
        let mut biases = Vec::with_capacity(n.len() - 1);
        let (mut w_at, mut b_at) = (0usize, 0usize);
        for i in 0..n.len() - 1 {
            let w_len = n[i]
                .checked_mul(n[i + 1])
                .ok_or_else(|| format!("{}: layer {i} is too large", self.origin()))?;
            let w = self.weights.get(w_at..w_at + w_len).ok_or_else(|| {
                format!(
                    "{}: WEIGHT holds {} values, fewer than NEURONS {n:?} needs",
                    self.origin(),
                    self.weights.len()
                )
            })?;
            let b = self.biases.get(b_at..b_at + n[i + 1]).ok_or_else(|| {
                format!(
                    "{}: BIAS holds {} values, fewer than NEURONS {n:?} needs",
                    self.origin(),
                    self.biases.len()
                )
            })?;
            weights.push(w.to_vec());
            biases.push(b.to_vec());
            w_at += w_len;
            b_at += n[i + 1];
        }
        if w_at != self.weights.len() || b_at != self.biases.len() {
            return Err(format!(
                "{}: WEIGHT/BIAS hold {}/{} values, NEURONS {n:?} needs {w_at}/{b_at}",
                self.origin(),
                self.weights.len(),
                self.biases.len()
            ));
        }
        Ok(ModelSpec {
            info: ModelInfo {
                format: "pojo-class".into(),
                h2o_version: None,
                mojo_version: None,
                model_id: Some(self.class_name.clone()),
            },
            columns: self.names.clone(),
            domains: self.domains.clone(),
            cat_offsets: self.cat_offsets.clone(),
            norm_mul: self.norm_mul.clone(),
            norm_sub: self.norm_sub.clone(),
            activation,
            layer_sizes: n.clone(),
            weights,
            biases,
            hidden_dropout_ratios: self.hidden_dropout_ratios.clone().unwrap_or_default(),
        })
    }

    /// The candidates: the dropout variants iff the POJO has `HIDDEN_DROPOUT_RATIOS`.
    pub fn candidates(&self) -> [Activation; 3] {
        if self.hidden_dropout_ratios.is_some() {
            [
                Activation::TanhWithDropout,
                Activation::RectifierWithDropout,
                Activation::ExpRectifierWithDropout,
            ]
        } else {
            [
                Activation::Tanh,
                Activation::Rectifier,
                Activation::ExpRectifier,
            ]
        }
    }
}

/// The model with a known activation (a deserialized model: no probing).
pub fn build_with(arrays: &PojoArrays, activation: Activation) -> PojoResult<Model> {
    let expects_dropout = arrays.hidden_dropout_ratios.is_some();
    if activation.has_dropout() != expects_dropout {
        return Err(format!(
            "{}: activation {activation} {} dropout ratios, but the POJO {} HIDDEN_DROPOUT_RATIOS",
            arrays.origin(),
            if activation.has_dropout() {
                "needs"
            } else {
                "takes no"
            },
            if expects_dropout { "has" } else { "has no" }
        ));
    }
    arrays
        .spec(Some(activation))?
        .build(&arrays.origin())
        .map_err(|e| e.to_string())
}

/// What the probe found: the model, and whether the POJO computed the identity (ExpRectifier's
/// POJO bug) rather than the activation itself.
#[derive(Debug)]
pub struct Probed {
    pub model: Model,
    pub identity_pojo: bool,
}

/// Picks the activation whose reconstruction matches the POJO's `score0` on the probe rows.
pub fn build_probed(arrays: &PojoArrays, probes: Probes<'_>) -> PojoResult<Probed> {
    let origin = arrays.origin();
    let candidates = arrays.candidates();
    let mut models = Vec::with_capacity(candidates.len());
    for a in candidates {
        models.push(build_with(arrays, a)?);
    }
    let (nf, ns) = (models[0].n_features(), models[0].n_slots());
    if probes.rows.is_empty() || !probes.rows.len().is_multiple_of(nf) {
        return Err(format!(
            "{origin}: {} probe values are not whole rows of {nf} columns",
            probes.rows.len()
        ));
    }
    let n = probes.rows.len() / nf;
    if probes.outputs.len() != n * ns {
        return Err(format!(
            "{origin}: {} probe outputs for {n} rows of {ns} slots",
            probes.outputs.len()
        ));
    }
    let mut report = Vec::new();
    let mut matches = Vec::new();
    for m in &models {
        let worst = worst_deviation(probes, n, nf, ns, |raw| {
            m.score(raw)
                .map(|s| s.reconstructed)
                .map_err(|e| e.to_string())
        })?;
        report.push(format!("{} {}", m.activation(), describe(worst)));
        if worst.is_none() {
            matches.push((m.activation(), false));
        }
    }
    let identity = worst_deviation(probes, n, nf, ns, |raw| identity_forward(&models[0], raw))?;
    report.push(format!(
        "identity (ExpRectifier's POJO) {}",
        describe(identity)
    ));
    let exp = candidates[2];
    if identity.is_none() && !matches.iter().any(|&(a, _)| a == exp) {
        matches.push((exp, true));
    }
    match matches.as_slice() {
        [(a, identity_pojo)] => {
            let model = models
                .into_iter()
                .find(|m| m.activation() == *a)
                .ok_or_else(|| format!("internal error: no candidate model for {a}"))?;
            Ok(Probed {
                model,
                identity_pojo: *identity_pojo,
            })
        }
        [] => Err(format!(
            "{origin}: the POJO's score0 matches none of the activations H2O allows for an autoencoder on {n} probe rows ({}); load the POJO's .java source or its MOJO instead",
            report.join("; ")
        )),
        several => Err(format!(
            "{origin}: the POJO's score0 cannot tell {} apart on {n} probe rows; load the POJO's .java source or its MOJO instead",
            several
                .iter()
                .map(|(a, _)| a.name())
                .collect::<Vec<_>>()
                .join(" from ")
        )),
    }
}

fn describe(worst: Option<(usize, usize, f64, f64)>) -> String {
    match worst {
        None => "matches".into(),
        Some((row, slot, got, pojo)) => {
            format!("gives {got} where the POJO gives {pojo} (row {row}, slot {slot})")
        }
    }
}

/// The largest mismatch `(row, slot, candidate, pojo)` of a candidate, or `None` if it matches
/// on every slot of every row (1e-9 relative, 1e-12 absolute: candidates differ grossly, while
/// the core and the POJO differ by at most a few ulps of `exp`).
fn worst_deviation(
    probes: Probes<'_>,
    n: usize,
    nf: usize,
    ns: usize,
    score: impl Fn(&[f64]) -> PojoResult<Vec<f64>>,
) -> PojoResult<Option<(usize, usize, f64, f64)>> {
    let mut worst: Option<(f64, (usize, usize, f64, f64))> = None;
    for r in 0..n {
        let got = score(&probes.rows[r * nf..(r + 1) * nf])?;
        let want = &probes.outputs[r * ns..(r + 1) * ns];
        for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
            let dev = if g.is_nan() && w.is_nan() {
                0.0
            } else {
                let diff = (g - w).abs();
                if diff <= 1e-12 || diff <= 1e-9 * g.abs().max(w.abs()) {
                    0.0
                } else if diff.is_nan() {
                    f64::INFINITY
                } else {
                    diff
                }
            };
            if dev > 0.0 && worst.is_none_or(|(d, _)| dev > d) {
                worst = Some((dev, (r, k, g, w)));
            }
        }
    }
    Ok(worst.map(|(_, at)| at))
}

/// The network with no activation (as genmodel's POJO computes an ExpRectifier model): the
/// core's forward pass with the identity, hidden layers still scaled by their dropout factor,
/// numerics de-normalized at the end.
fn identity_forward(model: &Model, raw: &[f64]) -> PojoResult<Vec<f64>> {
    model.reconstruct_identity(raw).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A fixture POJO's arrays as reflection would read them (from the source reader's spec).
    fn arrays(name: &str) -> (PojoArrays, Activation) {
        let path = format!(
            "{}/../../tests/fixtures/models/{name}.java",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(Path::new(&path)).unwrap();
        let spec = crate::pojo::read_pojo_spec(&bytes, name).unwrap();
        let activation = spec.activation.unwrap();
        let a = PojoArrays {
            class_name: name.into(),
            names: spec.columns.clone(),
            domains: spec.domains.clone(),
            cat_offsets: spec.cat_offsets.clone(),
            neurons: spec.layer_sizes.clone(),
            weights: spec.weights.concat(),
            biases: spec.biases.concat(),
            hidden_dropout_ratios: activation
                .has_dropout()
                .then(|| spec.hidden_dropout_ratios.clone()),
            norm_mul: spec.norm_mul.clone(),
            norm_sub: spec.norm_sub.clone(),
        };
        (a, activation)
    }

    /// Probe rows like Java's, and outputs as a correct POJO (`pojo_identity`: ExpRectifier's
    /// buggy POJO) would give them.
    fn probe(a: &PojoArrays, truth: &Model, pojo_identity: bool) -> (Vec<f64>, Vec<f64>) {
        let nf = truth.n_features();
        let cats = truth.n_categorical();
        let mut rows = Vec::new();
        for r in 0..4 {
            for j in 0..nf {
                rows.push(if j < cats {
                    let levels = a.domains[j].as_ref().unwrap().len();
                    if r == 0 {
                        f64::NAN
                    } else {
                        ((r * 3 + j) % levels) as f64
                    }
                } else if a.norm_mul.is_none() || r == 0 {
                    f64::NAN
                } else {
                    let k = j - cats;
                    let v = 0.5 * (r as f64) * if (j + r) % 2 == 0 { 1.0 } else { -1.0 };
                    a.norm_sub.as_ref().unwrap()[k] + v / a.norm_mul.as_ref().unwrap()[k]
                });
            }
        }
        let mut out = Vec::new();
        for row in rows.chunks(nf) {
            out.extend(if pojo_identity {
                identity_forward(truth, row).unwrap()
            } else {
                truth.score(row).unwrap().reconstructed
            });
        }
        (rows, out)
    }

    #[test]
    fn every_fixture_pojo_probes_to_its_activation() {
        for name in [
            "synth_tanh",
            "synth_rectifier_skip",
            "synth_tanh_nostd",
            "breast_cancer_tanhdropout",
            "iris_rectdropout_nostd",
            "wine_exprectifier",
            "digits_wide_tanh",
        ] {
            let (a, activation) = arrays(name);
            let truth = build_with(&a, activation).unwrap();
            let exp = activation == Activation::ExpRectifier;
            let (rows, outputs) = probe(&a, &truth, exp);
            let probed = build_probed(
                &a,
                Probes {
                    rows: &rows,
                    outputs: &outputs,
                },
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(probed.model.activation(), activation, "{name}");
            assert_eq!(probed.identity_pojo, exp, "{name}");
            assert_eq!(probed.model.info().format, "pojo-class");
            let raw = &rows[rows.len() - truth.n_features()..];
            // Debug text: NaN (a missing numeric's `original`) compares equal.
            assert_eq!(
                format!("{:?}", probed.model.score(raw).unwrap()),
                format!("{:?}", truth.score(raw).unwrap()),
                "{name}"
            );
        }
    }

    #[test]
    fn wrong_outputs_and_shapes_are_refused() {
        let (a, activation) = arrays("synth_tanh");
        let truth = build_with(&a, activation).unwrap();
        let (rows, mut outputs) = probe(&a, &truth, false);
        outputs.iter_mut().for_each(|v| *v += 0.25);
        let e = build_probed(
            &a,
            Probes {
                rows: &rows,
                outputs: &outputs,
            },
        )
        .unwrap_err();
        assert!(
            e.contains("matches none") && e.contains("Tanh gives"),
            "{e}"
        );
        let e = build_probed(
            &a,
            Probes {
                rows: &rows[1..],
                outputs: &outputs,
            },
        )
        .unwrap_err();
        assert!(e.contains("not whole rows"), "{e}");
        let e = build_with(&a, Activation::TanhWithDropout).unwrap_err();
        assert!(e.contains("has no HIDDEN_DROPOUT_RATIOS"), "{e}");
        let mut short = a.clone();
        short.weights.pop();
        assert!(short.spec(None).unwrap_err().contains("WEIGHT"));
    }

    #[test]
    fn rectifier_and_identity_agreeing_everywhere_is_ambiguous() {
        // Only the all-missing row on a model whose pre-activations are all positive there
        // cannot tell Rectifier from the identity: say so rather than guess.
        let mut a = arrays("synth_rectifier_skip").0;
        for b in a.biases.iter_mut() {
            *b = b.abs() + 1.0;
        }
        for w in a.weights.iter_mut() {
            *w = w.abs();
        }
        let truth = build_with(&a, Activation::Rectifier).unwrap();
        let row = vec![f64::NAN; truth.n_features()];
        let out = truth.score(&row).unwrap().reconstructed;
        let e = build_probed(
            &a,
            Probes {
                rows: &row,
                outputs: &out,
            },
        )
        .unwrap_err();
        assert!(e.contains("cannot tell Rectifier from ExpRectifier"), "{e}");
    }
}
