//! The MLflow scoring server contract, which SageMaker also uses: `GET /ping`, `GET /health`,
//! `GET /version`, `POST /invocations` with `dataframe_split`, `dataframe_records` (or
//! `instances`/`inputs` as records) JSON, or `text/csv`; answers `{"predictions": [...]}`.
//! With `per_feature`, `reconstruction` or `explain` (a record per row), a calibrated model's
//! records (or any model's, with `params.threshold`) also hold `anomaly` and `percentile`; the
//! plain answer stays a list of MSEs, as MLflow clients expect. CSV answers carry the decision
//! columns.

use ae4j_core::Model;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::api::{self, ApiError, BodyKind, Double, Protocol};
use crate::models::Served;
use crate::params::ScoreParams;
use crate::scoring::{self, column_names, Options, Outcome, Rows};
use crate::Shared;

pub async fn ping() -> &'static str {
    "\n"
}

pub async fn version() -> &'static str {
    concat!("ae4j ", env!("CARGO_PKG_VERSION"))
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

/// A JSON request: exactly one of the four row layouts, and the scoring parameters.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    dataframe_split: Option<Split>,
    dataframe_records: Option<Vec<Map<String, Value>>>,
    instances: Option<Vec<Map<String, Value>>>,
    inputs: Option<Vec<Map<String, Value>>>,
    #[serde(default)]
    params: Option<ScoreParams>,
}

impl Request {
    fn into_rows(self) -> Result<(Rows, ScoreParams), ApiError> {
        let mut given = Vec::new();
        if let Some(s) = self.dataframe_split {
            given.push(Rows::Split {
                columns: s.columns,
                data: s.data,
            });
        }
        for records in [self.dataframe_records, self.instances, self.inputs]
            .into_iter()
            .flatten()
        {
            given.push(Rows::Records(records));
        }
        if given.len() != 1 {
            return Err(ApiError::bad_request(
                "give exactly one of dataframe_split, dataframe_records, instances, inputs",
            ));
        }
        Ok((given.remove(0), self.params.unwrap_or_default()))
    }
}

#[derive(Deserialize)]
struct Query {
    model: Option<String>,
}

fn mlflow(e: ApiError) -> ApiError {
    e.with(Protocol::Mlflow)
}

/// The model `?model=` names, or the only one served.
fn chosen<'a>(state: &'a Shared, uri: &Uri) -> Result<&'a Served, ApiError> {
    // A query string that does not parse (a repeated `model`, bad percent-encoding) is the
    // client's error: ignoring it would score with another model than the one named.
    let q = axum::extract::Query::<Query>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| ApiError::bad_request(format!("bad query string: {}", e.body_text())))?;
    match &q.model {
        Some(id) => crate::native::find(state, id),
        None => state.registry.only().ok_or_else(|| {
            ApiError::bad_request("several models are served: name one with /invocations?model=ID")
        }),
    }
}

pub async fn invocations(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let served = chosen(&state, &uri).map_err(mlflow)?.clone();
    let kind = api::accepted_body(
        &headers,
        &[BodyKind::Json, BodyKind::Csv],
        "application/json or text/csv",
    )
    .map_err(mlflow)?;
    let bytes = api::read_body(&headers, body, state.max_body_bytes)
        .await
        .map_err(mlflow)?;
    let max_rows = state.max_rows;
    let csv_out = api::wants_csv(&headers);
    api::offload(bytes.len(), move || {
        answer(&served, kind, &bytes, max_rows, csv_out).map_err(mlflow)
    })
    .await
}

