//! Why a spec is refused: what is wrong, and where (the step, the column, the character of an
//! expression).

use std::fmt;

/// A spec that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Where the spec came from (a file, a zip entry).
    pub origin: String,
    /// The step (1-based) and its label (`derive log_amount`), when the error is in one.
    pub step: Option<(usize, String)>,
    /// The column concerned, when one is.
    pub column: Option<String>,
    /// The character (1-based) in the step's expression, for an expression error.
    pub position: Option<usize>,
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(origin: &str, message: impl Into<String>) -> Self {
        SpecError {
            origin: origin.to_string(),
            step: None,
            column: None,
            position: None,
            message: message.into(),
        }
    }

    /// The error without its origin (for a [`crate::ModelError`] that names the file itself).
    pub fn detail(&self) -> String {
        let mut s = String::new();
        if let Some((n, label)) = &self.step {
            s.push_str(&format!("step {n} ({label}): "));
        }
        if let Some(c) = &self.column {
            s.push_str(&format!("column '{c}': "));
        }
        if let Some(p) = self.position {
            s.push_str(&format!("character {p}: "));
        }
        s.push_str(&self.message);
        s
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.detail())
    }
}

impl std::error::Error for SpecError {}
