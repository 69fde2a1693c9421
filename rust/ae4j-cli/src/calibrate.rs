//! `ae4j calibrate`: scores normal data and stores, with the model, the threshold above which a
//! row is an anomaly and the distribution of the normal rows' MSE (for percentiles).

use ae4j_core::calibration::{self, Calibration, ThresholdRule};
use ae4j_core::pipeline;
use ae4j_core::scorer::{ScoreOptions, Scorer};
use ae4j_core::ConvertOptions;
use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::atomic_output::AtomicOutput;
use crate::input::{self, CsvInput};
use crate::{model_file, CalibrateArgs};

/// How many failed rows are named in the report (all are counted).
const FAILURES_SHOWN: usize = 5;

pub fn run(args: &CalibrateArgs) -> Result<()> {
    let rule = match (args.quantile, args.threshold) {
        (Some(q), None) => ThresholdRule::Quantile(q),
        (None, Some(t)) => ThresholdRule::Fixed(t),
        _ => bail!("give exactly one of --quantile and --threshold"),
    };
    // A model's pipeline applies: the normal rows are raw rows, as `predict` reads them.
    let model_file::ModelFile {
        model, pipeline, ..
    } = model_file::load(&args.model)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let input = CsvInput::open(
        &args.input,
        args.separator,
        &model,
        pipeline.as_ref(),
        args.quiet,
    )?;
    let header = &input.header;
    // Only the MSE is wanted: no decision, no explanation.
    let mut scorer = Scorer::new(
        &model,
        None,
        ScoreOptions {
            convert: ConvertOptions {
                unknown_categorical_to_na: args.convert_unknown_categoricals_to_na,
                invalid_number_to_na: args.convert_invalid_numbers_to_na,
            },
            ..ScoreOptions::default()
        },
    );
    if let Some(p) = &pipeline {
        scorer = scorer.with_pipeline(p);
    }
    let progress = input::progress_bar(input.len, args.quiet);
    let mut mses = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut failed = 0u64;
    std::thread::scope(|scope| -> Result<()> {
        let ((tx, rx), (spare_tx, spare_rx)) = input::chunk_channels();
        let (reader, progress) = (input.reader, &progress);
        let chunk_rows = args.chunk_rows as usize;
        scope.spawn(move || input::read_chunks(reader, chunk_rows, tx, spare_rx, progress));
        for chunk in rx {
            let chunk = chunk?;
            let scores: Vec<_> = pool.install(|| {
                chunk
                    .par_iter()
                    .map_init(
                        || scorer.buffers(),
                        |b, row| input::score_row(b, &scorer, header, row).map(|s| s.mse),
                    )
                    .collect()
            });
            let _ = spare_tx.try_send(chunk); // for reuse; dropped if the reader has enough
            for score in scores {
                match score {
                    Ok(mse) => mses.push(mse),
                    Err(f) => {
                        failed += 1;
                        if failures.len() < FAILURES_SHOWN {
                            failures.push(format!("line {}: {}", f.line, f.failure));
                        }
                    }
                }
            }
        }
        Ok(())
    })?;
    progress.finish_and_clear();

    let scored = mses.len();
    let source = (args.input != "-").then(|| args.input.clone());
    let calibration = Calibration::from_scores(&model, mses, failed, rule, now_rfc3339(), source)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    write_model(args, &calibration)?;
    eprintln!(
        "ae4j: calibrated on {} rows: threshold {}{}; {} rows left out{}",
        calibration.rows,
        calibration.threshold,
        calibration
            .quantile
            .map_or(String::new(), |q| format!(" (quantile {q} of the MSE)")),
        calibration.rows_left_out,
        if calibration.rows_left_out > 0 {
            format!(
                " ({failed} could not be scored, {} scored to a non-finite MSE)",
                scored as u64 - calibration.rows
            )
        } else {
            String::new()
        }
    );
    for f in &failures {
        eprintln!("ae4j:   {f}");
    }
    if failed as usize > failures.len() {
        eprintln!("ae4j:   ... and {} more", failed as usize - failures.len());
    }
    Ok(())
}

/// A MOJO gets the calibration as an extra zip entry (genmodel still reads it; every other
/// entry, a pipeline's too, is kept); a POJO source is copied with a sidecar file beside it
/// (and its pipeline's sidecar, if it has one).
fn write_model(args: &CalibrateArgs, calibration: &Calibration) -> Result<()> {
    let bytes = std::fs::read(&args.model)
        .with_context(|| format!("cannot read {}", args.model.display()))?;
    let output = AtomicOutput::new(&args.output);
    if args.output == "-" {
        bail!("--output must be a file");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let calibrated = calibration::add_to_mojo(&bytes, calibration)
            .map_err(|e| anyhow::anyhow!("cannot write the calibrated MOJO: {e}"))?;
        write_atomically(&output, &calibrated)?;
    } else {
        if std::path::Path::new(&args.output) != args.model.as_path() {
            write_atomically(&output, &bytes)?;
            copy_pipeline_sidecar(&args.model, std::path::Path::new(&args.output))?;
        }
        let sidecar = AtomicOutput::new(
            &calibration::sidecar_path(std::path::Path::new(&args.output))
                .display()
                .to_string(),
        );
        write_atomically(&sidecar, calibration.to_json().as_bytes())?;
    }
    Ok(())
}

/// A model's pipeline sidecar copied beside its copy (nothing when it has none).
pub fn copy_pipeline_sidecar(model: &std::path::Path, copy: &std::path::Path) -> Result<()> {
    let from = pipeline::sidecar_path(model);
    if !from.exists() {
        return Ok(());
    }
    let text = std::fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
    let to = pipeline::sidecar_path(copy).display().to_string();
    write_atomically(&AtomicOutput::new(&to), &text)
}

pub fn write_atomically(output: &AtomicOutput, bytes: &[u8]) -> Result<()> {
    let result = output.writer().and_then(|mut w| {
        w.write_all(bytes)
            .and_then(|_| w.flush())
            .context("cannot write the model")
    });
    match result {
        Ok(()) => output.commit(),
        Err(e) => {
            output.abandon();
            Err(e)
        }
    }
}

/// The current UTC time as RFC 3339, without a date crate.
fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
