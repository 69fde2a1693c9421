//! # ae4j-jni
//!
//! The JNI bridge behind the `io.ae4j` Java package: the native methods of
//! `io.ae4j.internal.Native`, thin over [`ae4j_core`].
//!
//! * Every export is a one-liner over an inner function of [`bridge`] returning a `Result`; it
//!   runs inside `EnvUnowned::with_env`, which catches panics, and resolves with
//!   [`error::ThrowJava`]: errors become specific Java exceptions, a panic becomes
//!   `io.ae4j.NativeException`, and the JVM never aborts (the workspace keeps `panic = "unwind"`).
//! * A model is an immutable `Arc<Model>` shared by every thread, crossing as a `jlong` handle
//!   (0 is rejected; Java frees it once, after the last in-flight call).
//! * Rows cross as flat `double[]` arrays, one region copy per row or per batch chunk.

pub mod bridge;
pub mod error;
pub mod handle;
pub mod pojo_class;
mod work;

use ae4j_core::Model;
use jni::objects::{
    JByteArray, JClass, JDoubleArray, JFloatArray, JIntArray, JObjectArray, JString,
};
use jni::sys::{jdouble, jint, jlong};
use jni::{Env, EnvUnowned};

use crate::error::{BridgeResult, ThrowJava};

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

/// `static native long load(byte[] mojoZip, String name) throws IOException`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_load<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    bytes: JByteArray<'l>,
    name: JString<'l>,
) -> jlong {
    env.with_env(|env| bridge::load_bytes(env, &bytes, &name))
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

/// `static native String[] columnNames(long handle)`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_columnNames<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
) -> JObjectArray<'l, JString<'l>> {
    with_model(&mut env, handle, bridge::column_names)
}

/// `static native String[] domain(long handle, int column)`: null for a numeric column.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_domain<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    column: jint,
) -> JObjectArray<'l, JString<'l>> {
    with_model(&mut env, handle, |env, m| bridge::domain(env, m, column))
}

/// `static native String[] slotNames(long handle)`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_slotNames<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
) -> JObjectArray<'l, JString<'l>> {
    with_model(&mut env, handle, bridge::slot_names)
}

/// `static native String[] info(long handle)`: format, H2O version, MOJO version, id, activation.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_info<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
) -> JObjectArray<'l, JString<'l>> {
    with_model(&mut env, handle, bridge::info)
}

/// `static native int[] ints(long handle, int what)`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_ints<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
    what: jint,
) -> JIntArray<'l> {
    with_model(&mut env, handle, |env, m| bridge::ints(env, m, what))
}

/// `static native double[] normalization(long handle)`
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ae4j_internal_Native_normalization<'l>(
    mut env: EnvUnowned<'l>,
    _c: JClass<'l>,
    handle: jlong,
) -> JDoubleArray<'l> {
    with_model(&mut env, handle, bridge::normalization)
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
