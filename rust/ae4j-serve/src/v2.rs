//! The Open Inference Protocol v2 (KServe, Triton, Seldon MLServer): health, model metadata and
//! readiness, and `POST /v2/models/{id}/infer` with JSON tensors or the binary tensor data
//! extension.
//!
//! Inputs: one tensor per model column, named as the column, shape `[n]` (or `[n, 1]`):
//! `BYTES` (level names, or numbers as text) or any numeric datatype (`FP64`, `FP32`, `INT*`,
//! `UINT*`) for a numeric column. Or a single numeric tensor of shape `[n, columns]` with the
//! columns in model order, categoricals as 0-based level indices. Missing: `null` in JSON data,
//! NaN in binary data. A column with no tensor is missing in every row.
//!
//! Outputs: `reconstruction_mse` (`FP64`, `[n]`), and on request `per_feature_se` and
//! `reconstruction` (`FP64`, `[n, slots]`, slots in H2O's order: see `GET /v1/models/{id}`).
//! When the model is calibrated or the request gives the parameter `threshold` (a number, in
//! place of the calibrated one): `anomaly` (`BOOL`, `[n]`) and `percentile` (`FP64`, `[n]`, NaN
//! when unknown, i.e. without a calibration). With the parameter `deep_features_layer` (an
//! integer, a hidden layer from 0): `deep_features` (`FP64`, `[n, units]`), that layer's
//! activations (H2O's deep features).

use ae4j_core::{ConvertOptions, Model};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::api::{self, num, ApiError, BodyKind, Protocol, Scored};
use crate::models::Served;
use crate::scoring::{self, Column, ColumnValues, Options, Rows};
use crate::Shared;

const HEADER_LENGTH: &str = "inference-header-content-length";
pub const MSE: &str = "reconstruction_mse";
pub const PER_FEATURE: &str = "per_feature_se";
pub const RECONSTRUCTION: &str = "reconstruction";
pub const ANOMALY: &str = "anomaly";
pub const PERCENTILE: &str = "percentile";
pub const DEEP_FEATURES: &str = "deep_features";

fn v2(e: ApiError) -> ApiError {
    e.with(Protocol::V2)
}

fn find<'a>(state: &'a Shared, id: &str) -> Result<&'a Served, ApiError> {
    crate::native::find(state, id).map_err(v2)
}

pub async fn server_metadata() -> Json<Value> {
    Json(json!({
        "name": "ae4j",
        "version": env!("CARGO_PKG_VERSION"),
        "extensions": ["binary_tensor_data"],
    }))
}

pub async fn live() -> Json<Value> {
    Json(json!({"live": true}))
}

/// Models are loaded before the service listens: once it answers, it is ready.
pub async fn ready() -> Json<Value> {
    Json(json!({"ready": true}))
}

pub async fn model_ready(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    find(&state, &id)?;
    Ok(Json(json!({"name": id, "ready": true})))
}

pub async fn model_metadata(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let served = find(&state, &id)?;
    let model = &served.model;
    let inputs: Vec<Value> = model
        .columns()
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "datatype": if c.is_categorical() { "BYTES" } else { "FP64" },
                "shape": [-1],
            })
        })
        .collect();
    let slots = model.n_slots();
    let mut answer = json!({
        "name": served.id,
        "platform": "ae4j_h2o_autoencoder",
        "inputs": inputs,
        "outputs": [
            {"name": MSE, "datatype": "FP64", "shape": [-1]},
            {"name": PER_FEATURE, "datatype": "FP64", "shape": [-1, slots]},
            {"name": RECONSTRUCTION, "datatype": "FP64", "shape": [-1, slots]},
            // with the parameter deep_features_layer: [-1, that layer's units]
            {"name": DEEP_FEATURES, "datatype": "FP64", "shape": [-1, -1]},
        ],
    });
    if served.calibration.is_some() {
        if let Some(outputs) = answer["outputs"].as_array_mut() {
            outputs.push(json!({"name": ANOMALY, "datatype": "BOOL", "shape": [-1]}));
            outputs.push(json!({"name": PERCENTILE, "datatype": "FP64", "shape": [-1]}));
        }
    }
    Ok(Json(answer))
}

#[derive(Deserialize)]
struct InferRequest {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    parameters: Map<String, Value>,
    inputs: Vec<InputTensor>,
    #[serde(default)]
    outputs: Option<Vec<RequestedOutput>>,
}

#[derive(Deserialize)]
struct InputTensor {
    name: String,
    shape: Vec<i64>,
    datatype: String,
    #[serde(default)]
    parameters: Map<String, Value>,
    #[serde(default)]
    data: Option<Value>,
}

