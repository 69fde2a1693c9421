//! One row through the calling thread's direct buffer (`io.ae4j.internal.RowBuffer`): the
//! single-row hot path of `predictAutoEncoder(RowData)` and `AutoEncoderModel.score`.
//!
//! Why: for a small model the array route's JNI calls cost as much as a third of the network
//! (three `GetArrayLength`, a `GetDoubleArrayRegion`, two `SetDoubleArrayRegion`, each a
//! native-to-VM transition, and the jni crate's exception check after each). Here the row
//! crosses through memory at a fixed address that Java and Rust both see, so the native side
//! makes no JNI call at all on success: it reads the raw row from the buffer, scores it with
//! the core's row path and writes the reconstruction and the squared errors back.
//!
//! Layout of the buffer (doubles): `[raw row: n_features][reconstruction: n_slots]
//! [squared errors: n_slots]`, at least [`doubles_needed`] long.

use ae4j_core::scorer::{ScoreOptions, Scorer};
use ae4j_core::Model;
use jni::objects::JByteBuffer;
use jni::sys::{jdouble, jint, jlong};
use jni::Env;

use crate::bridge::{illegal, non_null};
use crate::error::BridgeResult;
use crate::work::with_work;

/// The doubles a row buffer needs for `model`: the raw row, the reconstruction, the errors.
pub fn doubles_needed(model: &Model) -> usize {
    model.n_features() + 2 * model.n_slots()
}

/// The native address of a direct `ByteBuffer` (once per buffer, when Java makes it).
pub fn buffer_address(env: &mut Env<'_>, buffer: &JByteBuffer<'_>) -> BridgeResult<jlong> {
    non_null(buffer, "row buffer")?;
    let address = env.get_direct_buffer_address(buffer)?;
    Ok(address as jlong)
}

/// Scores the raw row at the start of the buffer at `address` (`capacity` doubles) and writes
/// the reconstruction and the squared errors after it; returns the MSE.
///
/// # Safety
/// `address` and `capacity` must describe a direct buffer that Java keeps reachable for the
/// whole call and that no other thread touches meanwhile: `RowBuffer` holds one per thread and
/// passes only its own address and capacity. The checks below (null, alignment, size for this
/// model) turn a wrong layout into an `IllegalArgumentException`; they cannot detect a
/// fabricated address, which is why only `RowBuffer` may call this (like a model handle, the
/// address is trusted).
pub unsafe fn score(model: &Model, address: jlong, capacity: jint) -> BridgeResult<jdouble> {
    let (nf, ns) = (model.n_features(), model.n_slots());
    let capacity = usize::try_from(capacity)
        .map_err(|_| illegal(format!("row buffer: capacity {capacity} is negative")))?;
    let needed = doubles_needed(model);
    if capacity < needed {
        return Err(illegal(format!(
            "row buffer: {capacity} doubles, the model needs {needed} ({nf} input columns, \
             2 x {ns} slots)"
        )));
    }
    let ptr = address as usize as *mut f64;
    if ptr.is_null() || !ptr.is_aligned() {
        return Err(illegal(format!(
            "row buffer: address {address:#x} is null or not 8-byte aligned"
        )));
    }
    // SAFETY: per the contract above, `capacity` doubles at `ptr` are live, aligned (checked),
    // and used by this thread alone until the call returns; no other Rust reference exists.
    let buffer = unsafe { std::slice::from_raw_parts_mut(ptr, capacity) };
    let (raw, outputs) = buffer.split_at_mut(nf);
    let (reconstructed, rest) = outputs.split_at_mut(ns);
    let squared_errors = &mut rest[..ns];
    let scorer = Scorer::new(model, None, ScoreOptions::default());
    with_work(model, |w| {
        w.rows.raw_mut().copy_from_slice(raw);
        let scored = w.rows.score_in_place(&scorer)?;
        reconstructed.copy_from_slice(scored.reconstruction);
        squared_errors.copy_from_slice(scored.squared_errors);
        Ok(scored.mse)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::BridgeError;

    fn model() -> Model {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/models/synth_tanh.zip"
        );
        ae4j_core::load_model(std::path::Path::new(path)).unwrap()
    }

    #[test]
    fn a_row_in_the_buffer_scores_as_the_core_scores_it() {
        let m = model();
        let raw: Vec<f64> = (0..m.n_features())
            .map(|i| if i == 2 { f64::NAN } else { i as f64 * 0.37 })
            .collect();
        let want = m.score(&raw).unwrap();
        let mut buffer = vec![-1.0; doubles_needed(&m) + 3];
        buffer[..raw.len()].copy_from_slice(&raw);
        let capacity = buffer.len() as jint;
        let mse = unsafe { score(&m, buffer.as_mut_ptr() as jlong, capacity) }.unwrap();
        let (nf, ns) = (m.n_features(), m.n_slots());
        assert_eq!(mse.to_bits(), want.mse.to_bits());
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&buffer[nf..nf + ns]), bits(&want.reconstructed));
        assert_eq!(
            bits(&buffer[nf + ns..nf + 2 * ns]),
            bits(&want.squared_errors)
        );
        assert_eq!(
            buffer[nf + 2 * ns..],
            [-1.0; 3],
            "nothing past the layout is written"
        );
        assert_eq!(
            bits(&buffer[..nf]),
            bits(&raw),
            "the raw row is left as it was"
        );
    }

    #[test]
    fn a_short_null_or_misaligned_buffer_is_an_argument_error() {
        let m = model();
        let mut buffer = vec![0.0; doubles_needed(&m) + 1];
        let at = buffer.as_mut_ptr() as jlong;
        let short = (doubles_needed(&m) - 1) as jint;
        let full = doubles_needed(&m) as jint;
        for (address, capacity) in [(at, short), (at, -1), (0, full), (at + 1, full)] {
            let r = unsafe { score(&m, address, capacity) };
            assert!(matches!(r, Err(BridgeError::IllegalArgument(_))), "{r:?}");
        }
    }
}
