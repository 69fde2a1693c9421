//! The inner functions behind the exports: plain Rust returning `BridgeResult`, one per native
//! method of `io.ae4j.internal.Native`. Data crosses as primitive arrays, once per row or per
//! batch (`get_region` / `set_region`); strings cross only for metadata, once per model
//! ([`crate::describe`]), and for the errors of a pipeline model's failed rows ([`crate::cells`]).

use ae4j_core::scorer::{ScoreOptions, Scored, Scorer};
use ae4j_core::{calibration, pipeline};
use ae4j_core::{BatchOutputs, DeepFeatures, Model};
use jni::objects::{JByteArray, JDoubleArray, JString};
use jni::refs::Reference as _;
use jni::sys::{jdouble, jint, jlong};
use jni::Env;
use ndarray::{ArrayView2, ArrayViewMut1, ArrayViewMut2};

use crate::decision;
use crate::error::{BridgeError, BridgeResult};
use crate::handle::{self, Loaded};
use crate::work::with_work;

/// Rows scored per `get_region`/`set_region` round in a batch: bounds the native copy of a
/// huge batch to a few MB while keeping the crossings per row negligible.
const BATCH_CHUNK_ROWS: usize = 1024;

pub(crate) fn illegal(msg: impl Into<String>) -> BridgeError {
    BridgeError::IllegalArgument(msg.into())
}

pub(crate) fn non_null<T: jni::refs::Reference>(obj: &T, what: &str) -> BridgeResult<()> {
    if obj.is_null() {
        Err(illegal(format!("{what} must not be null")))
    } else {
        Ok(())
    }
}

fn jstring_arg(env: &Env<'_>, s: &JString<'_>, what: &str) -> BridgeResult<String> {
    non_null(s, what)?;
    Ok(s.try_to_string(env)?)
}

pub(crate) fn jsize(n: usize, what: &str) -> BridgeResult<jint> {
    jint::try_from(n).map_err(|_| illegal(format!("{what}: {n} is over Java's array limit")))
}

fn byte_vec(env: &mut Env<'_>, bytes: &JByteArray<'_>) -> BridgeResult<Vec<u8>> {
    let len = bytes.len(env)?;
    let mut signed = vec![0i8; len];
    bytes.get_region(env, 0, &mut signed)?;
    Ok(signed.into_iter().map(|b| b as u8).collect())
}

/// Reads a MOJO zip or a POJO source from Java bytes, with its calibration: the sidecar text
/// `calibration_json` when given (a POJO source's, or any file's, `<file>.ae4j-calibration.json`;
/// it wins, as in `calibration::read`), else the MOJO's `ae4j/calibration.json` entry. A
/// calibration made for another model is a load error. The preprocessing pipeline likewise:
/// the sidecar text `pipeline_json` (`<file>.ae4j-pipeline.json`) when given, else the MOJO's
/// `ae4j/pipeline.json` entry; a spec that does not parse or does not produce every model
/// column is a load error.
pub fn load_bytes(
    env: &mut Env<'_>,
    bytes: &JByteArray<'_>,
    name: &JString<'_>,
    calibration_json: &JByteArray<'_>,
    pipeline_json: &JByteArray<'_>,
) -> BridgeResult<jlong> {
    non_null(bytes, "model bytes")?;
    let name = if name.is_null() {
        "<bytes>".to_string()
    } else {
        name.try_to_string(env)?
    };
    let data = byte_vec(env, bytes)?;
    let model = ae4j_core::load_model_bytes(&data, &name)?;
    let calibration = if calibration_json.is_null() {
        calibration::read_bytes(&data, &name, &model)?
    } else {
        let text = byte_vec(env, calibration_json)?;
        let origin = format!("{name}{}", calibration::SIDECAR_SUFFIX);
        Some(calibration::from_json(&text, &origin, &model)?)
    };
    let pipeline = if pipeline_json.is_null() {
        pipeline::read_bytes(&data, &name, &model).map_err(load_error)?
    } else {
        let text = byte_vec(env, pipeline_json)?;
        let origin = format!("{name}{}", pipeline::SIDECAR_SUFFIX);
        let p = pipeline::Pipeline::from_json(&text, &origin).map_err(load_error)?;
        p.check_model(&model, &origin).map_err(load_error)?;
        Some(p)
    };
    Ok(handle::into_handle_loaded(Loaded {
        model,
        calibration,
        pipeline,
    }))
}

