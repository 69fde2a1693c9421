//! The MLflow scoring server contract, which SageMaker also uses: `GET /ping`, `GET /health`,
//! `GET /version`, `POST /invocations` with `dataframe_split`, `dataframe_records` (or
//! `instances`/`inputs` as records) JSON, or `text/csv`; answers `{"predictions": [...]}`.
//! With `per_feature` or `reconstruction` (a record per row), a calibrated model's records (or
//! any model's, with `params.threshold`) also hold `anomaly` and `percentile`; the plain answer
//! stays a list of MSEs, as MLflow clients expect. CSV answers carry the decision columns.
//! `params.deep_features_layer` adds H2O's deep-feature columns (`DF.L<layer+1>.C<unit>`) to
//! each record (and to CSV answers).

use ae4j_core::ConvertOptions;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::api::{self, num, ApiError, BodyKind, Protocol, Scored};
use crate::scoring::{self, column_names, Options, Rows};
use crate::Shared;

pub async fn ping() -> &'static str {
    "\n"
}

pub async fn version() -> &'static str {
    concat!("ae4j ", env!("CARGO_PKG_VERSION"))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(default)]
    per_feature: bool,
    #[serde(default)]
    reconstruction: bool,
    #[serde(default)]
    convert_unknown_categoricals_to_na: bool,
    #[serde(default)]
    convert_invalid_numbers_to_na: bool,
    /// An MSE threshold in place of the calibrated one (or for an uncalibrated model).
    #[serde(default)]
    threshold: Option<f64>,
    /// A hidden layer whose activations (H2O's `DF.L<layer+1>.C<unit>` columns) each record gets.
    #[serde(default)]
    deep_features_layer: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Split {
    columns: Vec<String>,
    data: Vec<Vec<Value>>,
    #[serde(default)]
    #[allow(dead_code)]
    index: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    dataframe_split: Option<Split>,
    dataframe_records: Option<Vec<Map<String, Value>>>,
    instances: Option<Vec<Map<String, Value>>>,
    inputs: Option<Vec<Map<String, Value>>>,
    #[serde(default)]
    params: Option<Params>,
}

#[derive(Deserialize)]
struct Query {
    model: Option<String>,
}

pub async fn invocations(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let m = |e: ApiError| e.with(Protocol::Mlflow);
    // A query string that does not parse (a repeated `model`, bad percent-encoding) is the
    // client's error: ignoring it would score with another model than the one named.
    let q = axum::extract::Query::<Query>::try_from_uri(&uri)
        .map(|q| q.0)
        .map_err(|e| {
            m(ApiError::bad_request(format!(
                "bad query string: {}",
                e.body_text()
            )))
        })?;
    let served = match &q.model {
        Some(id) => crate::native::find(&state, id).map_err(m)?,
        None => state.registry.only().ok_or_else(|| {
            m(ApiError::bad_request(
                "several models are served: name one with /invocations?model=ID",
            ))
        })?,
    };
    let kind = api::body_kind(&headers);
    if !matches!(kind, BodyKind::Json | BodyKind::Csv) {
        return Err(m(api::unsupported_type(
            &headers,
            "application/json or text/csv",
        )));
    }
    let bytes = api::read_body(&headers, body, state.max_body_bytes)
        .await
        .map_err(m)?;
    let (model, id, max_rows) = (served.model.clone(), served.id.clone(), state.max_rows);
    let csv_out = api::wants_csv(&headers);
    let calibration = served.calibration.clone();
    api::offload(bytes.len(), move || {
        let (rows, params) = if kind == BodyKind::Csv {
            (
                crate::csvio::parse(&bytes, max_rows).map_err(m)?,
                Params::default(),
            )
        } else {
            let req: Request = serde_json::from_slice(&bytes).map_err(|e| m(api::json_error(e)))?;
            let params = req.params.unwrap_or_default();
            let mut given = Vec::new();
            if let Some(s) = req.dataframe_split {
                given.push(Rows::Split {
                    columns: s.columns,
                    data: s.data,
                });
            }
            for records in [req.dataframe_records, req.instances, req.inputs]
                .into_iter()
                .flatten()
            {
                given.push(Rows::Records(records));
            }
            if given.len() != 1 {
                return Err(m(ApiError::bad_request(
                    "give exactly one of dataframe_split, dataframe_records, instances, inputs",
                )));
            }
            (given.remove(0), params)
        };
        if rows.len() > max_rows {
            return Err(m(ApiError::too_many_rows(rows.len(), max_rows)));
        }
        let options = Options {
            per_feature: params.per_feature,
            reconstruction: params.reconstruction,
            convert: ConvertOptions {
                unknown_categorical_to_na: params.convert_unknown_categoricals_to_na,
                invalid_number_to_na: params.convert_invalid_numbers_to_na,
            },
            threshold: scoring::check_threshold(params.threshold)
                .map_err(|e| m(ApiError::bad_request(e)))?,
            explain: 0,
            deep_features_layer: scoring::deep_features_layer(&model, params.deep_features_layer)
                .map_err(|e| m(ApiError::bad_request(e)))?,
        };
        let outcome = scoring::score(&model, calibration.as_deref(), &rows, options);
        let note = Scored {
            model: id.clone(),
            protocol: Protocol::Mlflow,
            rows: outcome.rows() as u64,
            row_errors: outcome.failed() as u64,
        };
        if csv_out {
            let csv = crate::csvio::render(&model, &outcome, options);
            let response =
                ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response();
            return Ok(api::with_note(response, note));
        }
        // MLflow answers a batch or fails it: the first row that cannot be scored fails it.
        if let Some((i, f)) = outcome.first_error() {
            let e = m(ApiError::bad_request(format!(
                "row {i}: {}: {}",
                f.kind, f.message
            )));
            return Ok(api::with_note(e.into_response(), note));
        }
        let (se_names, recon_names) = column_names(&model);
        let deep_names = scoring::deep_feature_names(&model, options);
        let records =
            options.per_feature || options.reconstruction || options.deep_features_layer.is_some();
        let predictions: Vec<Value> = (0..outcome.rows())
            .map(|i| {
                if !records {
                    return num(outcome.mse[i]);
                }
                // A DataFrame answer, as MLflow writes one: a record per row with H2O's columns.
                let mut r = Map::new();
                r.insert("Reconstruction.MSE".into(), num(outcome.mse[i]));
                // Decisions only go into records: a plain answer stays a list of MSEs.
                if let Some(d) = outcome.decision(i) {
                    r.insert("anomaly".into(), Value::Bool(d.anomaly));
                    r.insert("percentile".into(), d.percentile.map_or(Value::Null, num));
                }
                if options.per_feature {
                    for (k, &v) in se_names.iter().zip(outcome.se_row(i)) {
                        r.insert(k.clone(), num(v));
                    }
                }
                if options.reconstruction {
                    for (k, &v) in recon_names.iter().zip(outcome.recon_row(i)) {
                        r.insert(k.clone(), num(v));
                    }
                }
                for (k, &v) in deep_names.iter().zip(outcome.deep_row(i)) {
                    r.insert(k.clone(), num(v));
                }
                Value::Object(r)
            })
            .collect();
        Ok(api::with_note(
            Json(json!({ "predictions": predictions })).into_response(),
            note,
        ))
    })
    .await
}