#[derive(Deserialize)]
struct RequestedOutput {
    name: String,
    #[serde(default)]
    parameters: Map<String, Value>,
}

/// A tensor's elements, decoded.
enum Elements {
    Numbers(Vec<Option<f64>>),
    Texts(Vec<Option<String>>),
}

impl Elements {
    fn len(&self) -> usize {
        match self {
            Elements::Numbers(v) => v.len(),
            Elements::Texts(v) => v.len(),
        }
    }
}

fn bool_param(params: &Map<String, Value>, key: &str) -> Result<Option<bool>, ApiError> {
    match params.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(ApiError::bad_request(format!(
            "parameter '{key}' must be a boolean, got {other}"
        ))),
    }
}

pub async fn infer(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let served = find(&state, &id)?;
    match api::body_kind(&headers) {
        BodyKind::Json | BodyKind::Missing | BodyKind::OctetStream => {}
        _ => return Err(v2(api::unsupported_type(
            &headers,
            "application/json, or application/octet-stream with Inference-Header-Content-Length",
        ))),
    }
    let bytes = api::read_body(&headers, body, state.max_body_bytes)
        .await
        .map_err(v2)?;
    let (model, id, max_rows) = (served.model.clone(), id.clone(), state.max_rows);
    let calibration = served.calibration.clone();
    let binary_header = headers.get(HEADER_LENGTH).cloned();
    api::offload(bytes.len(), move || {
        let (rows, options, outputs, request_id) = parse_request(
            &model,
            calibration.is_some(),
            binary_header.as_ref(),
            bytes,
            max_rows,
        )
        .map_err(v2)?;
        let outcome = scoring::score(&model, calibration.as_deref(), &rows, options);
        let note = Scored {
            model: id.clone(),
            protocol: Protocol::V2,
            rows: outcome.rows() as u64,
            row_errors: outcome.failed() as u64,
        };
        // Tensors have no per-row errors: the first row that cannot be scored fails the request.
        if let Some((i, f)) = outcome.first_error() {
            let e = v2(ApiError::bad_request(format!(
                "row {i}: {}: {}",
                f.kind, f.message
            )));
            return Ok(api::with_note(e.into_response(), note));
        }
        let n = outcome.rows();
        let slots = outcome.slots;
        let mut json_outputs = Vec::new();
        let mut binary: Vec<u8> = Vec::new();
        let decisions = outcome.decisions.as_deref().unwrap_or(&[]);
        let anomaly: Vec<bool> = decisions.iter().map(|d| d.anomaly).collect();
        let percentile: Vec<f64> = decisions
            .iter()
            .map(|d| d.percentile.unwrap_or(f64::NAN))
            .collect();
        for (name, as_binary) in &outputs {
            let mut t = Map::new();
            t.insert("name".into(), json!(name));
            if name == ANOMALY {
                t.insert("datatype".into(), json!("BOOL"));
                t.insert("shape".into(), json!([n]));
                if *as_binary {
                    binary.extend(anomaly.iter().map(|&b| u8::from(b)));
                    t.insert("parameters".into(), json!({"binary_data_size": n}));
                } else {
                    t.insert("data".into(), json!(anomaly));
                }
                json_outputs.push(Value::Object(t));
                continue;
            }
            let (shape, values): (Vec<usize>, &[f64]) = match name.as_str() {
                MSE => (vec![n], &outcome.mse),
                PERCENTILE => (vec![n], &percentile),
                PER_FEATURE => (vec![n, slots], &outcome.se),
                DEEP_FEATURES => (vec![n, outcome.deep_width], &outcome.deep),
                _ => (vec![n, slots], &outcome.recon),
            };
            t.insert("datatype".into(), json!("FP64"));
            t.insert("shape".into(), json!(shape));
            if *as_binary {
                let start = binary.len();
                for v in values {
                    binary.extend_from_slice(&v.to_le_bytes());
                }
                t.insert(
                    "parameters".into(),
                    json!({"binary_data_size": binary.len() - start}),
                );
            } else {
                t.insert(
                    "data".into(),
                    Value::Array(values.iter().map(|&v| num(v)).collect()),
                );
            }
            json_outputs.push(Value::Object(t));
        }
        let mut answer = Map::new();
        answer.insert("model_name".into(), json!(id));
        if let Some(id) = request_id {
            answer.insert("id".into(), json!(id));
        }
        answer.insert("outputs".into(), Value::Array(json_outputs));
        let json_bytes = serde_json::to_vec(&Value::Object(answer)).unwrap_or_default();
        let response = if binary.is_empty() {
            ([(header::CONTENT_TYPE, "application/json")], json_bytes).into_response()
        } else {
            let json_len = json_bytes.len();
            let mut body = json_bytes;
            body.extend_from_slice(&binary);
            let mut r =
                ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response();
            r.headers_mut()
                .insert(HEADER_LENGTH, HeaderValue::from(json_len));
            r
        };
        Ok(api::with_note(response, note))
    })
    .await
}

