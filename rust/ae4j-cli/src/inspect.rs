//! `ae4j inspect`: what a model expects and how it is built.

use std::fmt::Write as _;
use std::io::Write as _;

use ae4j_core::pipeline::{Input, Type};
use anyhow::Result;
use serde::Serialize;

use crate::InspectArgs;

#[derive(Serialize)]
struct Inspection<'a> {
    format: &'a str,
    h2o_version: Option<&'a str>,
    mojo_version: Option<&'a str>,
    model_id: Option<&'a str>,
    activation: &'a str,
    layer_sizes: Vec<usize>,
    standardized: bool,
    n_features: usize,
    n_slots: usize,
    columns: Vec<ColumnInfo<'a>>,
    calibration: Option<CalibrationInfo<'a>>,
    pipeline: Option<PipelineInfo<'a>>,
}

/// The preprocessing pipeline stored with the model: its raw inputs and what it produces.
#[derive(Serialize)]
struct PipelineInfo<'a> {
    inputs: &'a [Input],
    steps: usize,
    outputs: Vec<OutputInfo<'a>>,
    model_fingerprint: Option<&'a str>,
}

#[derive(Serialize)]
struct OutputInfo<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct CalibrationInfo<'a> {
    threshold: f64,
    quantile: Option<f64>,
    rows: u64,
    rows_left_out: u64,
    created: &'a str,
    source: Option<&'a str>,
    model_fingerprint: &'a str,
}

#[derive(Serialize)]
struct ColumnInfo<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    levels: Option<&'a [String]>,
}

pub fn run(args: &InspectArgs) -> Result<()> {
    let crate::model_file::ModelFile {
        model,
        calibration,
        pipeline,
    } = crate::model_file::load(&args.model)?;
    let info = model.info();
    let view = Inspection {
        format: &info.format,
        h2o_version: info.h2o_version.as_deref(),
        mojo_version: info.mojo_version.as_deref(),
        model_id: info.model_id.as_deref(),
        activation: model.activation().name(),
        layer_sizes: model.layer_sizes(),
        standardized: model.normalization().is_some(),
        n_features: model.n_features(),
        n_slots: model.n_slots(),
        columns: model
            .columns()
            .iter()
            .map(|c| ColumnInfo {
                name: &c.name,
                kind: if c.is_categorical() {
                    "categorical"
                } else {
                    "numeric"
                },
                levels: c.domain.as_deref(),
            })
            .collect(),
        calibration: calibration.as_ref().map(|c| CalibrationInfo {
            threshold: c.threshold,
            quantile: c.quantile,
            rows: c.rows,
            rows_left_out: c.rows_left_out,
            created: &c.created,
            source: c.source.as_deref(),
            model_fingerprint: &c.model_fingerprint,
        }),
        pipeline: pipeline.as_ref().map(|p| PipelineInfo {
            inputs: p.inputs(),
            steps: p.spec().steps.len(),
            outputs: p
                .outputs()
                .map(|(name, ty)| OutputInfo {
                    name,
                    kind: ty.name(),
                })
                .collect(),
            model_fingerprint: p.spec().model_fingerprint.as_deref(),
        }),
    };
    let text = if args.json {
        serde_json::to_string_pretty(&view)? + "\n"
    } else {
        as_text(&view, args)
    };
    match std::io::stdout().write_all(text.as_bytes()) {
        // A closed pipe (`ae4j inspect | head`) is the reader's choice, not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn as_text(view: &Inspection, args: &InspectArgs) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "model:        {} ({})",
        args.model.display(),
        view.format
    );
    let _ = writeln!(
        out,
        "h2o version:  {}",
        view.h2o_version.unwrap_or("unknown")
    );
    if let Some(v) = view.mojo_version {
        let _ = writeln!(out, "mojo version: {v}");
    }
    let sizes: Vec<String> = view.layer_sizes.iter().map(usize::to_string).collect();
    let _ = writeln!(
        out,
        "network:      {} ({}), standardize={}",
        sizes.join(" -> "),
        view.activation,
        view.standardized
    );
    let _ = writeln!(
        out,
        "columns:      {} inputs, {} expanded slots",
        view.n_features, view.n_slots
    );
    match &view.calibration {
        Some(c) => {
            let _ = writeln!(
                out,
                "calibration:  threshold {}{}, from {} rows ({} left out), {}{}",
                c.threshold,
                c.quantile
                    .map_or(String::new(), |q| format!(" (quantile {q})")),
                c.rows,
                c.rows_left_out,
                c.created,
                c.source.map_or(String::new(), |s| format!(", data {s}"))
            );
        }
        None => {
            let _ = writeln!(out, "calibration:  none (ae4j calibrate adds one)");
        }
    }
    match &view.pipeline {
        Some(p) => {
            let inputs: Vec<String> = p
                .inputs
                .iter()
                .map(|i| format!("{} ({})", i.name, Type::from(i.kind)))
                .collect();
            let _ = writeln!(
                out,
                "pipeline:     {} steps from {} raw inputs: {} (ae4j pipeline show prints it)",
                p.steps,
                inputs.len(),
                inputs.join(", ")
            );
        }
        None => {
            let _ = writeln!(out, "pipeline:     none (ae4j pipeline attach adds one)");
        }
    }
    for c in &view.columns {
        let _ = match c.levels {
            Some(levels) => writeln!(
                out,
                "  {} (categorical, {} levels): {}",
                c.name,
                levels.len(),
                levels.join(", ")
            ),
            None => writeln!(out, "  {} (numeric)", c.name),
        };
    }
    out
}
