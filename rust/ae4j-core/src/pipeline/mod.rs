//! **Preprocessing that travels with the model**: a declarative pipeline of steps from the raw
//! input columns to the model's columns, applied before genmodel's row conversion by every
//! route (issue #22). The format and the exact semantics are in `docs/pipeline.md`; the JSON
//! Schema is `docs/pipeline.schema.json`.
//!
//! - [`spec`]: the JSON spec (serde); [`Pipeline::from_json`] parses and compiles it: every
//!   column name becomes a slot index and every expression is type-checked, so a spec error
//!   names the step, the column and the character, and a row only moves numbers and texts.
//! - [`expr`]: the expression language of `derive` (winnow grammar, static types, evaluation).
//! - [`steps`]: the compiled steps; [`inputs`]: raw cells by input type; [`timestamp`].
//! - [`store`]: the spec beside a model ([`MOJO_ENTRY`] in a MOJO zip, a sidecar for a POJO).
//!
//! The row path runs a pipeline when its [`crate::Scorer`] carries one
//! ([`crate::Scorer::with_pipeline`]): [`crate::scorer::Conversion::named`] and
//! [`crate::scorer::Conversion::positional`] then take the raw input cells.

pub mod error;
mod expr;
mod inputs;
pub mod spec;
mod steps;
pub mod store;
mod timestamp;
pub mod value;

use std::collections::HashMap;

pub use error::SpecError;
pub use spec::{Input, InputType, Spec, Step, TimeUnit, SPEC_VERSION};
pub use store::{add_to_mojo, read, read_bytes, sidecar_path, MOJO_ENTRY, SIDECAR_SUFFIX};
pub use value::{Type, Value};

use crate::calibration;
use crate::convert::{Cell, ConvertOptions};
use crate::error::ModelError;
use crate::model::Model;
use crate::scorer::{recycle, NamedCells, RowFailure, PIPELINE_ROW};

use steps::{Column, Env, Op};
use value::Slot;

/// A compiled pipeline spec.
#[derive(Debug, Clone)]
pub struct Pipeline {
    spec: Spec,
    by_name: HashMap<String, usize>,
    steps: Vec<CompiledStep>,
    /// The working row's columns after the last step: what feeds the model, by name.
    outputs: Vec<Column>,
    slots: usize,
}

#[derive(Debug, Clone)]
struct CompiledStep {
    /// 1-based, as messages count steps.
    number: usize,
    label: String,
    column: String,
    op: Op,
}

/// A thread's working row for a pipeline (slots and text buffers reused between rows); part
/// of a [`crate::RowScorer`].
#[derive(Debug, Clone, Default)]
pub struct Work {
    slots: Vec<Slot>,
    scratch: String,
    cells: NamedCells<'static>,
}

impl Pipeline {
    /// Parses and compiles a spec; `origin` names it in errors.
    pub fn from_json(text: &[u8], origin: &str) -> Result<Pipeline, SpecError> {
        let spec = parse_spec(text, origin)?;
        Pipeline::compile(spec, origin)
    }

    /// Compiles a spec (type checks, column slots).
    pub fn compile(spec: Spec, origin: &str) -> Result<Pipeline, SpecError> {
        if spec.ae4j_pipeline != SPEC_VERSION {
            return Err(SpecError::new(
                origin,
                format!(
                    "pipeline spec version {} (this ae4j reads {SPEC_VERSION})",
                    spec.ae4j_pipeline
                ),
            ));
        }
        let mut env = Env::default();
        let mut by_name = HashMap::new();
        for (i, input) in spec.inputs.iter().enumerate() {
            if by_name.insert(input.name.clone(), i).is_some() {
                let mut e = SpecError::new(origin, "the input is declared twice");
                e.column = Some(input.name.clone());
                return Err(e);
            }
            env.columns.push(Column {
                name: input.name.clone(),
                slot: i,
                ty: input.kind.into(),
            });
        }
        env.slots = spec.inputs.len();
        let mut steps = Vec::new();
        for (i, step) in spec.steps.iter().enumerate() {
            let label = steps::label(step);
            let op = steps::compile(step, &mut env).map_err(|e| SpecError {
                origin: origin.to_string(),
                step: Some((i + 1, label.clone())),
                column: Some(e.column),
                position: e.position,
                message: e.message,
            })?;
            if let Some(op) = op {
                steps.push(CompiledStep {
                    number: i + 1,
                    label,
                    column: step.target(),
                    op,
                });
            }
        }
        Ok(Pipeline {
            spec,
            by_name,
            steps,
            outputs: env.columns,
            slots: env.slots,
        })
    }

    /// The spec as JSON (pretty).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.spec).unwrap_or_default()
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The raw input schema, in order.
    pub fn inputs(&self) -> &[Input] {
        &self.spec.inputs
    }

