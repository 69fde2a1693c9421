//! `ae4j predict`: a CSV of rows in, a CSV of scores out, in the same order. Streams in chunks
//! (memory flat in the number of rows): a reader thread parses, every core converts and scores
//! the chunk, a writer thread writes it, so the three overlap.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use ae4j_core::convert::csv_cell;
use ae4j_core::{Cell, ConvertOptions, Model, Scratch};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::output::{self, Layout};
use crate::{OnError, PredictArgs};

/// A parsed input row and the line it started on.
struct InputRow {
    line: u64,
    record: csv::ByteRecord,
}

/// Why a row could not be scored, with where.
struct RowFailure {
    line: u64,
    message: String,
}

pub fn run(args: &PredictArgs) -> Result<()> {
    let model = ae4j_core::load_model(&args.model)
        .with_context(|| format!("cannot load model {}", args.model.display()))?;
    if !args.separator.is_ascii() {
        bail!("--separator must be a single ASCII character");
    }
    let sep = args.separator;
    let options = ConvertOptions {
        unknown_categorical_to_na: args.convert_unknown_categoricals_to_na,
        invalid_number_to_na: args.convert_invalid_numbers_to_na,
    };
    let layout = Layout {
        per_feature: args.per_feature,
        reconstruction: args.reconstruction,
        error_column: args.on_error == OnError::Record,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;

    let (input, input_len): (Box<dyn Read + Send>, Option<u64>) = if args.input == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let f =
            File::open(&args.input).with_context(|| format!("cannot open input {}", args.input))?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(f), len)
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep as u8)
        .has_headers(true)
        .flexible(true) // ragged rows become row errors with their line, not a silent stop
        .from_reader(io::BufReader::with_capacity(1 << 20, input));
    let header = read_header(&mut reader, &args.input)?;
    let mapping = model.map_header(&header);
    check_header(&model, &header, &mapping, args.quiet)?;

    let kept = args
        .keep
        .iter()
        .map(|k| {
            header
                .iter()
                .position(|h| h == k)
                .with_context(|| format!("--keep {k}: the input has no column '{k}'"))
        })
        .collect::<Result<Vec<usize>>>()?;
    let output = Output::create(&args.output)?;
    let progress = progress_bar(input_len, args.quiet);
    let rows = pipeline(
        &model,
        &args.keep,
        &kept,
        reader,
        &header,
        &mapping,
        options,
        layout,
        sep,
        args.chunk_rows as usize,
        &pool,
        output.writer()?,
        &progress,
    );
    progress.finish_and_clear();
    match rows {
        Ok(counts) => {
            output.commit()?;
            if !args.quiet {
                eprintln!(
                    "ae4j: scored {} rows{}",
                    counts.0,
                    if counts.1 > 0 {
                        format!(", {} could not be scored (see the error column)", counts.1)
                    } else {
                        String::new()
                    }
                );
            }
            Ok(())
        }
        Err(e) => {
            output.abandon();
            Err(e)
        }
    }
}

fn read_header<R: Read>(reader: &mut csv::Reader<R>, name: &str) -> Result<Vec<String>> {
    let header = reader
        .byte_headers()
        .with_context(|| format!("cannot read the header of {name}"))?;
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        bail!("{name} is empty: expected a header row naming the model's columns");
    }
    header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            String::from_utf8(h.to_vec())
                .map_err(|_| anyhow::anyhow!("line 1: header field {} is not valid UTF-8", i + 1))
        })
        .collect()
}

