//! Values of the working row: the static types of its columns, the public [`Value`] of a
//! transformed row, and the reusable [`Slot`] a column lives in while a row is evaluated.

use std::fmt;

use super::spec::InputType;

/// The static type of a column or an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Number,
    String,
    Boolean,
    /// Seconds since the Unix epoch (UTC), as a number.
    Timestamp,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Number => "number",
            Type::String => "string",
            Type::Boolean => "boolean",
            Type::Timestamp => "timestamp",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<InputType> for Type {
    fn from(t: InputType) -> Self {
        match t {
            InputType::Number => Type::Number,
            InputType::String => Type::String,
            InputType::Timestamp => Type::Timestamp,
            InputType::Boolean => Type::Boolean,
        }
    }
}

/// One value of a transformed row ([`super::Pipeline::apply_named`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Missing,
    Number(f64),
    String(String),
    Boolean(bool),
    /// Seconds since the Unix epoch.
    Timestamp(f64),
}

impl Value {
    /// The value as the model gets it: a number (booleans 1/0, timestamps in epoch seconds),
    /// the text, or `None` when missing.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(v) | Value::Timestamp(v) => Some(*v),
            Value::Boolean(b) => Some(f64::from(u8::from(*b))),
            Value::Missing | Value::String(_) => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => Ok(()),
            Value::Number(v) | Value::Timestamp(v) => write!(f, "{v:?}"),
            Value::String(s) => f.write_str(s),
            Value::Boolean(b) => write!(f, "{b}"),
        }
    }
}

/// A column's storage while a row is evaluated: the number (booleans 1/0, timestamps in epoch
/// seconds) or the text, by the column's static type. The text buffer is kept between rows,
/// so a row's strings are copied into it without allocating once it is large enough.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slot {
    pub present: bool,
    pub number: f64,
    pub text: String,
}

impl Slot {
    pub fn set_missing(&mut self) {
        self.present = false;
    }

    pub fn set_number(&mut self, v: f64) {
        self.present = true;
        self.number = v;
    }

    pub fn set_text(&mut self, s: &str) {
        self.present = true;
        self.text.clear();
        self.text.push_str(s);
    }

    /// The public value of this slot for a column of type `ty`.
    pub fn value(&self, ty: Type) -> Value {
        if !self.present {
            return Value::Missing;
        }
        match ty {
            Type::Number => Value::Number(self.number),
            Type::Timestamp => Value::Timestamp(self.number),
            Type::Boolean => Value::Boolean(self.number != 0.0),
            Type::String => Value::String(self.text.clone()),
        }
    }
}

/// A number as messages show it: integers without a fraction, others in shortest round-trip form.
pub(crate) fn show(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:?}")
    }
}
