//! Model handles: an `Arc<Model>` leaked to Java as a `jlong`.
//!
//! Java (`io.ae4j.internal.NativeHandle`) counts the calls in flight and frees a handle only
//! after `close()` (or the garbage-collection fallback) *and* the last in-flight call, so a
//! borrowed `&Model` is valid for the whole native call that received the handle.

use std::sync::Arc;

use ae4j_core::Model;
use jni::sys::jlong;

use crate::error::{BridgeError, BridgeResult};

/// Moves a model behind a handle owned by Java.
pub fn into_handle(model: Model) -> jlong {
    Arc::into_raw(Arc::new(model)) as jlong
}

/// Borrows the model of a live handle. 0 is rejected.
///
/// # Safety
/// `handle` must come from [`into_handle`] and not have been passed to [`free`] yet; Java's
/// use counting guarantees that for every call it makes.
pub unsafe fn model<'a>(handle: jlong) -> BridgeResult<&'a Model> {
    if handle == 0 {
        return Err(BridgeError::IllegalState(
            "ae4j: no model behind a null (0) handle".into(),
        ));
    }
    // SAFETY: per the contract above, the Arc's strong count is held by Java until `free`.
    Ok(unsafe { &*(handle as *const Model) })
}

/// Releases Java's reference. 0 is ignored.
///
/// # Safety
/// Once per handle from [`into_handle`], after every call using it has returned.
pub unsafe fn free(handle: jlong) {
    if handle != 0 {
        // SAFETY: per the contract above, this is the handle's one `into_raw` reference.
        drop(unsafe { Arc::from_raw(handle as *const Model) });
    }
}
