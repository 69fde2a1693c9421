//! Static typing: an [`Ast`] and the working row's columns → a checked [`Node`] and its type.
//! Every operand's type is known before any row is seen, so a type error is a spec error with
//! the character it starts at; at run time only missing values and domain errors remain.
//!
//! `null` has no type of its own: it takes the type its place asks for (`if(c, x, null)`).

use super::super::timestamp::Field;
use super::super::value::Type;
use super::eval::{Arith, Cmp, Math, Node, TextFn};
use super::grammar::{Ast, AstKind, BinOp};

/// A type error at a byte offset of the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    pub offset: usize,
    pub message: String,
}

/// The columns an expression can read: name → (slot, type).
pub trait Columns {
    fn lookup(&self, name: &str) -> Option<(usize, Type)>;
}

/// An expression's type; `None` for `null` alone (always missing).
pub type Typed = (Node, Option<Type>);

type Checked = Result<Typed, TypeError>;

/// The functions, with their arity (min, max), for messages and checks.
pub const FUNCTIONS: [(&str, usize, usize); 29] = [
    ("if", 3, 3),
    ("coalesce", 1, usize::MAX),
    ("is_missing", 1, 1),
    ("log", 1, 1),
    ("log1p", 1, 1),
    ("exp", 1, 1),
    ("sqrt", 1, 1),
    ("abs", 1, 1),
    ("floor", 1, 1),
    ("pow", 2, 2),
    ("min", 2, usize::MAX),
    ("max", 2, usize::MAX),
    ("clip", 3, 3),
    ("round", 1, 2),
    ("lower", 1, 1),
    ("upper", 1, 1),
    ("trim", 1, 1),
    ("substr", 3, 3),
    ("concat", 1, usize::MAX),
    ("replace", 3, 3),
    ("year", 1, 1),
    ("month", 1, 1),
    ("day", 1, 1),
    ("hour", 1, 1),
    ("minute", 1, 1),
    ("day_of_week", 1, 1),
    ("day_of_year", 1, 1),
    ("epoch", 1, 1),
    ("length", 1, 1),
];

/// Checks an expression against the columns of the working row.
pub fn check(ast: &Ast, columns: &dyn Columns) -> Checked {
    Checker { columns }.check(ast)
}

struct Checker<'c> {
    columns: &'c dyn Columns,
}

fn err<T>(at: &Ast, message: impl Into<String>) -> Result<T, TypeError> {
    Err(TypeError {
        offset: at.span.start,
        message: message.into(),
    })
}

fn shown(t: Option<Type>) -> &'static str {
    t.map_or("null", Type::name)
}

