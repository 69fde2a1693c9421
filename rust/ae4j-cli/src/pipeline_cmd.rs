//! `ae4j pipeline check|show|attach`: a preprocessing pipeline spec checked (alone or against
//! a model), shown (the spec, or what it makes of raw rows), and stored with a model.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use ae4j_core::convert::csv_cell;
use ae4j_core::pipeline::{self, Pipeline, Value};
use ae4j_core::table::{push_field, push_number};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};

use crate::atomic_output::AtomicOutput;
use crate::calibrate::write_atomically;
use crate::{model_file, OnError};

#[derive(Args)]
pub struct PipelineArgs {
    #[command(subcommand)]
    pub command: PipelineCommand,
}

#[derive(Subcommand)]
pub enum PipelineCommand {
    /// Check a spec: its JSON, every step and expression (errors name the step, the column and
    /// the character); with --model, also that it produces every model column.
    Check {
        /// The spec (JSON).
        spec: PathBuf,
        /// The model it is for.
        #[arg(long, short)]
        model: Option<PathBuf>,
    },
    /// Print a spec (a JSON file, or the pipeline stored with a model), or with --row the
    /// transformed rows of a CSV of raw rows, as the model gets them.
    Show {
        /// A spec (JSON), or a model with a pipeline.
        source: PathBuf,
        /// A CSV of raw rows (a header naming the inputs): print what the pipeline makes of them.
        #[arg(long, value_name = "CSV_FILE")]
        row: Option<PathBuf>,
        /// A row the pipeline cannot transform: stop (`fail`), or print it with the error in
        /// an `error` column (`record`).
        #[arg(long, value_enum, default_value_t = OnError::Fail)]
        on_error: OnError,
    },
    /// Store a spec with a model: a MOJO zip gets it as the entry `ae4j/pipeline.json` (any
    /// calibration is kept; h2o-genmodel still reads the zip), a POJO source a sidecar
    /// `<output>.ae4j-pipeline.json`. The spec is checked against the model and tied to it by
    /// its fingerprint.
    Attach {
        /// The model (MOJO zip or POJO source).
        model: PathBuf,
        /// The spec (JSON).
        spec: PathBuf,
        /// The model to write.
        #[arg(long, short)]
        output: String,
    },
}

pub fn run(args: &PipelineArgs) -> Result<()> {
    match &args.command {
        PipelineCommand::Check { spec, model } => check(spec, model.as_deref()),
        PipelineCommand::Show {
            source,
            row,
            on_error,
        } => show(source, row.as_deref(), *on_error),
        PipelineCommand::Attach {
            model,
            spec,
            output,
        } => attach(model, spec, output),
    }
}

fn read_spec(path: &Path) -> Result<Pipeline> {
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Pipeline::from_json(&text, &path.display().to_string())?)
}

fn check(spec: &Path, model: Option<&Path>) -> Result<()> {
    let p = read_spec(spec)?;
    let outputs: Vec<String> = p.outputs().map(|(n, t)| format!("{n} ({t})")).collect();
    let mut report = format!(
        "{}: ok: {} inputs, {} steps, producing {}",
        spec.display(),
        p.inputs().len(),
        p.spec().steps.len(),
        outputs.join(", ")
    );
    if let Some(m) = model {
        let model = ae4j_core::load_model(m)
            .with_context(|| format!("cannot load model {}", m.display()))?;
        p.check_model(&model, &spec.display().to_string())?;
        let _ = write!(report, "; fits the model {}", m.display());
    }
    print(&(report + "\n"))
}

/// A spec file, or the pipeline stored with a model.
fn load_source(source: &Path) -> Result<Pipeline> {
    let is_json = source
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        return read_spec(source);
    }
    model_file::load(source)?.pipeline.with_context(|| {
        format!(
            "{} has no pipeline (ae4j pipeline attach adds one)",
            source.display()
        )
    })
}

