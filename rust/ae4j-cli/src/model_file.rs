//! A model file as the commands see it: the model, and the calibration and the preprocessing
//! pipeline stored with it (zip entries of a MOJO, or sidecar files).

use std::path::Path;

use ae4j_core::calibration::{self, Calibration};
use ae4j_core::pipeline::{self, Pipeline};
use ae4j_core::Model;
use anyhow::{Context, Result};

pub struct ModelFile {
    pub model: Model,
    pub calibration: Option<Calibration>,
    pub pipeline: Option<Pipeline>,
}

pub fn load(path: &Path) -> Result<ModelFile> {
    let model = ae4j_core::load_model(path)
        .with_context(|| format!("cannot load model {}", path.display()))?;
    let calibration = calibration::read(path, &model)
        .with_context(|| format!("cannot load the calibration of {}", path.display()))?;
    let pipeline = pipeline::read(path, &model)
        .with_context(|| format!("cannot load the pipeline of {}", path.display()))?;
    Ok(ModelFile {
        model,
        calibration,
        pipeline,
    })
}
