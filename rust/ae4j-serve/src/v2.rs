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
//! A model with a preprocessing pipeline takes one tensor per **raw input** instead (the model
//! metadata lists them): `BYTES` for a string input; a number, timestamp or boolean input as
//! `BYTES` text or numbers (epoch seconds, 1/0), and a boolean also as `BOOL` (a byte per
//! element in binary data). No matrix form: raw inputs have several types.
//!
//! Outputs: `reconstruction_mse` (`FP64`, `[n]`), and on request `per_feature_se` and
//! `reconstruction` (`FP64`, `[n, slots]`, slots in H2O's order: see `GET /v1/models/{id}`).
//! When the model is calibrated or the request gives the parameter `threshold` (a number, in
//! place of the calibrated one): `anomaly` (`BOOL`, `[n]`) and `percentile` (`FP64`, `[n]`, NaN
//! when unknown, i.e. without a calibration). With the parameter `deep_features_layer` (a
//! hidden layer, from 0): `deep_features` (`FP64`, `[n, units]`), that layer's activations
//! (H2O's deep features). With the parameter `explain` (k):
//! `explanation_columns` (`BYTES`, `[n, k]`) and `explanation_shares` (`FP64`, `[n, k]`), each
//! row's input columns with the largest shares of its squared error ("" and NaN past a row's
//! explanation, i.e. for a row with no error). The parameters are those of every protocol
//! (`crate::params`), and `binary_data_output`.

use std::borrow::Cow;

use ae4j_core::pipeline::{InputType, Pipeline};
use ae4j_core::Model;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{self, ApiError, BodyKind, Double, Protocol};
use crate::models::Served;
use crate::params::ScoreParams;
use crate::scoring::{self, Column, ColumnValues, Options, Outcome, Rows};
use crate::Shared;

const HEADER_LENGTH: &str = "inference-header-content-length";
pub const MSE: &str = "reconstruction_mse";
pub const PER_FEATURE: &str = "per_feature_se";
pub const RECONSTRUCTION: &str = "reconstruction";
pub const ANOMALY: &str = "anomaly";
pub const DEEP_FEATURES: &str = "deep_features";
pub const PERCENTILE: &str = "percentile";
pub const EXPLANATION_COLUMNS: &str = "explanation_columns";
pub const EXPLANATION_SHARES: &str = "explanation_shares";

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
    let inputs: Vec<Value> = match served.pipeline.as_deref() {
        // A model with a pipeline takes its raw inputs.
        Some(p) => p
            .inputs()
            .iter()
            .map(|i| json!({"name": i.name, "datatype": raw_datatype(i.kind), "shape": [-1]}))
            .collect(),
        None => model
            .columns()
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "datatype": if c.is_categorical() { "BYTES" } else { "FP64" },
                    "shape": [-1],
                })
            })
            .collect(),
    };
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

/// The datatype a pipeline's raw input is listed with: text (strings, ISO-8601 timestamps) as
/// BYTES. Timestamps may also come as numbers (epoch seconds), booleans as numbers (1/0).
fn raw_datatype(kind: InputType) -> &'static str {
    match kind {
        InputType::Number => "FP64",
        InputType::Boolean => "BOOL",
        InputType::String | InputType::Timestamp => "BYTES",
    }
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

#[derive(Serialize)]
struct InferResponse<'a> {
    model_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    outputs: Vec<OutputTensor<'a>>,
}

/// An answer's tensor: its data in JSON, or its size in the binary part of the body.
#[derive(Serialize)]
struct OutputTensor<'a> {
    name: &'static str,
    datatype: &'static str,
    shape: Vec<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Data<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<BinarySize>,
}

#[derive(Serialize)]
struct BinarySize {
    binary_data_size: usize,
}

/// The outputs a request can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Output {
    Mse,
    PerFeature,
    Reconstruction,
    Anomaly,
    Percentile,
    ExplanationColumns,
    ExplanationShares,
    DeepFeatures,
}

impl Output {
    const ALL: [Output; 8] = [
        Output::Mse,
        Output::PerFeature,
        Output::Reconstruction,
        Output::Anomaly,
        Output::Percentile,
        Output::ExplanationColumns,
        Output::ExplanationShares,
        Output::DeepFeatures,
    ];

