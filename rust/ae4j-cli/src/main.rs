//! `ae4j`: score H2O deep-learning autoencoders on CSV files, and inspect models.

mod atomic_output;
mod calibrate;
mod h2o_rest;
mod import_h2o;
mod input;
mod inspect;
mod model_file;
mod pipeline_cmd;
mod predict;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "ae4j",
    version,
    about = "Exact, fast scoring of H2O deep-learning autoencoders (anomaly detection by reconstruction error)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score a CSV file: each row's reconstruction MSE (the anomaly score), optionally the
    /// per-feature squared errors and the reconstruction.
    Predict(PredictArgs),
    /// Calibrate a model on normal data: store with it the MSE threshold above which a row is an
    /// anomaly, and the normal rows' MSE distribution (for percentiles).
    Calibrate(CalibrateArgs),
    /// Show a model's columns, domains, layers, activation, versions, calibration and pipeline.
    Inspect(InspectArgs),
    /// Serve models over HTTP: native JSON/CSV scoring, the Open Inference Protocol v2
    /// (KServe, Triton) and the MLflow/SageMaker contract, with health checks and metrics.
    Serve(ae4j_serve::ServeArgs),
    /// Take an autoencoder out of a running H2O cluster (REST API; the model must be trained
    /// with export_weights_and_biases=True) and write it as a MOJO zip — where H2O's own
    /// MOJO/POJO export is refused.
    ImportH2o(import_h2o::ImportH2oArgs),
    /// Preprocessing that travels with the model: check a pipeline spec, show it (or what it
    /// makes of raw rows), attach it to a model (`predict` then reads raw input columns).
    Pipeline(pipeline_cmd::PipelineArgs),
}

#[derive(Args)]
pub struct PredictArgs {
    /// The model: an H2O autoencoder MOJO zip (or an unzipped MOJO directory), or a POJO `.java` source.
    #[arg(long, short)]
    pub model: PathBuf,
    /// Input CSV with a header row naming the model's columns; `-` for standard input.
    #[arg(long, short)]
    pub input: String,
    /// Output CSV; `-` for standard output.
    #[arg(long, short)]
    pub output: String,
    /// Also write each expanded slot's squared error (`reconstr_<col>[.<level>].SE`, H2O's
    /// `anomaly(per_feature=True)` columns).
    #[arg(long)]
    pub per_feature: bool,
    /// Also write the reconstruction (`reconstr_<col>[.<level>]`, H2O's `predict()` columns).
    #[arg(long)]
    pub reconstruction: bool,
    /// Treat categorical levels the model never saw as missing instead of failing.
    #[arg(long)]
    pub convert_unknown_categoricals_to_na: bool,
    /// Treat unparsable numbers as missing instead of failing.
    #[arg(long)]
    pub convert_invalid_numbers_to_na: bool,
    /// What to do with a row that cannot be scored: stop with an error naming the line and
    /// column (`fail`), or write it with empty scores and the error in an `error` column (`record`).
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    pub on_error: OnError,
    /// Flag rows whose MSE is above this threshold (overrides the model's calibrated one).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Also write the activations of this hidden layer (0-based, as H2O's
    /// `deep_features_hidden_layer`): H2O's deep features, columns `DF.L<LAYER+1>.C<unit>`
    /// after every other column; repeatable, in the order given. Needs no other output flag.
    #[arg(
        long = "deep-features",
        value_name = "LAYER",
        allow_hyphen_values = true
    )]
    pub deep_features: Vec<i64>,
    /// Name the K input columns with the largest shares of each row's squared error.
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub explain: usize,
    /// Copy this input column into the output, before the scores (e.g. a row id); repeatable.
    #[arg(long, value_name = "COLUMN")]
    pub keep: Vec<String>,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Rows scored per parallel chunk.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_rows: u32,
    /// Field separator of the input and output.
    #[arg(long, default_value = ",")]
    pub separator: char,
    /// Never show the progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not run the model's preprocessing pipeline: the input has the model's own columns.
    #[arg(long)]
    pub no_pipeline: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    Fail,
    Record,
}

#[derive(Args)]
pub struct CalibrateArgs {
    /// The model: an H2O autoencoder MOJO zip, or a POJO `.java` source.
    #[arg(long, short)]
    pub model: PathBuf,
    /// CSV of normal rows (a header row naming the model's columns); `-` for standard input.
    #[arg(long, short)]
    pub input: String,
    /// The calibrated model to write: a MOJO zip with the calibration inside (h2o-genmodel still
    /// reads it), or for a POJO the source with `<output>.ae4j-calibration.json` beside it.
    #[arg(long, short)]
    pub output: String,
    /// The threshold is this quantile of the normal rows' MSE (numpy's linear interpolation).
    #[arg(
        long,
        conflicts_with = "threshold",
        required_unless_present = "threshold"
    )]
    pub quantile: Option<f64>,
    /// A fixed threshold instead of a quantile.
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Treat categorical levels the model never saw as missing instead of leaving the row out.
    #[arg(long)]
    pub convert_unknown_categoricals_to_na: bool,
    /// Treat unparsable numbers as missing instead of leaving the row out.
    #[arg(long)]
    pub convert_invalid_numbers_to_na: bool,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Rows scored per parallel chunk.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_rows: u32,
    /// Field separator of the input.
    #[arg(long, default_value = ",")]
    pub separator: char,
    /// Never show the progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct InspectArgs {
    /// The model: an H2O autoencoder MOJO zip (or an unzipped MOJO directory), or a POJO `.java` source.
    #[arg(long, short)]
    pub model: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Predict(args) => predict::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Serve(args) => ae4j_serve::run(&args),
        Command::ImportH2o(args) => import_h2o::run(&args),
        Command::Pipeline(args) => pipeline_cmd::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ae4j: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
