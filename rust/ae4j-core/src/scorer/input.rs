//! How a row arrives, and where it becomes genmodel's raw row: as raw values, as named cells
//! (a RowData, a JSON record), or as cells found by position under a header (a CSV record).
//!
//! [`Conversion`] is the one step from cells to the raw row. With a preprocessing pipeline
//! ([`crate::Scorer::with_pipeline`]) the cells are the pipeline's raw inputs: they are read
//! into its working row, transformed, and the result is converted as named cells.

use crate::convert::{Cell, ConvertOptions};
use crate::error::{RowError, ShapeError};
use crate::model::Model;
use crate::pipeline::{Pipeline, Work};

use super::failure::RowFailure;

/// Named cells in the order they were put into the row (genmodel's RowData insertion order).
pub type NamedCells<'a> = Vec<(&'a str, Cell<'a>)>;

/// A header of names (a CSV header, say), with the model column each position feeds.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    names: Vec<String>,
    mapping: Vec<Option<usize>>,
}

impl Header {
    pub fn new(model: &Model, names: Vec<String>) -> Self {
        let mapping = model.map_header(&names);
        Header { names, mapping }
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// For each position, the model column it feeds, if any.
    pub fn mapping(&self) -> &[Option<usize>] {
        &self.mapping
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A row whose cells are found by position under a [`Header`] (a CSV record).
pub trait PositionalRow {
    /// The number of cells the row has (a ragged row has another count than its header).
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell at `pos` (`pos < len()`), or why it cannot be read (e.g. it is not UTF-8).
    fn cell(&self, pos: usize) -> Result<Cell<'_>, RowFailure>;
}

/// Rows a batch is scored from: any front end's own row type.
pub trait RowSource: Sync {
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Converts row `i` with one of `conversion`'s methods.
    fn convert(&self, i: usize, conversion: &mut Conversion<'_>) -> Result<(), RowFailure>;
}

/// The step from a row's cells to the raw row, with a scorer's model, options and buffers.
pub struct Conversion<'c> {
    pub(super) model: &'c Model,
    pub(super) options: ConvertOptions,
    pub(super) raw: &'c mut [f64],
    /// Kept empty between rows; only its allocation is reused (see [`recycle`]).
    pub(super) cells: &'c mut NamedCells<'static>,
    /// The pipeline the cells go through first, and its working row.
    pub(super) pipeline: Option<&'c Pipeline>,
    pub(super) work: &'c mut Work,
}

impl<'c> Conversion<'c> {
    /// The model (for the whole conversion: named cells may borrow from it).
    pub fn model(&self) -> &'c Model {
        self.model
    }

    pub fn options(&self) -> ConvertOptions {
        self.options
    }

    /// A row already in genmodel's raw form (one value per model column).
    pub fn raw_values(&mut self, values: &[f64]) -> Result<(), RowFailure> {
        ShapeError::check("row", self.raw.len(), values.len())?;
        self.raw.copy_from_slice(values);
        Ok(())
    }

    /// Named cells, given by `fill` in RowData insertion order; names the model does not know
    /// are ignored, and of several bad cells the one genmodel reports is.
    pub fn named<'s>(
        &mut self,
        fill: impl FnOnce(&mut NamedCells<'s>) -> Result<(), RowFailure>,
    ) -> Result<(), RowFailure> {
        let mut cells = recycle(std::mem::take(self.cells));
        let result = fill(&mut cells).and_then(|()| match self.pipeline {
            None => self
                .model
                .convert_row(&cells, self.options, self.raw)
                .map_err(RowFailure::from),
            Some(p) => {
                p.read_named(&cells, self.work)?;
                self.transform(p)
            }
        });
        *self.cells = recycle(cells);
        result
    }

    /// Cells by position under `header`: a missing cell leaves an earlier cell of the same name
    /// in place (PredictCsv puts no missing cell into its RowData), and of several bad cells
    /// the one genmodel reports is.
    pub fn positional(
        &mut self,
        header: &Header,
        row: &impl PositionalRow,
    ) -> Result<(), RowFailure> {
        if row.len() != header.len() {
            return Err(RowFailure::malformed(format!(
                "the row has {} fields, the header has {}",
                row.len(),
                header.len()
            )));
        }
        if let Some(p) = self.pipeline {
            return self.positional_inputs(p, header, row);
        }
        self.raw.fill(f64::NAN);
        for (pos, feature) in header.mapping.iter().enumerate() {
            let Some(feature) = *feature else { continue };
            let cell = row.cell(pos)?;
            if cell == Cell::Missing {
                continue;
            }
            match self.model.convert_cell(feature, cell, self.options) {
                Ok(v) => self.raw[feature] = v,
                // None: a later cell under the same name replaces this bad value.
                Err(_) => match self.positional_error(header, row) {
                    Some(e) => return Err(e.into()),
                    None => continue,
                },
            }
        }
        Ok(())
    }

    /// A positional row of a pipeline's raw inputs: a missing cell leaves an earlier cell of
    /// the same name in place, as without a pipeline; the first unreadable cell is the error.
    fn positional_inputs(
        &mut self,
        p: &Pipeline,
        header: &Header,
        row: &impl PositionalRow,
    ) -> Result<(), RowFailure> {
        p.begin(self.work);
        for (pos, name) in header.names.iter().enumerate() {
            let Some(input) = p.input_index(name) else {
                continue;
            };
            let cell = row.cell(pos)?;
            if cell != Cell::Missing {
                p.set_input(self.work, input, cell)?;
            }
        }
        self.transform(p)
    }

    /// Runs the pipeline's steps on its working row and converts the result to the raw row.
    fn transform(&mut self, p: &Pipeline) -> Result<(), RowFailure> {
        p.run(self.work)?;
        p.convert(self.model, self.options, self.work, self.raw)
    }

    /// Of a positional row's bad cells, the one genmodel's PredictCsv reports: it puts the
    /// non-missing cells into a RowData (a HashMap) in header order and converts them in the
    /// map's order. Cells that cannot be read are not in that map.
    fn positional_error(&self, header: &Header, row: &impl PositionalRow) -> Option<RowError> {
        let cells: NamedCells<'_> = header
            .names
            .iter()
            .enumerate()
            .filter_map(|(pos, name)| {
                let cell = row.cell(pos).ok()?;
                (cell != Cell::Missing).then_some((name.as_str(), cell))
            })
            .collect();
        self.model.genmodel_error(&cells, self.options)
    }
}

/// An empty vector of cells with another lifetime, keeping the allocation: the named form
/// reuses one buffer for every row although each row's cells borrow from that row.
pub(crate) fn recycle<'a, 'b>(mut cells: NamedCells<'a>) -> NamedCells<'b> {
    cells.clear();
    // Same element layout: the standard library collects this in place (no allocation).
    cells.into_iter().map(|_| unreachable!("empty")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recycling_keeps_the_allocation() {
        let text = String::from("x");
        let mut cells: NamedCells<'_> = Vec::with_capacity(32);
        cells.push((text.as_str(), Cell::Text(&text)));
        let again: NamedCells<'static> = recycle(cells);
        assert!(again.is_empty() && again.capacity() >= 32);
    }
}
