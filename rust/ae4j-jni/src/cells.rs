//! Rows of raw cells for a model with a preprocessing pipeline (issue #22): `Native.scoreCells`.
//!
//! The pipeline runs on the *raw* cells, so for such a model a row crosses JNI as its cells, not
//! as genmodel's converted doubles. Java's `io.ae4j.CellBatch` packs a batch into four flat
//! arrays, read here with one region copy each per chunk of rows (no JNI call per row or field):
//!
//! | array       | per cell `i = row * inputs + input`                                      |
//! |-------------|---------------------------------------------------------------------------|
//! | `kinds`     | [`MISSING`], [`NUMBER`], [`TEXT`], [`TYPED_NUMBER`] or [`OTHER`]          |
//! | `numbers`   | the value of a number                                                     |
//! | `text`      | every cell's UTF-8 one after another (text, or a Java type's name)        |
//! | `text_ends` | the end of cell i's text in `text`; it starts at cell i-1's end (0 for 0) |
//!
//! The cells are named by the pipeline's inputs (held natively: names cross once per model, in
//! `describe`) and go through the core's row path: `Conversion::named` runs the pipeline, then
//! genmodel's conversion; the row is then scored, decided on and explained as any other. A row
//! that fails gets NaN scores and its `RowFailure` (kind, column, message) in `failures`.

use ae4j_core::convert::{Cell, ConvertOptions};
use ae4j_core::scorer::{Outputs, RowFailure, ScoreOptions, Scorer};
use ae4j_core::DeepFeatures;
use jni::objects::{IntoAuto as _, JByteArray, JDoubleArray, JIntArray, JObjectArray, JString};
use jni::refs::Reference as _;
use jni::sys::{jdouble, jint};
use jni::Env;

use crate::bridge::{check_len, illegal, jsize, non_null};
use crate::decision;
use crate::error::{BridgeError, BridgeResult};
use crate::handle::Loaded;
use crate::work::with_work;

pub const MISSING: i8 = 0;
pub const NUMBER: i8 = 1;
pub const TEXT: i8 = 2;
/// A number of the Java type named by the cell's text (`java.lang.Integer`, ...).
pub const TYPED_NUMBER: i8 = 3;
/// A value of the Java type named by the cell's text.
pub const OTHER: i8 = 4;

/// Rows read from Java per round: bounds the native copy of a huge batch.
const CHUNK_ROWS: usize = 1024;

/// The packed cells of a batch, as Java hands them over.
pub struct CellArrays<'a, 'l> {
    pub kinds: &'a JByteArray<'l>,
    pub numbers: &'a JDoubleArray<'l>,
    pub text: &'a JByteArray<'l>,
    pub text_ends: &'a JIntArray<'l>,
}

/// What the rows give back, row after row (decisions and deep features when not null).
pub struct CellOutputs<'a, 'l> {
    pub raw: &'a JDoubleArray<'l>,
    pub reconstructed: &'a JDoubleArray<'l>,
    pub squared_errors: &'a JDoubleArray<'l>,
    pub mse: &'a JDoubleArray<'l>,
    pub decisions: &'a JDoubleArray<'l>,
    pub deep: &'a JDoubleArray<'l>,
    pub failures: &'a JObjectArray<'l, JString<'l>>,
}

/// How the rows are read and what is made of them.
pub struct CellOptions {
    pub convert: ConvertOptions,
    pub threshold: jdouble,
    pub explain: jint,
    pub layer: jint,
}

/// One chunk's cells, copied out of Java.
#[derive(Default)]
struct Chunk {
    kinds: Vec<i8>,
    numbers: Vec<f64>,
    ends: Vec<i32>,
    text: Vec<u8>,
    /// Where `text` starts in Java's array.
    text_start: usize,
}

impl Chunk {
    /// Cell `i` of the chunk as the core's cell.
    fn cell(&self, i: usize) -> BridgeResult<Cell<'_>> {
        let start = if i == 0 {
            self.text_start
        } else {
            self.ends[i - 1] as usize
        };
        let bytes = &self.text[start - self.text_start..self.ends[i] as usize - self.text_start];
        let text = || {
            std::str::from_utf8(bytes).map_err(|e| illegal(format!("cell text is not UTF-8: {e}")))
        };
        Ok(match self.kinds[i] {
            MISSING => Cell::Missing,
            NUMBER => Cell::Number(self.numbers[i]),
            TEXT => Cell::Text(text()?),
            TYPED_NUMBER => Cell::TypedNumber(self.numbers[i], text()?),
            OTHER => Cell::Other(text()?),
            k => return Err(illegal(format!("cell kind {k} is not one of 0 to 4"))),
        })
    }
}