type Parsed = (Rows, Options, Vec<(String, bool)>, Option<String>);

fn parse_request(
    model: &Model,
    calibrated: bool,
    binary_header: Option<&HeaderValue>,
    bytes: Bytes,
    max_rows: usize,
) -> Result<Parsed, ApiError> {
    let json_len = match binary_header {
        Some(v) => {
            let len = v
                .to_str()
                .ok()
                .and_then(|s| s.trim().parse::<usize>().ok())
                .filter(|&l| l <= bytes.len())
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "Inference-Header-Content-Length must be a length within the body ({} bytes)",
                        bytes.len()
                    ))
                })?;
            len
        }
        None => bytes.len(),
    };
    let req: InferRequest = serde_json::from_slice(&bytes[..json_len]).map_err(api::json_error)?;
    let mut binary = &bytes[json_len..];

    let flag = |key: &str| bool_param(&req.parameters, key).map(|b| b.unwrap_or(false));
    let binary_all = flag("binary_data_output")?;
    let mut options = Options {
        per_feature: flag("per_feature")?,
        reconstruction: flag("reconstruction")?,
        convert: ConvertOptions {
            unknown_categorical_to_na: flag("convert_unknown_categoricals_to_na")?,
            invalid_number_to_na: flag("convert_invalid_numbers_to_na")?,
        },
        threshold: match req.parameters.get("threshold") {
            None => None,
            Some(v) => Some(v.as_f64().filter(|t| t.is_finite()).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "parameter 'threshold' must be a finite number, got {v}"
                ))
            })?),
        },
        explain: 0,
        deep_features_layer: match req.parameters.get("deep_features_layer") {
            None => None,
            Some(v) => {
                let layer = v.as_i64().ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "parameter 'deep_features_layer' must be an integer (a hidden layer), got {v}"
                    ))
                })?;
                scoring::deep_features_layer(model, Some(layer)).map_err(ApiError::bad_request)?
            }
        },
    };
    let decided = calibrated || options.threshold.is_some();
    let deep = options.deep_features_layer.is_some();
    let outputs: Vec<(String, bool)> = match &req.outputs {
        Some(list) if !list.is_empty() => {
            let mut out = Vec::new();
            for o in list {
                if ![
                    MSE,
                    PER_FEATURE,
                    RECONSTRUCTION,
                    ANOMALY,
                    PERCENTILE,
                    DEEP_FEATURES,
                ]
                .contains(&o.name.as_str())
                {
                    return Err(ApiError::bad_request(format!(
                        "unknown output '{}': the outputs are {MSE}, {PER_FEATURE}, {RECONSTRUCTION}, {ANOMALY}, {PERCENTILE}, {DEEP_FEATURES}",
                        o.name
                    )));
                }
                if !deep && o.name == DEEP_FEATURES {
                    return Err(ApiError::bad_request(format!(
                        "output '{DEEP_FEATURES}': give the parameter 'deep_features_layer' (a hidden layer, 0 to {})",
                        model.n_hidden_layers() - 1
                    )));
                }
                if !decided && [ANOMALY, PERCENTILE].contains(&o.name.as_str()) {
                    return Err(ApiError::bad_request(format!(
                        "output '{}': the model is not calibrated; give the parameter 'threshold'",
                        o.name
                    )));
                }
                let b = bool_param(&o.parameters, "binary_data")?.unwrap_or(binary_all);
                out.push((o.name.clone(), b));
            }
            out
        }
        _ => {
            let mut out = vec![(MSE.to_string(), binary_all)];
            if options.per_feature {
                out.push((PER_FEATURE.to_string(), binary_all));
            }
            if options.reconstruction {
                out.push((RECONSTRUCTION.to_string(), binary_all));
            }
            if decided {
                out.push((ANOMALY.to_string(), binary_all));
                out.push((PERCENTILE.to_string(), binary_all));
            }
            if deep {
                out.push((DEEP_FEATURES.to_string(), binary_all));
            }
            out
        }
    };
    options.per_feature = outputs.iter().any(|(n, _)| n == PER_FEATURE);
    options.reconstruction = outputs.iter().any(|(n, _)| n == RECONSTRUCTION);

    if req.inputs.is_empty() {
        return Err(ApiError::bad_request("the request has no inputs"));
    }
    let mut decoded = Vec::with_capacity(req.inputs.len());
    for t in &req.inputs {
        let count = element_count(t)?;
        let elements = match t.parameters.get("binary_data_size") {
            Some(size) => {
                let size = size.as_u64().ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "input '{}': binary_data_size must be a count of bytes",
                        t.name
                    ))
                })? as usize;
                if size > binary.len() {
                    return Err(ApiError::bad_request(format!(
                        "input '{}': binary_data_size {size} is past the end of the body",
                        t.name
                    )));
                }
                let (mine, rest) = binary.split_at(size);
                binary = rest;
                decode_binary(t, mine)?
            }
            None => decode_json(t)?,
        };
        if elements.len() != count {
            return Err(ApiError::bad_request(format!(
                "input '{}': shape {:?} holds {count} elements, the data has {}",
                t.name,
                t.shape,
                elements.len()
            )));
        }
        decoded.push((t, elements));
    }

    let rows = if decoded.len() == 1 && model.column_index(&decoded[0].0.name).is_none() {
        let (t, elements) = decoded.pop().unwrap();
        matrix(model, t, elements)?
    } else {
        let mut n = None;
        let mut columns = Vec::with_capacity(decoded.len());
        for (t, elements) in decoded {
            let Some(f) = model.column_index(&t.name) else {
                return Err(ApiError::bad_request(format!(
                    "input '{}' is not a model column (see GET /v2/models/{{id}}); a [n, {}] matrix must be the only input",
                    t.name,
                    model.n_features()
                )));
            };
            if columns.iter().any(|c: &Column| c.name == t.name) {
                return Err(ApiError::bad_request(format!(
                    "input '{}' is given twice",
                    t.name
                )));
            }
            if !(t.shape.len() == 1 || t.shape.len() == 2 && t.shape[1] == 1) {
                return Err(ApiError::bad_request(format!(
                    "input '{}': shape {:?}; a column tensor has shape [n] or [n, 1]",
                    t.name, t.shape
                )));
            }
            let rows = t.shape[0] as usize;
            if *n.get_or_insert(rows) != rows {
                return Err(ApiError::bad_request(format!(
                    "input '{}' has {rows} rows, an earlier input {}",
                    t.name,
                    n.unwrap_or(0)
                )));
            }
            let categorical = model.columns()[f].is_categorical();
            let values = match elements {
                Elements::Texts(v) => ColumnValues::Texts(v),
                Elements::Numbers(_) if categorical => {
                    return Err(ApiError::bad_request(format!(
                        "input '{}' is categorical: send its level names as BYTES",
                        t.name
                    )))
                }
                Elements::Numbers(v) => ColumnValues::Numbers(v),
            };
            columns.push(Column {
                name: t.name.clone(),
                values,
            });
        }
        Rows::Columns {
            n: n.unwrap_or(0),
            columns,
        }
    };
    if rows.len() > max_rows {
        return Err(ApiError::too_many_rows(rows.len(), max_rows));
    }
    Ok((rows, options, outputs, req.id))
}

