//! The native API: `/v1/score`, `/v1/models/{id}/score`, `/v1/models[/{id}]`, `/healthz`,
//! `/openapi.json`.

use ae4j_core::Model;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::{self, ApiError, BodyKind, Double, Named, Protocol};
use crate::models::Served;
use crate::params::ScoreParams;
use crate::scoring::{self, column_names, Options, Outcome, Rows};
use crate::Shared;

pub async fn healthz(State(state): State<Shared>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "models": state.registry.ids().count(),
        "uptime_seconds": state.started.elapsed().as_secs_f64(),
    }))
}

pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
        .into_response()
}

pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route {}", uri.path())).with(api::protocol_of(uri.path()))
}

pub async fn list_models(State(state): State<Shared>) -> Json<Value> {
    let models: Vec<Value> = state
        .registry
        .all()
        .map(|s| {
            let info = s.model.info();
            json!({
                "id": s.id,
                "format": info.format,
                "h2o_version": info.h2o_version,
                "n_features": s.model.n_features(),
                "n_slots": s.model.n_slots(),
                "pipeline": pipeline_info(s),
            })
        })
        .collect();
    Json(json!({ "models": models }))
}

pub async fn model_info(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let served = find(&state, &id)?;
    Ok(Json(describe(served)))
}

/// What a client needs to know to send rows and read scores.
pub fn describe(served: &Served) -> Value {
    let model: &Model = &served.model;
    let info = model.info();
    let columns: Vec<Value> = model
        .columns()
        .iter()
        .map(|c| match &c.domain {
            Some(levels) => json!({"name": c.name, "type": "categorical", "levels": levels}),
            None => json!({"name": c.name, "type": "numeric"}),
        })
        .collect();
    let (se, recon) = column_names(model);
    json!({
        "id": served.id,
        "format": info.format,
        "h2o_version": info.h2o_version,
        "mojo_version": info.mojo_version,
        "model_id": info.model_id,
        "activation": model.activation().name(),
        "layer_sizes": model.layer_sizes(),
        "standardized": model.normalization().is_some(),
        "n_features": model.n_features(),
        "n_slots": model.n_slots(),
        "columns": columns,
        "slot_names": model.slot_names(),
        "per_feature_names": se,
        "reconstruction_names": recon,
        "calibration": calibration_info(served),
        "pipeline": pipeline_info(served),
    })
}

/// The served pipeline (its raw inputs as the spec declares them, which requests carry instead
/// of `columns`; how many steps; the model fingerprint it was made for), or null.
pub fn pipeline_info(served: &Served) -> Value {
    match &served.pipeline {
        None => Value::Null,
        Some(p) => json!({
            "inputs": p
                .inputs()
                .iter()
                .map(|i| json!(i))
                .collect::<Vec<_>>(),
            "steps": p.spec().steps.len(),
            "model_fingerprint": p.spec().model_fingerprint,
        }),
    }
}

/// The served calibration (without its distribution), or null.
pub fn calibration_info(served: &Served) -> Value {
    match &served.calibration {
        None => Value::Null,
        Some(c) => json!({
            "threshold": Double(c.threshold),
            "quantile": c.quantile,
            "rows": c.rows,
            "rows_left_out": c.rows_left_out,
            "created": c.created,
        }),
    }
}

pub fn find<'a>(state: &'a Shared, id: &str) -> Result<&'a Served, ApiError> {
    state.registry.get(id).ok_or_else(|| {
        let ids: Vec<&str> = state.registry.ids().collect();
        ApiError::not_found(format!("no model '{id}' (models: {})", ids.join(", ")))
    })
}

/// `POST /v1/score`'s and `POST /v1/models/{id}/score`'s query string: `?model=` and the
/// scoring parameters (the only way to give them with a CSV body).
struct ScoreQuery {
    model: Option<String>,
    params: ScoreParams,
}

/// A JSON body: the rows, and the scoring parameters as keys next to them.
#[derive(Deserialize)]
struct ScoreRequest {
    rows: Vec<Map<String, Value>>,
    #[serde(flatten)]
    params: Map<String, Value>,
}

