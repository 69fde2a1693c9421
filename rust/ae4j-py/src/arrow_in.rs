//! Input columns as Arrow arrays, taken from Python through the Arrow PyCapsule interface
//! (`__arrow_c_array__`): no copy and no Python call per cell. The Python side hands every column
//! as one or more *layers* (a float64, large-string, boolean or null array); a cell is the value
//! of the first layer that holds one (a column of mixed Python objects is split into layers).

use ae4j_core::Cell;
use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{make_array, Array, BooleanArray, Float64Array, LargeStringArray};
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// One layer of a column.
pub enum Layer {
    /// Numbers (genmodel's `Double`); NaN is missing, as in pandas.
    Number(Float64Array),
    /// Text (genmodel's `String`): a level, or a number to parse.
    Text(LargeStringArray),
    /// Booleans: genmodel refuses them (`java.lang.Boolean`).
    Boolean(BooleanArray),
    /// Booleans for a pipeline's raw inputs, as the texts `true` / `false` (which a boolean
    /// input reads; see [`Frame::booleans_as_text`]).
    BooleanText(BooleanArray),
    /// The type names of values of another type (a datetime, say), refused by name.
    TypeName(LargeStringArray),
    /// A column of nulls only.
    Null,
}

const BOOLEAN: &str = "java.lang.Boolean";

impl Layer {
    /// Imports `(kind, array)`, where `array` implements `__arrow_c_array__` and `kind` is
    /// `"value"` or `"type"` (the texts are type names).
    pub fn from_python(kind: &str, array: &Bound<'_, PyAny>) -> PyResult<Layer> {
        let data = import_array(array)?;
        Ok(match (kind, data.data_type()) {
            (_, DataType::Null) => Layer::Null,
            ("value", DataType::Float64) => Layer::Number(Float64Array::from(data.to_data())),
            ("value", DataType::LargeUtf8) => Layer::Text(LargeStringArray::from(data.to_data())),
            ("value", DataType::Boolean) => Layer::Boolean(BooleanArray::from(data.to_data())),
            ("type", DataType::LargeUtf8) => {
                Layer::TypeName(LargeStringArray::from(data.to_data()))
            }
            (kind, other) => {
                return Err(PyTypeError::new_err(format!(
                    "internal: a {kind} layer of Arrow type {other} (expected float64, large_string, bool or null)"
                )))
            }
        })
    }

    fn len(&self) -> Option<usize> {
        match self {
            Layer::Number(a) => Some(a.len()),
            Layer::Text(a) | Layer::TypeName(a) => Some(a.len()),
            Layer::Boolean(a) | Layer::BooleanText(a) => Some(a.len()),
            Layer::Null => None,
        }
    }

    /// The cell at `row`, or `None` when this layer holds nothing there.
    #[inline]
    fn cell(&self, row: usize) -> Option<Cell<'_>> {
        match self {
            Layer::Number(a) => {
                (a.is_valid(row) && !a.value(row).is_nan()).then(|| Cell::Number(a.value(row)))
            }
            Layer::Text(a) => a.is_valid(row).then(|| Cell::Text(a.value(row))),
            Layer::TypeName(a) => a.is_valid(row).then(|| Cell::Other(a.value(row))),
            Layer::Boolean(a) => a.is_valid(row).then_some(Cell::Other(BOOLEAN)),
            Layer::BooleanText(a) => a
                .is_valid(row)
                .then(|| Cell::Text(if a.value(row) { "true" } else { "false" })),
            Layer::Null => None,
        }
    }
}

/// One input column: its name and its layers.
pub struct Column {
    pub name: String,
    pub layers: Vec<Layer>,
}

impl Column {
    /// The cell at `row`: the first layer's value there, else missing.
    #[inline]
    pub fn cell(&self, row: usize) -> Cell<'_> {
        self.layers
            .iter()
            .find_map(|l| l.cell(row))
            .unwrap_or(Cell::Missing)
    }
}

/// The columns of a frame, all of `rows` rows.
pub struct Frame {
    pub columns: Vec<Column>,
    pub rows: usize,
}

impl Frame {
    /// Reads `[(name, [(kind, array), ...]), ...]`.
    pub fn from_python(columns: &Bound<'_, PyAny>, rows: usize) -> PyResult<Frame> {
        let mut out = Vec::new();
        for item in columns.try_iter()? {
            let (name, layers): (String, Vec<(String, Bound<'_, PyAny>)>) = item?.extract()?;
            let layers = layers
                .iter()
                .map(|(kind, array)| Layer::from_python(kind, array))
                .collect::<PyResult<Vec<_>>>()?;
            if let Some(len) = layers.iter().find_map(Layer::len).filter(|&n| n != rows) {
                return Err(PyValueError::new_err(format!(
                    "column '{name}' has {len} values, the frame has {rows} rows"
                )));
            }
            out.push(Column { name, layers });
        }
        Ok(Frame { columns: out, rows })
    }
}

impl Frame {
    /// Reads booleans as a pipeline's raw inputs take them (`true` / `false`) instead of as a
    /// type genmodel refuses.
    pub fn booleans_as_text(mut self) -> Frame {
        for layer in self.columns.iter_mut().flat_map(|c| c.layers.iter_mut()) {
            if let Layer::Boolean(a) = layer {
                *layer = Layer::BooleanText(a.clone());
            }
        }
        self
    }
}

/// An Arrow array from an object with `__arrow_c_array__` (pyarrow >= 14 arrays).
fn import_array(obj: &Bound<'_, PyAny>) -> PyResult<std::sync::Arc<dyn Array>> {
    let pair = obj.call_method0("__arrow_c_array__")?;
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = pair.extract()?;
    let schema_ptr = schema.pointer_checked(Some(c"arrow_schema"))?;
    let array_ptr = array.pointer_checked(Some(c"arrow_array"))?;
    // SAFETY: the capsules are named as the Arrow PyCapsule interface specifies, so they point
    // to an ArrowSchema and an ArrowArray. The array is moved out (its release callback marked
    // consumed in the capsule, as the interface asks); the schema is only borrowed.
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr.as_ptr().cast());
        let schema = &*(schema_ptr.as_ptr() as *const FFI_ArrowSchema);
        from_ffi(array, schema)
    }
    .map_err(|e| PyValueError::new_err(format!("cannot read an Arrow array: {e}")))?;
    Ok(make_array(data))
}