    fn name(self) -> &'static str {
        match self {
            Output::Mse => MSE,
            Output::PerFeature => PER_FEATURE,
            Output::Reconstruction => RECONSTRUCTION,
            Output::Anomaly => ANOMALY,
            Output::Percentile => PERCENTILE,
            Output::ExplanationColumns => EXPLANATION_COLUMNS,
            Output::ExplanationShares => EXPLANATION_SHARES,
            Output::DeepFeatures => DEEP_FEATURES,
        }
    }

    fn named(name: &str) -> Result<Output, ApiError> {
        Output::ALL
            .into_iter()
            .find(|o| o.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Output::ALL.iter().map(|o| o.name()).collect();
                ApiError::bad_request(format!(
                    "unknown output '{name}': the outputs are {}",
                    names.join(", ")
                ))
            })
    }

    /// This output's tensor for the scored rows.
    fn tensor<'a>(
        self,
        model: &'a Model,
        outcome: &'a Outcome,
        options: Options,
    ) -> (Vec<usize>, Data<'a>) {
        let (n, slots, k) = (outcome.rows(), outcome.slots, options.explain);
        let decisions = outcome.decisions.as_deref().unwrap_or(&[]);
        let explained = |i: usize, j: usize| outcome.explanation(i).get(j).copied();
        match self {
            Output::Mse => (vec![n], Data::Doubles(Cow::Borrowed(&outcome.mse))),
            Output::PerFeature => (vec![n, slots], Data::Doubles(Cow::Borrowed(&outcome.se))),
            Output::Reconstruction => {
                (vec![n, slots], Data::Doubles(Cow::Borrowed(&outcome.recon)))
            }
            Output::Anomaly => (
                vec![n],
                Data::Bools(decisions.iter().map(|d| d.anomaly).collect()),
            ),
            Output::Percentile => (
                vec![n],
                Data::Doubles(
                    decisions
                        .iter()
                        .map(|d| d.percentile.unwrap_or(f64::NAN))
                        .collect::<Vec<_>>()
                        .into(),
                ),
            ),
            // Past a row's explanation (a row with no error): "" and NaN.
            Output::ExplanationColumns => (
                vec![n, k],
                Data::Texts(
                    (0..n * k)
                        .map(|x| {
                            explained(x / k, x % k)
                                .map_or("", |(c, _)| model.columns()[c].name.as_str())
                        })
                        .collect(),
                ),
            ),
            Output::ExplanationShares => (
                vec![n, k],
                Data::Doubles(
                    (0..n * k)
                        .map(|x| explained(x / k, x % k).map_or(f64::NAN, |(_, s)| s))
                        .collect::<Vec<_>>()
                        .into(),
                ),
            ),
            Output::DeepFeatures => (
                vec![n, outcome.deep_width],
                Data::Doubles(Cow::Borrowed(&outcome.deep)),
            ),
        }
    }
}

/// A tensor's elements, to answer (the scores borrowed from the outcome).
enum Data<'a> {
    Doubles(Cow<'a, [f64]>),
    Bools(Vec<bool>),
    Texts(Vec<&'a str>),
}

impl Data<'_> {
    fn datatype(&self) -> &'static str {
        match self {
            Data::Doubles(_) => "FP64",
            Data::Bools(_) => "BOOL",
            Data::Texts(_) => "BYTES",
        }
    }

    /// The binary tensor data extension's layout: little-endian numbers, a byte per BOOL, and
    /// BYTES elements as a 4-byte little-endian length then the bytes.
    fn write_binary(&self, out: &mut Vec<u8>) {
        match self {
            Data::Doubles(v) => v
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            Data::Bools(v) => out.extend(v.iter().map(|&b| u8::from(b))),
            Data::Texts(v) => v.iter().for_each(|t| {
                out.extend_from_slice(&(t.len() as u32).to_le_bytes());
                out.extend_from_slice(t.as_bytes());
            }),
        }
    }
}

impl Serialize for Data<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Data::Doubles(v) => s.collect_seq(v.iter().map(|&x| Double(x))),
            Data::Bools(v) => s.collect_seq(v),
            Data::Texts(v) => s.collect_seq(v),
        }
    }
}

/// A request's tensor's elements, decoded.
enum Elements {
    Numbers(Vec<Option<f64>>),
    Texts(Vec<Option<String>>),
    Bools(Vec<Option<bool>>),
}