    /// The columns after the last step (name and type), in order: what feeds the model.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, Type)> {
        self.outputs.iter().map(|c| (c.name.as_str(), c.ty))
    }

    /// The same pipeline tied to `model` by its fingerprint.
    pub fn with_fingerprint(&self, model: &Model) -> Pipeline {
        let mut p = self.clone();
        p.spec.model_fingerprint = Some(calibration::fingerprint(model));
        p
    }

    /// Refuses a pipeline for another model (by fingerprint, when it has one) or that does not
    /// produce every model column (a categorical one as a string).
    pub fn check_model(&self, model: &Model, origin: &str) -> Result<(), ModelError> {
        let inconsistent = |reason: String| ModelError::Inconsistent {
            path: origin.to_string(),
            reason,
        };
        if let Some(f) = &self.spec.model_fingerprint {
            let actual = calibration::fingerprint(model);
            if *f != actual {
                return Err(inconsistent(format!(
                    "the pipeline belongs to another model (fingerprint {f}, this model is {actual})"
                )));
            }
        }
        for column in model.columns() {
            let Some(out) = self.outputs.iter().find(|c| c.name == column.name) else {
                return Err(inconsistent(format!(
                    "the pipeline does not produce the model's column '{}' (it produces: {})",
                    column.name,
                    self.outputs
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            if column.is_categorical() && out.ty != Type::String {
                return Err(inconsistent(format!(
                    "the model's column '{}' is categorical, the pipeline makes it a {}",
                    column.name, out.ty
                )));
            }
        }
        Ok(())
    }

    /// Runs the pipeline on named raw cells and gives the transformed row (every column after
    /// the last step, in order), for "show me what the model gets".
    pub fn apply_named(
        &self,
        cells: &[(&str, Cell<'_>)],
    ) -> Result<Vec<(String, Value)>, RowFailure> {
        let mut work = Work::default();
        self.read_named(cells, &mut work)?;
        self.run(&mut work)?;
        Ok(self
            .outputs
            .iter()
            .map(|c| (c.name.clone(), work.slots[c.slot].value(c.ty)))
            .collect())
    }

    /// Starts a row: every slot missing.
    pub(crate) fn begin(&self, work: &mut Work) {
        work.slots.resize_with(self.slots, Slot::default);
        work.slots.iter_mut().for_each(Slot::set_missing);
    }

    /// The input of this name, if any.
    pub(crate) fn input_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Reads one raw cell into input `i`'s slot.
    pub(crate) fn set_input(
        &self,
        work: &mut Work,
        i: usize,
        cell: Cell<'_>,
    ) -> Result<(), RowFailure> {
        let input = &self.spec.inputs[i];
        inputs::read(input, cell, &mut work.slots[i]).map_err(|message| RowFailure {
            kind: PIPELINE_ROW.into(),
            message: format!("input {}: {message}", input.name),
            column: Some(input.name.clone()),
        })
    }

    /// Reads named cells (a later cell of a name replaces an earlier one; unknown names are
    /// ignored) into a fresh row.
    pub(crate) fn read_named(
        &self,
        cells: &[(&str, Cell<'_>)],
        work: &mut Work,
    ) -> Result<(), RowFailure> {
        self.begin(work);
        for (name, cell) in cells {
            if let Some(i) = self.input_index(name) {
                self.set_input(work, i, *cell)?;
            }
        }
        Ok(())
    }

    /// Runs every step on the row read into `work`.
    pub(crate) fn run(&self, work: &mut Work) -> Result<(), RowFailure> {
        for step in &self.steps {
            step.op
                .run(&mut work.slots, &mut work.scratch)
                .map_err(|e| RowFailure {
                    kind: PIPELINE_ROW.into(),
                    message: format!("step {} ({}): {}", step.number, step.label, e.message),
                    column: Some(e.column.unwrap_or_else(|| step.column.clone())),
                })?;
        }
        Ok(())
    }

    /// genmodel's conversion of the transformed row (its columns by name, as a RowData).
    pub(crate) fn convert(
        &self,
        model: &Model,
        options: ConvertOptions,
        work: &mut Work,
        raw: &mut [f64],
    ) -> Result<(), RowFailure> {
        let mut cells = recycle(std::mem::take(&mut work.cells));
        for c in &self.outputs {
            let s = &work.slots[c.slot];
            let cell = match (s.present, c.ty) {
                (false, _) => Cell::Missing,
                (true, Type::String) => Cell::Text(&s.text),
                (true, _) => Cell::Number(s.number),
            };
            cells.push((c.name.as_str(), cell));
        }
        let result = model.convert_row(&cells, options, raw);
        work.cells = recycle(cells);
        result.map_err(RowFailure::from)
    }
}

/// The spec from JSON, step by step so that an error names its step.
fn parse_spec(text: &[u8], origin: &str) -> Result<Spec, SpecError> {
    let bad = |message: String| SpecError::new(origin, message);
    let mut doc: serde_json::Value =
        serde_json::from_slice(text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let Some(fields) = doc.as_object_mut() else {
        return Err(bad("the spec must be a JSON object".into()));
    };
    let steps = match fields.remove("steps") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(steps)) => steps,
        Some(other) => return Err(bad(format!("'steps' must be a list, not {other}"))),
    };
    let mut spec: Spec = serde_json::from_value(doc).map_err(|e| bad(e.to_string()))?;
    for (i, step) in steps.into_iter().enumerate() {
        let label = step_label(&step);
        let parsed: Step = serde_json::from_value(step).map_err(|e| SpecError {
            origin: origin.to_string(),
            step: Some((i + 1, label)),
            column: None,
            position: None,
            message: e.to_string(),
        })?;
        spec.steps.push(parsed);
    }
    Ok(spec)
}

/// A step's label from its raw JSON, for an error in the step itself.
fn step_label(step: &serde_json::Value) -> String {
    let field = |k: &str| step.get(k).and_then(serde_json::Value::as_str);
    let op = field("op").unwrap_or("?");
    match ["name", "column", "from"].iter().find_map(|k| field(k)) {
        Some(c) => format!("{op} {c}"),
        None => op.to_string(),
    }
}
