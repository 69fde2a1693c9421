//! The expression grammar: text → [`Ast`] with the byte span of every node.
//!
//! Parsed with winnow (the parser library of `toml_edit`, i.e. of cargo itself: well kept, no
//! dependencies, no unsafe in what we use, builds with the workspace's rust-version): its
//! Pratt parser ([`winnow::combinator::expression`]) gives the operator precedence below in a
//! few lines, and its errors carry the offset we turn into a character position.
//!
//! Precedence, loosest first: `or` < `and` < `not` < comparisons (not chained) < `+ -` <
//! `* / %` < unary `-`. Operators of one level associate to the left.

use std::ops::Range;

use winnow::ascii::{digit0, digit1, multispace0};
use winnow::combinator::{
    alt, cut_err, delimited, dispatch, expression, fail, not, opt, peek, preceded, separated,
    terminated, Infix, Prefix,
};
use winnow::error::{ContextError, ErrMode, StrContext, StrContextValue};
use winnow::prelude::*;
use winnow::stream::LocatingSlice;
use winnow::token::{any, one_of, take_till, take_while};

type Input<'i> = LocatingSlice<&'i str>;
type PResult<O> = ModalResult<O, ContextError>;

/// A parsed expression node and the bytes of the expression it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Ast {
    pub kind: AstKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AstKind {
    Number(f64),
    Text(String),
    Bool(bool),
    Null,
    Column(String),
    Neg(Box<Ast>),
    Not(Box<Ast>),
    Binary(BinOp, Box<Ast>, Box<Ast>),
    Call(String, Vec<Ast>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// Why an expression does not parse, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Parses a whole expression.
pub fn parse(text: &str) -> Result<Ast, SyntaxError> {
    delimited(multispace0, expr(0), multispace0)
        .parse(LocatingSlice::new(text))
        .map_err(|e| {
            let offset = e.offset();
            let context = e.inner().to_string();
            let found = match text[offset..].chars().next() {
                Some(c) => format!("unexpected '{c}'"),
                None => "unexpected end of the expression".to_string(),
            };
            let message = match context.lines().find(|l| l.starts_with("expected")) {
                Some(expected) => format!("{found}, {expected}"),
                None => found,
            };
            SyntaxError { offset, message }
        })
}

fn node(kind: AstKind, span: Range<usize>) -> Ast {
    Ast { kind, span }
}

fn binary(op: BinOp, a: Ast, b: Ast) -> Ast {
    let span = a.span.start..b.span.end;
    node(AstKind::Binary(op, Box::new(a), Box::new(b)), span)
}

macro_rules! bin {
    ($assoc:ident, $power:expr, $op:ident) => {
        Infix::$assoc($power, |_: &mut Input<'_>, a, b| {
            Ok(binary(BinOp::$op, a, b))
        })
    };
}

fn expr<'i>(precedence: i64) -> impl Parser<Input<'i>, Ast, ErrMode<ContextError>> {
    move |i: &mut Input<'i>| {
        expression(delimited(multispace0, operand, multispace0))
            .current_precedence_level(precedence)
            .prefix(delimited(
                multispace0,
                alt((
                    '-'.value(Prefix(14, |_: &mut Input<'_>, a: Ast| {
                        let span = a.span.clone();
                        Ok(node(AstKind::Neg(Box::new(a)), span))
                    })),
                    keyword("not").value(Prefix(6, |_: &mut Input<'_>, a: Ast| {
                        let span = a.span.clone();
                        Ok(node(AstKind::Not(Box::new(a)), span))
                    })),
                )),
                multispace0,
            ))
            .infix(alt((
                dispatch! {any;
                    '+' => bin!(Left, 10, Add),
                    '-' => bin!(Left, 10, Sub),
                    '*' => bin!(Left, 12, Mul),
                    '/' => bin!(Left, 12, Div),
                    '%' => bin!(Left, 12, Rem),
                    '=' => '='.value(bin!(Neither, 8, Eq)),
                    '!' => '='.value(bin!(Neither, 8, Ne)),
                    '<' => alt(('='.value(bin!(Neither, 8, Le)), empty_value(bin!(Neither, 8, Lt)))),
                    '>' => alt(('='.value(bin!(Neither, 8, Ge)), empty_value(bin!(Neither, 8, Gt)))),
                    _ => fail,
                },
                keyword("and").value(bin!(Left, 4, And)),
                keyword("or").value(bin!(Left, 2, Or)),
            )))
            .parse_next(i)
    }
}

