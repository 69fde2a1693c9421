//! A frame of Arrow columns as a batch of the core's row path ([`RowSource`]): each row's cells
//! are found by position under the frame's header of column names, as a CSV record's are, so
//! genmodel's rules (which columns feed the model, a missing cell, which bad cell is reported)
//! are the core's ([`Conversion::positional`]). [`Scorer::score_batch`] converts, scores, decides
//! and explains, over every core, with no Python object touched.
//!
//! [`Scorer::score_batch`]: ae4j_core::Scorer::score_batch

use ae4j_core::scorer::{Conversion, Header, PositionalRow, RowFailure, RowSource};
use ae4j_core::{Cell, Model};

use crate::arrow_in::{Column, Frame};

/// A frame with its header mapped to the model's columns.
pub struct Batch {
    frame: Frame,
    header: Header,
}

impl Batch {
    pub fn new(model: &Model, frame: Frame) -> Batch {
        let names = frame.columns.iter().map(|c| c.name.clone()).collect();
        Batch {
            header: Header::new(model, names),
            frame,
        }
    }
}

impl RowSource for Batch {
    fn len(&self) -> usize {
        self.frame.rows
    }

    fn convert(&self, i: usize, conversion: &mut Conversion<'_>) -> Result<(), RowFailure> {
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
