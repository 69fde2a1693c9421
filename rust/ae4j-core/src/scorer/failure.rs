//! Why a row could not be scored: the one error type of the row path, whatever the front end.

use std::fmt;

use crate::error::{RowError, ShapeError};

/// The kind of a row that is malformed rather than holding a value genmodel refuses (a ragged
/// CSV row, a cell that is not UTF-8, a raw row of the wrong length).
pub const MALFORMED_ROW: &str = "MalformedRow";

/// The kind of a row the preprocessing pipeline could not transform (a domain error, a bad
/// timestamp, unparsable number text for a number input); the message names the step or input.
pub const PIPELINE_ROW: &str = "PipelineException";

/// Why a row could not be scored.
///
/// Two spellings, both kept from before the row path was one: [`fmt::Display`] is the CLI's
/// and Spark's `error` column (`column '<c>': <Kind>: <message>`, or the bare message of a
/// malformed row), [`RowFailure::typed`] the service's (`<Kind>: <message>`, with the kind and
/// the message also given apart in JSON answers).
#[derive(Clone, Debug, PartialEq)]
pub struct RowFailure {
    /// genmodel's exception class (simple name), [`MALFORMED_ROW`] or [`PIPELINE_ROW`].
    pub kind: String,
    /// genmodel's message (or what is wrong with the row).
    pub message: String,
    /// The model column of the bad value (the input or step column for a pipeline error);
    /// `None` for a malformed row.
    pub column: Option<String>,
}

impl RowFailure {
    /// A row of the wrong shape; `message` says what is wrong (and where).
    pub fn malformed(message: impl Into<String>) -> Self {
        RowFailure {
            kind: MALFORMED_ROW.into(),
            message: message.into(),
            column: None,
        }
    }

    /// `<Kind>: <message>`: the service's text of a row error.
    pub fn typed(&self) -> String {
        format!("{}: {}", self.kind, self.message)
    }
}

impl fmt::Display for RowFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "column '{column}': {}: {}", self.kind, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for RowFailure {}

impl From<RowError> for RowFailure {
    fn from(e: RowError) -> Self {
        RowFailure {
            kind: e.exception_name().to_string(),
            column: Some(e.column().to_string()),
            message: e.to_string(),
        }
    }
}

impl From<ShapeError> for RowFailure {
    fn from(e: ShapeError) -> Self {
        RowFailure::malformed(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        let f = RowFailure::from(RowError::UnknownCategoricalLevel {
            column: "c".into(),
            level: "zzz".into(),
        });
        assert_eq!(
            f.to_string(),
            "column 'c': PredictUnknownCategoricalLevelException: Unknown categorical level (c,zzz)"
        );
        assert_eq!(
            f.typed(),
            "PredictUnknownCategoricalLevelException: Unknown categorical level (c,zzz)"
        );
        let m = RowFailure::malformed("the row has 2 fields, the header has 3");
        assert_eq!(m.to_string(), "the row has 2 fields, the header has 3");
        assert_eq!(
            m.typed(),
            "MalformedRow: the row has 2 fields, the header has 3"
        );
    }
}