fn empty_value<'i, O: Clone>(v: O) -> impl Parser<Input<'i>, O, ErrMode<ContextError>> {
    winnow::combinator::empty.value(v)
}

/// A keyword not followed by more of an identifier (`not` but not `notable`).
fn keyword<'i>(word: &'static str) -> impl Parser<Input<'i>, &'i str, ErrMode<ContextError>> {
    terminated(word, not(one_of(is_ident_char)))
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn operand(i: &mut Input<'_>) -> PResult<Ast> {
    let expected = |what| StrContext::Expected(StrContextValue::Description(what));
    dispatch! {peek(any);
        '(' => delimited(('(', multispace0), expr(0), cut_err(')').context(expected("')'"))).with_span().map(|(mut a, span)| { a.span = span; a }),
        '"' => string.with_span().map(|(s, span)| node(AstKind::Text(s), span)),
        '`' => quoted_name.with_span().map(|(s, span)| node(AstKind::Column(s), span)),
        '0'..='9' | '.' => number.with_span().map(|(v, span)| node(AstKind::Number(v), span)),
        c if is_ident_start(c) => word_operand,
        _ => fail.context(expected("a number, a string, a column or a function call")),
    }
    .parse_next(i)
}

/// A number literal: digits with an optional fraction and exponent, read exactly (the double
/// nearest to the decimal, as Python and Java read it).
fn number(i: &mut Input<'_>) -> PResult<f64> {
    alt(((digit1, opt(('.', digit0))).void(), ('.', digit1).void()))
        .void()
        .and_then_exponent()
        .take()
        .try_map(|t: &str| t.parse::<f64>())
        .parse_next(i)
}

trait ExponentExt<'i>: Parser<Input<'i>, (), ErrMode<ContextError>> + Sized {
    fn and_then_exponent(self) -> impl Parser<Input<'i>, (), ErrMode<ContextError>> {
        (
            self,
            opt((one_of(['e', 'E']), opt(one_of(['+', '-'])), cut_err(digit1))),
        )
            .void()
    }
}

impl<'i, P: Parser<Input<'i>, (), ErrMode<ContextError>>> ExponentExt<'i> for P {}

/// `"…"` with the escapes `\"`, `\\`, `\n`, `\t`.
fn string(i: &mut Input<'_>) -> PResult<String> {
    '"'.parse_next(i)?;
    let mut out = String::new();
    loop {
        let chunk: &str = take_till(0.., ['"', '\\']).parse_next(i)?;
        out.push_str(chunk);
        match cut_err(any)
            .context(StrContext::Expected(StrContextValue::CharLiteral('"')))
            .parse_next(i)?
        {
            '"' => return Ok(out),
            _ => {
                let escaped = cut_err(one_of(['"', '\\', 'n', 't']))
                    .context(StrContext::Expected(StrContextValue::Description(
                        "an escape: \\\" \\\\ \\n \\t",
                    )))
                    .parse_next(i)?;
                out.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    c => c,
                });
            }
        }
    }
}

/// `` `sepal length (cm)` ``: a column name with any characters but a backquote.
fn quoted_name(i: &mut Input<'_>) -> PResult<String> {
    delimited(
        '`',
        take_till(1.., '`'),
        cut_err('`').context(StrContext::Expected(StrContextValue::CharLiteral('`'))),
    )
    .map(str::to_string)
    .parse_next(i)
}

fn identifier<'i>(i: &mut Input<'i>) -> PResult<&'i str> {
    (one_of(is_ident_start), take_while(0.., is_ident_char))
        .take()
        .parse_next(i)
}

