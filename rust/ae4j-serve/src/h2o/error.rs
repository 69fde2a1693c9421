//! H2O's error answer, `H2OErrorV3`, with H2O's HTTP status and exception type: h2o-py turns a
//! 400/404/412 with this body into `H2OResponseError` showing `msg`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::keys::now_millis;

/// A request H2O would refuse, as H2O words and types the refusal.
#[derive(Debug, Clone, PartialEq)]
pub struct H2oError {
    pub status: StatusCode,
    pub exception_type: &'static str,
    pub msg: String,
    pub values: Map<String, Value>,
}

const ILLEGAL_ARGUMENT: &str = "water.exceptions.H2OIllegalArgumentException";
const JAVA_ILLEGAL_ARGUMENT: &str = "java.lang.IllegalArgumentException";
const KEY_NOT_FOUND: &str = "water.exceptions.H2OKeyNotFoundArgumentException";

impl H2oError {
    pub fn new(status: StatusCode, exception_type: &'static str, msg: impl Into<String>) -> Self {
        H2oError {
            status,
            exception_type,
            msg: msg.into(),
            values: Map::new(),
        }
    }

    /// 400 `java.lang.IllegalArgumentException` (H2O's answer to a malformed request).
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, JAVA_ILLEGAL_ARGUMENT, msg)
    }

    /// 412 `H2OIllegalArgumentException` (H2O's answer to a parameter it cannot honour).
    pub fn precondition(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::PRECONDITION_FAILED, ILLEGAL_ARGUMENT, msg)
    }

    /// 404 for a key that names nothing: `Object 'k' not found [in function: f] for argument: a`.
    pub fn key_not_found(name: &str, function: Option<&str>, argument: &str) -> Self {
        let msg = match function {
            Some(f) => {
                format!("Object '{name}' not found in function: {f} for argument: {argument}")
            }
            None => format!("Object '{name}' not found for argument: {argument}"),
        };
        let mut e = Self::new(StatusCode::NOT_FOUND, KEY_NOT_FOUND, msg);
        e.values.insert("argument".into(), argument.into());
        if let Some(f) = function {
            e.values.insert("function".into(), f.into());
        }
        e.values.insert("name".into(), name.into());
        e
    }

    /// 404 `H2ONotFoundArgumentException` (a file that is not there).
    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "water.exceptions.H2ONotFoundArgumentException",
            msg,
        )
    }

    /// 413: the frames would not fit the memory budget. H2O has no such limit; the body is
    /// H2O's error schema so clients show the message (h2o-py raises `H2OServerError`).
    pub fn over_budget(what: &str, need: usize, free: usize, budget: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ILLEGAL_ARGUMENT,
            format!(
                "{what} needs {need} bytes but only {free} of the {budget} bytes for frames are free \
                 (--h2o-max-frame-bytes); remove frames or raise the limit"
            ),
        )
    }

    /// The text H2O puts in `msg`, `dev_msg` and `exception_msg`.
    fn framed(&self) -> String {
        format!("\n\nERROR MESSAGE:\n\n{}\n\n", self.msg)
    }

    /// The `H2OErrorV3` body.
    pub fn body(&self) -> Value {
        let framed = self.framed();
        json!({
            "__meta": {"schema_version": 3, "schema_name": "H2OErrorV3", "schema_type": "H2OError"},
            "timestamp": now_millis(),
            "error_url": "",
            "msg": framed,
            "dev_msg": framed,
            "http_status": self.status.as_u16(),
            "values": self.values,
            "exception_type": self.exception_type,
            "exception_msg": framed,
            "stacktrace": [format!("{}: {}", self.exception_type, self.msg)],
        })
    }

    /// The text a failed job carries in `exception`.
    pub fn job_exception(&self) -> String {
        format!("{}: {}", self.exception_type, self.msg)
    }
}

impl IntoResponse for H2oError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_not_found_reads_like_h2o() {
        let e = H2oError::key_not_found("m", Some("predict"), "model");
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        let b = e.body();
        assert_eq!(
            b["msg"],
            "\n\nERROR MESSAGE:\n\nObject 'm' not found in function: predict for argument: model\n\n"
        );
        assert_eq!(b["values"]["function"], "predict");
        assert_eq!(b["__meta"]["schema_name"], "H2OErrorV3");
    }
}