/// A spec or pipeline error at load time: an `IOException` with the core's message.
fn load_error(e: impl std::fmt::Display) -> BridgeError {
    BridgeError::Load(e.to_string())
}

/// Reads a MOJO zip, an unzipped MOJO directory or a POJO source from a path, with the
/// calibration and the pipeline stored with it (`calibration::read`, `pipeline::read`).
pub fn load_path(env: &mut Env<'_>, path: &JString<'_>) -> BridgeResult<jlong> {
    let path = jstring_arg(env, path, "model path")?;
    let path = std::path::Path::new(&path);
    let model = ae4j_core::load_model(path)?;
    let calibration = calibration::read(path, &model)?;
    let pipeline = pipeline::read(path, &model).map_err(load_error)?;
    Ok(handle::into_handle_loaded(Loaded {
        model,
        calibration,
        pipeline,
    }))
}

pub(crate) fn check_len(
    env: &Env<'_>,
    array: &JDoubleArray<'_>,
    what: &str,
    at_least: usize,
) -> BridgeResult<usize> {
    non_null(array, what)?;
    let len = array.len(env)?;
    if len < at_least {
        return Err(illegal(format!(
            "{what}: length {len}, the model needs at least {at_least}"
        )));
    }
    Ok(len)
}

/// Scores one raw row: one crossing in, two out.
pub fn score(
    env: &mut Env<'_>,
    model: &Model,
    raw: &JDoubleArray<'_>,
    reconstructed: &JDoubleArray<'_>,
    squared_errors: &JDoubleArray<'_>,
) -> BridgeResult<jdouble> {
    let scorer = Scorer::new(model, None, ScoreOptions::default());
    let outputs = RowArrays {
        reconstructed,
        squared_errors,
        deep: None,
    };
    score_row(env, &scorer, raw, outputs, |_, _| Ok(()))
}

/// Scores one raw row and decides on it in the same call: [`score`], plus the row's decision
/// (layout in [`decision`]) written to `decision_out`. `threshold` NaN means none given.
#[allow(clippy::too_many_arguments)]
pub fn score_decide(
    env: &mut Env<'_>,
    loaded: &Loaded,
    raw: &JDoubleArray<'_>,
    reconstructed: &JDoubleArray<'_>,
    squared_errors: &JDoubleArray<'_>,
    threshold: jdouble,
    explain: jint,
    decision_out: &JDoubleArray<'_>,
) -> BridgeResult<jdouble> {
    let threshold = decision::threshold_arg(threshold)?;
    let k = decision::explain_count(loaded, explain)?;
    let stride = decision::stride(k);
    check_len(env, decision_out, "decision output", stride)?;
    let scorer = decision::scorer(loaded, threshold, k);
    let outputs = RowArrays {
        reconstructed,
        squared_errors,
        deep: None,
    };
    score_row(env, &scorer, raw, outputs, |env, scored| {
        let mut out = vec![0.0; stride];
        decision::write_decision(scored.decision, scored.explanation, k, &mut out);
        Ok(decision_out.set_region(env, 0, &out)?)
    })
}

