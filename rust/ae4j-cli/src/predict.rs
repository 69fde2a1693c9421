//! `ae4j predict`: a CSV of rows in, a CSV of scores out, in the same order. Streams in chunks
//! (memory flat in the number of rows): a reader thread parses, every core converts and scores
//! the chunk, a writer thread writes it, so the three overlap.

use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use ae4j_core::scorer::{Header, Outputs, RowScorer, ScoreOptions, Scorer};
use ae4j_core::table::{Layout, ScoreTable};
use ae4j_core::ConvertOptions;
use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::atomic_output::AtomicOutput;
use crate::input::{self, CsvInput, InputRow};
use crate::{model_file, OnError, PredictArgs};

/// Everything the scoring threads share.
struct Job<'a> {
    scorer: Scorer<'a>,
    header: &'a Header,
    table: ScoreTable<'a>,
    /// Write failed rows with their error (else the first one stops the run).
    record_errors: bool,
    /// Positions of the `--keep` columns in the input.
    kept: &'a [usize],
}

pub fn run(args: &PredictArgs) -> Result<()> {
    let model_file::ModelFile {
        model,
        calibration,
        pipeline,
    } = model_file::load(&args.model)?;
    // --no-pipeline: the rows are already transformed (the pipeline's output columns).
    let pipeline = pipeline.filter(|_| !args.no_pipeline);
    if let Some(t) = args.threshold {
        if !t.is_finite() {
            bail!("--threshold must be a finite number");
        }
    }
    // Checked before any input is read: a layer the model lacks is a usage error.
    let deep_features = model
        .deep_features(&args.deep_features)
        .map_err(|e| anyhow::anyhow!("--deep-features: {e}"))?;
    let layout = Layout {
        per_feature: args.per_feature,
        reconstruction: args.reconstruction,
        decision: calibration.is_some() || args.threshold.is_some(),
        explain: args.explain,
        error_column: args.on_error == OnError::Record,
    };
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
    let kept = args
        .keep
        .iter()
        .map(|k| {
            input
                .header
                .names()
                .iter()
                .position(|h| h == k)
                .with_context(|| format!("--keep {k}: the input has no column '{k}'"))
        })
        .collect::<Result<Vec<usize>>>()?;
    let options = ScoreOptions {
        convert: ConvertOptions {
            unknown_categorical_to_na: args.convert_unknown_categoricals_to_na,
            invalid_number_to_na: args.convert_invalid_numbers_to_na,
        },
        threshold: args.threshold,
        outputs: Outputs {
            per_feature: args.per_feature,
            reconstruction: args.reconstruction,
            explain: args.explain,
        },
    };
    let mut scorer =
        Scorer::new(&model, calibration.as_ref(), options).with_deep_features(&deep_features);
    if let Some(p) = &pipeline {
        scorer = scorer.with_pipeline(p);
    }
    let job = Job {
        scorer,
        header: &input.header,
        table: ScoreTable::new(&model, layout, &args.keep, args.separator)
            .with_deep_features(&deep_features),
        record_errors: args.on_error == OnError::Record,
        kept: &kept,
    };
    let header_line = job.table.header_line();
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
                    || job.scorer.buffers(),
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
fn format_part(job: &Job, buffers: &mut RowScorer, rows: &[InputRow]) -> Result<Part> {
    let deep = job.scorer.deep_features().map_or(0, |d| d.width());
    let line_len = 24 * (3 + job.scorer.model().n_slots() + deep);
    let mut part = Part {
        text: String::with_capacity(rows.len() * line_len),
        scored: 0,
        failed: 0,
    };
    for row in rows {
        let kept = job
            .kept
            .iter()
            .map(|&p| String::from_utf8_lossy(row.record.get(p).unwrap_or_default()));
        match input::score_row(buffers, &job.scorer, job.header, row) {
            Ok(scored) => {
                job.table.push_kept(&mut part.text, kept);
                job.table.push_row(&mut part.text, &scored);
                part.scored += 1;
            }
            Err(f) if job.record_errors => {
                job.table.push_kept(&mut part.text, kept);
                job.table
                    .push_failure(&mut part.text, &f.failure.to_string());
                part.failed += 1;
            }
            Err(f) => bail!(
                "line {}: {} (use --on-error record to write such rows with the error instead)",
                f.line,
                f.failure
            ),
        }
    }
    Ok(part)
}