/// Parses, scores and answers a request's body.
fn answer(
    served: &Served,
    kind: BodyKind,
    bytes: &[u8],
    max_rows: usize,
    csv_out: bool,
) -> Result<Response, ApiError> {
    let (rows, params) = if kind == BodyKind::Csv {
        (
            crate::csvio::parse(bytes, max_rows)?,
            ScoreParams::default(),
        )
    } else {
        let req: Request = serde_json::from_slice(bytes).map_err(api::json_error)?;
        req.into_rows()?
    };
    if rows.len() > max_rows {
        return Err(ApiError::too_many_rows(rows.len(), max_rows));
    }
    let model = &served.model;
    let options = params.options(model).map_err(ApiError::bad_request)?;
    let outcome = scoring::score(served, &rows, options);
    let note = api::note(served, Protocol::Mlflow, &outcome);
    let response = if csv_out {
        api::csv_response(crate::csvio::render(model, &outcome, options))
    } else if let Some(e) = api::first_row_error(&outcome) {
        // MLflow answers a batch or fails it: the first row that cannot be scored fails it.
        mlflow(e).into_response()
    } else {
        let names = column_names(model);
        api::json_response(&Predictions {
            predictions: (0..outcome.rows())
                .map(|row| Prediction::of(model, &names, &outcome, options, row))
                .collect(),
        })
    };
    Ok(api::with_note(response, note))
}

#[derive(Serialize)]
struct Predictions<'a> {
    predictions: Vec<Prediction<'a>>,
}

/// A row's prediction: its MSE, or (when more is asked for) a record as MLflow writes a
/// DataFrame row, with H2O's column names.
#[derive(Serialize)]
#[serde(untagged)]
enum Prediction<'a> {
    Mse(Double),
    Record(Record<'a>),
}

impl<'a> Prediction<'a> {
    fn of(
        model: &'a Model,
        names: &'a (Vec<String>, Vec<String>),
        outcome: &'a Outcome,
        options: Options,
        row: usize,
    ) -> Self {
        let deep = options.deep_features_layer.is_some();
        if options.per_feature || options.reconstruction || options.explain > 0 || deep {
            Prediction::Record(Record {
                model,
                names,
                outcome,
                options,
                row,
            })
        } else {
            Prediction::Mse(Double(outcome.mse[row]))
        }
    }
}

/// `Reconstruction.MSE`, `anomaly` and `percentile` (when decided), `reconstr_<slot>.SE`...,
/// `reconstr_<slot>`..., `top_<i>_column` and `top_<i>_share` (null past a row's explanation),
/// `DF.L<layer+1>.C<unit>`... (deep features): the columns of the CSV answer.
struct Record<'a> {
    model: &'a Model,
    names: &'a (Vec<String>, Vec<String>),
    outcome: &'a Outcome,
    options: Options,
    row: usize,
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (o, i) = (self.outcome, self.row);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Reconstruction.MSE", &Double(o.mse[i]))?;
        // Decisions only go into records: a plain answer stays a list of MSEs.
        if let Some(d) = o.decision(i) {
            m.serialize_entry("anomaly", &d.anomaly)?;
            m.serialize_entry("percentile", &d.percentile.map(Double))?;
        }
        if self.options.per_feature {
            for (k, &v) in self.names.0.iter().zip(o.se_row(i)) {
                m.serialize_entry(k, &Double(v))?;
            }
        }
        if self.options.reconstruction {
            for (k, &v) in self.names.1.iter().zip(o.recon_row(i)) {
                m.serialize_entry(k, &Double(v))?;
            }
        }
        for k in 0..self.options.explain {
            let entry = o.explanation(i).get(k);
            let column = entry.map(|&(c, _)| self.model.columns()[c].name.as_str());
            m.serialize_entry(&format!("top_{}_column", k + 1), &column)?;
            m.serialize_entry(&format!("top_{}_share", k + 1), &entry.map(|e| Double(e.1)))?;
        }
        if let Some(layer) = self.options.deep_features_layer {
            for (j, &v) in o.deep_row(i).iter().enumerate() {
                m.serialize_entry(&format!("DF.L{}.C{}", layer + 1, j + 1), &Double(v))?;
            }
        }
        m.end()
    }
}
