//! `ae4j.Pipeline`'s native half: a compiled preprocessing spec (`ae4j_core::pipeline`), its
//! raw inputs, the transformed rows of a frame (evaluated by the core, as every route does), and
//! a copy of a model with the pipeline attached (as `ae4j pipeline attach` writes it).

use std::path::Path;
use std::sync::Arc;

use ae4j_core::pipeline::{self, Pipeline, Value};
use ae4j_core::scorer::RowFailure;
use ae4j_core::Cell;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use rayon::prelude::*;

use crate::arrow_in::Frame;
use crate::ModelError;

#[pyclass(frozen, module = "ae4j._native")]
pub struct NativePipeline {
    pub pipeline: Arc<Pipeline>,
}

fn spec_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("ae4j: {e}"))
}

#[pymethods]
impl NativePipeline {
    /// Parses and compiles a spec's JSON text; `origin` names it in errors.
    #[staticmethod]
    fn from_json(text: &str, origin: &str) -> PyResult<NativePipeline> {
        let pipeline = Pipeline::from_json(text.as_bytes(), origin).map_err(spec_error)?;
        Ok(NativePipeline {
            pipeline: Arc::new(pipeline),
        })
    }

    /// The spec as JSON (pretty).
    fn to_json(&self) -> String {
        self.pipeline.to_json()
    }

    /// The raw input schema: `[(name, type)]`.
    #[getter]
    fn inputs(&self) -> Vec<(String, &'static str)> {
        self.pipeline
            .inputs()
            .iter()
            .map(|i| {
                (
                    i.name.clone(),
                    ae4j_core::pipeline::Type::from(i.kind).name(),
                )
            })
            .collect()
    }

    /// The columns after the last step: `[(name, type)]`.
    #[getter]
    fn outputs(&self) -> Vec<(String, &'static str)> {
        self.pipeline
            .outputs()
            .map(|(n, t)| (n.to_string(), t.name()))
            .collect()
    }

    /// The transformed rows of a frame (every column after the last step), on every core with
    /// the GIL released. Returns `{names, types, numbers: {name: f64 bytes}, texts: {name:
    /// [str | None]}, failures: [(row, kind, column, message, text)]}`; a failed row's values
    /// are missing.
    fn apply<'py>(
        &self,
        py: Python<'py>,
        columns: &Bound<'py, PyAny>,
        rows: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let frame = Frame::from_python(columns, rows)?.booleans_as_text();
        let pipeline = &*self.pipeline;
        let applied: Vec<Result<Vec<(String, Value)>, RowFailure>> = py.detach(|| {
            (0..rows)
                .into_par_iter()
                .map(|i| pipeline.apply_named(&present_cells(&frame, i)))
                .collect()
        });
        applied_to_dict(py, pipeline, &applied)
    }

    /// Writes a copy of the model at `model_path` with this pipeline tied to it by fingerprint
    /// (as `ae4j pipeline attach`): a MOJO zip gets the `ae4j/pipeline.json` entry, a POJO
    /// source is copied with a `<file>.ae4j-pipeline.json` sidecar.
    fn attach(
        &self,
        py: Python<'_>,
        model_path: std::path::PathBuf,
        out: std::path::PathBuf,
    ) -> PyResult<()> {
        py.detach(|| attach(&self.pipeline, &model_path, &out))
    }
}

/// Row `i`'s present cells by column name, in column order: a missing cell is not put in (an
/// earlier cell of the same name stays), as on every route.
fn present_cells(frame: &Frame, i: usize) -> Vec<(&str, Cell<'_>)> {
    frame
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.cell(i)))
        .filter(|(_, c)| *c != Cell::Missing)
        .collect()
}

fn applied_to_dict<'py>(
    py: Python<'py>,
    pipeline: &Pipeline,
    applied: &[Result<Vec<(String, Value)>, RowFailure>],
) -> PyResult<Bound<'py, PyDict>> {
    let outputs: Vec<(&str, pipeline::Type)> = pipeline.outputs().collect();
    let d = PyDict::new(py);
    let (numbers, texts, failures) = (PyDict::new(py), PyDict::new(py), PyList::empty(py));
    for (k, (name, ty)) in outputs.iter().enumerate() {
        let value = |row: &Result<Vec<(String, Value)>, RowFailure>| match row {
            Ok(values) => values[k].1.clone(),
            Err(_) => Value::Missing,
        };
        if *ty == pipeline::Type::String {
            let column: Vec<Option<String>> = applied
                .iter()
                .map(|r| match value(r) {
                    Value::String(s) => Some(s),
                    _ => None,
                })
                .collect();
            texts.set_item(*name, column)?;
        } else {
            let bytes: Vec<u8> = applied
                .iter()
                .flat_map(|r| value(r).as_number().unwrap_or(f64::NAN).to_le_bytes())
                .collect();
            numbers.set_item(*name, PyBytes::new(py, &bytes))?;
        }
    }
    for (row, r) in applied.iter().enumerate() {
        if let Err(f) = r {
            failures.append((row, &f.kind, f.column.as_deref(), &f.message, f.to_string()))?;
        }
    }
    let names: Vec<&str> = outputs.iter().map(|(n, _)| *n).collect();
    let types: Vec<&str> = outputs.iter().map(|(_, t)| t.name()).collect();
    d.set_item("names", names)?;
    d.set_item("types", types)?;
    d.set_item("numbers", numbers)?;
    d.set_item("texts", texts)?;
    d.set_item("failures", failures)?;
    Ok(d)
}

fn attach(pipeline: &Pipeline, model_path: &Path, out: &Path) -> PyResult<()> {
    let io = io_error;
    let model =
        ae4j_core::load_model(model_path).map_err(|e| ModelError::new_err(e.to_string()))?;
    pipeline
        .check_model(&model, &model_path.display().to_string())
        .map_err(|e| ModelError::new_err(e.to_string()))?;
    let tied = pipeline.with_fingerprint(&model);
    let bytes = std::fs::read(model_path).map_err(io(model_path))?;
    if bytes.starts_with(b"PK\x03\x04") {
        let with = pipeline::add_to_mojo(&bytes, &tied).map_err(|e| {
            PyValueError::new_err(format!("cannot write the MOJO with its pipeline: {e}"))
        })?;
        return std::fs::write(out, with).map_err(io(out));
    }
    if out != model_path {
        std::fs::write(out, &bytes).map_err(io(out))?;
        let calibration = ae4j_core::calibration::sidecar_path(model_path);
        if calibration.exists() {
            let to = ae4j_core::calibration::sidecar_path(out);
            std::fs::copy(&calibration, &to).map_err(io(&to))?;
        }
    }
    let sidecar = pipeline::sidecar_path(out);
    std::fs::write(&sidecar, tied.to_json()).map_err(io(&sidecar))
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> PyErr + '_ {
    move |e| PyOSError::new_err(format!("{}: {e}", path.display()))
}