/// The header must name at least one model column; say which are absent or unused, as
/// genmodel's PredictCsv does.
fn check_header(
    model: &Model,
    header: &[String],
    mapping: &[Option<usize>],
    quiet: bool,
) -> Result<()> {
    let used: Vec<bool> = (0..model.n_features())
        .map(|f| mapping.contains(&Some(f)))
        .collect();
    if !used.iter().any(|&u| u) {
        let names: Vec<&str> = model.columns().iter().map(|c| c.name.as_str()).collect();
        bail!(
            "the input header ({}) names none of the model's columns ({})",
            header.join(","),
            names.join(",")
        );
    }
    if !quiet {
        let missing: Vec<&str> = model
            .columns()
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(c, _)| c.name.as_str())
            .collect();
        if !missing.is_empty() {
            eprintln!(
                "ae4j: {} model columns are not in the input and are scored as missing: {}",
                missing.len(),
                missing.join(", ")
            );
        }
        let unused: Vec<&str> = header
            .iter()
            .zip(mapping)
            .filter(|(_, m)| m.is_none())
            .map(|(h, _)| h.as_str())
            .collect();
        if !unused.is_empty() {
            eprintln!(
                "ae4j: {} input columns are not model columns and are ignored: {}",
                unused.len(),
                unused.join(", ")
            );
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn pipeline<R: Read + Send>(
    model: &Model,
    kept_names: &[String],
    kept: &[usize],
    reader: csv::Reader<R>,
    header: &[String],
    mapping: &[Option<usize>],
    options: ConvertOptions,
    layout: Layout,
    sep: char,
    chunk_rows: usize,
    pool: &rayon::ThreadPool,
    writer: Box<dyn Write + Send>,
    progress: &ProgressBar,
) -> Result<(u64, u64)> {
    let header_line = output::header(model, layout, sep, kept_names);
    std::thread::scope(|scope| {
        let (chunk_tx, chunk_rx) = sync_channel::<Result<Vec<InputRow>>>(2);
        let (text_tx, text_rx) = sync_channel::<String>(2);
        scope.spawn(move || read_chunks(reader, chunk_rows, chunk_tx, progress));
        let writer_thread = scope.spawn(move || write_chunks(writer, header_line, text_rx));
        let result = score_chunks(
            model, kept, header, mapping, options, layout, sep, pool, chunk_rx, &text_tx,
        );
        drop(text_tx);
        let written = writer_thread
            .join()
            .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
        let counts = result?;
        written.context("cannot write the output")?;
        Ok(counts)
    })
}

fn read_chunks<R: Read>(
    mut reader: csv::Reader<R>,
    chunk_rows: usize,
    tx: SyncSender<Result<Vec<InputRow>>>,
    progress: &ProgressBar,
) {
    loop {
        let mut chunk = Vec::with_capacity(chunk_rows);
        while chunk.len() < chunk_rows {
            let mut record = csv::ByteRecord::new();
            match reader.read_byte_record(&mut record) {
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    chunk.push(InputRow { line, record });
                }
                Ok(false) => break,
                Err(e) => {
                    let _ = tx.send(Err(anyhow::anyhow!("cannot parse the input CSV: {e}")));
                    return;
                }
            }
        }
        progress.set_position(reader.position().byte());
        let done = chunk.len() < chunk_rows;
        if !chunk.is_empty() && tx.send(Ok(chunk)).is_err() {
            return; // the scorer stopped (an error): nothing more to read
        }
        if done {
            return;
        }
    }
}

fn write_chunks(
    writer: Box<dyn Write + Send>,
    header: String,
    rx: Receiver<String>,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, writer);
    out.write_all(header.as_bytes())?;
    for text in rx {
        out.write_all(text.as_bytes())?;
    }
    out.flush()
}

#[allow(clippy::too_many_arguments)]
fn score_chunks(
    model: &Model,
    kept: &[usize],
    header: &[String],
    mapping: &[Option<usize>],
    options: ConvertOptions,
    layout: Layout,
    sep: char,
    pool: &rayon::ThreadPool,
    rx: Receiver<Result<Vec<InputRow>>>,
    tx: &SyncSender<String>,
) -> Result<(u64, u64)> {
    let (mut scored, mut failed) = (0u64, 0u64);
    for chunk in rx {
        let chunk = chunk?;
        let lines: Vec<Result<String, RowFailure>> = pool.install(|| {
            chunk
                .par_iter()
                .map_init(
                    || RowBuffers::new(model),
                    |buf, row| buf.score_row(model, header, mapping, options, layout, sep, row),
                )
                .collect()
        });
        let mut text = String::with_capacity(
            lines
                .iter()
                .map(|l| l.as_ref().map_or(64, String::len))
                .sum(),
        );
        for (row, line) in chunk.iter().zip(lines) {
            if line.is_ok() || layout.error_column {
                output::push_kept(&mut text, &row.record, kept, sep);
            }
            match line {
                Ok(l) => {
                    text.push_str(&l);
                    scored += 1;
                }
                Err(f) if layout.error_column => {
                    output::push_error_row(&mut text, model.n_slots(), &f.message, layout, sep);
                    failed += 1;
                }
                Err(f) => bail!(
                    "line {}: {} (use --on-error record to write such rows with the error instead)",
                    f.line,
                    f.message
                ),
            }
        }
        if tx.send(text).is_err() {
            break; // the writer failed; its error is reported by the caller
        }
    }
    Ok((scored, failed))
}

