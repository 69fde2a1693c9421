//! `Native.fromPojoArrays`: a model from a **compiled** H2O POJO instance, read by reflection
//! on the Java side and handed over once as primitive arrays. Only the Java arguments are
//! converted here; building the model and probing its activation is
//! [`ae4j_core::pojo::probe`]'s job.

use ae4j_core::pojo::probe::{build_probed, build_with, PojoArrays, Probes};
use ae4j_core::Activation;
use jni::objects::{IntoAuto as _, JDoubleArray, JFloatArray, JIntArray, JObjectArray, JString};
use jni::refs::Reference as _;
use jni::sys::jlong;
use jni::Env;

use crate::error::{BridgeError, BridgeResult};

fn illegal(msg: impl Into<String>) -> BridgeError {
    BridgeError::IllegalArgument(msg.into())
}

fn strings(
    env: &mut Env<'_>,
    a: &JObjectArray<'_, JString<'_>>,
    what: &str,
) -> BridgeResult<Vec<String>> {
    if a.is_null() {
        return Err(illegal(format!("{what} must not be null")));
    }
    let n = a.len(env)?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // One local reference at a time: deleted at the end of each iteration.
        let s = a.get_element(env, i)?.auto();
        if s.is_null() {
            return Err(illegal(format!("{what}[{i}] is null")));
        }
        out.push(s.try_to_string(env)?);
    }
    Ok(out)
}

fn ints(env: &Env<'_>, a: &JIntArray<'_>, what: &str) -> BridgeResult<Vec<usize>> {
    if a.is_null() {
        return Err(illegal(format!("{what} must not be null")));
    }
    let mut v = vec![0; a.len(env)?];
    a.get_region(env, 0, &mut v)?;
    v.into_iter()
        .map(|x| {
            usize::try_from(x).map_err(|_| illegal(format!("{what} holds a negative value {x}")))
        })
        .collect()
}

fn doubles(env: &Env<'_>, a: &JDoubleArray<'_>) -> BridgeResult<Option<Vec<f64>>> {
    if a.is_null() {
        return Ok(None);
    }
    let mut v = vec![0.0; a.len(env)?];
    a.get_region(env, 0, &mut v)?;
    Ok(Some(v))
}

/// `Native.fromPojoArrays`: builds the model once from the arrays read by reflection. With an
/// `activation` (a deserialized model) it is used as given; without one it is probed.
/// `domain_sizes[i]` is the level count of column i, -1 for a numeric; `levels` holds every
/// categorical's levels one after the other. Errors are IllegalArgumentExceptions.
#[allow(clippy::too_many_arguments)]
pub fn from_arrays(
    env: &mut Env<'_>,
    class_name: &JString<'_>,
    names: &JObjectArray<'_, JString<'_>>,
    domain_sizes: &JIntArray<'_>,
    levels: &JObjectArray<'_, JString<'_>>,
    cat_offsets: &JIntArray<'_>,
    neurons: &JIntArray<'_>,
    weights: &JFloatArray<'_>,
    biases: &JDoubleArray<'_>,
    hidden_dropout_ratios: &JDoubleArray<'_>,
    norm_mul: &JDoubleArray<'_>,
    norm_sub: &JDoubleArray<'_>,
    activation: &JString<'_>,
    probe_rows: &JDoubleArray<'_>,
    probe_outputs: &JDoubleArray<'_>,
) -> BridgeResult<jlong> {
    if class_name.is_null() {
        return Err(illegal("class name must not be null"));
    }
    let class_name = class_name.try_to_string(env)?;
    let names = strings(env, names, "names")?;
    let levels = strings(env, levels, "levels")?;
    if domain_sizes.is_null() {
        return Err(illegal("domain sizes must not be null"));
    }
    let mut sizes = vec![0; domain_sizes.len(env)?];
    domain_sizes.get_region(env, 0, &mut sizes)?;
    if sizes.len() != names.len() {
        return Err(illegal(format!(
            "{} domain sizes for {} names",
            sizes.len(),
            names.len()
        )));
    }
    let mut domains = Vec::with_capacity(sizes.len());
    let mut at = 0usize;
    for &k in &sizes {
        domains.push(match usize::try_from(k) {
            Err(_) => None,
            Ok(k) => {
                let d = levels
                    .get(at..at + k)
                    .ok_or_else(|| illegal("domain sizes exceed the levels"))?;
                at += k;
                Some(d.to_vec())
            }
        });
    }
    if at != levels.len() {
        return Err(illegal("levels left over after the domains"));
    }
    if weights.is_null() {
        return Err(illegal("weights must not be null"));
    }
    let mut w = vec![0.0f32; weights.len(env)?];
    weights.get_region(env, 0, &mut w)?;
    let arrays = PojoArrays {
        class_name,
        names,
        domains,
        cat_offsets: ints(env, cat_offsets, "CATOFFSETS")?,
        neurons: ints(env, neurons, "NEURONS")?,
        weights: w,
        biases: doubles(env, biases)?.ok_or_else(|| illegal("biases must not be null"))?,
        hidden_dropout_ratios: doubles(env, hidden_dropout_ratios)?,
        norm_mul: doubles(env, norm_mul)?,
        norm_sub: doubles(env, norm_sub)?,
    };
    let model = if activation.is_null() {
        let rows =
            doubles(env, probe_rows)?.ok_or_else(|| illegal("probe rows must not be null"))?;
        let outputs = doubles(env, probe_outputs)?
            .ok_or_else(|| illegal("probe outputs must not be null"))?;
        build_probed(
            &arrays,
            Probes {
                rows: &rows,
                outputs: &outputs,
            },
        )
        .map_err(illegal)?
        .model
    } else {
        let name = activation.try_to_string(env)?;
        let a: Activation = name.parse().map_err(illegal)?;
        build_with(&arrays, a).map_err(illegal)?
    };
    Ok(crate::handle::into_handle(model))
}