fn show(source: &Path, rows: Option<&Path>, on_error: OnError) -> Result<()> {
    let p = load_source(source)?;
    match rows {
        None => print(&(p.to_json() + "\n")),
        Some(csv) => print(&transformed_rows(&p, csv, on_error)?),
    }
}

/// The transformed rows of a CSV of raw rows, as CSV: numbers as the model gets them (booleans
/// 1/0, timestamps in epoch seconds), texts quoted where needed, missing values empty.
fn transformed_rows(p: &Pipeline, csv_path: &Path, on_error: OnError) -> Result<String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(csv_path)
        .with_context(|| format!("cannot open {}", csv_path.display()))?;
    let header: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
    let mut out = String::new();
    let names: Vec<&str> = p.outputs().map(|(n, _)| n).collect();
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(&mut out, n, ',');
    }
    out.push_str(if on_error == OnError::Record {
        ",error\n"
    } else {
        "\n"
    });
    for record in reader.records() {
        let record = record.with_context(|| format!("cannot parse {}", csv_path.display()))?;
        let line = record.position().map_or(0, |p| p.line());
        let cells: Vec<_> = header
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.as_str(), csv_cell(v)))
            .collect();
        match p.apply_named(&cells) {
            Ok(values) => {
                push_values(&mut out, &values);
                out.push_str(if on_error == OnError::Record {
                    ",\n"
                } else {
                    "\n"
                });
            }
            Err(e) if on_error == OnError::Record => {
                out.push_str(&",".repeat(names.len()));
                push_field(&mut out, &e.to_string(), ',');
                out.push('\n');
            }
            Err(e) => bail!("line {line}: {e} (use --on-error record to print such rows)"),
        }
    }
    Ok(out)
}

fn push_values(out: &mut String, values: &[(String, Value)]) {
    for (i, (_, v)) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match v {
            Value::Missing => {}
            Value::String(s) => push_field(out, s, ','),
            v => push_number(out, v.as_number().unwrap_or(f64::NAN)),
        }
    }
}

fn attach(model_path: &Path, spec: &Path, output: &str) -> Result<()> {
    if output == "-" {
        bail!("--output must be a file");
    }
    let model = ae4j_core::load_model(model_path)
        .with_context(|| format!("cannot load model {}", model_path.display()))?;
    let p = read_spec(spec)?;
    p.check_model(&model, &spec.display().to_string())?;
    let p = p.with_fingerprint(&model);
    let bytes = std::fs::read(model_path)
        .with_context(|| format!("cannot read {}", model_path.display()))?;
    let out = Path::new(output);
    if bytes.starts_with(b"PK\x03\x04") {
        let with = pipeline::add_to_mojo(&bytes, &p)
            .map_err(|e| anyhow::anyhow!("cannot write the MOJO with its pipeline: {e}"))?;
        write_atomically(&AtomicOutput::new(output), &with)?;
    } else {
        if out != model_path {
            write_atomically(&AtomicOutput::new(output), &bytes)?;
            copy_calibration_sidecar(model_path, out)?;
        }
        let sidecar = pipeline::sidecar_path(out).display().to_string();
        write_atomically(&AtomicOutput::new(&sidecar), p.to_json().as_bytes())?;
    }
    eprintln!(
        "ae4j: {output}: pipeline of {} steps from {} raw inputs attached",
        p.spec().steps.len(),
        p.inputs().len()
    );
    Ok(())
}

/// A POJO's calibration sidecar copied beside its copy (nothing when it has none).
fn copy_calibration_sidecar(model: &Path, copy: &Path) -> Result<()> {
    let from = ae4j_core::calibration::sidecar_path(model);
    if !from.exists() {
        return Ok(());
    }
    let text = std::fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
    let to = ae4j_core::calibration::sidecar_path(copy);
    write_atomically(&AtomicOutput::new(&to.display().to_string()), &text)
}

fn print(text: &str) -> Result<()> {
    match std::io::stdout().write_all(text.as_bytes()) {
        // A closed pipe (`ae4j pipeline show | head`) is the reader's choice, not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
