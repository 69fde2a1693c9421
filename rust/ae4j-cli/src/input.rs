//! Reading a CSV of rows for a model, shared by `predict` and `calibrate`: the header checks,
//! a reader thread that parses chunks, and per-thread conversion and scoring with genmodel's
//! rules (and genmodel's choice of error among several bad cells).

use std::fs::File;
use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use ae4j_core::convert::csv_cell;
use ae4j_core::{Cell, ConvertOptions, DeepFeatures, Model, RowError, Scratch};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A parsed input row and the line it started on.
pub struct InputRow {
    pub line: u64,
    pub record: csv::ByteRecord,
}

/// Why a row could not be scored, with where.
pub struct RowFailure {
    pub line: u64,
    pub message: String,
}

/// An open CSV input whose header has been read and matched to the model.
pub struct CsvInput {
    pub reader: csv::Reader<io::BufReader<Box<dyn Read + Send>>>,
    pub header: Vec<String>,
    /// For each header position, the model column it feeds.
    pub mapping: Vec<Option<usize>>,
    /// Size of the input file, for the progress bar (unknown for stdin).
    pub len: Option<u64>,
}

impl CsvInput {
    /// Opens `path` (`-` for stdin), reads the header and checks it names model columns;
    /// reports absent and unused columns on stderr unless `quiet`.
    pub fn open(path: &str, sep: char, model: &Model, quiet: bool) -> Result<CsvInput> {
        if !sep.is_ascii() {
            bail!("--separator must be a single ASCII character");
        }
        let (input, len): (Box<dyn Read + Send>, Option<u64>) = if path == "-" {
            (Box::new(io::stdin()), None)
        } else {
            let f = File::open(path).with_context(|| format!("cannot open input {path}"))?;
            let len = f.metadata().ok().map(|m| m.len());
            (Box::new(f), len)
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep as u8)
            .has_headers(true)
            .flexible(true) // ragged rows become row errors with their line, not a silent stop
            .from_reader(io::BufReader::with_capacity(
                1 << 20,
                Box::new(Newlines::new(input)) as Box<dyn Read + Send>,
            ));
        let header = read_header(&mut reader, path)?;
        let mapping = model.map_header(&header);
        check_header(model, &header, &mapping, quiet)?;
        Ok(CsvInput {
            reader,
            header,
            mapping,
            len,
        })
    }
}

/// Line breaks as genmodel's PredictCsv reads them (`BufferedReader.readLine`: `\n`, `\r\n` or
/// a lone `\r`), handed to the CSV parser as `\n`: its line numbers count `\n` bytes as they
/// are consumed, so a `\r\n` file's errors named the line before (rust-csv issue #395) and a
/// `\r` file's always named line 1.
struct Newlines<R> {
    inner: R,
    /// The last byte was a `\r` (already given as `\n`): a `\n` right after it is dropped.
    after_cr: bool,
}

impl<R> Newlines<R> {
    fn new(inner: R) -> Self {
        Newlines {
            inner,
            after_cr: false,
        }
    }
}

impl<R: Read> Read for Newlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            // The common case, no `\r` at all: nothing to rewrite (a byte loop here was a
            // tenth of the reader thread's time).
            if !self.after_cr && !buf[..n].contains(&b'\r') {
                return Ok(n);
            }
            let mut w = 0;
            for r in 0..n {
                let b = buf[r];
                let after_cr = std::mem::replace(&mut self.after_cr, b == b'\r');
                if after_cr && b == b'\n' {
                    continue;
                }
                buf[w] = if b == b'\r' { b'\n' } else { b };
                w += 1;
            }
            if w > 0 {
                return Ok(w);
            }
            // Only the `\n` of a `\r\n` split between reads: read on.
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

/// The reader thread: parses chunks of `chunk_rows` rows and sends them in order; a CSV error
/// ends the stream with that error. Chunks the consumer hands back on `spare` are refilled, so
/// their records' buffers are reused: no allocation per row, and no row freed on another
/// thread (a tenth of the CPU time, in malloc and free, before).
pub fn read_chunks<R: Read>(
    mut reader: csv::Reader<R>,
    chunk_rows: usize,
    tx: SyncSender<Result<Vec<InputRow>>>,
    spare: Receiver<Vec<InputRow>>,
    progress: &ProgressBar,
) {
    loop {
        let mut chunk = spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(chunk_rows));
        let mut n = 0;
        while n < chunk_rows {
            if n == chunk.len() {
                chunk.push(InputRow {
                    line: 0,
                    record: csv::ByteRecord::new(),
                });
            }
            let row = &mut chunk[n];
            match reader.read_byte_record(&mut row.record) {
                Ok(true) => {
                    row.line = row.record.position().map_or(0, |p| p.line());
                    n += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    let _ = tx.send(Err(anyhow::anyhow!("cannot parse the input CSV: {e}")));
                    return;
                }
            }
        }
        chunk.truncate(n);
        progress.set_position(reader.position().byte());
        let done = n < chunk_rows;
        if n > 0 && tx.send(Ok(chunk)).is_err() {
            return; // the scorer stopped (an error): nothing more to read
        }
        if done {
            return;
        }
    }
}

