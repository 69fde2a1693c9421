//! # ae4j-jni
//!
//! The JNI bridge behind the `io.ae4j` Java package: the native methods of
//! `io.ae4j.internal.Native`, thin over [`ae4j_core`].
//!
//! * Every export is a one-liner over an inner function of [`bridge`] returning a `Result`; it
//!   runs inside `EnvUnowned::with_env`, which catches panics, and resolves with
//!   [`error::ThrowJava`]: errors become specific Java exceptions, a panic becomes
//!   `io.ae4j.NativeException`, and the JVM never aborts (the workspace keeps `panic = "unwind"`).
//! * A model is an immutable `Arc<Loaded>` (the model and its calibration, if its file carried
//!   one) shared by every thread, crossing as a `jlong` handle (0 is rejected; Java frees it
//!   once, after the last in-flight call).
//! * Anomaly decisions (issue #12) are the core's `calibration::decide` / `explain`, computed in
//!   the scoring call of a row or once per batch ([`decision`]).
//! * Rows cross as flat `double[]` arrays, one region copy per row or per batch chunk.
//! * A model with a preprocessing pipeline (issue #22) takes rows of raw cells, packed by Java
//!   into flat arrays that cross once per batch chunk; the core runs the pipeline and genmodel's
//!   conversion ([`cells`]).
//! * Deep features (issue #21) come with a row's or a batch's scores in the same call, or
//!   alone for raw rows ([`deep`]).
//! * The single-row hot path (`AutoEncoderModel.score`, so `predictAutoEncoder`) crosses
//!   through a per-thread direct buffer instead of arrays, with no JNI call on the native side
//!   ([`direct`]).

pub mod bridge;
pub mod cells;
pub mod decision;
pub mod deep;
pub mod describe;
pub mod direct;
pub mod error;
pub mod handle;
pub mod pojo_class;
mod work;

use ae4j_core::Model;
use jni::objects::{
    JByteArray, JByteBuffer, JClass, JDoubleArray, JFloatArray, JIntArray, JObject, JObjectArray,
    JString,
};
use jni::sys::{jboolean, jdouble, jint, jlong};
use jni::{Env, EnvUnowned};

use crate::error::{BridgeResult, ThrowJava};
use crate::handle::Loaded;

/// Runs `f` on the model behind `handle` (0 rejected), turning errors and panics into Java
/// exceptions.
fn with_model<'l, T: Default>(
    env: &mut EnvUnowned<'l>,
    handle: jlong,
    f: impl FnOnce(&mut Env<'l>, &Model) -> BridgeResult<T>,
) -> T {
    env.with_env(|env| {
        // SAFETY: Java passes only live handles (NativeHandle counts in-flight calls).
        let model = unsafe { handle::model(handle) }?;
        f(env, model)
    })
    .resolve::<ThrowJava>()
}

/// Runs `f` on what the handle owns (model and calibration; 0 rejected), turning errors and
/// panics into Java exceptions.
fn with_loaded<'l, T: Default>(
    env: &mut EnvUnowned<'l>,
    handle: jlong,
    f: impl FnOnce(&mut Env<'l>, &Loaded) -> BridgeResult<T>,
) -> T {
    env.with_env(|env| {
        // SAFETY: Java passes only live handles (NativeHandle counts in-flight calls).
        let loaded = unsafe { handle::loaded(handle) }?;
        f(env, loaded)
    })
    .resolve::<ThrowJava>()
}

/// `static native long load(byte[] mojoZip, String name, byte[] calibrationJson, byte[] pipelineJson) throws IOException`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_load<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    bytes: JByteArray<'l>,
    name: JString<'l>,
    calibration_json: JByteArray<'l>,
    pipeline_json: JByteArray<'l>,
) -> jlong {
    env.with_env(|env| bridge::load_bytes(env, &bytes, &name, &calibration_json, &pipeline_json))
        .resolve::<ThrowJava>()
}

/// `static native long loadPath(String path) throws IOException`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_loadPath<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    path: JString<'l>,
) -> jlong {
    env.with_env(|env| bridge::load_path(env, &path))
        .resolve::<ThrowJava>()
}

