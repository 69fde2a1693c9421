//! Evaluating a checked expression on a row's slots: IEEE f64 arithmetic in the order written
//! (no reassociation, no fused multiply-add, so results equal numpy's bit for bit), missing
//! values propagated, domain errors (a NaN or an overflow) turned into row errors.

use std::borrow::Cow;

use super::super::timestamp::{self, Field};
use super::super::value::{show, Slot, Type};

/// A checked expression (see [`super::types`] for the rules that made it).
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Number(f64),
    Text(String),
    Bool(bool),
    Null,
    /// A column's slot, type and name (the name for errors about its value).
    Column(usize, Type, String),
    Neg(Box<Node>),
    Not(Box<Node>),
    Arith(Arith, Box<Node>, Box<Node>),
    /// A comparison of numbers (timestamps too), texts or booleans.
    Compare(Cmp, Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    If(Box<[Node; 3]>),
    Coalesce(Vec<Node>),
    IsMissing(Box<Node>),
    Math(Math, Box<Node>),
    Pow(Box<Node>, Box<Node>),
    /// `min` (false) or `max` (true) of several numbers.
    Extreme(bool, Vec<Node>),
    Clip(Box<[Node; 3]>),
    Round(Box<Node>, i32),
    Case(TextFn, Box<Node>),
    /// The number of characters of a text.
    Length(Box<Node>),
    Substr(Box<[Node; 3]>),
    Concat(Vec<Node>),
    Replace(Box<[Node; 3]>),
    Time(Field, Box<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Math {
    Log,
    Log1p,
    Exp,
    Sqrt,
    Abs,
    Floor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFn {
    Lower,
    Upper,
    Trim,
}

/// A value while an expression is evaluated (timestamps are numbers of epoch seconds).
#[derive(Debug, Clone, PartialEq)]
pub enum V<'a> {
    Missing,
    Num(f64),
    Bool(bool),
    Str(Cow<'a, str>),
}

/// Why a row's expression has no value: the message of a row error, and the column whose
/// value is out of the function's domain when the operand is a column (`amount / balance`
/// with `balance` 0 names `balance`; otherwise the step's column is named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
    pub column: Option<String>,
}

impl From<String> for EvalError {
    fn from(message: String) -> Self {
        EvalError {
            message,
            column: None,
        }
    }
}

impl EvalError {
    /// The error about the value of `operand` (named when it is a column).
    fn about(mut self, operand: &Node) -> Self {
        if let Node::Column(_, _, name) = operand {
            self.column.get_or_insert_with(|| name.clone());
        }
        self
    }
}

type R<'a> = Result<V<'a>, EvalError>;

impl Node {
    /// The expression's value on a row.
    pub fn eval<'a>(&'a self, slots: &'a [Slot]) -> R<'a> {
        match self {
            Node::Number(v) => Ok(V::Num(*v)),
            Node::Text(s) => Ok(V::Str(Cow::Borrowed(s))),
            Node::Bool(b) => Ok(V::Bool(*b)),
            Node::Null => Ok(V::Missing),
            Node::Column(i, ty, _) => Ok(column(&slots[*i], *ty)),
            Node::Neg(x) => Ok(num(x, slots)?.map_or(V::Missing, |v| V::Num(-v))),
            Node::Not(x) => Ok(boolean(x, slots)?.map_or(V::Missing, |b| V::Bool(!b))),
            Node::Arith(op, a, b) => arith(*op, a, b, slots),
            Node::Compare(op, a, b) => compare(*op, a.eval(slots)?, b.eval(slots)?),
            Node::And(a, b) => logic(false, a, b, slots),
            Node::Or(a, b) => logic(true, a, b, slots),
            Node::If(abc) => match boolean(&abc[0], slots)? {
                None => Ok(V::Missing),
                Some(true) => abc[1].eval(slots),
                Some(false) => abc[2].eval(slots),
            },
            Node::Coalesce(args) => {
                for a in args {
                    let v = a.eval(slots)?;
                    if v != V::Missing {
                        return Ok(v);
                    }
                }
                Ok(V::Missing)
            }
            Node::IsMissing(x) => Ok(V::Bool(x.eval(slots)? == V::Missing)),
            Node::Math(f, x) => match num(x, slots)? {
                None => Ok(V::Missing),
                Some(v) => math(*f, v).map_err(|e| e.about(x)),
            },
            Node::Pow(a, b) => match (num(a, slots)?, num(b, slots)?) {
                (Some(x), Some(y)) => finite(x.powf(y), &[x, y], || {
                    format!("pow({}, {})", show(x), show(y))
                }),
                _ => Ok(V::Missing),
            },
            Node::Extreme(max, args) => extreme(*max, args, slots),
            Node::Clip(abc) => match (
                num(&abc[0], slots)?,
                num(&abc[1], slots)?,
                num(&abc[2], slots)?,
            ) {
                // numpy.clip: minimum(maximum(x, lo), hi), so hi wins when lo > hi.
                (Some(x), Some(lo), Some(hi)) => Ok(V::Num(x.max(lo).min(hi))),
                _ => Ok(V::Missing),
            },
            Node::Round(x, digits) => {
                Ok(num(x, slots)?.map_or(V::Missing, |v| V::Num(round_half_even(v, *digits))))
            }
            Node::Case(f, x) => Ok(match text(x, slots)? {
                None => V::Missing,
                Some(s) => V::Str(case(*f, s)),
            }),
            Node::Length(x) => Ok(match text(x, slots)? {
                None => V::Missing,
                Some(s) => V::Num(s.chars().count() as f64),
            }),
            Node::Substr(abc) => substr(abc, slots),
            Node::Concat(args) => concat(args, slots),
            Node::Replace(abc) => match (
                text(&abc[0], slots)?,
                text(&abc[1], slots)?,
                text(&abc[2], slots)?,
            ) {
                (Some(s), Some(from), Some(to)) => Ok(V::Str(Cow::Owned(s.replace(&*from, &to)))),
                _ => Ok(V::Missing),
            },
            Node::Time(f, x) => match num(x, slots)? {
                None => Ok(V::Missing),
                Some(t) => timestamp::field(t, *f)
                    .map(V::Num)
                    .ok_or_else(|| format!("timestamp {} is out of range", show(t)).into()),
            },
        }
    }
}

fn column(slot: &Slot, ty: Type) -> V<'_> {
    if !slot.present {
        return V::Missing;
    }
    match ty {
        Type::Number | Type::Timestamp => V::Num(slot.number),
        Type::Boolean => V::Bool(slot.number != 0.0),
        Type::String => V::Str(Cow::Borrowed(&slot.text)),
    }
}

/// A number operand (`None`: missing). The checker made sure it is a number.
fn num(node: &Node, slots: &[Slot]) -> Result<Option<f64>, EvalError> {
    match node.eval(slots)? {
        V::Num(v) => Ok(Some(v)),
        _ => Ok(None),
    }
}

fn boolean(node: &Node, slots: &[Slot]) -> Result<Option<bool>, EvalError> {
    match node.eval(slots)? {
        V::Bool(b) => Ok(Some(b)),
        _ => Ok(None),
    }
}

fn text<'a>(node: &'a Node, slots: &'a [Slot]) -> Result<Option<Cow<'a, str>>, EvalError> {
    match node.eval(slots)? {
        V::Str(s) => Ok(Some(s)),
        _ => Ok(None),
    }
}

/// `result` unless it is NaN, or infinite from finite operands: a domain error named by `what`.
fn finite<'a>(result: f64, operands: &[f64], what: impl FnOnce() -> String) -> R<'a> {
    if result.is_nan() {
        return Err(format!("{} is not a number", what()).into());
    }
    if result.is_infinite() && operands.iter().all(|v| v.is_finite()) {
        return Err(format!("{} overflows", what()).into());
    }
    Ok(V::Num(result))
}

fn arith<'a>(op: Arith, a: &'a Node, b: &'a Node, slots: &'a [Slot]) -> R<'a> {
    let (Some(x), Some(y)) = (num(a, slots)?, num(b, slots)?) else {
        return Ok(V::Missing);
    };
    let symbol = match op {
        Arith::Add => "+",
        Arith::Sub => "-",
        Arith::Mul => "*",
        Arith::Div => "/",
        Arith::Rem => "%",
    };
    if matches!(op, Arith::Div | Arith::Rem) && y == 0.0 {
        return Err(EvalError::from(format!("division by zero ({} {symbol} 0)", show(x))).about(b));
    }
    let r = match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div => x / y,
        Arith::Rem => python_mod(x, y),
    };
    finite(r, &[x, y], || format!("{} {symbol} {}", show(x), show(y)))
}