/// Per-thread buffers: no allocation per row but the output line.
struct RowBuffers {
    raw: Vec<f64>,
    scratch: Scratch,
    reconstructed: Vec<f64>,
    errors: Vec<f64>,
}

impl RowBuffers {
    fn new(model: &Model) -> Self {
        RowBuffers {
            raw: vec![f64::NAN; model.n_features()],
            scratch: Scratch::new(model),
            reconstructed: vec![0.0; model.n_slots()],
            errors: vec![0.0; model.n_slots()],
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn score_row(
        &mut self,
        model: &Model,
        header: &[String],
        mapping: &[Option<usize>],
        options: ConvertOptions,
        layout: Layout,
        sep: char,
        row: &InputRow,
    ) -> Result<String, RowFailure> {
        let fail = |message: String| RowFailure {
            line: row.line,
            message,
        };
        if row.record.len() != header.len() {
            return Err(fail(format!(
                "the row has {} fields, the header has {}",
                row.record.len(),
                header.len()
            )));
        }
        self.raw.fill(f64::NAN);
        for (pos, feature) in mapping.iter().enumerate() {
            let Some(feature) = *feature else { continue };
            let text = std::str::from_utf8(&row.record[pos]).map_err(|_| {
                fail(format!(
                    "column '{}': the value is not valid UTF-8",
                    header[pos]
                ))
            })?;
            match model.convert_cell(feature, csv_cell(text), options) {
                Ok(v) => self.raw[feature] = v,
                Err(first) => {
                    let e = genmodel_error(model, header, &row.record, options).unwrap_or(first);
                    return Err(fail(format!(
                        "column '{}': {}: {e}",
                        e.column(),
                        e.exception_name()
                    )));
                }
            }
        }
        let mse = model
            .score_into(
                &self.raw,
                &mut self.scratch,
                &mut self.reconstructed,
                &mut self.errors,
            )
            .map_err(|e| fail(e.to_string()))?;
        let mut line = String::with_capacity(24 * (1 + model.n_slots()));
        output::push_row(
            &mut line,
            mse,
            &self.errors,
            &self.reconstructed,
            layout,
            sep,
        );
        Ok(line)
    }
}

/// Of several bad cells, the one genmodel's PredictCsv reports: it puts the non-missing cells
/// into a RowData (a HashMap) in header order and converts them in the map's order.
fn genmodel_error(
    model: &Model,
    header: &[String],
    record: &csv::ByteRecord,
    options: ConvertOptions,
) -> Option<ae4j_core::RowError> {
    let cells: Vec<(&str, Cell)> = header
        .iter()
        .zip(record.iter())
        .filter_map(|(h, bytes)| {
            let cell = csv_cell(std::str::from_utf8(bytes).ok()?);
            (cell != Cell::Missing).then_some((h.as_str(), cell))
        })
        .collect();
    model.genmodel_error(&cells, options)
}

/// The output file is written under a temporary name and renamed when complete, so a failed
/// run never leaves a truncated file that looks finished.
struct Output {
    target: Option<PathBuf>,
    partial: Option<PathBuf>,
}

impl Output {
    fn create(path: &str) -> Result<Self> {
        if path == "-" {
            return Ok(Output {
                target: None,
                partial: None,
            });
        }
        let target = PathBuf::from(path);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scores.csv".into());
        let partial = target.with_file_name(format!(".{name}.partial"));
        Ok(Output {
            target: Some(target),
            partial: Some(partial),
        })
    }

    fn writer(&self) -> Result<Box<dyn Write + Send>> {
        Ok(match &self.partial {
            None => Box::new(io::stdout()),
            Some(p) => {
                Box::new(File::create(p).with_context(|| {
                    format!("cannot create {}", display(self.target.as_deref()))
                })?)
            }
        })
    }

    fn commit(&self) -> Result<()> {
        if let (Some(p), Some(t)) = (&self.partial, &self.target) {
            std::fs::rename(p, t)
                .with_context(|| format!("cannot move the scores to {}", t.display()))?;
        }
        Ok(())
    }

    fn abandon(&self) {
        if let Some(p) = &self.partial {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn display(p: Option<&Path>) -> String {
    p.map_or("standard output".into(), |p| p.display().to_string())
}

fn progress_bar(input_len: Option<u64>, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    match input_len {
        Some(len) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    }
}