impl Checker<'_> {
    fn check(&self, ast: &Ast) -> Checked {
        match &ast.kind {
            AstKind::Number(v) => Ok((Node::Number(*v), Some(Type::Number))),
            AstKind::Text(s) => Ok((Node::Text(s.clone()), Some(Type::String))),
            AstKind::Bool(b) => Ok((Node::Bool(*b), Some(Type::Boolean))),
            AstKind::Null => Ok((Node::Null, None)),
            AstKind::Column(name) => match self.columns.lookup(name) {
                Some((slot, ty)) => Ok((Node::Column(slot, ty, name.clone()), Some(ty))),
                None => err(ast, format!("no column '{name}' at this step")),
            },
            AstKind::Neg(x) => {
                let x = self.expect(x, Type::Number, "'-'")?;
                Ok((Node::Neg(Box::new(x)), Some(Type::Number)))
            }
            AstKind::Not(x) => {
                let x = self.expect(x, Type::Boolean, "'not'")?;
                Ok((Node::Not(Box::new(x)), Some(Type::Boolean)))
            }
            AstKind::Binary(op, a, b) => self.binary(*op, a, b),
            AstKind::Call(name, args) => self.call(ast, name, args),
        }
    }

    /// An operand that must be of type `want` (or `null`).
    fn expect(&self, ast: &Ast, want: Type, what: &str) -> Result<Node, TypeError> {
        let (node, ty) = self.check(ast)?;
        match ty {
            Some(t) if t != want => err(ast, format!("{what} takes a {want}, not a {t}")),
            _ => Ok(node),
        }
    }

    fn binary(&self, op: BinOp, a: &Ast, b: &Ast) -> Checked {
        let what = format!("'{}'", op.symbol());
        let arith = |o: Arith| -> Checked {
            let x = self.expect(a, Type::Number, &what)?;
            let y = self.expect(b, Type::Number, &what)?;
            Ok((Node::Arith(o, Box::new(x), Box::new(y)), Some(Type::Number)))
        };
        let logic = |or: bool| -> Checked {
            let x = Box::new(self.expect(a, Type::Boolean, &what)?);
            let y = Box::new(self.expect(b, Type::Boolean, &what)?);
            Ok((
                if or { Node::Or(x, y) } else { Node::And(x, y) },
                Some(Type::Boolean),
            ))
        };
        match op {
            BinOp::Add => arith(Arith::Add),
            BinOp::Sub => arith(Arith::Sub),
            BinOp::Mul => arith(Arith::Mul),
            BinOp::Div => arith(Arith::Div),
            BinOp::Rem => arith(Arith::Rem),
            BinOp::And => logic(false),
            BinOp::Or => logic(true),
            BinOp::Eq => self.compare(Cmp::Eq, a, b, &what),
            BinOp::Ne => self.compare(Cmp::Ne, a, b, &what),
            BinOp::Lt => self.compare(Cmp::Lt, a, b, &what),
            BinOp::Le => self.compare(Cmp::Le, a, b, &what),
            BinOp::Gt => self.compare(Cmp::Gt, a, b, &what),
            BinOp::Ge => self.compare(Cmp::Ge, a, b, &what),
        }
    }

    /// Both sides of one type; booleans only for `==` and `!=`.
    fn compare(&self, op: Cmp, a: &Ast, b: &Ast, what: &str) -> Checked {
        let (x, tx) = self.check(a)?;
        let (y, ty) = self.check(b)?;
        if let (Some(l), Some(r)) = (tx, ty) {
            if l != r {
                return err(b, format!("{what} compares a {l} with a {r}"));
            }
        }
        if tx.or(ty) == Some(Type::Boolean) && !matches!(op, Cmp::Eq | Cmp::Ne) {
            return err(a, format!("{what} does not order booleans"));
        }
        let node = Node::Compare(op, Box::new(x), Box::new(y));
        Ok((node, Some(Type::Boolean)))
    }

    fn call(&self, at: &Ast, name: &str, args: &[Ast]) -> Checked {
        let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(f, ..)| *f == name) else {
            let known: Vec<&str> = FUNCTIONS.iter().map(|(f, ..)| *f).collect();
            return err(
                at,
                format!("unknown function '{name}' (known: {})", known.join(", ")),
            );
        };
        if args.len() < min || args.len() > max {
            let wanted = match (min, max) {
                (a, b) if a == b => format!("{a}"),
                (a, usize::MAX) => format!("at least {a}"),
                (a, b) => format!("{a} or {b}"),
            };
            return err(
                at,
                format!("{name} takes {wanted} arguments, not {}", args.len()),
            );
        }
        let what = name.to_string();
        let number = |i: usize| self.expect(&args[i], Type::Number, &what);
        let string = |i: usize| self.expect(&args[i], Type::String, &what);
        let num = Some(Type::Number);
        let text = Some(Type::String);
        let unary = |m: Math| Ok((Node::Math(m, Box::new(number(0)?)), num));
        let time = |f: Field| {
            let x = self.expect(&args[0], Type::Timestamp, &what)?;
            Ok((Node::Time(f, Box::new(x)), num))
        };
        match name {
            "if" => {
                let c = self.expect(&args[0], Type::Boolean, "if's condition")?;
                let (branches, ty) = self.same_type(&args[1..], "if's branches")?;
                let [a, b]: [Node; 2] = branches.try_into().expect("two branches");
                Ok((Node::If(Box::new([c, a, b])), ty))
            }
            "coalesce" => {
                let (nodes, ty) = self.same_type(args, "coalesce")?;
                Ok((Node::Coalesce(nodes), ty))
            }
            "is_missing" => {
                let (x, _) = self.check(&args[0])?;
                Ok((Node::IsMissing(Box::new(x)), Some(Type::Boolean)))
            }
            "log" => unary(Math::Log),
            "log1p" => unary(Math::Log1p),
            "exp" => unary(Math::Exp),
            "sqrt" => unary(Math::Sqrt),
            "abs" => unary(Math::Abs),
            "floor" => unary(Math::Floor),
            "pow" => Ok((Node::Pow(Box::new(number(0)?), Box::new(number(1)?)), num)),
            "min" | "max" => {
                let nodes = (0..args.len()).map(number).collect::<Result<_, _>>()?;
                Ok((Node::Extreme(name == "max", nodes), num))
            }
            "clip" => Ok((
                Node::Clip(Box::new([number(0)?, number(1)?, number(2)?])),
                num,
            )),
            "round" => {
                let digits = match args.get(1) {
                    None => 0,
                    Some(d) => self.integer_literal(d)?,
                };
                Ok((Node::Round(Box::new(number(0)?), digits), num))
            }
            "lower" => Ok((Node::Case(TextFn::Lower, Box::new(string(0)?)), text)),
            "upper" => Ok((Node::Case(TextFn::Upper, Box::new(string(0)?)), text)),
            "trim" => Ok((Node::Case(TextFn::Trim, Box::new(string(0)?)), text)),
            "length" => Ok((Node::Length(Box::new(string(0)?)), num)),
            "substr" => Ok((
                Node::Substr(Box::new([string(0)?, number(1)?, number(2)?])),
                text,
            )),
            "concat" => {
                let nodes = (0..args.len()).map(string).collect::<Result<_, _>>()?;
                Ok((Node::Concat(nodes), text))
            }
            "replace" => Ok((
                Node::Replace(Box::new([string(0)?, string(1)?, string(2)?])),
                text,
            )),
            "year" => time(Field::Year),
            "month" => time(Field::Month),
            "day" => time(Field::Day),
            "hour" => time(Field::Hour),
            "minute" => time(Field::Minute),
            "day_of_week" => time(Field::DayOfWeek),
            "day_of_year" => time(Field::DayOfYear),
            // The timestamp's own number: epoch seconds.
            "epoch" => Ok((self.expect(&args[0], Type::Timestamp, &what)?, num)),
            _ => unreachable!("every function of FUNCTIONS is checked"),
        }
    }

    /// Arguments that must share one type (`null`s aside); the type is `None` if all are null.
    fn same_type(&self, args: &[Ast], what: &str) -> Result<(Vec<Node>, Option<Type>), TypeError> {
        let mut ty: Option<Type> = None;
        let mut nodes = Vec::with_capacity(args.len());
        for a in args {
            let (node, t) = self.check(a)?;
            match (ty, t) {
                (Some(have), Some(t)) if have != t => {
                    return err(a, format!("{what} mixes a {have} and a {}", shown(Some(t))))
                }
                (None, t) => ty = t,
                _ => {}
            }
            nodes.push(node);
        }
        Ok((nodes, ty))
    }

    /// `round`'s digits: an integer written in the expression (its value is known before rows).
    fn integer_literal(&self, ast: &Ast) -> Result<i32, TypeError> {
        let value = match &ast.kind {
            AstKind::Number(v) => Some(*v),
            AstKind::Neg(x) => match x.kind {
                AstKind::Number(v) => Some(-v),
                _ => None,
            },
            _ => None,
        };
        match value {
            Some(v) if v.fract() == 0.0 && v.abs() <= 300.0 => Ok(v as i32),
            _ => err(
                ast,
                "round's digits must be an integer literal between -300 and 300",
            ),
        }
    }
}
