//! The model object Python holds: the core model, its calibration, and the file's bytes (so a
//! calibrated copy can be saved as `ae4j calibrate` writes it).

use std::path::Path;
use std::sync::Arc;

use ae4j_core::calibration::{self, Calibration, ThresholdRule};
use ae4j_core::pipeline::{self, Pipeline};
use ae4j_core::scorer::{Outputs, ScoreOptions, Scorer};
use ae4j_core::table::{Layout, ScoreTable};
use ae4j_core::{ConvertOptions, Model};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrow_in::Frame;
use crate::pipeline::NativePipeline;
use crate::rows::Batch;
use crate::{scores, ModelError};

/// What the model was read from, for `save`.
#[derive(Clone)]
enum Source {
    /// A MOJO zip's bytes.
    Zip(Arc<Vec<u8>>),
    /// A POJO's Java source.
    Pojo(Arc<Vec<u8>>),
    /// An unzipped MOJO directory.
    Directory,
}

#[pyclass(frozen, module = "ae4j._native")]
pub struct NativeModel {
    model: Arc<Model>,
    calibration: Option<Calibration>,
    /// The preprocessing stored with the model (zip entry or sidecar), if any.
    pipeline: Option<Arc<Pipeline>>,
    source: Source,
}

fn model_error(e: impl std::fmt::Display) -> PyErr {
    ModelError::new_err(e.to_string())
}

#[pymethods]
impl NativeModel {
    /// Loads a MOJO zip or directory, or a POJO `.java` source, with its calibration if any.
    #[staticmethod]
    fn load_path(py: Python<'_>, path: std::path::PathBuf) -> PyResult<NativeModel> {
        py.detach(|| {
            let model = ae4j_core::load_model(&path).map_err(model_error)?;
            let calibration = calibration::read(&path, &model).map_err(model_error)?;
            let pipeline = pipeline::read(&path, &model).map_err(model_error)?;
            let source = if path.is_dir() {
                Source::Directory
            } else {
                let bytes = std::fs::read(&path)
                    .map_err(|e| PyOSError::new_err(format!("{}: {e}", path.display())))?;
                if bytes.starts_with(b"PK\x03\x04") {
                    Source::Zip(Arc::new(bytes))
                } else {
                    Source::Pojo(Arc::new(bytes))
                }
            };
            Ok(NativeModel {
                model: Arc::new(model),
                calibration,
                pipeline: pipeline.map(Arc::new),
                source,
            })
        })
    }

    /// Loads a model from the bytes of a MOJO zip (with its calibration entry, if any) or of a
    /// POJO source; `name` is used in messages.
    #[staticmethod]
    fn load_bytes(py: Python<'_>, bytes: Vec<u8>, name: &str) -> PyResult<NativeModel> {
        py.detach(|| {
            let model = ae4j_core::load_model_bytes(&bytes, name).map_err(model_error)?;
            let zip = bytes.starts_with(b"PK\x03\x04");
            let (calibration, pipeline) = if zip {
                (
                    calibration::read_bytes(&bytes, name, &model).map_err(model_error)?,
                    pipeline::read_bytes(&bytes, name, &model).map_err(model_error)?,
                )
            } else {
                (None, None)
            };
            let bytes = Arc::new(bytes);
            Ok(NativeModel {
                model: Arc::new(model),
                calibration,
                pipeline: pipeline.map(Arc::new),
                source: if zip {
                    Source::Zip(bytes)
                } else {
                    Source::Pojo(bytes)
                },
            })
        })
    }

    #[getter]
    fn columns(&self) -> Vec<String> {
        self.model
            .columns()
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    #[getter]
    fn domains(&self) -> Vec<Option<Vec<String>>> {
        self.model
            .columns()
            .iter()
            .map(|c| c.domain.clone())
            .collect()
    }

    #[getter]
    fn slot_names(&self) -> Vec<String> {
        self.model.slot_names().to_vec()
    }

    #[getter]
    fn layer_sizes(&self) -> Vec<usize> {
        self.model.layer_sizes()
    }

    #[getter]
    fn activation(&self) -> &'static str {
        self.model.activation().name()
    }

    #[getter]
    fn format(&self) -> String {
        self.model.info().format.clone()
    }

    #[getter]
    fn fingerprint(&self) -> String {
        calibration::fingerprint(&self.model)
    }

    /// The pipeline stored with the model, or None.
    #[getter]
    fn pipeline(&self) -> Option<NativePipeline> {
        self.pipeline.as_ref().map(|p| NativePipeline {
            pipeline: Arc::clone(p),
        })
    }

    /// The calibration as its JSON text (as stored in the zip), or None.
    #[getter]
    fn calibration_json(&self) -> Option<String> {
        self.calibration.as_ref().map(Calibration::to_json)
    }

