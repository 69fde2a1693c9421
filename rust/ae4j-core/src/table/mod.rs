//! **The score table**: the one place where a column of output gets its name, its order and
//! its text. The CLI's CSV, the service's CSV and JSON answers, and (through the JNI bridge)
//! Java and Spark take their column names from here.
//!
//! A table is [`ColumnGroup`]s in a fixed order: the kept input columns, `Reconstruction.MSE`,
//! `anomaly` and `percentile` (when a decision is made), `reconstr_<slot>.SE` per slot,
//! `reconstr_<slot>` per slot, `top_<i>_column` and `top_<i>_share` per explanation entry,
//! H2O's deep features `DF.L<layer+1>.C<unit>` (when asked for, after every other score column)
//! and `error` (when rows may fail). A row is written from a [`Scored`] row of
//! [`crate::scorer`], a failed row as empty scores and its error.
//!
//! # Extension point
//! A new output of the row path is one more [`ColumnGroup`] variant: its place in
//! [`Layout::groups`] (or [`ScoreTable::with_deep_features`]'s), its names in
//! [`ScoreTable::group_names`] and its cells in [`ColumnGroup::push`] (the matches are
//! exhaustive, so the compiler lists what is left to do).

mod text;

pub use text::{push_field, push_number};

use crate::deep::DeepFeatures;
use crate::model::Model;
use crate::scorer::Scored;

pub const MSE_COLUMN: &str = "Reconstruction.MSE";
pub const ANOMALY_COLUMN: &str = "anomaly";
pub const PERCENTILE_COLUMN: &str = "percentile";
pub const ERROR_COLUMN: &str = "error";

/// H2O's name of a slot's squared-error column (`anomaly(per_feature=True)`).
pub fn se_column(slot: &str) -> String {
    format!("reconstr_{slot}.SE")
}

/// H2O's name of a slot's reconstruction column (`predict()`).
pub fn reconstruction_column(slot: &str) -> String {
    format!("reconstr_{slot}")
}

/// The names of the `i`-th (1-based) explanation entry's column and share.
pub fn explanation_columns(i: usize) -> [String; 2] {
    [format!("top_{i}_column"), format!("top_{i}_share")]
}

/// Every slot's squared-error column name, in slot order.
pub fn se_columns(model: &Model) -> Vec<String> {
    model.slot_names().iter().map(|s| se_column(s)).collect()
}

/// Every slot's reconstruction column name, in slot order.
pub fn reconstruction_columns(model: &Model) -> Vec<String> {
    model
        .slot_names()
        .iter()
        .map(|s| reconstruction_column(s))
        .collect()
}

/// Which column groups a table has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Layout {
    pub per_feature: bool,
    pub reconstruction: bool,
    /// `anomaly` and `percentile` (the model is calibrated or a threshold was given).
    pub decision: bool,
    /// `top_<i>_column`, `top_<i>_share` for this many explanation entries.
    pub explain: usize,
    /// An `error` column (rows that cannot be scored are written, not refused).
    pub error_column: bool,
}

/// A run of columns that one output of the row path fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnGroup {
    Mse,
    Decision,
    PerFeature,
    Reconstruction,
    /// This many `top_<i>_column`/`top_<i>_share` pairs.
    Explanation(usize),
    /// The chosen hidden layers' `DF.L<layer+1>.C<unit>` columns ([`ScoreTable::with_deep_features`]).
    DeepFeatures,
    Error,
}

impl Layout {
    /// The score column groups in table order (the kept input columns come before them).
    pub fn groups(&self) -> Vec<ColumnGroup> {
        let wanted = [
            (true, ColumnGroup::Mse),
            (self.decision, ColumnGroup::Decision),
            (self.per_feature, ColumnGroup::PerFeature),
            (self.reconstruction, ColumnGroup::Reconstruction),
            (self.explain > 0, ColumnGroup::Explanation(self.explain)),
            (self.error_column, ColumnGroup::Error),
        ];
        wanted
            .into_iter()
            .filter_map(|(on, g)| on.then_some(g))
            .collect()
    }
}