impl ScoreRequest {
    fn params(&self) -> Result<ScoreParams, ApiError> {
        let names = ScoreParams::names();
        if let Some(k) = self.params.keys().find(|k| !names.contains(&k.as_str())) {
            return Err(ApiError::bad_request(format!(
                "malformed request JSON: unknown field `{k}`, expected one of `rows`, {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        ScoreParams::from_keys(&self.params).map_err(ApiError::bad_request)
    }
}

/// The query string's `model` and parameters. The parameters are read by serde_urlencoded, as
/// axum's `Query` does (its derive cannot flatten typed fields, hence the two steps).
fn query(uri: &Uri) -> Result<ScoreQuery, ApiError> {
    let bad = |e: &dyn std::fmt::Display| {
        ApiError::bad_request(format!(
            "bad query string: Failed to deserialize query string: {e}"
        ))
    };
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or("")).map_err(|e| bad(&e))?;
    let mut model = None;
    for (_, v) in pairs.extract_if(.., |(k, _)| k == "model") {
        if model.replace(v).is_some() {
            return Err(bad(&"duplicate field `model`"));
        }
    }
    let rest = serde_urlencoded::to_string(&pairs).map_err(|e| bad(&e))?;
    let params = serde_urlencoded::from_str(&rest).map_err(|e| bad(&e))?;
    Ok(ScoreQuery { model, params })
}

pub async fn score_default(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let q = query(&uri)?;
    let served = match &q.model {
        Some(id) => find(&state, id)?,
        None => state.registry.only().ok_or_else(|| {
            let ids: Vec<&str> = state.registry.ids().collect();
            ApiError::bad_request(format!(
                "several models are served: name one with ?model=ID or POST /v1/models/ID/score (models: {})",
                ids.join(", ")
            ))
        })?,
    };
    score(&state, served, q.params, headers, body).await
}

pub async fn score_model(
    State(state): State<Shared>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let q = query(&uri)?;
    let served = find(&state, &id)?;
    if q.model.as_deref().is_some_and(|m| m != id) {
        return Err(ApiError::bad_request(
            "?model= names another model than the path",
        ));
    }
    score(&state, served, q.params, headers, body).await
}

async fn score(
    state: &Shared,
    served: &Served,
    query: ScoreParams,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let kind = api::accepted_body(
        &headers,
        &[BodyKind::Json, BodyKind::Csv],
        "application/json or text/csv",
    )?;
    // The query's parameters are checked before the body is read.
    query
        .options(&served.model)
        .map_err(ApiError::bad_request)?;
    let bytes = api::read_body(&headers, body, state.max_body_bytes).await?;
    let (served, max_rows) = (served.clone(), state.max_rows);
    let csv_out = kind == BodyKind::Csv || api::wants_csv(&headers);
    api::offload(bytes.len(), move || {
        let (rows, params) = read_rows(kind, &bytes, max_rows, query)?;
        let options = params
            .options(&served.model)
            .map_err(ApiError::bad_request)?;
        let outcome = scoring::score(&served, &rows, options);
        let response = if csv_out {
            api::csv_response(crate::csvio::render(&served.model, &outcome, options))
        } else {
            let names = column_names(&served.model);
            api::json_response(&ScoreResponse {
                model: &served.id,
                results: results(&served.model, &names, &outcome, options),
            })
        };
        Ok(api::with_note(
            response,
            api::note(&served, Protocol::Native, &outcome),
        ))
    })
    .await
}

/// The rows of a CSV or JSON body, and the parameters: the query's, with a JSON body's on top.
fn read_rows(
    kind: BodyKind,
    bytes: &[u8],
    max_rows: usize,
    query: ScoreParams,
) -> Result<(Rows, ScoreParams), ApiError> {
    if kind == BodyKind::Csv {
        return Ok((crate::csvio::parse(bytes, max_rows)?, query));
    }
    let req: ScoreRequest = serde_json::from_slice(bytes).map_err(api::json_error)?;
    let params = req.params()?;
    if req.rows.len() > max_rows {
        return Err(ApiError::too_many_rows(req.rows.len(), max_rows));
    }
    Ok((Rows::Records(req.rows), query.overlaid(params)))
}

#[derive(Serialize)]
struct ScoreResponse<'a> {
    model: &'a str,
    results: Vec<RowResult<'a>>,
}

/// One row's answer: its scores, or why it could not be scored.
#[derive(Serialize)]
#[serde(untagged)]
enum RowResult<'a> {
    Failed { error: RowError<'a> },
    Scored(RowScore<'a>),
}

#[derive(Serialize)]
struct RowError<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    message: &'a str,
}

/// `{"mse", "anomaly"?, "percentile"?, "per_feature"?, "reconstruction"?, "explanation"?}`.
#[derive(Serialize)]
struct RowScore<'a> {
    mse: Double,
    #[serde(skip_serializing_if = "Option::is_none")]
    anomaly: Option<bool>,
    /// Present with `anomaly`; null without a calibration.
    #[serde(skip_serializing_if = "Option::is_none")]
    percentile: Option<Option<Double>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_feature: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reconstruction: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Vec<Share<'a>>>,
    /// The chosen hidden layer's activations (`deep_features_layer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    deep_features: Option<Vec<Double>>,
}

#[derive(Serialize)]
struct Share<'a> {
    column: &'a str,
    share: Double,
}

/// One result per row, in input order.
fn results<'a>(
    model: &'a Model,
    names: &'a (Vec<String>, Vec<String>),
    outcome: &'a Outcome,
    options: Options,
) -> Vec<RowResult<'a>> {
    (0..outcome.rows())
        .map(|i| {
            if let Some(f) = &outcome.errors[i] {
                return RowResult::Failed {
                    error: RowError {
                        kind: &f.kind,
                        message: &f.message,
                    },
                };
            }
            let decision = outcome.decision(i);
            RowResult::Scored(RowScore {
                mse: Double(outcome.mse[i]),
                anomaly: decision.map(|d| d.anomaly),
                percentile: decision.map(|d| d.percentile.map(Double)),
                per_feature: options
                    .per_feature
                    .then(|| Named(&names.0, outcome.se_row(i))),
                reconstruction: options
                    .reconstruction
                    .then(|| Named(&names.1, outcome.recon_row(i))),
                explanation: (options.explain > 0).then(|| {
                    outcome
                        .explanation(i)
                        .iter()
                        .map(|&(c, share)| Share {
                            column: &model.columns()[c].name,
                            share: Double(share),
                        })
                        .collect()
                }),
                deep_features: options
                    .deep_features_layer
                    .map(|_| outcome.deep_row(i).iter().map(|&v| Double(v)).collect()),
            })
        })
        .collect()
}
