//! What the routes share: errors in each protocol's shape, body reading with the limits,
//! content types, and the note a scoring response carries for the log and the metrics.

use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use serde::{Serialize, Serializer};
use serde_json::json;

use crate::models::Served;
use crate::scoring::Outcome;

/// The API family a request belongs to: it decides the error body's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Native,
    V2,
    Mlflow,
}

impl Protocol {
    pub fn label(self) -> &'static str {
        match self {
            Protocol::Native => "native",
            Protocol::V2 => "v2",
            Protocol::Mlflow => "mlflow",
        }
    }
}

pub fn protocol_of(path: &str) -> Protocol {
    if path.starts_with("/v2") {
        Protocol::V2
    } else if path == "/invocations" {
        Protocol::Mlflow
    } else {
        Protocol::Native
    }
}

/// A request that cannot be answered with scores.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub protocol: Protocol,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            protocol: Protocol::Native,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn too_many_rows(rows: usize, max: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{rows} rows in one request, over the limit of {max} (--max-rows)"),
        )
    }

    pub fn with(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// A short machine-readable kind for the native error body.
    fn kind(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::REQUEST_TIMEOUT => "request_timeout",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::NOT_ACCEPTABLE => "not_acceptable",
            _ => "internal_error",
        }
    }

    /// MLflow's `error_code` for this status.
    fn mlflow_code(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "BAD_REQUEST",
            StatusCode::NOT_FOUND => "RESOURCE_DOES_NOT_EXIST",
            StatusCode::PAYLOAD_TOO_LARGE => "REQUEST_LIMIT_EXCEEDED",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "BAD_REQUEST",
            StatusCode::REQUEST_TIMEOUT => "TEMPORARILY_UNAVAILABLE",
            _ => "INTERNAL_ERROR",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.protocol {
            Protocol::Native => {
                json!({"error": {"type": self.kind(), "message": self.message}})
            }
            // The Open Inference Protocol's error object.
            Protocol::V2 => json!({"error": self.message}),
            // MLflow's scoring server error object.
            Protocol::Mlflow => json!({"error_code": self.mlflow_code(), "message": self.message}),
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// The note a scoring response carries (as a response extension) for the log and metrics.
#[derive(Clone, Debug)]
pub struct Scored {
    pub model: String,
    pub protocol: Protocol,
    pub rows: u64,
    pub row_errors: u64,
}

pub fn with_note(mut response: Response, note: Scored) -> Response {
    response.extensions_mut().insert(note);
    response
}

/// A request body's kind, from its `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Csv,
    OctetStream,
    Missing,
    Other,
}

pub fn body_kind(headers: &HeaderMap) -> BodyKind {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else {
        return BodyKind::Missing;
    };
    let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
    let essence = ct.split(';').next().unwrap_or("").trim();
    match essence {
        "application/json" => BodyKind::Json,
        e if e.starts_with("application/") && e.ends_with("+json") => BodyKind::Json,
        "text/csv" | "application/csv" => BodyKind::Csv,
        "application/octet-stream" => BodyKind::OctetStream,
        _ => BodyKind::Other,
    }
}

pub fn unsupported_type(headers: &HeaderMap, accepted: &str) -> ApiError {
    let got = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("Content-Type {got} is not accepted here; use {accepted}"),
    )
}

/// Whether the client asked for a CSV answer (`Accept: text/csv`).
pub fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.to_ascii_lowercase().contains("text/csv"))
}

/// Reads the whole body, refusing (413) one over `limit` bytes before reading it when the
/// client announces its length, else as soon as it passes the limit.
pub async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is over the limit of {limit} bytes (--max-body-bytes)"),
        )
    };
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limit as u64 {
            return Err(too_large());
        }
    }
    let mut body = body;
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::bad_request(format!("cannot read the request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(too_large());
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

/// A double in a JSON answer: a number or, for values JSON cannot hold, Java's spelling as a
/// string (`"NaN"`, `"Infinity"`, `"-Infinity"`).
#[derive(Clone, Copy, Debug)]
pub struct Double(pub f64);

impl Serialize for Double {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_finite() {
            s.serialize_f64(v)
        } else if v.is_nan() {
            s.serialize_str("NaN")
        } else {
            s.serialize_str(if v > 0.0 { "Infinity" } else { "-Infinity" })
        }
    }
}

/// A [`Double`] as a JSON value, for answers built as `serde_json::Value`s.
pub fn num(v: f64) -> serde_json::Value {
    match serde_json::Number::from_f64(v) {
        Some(n) => serde_json::Value::Number(n),
        None if v.is_nan() => "NaN".into(),
        None if v > 0.0 => "Infinity".into(),
        None => "-Infinity".into(),
    }
}

/// Doubles named in order (`{"reconstr_age.SE": ..., ...}`), serialized as a JSON object.
pub struct Named<'a>(pub &'a [String], pub &'a [f64]);

impl Serialize for Named<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().zip(self.1).map(|(k, &v)| (k, Double(v))))
    }
}

/// A JSON answer with its content type.
pub fn json_response(body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the answer: {e}"),
        )
        .into_response(),
    }
}

/// A CSV answer with its content type.
pub fn csv_response(text: String) -> Response {
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response()
}

/// The body kind of a scoring request, when it is one of `kinds` (else 415 naming `accepted`).
pub fn accepted_body(
    headers: &HeaderMap,
    kinds: &[BodyKind],
    accepted: &str,
) -> Result<BodyKind, ApiError> {
    let kind = body_kind(headers);
    if kinds.contains(&kind) {
        Ok(kind)
    } else {
        Err(unsupported_type(headers, accepted))
    }
}

/// The note for a scored request.
pub fn note(served: &Served, protocol: Protocol, outcome: &Outcome) -> Scored {
    Scored {
        model: served.id.clone(),
        protocol,
        rows: outcome.rows() as u64,
        row_errors: outcome.failed() as u64,
    }
}

/// The request's error for protocols that answer a batch or fail it (v2, MLflow): the first
/// row that cannot be scored.
pub fn first_row_error(outcome: &Outcome) -> Option<ApiError> {
    outcome
        .first_error()
        .map(|(i, f)| ApiError::bad_request(format!("row {i}: {}: {}", f.kind, f.message)))
}

/// A JSON body that serde could not read, as a 400 with serde's message (line and column).
pub fn json_error(e: serde_json::Error) -> ApiError {
    ApiError::bad_request(format!("malformed request JSON: {e}"))
}

/// Bodies up to this size are parsed, scored and answered on the async worker itself (tens of
/// microseconds); larger ones on the blocking pool, so health checks and small requests stay
/// quick while big requests are scored.
const INLINE_BODY_BYTES: usize = 16 * 1024;

/// Runs the CPU-bound part of a request (parse, convert, score, render) off the async runtime
/// when the body is large.
pub async fn offload<T: Send + 'static>(
    body_len: usize,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    if body_len <= INLINE_BODY_BYTES {
        return work();
    }
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the scoring task failed: {e}"),
        ))
    })
}