/// The Java arrays one row's outputs go to: the scores, and the deep features of a choice of
/// hidden layers when given (the scorer must compute the same ones:
/// [`Scorer::with_deep_features`]).
pub(crate) struct RowArrays<'a, 'l> {
    pub reconstructed: &'a JDoubleArray<'l>,
    pub squared_errors: &'a JDoubleArray<'l>,
    pub deep: Option<(&'a DeepFeatures, &'a JDoubleArray<'l>)>,
}

/// Scores one raw row with the core's row path (with its deep features, when asked for, from
/// the same forward pass), then hands the scored row to `then` (still inside the per-thread
/// buffers, so nothing is copied).
pub(crate) fn score_row(
    env: &mut Env<'_>,
    scorer: &Scorer<'_>,
    raw: &JDoubleArray<'_>,
    outputs: RowArrays<'_, '_>,
    then: impl FnOnce(&mut Env<'_>, &Scored<'_>) -> BridgeResult<()>,
) -> BridgeResult<jdouble> {
    let model = scorer.model();
    let (nf, ns) = (model.n_features(), model.n_slots());
    let raw_len = check_len(env, raw, "raw row", nf)?;
    if raw_len != nf {
        return Err(illegal(format!(
            "raw row: length {raw_len}, the model has {nf} input columns"
        )));
    }
    check_len(env, outputs.reconstructed, "reconstructed output", ns)?;
    check_len(env, outputs.squared_errors, "squared-errors output", ns)?;
    if let Some((features, out)) = outputs.deep {
        check_len(env, out, "deep features output", features.width())?;
    }
    with_work(model, |w| {
        raw.get_region(env, 0, w.rows.raw_mut())?;
        let scored = w.rows.score_in_place(scorer)?;
        outputs
            .reconstructed
            .set_region(env, 0, scored.reconstruction)?;
        outputs
            .squared_errors
            .set_region(env, 0, scored.squared_errors)?;
        if let Some((_, out)) = outputs.deep {
            out.set_region(env, 0, scored.deep_features)?;
        }
        then(env, &scored)?;
        Ok(scored.mse)
    })
}

/// Scores `n_rows` raw rows laid out row after row in `rows`, in one native call.
pub fn score_batch(
    env: &mut Env<'_>,
    model: &Model,
    rows: &JDoubleArray<'_>,
    n_rows: jint,
    reconstructed: &JDoubleArray<'_>,
    squared_errors: &JDoubleArray<'_>,
    mse: &JDoubleArray<'_>,
) -> BridgeResult<()> {
    let scores = BatchArrays {
        reconstructed,
        squared_errors,
        mse,
    };
    batch(env, model, rows, n_rows, Some(scores), None)
}

/// The Java arrays a batch's scores go to (row after row).
pub(crate) struct BatchArrays<'a, 'l> {
    pub reconstructed: &'a JDoubleArray<'l>,
    pub squared_errors: &'a JDoubleArray<'l>,
    pub mse: &'a JDoubleArray<'l>,
}

/// The batch path across JNI: `n_rows` raw rows in, the scores (when `scores` is given) and
/// the deep features of `deep` (when given) out, through the core's batch path in chunks of
/// [`BATCH_CHUNK_ROWS`] rows: one region copy per chunk and array.
pub(crate) fn batch(
    env: &mut Env<'_>,
    model: &Model,
    rows: &JDoubleArray<'_>,
    n_rows: jint,
    scores: Option<BatchArrays<'_, '_>>,
    deep: Option<(&DeepFeatures, &JDoubleArray<'_>)>,
) -> BridgeResult<()> {
    let n_rows =
        usize::try_from(n_rows).map_err(|_| illegal(format!("row count {n_rows} is negative")))?;
    let (nf, ns) = (model.n_features(), model.n_slots());
    let need = |per_row: usize, what: &str| {
        n_rows
            .checked_mul(per_row)
            .ok_or_else(|| illegal(format!("{what}: {n_rows} rows overflow")))
    };
    let raw_len = check_len(env, rows, "rows", need(nf, "rows")?)?;
    if raw_len != n_rows * nf {
        return Err(illegal(format!(
            "rows: length {raw_len}, expected {n_rows} rows x {nf} input columns = {}",
            n_rows * nf
        )));
    }
    if let Some(s) = &scores {
        let rec_need = need(ns, "reconstructed output")?;
        check_len(env, s.reconstructed, "reconstructed output", rec_need)?;
        let se_need = need(ns, "squared-errors output")?;
        check_len(env, s.squared_errors, "squared-errors output", se_need)?;
        check_len(env, s.mse, "mse output", n_rows)?;
    }
    let width = deep.map_or(0, |(f, _)| f.width());
    if let Some((_, out)) = deep {
        check_len(
            env,
            out,
            "deep features output",
            need(width, "deep features output")?,
        )?;
    }
    let chunk = BATCH_CHUNK_ROWS.min(n_rows.max(1));
    let score_rows = if scores.is_some() { chunk } else { 0 };
    let mut raw_buf = vec![0.0; chunk * nf];
    let mut rec_buf = vec![0.0; score_rows * ns];
    let mut se_buf = vec![0.0; score_rows * ns];
    let mut mse_buf = vec![0.0; score_rows];
    let mut deep_buf = vec![0.0; chunk * width];
    let shape = |e: ndarray::ShapeError| illegal(e.to_string());
    let mut start = 0;
    while start < n_rows {
        let m = chunk.min(n_rows - start);
        let raw_c = &mut raw_buf[..m * nf];
        rows.get_region(env, jsize(start * nf, "rows offset")?, raw_c)?;
        let raw_v = ArrayView2::from_shape((m, nf), &*raw_c).map_err(shape)?;
        let mut outputs = BatchOutputs::default();
        if scores.is_some() {
            outputs.reconstructed =
                Some(ArrayViewMut2::from_shape((m, ns), &mut rec_buf[..m * ns]).map_err(shape)?);
            outputs.squared_errors =
                Some(ArrayViewMut2::from_shape((m, ns), &mut se_buf[..m * ns]).map_err(shape)?);
            outputs.mse = Some(ArrayViewMut1::from(&mut mse_buf[..m]));
        }
        if let Some((features, _)) = deep {
            let view = ArrayViewMut2::from_shape((m, width), &mut deep_buf[..m * width]);
            outputs.deep_features = Some((features, view.map_err(shape)?));
        }
        with_work(model, |w| {
            model.score_batch_outputs(raw_v, outputs, w.batch_scratch(model))
        })?;
        if let Some(s) = &scores {
            let at = jsize(start * ns, "output offset")?;
            s.reconstructed.set_region(env, at, &rec_buf[..m * ns])?;
            s.squared_errors.set_region(env, at, &se_buf[..m * ns])?;
            s.mse
                .set_region(env, jsize(start, "mse offset")?, &mse_buf[..m])?;
        }
        if let Some((_, out)) = deep {
            let at = jsize(start * width, "deep features offset")?;
            out.set_region(env, at, &deep_buf[..m * width])?;
        }
        start += m;
    }
    Ok(())
}

/// Decisions on `n_rows` rows already scored (their MSEs and squared errors, as
/// [`score_batch`] wrote them), in one native call: `n_rows` decisions of
/// `decision::stride(explain)` doubles each (layout in [`decision`]). `threshold` NaN means
/// none given.
#[allow(clippy::too_many_arguments)]
pub fn decide_batch(
    env: &mut Env<'_>,
    loaded: &Loaded,
    mse: &JDoubleArray<'_>,
    squared_errors: &JDoubleArray<'_>,
    n_rows: jint,
    threshold: jdouble,
    explain: jint,
    decisions: &JDoubleArray<'_>,
) -> BridgeResult<()> {
    let n_rows =
        usize::try_from(n_rows).map_err(|_| illegal(format!("row count {n_rows} is negative")))?;
    let threshold = decision::threshold_arg(threshold)?;
    let k = decision::explain_count(loaded, explain)?;
    let (ns, stride) = (loaded.model.n_slots(), decision::stride(k));
    let need = |per_row: usize, what: &str| {
        n_rows
            .checked_mul(per_row)
            .ok_or_else(|| illegal(format!("{what}: {n_rows} rows overflow")))
    };
    check_len(env, mse, "mse", n_rows)?;
    // The squared errors are read only when an explanation needs them.
    if k > 0 {
        check_len(
            env,
            squared_errors,
            "squared errors",
            need(ns, "squared errors")?,
        )?;
    }
    check_len(
        env,
        decisions,
        "decision output",
        need(stride, "decision output")?,
    )?;
    let chunk = BATCH_CHUNK_ROWS.min(n_rows.max(1));
    let mut mse_buf = vec![0.0; chunk];
    let mut se_buf = vec![0.0; if k > 0 { chunk * ns } else { 0 }];
    let mut out_buf = vec![0.0; chunk * stride];
    let mut start = 0;
    while start < n_rows {
        let m = chunk.min(n_rows - start);
        mse.get_region(env, jsize(start, "mse offset")?, &mut mse_buf[..m])?;
        if k > 0 {
            squared_errors.get_region(
                env,
                jsize(start * ns, "squared errors offset")?,
                &mut se_buf[..m * ns],
            )?;
        }
        for i in 0..m {
            let errors = if k > 0 {
                &se_buf[i * ns..(i + 1) * ns]
            } else {
                &[][..]
            };
            decision::write(
                loaded,
                threshold,
                k,
                mse_buf[i],
                errors,
                &mut out_buf[i * stride..(i + 1) * stride],
            );
        }
        decisions.set_region(
            env,
            jsize(start * stride, "decision offset")?,
            &out_buf[..m * stride],
        )?;
        start += m;
    }
    Ok(())
}

/// Diagnostic: panics on purpose, to prove a panic becomes a Java exception.
pub fn self_test_panic(env: &mut Env<'_>, message: &JString<'_>) -> BridgeResult<()> {
    let message = if message.is_null() {
        "self-test".to_string()
    } else {
        message.try_to_string(env)?
    };
    panic!("ae4j self-test panic: {message}");
}

pub fn version<'local>(env: &mut Env<'local>) -> BridgeResult<JString<'local>> {
    Ok(JString::from_str(env, env!("CARGO_PKG_VERSION"))?)
}
