//! `ae4j._native`: the Rust half of the `ae4j` Python package. A thin front end over
//! `ae4j_core`: it loads models, reads input columns as Arrow arrays ([`arrow_in`]), hands them
//! to the core's row path as a batch ([`rows`]) with the GIL released, and returns the scores as
//! flat buffers named by the core's score table ([`scores`]), which the Python half turns into
//! a DataFrame of the input's kind.

mod arrow_in;
mod model;
mod pipeline;
mod rows;
mod scores;

use pyo3::prelude::*;

pyo3::create_exception!(
    _native,
    ModelError,
    pyo3::exceptions::PyValueError,
    "A model file that cannot be read as an H2O deep-learning autoencoder."
);

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<model::NativeModel>()?;
    m.add_class::<pipeline::NativePipeline>()?;
    m.add("ModelError", m.py().get_type::<ModelError>())?;
    Ok(())
}
