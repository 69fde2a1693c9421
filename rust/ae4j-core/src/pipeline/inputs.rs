//! A raw input cell → its slot, by the input's declared type. A cell that cannot be read as its
//! type (number text that does not parse, a bad timestamp) is a row error naming the input.

use crate::convert::Cell;
use crate::javanum::parse_java_double;

use super::spec::{Input, InputType};
use super::timestamp;
use super::value::Slot;

/// Why a cell cannot be read as its input's type (the message of a row error).
pub type ReadError = String;

/// Reads `cell` into `slot` as `input` says. A NaN number is missing.
pub fn read(input: &Input, cell: Cell<'_>, slot: &mut Slot) -> Result<(), ReadError> {
    let number = match (input.kind, cell) {
        (_, Cell::Missing) => None,
        (InputType::String, Cell::Text(t)) => {
            slot.set_text(t);
            return Ok(());
        }
        (InputType::String, Cell::Number(v) | Cell::TypedNumber(v, _)) if v.is_nan() => None,
        (InputType::String, Cell::Number(v) | Cell::TypedNumber(v, _)) => {
            return Err(format!("a string input, given the number {v}"))
        }
        (_, Cell::Other(type_name)) => {
            return Err(format!("a {} input, given a {type_name}", kind(input.kind)))
        }
        (InputType::Number, Cell::Number(v) | Cell::TypedNumber(v, _)) => Some(v),
        (InputType::Number, Cell::Text(t)) => {
            Some(parse_java_double(t).map_err(|_| format!("cannot read '{t}' as a number"))?)
        }
        (InputType::Timestamp, Cell::Number(v) | Cell::TypedNumber(v, _)) => {
            Some(timestamp::from_number(v, input.unit.unwrap_or_default()))
        }
        (InputType::Timestamp, Cell::Text(t)) => Some(timestamp_text(input, t)?),
        (InputType::Boolean, Cell::Number(v) | Cell::TypedNumber(v, _)) => boolean_number(v)?,
        (InputType::Boolean, Cell::Text(t)) => Some(boolean_text(t)?),
    };
    match number {
        Some(v) if !v.is_nan() => slot.set_number(v),
        _ => slot.set_missing(),
    }
    Ok(())
}

fn kind(t: InputType) -> &'static str {
    match t {
        InputType::Number => "number",
        InputType::String => "string",
        InputType::Timestamp => "timestamp",
        InputType::Boolean => "boolean",
    }
}

/// ISO-8601 text, or a number of epoch seconds (millis with `"unit": "ms"`) written as text.
fn timestamp_text(input: &Input, t: &str) -> Result<f64, ReadError> {
    if let Some(v) = timestamp::parse_iso(t) {
        return Ok(v);
    }
    match parse_java_double(t) {
        Ok(v) => Ok(timestamp::from_number(v, input.unit.unwrap_or_default())),
        Err(_) => Err(format!("cannot read '{t}' as a timestamp")),
    }
}

fn boolean_number(v: f64) -> Result<Option<f64>, ReadError> {
    match v {
        _ if v.is_nan() => Ok(None),
        0.0 | 1.0 => Ok(Some(v)),
        _ => Err(format!("cannot read {v} as a boolean (1 or 0)")),
    }
}

fn boolean_text(t: &str) -> Result<f64, ReadError> {
    let t = t.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Ok(1.0)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Ok(0.0)
    } else {
        Err(format!("cannot read '{t}' as a boolean (true/false, 1/0)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::spec::TimeUnit;

    fn input(kind: InputType, unit: Option<TimeUnit>) -> Input {
        Input {
            name: "x".into(),
            kind,
            unit,
        }
    }

    fn read_one(kind: InputType, cell: Cell<'_>) -> Result<Option<f64>, ReadError> {
        let mut slot = Slot::default();
        read(&input(kind, None), cell, &mut slot)?;
        Ok(slot.present.then_some(slot.number))
    }

    #[test]
    fn numbers() {
        assert_eq!(
            read_one(InputType::Number, Cell::Text(" 2.5 ")),
            Ok(Some(2.5))
        );
        assert_eq!(
            read_one(InputType::Number, Cell::Number(f64::NAN)),
            Ok(None)
        );
        assert_eq!(read_one(InputType::Number, Cell::Missing), Ok(None));
        let e = read_one(InputType::Number, Cell::Text("abc")).unwrap_err();
        assert_eq!(e, "cannot read 'abc' as a number");
    }

    #[test]
    fn booleans() {
        for (t, v) in [
            ("TRUE", 1.0),
            ("false", 0.0),
            ("1", 1.0),
            ("0", 0.0),
            ("True", 1.0),
        ] {
            assert_eq!(
                read_one(InputType::Boolean, Cell::Text(t)),
                Ok(Some(v)),
                "{t}"
            );
        }
        assert!(read_one(InputType::Boolean, Cell::Text("yes")).is_err());
        assert!(read_one(InputType::Boolean, Cell::Number(2.0)).is_err());
    }

    #[test]
    fn timestamps() {
        let ts = InputType::Timestamp;
        assert_eq!(
            read_one(ts, Cell::Text("1970-01-02T00:00:00Z")),
            Ok(Some(86400.0))
        );
        assert_eq!(read_one(ts, Cell::Text("86400")), Ok(Some(86400.0)));
        assert_eq!(read_one(ts, Cell::Number(86400.0)), Ok(Some(86400.0)));
        let mut slot = Slot::default();
        read(
            &input(ts, Some(TimeUnit::Millis)),
            Cell::Number(1500.0),
            &mut slot,
        )
        .unwrap();
        assert_eq!(slot.number, 1.5);
        let e = read_one(ts, Cell::Text("noon")).unwrap_err();
        assert_eq!(e, "cannot read 'noon' as a timestamp");
    }

    #[test]
    fn strings() {
        let mut slot = Slot::default();
        read(
            &input(InputType::String, None),
            Cell::Text("ebay"),
            &mut slot,
        )
        .unwrap();
        assert!(slot.present && slot.text == "ebay");
        assert!(read_one(InputType::String, Cell::Number(3.0)).is_err());
    }
}