/// `static native long fromPojoArrays(String className, String[] names, int[] domainSizes,
/// String[] levels, int[] catOffsets, int[] neurons, float[] weights, double[] biases,
/// double[] hiddenDropoutRatios, double[] normMul, double[] normSub, String activation,
/// double[] probeRows, double[] probeOutputs)`: a compiled POJO's arrays, once (see
/// [`pojo_class`]).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_ae4j_internal_Native_fromPojoArrays<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    class_name: JString<'l>,
    names: JObjectArray<'l, JString<'l>>,
    domain_sizes: JIntArray<'l>,
    levels: JObjectArray<'l, JString<'l>>,
    cat_offsets: JIntArray<'l>,
    neurons: JIntArray<'l>,
    weights: JFloatArray<'l>,
    biases: JDoubleArray<'l>,
    hidden_dropout_ratios: JDoubleArray<'l>,
    norm_mul: JDoubleArray<'l>,
    norm_sub: JDoubleArray<'l>,
    activation: JString<'l>,
    probe_rows: JDoubleArray<'l>,
    probe_outputs: JDoubleArray<'l>,
) -> jlong {
    env.with_env(|env| {
        pojo_class::from_arrays(
            env,
            &class_name,
            &names,
            &domain_sizes,
            &levels,
            &cat_offsets,
            &neurons,
            &weights,
            &biases,
            &hidden_dropout_ratios,
            &norm_mul,
            &norm_sub,
            &activation,
            &probe_rows,
            &probe_outputs,
        )
    })
    .resolve::<ThrowJava>()
}

/// `static native void free(long handle)`: 0 is ignored.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_free<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
) {
    // SAFETY: Java calls free once per handle, after the last in-flight call.
    env.with_env(|_| -> BridgeResult<()> {
        unsafe { handle::free(handle) };
        Ok(())
    })
    .resolve::<ThrowJava>()
}

/// `static native void describe(long handle, ModelDescription out)`: fills `out` with the
/// model's metadata in one call (see [`describe`]).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_describe<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    out: JObject<'l>,
) {
    with_loaded(&mut env, handle, |env, l| describe::describe(env, l, &out))
}

/// `static native double score(long handle, double[] raw, double[] reconstructed, double[] squaredErrors)`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_score<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    raw: JDoubleArray<'l>,
    reconstructed: JDoubleArray<'l>,
    squared_errors: JDoubleArray<'l>,
) -> jdouble {
    with_model(&mut env, handle, |env, m| {
        bridge::score(env, m, &raw, &reconstructed, &squared_errors)
    })
}

/// `static native long bufferAddress(java.nio.ByteBuffer buffer)`: a direct buffer's address
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_bufferAddress<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    buffer: JByteBuffer<'l>,
) -> jlong {
    env.with_env(|env| direct::buffer_address(env, &buffer))
        .resolve::<ThrowJava>()
}

/// `static native double scoreBuffer(long handle, long address, int capacity)`: one row
/// through a thread's direct buffer (see [`direct`])
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_scoreBuffer<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    address: jlong,
    capacity: jint,
) -> jdouble {
    // SAFETY: only io.ae4j.internal.RowBuffer calls this, with its own live buffer (see
    // `direct::score`).
    with_model(&mut env, handle, |_, m| unsafe {
        direct::score(m, address, capacity)
    })
}

/// `static native void scoreBatch(long handle, double[] rows, int nRows, double[] reconstructed, double[] squaredErrors, double[] mse)`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_scoreBatch<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    rows: JDoubleArray<'l>,
    n_rows: jint,
    reconstructed: JDoubleArray<'l>,
    squared_errors: JDoubleArray<'l>,
    mse: JDoubleArray<'l>,
) {
    with_model(&mut env, handle, |env, m| {
        bridge::score_batch(env, m, &rows, n_rows, &reconstructed, &squared_errors, &mse)
    })
}

/// `static native double scoreDecide(long handle, double[] raw, double[] reconstructed, double[] squaredErrors, double threshold, int explain, double[] decision)`
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_ae4j_internal_Native_scoreDecide<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    raw: JDoubleArray<'l>,
    reconstructed: JDoubleArray<'l>,
    squared_errors: JDoubleArray<'l>,
    threshold: jdouble,
    explain: jint,
    decision: JDoubleArray<'l>,
) -> jdouble {
    with_loaded(&mut env, handle, |env, l| {
        bridge::score_decide(
            env,
            l,
            &raw,
            &reconstructed,
            &squared_errors,
            threshold,
            explain,
            &decision,
        )
    })
}

/// `static native void decideBatch(long handle, double[] mse, double[] squaredErrors, int nRows, double threshold, int explain, double[] decisions)`
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_ae4j_internal_Native_decideBatch<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    mse: JDoubleArray<'l>,
    squared_errors: JDoubleArray<'l>,
    n_rows: jint,
    threshold: jdouble,
    explain: jint,
    decisions: JDoubleArray<'l>,
) {
    with_loaded(&mut env, handle, |env, l| {
        bridge::decide_batch(
            env,
            l,
            &mse,
            &squared_errors,
            n_rows,
            threshold,
            explain,
            &decisions,
        )
    })
}

