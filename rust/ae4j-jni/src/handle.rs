//! Model handles: an `Arc<Loaded>` (the model and the calibration and preprocessing pipeline
//! stored with it) leaked to Java as a `jlong`.
//!
//! Java (`io.ae4j.internal.NativeHandle`) counts the calls in flight and frees a handle only
//! after `close()` (or the garbage-collection fallback) *and* the last in-flight call, so a
//! borrowed `&Model` / `&Loaded` is valid for the whole native call that received the handle.

use std::sync::Arc;

use ae4j_core::calibration::Calibration;
use ae4j_core::pipeline::Pipeline;
use ae4j_core::Model;
use jni::sys::jlong;

use crate::error::{BridgeError, BridgeResult};

/// What a handle owns: the model, and its calibration and preprocessing pipeline when the model
/// file carried them (already checked to belong to this model).
#[derive(Debug)]
pub struct Loaded {
    pub model: Model,
    pub calibration: Option<Calibration>,
    /// Issue #22: raw input cells are transformed by it before genmodel's conversion.
    pub pipeline: Option<Pipeline>,
}

/// Moves a model without a calibration behind a handle owned by Java.
pub fn into_handle(model: Model) -> jlong {
    into_handle_with(model, None)
}

/// Moves a model and its calibration behind a handle owned by Java.
pub fn into_handle_with(model: Model, calibration: Option<Calibration>) -> jlong {
    into_handle_loaded(Loaded {
        model,
        calibration,
        pipeline: None,
    })
}

/// Moves a model with what was stored with it behind a handle owned by Java.
pub fn into_handle_loaded(loaded: Loaded) -> jlong {
    Arc::into_raw(Arc::new(loaded)) as jlong
}

/// Borrows what a live handle owns. 0 is rejected.
///
/// # Safety
/// `handle` must come from [`into_handle`] / [`into_handle_with`] and not have been passed to
/// [`free`] yet; Java's use counting guarantees that for every call it makes.
pub unsafe fn loaded<'a>(handle: jlong) -> BridgeResult<&'a Loaded> {
    if handle == 0 {
        return Err(BridgeError::IllegalState(
            "ae4j: no model behind a null (0) handle".into(),
        ));
    }
    // SAFETY: per the contract above, the Arc's strong count is held by Java until `free`.
    Ok(unsafe { &*(handle as *const Loaded) })
}

/// Borrows the model of a live handle. 0 is rejected.
///
/// # Safety
/// As for [`loaded`].
pub unsafe fn model<'a>(handle: jlong) -> BridgeResult<&'a Model> {
    // SAFETY: the caller upholds `loaded`'s contract.
    Ok(&unsafe { loaded(handle) }?.model)
}

/// Releases Java's reference. 0 is ignored.
///
/// # Safety
/// Once per handle from [`into_handle`] / [`into_handle_with`], after every call using it has
/// returned.
pub unsafe fn free(handle: jlong) {
    if handle != 0 {
        // SAFETY: per the contract above, this is the handle's one `into_raw` reference.
        drop(unsafe { Arc::from_raw(handle as *const Loaded) });
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
    fn a_handle_keeps_the_calibration_of_its_model() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/calibration/synth_tanh.calibrated.zip"
        );
        let m = ae4j_core::load_model(std::path::Path::new(path)).unwrap();
        let c = ae4j_core::calibration::read(std::path::Path::new(path), &m).unwrap();
        assert!(c.is_some());
        let threshold = c.as_ref().unwrap().threshold;
        let h = into_handle_with(m, c);
        let l = unsafe { loaded(h) }.unwrap();
        assert_eq!(l.calibration.as_ref().unwrap().threshold, threshold);
        assert!(std::ptr::eq(unsafe { model(h) }.unwrap(), &l.model));
        unsafe { free(h) };
        let h = into_handle(fixture_model());
        assert!(unsafe { loaded(h) }.unwrap().calibration.is_none());
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
            let scorer = ae4j_core::Scorer::new(m, None, Default::default());
            let mse = crate::work::with_work(m, |w| {
                w.rows.raw_mut().fill(f64::NAN);
                w.rows.score_in_place(&scorer).unwrap().mse
            });
            let raw = vec![f64::NAN; m.n_features()];
            assert_eq!(mse.to_bits(), m.score(&raw).unwrap().mse.to_bits());
        }
    }
}