/// A literal keyword, a function call or a column.
fn word_operand(i: &mut Input<'_>) -> PResult<Ast> {
    let (word, span) = identifier.with_span().parse_next(i)?;
    match word {
        "true" => return Ok(node(AstKind::Bool(true), span)),
        "false" => return Ok(node(AstKind::Bool(false), span)),
        "null" => return Ok(node(AstKind::Null, span)),
        "and" | "or" | "not" => return fail.parse_next(i),
        _ => {}
    }
    let args = opt(preceded(
        (multispace0, '('),
        cut_err(terminated(separated(0.., expr(0), ','), (multispace0, ')'))).context(
            StrContext::Expected(StrContextValue::Description(
                "arguments separated by ',' and a ')'",
            )),
        ),
    ))
    .with_span()
    .parse_next(i)?;
    Ok(match args {
        (Some(args), end) => node(AstKind::Call(word.to_string(), args), span.start..end.end),
        (None, _) => node(AstKind::Column(word.to_string()), span),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree in prefix form, for short assertions.
    fn show(a: &Ast) -> String {
        match &a.kind {
            AstKind::Number(v) => format!("{v:?}"),
            AstKind::Text(s) => format!("{s:?}"),
            AstKind::Bool(b) => b.to_string(),
            AstKind::Null => "null".into(),
            AstKind::Column(c) => c.clone(),
            AstKind::Neg(x) => format!("(neg {})", show(x)),
            AstKind::Not(x) => format!("(not {})", show(x)),
            AstKind::Binary(op, x, y) => format!("({} {} {})", op.symbol(), show(x), show(y)),
            AstKind::Call(f, args) => {
                let args: Vec<String> = args.iter().map(show).collect();
                format!("{f}({})", args.join(", "))
            }
        }
    }

    fn p(text: &str) -> String {
        show(&parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}")))
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(p("1 + 2 * 3"), "(+ 1.0 (* 2.0 3.0))");
        assert_eq!(p("(1 + 2) * 3"), "(* (+ 1.0 2.0) 3.0)");
        assert_eq!(p("a - b - c"), "(- (- a b) c)");
        assert_eq!(p("a / b % c"), "(% (/ a b) c)");
        assert_eq!(p("-x * y"), "(* (neg x) y)");
        assert_eq!(
            p("x < 1 or y >= 2 and not z"),
            "(or (< x 1.0) (and (>= y 2.0) (not z)))"
        );
        assert_eq!(p("not a == b"), "(not (== a b))");
        assert_eq!(p("a != b"), "(!= a b)");
        assert_eq!(p("notable and orbit"), "(and notable orbit)");
    }

    #[test]
    fn literals_names_and_calls() {
        assert_eq!(p("0.1"), "0.1");
        assert_eq!(p("1e3 + .5 + 2. + 1E-2"), "(+ (+ (+ 1000.0 0.5) 2.0) 0.01)");
        assert_eq!(p(r#""a \"b\"\n""#), r#""a \"b\"\n""#);
        assert_eq!(p("`sepal length (cm)` * 2"), "(* sepal length (cm) 2.0)");
        assert_eq!(p("true and false or null"), "(or (and true false) null)");
        assert_eq!(p("if(x > 0, log(x), 0)"), "if((> x 0.0), log(x), 0.0)");
        assert_eq!(p("concat()"), "concat()");
        assert_eq!(p(" round ( x , 2 ) "), "round(x, 2.0)");
    }

    #[test]
    fn spans_cover_the_text() {
        let a = parse("log1p(amount) + 1").unwrap();
        assert_eq!(a.span, 0..17);
        let AstKind::Binary(_, l, r) = a.kind else {
            panic!()
        };
        assert_eq!((l.span, r.span), (0..13, 16..17));
    }

    #[test]
    fn errors_have_offsets() {
        let e = |t: &str| parse(t).unwrap_err();
        assert_eq!(e("1 +").offset, 3);
        assert_eq!(e("(a + b").offset, 6);
        assert!(e("(a + b").message.contains("')'"), "{:?}", e("(a + b"));
        assert_eq!(e("a b").offset, 2);
        assert_eq!(e("f(a,").offset, 3);
        assert_eq!(e("\"open").offset, 5);
        assert_eq!(e("a == b == c").offset, 7);
        assert_eq!(e("x # 1").offset, 2);
        assert_eq!(e("").offset, 0);
        assert_eq!(e("1e").offset, 2);
    }
}
