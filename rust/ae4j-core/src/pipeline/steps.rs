//! The steps, compiled: each reads and writes slots of the working row, whose columns (name,
//! slot, type) are known at every step before any row is seen. `rename` and `drop` only change
//! the names (nothing runs for them); the others write one slot per row.

use std::collections::HashMap;

use super::expr::{self, Columns, EvalError, Node, V};
use super::spec::Step;
use super::timestamp;
use super::value::{Slot, Type};

/// A column of the working row at some step.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub slot: usize,
    pub ty: Type,
}

/// The working row's columns while the spec is compiled, in order.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub columns: Vec<Column>,
    pub slots: usize,
}

impl Columns for Env {
    fn lookup(&self, name: &str) -> Option<(usize, Type)> {
        self.get(name).map(|c| (c.slot, c.ty))
    }
}

impl Env {
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    fn existing(&self, name: &str) -> Result<&Column, StepError> {
        self.get(name).ok_or_else(|| StepError {
            column: name.to_string(),
            position: None,
            message: format!(
                "no column '{name}' at this step (there are: {})",
                self.columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }

    /// The slot a step writes `name` to, with type `ty`: the column's own slot if it exists
    /// (its type may change), else a new slot at the end of the row.
    fn write(&mut self, name: &str, ty: Type) -> usize {
        if let Some(c) = self.columns.iter_mut().find(|c| c.name == name) {
            c.ty = ty;
            return c.slot;
        }
        let slot = self.slots;
        self.slots += 1;
        self.columns.push(Column {
            name: name.to_string(),
            slot,
            ty,
        });
        slot
    }
}

/// Why a step cannot be compiled: its column and (in an expression) the character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    pub column: String,
    pub position: Option<usize>,
    pub message: String,
}

fn step_error(column: &str, message: impl Into<String>) -> StepError {
    StepError {
        column: column.to_string(),
        position: None,
        message: message.into(),
    }
}

/// What one step does to each row.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Derive {
        expr: Node,
        to: usize,
    },
    FillMissing {
        slot: usize,
        number: f64,
        text: String,
    },
    Map {
        from: usize,
        to: usize,
        mapping: HashMap<String, String>,
        default: Option<String>,
    },
    Bucketize {
        from: usize,
        to: usize,
        interior: Vec<f64>,
        labels: Option<Vec<String>>,
    },
    Clip {
        from: usize,
        to: usize,
        min: f64,
        max: f64,
    },
}

/// Compiles one step against the columns so far (and updates them); `None` for a step that
/// only renames or drops.
pub fn compile(step: &Step, env: &mut Env) -> Result<Option<Op>, StepError> {
    match step {
        Step::Derive { name, expr } => {
            let (node, ty) = expr::compile(expr, env).map_err(|e| StepError {
                column: name.clone(),
                position: Some(e.position),
                message: e.message,
            })?;
            let to = env.write(name, ty);
            Ok(Some(Op::Derive { expr: node, to }))
        }
        Step::Rename { from, to } => {
            env.existing(from)?;
            if from != to && env.get(to).is_some() {
                return Err(step_error(to, format!("a column '{to}' already exists")));
            }
            let c = env.columns.iter_mut().find(|c| &c.name == from);
            c.expect("checked").name = to.clone();
            Ok(None)
        }
        Step::Drop { columns } => {
            for name in columns {
                env.existing(name)?;
                env.columns.retain(|c| &c.name != name);
            }
            Ok(None)
        }
        Step::FillMissing { column, value } => fill_missing(column, value, env).map(Some),
        Step::Map {
            column,
            mapping,
            default,
            into,
        } => {
            let from = typed(env, column, Type::String, "map")?;
            let to = env.write(into.as_deref().unwrap_or(column), Type::String);
            let mapping = mapping
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Ok(Some(Op::Map {
                from,
                to,
                mapping,
                default: default.clone(),
            }))
        }
        Step::Bucketize {
            column,
            edges,
            labels,
            into,
        } => bucketize(column, edges, labels.as_deref(), into.as_deref(), env).map(Some),
        Step::Clip {
            column,
            min,
            max,
            into,
        } => {
            let from = typed(env, column, Type::Number, "clip")?;
            let (min, max) = (
                min.unwrap_or(f64::NEG_INFINITY),
                max.unwrap_or(f64::INFINITY),
            );
            if min.is_nan() || max.is_nan() || min > max {
                return Err(step_error(column, format!("min {min} is above max {max}")));
            }
            let to = env.write(into.as_deref().unwrap_or(column), Type::Number);
            Ok(Some(Op::Clip { from, to, min, max }))
        }
    }
}

/// The slot of an existing column of type `ty` (a step's input).
fn typed(env: &Env, column: &str, ty: Type, op: &str) -> Result<usize, StepError> {
    let c = env.existing(column)?;
    if c.ty != ty {
        return Err(step_error(
            column,
            format!("{op} takes a {ty} column, and '{column}' is a {}", c.ty),
        ));
    }
    Ok(c.slot)
}

