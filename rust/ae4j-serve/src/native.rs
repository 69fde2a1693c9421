//! The native API: `/v1/score`, `/v1/models/{id}/score`, `/v1/models[/{id}]`, `/healthz`,
//! `/openapi.json`.

use ae4j_core::{ConvertOptions, Model};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::api::{self, num, ApiError, BodyKind, Protocol, Scored};
use crate::models::Served;
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
    })
}

/// The served calibration (without its distribution), or null.
pub fn calibration_info(served: &Served) -> Value {
    match &served.calibration {
        None => Value::Null,
        Some(c) => json!({
            "threshold": num(c.threshold),
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

/// Scoring switches, in the query string (any body) or the JSON body.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ScoreQuery {
    model: Option<String>,
    per_feature: Option<bool>,
    reconstruction: Option<bool>,
    convert_unknown_categoricals_to_na: Option<bool>,
    convert_invalid_numbers_to_na: Option<bool>,
    threshold: Option<f64>,
    explain: Option<usize>,
    deep_features_layer: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreRequest {
    rows: Vec<Map<String, Value>>,
    #[serde(default)]
    per_feature: bool,
    #[serde(default)]
    reconstruction: bool,
    #[serde(default)]
    convert_unknown_categoricals_to_na: bool,
    #[serde(default)]
    convert_invalid_numbers_to_na: bool,
    #[serde(default)]
    threshold: Option<f64>,
    #[serde(default)]
    explain: Option<usize>,
    #[serde(default)]
    deep_features_layer: Option<i64>,
}

fn query(uri: &Uri) -> Result<ScoreQuery, ApiError> {
    axum::extract::Query::<ScoreQuery>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| ApiError::bad_request(format!("bad query string: {}", e.body_text())))
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
    score(&state, served, q, headers, body).await
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
    score(&state, served, q, headers, body).await
}

async fn score(
    state: &Shared,
    served: &Served,
    q: ScoreQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let kind = api::body_kind(&headers);
    if !matches!(kind, BodyKind::Json | BodyKind::Csv) {
        return Err(api::unsupported_type(
            &headers,
            "application/json or text/csv",
        ));
    }
    let bytes = api::read_body(&headers, body, state.max_body_bytes).await?;
    let query_options = Options {
        per_feature: q.per_feature.unwrap_or(false),
        reconstruction: q.reconstruction.unwrap_or(false),
        convert: ConvertOptions {
            unknown_categorical_to_na: q.convert_unknown_categoricals_to_na.unwrap_or(false),
            invalid_number_to_na: q.convert_invalid_numbers_to_na.unwrap_or(false),
        },
        threshold: scoring::check_threshold(q.threshold).map_err(ApiError::bad_request)?,
        explain: q.explain.unwrap_or(0),
        deep_features_layer: scoring::deep_features_layer(&served.model, q.deep_features_layer)
            .map_err(ApiError::bad_request)?,
    };
    let (model, id, max_rows) = (served.model.clone(), served.id.clone(), state.max_rows);
    let calibration = served.calibration.clone();
    let csv_out = kind == BodyKind::Csv || api::wants_csv(&headers);
    api::offload(bytes.len(), move || {
        let mut options = query_options;
        let rows = if kind == BodyKind::Csv {
            crate::csvio::parse(&bytes, max_rows)?
        } else {
            let req: ScoreRequest = serde_json::from_slice(&bytes).map_err(api::json_error)?;
            if req.rows.len() > max_rows {
                return Err(ApiError::too_many_rows(req.rows.len(), max_rows));
            }
            options.per_feature |= req.per_feature;
            options.reconstruction |= req.reconstruction;
            options.convert.unknown_categorical_to_na |= req.convert_unknown_categoricals_to_na;
            options.convert.invalid_number_to_na |= req.convert_invalid_numbers_to_na;
            if req.threshold.is_some() {
                options.threshold =
                    scoring::check_threshold(req.threshold).map_err(ApiError::bad_request)?;
            }
            if let Some(k) = req.explain {
                options.explain = k;
            }
            if req.deep_features_layer.is_some() {
                options.deep_features_layer =
                    scoring::deep_features_layer(&model, req.deep_features_layer)
                        .map_err(ApiError::bad_request)?;
            }
            Rows::Records(req.rows)
        };
        // At most every input column can be named.
        options.explain = options.explain.min(model.n_features());
        let outcome = scoring::score(&model, calibration.as_deref(), &rows, options);
        let note = Scored {
            model: id.clone(),
            protocol: Protocol::Native,
            rows: outcome.rows() as u64,
            row_errors: outcome.failed() as u64,
        };
        let response = if csv_out {
            (
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                crate::csvio::render(&model, &outcome, options),
            )
                .into_response()
        } else {
            Json(json!({
                "model": id,
                "results": results(&model, &outcome, options),
            }))
            .into_response()
        };
        Ok(api::with_note(response, note))
    })
    .await
}

/// One JSON result per row: `{"mse", "anomaly"?, "percentile"?, "per_feature"?,
/// "reconstruction"?, "explanation"?, "deep_features"?}` or `{"error"}`.
pub fn results(model: &Model, outcome: &Outcome, options: Options) -> Vec<Value> {
    let (se_names, recon_names) = column_names(model);
    (0..outcome.rows())
        .map(|i| {
            if let Some(f) = &outcome.errors[i] {
                return json!({"error": {"type": f.kind, "message": f.message}});
            }
            let mut r = Map::new();
            r.insert("mse".into(), num(outcome.mse[i]));
            if let Some(d) = outcome.decision(i) {
                r.insert("anomaly".into(), Value::Bool(d.anomaly));
                r.insert("percentile".into(), d.percentile.map_or(Value::Null, num));
            }
            if options.per_feature {
                r.insert("per_feature".into(), named(&se_names, outcome.se_row(i)));
            }
            if options.reconstruction {
                r.insert(
                    "reconstruction".into(),
                    named(&recon_names, outcome.recon_row(i)),
                );
            }
            if options.explain > 0 {
                let explanation = outcome
                    .explanation(i)
                    .iter()
                    .map(|&(c, share)| json!({"column": model.columns()[c].name, "share": num(share)}))
                    .collect();
                r.insert("explanation".into(), Value::Array(explanation));
            }
            if options.deep_features_layer.is_some() {
                let values = outcome.deep_row(i).iter().map(|&v| num(v)).collect();
                r.insert("deep_features".into(), Value::Array(values));
            }
            Value::Object(r)
        })
        .collect()
}

pub fn named(names: &[String], values: &[f64]) -> Value {
    Value::Object(
        names
            .iter()
            .zip(values)
            .map(|(k, &v)| (k.clone(), num(v)))
            .collect(),
    )
}