/// One direction of [`chunk_channels`].
type Channel<T> = (SyncSender<T>, Receiver<T>);

/// The channels between the reader thread and the scorer: chunks of rows one way, finished
/// chunks back for reuse (see [`read_chunks`]).
pub fn chunk_channels() -> (Channel<Result<Vec<InputRow>>>, Channel<Vec<InputRow>>) {
    (sync_channel(2), sync_channel(2))
}

/// Per-thread buffers: converting and scoring a row allocates nothing.
pub struct RowScorer {
    raw: Vec<f64>,
    scratch: Scratch,
    pub reconstructed: Vec<f64>,
    pub errors: Vec<f64>,
    /// The chosen hidden layers' activations (`--deep-features`), empty when none are chosen.
    pub deep_features: Vec<f64>,
}

impl RowScorer {
    pub fn new(model: &Model) -> Self {
        RowScorer {
            raw: vec![f64::NAN; model.n_features()],
            scratch: Scratch::new(model),
            reconstructed: vec![0.0; model.n_slots()],
            errors: vec![0.0; model.n_slots()],
            deep_features: Vec::new(),
        }
    }

    /// Converts and scores one CSV row; the MSE, with the reconstruction, squared errors and
    /// the deep features of `features` left in `self`.
    pub fn score(
        &mut self,
        model: &Model,
        input: &CsvShape,
        options: ConvertOptions,
        features: &DeepFeatures,
        row: &InputRow,
    ) -> Result<f64, RowFailure> {
        let fail = |message: String| RowFailure {
            line: row.line,
            message,
        };
        if row.record.len() != input.header.len() {
            return Err(fail(format!(
                "the row has {} fields, the header has {}",
                row.record.len(),
                input.header.len()
            )));
        }
        self.raw.fill(f64::NAN);
        // One UTF-8 check for the whole record instead of one per cell (the per-call cost was
        // a tenth of the run). A cell whose ends are not character boundaries of the whole
        // (its bytes only valid joined to the next cell's) gets its own check, which fails.
        let whole = std::str::from_utf8(row.record.as_slice()).ok();
        for (pos, feature) in input.mapping.iter().enumerate() {
            let Some(feature) = *feature else { continue };
            let cell = whole
                .zip(row.record.range(pos))
                .and_then(|(whole, range)| whole.get(range));
            let text = match cell {
                Some(text) => text,
                None => std::str::from_utf8(&row.record[pos]).map_err(|_| {
                    fail(format!(
                        "column '{}': the value is not valid UTF-8",
                        input.header[pos]
                    ))
                })?,
            };
            let cell = csv_cell(text);
            if cell == Cell::Missing {
                // PredictCsv puts no missing cell into its RowData: under a repeated header
                // name, a missing cell leaves the earlier value in place.
                continue;
            }
            match model.convert_cell(feature, cell, options) {
                Ok(v) => self.raw[feature] = v,
                Err(_) => {
                    // None: a later cell under the same header name replaces this bad value.
                    let Some(e) = genmodel_error(model, input.header, &row.record, options) else {
                        continue;
                    };
                    return Err(fail(format!(
                        "column '{}': {}: {e}",
                        e.column(),
                        e.exception_name()
                    )));
                }
            }
        }
        self.score_raw(model, features)
            .map_err(|e| fail(e.to_string()))
    }

    /// Scores the converted row, with the deep features of the same forward pass.
    fn score_raw(
        &mut self,
        model: &Model,
        features: &DeepFeatures,
    ) -> Result<f64, ae4j_core::ShapeError> {
        if features.width() == 0 {
            return model.score_into(
                &self.raw,
                &mut self.scratch,
                &mut self.reconstructed,
                &mut self.errors,
            );
        }
        self.deep_features.resize(features.width(), 0.0);
        model.score_with_features_into(
            &self.raw,
            &mut self.scratch,
            &mut self.reconstructed,
            &mut self.errors,
            features,
            &mut self.deep_features,
        )
    }
}

/// The header and its mapping, without the reader (shared by the scoring threads).
pub struct CsvShape<'a> {
    pub header: &'a [String],
    pub mapping: &'a [Option<usize>],
}

/// Of several bad cells, the one genmodel's PredictCsv reports: it puts the non-missing cells
/// into a RowData (a HashMap) in header order and converts them in the map's order.
fn genmodel_error(
    model: &Model,
    header: &[String],
    record: &csv::ByteRecord,
    options: ConvertOptions,
) -> Option<RowError> {
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

/// A progress bar on stderr (drawn only on a terminal), by bytes when the size is known.
pub fn progress_bar(input_len: Option<u64>, quiet: bool) -> ProgressBar {
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