fn element_count(t: &InputTensor) -> Result<usize, ApiError> {
    if t.shape.is_empty() || t.shape.iter().any(|&d| d < 0) {
        return Err(ApiError::bad_request(format!(
            "input '{}': shape {:?} must list non-negative sizes",
            t.name, t.shape
        )));
    }
    t.shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d as usize))
        .ok_or_else(|| ApiError::bad_request(format!("input '{}': shape too large", t.name)))
}

fn is_numeric(datatype: &str) -> bool {
    matches!(
        datatype,
        "FP64"
            | "FP32"
            | "INT8"
            | "INT16"
            | "INT32"
            | "INT64"
            | "UINT8"
            | "UINT16"
            | "UINT32"
            | "UINT64"
    )
}

fn flatten<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| flatten(i, out)),
        other => out.push(other),
    }
}

fn decode_json(t: &InputTensor) -> Result<Elements, ApiError> {
    let Some(data) = &t.data else {
        return Err(ApiError::bad_request(format!(
            "input '{}' has neither data nor parameters.binary_data_size",
            t.name
        )));
    };
    let mut flat = Vec::new();
    flatten(data, &mut flat);
    let bad = |what: &Value| {
        ApiError::bad_request(format!(
            "input '{}' ({}): element {what} is not of that datatype",
            t.name, t.datatype
        ))
    };
    if t.datatype == "BYTES" {
        flat.iter()
            .map(|v| match v {
                Value::String(s) => Ok(Some(s.clone())),
                Value::Null => Ok(None),
                other => Err(bad(other)),
            })
            .collect::<Result<_, _>>()
            .map(Elements::Texts)
    } else if is_numeric(&t.datatype) {
        flat.iter()
            .map(|v| match v {
                Value::Number(n) => Ok(n.as_f64()),
                Value::Null => Ok(None),
                Value::String(s) if s == "NaN" => Ok(None),
                Value::String(s) if s == "Infinity" => Ok(Some(f64::INFINITY)),
                Value::String(s) if s == "-Infinity" => Ok(Some(f64::NEG_INFINITY)),
                other => Err(bad(other)),
            })
            .collect::<Result<_, _>>()
            .map(Elements::Numbers)
    } else {
        Err(unsupported_datatype(t))
    }
}