fn check_bytes(
    env: &Env<'_>,
    a: &JByteArray<'_>,
    what: &str,
    at_least: usize,
) -> BridgeResult<usize> {
    non_null(a, what)?;
    let len = a.len(env)?;
    if len < at_least {
        return Err(illegal(format!(
            "{what}: length {len}, needs at least {at_least}"
        )));
    }
    Ok(len)
}

fn check_ints(env: &Env<'_>, a: &JIntArray<'_>, what: &str, at_least: usize) -> BridgeResult<()> {
    non_null(a, what)?;
    let len = a.len(env)?;
    if len < at_least {
        return Err(illegal(format!(
            "{what}: length {len}, needs at least {at_least}"
        )));
    }
    Ok(())
}

/// Copies cells `[first, first + count)` and their text out of Java, checking the offsets.
fn read_chunk(
    env: &Env<'_>,
    cells: &CellArrays<'_, '_>,
    first: usize,
    count: usize,
    text_len: usize,
    chunk: &mut Chunk,
) -> BridgeResult<()> {
    chunk.kinds.resize(count, 0);
    chunk.numbers.resize(count, 0.0);
    chunk.ends.resize(count, 0);
    let at = jsize(first, "cell offset")?;
    cells.kinds.get_region(env, at, &mut chunk.kinds)?;
    cells.numbers.get_region(env, at, &mut chunk.numbers)?;
    cells.text_ends.get_region(env, at, &mut chunk.ends)?;
    let start = if first == 0 {
        0
    } else {
        let mut before = [0i32];
        cells.text_ends.get_region(env, at - 1, &mut before)?;
        before[0]
    };
    let mut previous = start;
    for &end in &chunk.ends {
        if end < previous || end as usize > text_len {
            return Err(illegal(format!(
                "cell text offsets: {end} after {previous}, text length {text_len}"
            )));
        }
        previous = end;
    }
    chunk.text_start = start as usize;
    chunk.text.resize((previous - start) as usize, 0);
    let signed: &mut [i8] = bytemuck_i8(&mut chunk.text);
    cells.text.get_region(env, start, signed)?;
    Ok(())
}

/// The same bytes seen as `i8` (Java's `byte`), to copy a region straight into them.
fn bytemuck_i8(bytes: &mut [u8]) -> &mut [i8] {
    // SAFETY: u8 and i8 have the same size, alignment and validity.
    unsafe { std::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast::<i8>(), bytes.len()) }
}

/// Scores `n_rows` rows of raw cells of a pipeline model (see the module comment).
pub fn score_cells(
    env: &mut Env<'_>,
    loaded: &Loaded,
    n_rows: jint,
    cells: CellArrays<'_, '_>,
    out: CellOutputs<'_, '_>,
    options: CellOptions,
) -> BridgeResult<()> {
    let pipeline = loaded.pipeline.as_ref().ok_or_else(|| {
        BridgeError::IllegalState("ae4j: the model has no preprocessing pipeline".into())
    })?;
    let n =
        usize::try_from(n_rows).map_err(|_| illegal(format!("row count {n_rows} is negative")))?;
    let k = decision::explain_count(loaded, options.explain)?;
    let features: Option<DeepFeatures> = if out.deep.is_null() {
        None
    } else {
        Some(crate::deep::layer(&loaded.model, options.layer)?)
    };
    let shape = Shape {
        rows: n,
        width: pipeline.inputs().len(),
        stride: decision::stride(k),
        deep_width: features.as_ref().map_or(0, DeepFeatures::width),
    };
    let text_len = check_arrays(env, loaded, &shape, &cells, &out)?;
    let score_options = ScoreOptions {
        convert: options.convert,
        threshold: decision::threshold_arg(options.threshold)?,
        outputs: Outputs {
            explain: if out.decisions.is_null() { 0 } else { k },
            ..Outputs::default()
        },
    };
    let mut scorer = Scorer::new(&loaded.model, loaded.calibration.as_ref(), score_options)
        .with_pipeline(pipeline);
    if let Some(f) = &features {
        scorer = scorer.with_deep_features(f);
    }
    score_chunks(env, &scorer, &shape, &cells, text_len, &out, k)
}

/// A batch's sizes: rows, cells per row (the pipeline's inputs), decision stride, deep width.
struct Shape {
    rows: usize,
    width: usize,
    stride: usize,
    deep_width: usize,
}

impl Shape {
    fn per_row(&self, per_row: usize, what: &str) -> BridgeResult<usize> {
        self.rows
            .checked_mul(per_row)
            .ok_or_else(|| illegal(format!("{what}: {} rows overflow", self.rows)))
    }
}