impl Elements {
    fn len(&self) -> usize {
        match self {
            Elements::Numbers(v) => v.len(),
            Elements::Texts(v) => v.len(),
            Elements::Bools(v) => v.len(),
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
    let served = find(&state, &id)?.clone();
    api::accepted_body(
        &headers,
        &[BodyKind::Json, BodyKind::Missing, BodyKind::OctetStream],
        "application/json, or application/octet-stream with Inference-Header-Content-Length",
    )
    .map_err(v2)?;
    let bytes = api::read_body(&headers, body, state.max_body_bytes)
        .await
        .map_err(v2)?;
    let max_rows = state.max_rows;
    let binary_header = headers.get(HEADER_LENGTH).cloned();
    api::offload(bytes.len(), move || {
        let parsed =
            parse_request(&served, binary_header.as_ref(), &bytes, max_rows).map_err(v2)?;
        let outcome = scoring::score(&served, &parsed.rows, parsed.options);
        let note = api::note(&served, Protocol::V2, &outcome);
        // Tensors have no per-row errors: the first row that cannot be scored fails the request.
        let response = match api::first_row_error(&outcome) {
            Some(e) => v2(e).into_response(),
            None => answer(&served, &outcome, parsed),
        };
        Ok(api::with_note(response, note))
    })
    .await
}

/// The outputs as JSON tensors, or (those asked for as binary) after the JSON in the body.
fn answer(served: &Served, outcome: &Outcome, parsed: Parsed) -> Response {
    let mut binary: Vec<u8> = Vec::new();
    let outputs = parsed
        .outputs
        .iter()
        .map(|&(output, as_binary)| {
            let (shape, data) = output.tensor(&served.model, outcome, parsed.options);
            let mut t = OutputTensor {
                name: output.name(),
                datatype: data.datatype(),
                shape,
                data: None,
                parameters: None,
            };
            if as_binary {
                let start = binary.len();
                data.write_binary(&mut binary);
                t.parameters = Some(BinarySize {
                    binary_data_size: binary.len() - start,
                });
            } else {
                t.data = Some(data);
            }
            t
        })
        .collect();
    let head = InferResponse {
        model_name: &served.id,
        id: parsed.request_id,
        outputs,
    };
    if binary.is_empty() {
        return api::json_response(&head);
    }
    let mut body = serde_json::to_vec(&head).unwrap_or_default();
    let json_len = body.len();
    body.extend_from_slice(&binary);
    let mut r = ([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response();
    r.headers_mut()
        .insert(HEADER_LENGTH, HeaderValue::from(json_len));
    r
}

/// A request, read: the rows, the scoring options, the outputs (each as binary or not).
struct Parsed {
    rows: Rows,
    options: Options,
    outputs: Vec<(Output, bool)>,
    request_id: Option<String>,
}

fn parse_request(
    served: &Served,
    binary_header: Option<&HeaderValue>,
    bytes: &[u8],
    max_rows: usize,
) -> Result<Parsed, ApiError> {
    let json_len = json_length(binary_header, bytes.len())?;
    let req: InferRequest = serde_json::from_slice(&bytes[..json_len]).map_err(api::json_error)?;
    let params = ScoreParams::from_keys(&req.parameters).map_err(ApiError::bad_request)?;
    let binary_all = bool_param(&req.parameters, "binary_data_output")?.unwrap_or(false);
    let mut options = params
        .options(&served.model)
        .map_err(ApiError::bad_request)?;
    let decided = served.calibration.is_some() || options.threshold.is_some();
    let outputs = outputs(req.outputs.as_deref(), options, decided, binary_all)?;
    let asked = |o: Output| outputs.iter().any(|&(x, _)| x == o);
    options.per_feature = asked(Output::PerFeature);
    options.reconstruction = asked(Output::Reconstruction);
    if !asked(Output::ExplanationColumns) && !asked(Output::ExplanationShares) {
        options.explain = 0;
    }
    let tensors = decode_inputs(&req.inputs, &bytes[json_len..])?;
    let rows = match served.pipeline.as_deref() {
        Some(p) => raw_tensor_rows(p, tensors)?,
        None => tensor_rows(&served.model, tensors)?,
    };
    if rows.len() > max_rows {
        return Err(ApiError::too_many_rows(rows.len(), max_rows));
    }
    Ok(Parsed {
        rows,
        options,
        outputs,
        request_id: req.id,
    })
}

/// The JSON part's length: the Inference-Header-Content-Length, or the whole body.
fn json_length(header: Option<&HeaderValue>, body_len: usize) -> Result<usize, ApiError> {
    let Some(v) = header else {
        return Ok(body_len);
    };
    v.to_str()
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|&l| l <= body_len)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Inference-Header-Content-Length must be a length within the body ({body_len} bytes)"
            ))
        })
}

