//! CSV in and out, as `ae4j predict` reads and writes it: a header row naming the model's
//! columns in; the core's score table ([`ae4j_core::table`]: its columns, numbers and quoting)
//! out, here always with an `error` column.

use ae4j_core::table::{Layout, ScoreTable};
use ae4j_core::Model;

use crate::api::ApiError;
use crate::scoring::{Options, Outcome, Rows};

/// Parses a CSV body with a header row.
pub fn parse(body: &[u8], max_rows: usize) -> Result<Rows, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true) // a ragged row is that row's error, not the request's
        .from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::bad_request(format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        return Err(ApiError::bad_request(
            "the CSV body is empty: expected a header row naming the model's columns",
        ));
    }
    let mut records = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| ApiError::bad_request(format!("cannot parse the CSV body: {e}")))?;
        records.push(record);
        if records.len() > max_rows {
            return Err(ApiError::too_many_rows(records.len(), max_rows));
        }
    }
    Ok(Rows::Csv { header, records })
}

/// The scores as CSV, one line per input row in order, laid out by the core's score table
/// (with an `error` column always: a CSV answer carries its failed rows).
pub fn render(model: &Model, outcome: &Outcome, options: Options) -> String {
    let layout = Layout {
        per_feature: options.per_feature,
        reconstruction: options.reconstruction,
        decision: outcome.decisions.is_some(),
        explain: options.explain,
        error_column: true,
    };
    let deep_features = crate::scoring::chosen_features(model, options);
    let table = ScoreTable::new(model, layout, &[], ',').with_deep_features(&deep_features);
    let columns = table.column_names().len();
    let mut out = String::with_capacity(32 * columns * (1 + outcome.rows()));
    out.push_str(&table.header_line());
    for i in 0..outcome.rows() {
        match outcome.row(i) {
            Ok(row) => table.push_row(&mut out, &row),
            Err(f) => table.push_failure(&mut out, &f.typed()),
        }
    }
    out
}
