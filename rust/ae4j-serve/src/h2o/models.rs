//! `GET /3/Models[/{id}]`: the served models as H2O describes a deep-learning autoencoder
//! (`algo: deeplearning`, `model_category: AutoEncoder`, so h2o-py's `get_model` gives an
//! `H2OAutoEncoderModel` with `anomaly` and `deepfeatures`).

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use super::keys::{meta, model_key};
use super::H2oError;
use crate::models::Served;
use crate::Shared;

/// A served model by the id H2O knows it by: the service's model id (a file `synth_tanh.zip`
/// serves as `synth_tanh`, H2O's `model_id` when it was downloaded), or the model file's own id.
pub fn find<'s>(shared: &'s Shared, id: &str) -> Option<&'s Served> {
    shared.registry.get(id).or_else(|| {
        shared
            .registry
            .all()
            .find(|s| s.model.info().model_id.as_deref() == Some(id))
    })
}

fn parameter(name: &str, kind: &str, value: Value) -> Value {
    json!({
        "__meta": meta("ModelParameterSchemaV3", "Iced"),
        "name": name, "label": name, "help": "", "required": false, "type": kind,
        "default_value": null, "actual_value": value, "input_value": value,
        "level": "critical", "values": [], "is_member_of_frames": [],
        "is_mutually_exclusive_with": [], "gridable": false,
    })
}

fn model_json(s: &Served) -> Value {
    let m = &s.model;
    let hidden: Vec<usize> = m.layers()[..m.layers().len().saturating_sub(1)]
        .iter()
        .map(|l| l.bias.len())
        .collect();
    let names: Vec<&str> = m.columns().iter().map(|c| c.name.as_str()).collect();
    let types: Vec<&str> = m
        .columns()
        .iter()
        .map(|c| {
            if c.is_categorical() {
                "Enum"
            } else {
                "Numeric"
            }
        })
        .collect();
    let domains: Vec<Value> = m.columns().iter().map(|c| json!(c.domain)).collect();
    let output = json!({
        "__meta": meta("DeepLearningModelOutputV3", "DeepLearningModelOutput"),
        "names": names,
        "original_names": null,
        "column_types": types,
        "domains": domains,
        "cross_validation_models": null,
        "cross_validation_predictions": null,
        "cross_validation_holdout_predictions_frame_id": null,
        "cross_validation_fold_assignment_frame_id": null,
        "model_category": "AutoEncoder",
        "model_summary": null,
        "scoring_history": null,
        "cv_scoring_history": null,
        "reproducibility_information_table": null,
        "training_metrics": null,
        "validation_metrics": null,
        "cross_validation_metrics": null,
        "cross_validation_metrics_summary": null,
        "status": null,
        "start_time": 0,
        "end_time": 0,
        "run_time": 0,
        "default_threshold": 0.5,
        "help": {},
        "weights": null,
        "biases": null,
        "normmul": null,
        "normsub": null,
        "normrespmul": null,
        "normrespsub": null,
        "catoffsets": null,
        "variable_importances": null,
    });
    json!({
        "__meta": meta("DeepLearningModelV3", "DeepLearningModel"),
        "model_id": model_key(&s.id),
        "algo": "deeplearning",
        "algo_full_name": "Deep Learning",
        "response_column_name": null,
        "treatment_column_name": null,
        "data_frame": null,
        "timestamp": 0,
        "have_pojo": false,
        "have_mojo": false,
        "parameters": [
            parameter("model_id", "Key<Model>", model_key(&s.id)),
            parameter("autoencoder", "boolean", json!(true)),
            parameter("activation", "enum", json!(m.activation().name())),
            parameter("hidden", "int[]", json!(hidden)),
            parameter("standardize", "boolean", json!(m.normalization().is_some())),
        ],
        "output": output,
        "compatible_frames": null,
    })
}

fn models_v3(models: Vec<Value>) -> Value {
    json!({
        "__meta": meta("ModelsV3", "Models"),
        "_exclude_fields": "",
        "models": models,
        "compatible_frames": null,
        "export_cross_validation_predictions": false,
    })
}

pub async fn get(
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, H2oError> {
    super::state(&shared)?;
    let served = find(&shared, &id).ok_or_else(|| H2oError::key_not_found(&id, None, "key"))?;
    Ok(Json(models_v3(vec![model_json(served)])))
}

pub async fn list(State(shared): State<Shared>) -> Result<Json<Value>, H2oError> {
    super::state(&shared)?;
    let all = shared
        .registry
        .all()
        .map(|s| {
            json!({
                "__meta": meta("ModelSynopsisV3", "Model"),
                "model_id": model_key(&s.id),
                "algo": "deeplearning",
                "algo_full_name": "Deep Learning",
                "response_column_name": null,
                "treatment_column_name": null,
                "data_frame": null,
                "timestamp": 0,
                "have_pojo": false,
                "have_mojo": false,
            })
        })
        .collect();
    Ok(Json(models_v3(all)))
}
