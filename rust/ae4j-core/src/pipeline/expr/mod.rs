//! The expression language of `derive` steps: [`grammar`] parses the text, [`types`] checks it
//! against the working row's columns, [`eval`] evaluates it on a row.

pub mod eval;
pub mod grammar;
pub mod types;

pub use eval::{EvalError, Node, V};
pub use types::Columns;

use super::value::Type;

/// An expression error: the character (1-based) it starts at and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub position: usize,
    pub message: String,
}

/// Parses and checks `text`; the expression must have a type (not be `null` alone).
pub fn compile(text: &str, columns: &dyn Columns) -> Result<(Node, Type), ExprError> {
    let at = |offset: usize, message: String| ExprError {
        position: text[..offset.min(text.len())].chars().count() + 1,
        message,
    };
    let ast = grammar::parse(text).map_err(|e| at(e.offset, e.message))?;
    let (node, ty) = types::check(&ast, columns).map_err(|e| at(e.offset, e.message))?;
    match ty {
        Some(ty) => Ok((node, ty)),
        None => Err(at(0, "the expression is always missing (null)".into())),
    }
}
