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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_model() -> Model {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/models/synth_tanh.zip"
        );
        ae4j_core::load_model(std::path::Path::new(path)).unwrap()
    }

    #[test]
    fn zero_handle_is_rejected_and_free_ignores_it() {
        assert!(matches!(
            unsafe { model(0) },
            Err(BridgeError::IllegalState(_))
        ));
        unsafe { free(0) };
    }

    #[test]
    fn a_handle_round_trips_and_is_shared_between_threads() {
        let h = into_handle(fixture_model());
        let m = unsafe { model(h) }.unwrap();
        assert_eq!(m.n_features(), 8);
        let raw = vec![f64::NAN; 8];
        let expected = m.score(&raw).unwrap().mse;
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let m = unsafe { model(h) }.unwrap();
                    assert_eq!(m.score(&raw).unwrap().mse.to_bits(), expected.to_bits());
                });
            }
        });
        unsafe { free(h) };
    }

    #[test]
    fn per_thread_work_follows_the_model_shape() {
        let a = fixture_model();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/models/digits_wide_tanh.zip"
        );
        let b = ae4j_core::load_model(std::path::Path::new(path)).unwrap();
        for m in [&a, &b, &a, &b] {
            let mse = crate::work::with_work(m, |w| {
                w.raw.fill(f64::NAN);
                m.score_into(
                    &w.raw,
                    &mut w.scratch,
                    &mut w.reconstructed,
                    &mut w.squared_errors,
                )
                .unwrap()
            });
            let raw = vec![f64::NAN; m.n_features()];
            assert_eq!(mse.to_bits(), m.score(&raw).unwrap().mse.to_bits());
        }
    }
}
