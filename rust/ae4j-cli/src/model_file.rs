//! A model file as the commands see it: the model and the calibration stored with it.

use std::path::Path;

use ae4j_core::calibration::{self, Calibration};
use ae4j_core::Model;
use anyhow::{Context, Result};

pub fn load(path: &Path) -> Result<(Model, Option<Calibration>)> {
    let model = ae4j_core::load_model(path)
        .with_context(|| format!("cannot load model {}", path.display()))?;
    let calibration = calibration::read(path, &model)
        .with_context(|| format!("cannot load the calibration of {}", path.display()))?;
    Ok((model, calibration))
}