/// `static native void selfTestPanic(String message)`: a diagnostic that panics on purpose.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_selfTestPanic<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    message: JString<'l>,
) {
    env.with_env(|env| bridge::self_test_panic(env, &message))
        .resolve::<ThrowJava>()
}

/// `static native String version()`: the native library's version.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_version<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
) -> JString<'l> {
    env.with_env(bridge::version).resolve::<ThrowJava>()
}

/// `static native double scoreDeep(long handle, double[] raw, double[] reconstructed, double[] squaredErrors, int layer, double[] deepFeatures, double threshold, int explain, double[] decision)`: `decision` may be null
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_ae4j_internal_Native_scoreDeep<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    raw: JDoubleArray<'l>,
    reconstructed: JDoubleArray<'l>,
    squared_errors: JDoubleArray<'l>,
    layer: jint,
    deep_features: JDoubleArray<'l>,
    threshold: jdouble,
    explain: jint,
    decision: JDoubleArray<'l>,
) -> jdouble {
    with_loaded(&mut env, handle, |env, l| {
        deep::score_deep(
            env,
            l,
            &raw,
            &reconstructed,
            &squared_errors,
            layer,
            &deep_features,
            threshold,
            explain,
            &decision,
        )
    })
}

/// `static native void scoreBatchDeep(long handle, double[] rows, int nRows, double[] reconstructed, double[] squaredErrors, double[] mse, int layer, double[] deepFeatures)`
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_ae4j_internal_Native_scoreBatchDeep<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    rows: JDoubleArray<'l>,
    n_rows: jint,
    reconstructed: JDoubleArray<'l>,
    squared_errors: JDoubleArray<'l>,
    mse: JDoubleArray<'l>,
    layer: jint,
    deep_features: JDoubleArray<'l>,
) {
    with_model(&mut env, handle, |env, m| {
        deep::score_batch_deep(
            env,
            m,
            &rows,
            n_rows,
            &reconstructed,
            &squared_errors,
            &mse,
            layer,
            &deep_features,
        )
    })
}

/// `static native void deepFeatures(long handle, double[] rows, int nRows, int layer, double[] out)`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_deepFeatures<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    rows: JDoubleArray<'l>,
    n_rows: jint,
    layer: jint,
    out: JDoubleArray<'l>,
) {
    with_model(&mut env, handle, |env, m| {
        deep::deep_features(env, m, &rows, n_rows, layer, &out)
    })
}

/// `static native void scoreCells(long handle, int nRows, byte[] kinds, double[] numbers, byte[] text, int[] textEnds, boolean unknownToNa, boolean invalidToNa, double[] rawOut, double[] reconstructed, double[] squaredErrors, double[] mse, double threshold, int explain, double[] decisions, int layer, double[] deepFeatures, String[] failures)`:
/// rows of raw cells of a pipeline model (see [`cells`]); `decisions` and `deepFeatures` may be null
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "system" fn Java_io_ae4j_internal_Native_scoreCells<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    n_rows: jint,
    kinds: JByteArray<'l>,
    numbers: JDoubleArray<'l>,
    text: JByteArray<'l>,
    text_ends: JIntArray<'l>,
    unknown_to_na: jboolean,
    invalid_to_na: jboolean,
    raw: JDoubleArray<'l>,
    reconstructed: JDoubleArray<'l>,
    squared_errors: JDoubleArray<'l>,
    mse: JDoubleArray<'l>,
    threshold: jdouble,
    explain: jint,
    decisions: JDoubleArray<'l>,
    layer: jint,
    deep_features: JDoubleArray<'l>,
    failures: JObjectArray<'l, JString<'l>>,
) {
    with_loaded(&mut env, handle, |env, l| {
        let cells = cells::CellArrays {
            kinds: &kinds,
            numbers: &numbers,
            text: &text,
            text_ends: &text_ends,
        };
        let out = cells::CellOutputs {
            raw: &raw,
            reconstructed: &reconstructed,
            squared_errors: &squared_errors,
            mse: &mse,
            decisions: &decisions,
            deep: &deep_features,
            failures: &failures,
        };
        let options = cells::CellOptions {
            convert: ae4j_core::convert::ConvertOptions {
                unknown_categorical_to_na: unknown_to_na,
                invalid_number_to_na: invalid_to_na,
            },
            threshold,
            explain,
            layer,
        };
        cells::score_cells(env, l, n_rows, cells, out, options)
    })
}
