//! Errors of the bridge and the one policy that turns them (and panics) into Java exceptions.
//!
//! | Rust side                              | Java side                              |
//! |----------------------------------------|----------------------------------------|
//! | [`BridgeError::Load`] (core ModelError) | `java.io.IOException` (core's message) |
//! | [`BridgeError::IllegalArgument`]       | `java.lang.IllegalArgumentException`   |
//! | [`BridgeError::IllegalState`]          | `java.lang.IllegalStateException`      |
//! | [`BridgeError::Jni`] (nothing pending) | `io.ae4j.NativeException`              |
//! | a panic                                | `io.ae4j.NativeException`              |
//!
//! An exception already pending (thrown by the JVM during a JNI call) always wins.

use std::any::Any;

use jni::errors::ErrorPolicy;
use jni::strings::JNIString;
use jni::{jni_str, Env};

/// Why a native call failed.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// The model bytes or directory could not be read as an autoencoder.
    #[error("{0}")]
    Load(String),
    /// A null, short or inconsistent argument from Java.
    #[error("{0}")]
    IllegalArgument(String),
    /// A handle that is not (or no longer) a model.
    #[error("{0}")]
    IllegalState(String),
    /// A JNI call failed (usually with a Java exception already pending).
    #[error("JNI error: {0}")]
    Jni(#[from] jni::errors::Error),
}

impl From<ae4j_core::ModelError> for BridgeError {
    fn from(e: ae4j_core::ModelError) -> Self {
        BridgeError::Load(e.to_string())
    }
}

/// Raw rows cross already converted, so the only failure left on the Java route is a row of the
/// wrong shape: an argument error.
impl From<ae4j_core::RowFailure> for BridgeError {
    fn from(e: ae4j_core::RowFailure) -> Self {
        BridgeError::IllegalArgument(e.message)
    }
}

impl From<ae4j_core::ShapeError> for BridgeError {
    fn from(e: ae4j_core::ShapeError) -> Self {
        BridgeError::IllegalArgument(e.to_string())
    }
}

pub type BridgeResult<T> = Result<T, BridgeError>;

/// The error policy of every export: a specific Java exception for each error, a
/// `io.ae4j.NativeException` for a panic, and the type's default as the (ignored) return value.
pub struct ThrowJava;

impl<T: Default> ErrorPolicy<T, BridgeError> for ThrowJava {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        err: BridgeError,
    ) -> jni::errors::Result<T> {
        if env.exception_check() {
            return Ok(T::default()); // the JVM's own exception says it best
        }
        let msg = JNIString::new(err.to_string());
        // `throw_new` returns Err(JavaException) once thrown: that is the expected outcome.
        let _ = match err {
            BridgeError::Load(_) => env.throw_new(jni_str!("java/io/IOException"), &msg),
            BridgeError::IllegalArgument(_) => {
                env.throw_new(jni_str!("java/lang/IllegalArgumentException"), &msg)
            }
            BridgeError::IllegalState(_) => {
                env.throw_new(jni_str!("java/lang/IllegalStateException"), &msg)
            }
            BridgeError::Jni(_) => env.throw_new(jni_str!("io/ae4j/NativeException"), &msg),
        };
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        payload: Box<dyn Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        let text = panic_text(payload);
        if env.exception_check() {
            // Keep the pending exception (it may explain the panic); nothing more can be thrown.
            return Ok(T::default());
        }
        let msg = JNIString::new(format!("panic in ae4j native code: {text}"));
        let _ = env.throw_new(jni_str!("io/ae4j/NativeException"), &msg);
        Ok(T::default())
    }
}

/// The message of a panic payload (`panic!("literal")` or `panic!("{}", x)`).
fn panic_text(payload: Box<dyn Any + Send + 'static>) -> String {
    match payload.downcast::<&'static str>() {
        Ok(s) => (*s).to_string(),
        Err(payload) => match payload.downcast::<String>() {
            Ok(s) => *s,
            Err(payload) => {
                // Dropping an unknown payload could itself panic: leak it instead.
                std::mem::forget(payload);
                "non-string panic payload".to_string()
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_payloads_become_messages() {
        assert_eq!(panic_text(Box::new("literal")), "literal");
        assert_eq!(
            panic_text(Box::new(format!("formatted {}", 42))),
            "formatted 42"
        );
        assert_eq!(panic_text(Box::new(7u32)), "non-string panic payload");
        let caught = std::panic::catch_unwind(|| panic!("inside {}", "catch_unwind"));
        assert_eq!(panic_text(caught.unwrap_err()), "inside catch_unwind");
    }

    #[test]
    fn core_errors_map_to_their_java_kinds() {
        let load = ae4j_core::load_model_bytes(b"not a zip", "x.zip").unwrap_err();
        let e = BridgeError::from(load);
        assert!(
            matches!(e, BridgeError::Load(ref m) if m.starts_with("x.zip")),
            "{e}"
        );
        let shape = ae4j_core::ShapeError {
            what: "row",
            expected: 8,
            actual: 7,
        };
        assert!(matches!(
            BridgeError::from(shape),
            BridgeError::IllegalArgument(_)
        ));
    }
}
