//! Error types. Model errors name the file (and entry, key or line) they come from; row errors
//! carry genmodel's exception class and message so every route reports them the same way.

use thiserror::Error;

/// A model file that cannot be turned into a scorable autoencoder.
#[derive(Debug, Error)]
pub enum ModelError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a readable MOJO zip archive: {reason}")]
    Zip { path: String, reason: String },
    #[error("{path}: the MOJO has no entry '{entry}'")]
    MissingEntry { path: String, entry: String },
    #[error("{path}: {what} is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        path: String,
        what: String,
        size: u64,
        limit: u64,
    },
    #[error("{path}: line {line}: {reason}")]
    Syntax {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("{path}: missing key '{key}'")]
    MissingKey { path: String, key: String },
    #[error("{path}: key '{key}': {reason}")]
    BadValue {
        path: String,
        key: String,
        reason: String,
    },
    #[error("{path}: {reason}")]
    Unsupported { path: String, reason: String },
    #[error("{path}: inconsistent model: {reason}")]
    Inconsistent { path: String, reason: String },
}

/// A row value that genmodel's `EasyPredictModelWrapper` would reject. The messages are
/// genmodel's, so logs and clients see the same text whichever scorer produced it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RowError {
    #[error("Unknown categorical level ({column},{level})")]
    UnknownCategoricalLevel { column: String, level: String },
    #[error("Unable to parse value: {value}, from column: {column}, as Double; {reason}")]
    NumberFormat {
        column: String,
        value: String,
        reason: String,
    },
    #[error("Unexpected object type {type_name} for {} column {column}", if *.categorical { "categorical" } else { "numeric" })]
    UnknownType {
        column: String,
        type_name: String,
        categorical: bool,
    },
}

impl RowError {
    /// The simple name of the h2o-genmodel exception class this error corresponds to.
    pub fn exception_name(&self) -> &'static str {
        match self {
            RowError::UnknownCategoricalLevel { .. } => "PredictUnknownCategoricalLevelException",
            RowError::NumberFormat { .. } => "PredictNumberFormatException",
            RowError::UnknownType { .. } => "PredictUnknownTypeException",
        }
    }

    /// The model column the bad value was given for.
    pub fn column(&self) -> &str {
        match self {
            RowError::UnknownCategoricalLevel { column, .. }
            | RowError::NumberFormat { column, .. }
            | RowError::UnknownType { column, .. } => column,
        }
    }
}

/// A call whose arguments do not fit the model (wrong row length, wrong buffer size).
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{what}: expected {expected} values, got {actual}")]
pub struct ShapeError {
    pub what: &'static str,
    pub expected: usize,
    pub actual: usize,
}

impl ShapeError {
    pub(crate) fn check(what: &'static str, expected: usize, actual: usize) -> Result<(), Self> {
        if expected == actual {
            Ok(())
        } else {
            Err(ShapeError {
                what,
                expected,
                actual,
            })
        }
    }
}
