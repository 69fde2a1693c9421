//! `POST /3/Predictions/models/{m}/frames/{f}` (synchronous: `ModelMetricsListSchemaV3` with
//! the predictions frame inlined) and `POST /4/Predictions/...` (a `JobV3` at the top level),
//! with H2O's parameters, frame names and refusals.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde_json::{json, Value};

use super::frame_json::{frame_v3, parsed, Slice};
use super::frames::{Frame, Stored};
use super::jobs::Job;
use super::keys::{frame_key, meta, model_key, now_millis, random_hex};
use super::params::{self, Params};
use super::raw_frame;
use super::score::{self, Output};
use super::{models, H2oError, H2oState};
use crate::models::Served;
use crate::Shared;

/// What a request asks for, checked as H2O checks it.
fn output(p: &Params, model: &ae4j_core::Model, v4: bool) -> Result<Output, H2oError> {
    let recon_error = !v4 && p.flag("reconstruction_error")?;
    let layer = p.int("deep_features_hidden_layer")?.unwrap_or(-1);
    if recon_error && layer >= 0 {
        return Err(H2oError::precondition(
            "Can only compute either reconstruction error OR deep features.",
        ));
    }
    if layer >= 0 {
        score::deep_features(model, layer).map_err(|last| {
            H2oError::precondition(format!(
                "hidden layer (index) to extract must be between 0 and {last}"
            ))
        })?;
        return Ok(Output::DeepFeatures(layer as usize));
    }
    Ok(
        match (recon_error, p.flag("reconstruction_error_per_feature")?) {
            (true, true) => Output::PerFeature,
            (true, false) => Output::Mse,
            _ => Output::Reconstruction,
        },
    )
}

/// H2O's generated name: `<kind>_<4 hex>_<model>_on_<frame>`.
fn generated_name(output: Output, v4: bool, model: &str, frame: &str) -> String {
    let kind = match (output, v4) {
        (Output::DeepFeatures(l), true) if l >= 1 => "deep_features",
        (_, true) => "transformation",
        (Output::Mse | Output::PerFeature, false) => "reconstruction_error",
        (Output::DeepFeatures(_), false) => "deep_features",
        (Output::Reconstruction, false) => "predictions",
    };
    format!("{kind}_{}_{model}_on_{frame}", random_hex(4))
}

/// Scores off the async runtime and stores the predictions frame (budget checked first).
async fn run(
    h2o: &H2oState,
    served: &Served,
    frame: Arc<Frame>,
    output: Output,
    dest: &str,
) -> Result<(Arc<Frame>, Vec<f64>, Vec<String>), H2oError> {
    let estimate = frame
        .rows
        .saturating_mul(score::width(&served.model, output))
        .saturating_mul(8);
    h2o.frames.lock().unwrap_or_else(|p| p.into_inner()).check(
        &format!("predictions frame '{dest}'"),
        estimate,
        Some(dest),
    )?;
    let (model, pipeline) = (served.model.clone(), served.pipeline.clone());
    let rows = frame.rows;
    let scored = tokio::task::spawn_blocking(move || match &pipeline {
        Some(p) => raw_frame::score(&model, p, &frame, output),
        None => score::score(&model, &frame, output),
    })
    .await
    .map_err(|e| H2oError::bad_request(format!("the scoring task failed: {e}")))??;
    let out = Arc::new(Frame {
        rows,
        cols: scored.cols,
    });
    h2o.frames
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(dest, Stored::Parsed(out.clone()))?;
    Ok((out, scored.mse, scored.warnings))
}

struct Request {
    served: Served,
    frame: Arc<Frame>,
    params: Params,
}

async fn request(
    shared: &Shared,
    model: &str,
    frame: &str,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Request, H2oError> {
    let params = params::read(uri, headers, body, shared.max_body_bytes).await?;
    let served: &Served = models::find(shared, model)
        .ok_or_else(|| H2oError::key_not_found(model, Some("predict"), "model"))?;
    let frame = parsed(shared, frame, Some("predict"), "frame")?;
    Ok(Request {
        served: served.clone(),
        frame,
        params,
    })
}

pub async fn predict_v3(
    State(shared): State<Shared>,
    Path((model, frame_name)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let req = request(&shared, &model, &frame_name, &uri, &headers, body).await?;
    let output = output(&req.params, &req.served.model, false)?;
    let dest = req
        .params
        .get("predictions_frame")
        .map(str::to_string)
        .unwrap_or_else(|| generated_name(output, false, &model, &frame_name));
    let (out, mse, _warnings) = run(h2o, &req.served, req.frame, output, &dest).await?;
    let n = mse.len();
    let mean = if n == 0 {
        f64::NAN
    } else {
        mse.iter().sum::<f64>() / n as f64
    };
    let metrics = json!({
        "__meta": meta("ModelMetricsAutoEncoderV3", "ModelMetricsAutoEncoder"),
        "model": model_key(&model),
        "model_checksum": 0,
        "frame": frame_key(&frame_name),
        "frame_checksum": 0,
        "description": null,
        "model_category": "AutoEncoder",
        "scoring_time": now_millis(),
        "predictions": frame_v3(&dest, &out, &Slice::default()),
        "MSE": crate::api::num(mean),
        "RMSE": crate::api::num(mean.sqrt()),
        "nobs": n,
        "custom_metric_name": null,
        "custom_metric_value": "NaN",
    });
    Ok(Json(json!({
        "__meta": meta("ModelMetricsListSchemaV3", "ModelMetricsList"),
        "_exclude_fields": "",
        "model": model_key(&model),
        "frame": frame_key(&frame_name),
        "predictions_frame": frame_key(&dest),
        "deviances_frame": null,
        "custom_auuc_thresholds": null,
        "output_per_reference": false,
        "model_metrics": [metrics],
    })))
}

/// `/4/Predictions`: the work is done before answering; a refusal is a FAILED job, as in H2O.
pub async fn predict_v4(
    State(shared): State<Shared>,
    Path((model, frame_name)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let started = Instant::now();
    let req = request(&shared, &model, &frame_name, &uri, &headers, body).await?;
    let layer = req.params.int("deep_features_hidden_layer")?.unwrap_or(-1);
    let guessed = if layer >= 0 {
        Output::DeepFeatures(layer as usize)
    } else {
        Output::Reconstruction
    };
    let dest = req
        .params
        .get("predictions_frame")
        .map(str::to_string)
        .unwrap_or_else(|| generated_name(guessed, true, &model, &frame_name));
    let outcome = match output(&req.params, &req.served.model, true) {
        Ok(o) => run(h2o, &req.served, req.frame, o, &dest)
            .await
            .map(|(_, _, w)| w),
        Err(e) => Err(e),
    };
    let job = Job::finished("transformation", &dest, started, outcome);
    let answer = job.to_json();
    h2o.jobs.lock().unwrap_or_else(|p| p.into_inner()).add(job);
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h2o_frame_names() {
        let n = generated_name(Output::Mse, false, "m", "f.hex");
        assert!(
            n.starts_with("reconstruction_error_") && n.ends_with("_m_on_f.hex"),
            "{n}"
        );
        assert_eq!(
            n.len(),
            "reconstruction_error_".len() + 4 + "_m_on_f.hex".len()
        );
        assert!(
            generated_name(Output::DeepFeatures(0), true, "m", "f").starts_with("transformation_")
        );
        assert!(
            generated_name(Output::DeepFeatures(1), true, "m", "f").starts_with("deep_features_")
        );
        assert!(generated_name(Output::Reconstruction, false, "m", "f").starts_with("predictions_"));
    }
}
