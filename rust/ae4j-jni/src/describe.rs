//! `Native.describe`: everything Java keeps about a model, in one call per model.
//!
//! Java passes an empty `io.ae4j.internal.ModelDescription`; this fills it through its
//! `model(...)` method and, for a model whose file carried a calibration, `calibration(...)`,
//! and for one with a preprocessing pipeline, `pipeline(...)` (its raw inputs).
//! Calling methods on the object Java handed over (rather than constructing one) needs no class
//! lookup, so it works under any class loader. Strings cross JNI here only.

use ae4j_core::calibration::Calibration;
use ae4j_core::pipeline::{InputType, Pipeline};
use ae4j_core::Model;
use jni::objects::{IntoAuto as _, JIntArray, JObject, JObjectArray, JString, JValue};
use jni::refs::Reference as _;
use jni::sys::jint;
use jni::{jni_sig, jni_str, Env};

use crate::error::{BridgeError, BridgeResult};
use crate::handle::Loaded;

/// Fills `out` with the model's names, domains, slots, shape and provenance, and its
/// calibration summary when it has one.
pub fn describe(env: &mut Env<'_>, loaded: &Loaded, out: &JObject<'_>) -> BridgeResult<()> {
    if out.is_null() {
        return Err(BridgeError::IllegalArgument(
            "description must not be null".into(),
        ));
    }
    describe_model(env, &loaded.model, out)?;
    if let Some(c) = &loaded.calibration {
        describe_calibration(env, c, out)?;
    }
    if let Some(p) = &loaded.pipeline {
        describe_pipeline(env, p, out)?;
    }
    Ok(())
}

/// `void pipeline(String[] inputNames, String[] inputTypes)`: the raw inputs of the model's
/// preprocessing pipeline, in the spec's order, with the spec's type names.
fn describe_pipeline(env: &mut Env<'_>, p: &Pipeline, out: &JObject<'_>) -> BridgeResult<()> {
    let names = string_array(env, p.inputs().iter().map(|i| i.name.as_str()))?;
    let types = string_array(env, p.inputs().iter().map(|i| input_type_name(i.kind)))?;
    env.call_method(
        out,
        jni_str!("pipeline"),
        jni_sig!("([Ljava/lang/String;[Ljava/lang/String;)V"),
        &[JValue::from(&names), JValue::from(&types)],
    )?;
    Ok(())
}

/// The spec's name of an input type.
fn input_type_name(kind: InputType) -> &'static str {
    match kind {
        InputType::Number => "number",
        InputType::String => "string",
        InputType::Timestamp => "timestamp",
        InputType::Boolean => "boolean",
    }
}

/// `void model(String format, String h2oVersion, String mojoVersion, String modelId,
/// String activation, String[] names, String[][] domains, String[] slotNames, int[] layerSizes,
/// int[] catOffsets)`
fn describe_model(env: &mut Env<'_>, model: &Model, out: &JObject<'_>) -> BridgeResult<()> {
    let info = model.info();
    let format = optional_string(env, Some(&info.format))?;
    let h2o_version = optional_string(env, info.h2o_version.as_deref())?;
    let mojo_version = optional_string(env, info.mojo_version.as_deref())?;
    let model_id = optional_string(env, info.model_id.as_deref())?;
    let activation = optional_string(env, Some(model.activation().name()))?;
    let names = string_array(env, model.columns().iter().map(|c| c.name.as_str()))?;
    let domains = domain_arrays(env, model)?;
    let slot_names = string_array(env, model.slot_names().iter().map(String::as_str))?;
    let layer_sizes = int_array(env, &model.layer_sizes())?;
    let cat_offsets = int_array(env, model.cat_offsets())?;
    env.call_method(
        out,
        jni_str!("model"),
        jni_sig!(
            "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;\
             Ljava/lang/String;[Ljava/lang/String;[[Ljava/lang/String;[Ljava/lang/String;[I[I)V"
        ),
        &[
            JValue::from(&format),
            JValue::from(&h2o_version),
            JValue::from(&mojo_version),
            JValue::from(&model_id),
            JValue::from(&activation),
            JValue::from(&names),
            JValue::from(&domains),
            JValue::from(&slot_names),
            JValue::from(&layer_sizes),
            JValue::from(&cat_offsets),
        ],
    )?;
    Ok(())
}