fn fill_missing(column: &str, value: &serde_json::Value, env: &Env) -> Result<Op, StepError> {
    let c = env.existing(column)?;
    let bad = || {
        step_error(
            column,
            format!(
                "the fill value {value} is not a {} (the column's type)",
                c.ty
            ),
        )
    };
    let (number, text) = match (c.ty, value) {
        (Type::Number, serde_json::Value::Number(n)) => (n.as_f64().ok_or_else(bad)?, ""),
        (Type::String, serde_json::Value::String(s)) => (f64::NAN, s.as_str()),
        (Type::Boolean, serde_json::Value::Bool(b)) => (f64::from(u8::from(*b)), ""),
        // 1/0, as a boolean input reads them (what scikit-learn's imputers write).
        (Type::Boolean, serde_json::Value::Number(n)) => match n.as_f64() {
            Some(v) if v == 0.0 || v == 1.0 => (v, ""),
            _ => return Err(bad()),
        },
        (Type::Timestamp, serde_json::Value::Number(n)) => (n.as_f64().ok_or_else(bad)?, ""),
        (Type::Timestamp, serde_json::Value::String(s)) => {
            (timestamp::parse_iso(s).ok_or_else(bad)?, "")
        }
        _ => return Err(bad()),
    };
    Ok(Op::FillMissing {
        slot: c.slot,
        number,
        text: text.to_string(),
    })
}

fn bucketize(
    column: &str,
    edges: &[f64],
    labels: Option<&[String]>,
    into: Option<&str>,
    env: &mut Env,
) -> Result<Op, StepError> {
    let from = typed(env, column, Type::Number, "bucketize")?;
    if edges.len() < 2
        || edges
            .windows(2)
            .any(|w| w[0].partial_cmp(&w[1]) != Some(std::cmp::Ordering::Less))
    {
        return Err(step_error(
            column,
            "the edges must be at least two numbers, strictly increasing",
        ));
    }
    let bins = edges.len() - 1;
    if let Some(l) = labels {
        if l.len() != bins {
            return Err(step_error(
                column,
                format!("{} labels for {bins} bins", l.len()),
            ));
        }
    }
    let ty = if labels.is_some() {
        Type::String
    } else {
        Type::Number
    };
    let to = env.write(into.unwrap_or(column), ty);
    Ok(Op::Bucketize {
        from,
        to,
        interior: edges[1..bins].to_vec(),
        labels: labels.map(<[String]>::to_vec),
    })
}

impl Op {
    /// Runs the step on one row. `scratch` is a text buffer reused between rows.
    pub fn run(&self, slots: &mut [Slot], scratch: &mut String) -> Result<(), EvalError> {
        match self {
            Op::Derive { expr, to } => derive(expr, *to, slots, scratch),
            Op::FillMissing { slot, number, text } => {
                let s = &mut slots[*slot];
                if !s.present {
                    s.present = true;
                    s.number = *number;
                    s.text.clear();
                    s.text.push_str(text);
                }
                Ok(())
            }
            Op::Map {
                from,
                to,
                mapping,
                default,
            } => {
                if !slots[*from].present {
                    slots[*to].set_missing();
                    return Ok(());
                }
                match mapping.get(slots[*from].text.as_str()).or(default.as_ref()) {
                    Some(level) => slots[*to].set_text(level),
                    None => copy_text(slots, *from, *to, scratch),
                }
                Ok(())
            }
            Op::Bucketize {
                from,
                to,
                interior,
                labels,
            } => {
                let s = &slots[*from];
                if !s.present {
                    slots[*to].set_missing();
                    return Ok(());
                }
                // numpy.searchsorted(edges[1:-1], x, side="right").
                let x = s.number;
                let bin = interior.partition_point(|&e| e <= x);
                match labels {
                    Some(l) => slots[*to].set_text(&l[bin]),
                    None => slots[*to].set_number(bin as f64),
                }
                Ok(())
            }
            Op::Clip { from, to, min, max } => {
                let s = &slots[*from];
                if s.present {
                    let v = s.number.max(*min).min(*max);
                    slots[*to].set_number(v);
                } else {
                    slots[*to].set_missing();
                }
                Ok(())
            }
        }
    }
}

fn copy_text(slots: &mut [Slot], from: usize, to: usize, scratch: &mut String) {
    if from == to {
        return;
    }
    scratch.clear();
    scratch.push_str(&slots[from].text);
    let t = &mut slots[to];
    t.present = true;
    std::mem::swap(&mut t.text, scratch);
}

fn derive(
    expr: &Node,
    to: usize,
    slots: &mut [Slot],
    scratch: &mut String,
) -> Result<(), EvalError> {
    let (present, number, is_text) = match expr.eval(slots)? {
        V::Missing => (false, f64::NAN, false),
        V::Num(v) => (true, v, false),
        V::Bool(b) => (true, f64::from(u8::from(b)), false),
        V::Str(s) => {
            scratch.clear();
            scratch.push_str(&s);
            (true, f64::NAN, true)
        }
    };
    let t = &mut slots[to];
    t.present = present;
    t.number = number;
    if is_text {
        std::mem::swap(&mut t.text, scratch);
    }
    Ok(())
}

/// A step's label in messages: `derive log_amount`, `clip amount`.
pub fn label(step: &Step) -> String {
    format!("{} {}", step.op(), step.target())
}