    /// Scores a frame: `columns` is `[(name, [(kind, arrow_array), ...]), ...]`. Returns a dict
    /// of little-endian buffers and the score table's column groups (see
    /// `python/ae4j/_native.pyi`).
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments
    #[pyo3(signature = (columns, rows, *, per_feature, reconstruction, unknown_to_na, invalid_to_na, threshold, explain, deep_features, record_errors))]
    fn score<'py>(
        &self,
        py: Python<'py>,
        columns: &Bound<'py, PyAny>,
        rows: usize,
        per_feature: bool,
        reconstruction: bool,
        unknown_to_na: bool,
        invalid_to_na: bool,
        threshold: Option<f64>,
        explain: usize,
        deep_features: Vec<i64>,
        record_errors: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        if threshold.is_some_and(|t| t.is_nan()) {
            return Err(PyValueError::new_err("threshold must be a number, not NaN"));
        }
        let model = &*self.model;
        let deep = model
            .deep_features(&deep_features)
            .map_err(|e| PyValueError::new_err(format!("ae4j: deep_features: {e}")))?;
        let explain = explain.min(model.n_features());
        let outputs = Outputs {
            per_feature,
            reconstruction,
            explain,
        };
        let options = ScoreOptions {
            convert: convert_options(unknown_to_na, invalid_to_na),
            threshold,
            outputs,
        };
        let scorer = self
            .scorer(Scorer::new(model, self.calibration.as_ref(), options))
            .with_deep_features(&deep);
        let layout = Layout {
            per_feature,
            reconstruction,
            decision: scorer.decides(),
            explain,
            error_column: record_errors,
        };
        let table = ScoreTable::new(model, layout, &[], ',').with_deep_features(&deep);
        let batch = Batch::new(&scorer, Frame::from_python(columns, rows)?);
        let scores = py.detach(|| scorer.score_batch(&batch));
        scores::to_dict(py, &table, &scores, explain)
    }

    /// A copy of this model calibrated on the frame's rows (bad rows are left out and counted).
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments
    #[pyo3(signature = (columns, rows, *, quantile, unknown_to_na, invalid_to_na, created))]
    fn calibrate(
        &self,
        py: Python<'_>,
        columns: &Bound<'_, PyAny>,
        rows: usize,
        quantile: f64,
        unknown_to_na: bool,
        invalid_to_na: bool,
        created: String,
    ) -> PyResult<NativeModel> {
        let model = &*self.model;
        let options = ScoreOptions {
            convert: convert_options(unknown_to_na, invalid_to_na),
            ..ScoreOptions::default()
        };
        let scorer = self.scorer(Scorer::new(model, None, options));
        let batch = Batch::new(&scorer, Frame::from_python(columns, rows)?);
        let calibration = py.detach(|| {
            let scores = scorer.score_batch(&batch);
            let mses: Vec<f64> = scores
                .mse
                .iter()
                .zip(&scores.errors)
                .filter(|(_, e)| e.is_none())
                .map(|(&m, _)| m)
                .collect();
            let rule = ThresholdRule::Quantile(quantile);
            let failed = scores.failed() as u64;
            Calibration::from_scores(model, mses, failed, rule, created, None)
        });
        Ok(NativeModel {
            model: Arc::clone(&self.model),
            calibration: Some(calibration.map_err(PyValueError::new_err)?),
            pipeline: self.pipeline.clone(),
            source: self.source.clone(),
        })
    }

    /// Writes the model with its calibration: a MOJO zip with the `ae4j/calibration.json` entry,
    /// or a POJO source with its sidecar file, exactly as `ae4j calibrate` does.
    fn save(&self, py: Python<'_>, path: std::path::PathBuf) -> PyResult<()> {
        py.detach(|| self.write(&path))
    }
}

impl NativeModel {
    /// `scorer` running the model's pipeline, if it has one, on every row's raw cells.
    fn scorer<'m>(&'m self, scorer: Scorer<'m>) -> Scorer<'m> {
        match &self.pipeline {
            Some(p) => scorer.with_pipeline(p),
            None => scorer,
        }
    }

    fn write(&self, path: &Path) -> PyResult<()> {
        let io = |e: std::io::Error| PyOSError::new_err(format!("{}: {e}", path.display()));
        match (&self.source, &self.calibration) {
            (Source::Directory, _) => Err(PyValueError::new_err(
                "a model loaded from a MOJO directory cannot be saved: load the MOJO zip instead",
            )),
            (Source::Zip(bytes), None) => std::fs::write(path, bytes.as_slice()).map_err(io),
            (Source::Zip(bytes), Some(c)) => {
                let calibrated = calibration::add_to_mojo(bytes, c).map_err(|e| {
                    PyValueError::new_err(format!("cannot write the calibrated MOJO: {e}"))
                })?;
                std::fs::write(path, calibrated).map_err(io)
            }
            (Source::Pojo(bytes), c) => {
                std::fs::write(path, bytes.as_slice()).map_err(io)?;
                if let Some(p) = &self.pipeline {
                    std::fs::write(pipeline::sidecar_path(path), p.to_json()).map_err(io)?;
                }
                match c {
                    Some(c) => {
                        std::fs::write(calibration::sidecar_path(path), c.to_json()).map_err(io)
                    }
                    None => Ok(()),
                }
            }
        }
    }
}

fn convert_options(unknown_to_na: bool, invalid_to_na: bool) -> ConvertOptions {
    ConvertOptions {
        unknown_categorical_to_na: unknown_to_na,
        invalid_number_to_na: invalid_to_na,
    }
}