fn unsupported_datatype(t: &InputTensor) -> ApiError {
    ApiError::bad_request(format!(
        "input '{}': datatype {} is not supported; use BYTES, FP64, FP32, INT* or UINT*",
        t.name, t.datatype
    ))
}

fn decode_binary(t: &InputTensor, bytes: &[u8]) -> Result<Elements, ApiError> {
    let fixed = |width: usize, f: &dyn Fn(&[u8]) -> f64| -> Result<Elements, ApiError> {
        if !bytes.len().is_multiple_of(width) {
            return Err(ApiError::bad_request(format!(
                "input '{}': {} bytes of {} data is not a whole number of elements",
                t.name,
                bytes.len(),
                t.datatype
            )));
        }
        Ok(Elements::Numbers(
            bytes.chunks_exact(width).map(|c| Some(f(c))).collect(),
        ))
    };
    macro_rules! le {
        ($ty:ty) => {
            fixed(std::mem::size_of::<$ty>(), &|c: &[u8]| {
                <$ty>::from_le_bytes(c.try_into().unwrap_or_default()) as f64
            })
        };
    }
    match t.datatype.as_str() {
        "FP64" => le!(f64),
        "FP32" => le!(f32),
        "INT8" => le!(i8),
        "INT16" => le!(i16),
        "INT32" => le!(i32),
        "INT64" => le!(i64),
        "UINT8" => le!(u8),
        "UINT16" => le!(u16),
        "UINT32" => le!(u32),
        "UINT64" => le!(u64),
        "BYTES" => {
            let mut out = Vec::new();
            let mut rest = bytes;
            while !rest.is_empty() {
                if rest.len() < 4 {
                    return Err(ApiError::bad_request(format!(
                        "input '{}': truncated BYTES element length",
                        t.name
                    )));
                }
                let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
                rest = &rest[4..];
                if len > rest.len() {
                    return Err(ApiError::bad_request(format!(
                        "input '{}': a BYTES element runs past its data",
                        t.name
                    )));
                }
                let s = std::str::from_utf8(&rest[..len]).map_err(|_| {
                    ApiError::bad_request(format!(
                        "input '{}': a BYTES element is not UTF-8",
                        t.name
                    ))
                })?;
                out.push(Some(s.to_string()));
                rest = &rest[len..];
            }
            Ok(Elements::Texts(out))
        }
        _ => Err(unsupported_datatype(t)),
    }
}

/// A `[n, columns]` numeric matrix in model order: numerics as values, categoricals as level
/// indices; NaN (or null) missing.
fn matrix(model: &Model, t: &InputTensor, elements: Elements) -> Result<Rows, ApiError> {
    let cols = model.n_features();
    if t.shape.len() != 2 || t.shape[1] as usize != cols {
        return Err(ApiError::bad_request(format!(
            "input '{}' is not a model column, so it must be a [n, {cols}] matrix of the columns in model order; its shape is {:?}",
            t.name, t.shape
        )));
    }
    let Elements::Numbers(values) = elements else {
        return Err(ApiError::bad_request(format!(
            "input '{}': a matrix input must be numeric (categoricals as level indices)",
            t.name
        )));
    };
    let n = t.shape[0] as usize;
    let columns = model
        .columns()
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let column: Vec<Option<f64>> = (0..n).map(|i| values[i * cols + j]).collect();
            Column {
                name: c.name.clone(),
                values: if c.is_categorical() {
                    ColumnValues::Levels(
                        column.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
                    )
                } else {
                    ColumnValues::Numbers(column)
                },
            }
        })
        .collect();
    Ok(Rows::Columns { n, columns })
}