/// `void calibration(double threshold, double quantile, long rows, long rowsLeftOut,
/// String created, String source, String modelFingerprint)`: quantile NaN when the threshold
/// was given as a number (a quantile is never NaN); source null when unknown.
fn describe_calibration(env: &mut Env<'_>, c: &Calibration, out: &JObject<'_>) -> BridgeResult<()> {
    let created = optional_string(env, Some(&c.created))?;
    let source = optional_string(env, c.source.as_deref())?;
    let fingerprint = optional_string(env, Some(&c.model_fingerprint))?;
    env.call_method(
        out,
        jni_str!("calibration"),
        jni_sig!("(DDJJLjava/lang/String;Ljava/lang/String;Ljava/lang/String;)V"),
        &[
            JValue::Double(c.threshold),
            JValue::Double(c.quantile.unwrap_or(f64::NAN)),
            JValue::Long(java_long(c.rows, "calibration rows")?),
            JValue::Long(java_long(c.rows_left_out, "calibration rows left out")?),
            JValue::from(&created),
            JValue::from(&source),
            JValue::from(&fingerprint),
        ],
    )?;
    Ok(())
}

fn java_long(n: u64, what: &str) -> BridgeResult<i64> {
    i64::try_from(n)
        .map_err(|_| BridgeError::IllegalArgument(format!("{what}: {n} is over Java's long")))
}

fn java_int(n: usize, what: &str) -> BridgeResult<jint> {
    jint::try_from(n)
        .map_err(|_| BridgeError::IllegalArgument(format!("{what}: {n} is over Java's int")))
}

/// A Java string, or a null reference for `None`.
fn optional_string<'local>(
    env: &mut Env<'local>,
    s: Option<&str>,
) -> BridgeResult<JString<'local>> {
    Ok(match s {
        Some(s) => JString::from_str(env, s)?,
        None => JString::null(),
    })
}

fn string_array<'local, 'a>(
    env: &mut Env<'local>,
    items: impl ExactSizeIterator<Item = &'a str>,
) -> BridgeResult<JObjectArray<'local, JString<'local>>> {
    let array = JObjectArray::<JString>::new(env, items.len(), JString::null())?;
    for (i, s) in items.enumerate() {
        // One local reference at a time: deleted at the end of each iteration.
        let js = JString::from_str(env, s)?.auto();
        array.set_element(env, i, &*js)?;
    }
    Ok(array)
}

/// Per column, its levels, or a null entry for a numeric column.
fn domain_arrays<'local>(
    env: &mut Env<'local>,
    model: &Model,
) -> BridgeResult<JObjectArray<'local, JObjectArray<'local, JString<'local>>>> {
    let columns = model.columns();
    let array = JObjectArray::<JObjectArray<JString>>::new(
        env,
        columns.len(),
        JObjectArray::<JString>::null(),
    )?;
    for (i, column) in columns.iter().enumerate() {
        if let Some(levels) = &column.domain {
            let levels = string_array(env, levels.iter().map(String::as_str))?.auto();
            array.set_element(env, i, &*levels)?;
        }
    }
    Ok(array)
}

fn int_array<'local>(env: &mut Env<'local>, values: &[usize]) -> BridgeResult<JIntArray<'local>> {
    let values = values
        .iter()
        .map(|&v| java_int(v, "model shape"))
        .collect::<BridgeResult<Vec<jint>>>()?;
    let array = JIntArray::new(env, values.len())?;
    array.set_region(env, 0, &values)?;
    Ok(array)
}