/// The outputs asked for (the request's `outputs`, else those its parameters imply), each with
/// whether it goes in the binary part.
fn outputs(
    requested: Option<&[RequestedOutput]>,
    options: Options,
    decided: bool,
    binary_all: bool,
) -> Result<Vec<(Output, bool)>, ApiError> {
    let Some(list) = requested.filter(|l| !l.is_empty()) else {
        let implied = [
            (Output::Mse, true),
            (Output::PerFeature, options.per_feature),
            (Output::Reconstruction, options.reconstruction),
            (Output::Anomaly, decided),
            (Output::Percentile, decided),
            (Output::ExplanationColumns, options.explain > 0),
            (Output::ExplanationShares, options.explain > 0),
            (Output::DeepFeatures, options.deep_features_layer.is_some()),
        ];
        return Ok(implied
            .into_iter()
            .filter(|&(_, on)| on)
            .map(|(o, _)| (o, binary_all))
            .collect());
    };
    list.iter()
        .map(|o| {
            let output = Output::named(&o.name)?;
            if !decided && matches!(output, Output::Anomaly | Output::Percentile) {
                return Err(ApiError::bad_request(format!(
                    "output '{}': the model is not calibrated; give the parameter 'threshold'",
                    o.name
                )));
            }
            if options.explain == 0
                && matches!(
                    output,
                    Output::ExplanationColumns | Output::ExplanationShares
                )
            {
                return Err(ApiError::bad_request(format!(
                    "output '{}': give the parameter 'explain' (how many columns)",
                    o.name
                )));
            }
            if output == Output::DeepFeatures && options.deep_features_layer.is_none() {
                return Err(ApiError::bad_request(format!(
                    "output '{}': give the parameter 'deep_features_layer' (a hidden layer)",
                    o.name
                )));
            }
            let b = bool_param(&o.parameters, "binary_data")?.unwrap_or(binary_all);
            Ok((output, b))
        })
        .collect()
}

