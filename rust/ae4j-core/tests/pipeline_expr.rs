//! The expression language and the steps, one behaviour at a time: each function's value,
//! missing propagation, domain errors (row errors, never NaN), and spec errors that name the
//! step, the column and the character. Property tests cover missing propagation and domain
//! errors over arbitrary doubles.

use ae4j_core::convert::Cell;
use ae4j_core::pipeline::{Pipeline, SpecError, Value};
use ae4j_core::RowFailure;
use proptest::prelude::*;

/// Inputs `x`, `y` (numbers), `s`, `t` (strings), `b` (boolean), `ts` (timestamp).
const INPUTS: &str = r#"[{"name": "x", "type": "number"}, {"name": "y", "type": "number"},
    {"name": "s", "type": "string"}, {"name": "t", "type": "string"},
    {"name": "b", "type": "boolean"}, {"name": "ts", "type": "timestamp"}]"#;

fn spec(steps: &str) -> Result<Pipeline, SpecError> {
    let text = format!(r#"{{"ae4j_pipeline": 1, "inputs": {INPUTS}, "steps": [{steps}]}}"#);
    Pipeline::from_json(text.as_bytes(), "test")
}

fn derive(expr: &str) -> Result<Pipeline, SpecError> {
    let e = serde_json::to_string(expr).unwrap();
    spec(&format!(
        r#"{{"op": "derive", "name": "out", "expr": {e}}}"#
    ))
}

/// The column `out` after the steps, on a row of these cells.
fn column(p: &Pipeline, cells: &[(&str, Cell<'_>)], name: &str) -> Result<Value, RowFailure> {
    let row = p.apply_named(cells)?;
    Ok(row.into_iter().find(|(n, _)| n == name).unwrap().1)
}

fn eval(expr: &str, cells: &[(&str, Cell<'_>)]) -> Result<Value, RowFailure> {
    let p = derive(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    column(&p, cells, "out")
}

fn num(expr: &str, x: f64) -> Value {
    eval(expr, &[("x", Cell::Number(x))]).unwrap()
}

fn n(v: f64) -> Value {
    Value::Number(v)
}

fn text(v: &str) -> Value {
    Value::String(v.into())
}

fn row_error(expr: &str, cells: &[(&str, Cell<'_>)]) -> RowFailure {
    match eval(expr, cells) {
        Err(e) => e,
        Ok(v) => panic!("{expr}: {v:?}, expected a row error"),
    }
}

fn spec_error(expr: &str) -> SpecError {
    match derive(expr) {
        Err(e) => e,
        Ok(_) => panic!("{expr}: accepted"),
    }
}

#[test]
fn arithmetic_in_the_order_written() {
    let x = 7.3;
    assert_eq!(num("(x - 3.25) / 1.5", x), n((x - 3.25) / 1.5));
    assert_eq!(num("x * 0.1 + 0.2 * x", x), n(x * 0.1 + 0.2 * x));
    assert_eq!(num("x - 1 - 2", x), n(x - 1.0 - 2.0));
    // Python: -7.3 % 3 == 1.7000000000000002 (the sign of the divisor).
    assert_eq!(num("-x % 3", x), n(1.7000000000000002));
    assert_eq!(num("0.1 + 0.2", 0.0), n(0.1 + 0.2));
    assert_eq!(num("2 * -x", 1.5), n(-3.0));
}

#[test]
fn numeric_functions() {
    assert_eq!(num("log(x)", 10.0), n(10f64.ln()));
    assert_eq!(num("log1p(x)", 3.0), n(3f64.ln_1p()));
    assert_eq!(num("exp(x)", 2.0), n(2f64.exp()));
    assert_eq!(num("sqrt(x)", 2.0), n(2f64.sqrt()));
    assert_eq!(num("abs(x)", -2.5), n(2.5));
    assert_eq!(num("floor(x)", -2.5), n(-3.0));
    assert_eq!(num("pow(x, 3)", 2.0), n(8.0));
    assert_eq!(num("min(x, 3, -1)", 2.0), n(-1.0));
    assert_eq!(num("max(x, 3)", 4.0), n(4.0));
    assert_eq!(num("clip(x, 0, 1)", 4.0), n(1.0));
    assert_eq!(num("clip(x, 0, 1)", -4.0), n(0.0));
    assert_eq!(num("round(x)", 2.5), n(2.0));
    assert_eq!(num("round(x)", 3.5), n(4.0));
    assert_eq!(num("round(x, 2)", 1.005), n(1.0));
    assert_eq!(num("round(x, -1)", 25.0), n(20.0));
}

#[test]
fn text_functions() {
    let cells = [("s", Cell::Text("  Hello World ")), ("t", Cell::Text("ß"))];
    let e = |expr| eval(expr, &cells).unwrap();
    assert_eq!(e("lower(s)"), text("  hello world "));
    assert_eq!(e("upper(t)"), text("SS"));
    assert_eq!(e("trim(s)"), text("Hello World"));
    assert_eq!(e("substr(trim(s), 6, 3)"), text("Wor"));
    assert_eq!(e("substr(s, 10, 100)"), text("rld "));
    assert_eq!(e("substr(s, 99, 1)"), text(""));
    assert_eq!(e("concat(t, \"-\", trim(s))"), text("ß-Hello World"));
    assert_eq!(e("replace(s, \"o\", \"0\")"), text("  Hell0 W0rld "));
    assert_eq!(e("length(t)"), n(1.0));
    assert_eq!(e("s == \"x\""), Value::Boolean(false));
    assert_eq!(e("t > \"a\""), Value::Boolean(true));
    let e = row_error("substr(s, -1, 2)", &cells);
    assert_eq!(
        e.message,
        "step 1 (derive out): substr's start must be a non-negative integer, not -1"
    );
}

#[test]
fn timestamp_functions() {
    // 2024-02-29T23:59:30+01:00 is 22:59:30 UTC on Thursday 29 February 2024 (day 60).
    let cells = [("ts", Cell::Text("2024-02-29T23:59:30+01:00"))];
    let e = |expr| eval(expr, &cells).unwrap();
    assert_eq!(e("year(ts)"), n(2024.0));
    assert_eq!(e("month(ts)"), n(2.0));
    assert_eq!(e("day(ts)"), n(29.0));
    assert_eq!(e("hour(ts)"), n(22.0));
    assert_eq!(e("minute(ts)"), n(59.0));
    assert_eq!(e("day_of_week(ts)"), n(3.0));
    assert_eq!(e("day_of_year(ts)"), n(60.0));
    assert_eq!(e("epoch(ts)"), n(1_709_247_570.0));
    assert_eq!(
        eval("hour(ts)", &[("ts", Cell::Number(3600.0))]).unwrap(),
        n(1.0)
    );
    assert_eq!(eval("ts", &[]).unwrap(), Value::Missing);
}

#[test]
fn conditionals_and_missing_values() {
    let none: [(&str, Cell<'_>); 0] = [];
    let e = |expr, cells: &[(&str, Cell<'_>)]| eval(expr, cells).unwrap();
    assert_eq!(e("x + 1", &none), Value::Missing);
    assert_eq!(e("x > 1", &none), Value::Missing);
    assert_eq!(e("lower(s)", &none), Value::Missing);
    assert_eq!(e("coalesce(x, y, 5)", &none), n(5.0));
    assert_eq!(e("coalesce(x, y, 5)", &[("y", Cell::Number(2.0))]), n(2.0));
    assert_eq!(e("is_missing(x)", &none), Value::Boolean(true));
    assert_eq!(
        e("is_missing(x)", &[("x", Cell::Number(f64::NAN))]),
        Value::Boolean(true)
    );
    assert_eq!(e("if(b, 1, 2)", &none), Value::Missing);
    assert_eq!(e("if(b, 1, 2)", &[("b", Cell::Text("TRUE"))]), n(1.0));
    assert_eq!(
        e("if(x > 0, log(x), null)", &[("x", Cell::Number(-1.0))]),
        Value::Missing
    );
    // and/or: the left side decides without the right; missing on the left is missing.
    assert_eq!(
        e("x > 0 and log(x) > 1", &[("x", Cell::Number(-1.0))]),
        Value::Boolean(false)
    );
    assert_eq!(
        e("x < 0 or log(x) > 1", &[("x", Cell::Number(-1.0))]),
        Value::Boolean(true)
    );
    assert_eq!(e("b and true", &none), Value::Missing);
    assert_eq!(e("not b", &[("b", Cell::Text("0"))]), Value::Boolean(true));
    assert_eq!(
        e("b == true", &[("b", Cell::Number(1.0))]),
        Value::Boolean(true)
    );
}

#[test]
fn domain_errors_are_row_errors_naming_the_step_and_column() {
    let x = |v: f64| [("x", Cell::Number(v)), ("y", Cell::Number(0.0))];
    let cases = [
        ("log(x)", 0.0, "log of 0", "x"),
        ("log(x)", -1.0, "log of -1", "x"),
        ("log1p(x)", -1.0, "log1p of -1", "x"),
        ("sqrt(x)", -0.5, "sqrt of -0.5", "x"),
        ("x / y", 3.0, "division by zero (3 / 0)", "y"),
        ("x % y", 3.0, "division by zero (3 % 0)", "y"),
        (
            "pow(x, 1 / 3)",
            -8.0,
            "pow(-8, 0.3333333333333333) is not a number",
            "out",
        ),
        ("exp(x)", 1000.0, "exp of 1000 overflows", "x"),
        ("x * x", 1e200, "1e200 * 1e200 overflows", "out"),
        ("log(x + 1)", -3.0, "log of -2", "out"),
    ];
    for (expr, v, message, column) in cases {
        let e = row_error(expr, &x(v));
        assert_eq!(e.kind, "PipelineException", "{expr}");
        assert_eq!(
            e.message,
            format!("step 1 (derive out): {message}"),
            "{expr}"
        );
        assert_eq!(e.column.as_deref(), Some(column), "{expr}");
    }
    let e = row_error("x", &[("x", Cell::Text("1,5"))]);
    assert_eq!(
        (e.message.as_str(), e.column.as_deref()),
        ("input x: cannot read '1,5' as a number", Some("x"))
    );
}

#[test]
fn type_errors_are_spec_errors_with_the_character() {
    let cases = [
        ("x + s", 5, "'+' takes a number, not a string"),
        ("lower(x)", 7, "lower takes a string, not a number"),
        (
            "if(x, 1, 2)",
            4,
            "if's condition takes a boolean, not a number",
        ),
        (
            "if(b, 1, \"a\")",
            10,
            "if's branches mixes a number and a string",
        ),
        ("x == s", 6, "'==' compares a number with a string"),
        ("b < true", 1, "'<' does not order booleans"),
        ("log(x, 2)", 1, "log takes 1 arguments, not 2"),
        (
            "round(x, y)",
            10,
            "round's digits must be an integer literal between -300 and 300",
        ),
        ("x + zz", 5, "no column 'zz' at this step"),
        ("ln(x)", 1, "unknown function 'ln'"),
        ("null", 1, "the expression is always missing (null)"),
        ("hour(x)", 6, "hour takes a timestamp, not a number"),
        ("`é` + é", 7, "unexpected 'é'"),
    ];
    for (expr, position, message) in cases {
        let e = spec_error(expr);
        assert_eq!(e.step, Some((1, "derive out".to_string())), "{expr}");
        assert_eq!(e.column.as_deref(), Some("out"), "{expr}");
        assert_eq!(e.position, Some(position), "{expr}: {e}");
        assert!(e.message.starts_with(message), "{expr}: {e}");
    }
    assert_eq!(
        spec_error("x +* 2").to_string(),
        "test: step 1 (derive out): column 'out': character 4: unexpected '*'"
    );
}

fn run(steps: &str, cells: &[(&str, Cell<'_>)]) -> Vec<(String, Value)> {
    spec(steps)
        .unwrap_or_else(|e| panic!("{e}"))
        .apply_named(cells)
        .unwrap()
}

fn get(row: &[(String, Value)], name: &str) -> Value {
    row.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap()
}

#[test]
fn rename_and_drop_change_the_columns() {
    let row = run(
        r#"{"op": "rename", "from": "x", "to": "amount"}, {"op": "drop", "columns": ["y", "s", "t", "b", "ts"]}"#,
        &[("x", Cell::Number(2.0))],
    );
    assert_eq!(row, vec![("amount".to_string(), n(2.0))]);
    let e = spec(r#"{"op": "rename", "from": "x", "to": "y"}"#).unwrap_err();
    assert_eq!(
        e.detail(),
        "step 1 (rename y): column 'y': a column 'y' already exists"
    );
    let e = spec(r#"{"op": "drop", "columns": ["x"]}, {"op": "derive", "name": "z", "expr": "x"}"#)
        .unwrap_err();
    assert_eq!((e.step.unwrap().0, e.position), (2, Some(1)));
}

#[test]
fn fill_missing_by_type() {
    let steps = r#"{"op": "fill_missing", "column": "x", "value": 1.5},
        {"op": "fill_missing", "column": "s", "value": "none"},
        {"op": "fill_missing", "column": "b", "value": true},
        {"op": "fill_missing", "column": "ts", "value": "1970-01-01T00:01:00Z"}"#;
    let row = run(steps, &[("y", Cell::Number(1.0))]);
    assert_eq!(get(&row, "x"), n(1.5));
    assert_eq!(get(&row, "s"), text("none"));
    assert_eq!(get(&row, "b"), Value::Boolean(true));
    assert_eq!(get(&row, "ts"), Value::Timestamp(60.0));
    assert_eq!(get(&run(steps, &[("x", Cell::Number(-2.0))]), "x"), n(-2.0));
    let e = spec(r#"{"op": "fill_missing", "column": "x", "value": "a"}"#).unwrap_err();
    assert_eq!(e.detail(), "step 1 (fill_missing x): column 'x': the fill value \"a\" is not a number (the column's type)");
}

#[test]
fn map_with_and_without_a_default() {
    let with =
        r#"{"op": "map", "column": "s", "mapping": {"a": "A"}, "default": "other", "into": "g"}"#;
    let without = r#"{"op": "map", "column": "s", "mapping": {"a": "A"}}"#;
    let s = |v| [("s", Cell::Text(v))];
    assert_eq!(get(&run(with, &s("a")), "g"), text("A"));
    assert_eq!(get(&run(with, &s("b")), "g"), text("other"));
    assert_eq!(get(&run(with, &s("b")), "s"), text("b"));
    assert_eq!(get(&run(with, &[]), "g"), Value::Missing);
    assert_eq!(get(&run(without, &s("a")), "s"), text("A"));
    assert_eq!(get(&run(without, &s("b")), "s"), text("b"));
    let e = spec(r#"{"op": "map", "column": "x", "mapping": {}}"#).unwrap_err();
    assert_eq!(
        e.detail(),
        "step 1 (map x): column 'x': map takes a string column, and 'x' is a number"
    );
}

#[test]
fn bucketize_like_searchsorted_right() {
    let steps = r#"{"op": "bucketize", "column": "x", "edges": [0, 10, 100, 1000], "into": "bin"},
        {"op": "bucketize", "column": "x", "edges": [0, 10, 100, 1000], "labels": ["low", "mid", "high"], "into": "label"}"#;
    // numpy.searchsorted([10, 100], x, "right") for x = -5, 0, 9.99, 10, 99, 100, 5000.
    for (x, bin, label) in [
        (-5.0, 0.0, "low"),
        (0.0, 0.0, "low"),
        (9.99, 0.0, "low"),
        (10.0, 1.0, "mid"),
        (99.0, 1.0, "mid"),
        (100.0, 2.0, "high"),
        (5000.0, 2.0, "high"),
    ] {
        let row = run(steps, &[("x", Cell::Number(x))]);
        assert_eq!(
            (get(&row, "bin"), get(&row, "label")),
            (n(bin), text(label)),
            "{x}"
        );
    }
    assert_eq!(get(&run(steps, &[]), "bin"), Value::Missing);
    for (bad, why) in [
        (
            r#""edges": [1]"#,
            "the edges must be at least two numbers, strictly increasing",
        ),
        (
            r#""edges": [1, 1]"#,
            "the edges must be at least two numbers, strictly increasing",
        ),
        (
            r#""edges": [1, 2], "labels": ["a", "b"]"#,
            "2 labels for 1 bins",
        ),
    ] {
        let e = spec(&format!(r#"{{"op": "bucketize", "column": "x", {bad}}}"#)).unwrap_err();
        assert_eq!(e.message, why);
    }
}

#[test]
fn clip_with_either_bound() {
    let low = r#"{"op": "clip", "column": "x", "min": 0}"#;
    let high = r#"{"op": "clip", "column": "x", "max": 1, "into": "c"}"#;
    assert_eq!(get(&run(low, &[("x", Cell::Number(-3.0))]), "x"), n(0.0));
    assert_eq!(get(&run(low, &[("x", Cell::Number(30.0))]), "x"), n(30.0));
    assert_eq!(get(&run(high, &[("x", Cell::Number(30.0))]), "c"), n(1.0));
    assert_eq!(get(&run(high, &[]), "c"), Value::Missing);
    let e = spec(r#"{"op": "clip", "column": "x", "min": 2, "max": 1}"#).unwrap_err();
    assert_eq!(e.message, "min 2 is above max 1");
}

#[test]
fn malformed_specs_say_where() {
    let parse = |t: &str| {
        Pipeline::from_json(t.as_bytes(), "p.json")
            .unwrap_err()
            .to_string()
    };
    assert!(
        parse("{").starts_with("p.json: not JSON: EOF while parsing"),
        "{}",
        parse("{")
    );
    assert!(parse("[]").contains("must be a JSON object"));
    assert!(
        parse(r#"{"ae4j_pipeline": 2, "inputs": []}"#).contains("version 2 (this ae4j reads 1)")
    );
    assert!(parse(r#"{"inputs": []}"#).contains("missing field `ae4j_pipeline`"));
    assert!(parse(r#"{"ae4j_pipeline": 1, "inputs": [], "extra": 1}"#)
        .contains("unknown field `extra`"));
    assert!(
        parse(r#"{"ae4j_pipeline": 1, "inputs": [{"name": "a", "type": "date"}]}"#)
            .contains("unknown variant `date`")
    );
    let dup = parse(
        r#"{"ae4j_pipeline": 1, "inputs": [{"name": "a", "type": "number"}, {"name": "a", "type": "string"}]}"#,
    );
    assert_eq!(dup, "p.json: column 'a': the input is declared twice");
    let e = spec(r#"{"op": "derive", "name": "z", "expr": "x"}, {"op": "scale", "column": "x"}"#)
        .unwrap_err();
    assert_eq!(e.step, Some((2, "scale x".to_string())));
    assert!(e.message.contains("unknown variant `scale`"), "{e}");
    let e = spec(r#"{"op": "clip", "column": "x", "minimum": 0}"#).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("test: step 1 (clip x): unknown field `minimum`"),
        "{e}"
    );
    let e = spec(r#"{"op": "derive", "name": "z"}"#).unwrap_err();
    assert!(
        e.to_string()
            .contains("step 1 (derive z): missing field `expr`"),
        "{e}"
    );
}

#[test]
fn the_spec_round_trips_through_json() {
    let p = spec(r#"{"op": "clip", "column": "x", "min": 0}, {"op": "map", "column": "s", "mapping": {"a": "b"}}"#).unwrap();
    let again = Pipeline::from_json(p.to_json().as_bytes(), "again").unwrap();
    assert_eq!(again.spec(), p.spec());
}

/// Any double (NaN = missing) or none at all.
fn cell_number() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(f64::NAN)),
        Just(Some(f64::INFINITY)),
        Just(Some(f64::NEG_INFINITY)),
        Just(Some(0.0)),
        Just(Some(-0.0)),
        any::<f64>().prop_map(Some),
        (-1e3..1e3f64).prop_map(Some),
    ]
}

fn cells(x: Option<f64>, y: Option<f64>) -> Vec<(&'static str, Cell<'static>)> {
    let mut c = Vec::new();
    if let Some(v) = x {
        c.push(("x", Cell::Number(v)));
    }
    if let Some(v) = y {
        c.push(("y", Cell::Number(v)));
    }
    c
}

const NUMBER_EXPRESSIONS: [&str; 17] = [
    "x + y",
    "x - y",
    "x * y",
    "x / y",
    "x % y",
    "-x",
    "log(x)",
    "log1p(x)",
    "exp(x)",
    "sqrt(x)",
    "abs(x)",
    "floor(x)",
    "pow(x, y)",
    "min(x, y)",
    "max(x, y)",
    "clip(x, y, 10)",
    "round(x, 3)",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A missing operand makes the result missing; a present one gives a number that is not
    /// NaN, or a row error: never a silent NaN.
    #[test]
    fn never_a_nan(x in cell_number(), y in cell_number(), i in 0..NUMBER_EXPRESSIONS.len()) {
        let expr = NUMBER_EXPRESSIONS[i];
        let missing = |v: Option<f64>| v.is_none_or(f64::is_nan);
        let uses_y = expr.contains('y');
        let any_missing = missing(x) || (uses_y && missing(y));
        let pipeline = derive(expr).unwrap();
        match column(&pipeline, &cells(x, y), "out") {
            Ok(Value::Missing) => prop_assert!(any_missing, "{expr}"),
            Ok(Value::Number(v)) => {
                prop_assert!(!v.is_nan(), "{expr}: NaN");
                prop_assert!(!any_missing, "{expr}: {v} from a missing operand");
            }
            Ok(other) => prop_assert!(false, "{expr}: {other:?}"),
            Err(e) => {
                prop_assert!(!any_missing, "{expr}: {e} from a missing operand");
                prop_assert_eq!(e.kind.as_str(), "PipelineException");
                prop_assert!(e.message.starts_with("step 1 (derive out): "), "{}", e.message);
            }
        }
    }

    /// The log of a negative number (or of zero) is a row error naming the column, whatever
    /// the number.
    #[test]
    fn log_of_negatives_is_a_row_error(v in -1e300..=0.0f64) {
        let e = row_error("log(x)", &cells(Some(v), None));
        prop_assert_eq!(e.column.as_deref(), Some("x"));
        prop_assert!(e.message.starts_with("step 1 (derive out): log of "));
        let e = row_error("sqrt(x - 1)", &cells(Some(v), None));
        prop_assert_eq!(e.column.as_deref(), Some("out"));
    }

    /// `coalesce` and `is_missing` see through missing values; `if` with a missing condition
    /// is missing whatever its branches.
    #[test]
    fn missing_propagation_exceptions(x in cell_number(), y in cell_number()) {
        let present = |v: Option<f64>| v.filter(|v| !v.is_nan());
        let c = cells(x, y);
        let coalesced = eval("coalesce(x, y, 7)", &c).unwrap();
        prop_assert_eq!(coalesced, n(present(x).or(present(y)).unwrap_or(7.0)));
        prop_assert_eq!(eval("is_missing(x)", &c).unwrap(), Value::Boolean(present(x).is_none()));
        let chosen = eval("if(x > 0, 1, 2)", &c).unwrap();
        let want = present(x).map_or(Value::Missing, |v| n(if v > 0.0 { 1.0 } else { 2.0 }));
        prop_assert_eq!(chosen, want);
    }
}