/// Every input and output array is there and large enough for the batch (the outputs asked
/// for: decisions and deep features only when given); the length of the text array.
fn check_arrays(
    env: &mut Env<'_>,
    loaded: &Loaded,
    shape: &Shape,
    cells: &CellArrays<'_, '_>,
    out: &CellOutputs<'_, '_>,
) -> BridgeResult<usize> {
    let (nf, ns) = (loaded.model.n_features(), loaded.model.n_slots());
    let n_cells = shape.per_row(shape.width, "cells")?;
    check_bytes(env, cells.kinds, "cell kinds", n_cells)?;
    check_len(env, cells.numbers, "cell numbers", n_cells)?;
    check_ints(env, cells.text_ends, "cell text ends", n_cells)?;
    let text_len = check_bytes(env, cells.text, "cell text", 0)?;
    let outputs = [
        (out.raw, "raw output", nf),
        (out.reconstructed, "reconstructed output", ns),
        (out.squared_errors, "squared-errors output", ns),
        (out.mse, "mse output", 1),
    ];
    for (array, what, per_row) in outputs {
        check_len(env, array, what, shape.per_row(per_row, what)?)?;
    }
    non_null(out.failures, "failures output")?;
    let failures = shape.per_row(3, "failures output")?;
    if out.failures.len(env)? < failures {
        return Err(illegal(format!(
            "failures output: needs {failures} entries"
        )));
    }
    if !out.decisions.is_null() {
        let what = "decision output";
        check_len(env, out.decisions, what, shape.per_row(shape.stride, what)?)?;
    }
    if !out.deep.is_null() {
        let what = "deep features output";
        check_len(env, out.deep, what, shape.per_row(shape.deep_width, what)?)?;
    }
    Ok(text_len)
}

/// Scores the batch [`CHUNK_ROWS`] rows at a time: one region copy per input array in, one per
/// output array out, per chunk; a failed row's kind, column and message into `failures`.
fn score_chunks(
    env: &mut Env<'_>,
    scorer: &Scorer<'_>,
    shape: &Shape,
    cells: &CellArrays<'_, '_>,
    text_len: usize,
    out: &CellOutputs<'_, '_>,
    k: usize,
) -> BridgeResult<()> {
    let model = scorer.model();
    let names: Vec<&str> = match scorer.pipeline() {
        Some(p) => p.inputs().iter().map(|i| i.name.as_str()).collect(),
        None => Vec::new(),
    };
    let (n, width) = (shape.rows, shape.width);
    let rows = CHUNK_ROWS.min(n.max(1));
    let (nf, ns) = (model.n_features(), model.n_slots());
    let mut buffers = Buffers::new(rows, nf, ns, shape.stride, shape.deep_width);
    let (decides, deep) = (!out.decisions.is_null(), !out.deep.is_null());
    let mut chunk = Chunk::default();
    let mut start = 0;
    while start < n {
        let m = CHUNK_ROWS.min(n - start);
        read_chunk(env, cells, start * width, m * width, text_len, &mut chunk)?;
        let mut failed = Vec::new();
        // Per chunk: the cells borrow this chunk's text, which the next chunk overwrites.
        let mut row_cells = Vec::with_capacity(width);
        for r in 0..m {
            row_cells.clear();
            for (c, name) in names.iter().enumerate() {
                row_cells.push((*name, chunk.cell(r * width + c)?));
            }
            if let Err(f) = buffers.score_row(scorer, r, &row_cells, k) {
                failed.push((r, f));
            }
        }
        buffers.write(env, out, start, m, decides, deep)?;
        for (r, f) in failed {
            write_failure(env, out.failures, start + r, &f)?;
        }
        start += m;
    }
    Ok(())
}

/// One chunk's outputs, written to Java with one region copy per array.
struct Buffers {
    nf: usize,
    ns: usize,
    stride: usize,
    deep_width: usize,
    raw: Vec<f64>,
    rec: Vec<f64>,
    se: Vec<f64>,
    mse: Vec<f64>,
    decisions: Vec<f64>,
    deep: Vec<f64>,
}

impl Buffers {
    fn new(rows: usize, nf: usize, ns: usize, stride: usize, deep_width: usize) -> Self {
        Buffers {
            nf,
            ns,
            stride,
            deep_width,
            raw: vec![0.0; rows * nf],
            rec: vec![0.0; rows * ns],
            se: vec![0.0; rows * ns],
            mse: vec![0.0; rows],
            decisions: vec![0.0; rows * stride],
            deep: vec![0.0; rows * deep_width],
        }
    }

