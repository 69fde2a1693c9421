//! A frame of Arrow columns as a batch of the core's row path ([`RowSource`]): each row's cells
//! are found by position under the frame's header of column names, as a CSV record's are, so
//! genmodel's rules (which columns feed the model, a missing cell, which bad cell is reported)
//! are the core's ([`Conversion::positional`]). [`Scorer::score_batch`] converts, scores, decides
//! and explains, over every core, with no Python object touched.
//!
//! A frame of plain numbers for numeric model columns is read as raw rows instead
//! ([`Conversion::raw_values`]), which is exactly what genmodel's conversion makes of it: a
//! number is itself in a numeric column, and a missing one (or NaN) is NaN.
//!
//! [`Scorer::score_batch`]: ae4j_core::Scorer::score_batch

use std::cell::RefCell;

use ae4j_core::scorer::{Conversion, Header, PositionalRow, RowFailure, RowSource};
use ae4j_core::{Cell, Model, Scorer};
use arrow_array::{Array, Float64Array};

use crate::arrow_in::{Column, Frame, Layer};

/// A frame with its header mapped to the model's columns.
pub struct Batch {
    frame: Frame,
    header: Header,
    /// Set when every row can be read as a raw row: per model column, its numbers (or none).
    numbers: Option<Vec<Option<Float64Array>>>,
}

impl Batch {
    /// The frame as `scorer` will read it: with a pipeline, its columns are the pipeline's raw
    /// inputs (by name); else the model's columns.
    pub fn new(scorer: &Scorer<'_>, frame: Frame) -> Batch {
        let model = scorer.model();
        let names = frame.columns.iter().map(|c| c.name.clone()).collect();
        let header = Header::new(model, names);
        // A raw row is taken as already transformed: never with a pipeline.
        let (frame, numbers) = match scorer.pipeline() {
            Some(_) => (frame.booleans_as_text(), None),
            None => {
                let numbers = numeric_columns(model, &frame, &header);
                (frame, numbers)
            }
        };
        Batch {
            numbers,
            header,
            frame,
        }
    }
}

/// Per model column, the frame's numbers for it, when reading raw rows is exactly genmodel's
/// conversion: each model column the frame names is numeric, named once, and given as one
/// array of numbers (or of nulls only); a null or NaN is missing, which is NaN in a raw row.
/// `None` otherwise: then cells go through genmodel's rules one by one.
fn numeric_columns(
    model: &Model,
    frame: &Frame,
    header: &Header,
) -> Option<Vec<Option<Float64Array>>> {
    let mut numbers: Vec<Option<Float64Array>> = vec![None; model.n_features()];
    let mut named = vec![false; model.n_features()];
    for (column, feature) in frame.columns.iter().zip(header.mapping()) {
        let Some(f) = *feature else { continue };
        if model.columns()[f].is_categorical() || std::mem::replace(&mut named[f], true) {
            return None;
        }
        match column.layers.as_slice() {
            [Layer::Number(a)] => numbers[f] = Some(a.clone()),
            [Layer::Null] => {}
            _ => return None,
        }
    }
    Some(numbers)
}

thread_local! {
    /// A raw row being gathered from the frame's columns (one per scoring thread).
    static RAW_ROW: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

impl Batch {
    /// Row `i` as a raw row in model order, from the numeric columns.
    fn convert_raw(
        numbers: &[Option<Float64Array>],
        i: usize,
        conversion: &mut Conversion<'_>,
    ) -> Result<(), RowFailure> {
        RAW_ROW.with_borrow_mut(|raw| {
            raw.clear();
            raw.extend(numbers.iter().map(|c| match c {
                Some(a) if a.is_valid(i) => a.value(i),
                _ => f64::NAN,
            }));
            conversion.raw_values(raw)
        })
    }
}

impl RowSource for Batch {
    fn len(&self) -> usize {
        self.frame.rows
    }

    fn convert(&self, i: usize, conversion: &mut Conversion<'_>) -> Result<(), RowFailure> {
        if let Some(numbers) = &self.numbers {
            return Batch::convert_raw(numbers, i, conversion);
        }
        let row = FrameRow {
            columns: &self.frame.columns,
            row: i,
        };
        conversion.positional(&self.header, &row)
    }
}

/// Row `row` of a frame, its cells in column order.
struct FrameRow<'f> {
    columns: &'f [Column],
    row: usize,
}

impl PositionalRow for FrameRow<'_> {
    fn len(&self) -> usize {
        self.columns.len()
    }

    fn cell(&self, pos: usize) -> Result<Cell<'_>, RowFailure> {
        Ok(self.columns[pos].cell(self.row))
    }
}