/// numpy's (and Python's) `%`: the remainder with the sign of the divisor (`npy_divmod`).
pub fn python_mod(x: f64, y: f64) -> f64 {
    let m = x % y;
    if m == 0.0 {
        0.0_f64.copysign(y)
    } else if (y < 0.0) != (m < 0.0) {
        m + y
    } else {
        m
    }
}

fn compare<'a>(op: Cmp, a: V<'_>, b: V<'_>) -> R<'a> {
    use std::cmp::Ordering;
    let order: Option<Ordering> = match (&a, &b) {
        (V::Num(x), V::Num(y)) => x.partial_cmp(y),
        (V::Str(x), V::Str(y)) => Some(x.cmp(y)),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    };
    let Some(o) = order else {
        return Ok(V::Missing);
    };
    Ok(V::Bool(match op {
        Cmp::Eq => o == Ordering::Equal,
        Cmp::Ne => o != Ordering::Equal,
        Cmp::Lt => o == Ordering::Less,
        Cmp::Le => o != Ordering::Greater,
        Cmp::Gt => o == Ordering::Greater,
        Cmp::Ge => o != Ordering::Less,
    }))
}

/// `and` (`or` when `is_or`): the left side first; missing there is missing; a left side that
/// decides (false for `and`, true for `or`) is the result without evaluating the right side.
fn logic<'a>(is_or: bool, a: &'a Node, b: &'a Node, slots: &'a [Slot]) -> R<'a> {
    match boolean(a, slots)? {
        None => Ok(V::Missing),
        Some(l) if l == is_or => Ok(V::Bool(l)),
        Some(_) => Ok(boolean(b, slots)?.map_or(V::Missing, V::Bool)),
    }
}

