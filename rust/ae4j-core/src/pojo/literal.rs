//! Java numeric literals as javac reads them: a `float` literal (`-0.0123f`, `1.0E-5f`) is
//! rounded once, directly to float32; a `double` literal to float64; an `int` literal is exact.
//! The grammar is checked here, then only a plain decimal reaches Rust's correctly rounded
//! parsers (which on their own would also take `inf`, `nan`, `+1`...).

/// A numeric value with its Java type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scalar {
    Int(i64),
    Float(f32),
    Double(f64),
}

impl Scalar {
    pub fn negate(self) -> Scalar {
        match self {
            Scalar::Int(v) => Scalar::Int(-v),
            Scalar::Float(v) => Scalar::Float(-v),
            Scalar::Double(v) => Scalar::Double(-v),
        }
    }

    /// The value stored into a `float` variable: javac accepts `int` and `float` (exactly, or
    /// rounded to nearest for large ints) and rejects a `double` without a cast.
    pub fn to_f32(self) -> Result<f32, String> {
        match self {
            Scalar::Int(v) => Ok(v as f32),
            Scalar::Float(v) => Ok(v),
            Scalar::Double(_) => Err(
                "a double value cannot be stored in a float array (javac rejects it: float literals end in f)"
                    .into(),
            ),
        }
    }

    /// The value stored into a `double` variable: any of the three, widened.
    pub fn to_f64(self) -> f64 {
        match self {
            Scalar::Int(v) => v as f64,
            Scalar::Float(v) => f64::from(v),
            Scalar::Double(v) => v,
        }
    }

    pub fn to_int(self) -> Result<i64, String> {
        match self {
            Scalar::Int(v) => Ok(v),
            _ => Err("expected an int, found a floating-point value".into()),
        }
    }
}

