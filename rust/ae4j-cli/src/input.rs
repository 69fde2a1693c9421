//! Reading a CSV of rows for a model, shared by `predict` and `calibrate`: the header checks,
//! a reader thread that parses chunks, and a CSV record as a row of the core's row path
//! ([`ae4j_core::scorer`], which converts with genmodel's rules and scores).

use std::fs::File;
use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use ae4j_core::convert::csv_cell;
use ae4j_core::pipeline::Pipeline;
use ae4j_core::scorer::{Header, PositionalRow, RowFailure, RowScorer, Scored, Scorer};
use ae4j_core::{Cell, Model};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A parsed input row and the line it started on.
pub struct InputRow {
    pub line: u64,
    pub record: csv::ByteRecord,
}

/// An open CSV input whose header has been read and matched to the model.
pub struct CsvInput {
    pub reader: csv::Reader<io::BufReader<Box<dyn Read + Send>>>,
    /// The header's names, with the model column each position feeds.
    pub header: Header,
    /// Size of the input file, for the progress bar (unknown for stdin).
    pub len: Option<u64>,
}

impl CsvInput {
    /// Opens `path` (`-` for stdin), reads the header and checks it names model columns (the
    /// pipeline's raw inputs, for a model with one); reports absent and unused columns on
    /// stderr unless `quiet`.
    pub fn open(
        path: &str,
        sep: char,
        model: &Model,
        pipeline: Option<&Pipeline>,
        quiet: bool,
    ) -> Result<CsvInput> {
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
        let header = Header::new(model, read_header(&mut reader, path)?);
        let expected: Vec<&str> = match pipeline {
            Some(p) => p.inputs().iter().map(|i| i.name.as_str()).collect(),
            None => model.columns().iter().map(|c| c.name.as_str()).collect(),
        };
        let what = match pipeline {
            Some(_) => Expected::PIPELINE,
            None => Expected::MODEL,
        };
        check_header(&expected, &what, header.names(), quiet)?;
        Ok(CsvInput {
            reader,
            header,
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

/// What a header should name, as the messages say it.
struct Expected {
    /// "the model's columns"
    all: &'static str,
    /// "model columns"
    some: &'static str,
}

impl Expected {
    const MODEL: Expected = Expected {
        all: "the model's columns",
        some: "model columns",
    };
    const PIPELINE: Expected = Expected {
        all: "the pipeline's inputs",
        some: "pipeline inputs",
    };
}

/// The header must name at least one expected column (the model's, or a pipeline's inputs);
/// say which are absent or unused, as genmodel's PredictCsv does.
fn check_header(expected: &[&str], what: &Expected, header: &[String], quiet: bool) -> Result<()> {
    let used: Vec<bool> = expected
        .iter()
        .map(|e| header.iter().any(|h| h == e))
        .collect();
    if !used.iter().any(|&u| u) {
        bail!(
            "the input header ({}) names none of {} ({})",
            header.join(","),
            what.all,
            expected.join(",")
        );
    }
    if !quiet {
        let missing: Vec<&str> = expected
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(c, _)| *c)
            .collect();
        if !missing.is_empty() {
            eprintln!(
                "ae4j: {} {} are not in the input and are scored as missing: {}",
                missing.len(),
                what.some,
                missing.join(", ")
            );
        }
        let unused: Vec<&str> = header
            .iter()
            .filter(|h| !expected.contains(&h.as_str()))
            .map(String::as_str)
            .collect();
        if !unused.is_empty() {
            eprintln!(
                "ae4j: {} input columns are not {} and are ignored: {}",
                unused.len(),
                what.some,
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

/// Chunks of rows (or the CSV error that ended them), reader to scorer.
type Chunks = (
    SyncSender<Result<Vec<InputRow>>>,
    Receiver<Result<Vec<InputRow>>>,
);
/// Finished chunks, scorer back to reader, for reuse.
type Spares = (SyncSender<Vec<InputRow>>, Receiver<Vec<InputRow>>);

/// The channels between the reader thread and the scorer: chunks of rows one way, finished
/// chunks back for reuse (see [`read_chunks`]).
pub fn chunk_channels() -> (Chunks, Spares) {
    (sync_channel(2), sync_channel(2))
}

/// A CSV record as the core's row path reads it, cell by cell by position.
pub struct CsvRow<'r> {
    record: &'r csv::ByteRecord,
    header: &'r Header,
    /// The whole record as text, when it is UTF-8: one check for the whole record instead of
    /// one per cell (the per-call cost was a tenth of the run).
    whole: Option<&'r str>,
}

impl<'r> CsvRow<'r> {
    pub fn new(record: &'r csv::ByteRecord, header: &'r Header) -> Self {
        CsvRow {
            record,
            header,
            whole: std::str::from_utf8(record.as_slice()).ok(),
        }
    }
}

impl PositionalRow for CsvRow<'_> {
    fn len(&self) -> usize {
        self.record.len()
    }

    fn cell(&self, pos: usize) -> Result<Cell<'_>, RowFailure> {
        // A cell whose ends are not character boundaries of the whole (its bytes only valid
        // joined to the next cell's) gets its own check, which fails.
        let cell = self
            .whole
            .zip(self.record.range(pos))
            .and_then(|(whole, range)| whole.get(range));
        let text = match cell {
            Some(text) => text,
            None => std::str::from_utf8(&self.record[pos]).map_err(|_| {
                RowFailure::malformed(format!(
                    "column '{}': the value is not valid UTF-8",
                    self.header.names()[pos]
                ))
            })?,
        };
        Ok(csv_cell(text))
    }
}

/// Why a row could not be scored, with its line.
pub struct LineFailure {
    pub line: u64,
    pub failure: RowFailure,
}

/// Converts and scores one CSV row with the core's row path.
pub fn score_row<'b>(
    buffers: &'b mut RowScorer,
    scorer: &Scorer<'_>,
    header: &Header,
    row: &InputRow,
) -> Result<Scored<'b>, LineFailure> {
    buffers
        .score_positional(scorer, header, &CsvRow::new(&row.record, header))
        .map_err(|failure| LineFailure {
            line: row.line,
            failure,
        })
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