impl ColumnGroup {
    /// A scored row's cells of this group, each after a separator (the MSE, always first,
    /// after none); the error cell of a scored row is empty.
    pub fn push(&self, line: &mut String, model: &Model, row: &Scored<'_>, sep: char) {
        let numbers = |line: &mut String, values: &[f64]| {
            for &v in values {
                line.push(sep);
                push_number(line, v);
            }
        };
        match *self {
            ColumnGroup::Mse => push_number(line, row.mse),
            ColumnGroup::Decision => {
                line.push(sep);
                if let Some(d) = row.decision {
                    line.push_str(if d.anomaly { "true" } else { "false" });
                }
                line.push(sep);
                if let Some(p) = row.decision.and_then(|d| d.percentile) {
                    push_number(line, p);
                }
            }
            ColumnGroup::PerFeature => numbers(line, row.squared_errors),
            ColumnGroup::Reconstruction => numbers(line, row.reconstruction),
            ColumnGroup::Explanation(k) => {
                for i in 0..k {
                    line.push(sep);
                    if let Some(&(column, share)) = row.explanation.get(i) {
                        push_field(line, &model.columns()[column].name, sep);
                        line.push(sep);
                        push_number(line, share);
                    } else {
                        line.push(sep);
                    }
                }
            }
            ColumnGroup::DeepFeatures => numbers(line, row.deep_features),
            ColumnGroup::Error => line.push(sep),
        }
    }
}

/// A table's shape for one model: its groups, kept input columns and separator.
#[derive(Debug, Clone)]
pub struct ScoreTable<'m> {
    model: &'m Model,
    groups: Vec<ColumnGroup>,
    kept: Vec<String>,
    sep: char,
    /// The `DF.` column names, when the table has deep features.
    deep_names: Vec<String>,
    /// Score columns before `error`: the empty cells of a failed row.
    score_columns: usize,
}

impl<'m> ScoreTable<'m> {
    /// `kept` names the input columns copied before the scores.
    pub fn new(model: &'m Model, layout: Layout, kept: &[String], sep: char) -> Self {
        let mut table = ScoreTable {
            model,
            groups: layout.groups(),
            kept: kept.to_vec(),
            sep,
            deep_names: Vec::new(),
            score_columns: 0,
        };
        table.count_score_columns();
        table
    }

    /// Adds the deep features' columns, after every other score column (before `error`), in
    /// the order the layers were chosen. A choice of no layer adds none.
    pub fn with_deep_features(mut self, features: &DeepFeatures) -> Self {
        if features.width() > 0 {
            let at = self.groups.iter().position(|g| *g == ColumnGroup::Error);
            self.groups
                .insert(at.unwrap_or(self.groups.len()), ColumnGroup::DeepFeatures);
            self.deep_names = features.column_names();
            self.count_score_columns();
        }
        self
    }

    fn count_score_columns(&mut self) {
        self.score_columns = self
            .groups
            .iter()
            .filter(|g| **g != ColumnGroup::Error)
            .map(|g| self.group_names(*g).len())
            .sum();
    }

    pub fn groups(&self) -> &[ColumnGroup] {
        &self.groups
    }

    /// A group's column names, in order.
    pub fn group_names(&self, group: ColumnGroup) -> Vec<String> {
        let model = self.model;
        match group {
            ColumnGroup::Mse => vec![MSE_COLUMN.into()],
            ColumnGroup::Decision => vec![ANOMALY_COLUMN.into(), PERCENTILE_COLUMN.into()],
            ColumnGroup::PerFeature => se_columns(model),
            ColumnGroup::Reconstruction => reconstruction_columns(model),
            ColumnGroup::Explanation(k) => (1..=k).flat_map(explanation_columns).collect(),
            ColumnGroup::DeepFeatures => self.deep_names.clone(),
            ColumnGroup::Error => vec![ERROR_COLUMN.into()],
        }
    }

    /// Every column name in order: the kept columns, the score columns, `error`.
    pub fn column_names(&self) -> Vec<String> {
        let mut names = self.kept.clone();
        names.extend(self.groups.iter().flat_map(|g| self.group_names(*g)));
        names
    }

    /// The header line (with its line break).
    pub fn header_line(&self) -> String {
        let mut line = String::new();
        for (i, c) in self.column_names().iter().enumerate() {
            if i > 0 {
                line.push(self.sep);
            }
            push_field(&mut line, c, self.sep);
        }
        line.push('\n');
        line
    }

    /// The kept input cells of a row, each followed by the separator.
    pub fn push_kept<S: AsRef<str>>(&self, line: &mut String, cells: impl IntoIterator<Item = S>) {
        for cell in cells {
            push_field(line, cell.as_ref(), self.sep);
            line.push(self.sep);
        }
    }

    /// A scored row's score cells (and an empty error cell), then the line break.
    pub fn push_row(&self, line: &mut String, row: &Scored<'_>) {
        for g in &self.groups {
            g.push(line, self.model, row, self.sep);
        }
        line.push('\n');
    }

    /// A row that could not be scored: empty score cells, `error` in the last, the line break.
    pub fn push_failure(&self, line: &mut String, error: &str) {
        for _ in 0..self.score_columns {
            line.push(self.sep);
        }
        push_field(line, error, self.sep);
        line.push('\n');
    }
}