/// Each input's elements, from its JSON data or its share of the binary part.
fn decode_inputs<'a>(
    inputs: &'a [InputTensor],
    mut binary: &[u8],
) -> Result<Vec<(&'a InputTensor, Elements)>, ApiError> {
    if inputs.is_empty() {
        return Err(ApiError::bad_request("the request has no inputs"));
    }
    let mut decoded = Vec::with_capacity(inputs.len());
    for t in inputs {
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
    Ok(decoded)
}

/// The rows the tensors hold: one `[n, columns]` matrix, or one tensor per model column.
fn tensor_rows(
    model: &Model,
    mut tensors: Vec<(&InputTensor, Elements)>,
) -> Result<Rows, ApiError> {
    if tensors.len() == 1 && model.column_index(&tensors[0].0.name).is_none() {
        if let Some((t, elements)) = tensors.pop() {
            return matrix(model, t, elements);
        }
    }
    columns_of(tensors, |t, elements| column(model, t, elements))
}

/// The rows of one tensor per raw input of a model's pipeline (no matrix form: raw inputs
/// have several types).
fn raw_tensor_rows(
    pipeline: &Pipeline,
    tensors: Vec<(&InputTensor, Elements)>,
) -> Result<Rows, ApiError> {
    columns_of(tensors, |t, elements| raw_column(pipeline, t, elements))
}

/// Rows from column tensors, each made a [`Column`] by `column`: every tensor once, all with
/// the same number of rows.
fn columns_of(
    tensors: Vec<(&InputTensor, Elements)>,
    column: impl Fn(&InputTensor, Elements) -> Result<Column, ApiError>,
) -> Result<Rows, ApiError> {
    let mut n = None;
    let mut columns: Vec<Column> = Vec::with_capacity(tensors.len());
    for (t, elements) in tensors {
        if columns.iter().any(|c| c.name == t.name) {
            return Err(ApiError::bad_request(format!(
                "input '{}' is given twice",
                t.name
            )));
        }
        let column = column(t, elements)?;
        let rows = t.shape[0] as usize;
        if *n.get_or_insert(rows) != rows {
            return Err(ApiError::bad_request(format!(
                "input '{}' has {rows} rows, an earlier input {}",
                t.name,
                n.unwrap_or(0)
            )));
        }
        columns.push(column);
    }
    Ok(Rows::Columns {
        n: n.unwrap_or(0),
        columns,
    })
}

/// A model column's tensor, shape `[n]` or `[n, 1]`.
fn column(model: &Model, t: &InputTensor, elements: Elements) -> Result<Column, ApiError> {
    let Some(f) = model.column_index(&t.name) else {
        return Err(ApiError::bad_request(format!(
            "input '{}' is not a model column (see GET /v2/models/{{id}}); a [n, {}] matrix must be the only input",
            t.name,
            model.n_features()
        )));
    };
    check_column_shape(t)?;
    let values = match elements {
        Elements::Texts(v) => ColumnValues::Texts(v),
        Elements::Numbers(_) if model.columns()[f].is_categorical() => {
            return Err(ApiError::bad_request(format!(
                "input '{}' is categorical: send its level names as BYTES",
                t.name
            )))
        }
        Elements::Numbers(v) => ColumnValues::Numbers(v),
        Elements::Bools(_) => {
            return Err(ApiError::bad_request(format!(
                "input '{}': BOOL is for a pipeline's boolean inputs; send {} as {}",
                t.name,
                t.name,
                if model.columns()[f].is_categorical() {
                    "BYTES"
                } else {
                    "FP64"
                }
            )))
        }
    };
    Ok(Column {
        name: t.name.clone(),
        values,
    })
}

/// A pipeline raw input's tensor, shape `[n]` or `[n, 1]`: a string input as BYTES, the others
/// as their datatype, text (BYTES) or numbers (a timestamp in epoch seconds, a boolean 1/0);
/// the pipeline reads the values.
fn raw_column(
    pipeline: &Pipeline,
    t: &InputTensor,
    elements: Elements,
) -> Result<Column, ApiError> {
    let Some(input) = pipeline.inputs().iter().find(|i| i.name == t.name) else {
        let names: Vec<&str> = pipeline.inputs().iter().map(|i| i.name.as_str()).collect();
        return Err(ApiError::bad_request(format!(
            "input '{}' is not a raw input of the model's pipeline (see GET /v2/models/{{id}}): the inputs are {}",
            t.name,
            names.join(", ")
        )));
    };
    check_column_shape(t)?;
    let values = match (elements, input.kind) {
        (Elements::Texts(v), _) => ColumnValues::Texts(v),
        (Elements::Numbers(_) | Elements::Bools(_), InputType::String) => {
            return Err(ApiError::bad_request(format!(
                "input '{}' is a string input: send it as BYTES",
                t.name
            )))
        }
        (Elements::Bools(v), InputType::Boolean) => ColumnValues::Bools(v),
        (Elements::Bools(_), _) => {
            return Err(ApiError::bad_request(format!(
                "input '{}': BOOL is for boolean inputs; send it as {}",
                t.name,
                raw_datatype(input.kind)
            )))
        }
        (Elements::Numbers(v), _) => ColumnValues::Numbers(v),
    };
    Ok(Column {
        name: t.name.clone(),
        values,
    })
}

fn check_column_shape(t: &InputTensor) -> Result<(), ApiError> {
    if t.shape.len() == 1 || t.shape.len() == 2 && t.shape[1] == 1 {
        return Ok(());
    }
    Err(ApiError::bad_request(format!(
        "input '{}': shape {:?}; a column tensor has shape [n] or [n, 1]",
        t.name, t.shape
    )))
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
    } else if t.datatype == "BOOL" {
        flat.iter()
            .map(|v| match v {
                Value::Bool(b) => Ok(Some(*b)),
                Value::Null => Ok(None),
                other => Err(bad(other)),
            })
            .collect::<Result<_, _>>()
            .map(Elements::Bools)
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
        "input '{}': datatype {} is not supported; use BYTES, FP64, FP32, INT*, UINT* or (for a pipeline's boolean input) BOOL",
        t.name, t.datatype
    ))
}

/// BOOL in the binary extension: a byte per element, 0 false and anything else true.
fn decode_binary_bools(bytes: &[u8]) -> Elements {
    Elements::Bools(bytes.iter().map(|&b| Some(b != 0)).collect())
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
        "BOOL" => Ok(decode_binary_bools(bytes)),
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