fn math<'a>(f: Math, x: f64) -> R<'a> {
    let (name, out_of_domain, r) = match f {
        Math::Log => ("log", x <= 0.0, x.ln()),
        Math::Log1p => ("log1p", x <= -1.0, x.ln_1p()),
        Math::Sqrt => ("sqrt", x < 0.0, x.sqrt()),
        Math::Exp => ("exp", false, x.exp()),
        Math::Abs => ("abs", false, x.abs()),
        Math::Floor => ("floor", false, x.floor()),
    };
    if out_of_domain {
        return Err(format!("{name} of {}", show(x)).into());
    }
    finite(r, &[x], || format!("{name} of {}", show(x)))
}

fn extreme<'a>(max: bool, args: &'a [Node], slots: &'a [Slot]) -> R<'a> {
    let mut best: Option<f64> = None;
    let mut missing = false;
    for a in args {
        match num(a, slots)? {
            None => missing = true,
            Some(v) => {
                best = Some(match best {
                    None => v,
                    Some(b) if max => b.max(v),
                    Some(b) => b.min(v),
                })
            }
        }
    }
    Ok(match best {
        Some(v) if !missing => V::Num(v),
        _ => V::Missing,
    })
}

/// numpy's `round(x, digits)`: half to even, as `rint(x * 10^d) / 10^d` (`x / 10^-d` then
/// `* 10^-d` for negative `d`), with `10^d` the exact power of ten.
pub fn round_half_even(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits.abs());
    if digits >= 0 {
        let y = (x * f).round_ties_even() / f;
        if y.is_finite() {
            y
        } else {
            x
        }
    } else {
        (x / f).round_ties_even() * f
    }
}