    /// Row `r` of the chunk through the core's row path (pipeline, conversion, score, decision,
    /// explanation, deep features), into the buffers; a failed row's scores are NaN.
    fn score_row(
        &mut self,
        scorer: &Scorer<'_>,
        r: usize,
        cells: &[(&str, Cell<'_>)],
        k: usize,
    ) -> Result<(), RowFailure> {
        let (nf, ns, st, dw) = (self.nf, self.ns, self.stride, self.deep_width);
        let result = with_work(scorer.model(), |w| {
            let scored = w.rows.score(scorer, |c| {
                c.named(|out| {
                    out.extend_from_slice(cells);
                    Ok(())
                })
            })?;
            self.mse[r] = scored.mse;
            self.rec[r * ns..(r + 1) * ns].copy_from_slice(scored.reconstruction);
            self.se[r * ns..(r + 1) * ns].copy_from_slice(scored.squared_errors);
            self.deep[r * dw..(r + 1) * dw].copy_from_slice(scored.deep_features);
            let out = &mut self.decisions[r * st..(r + 1) * st];
            decision::write_decision(scored.decision, scored.explanation, k, out);
            // The post-pipeline raw row, for genmodel's `original`.
            self.raw[r * nf..(r + 1) * nf].copy_from_slice(w.rows.raw_mut());
            Ok(())
        });
        if result.is_err() {
            self.mse[r] = f64::NAN;
            self.raw[r * nf..(r + 1) * nf].fill(f64::NAN);
            self.rec[r * ns..(r + 1) * ns].fill(f64::NAN);
            self.se[r * ns..(r + 1) * ns].fill(f64::NAN);
            self.deep[r * dw..(r + 1) * dw].fill(f64::NAN);
            let out = &mut self.decisions[r * st..(r + 1) * st];
            decision::write_decision(scorer.decide(f64::NAN), &[], k, out);
        }
        result
    }

    /// Rows `[start, start + m)`'s outputs to Java.
    fn write(
        &self,
        env: &mut Env<'_>,
        out: &CellOutputs<'_, '_>,
        start: usize,
        m: usize,
        decides: bool,
        deep: bool,
    ) -> BridgeResult<()> {
        let at = |per_row: usize| jsize(start * per_row, "output offset");
        out.raw
            .set_region(env, at(self.nf)?, &self.raw[..m * self.nf])?;
        out.reconstructed
            .set_region(env, at(self.ns)?, &self.rec[..m * self.ns])?;
        out.squared_errors
            .set_region(env, at(self.ns)?, &self.se[..m * self.ns])?;
        out.mse.set_region(env, at(1)?, &self.mse[..m])?;
        if decides {
            out.decisions
                .set_region(env, at(self.stride)?, &self.decisions[..m * self.stride])?;
        }
        if deep {
            out.deep
                .set_region(env, at(self.deep_width)?, &self.deep[..m * self.deep_width])?;
        }
        Ok(())
    }
}

/// A failed row's kind, column (or null) and message at `3 * row` of `failures`.
fn write_failure(
    env: &mut Env<'_>,
    failures: &JObjectArray<'_, JString<'_>>,
    row: usize,
    f: &RowFailure,
) -> BridgeResult<()> {
    let texts = [
        Some(f.kind.as_str()),
        f.column.as_deref(),
        Some(f.message.as_str()),
    ];
    for (i, text) in texts.into_iter().enumerate() {
        if let Some(t) = text {
            // One local reference at a time: deleted at the end of each iteration.
            let js = JString::from_str(env, t)?.auto();
            failures.set_element(env, 3 * row + i, &*js)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two rows of three cells, as Java's CellBatch packs them.
    fn chunk() -> Chunk {
        Chunk {
            kinds: vec![TEXT, NUMBER, MISSING, TYPED_NUMBER, OTHER, TEXT],
            numbers: vec![f64::NAN, 1.5, f64::NAN, 7.0, f64::NAN, f64::NAN],
            ends: vec![13, 13, 13, 30, 47, 49],
            text: "2024-03-05Zjava.lang.Integerjava.lang.Booleané"
                .as_bytes()
                .to_vec(),
            text_start: 2, // the chunk starts after 2 bytes of an earlier chunk's text
        }
    }

    #[test]
    fn cells_are_read_by_kind_from_their_text_slices() {
        let c = chunk();
        assert_eq!(c.cell(0).unwrap(), Cell::Text("2024-03-05Z"));
        assert_eq!(c.cell(1).unwrap(), Cell::Number(1.5));
        assert_eq!(c.cell(2).unwrap(), Cell::Missing);
        assert_eq!(
            c.cell(3).unwrap(),
            Cell::TypedNumber(7.0, "java.lang.Integer")
        );
        assert_eq!(c.cell(4).unwrap(), Cell::Other("java.lang.Boolean"));
        assert_eq!(c.cell(5).unwrap(), Cell::Text("é"));
    }

    #[test]
    fn a_bad_kind_or_text_is_an_argument_error() {
        let mut c = chunk();
        c.kinds[1] = 9;
        assert!(matches!(c.cell(1), Err(BridgeError::IllegalArgument(m)) if m.contains("kind 9")));
        let last = c.text.len() - 1;
        c.text[last] = 0xff; // the second byte of é
        assert!(matches!(c.cell(5), Err(BridgeError::IllegalArgument(m)) if m.contains("UTF-8")));
    }
}
