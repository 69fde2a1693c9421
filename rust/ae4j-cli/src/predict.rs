//! `ae4j predict`: a CSV of rows in, a CSV of scores out, in the same order. Streams in chunks
//! (memory flat in the number of rows): a reader thread parses, every core converts and scores
//! the chunk, a writer thread writes it, so the three overlap.

use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use ae4j_core::calibration::{self, Calibration};
use ae4j_core::{ConvertOptions, DeepFeatures, Model};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::atomic_output::AtomicOutput;
use crate::input::{self, CsvInput, CsvShape, InputRow, RowScorer};
use crate::output::{self, Layout, RowOut};
use crate::{model_file, OnError, PredictArgs};

/// Everything the scoring threads share.
struct Job<'a> {
    model: &'a Model,
    calibration: Option<&'a Calibration>,
    threshold: Option<f64>,
    shape: CsvShape<'a>,
    options: ConvertOptions,
    layout: Layout,
    deep_features: &'a DeepFeatures,
    sep: char,
    kept: &'a [usize],
}

pub fn run(args: &PredictArgs) -> Result<()> {
    let (model, calibration) = model_file::load(&args.model)?;
    if let Some(t) = args.threshold {
        if !t.is_finite() {
            bail!("--threshold must be a finite number");
        }
    }
    let deep_features = model
        .deep_features(&args.deep_features)
        .map_err(|e| anyhow::anyhow!("--deep-features: {e}"))?;
    let layout = Layout {
        per_feature: args.per_feature,
        reconstruction: args.reconstruction,
        decision: calibration.is_some() || args.threshold.is_some(),
        explain: args.explain,
        deep_features: deep_features.width(),
        error_column: args.on_error == OnError::Record,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let input = CsvInput::open(&args.input, args.separator, &model, args.quiet)?;
    let kept = args
        .keep
        .iter()
        .map(|k| {
            input
                .header
                .iter()
                .position(|h| h == k)
                .with_context(|| format!("--keep {k}: the input has no column '{k}'"))
        })
        .collect::<Result<Vec<usize>>>()?;
    let job = Job {
        model: &model,
        calibration: calibration.as_ref(),
        threshold: args.threshold,
        shape: CsvShape {
            header: &input.header,
            mapping: &input.mapping,
        },
        options: ConvertOptions {
            unknown_categorical_to_na: args.convert_unknown_categoricals_to_na,
            invalid_number_to_na: args.convert_invalid_numbers_to_na,
        },
        layout,
        deep_features: &deep_features,
        sep: args.separator,
        kept: &kept,
    };
    let header_line = output::header(
        &model,
        layout,
        &deep_features.column_names(),
        args.separator,
        &args.keep,
    );
    let output = AtomicOutput::new(&args.output);
    let progress = input::progress_bar(input.len, args.quiet);
    let result = std::thread::scope(|scope| {
        let ((chunk_tx, chunk_rx), (spare_tx, spare_rx)) = input::chunk_channels();
        let (text_tx, text_rx) = sync_channel::<Vec<String>>(2);
        let writer = output.writer()?;
        let progress = &progress;
        let chunk_rows = args.chunk_rows as usize;
        let reader = input.reader;
        scope.spawn(move || input::read_chunks(reader, chunk_rows, chunk_tx, spare_rx, progress));
        let writer_thread = scope.spawn(move || write_chunks(writer, header_line, text_rx));
        let counts = score_chunks(&job, &pool, chunk_rx, &spare_tx, &text_tx);
        drop(text_tx);
        let written = writer_thread
            .join()
            .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
        let counts = counts?;
        written.context("cannot write the output")?;
        Ok::<_, anyhow::Error>(counts)
    });
    progress.finish_and_clear();
    match result {
        Ok((scored, failed)) => {
            output.commit()?;
            if !args.quiet {
                let failures = if failed > 0 {
                    format!(", {failed} could not be scored (see the error column)")
                } else {
                    String::new()
                };
                eprintln!("ae4j: scored {scored} rows{failures}");
            }
            Ok(())
        }
        Err(e) => {
            output.abandon();
            Err(e)
        }
    }
}

/// Writes the header, then each part's text as it comes. A part is up to [`PART_ROWS`] lines,
/// so it goes to the file as is: copying it through a buffer first cost a twentieth of the run.
fn write_chunks(
    mut out: Box<dyn Write + Send>,
    header: String,
    rx: Receiver<Vec<String>>,
) -> io::Result<()> {
    out.write_all(header.as_bytes())?;
    for parts in rx {
        for text in parts {
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()
}

/// Rows a scoring task formats into one piece of text: large enough that the per-task costs
/// vanish, small enough that every core gets several tasks per chunk.
const PART_ROWS: usize = 512;

/// The text of consecutive rows and how they went.
struct Part {
    text: String,
    scored: u64,
    failed: u64,
}

/// Scores each chunk on every core and sends its text to the writer, in order. Each task
/// writes the text of its rows itself, so nothing is copied or joined on this thread. Returns
/// the rows scored and the rows recorded as failed.
fn score_chunks(
    job: &Job,
    pool: &rayon::ThreadPool,
    rx: Receiver<Result<Vec<InputRow>>>,
    spare: &SyncSender<Vec<InputRow>>,
    tx: &SyncSender<Vec<String>>,
) -> Result<(u64, u64)> {
    let (mut scored, mut failed) = (0u64, 0u64);
    for chunk in rx {
        let chunk = chunk?;
        let parts: Vec<Result<Part>> = pool.install(|| {
            chunk
                .par_chunks(PART_ROWS)
                .map_init(
                    || RowScorer::new(job.model),
                    |scorer, rows| format_part(job, scorer, rows),
                )
                .collect()
        });
        let _ = spare.try_send(chunk); // for reuse; dropped if the reader has enough
        let mut texts = Vec::with_capacity(parts.len());
        for part in parts {
            // The first failing part in order holds the first failing row.
            let part = part?;
            scored += part.scored;
            failed += part.failed;
            texts.push(part.text);
        }
        if tx.send(texts).is_err() {
            break; // the writer failed; its error is reported by the caller
        }
    }
    Ok((scored, failed))
}

/// The output lines of `rows`, or the first row's error when errors are not recorded.
fn format_part(job: &Job, scorer: &mut RowScorer, rows: &[InputRow]) -> Result<Part> {
    let line_len = 24 * (3 + job.model.n_slots() + job.layout.deep_features);
    let mut part = Part {
        text: String::with_capacity(rows.len() * line_len),
        scored: 0,
        failed: 0,
    };
    for row in rows {
        match scorer.score(job.model, &job.shape, job.options, job.deep_features, row) {
            Ok(mse) => {
                output::push_kept(&mut part.text, &row.record, job.kept, job.sep);
                push_scores(job, scorer, mse, &mut part.text);
                part.scored += 1;
            }
            Err(f) if job.layout.error_column => {
                output::push_kept(&mut part.text, &row.record, job.kept, job.sep);
                output::push_error_row(&mut part.text, job.model, &f.message, job.layout, job.sep);
                part.failed += 1;
            }
            Err(f) => bail!(
                "line {}: {} (use --on-error record to write such rows with the error instead)",
                f.line,
                f.message
            ),
        }
    }
    Ok(part)
}

/// The score columns of a row the scorer has just scored.
fn push_scores(job: &Job, scorer: &RowScorer, mse: f64, text: &mut String) {
    let explanation = if job.layout.explain > 0 {
        calibration::explain(job.model, &scorer.errors, job.layout.explain)
    } else {
        Vec::new()
    };
    let out = RowOut {
        mse,
        errors: &scorer.errors,
        reconstruction: &scorer.reconstructed,
        decision: calibration::decide(job.calibration, job.threshold, mse),
        explanation: &explanation,
        deep_features: &scorer.deep_features,
    };
    output::push_row(text, job.model, &out, job.layout, job.sep);
}