fn case(f: TextFn, s: Cow<'_, str>) -> Cow<'_, str> {
    match (f, s) {
        (TextFn::Trim, Cow::Borrowed(b)) => Cow::Borrowed(b.trim()),
        (TextFn::Trim, Cow::Owned(o)) => Cow::Owned(o.trim().to_string()),
        (TextFn::Lower, s) if !s.chars().any(char::is_uppercase) => s,
        (TextFn::Lower, s) => Cow::Owned(s.to_lowercase()),
        (TextFn::Upper, s) if !s.chars().any(char::is_lowercase) => s,
        (TextFn::Upper, s) => Cow::Owned(s.to_uppercase()),
    }
}

/// `substr(s, start, len)`: characters `start .. start + len` (0-based, cut at the end of the
/// text, like Python's `s[start:start + len]` for non-negative integers).
fn substr<'a>(abc: &'a [Node; 3], slots: &'a [Slot]) -> R<'a> {
    let (Some(s), Some(start), Some(len)) = (
        text(&abc[0], slots)?,
        num(&abc[1], slots)?,
        num(&abc[2], slots)?,
    ) else {
        return Ok(V::Missing);
    };
    let index = |v: f64, what: &str| {
        if v >= 0.0 && v.fract() == 0.0 {
            Ok(v.min(usize::MAX as f64) as usize)
        } else {
            Err(format!(
                "substr's {what} must be a non-negative integer, not {}",
                show(v)
            ))
        }
    };
    let (start, len) = (index(start, "start")?, index(len, "length")?);
    let begin = s.char_indices().nth(start).map_or(s.len(), |(i, _)| i);
    let rest = &s[begin..];
    let end = rest.char_indices().nth(len).map_or(rest.len(), |(i, _)| i);
    Ok(V::Str(match s {
        Cow::Borrowed(b) => Cow::Borrowed(&b[begin..begin + end]),
        Cow::Owned(o) => Cow::Owned(o[begin..begin + end].to_string()),
    }))
}

fn concat<'a>(args: &'a [Node], slots: &'a [Slot]) -> R<'a> {
    let mut out = String::new();
    for a in args {
        match text(a, slots)? {
            None => return Ok(V::Missing),
            Some(s) => out.push_str(&s),
        }
    }
    Ok(V::Str(Cow::Owned(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_modulo() {
        // Python: 7 % 3, -7 % 3, 7 % -3, -7 % -3, 5.5 % 2, -0.0 % 3, 6 % -3.
        assert_eq!(python_mod(7.0, 3.0), 1.0);
        assert_eq!(python_mod(-7.0, 3.0), 2.0);
        assert_eq!(python_mod(7.0, -3.0), -2.0);
        assert_eq!(python_mod(-7.0, -3.0), -1.0);
        assert_eq!(python_mod(5.5, 2.0), 1.5);
        assert_eq!(python_mod(-0.0, 3.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(python_mod(6.0, -3.0).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn numpy_rounding() {
        // numpy.round: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2, 2.675 (2 digits) -> 2.68 (2.675 * 100 is 267.5),
        // 1234.5 (-1) -> 1230, 1250 (-2) -> 1200, 0.125 (2) -> 0.12.
        assert_eq!(round_half_even(0.5, 0), 0.0);
        assert_eq!(round_half_even(1.5, 0), 2.0);
        assert_eq!(round_half_even(2.5, 0), 2.0);
        assert_eq!(round_half_even(-2.5, 0), -2.0);
        assert_eq!(round_half_even(2.675, 2), 2.68);
        assert_eq!(round_half_even(1234.5, -1), 1230.0);
        assert_eq!(round_half_even(1250.0, -2), 1200.0);
        assert_eq!(round_half_even(0.125, 2), 0.12);
        assert_eq!(round_half_even(1.0 / 3.0, 3), 0.333);
    }
}