/// A numeric literal token (no sign), e.g. `0.0123f`, `1.0E-5f`, `0.5`, `22`, `7L`.
pub(crate) fn parse_number(text: &str) -> Result<Scalar, String> {
    let bad = |why: &str| Err(format!("'{text}' is not a Java numeric literal{why}"));
    let b = text.as_bytes();
    if b.is_empty() {
        return bad("");
    }
    if b.len() > 1 && b[0] == b'0' && matches!(b[1], b'x' | b'X' | b'b' | b'B') {
        return bad(": hexadecimal and binary literals are not supported (H2O never writes them)");
    }
    let (body, suffix) = match b[b.len() - 1] {
        s @ (b'f' | b'F' | b'd' | b'D' | b'l' | b'L') => (&text[..text.len() - 1], Some(s)),
        _ => (text, None),
    };
    // digits [. digits] [(e|E) [+-] digits], at least one mantissa digit.
    let bb = body.as_bytes();
    let mut i = 0;
    while i < bb.len() && bb[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i;
    let mut dot = false;
    let mut digits = int_digits;
    if i < bb.len() && bb[i] == b'.' {
        dot = true;
        i += 1;
        let f = i;
        while i < bb.len() && bb[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - f;
    }
    if digits == 0 {
        return bad("");
    }
    let mantissa_end = i;
    let mut exponent = false;
    if i < bb.len() && (bb[i] == b'e' || bb[i] == b'E') {
        exponent = true;
        i += 1;
        if i < bb.len() && (bb[i] == b'+' || bb[i] == b'-') {
            i += 1;
        }
        let e = i;
        while i < bb.len() && bb[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return bad(": the exponent has no digits");
        }
    }
    if i != bb.len() {
        if text.contains('_') {
            return bad(": underscores in literals are not supported (H2O never writes them)");
        }
        return bad("");
    }
    let floating = dot || exponent || matches!(suffix, Some(b'f' | b'F' | b'd' | b'D'));
    if !floating {
        if body.len() > 1 && body.starts_with('0') {
            return bad(": octal literals are not supported (H2O never writes them)");
        }
        let long = suffix.is_some();
        let limit: u64 = if long { i64::MAX as u64 + 1 } else { 1 << 31 };
        return match body.parse::<u64>() {
            // The one literal beyond the positive range (2^31 or 2^63) is only legal negated;
            // callers reject what does not fit where it is stored.
            Ok(v) if v <= limit => Ok(Scalar::Int(v.min(i64::MAX as u64) as i64)),
            _ => bad(": integer too large"),
        };
    }
    if matches!(suffix, Some(b'l' | b'L')) {
        return bad("");
    }
    let nonzero = || {
        body[..mantissa_end]
            .bytes()
            .any(|d| (b'1'..=b'9').contains(&d))
    };
    if matches!(suffix, Some(b'f' | b'F')) {
        let v: f32 = body
            .parse()
            .map_err(|_| format!("'{text}' is not a float literal"))?;
        if v.is_infinite() || (v == 0.0 && nonzero()) {
            return bad(": out of float range (javac rejects it)");
        }
        Ok(Scalar::Float(v))
    } else {
        let v: f64 = body
            .parse()
            .map_err(|_| format!("'{text}' is not a double literal"))?;
        if v.is_infinite() || (v == 0.0 && nonzero()) {
            return bad(": out of double range (javac rejects it)");
        }
        Ok(Scalar::Double(v))
    }
}

/// `Float.NaN`, `Double.POSITIVE_INFINITY`, ... (`class` is `Float` or `Double`).
pub(crate) fn named_constant(class: &str, name: &str) -> Option<Scalar> {
    let f = match (class, name) {
        ("Float", "NaN") => Scalar::Float(f32::NAN),
        ("Float", "POSITIVE_INFINITY") => Scalar::Float(f32::INFINITY),
        ("Float", "NEGATIVE_INFINITY") => Scalar::Float(f32::NEG_INFINITY),
        ("Float", "MAX_VALUE") => Scalar::Float(f32::MAX),
        ("Float", "MIN_VALUE") => Scalar::Float(f32::from_bits(1)),
        ("Float", "MIN_NORMAL") => Scalar::Float(f32::MIN_POSITIVE),
        ("Double", "NaN") => Scalar::Double(f64::NAN),
        ("Double", "POSITIVE_INFINITY") => Scalar::Double(f64::INFINITY),
        ("Double", "NEGATIVE_INFINITY") => Scalar::Double(f64::NEG_INFINITY),
        ("Double", "MAX_VALUE") => Scalar::Double(f64::MAX),
        ("Double", "MIN_VALUE") => Scalar::Double(f64::from_bits(1)),
        ("Double", "MIN_NORMAL") => Scalar::Double(f64::MIN_POSITIVE),
        _ => return None,
    };
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javac_literals() {
        assert_eq!(parse_number("0.0123f"), Ok(Scalar::Float(0.0123)));
        assert_eq!(parse_number("1.0E-5f"), Ok(Scalar::Float(1.0e-5)));
        assert_eq!(parse_number("1.0E+5F"), Ok(Scalar::Float(1.0e5)));
        assert_eq!(parse_number(".5f"), Ok(Scalar::Float(0.5)));
        assert_eq!(parse_number("2.f"), Ok(Scalar::Float(2.0)));
        assert_eq!(parse_number("3f"), Ok(Scalar::Float(3.0)));
        assert_eq!(parse_number("0.1"), Ok(Scalar::Double(0.1)));
        assert_eq!(parse_number("4.9E-324"), Ok(Scalar::Double(4.9e-324)));
        assert_eq!(parse_number("1e3d"), Ok(Scalar::Double(1000.0)));
        assert_eq!(parse_number("22"), Ok(Scalar::Int(22)));
        assert_eq!(parse_number("0"), Ok(Scalar::Int(0)));
        assert_eq!(parse_number("7L"), Ok(Scalar::Int(7)));
        // Straight to float32: the nearest float, never a double rounded again.
        let s = "0.100000001490116119384765625000001f";
        assert_eq!(parse_number(s), Ok(Scalar::Float(0.1f32)));
        for bad in [
            "1.2.3f",
            "1e",
            "1.0E-f",
            "0x1p3",
            "010",
            "1_0",
            "1fL",
            "2147483649",
            "3.4e39f",
            "1e-50f",
            "1e400",
            "1ef",
            ".",
        ] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
        assert_eq!(Scalar::Int(16_777_217).to_f32(), Ok(16_777_216.0));
        assert!(Scalar::Double(0.5).to_f32().is_err());
        assert_eq!(Scalar::Float(0.1).to_f64(), f64::from(0.1f32));
        assert_eq!(
            named_constant("Float", "NaN").map(|s| s.to_f64().is_nan()),
            Some(true)
        );
        assert!(named_constant("Double", "NaN").unwrap().to_f32().is_err());
        assert_eq!(named_constant("Float", "E"), None);
    }
}
