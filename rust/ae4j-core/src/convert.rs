//! From named cell values to a raw row, with genmodel's `RowToRawDataConverter` rules: numbers
//! parsed like Java's `Double.parseDouble`, categoricals looked up exactly (then as
//! `<col>.<level>`), unknown levels and invalid numbers an error unless converted to NA, extra
//! columns ignored, absent columns missing. Used by every text route (CSV, JSON); the Java
//! wrapper applies the same rules to `RowData` on its side of the bridge.

use crate::error::RowError;
use crate::javanum::parse_java_double;
use crate::model::Model;

/// genmodel's `EasyPredictModelWrapper.Config` switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConvertOptions {
    /// An unknown categorical level becomes missing (the NA slot) instead of an error.
    pub unknown_categorical_to_na: bool,
    /// An unparsable number becomes missing instead of an error.
    pub invalid_number_to_na: bool,
}

/// One input value, typed as it arrived.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Absent, null, or a missing-value token.
    Missing,
    /// A number (genmodel's `Double`).
    Number(f64),
    /// Text (genmodel's `String`): a level, or a number to parse.
    Text(&'a str),
    /// Any other type, named as the error should name it (e.g. `java.lang.Boolean`).
    Other(&'a str),
}

/// The cell texts a CSV row uses for a missing value (those of genmodel's `PredictCsv`).
pub const CSV_MISSING_TOKENS: [&str; 4] = ["", "NA", "N/A", "-"];

impl Model {
    /// The raw value of one cell for input column `feature` (NaN = missing).
    pub fn convert_cell(
        &self,
        feature: usize,
        cell: Cell<'_>,
        options: ConvertOptions,
    ) -> Result<f64, RowError> {
        let column = &self.columns[feature];
        let categorical = column.is_categorical();
        match cell {
            Cell::Missing => Ok(f64::NAN),
            Cell::Number(v) if !categorical || v.is_nan() => Ok(v),
            Cell::Number(_) => Err(RowError::UnknownType {
                column: column.name.clone(),
                type_name: "java.lang.Double".into(),
                categorical,
            }),
            Cell::Other(type_name) => Err(RowError::UnknownType {
                column: column.name.clone(),
                type_name: type_name.to_string(),
                categorical,
            }),
            Cell::Text(level) if categorical => match self.level_index(feature, level) {
                Some(i) => Ok(i as f64),
                None if options.unknown_categorical_to_na => Ok(f64::NAN),
                None => Err(RowError::UnknownCategoricalLevel {
                    column: column.name.clone(),
                    level: level.to_string(),
                }),
            },
            Cell::Text(text) => match parse_java_double(text) {
                Ok(v) => Ok(v),
                Err(_) if options.invalid_number_to_na => Ok(f64::NAN),
                Err(reason) => Err(RowError::NumberFormat {
                    column: column.name.clone(),
                    value: text.to_string(),
                    reason,
                }),
            },
        }
    }

    /// Fills `raw` (one value per input column) from named cells. Names the model does not know
    /// are ignored; columns no cell names stay missing. The first bad cell is the error.
    pub fn convert_row<'a>(
        &self,
        cells: impl IntoIterator<Item = (&'a str, Cell<'a>)>,
        options: ConvertOptions,
        raw: &mut [f64],
    ) -> Result<(), RowError> {
        raw.fill(f64::NAN);
        for (name, cell) in cells {
            if let Some(feature) = self.column_index(name) {
                if let Some(slot) = raw.get_mut(feature) {
                    *slot = self.convert_cell(feature, cell, options)?;
                }
            }
        }
        Ok(())
    }

    /// For a header of names (a CSV header, say): the input column each position feeds, if any.
    pub fn map_header<S: AsRef<str>>(&self, header: &[S]) -> Vec<Option<usize>> {
        header
            .iter()
            .map(|h| self.column_index(h.as_ref()))
            .collect()
    }
}

/// A CSV cell as a [`Cell`]: the missing-value tokens are missing, anything else is text.
pub fn csv_cell(text: &str) -> Cell<'_> {
    if CSV_MISSING_TOKENS.contains(&text) {
        Cell::Missing
    } else {
        Cell::Text(text)
    }
}
