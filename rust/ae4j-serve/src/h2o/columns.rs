//! Parse's frame building: the file's records streamed into one builder per column (numbers,
//! level codes, texts), so memory is the frame's own size, checked against the budget first.

use std::collections::HashMap;

use super::frames::{Col, ColData, Frame};
use super::guess::{is_na, number, records, ColType, Setup};
use super::H2oError;

/// One column being filled.
enum Builder {
    Num(Vec<f64>),
    /// Levels in first-seen order and each row's code (`u32::MAX`: NA); sorted at the end.
    Enum {
        index: HashMap<String, u32>,
        levels: Vec<String>,
        codes: Vec<u32>,
    },
    Text(Vec<Option<String>>),
}

impl Builder {
    fn new(kind: ColType) -> Self {
        match kind {
            ColType::Numeric => Builder::Num(Vec::new()),
            ColType::Enum => Builder::Enum {
                index: HashMap::new(),
                levels: Vec::new(),
                codes: Vec::new(),
            },
            ColType::Text => Builder::Text(Vec::new()),
        }
    }

    fn push(&mut self, cell: Option<&str>) {
        match self {
            Builder::Num(v) => v.push(cell.and_then(number).unwrap_or(f64::NAN)),
            Builder::Text(v) => v.push(cell.map(str::to_string)),
            Builder::Enum {
                index,
                levels,
                codes,
            } => codes.push(match cell {
                None => u32::MAX,
                Some(c) => *index.entry(c.to_string()).or_insert_with(|| {
                    levels.push(c.to_string());
                    (levels.len() - 1) as u32
                }),
            }),
        }
    }

    /// The column, with an enum's domain sorted as H2O's parser sorts it (by bytes).
    fn finish(self, name: String) -> Col {
        let data = match self {
            Builder::Num(v) => ColData::Num(v),
            Builder::Text(v) => ColData::Str(v),
            Builder::Enum { levels, codes, .. } => {
                let mut order: Vec<usize> = (0..levels.len()).collect();
                order.sort_by(|&a, &b| levels[a].cmp(&levels[b]));
                let mut rank = vec![0f64; levels.len()];
                for (new, &old) in order.iter().enumerate() {
                    rank[old] = new as f64;
                }
                let codes = codes
                    .iter()
                    .map(|&c| {
                        if c == u32::MAX {
                            f64::NAN
                        } else {
                            rank[c as usize]
                        }
                    })
                    .collect();
                let mut levels = levels;
                levels.sort();
                ColData::Enum {
                    domain: levels,
                    codes,
                }
            }
        };
        Col { name, data }
    }
}

/// What Parse was asked to build.
pub struct Plan {
    pub names: Vec<String>,
    pub types: Vec<ColType>,
    pub skipped: Vec<usize>,
    pub na: Vec<Vec<String>>,
}

/// An upper bound of the frame's bytes (see `Col::bytes`), counted from the files without
/// parsing them: per row 8 for a number, 24 for a text cell, 32 for a level code (its code, and
/// at worst a level of its own), plus the text itself.
pub fn estimate(texts: &[&str], plan: &Plan) -> usize {
    let per_row: usize = (0..plan.types.len())
        .filter(|j| !plan.skipped.contains(j))
        .map(|j| match plan.types[j] {
            ColType::Numeric => 8,
            ColType::Text => 24,
            ColType::Enum => 32,
        })
        .sum();
    let names: usize = plan.names.iter().map(String::len).sum();
    texts
        .iter()
        .map(|t| {
            let rows = t.bytes().filter(|&b| b == b'\n').count() + 1;
            rows.saturating_mul(per_row).saturating_add(t.len())
        })
        .sum::<usize>()
        .saturating_add(names)
}

/// Builds the frame from every source's text (each with the setup's header, skipped).
pub fn build(texts: &[&str], setup: &Setup, plan: &Plan) -> Result<Frame, H2oError> {
    let keep: Vec<usize> = (0..plan.names.len())
        .filter(|j| !plan.skipped.contains(j))
        .collect();
    let mut builders: Vec<Builder> = keep.iter().map(|&j| Builder::new(plan.types[j])).collect();
    let mut rows = 0;
    for text in texts {
        let mut recs = records(text, setup.separator, setup.single_quotes);
        if setup.header {
            recs.next().transpose()?;
        }
        for rec in recs {
            let rec = rec?;
            for (b, &j) in builders.iter_mut().zip(&keep) {
                b.push(rec.get(j).filter(|c| !is_na(c, &plan.na[j])));
            }
            rows += 1;
        }
    }
    let cols = builders
        .into_iter()
        .zip(&keep)
        .map(|(b, &j)| b.finish(plan.names[j].clone()))
        .collect();
    Ok(Frame { rows, cols })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::h2o::guess::{guess, tests::CSV};

    #[test]
    fn builds_with_types_names_and_na() {
        let s = guess(CSV, 0, None, false, &[]).unwrap();
        use ColType::*;
        let plan = Plan {
            names: s.names.clone(),
            types: vec![Enum, Numeric, Enum, Enum],
            skipped: vec![],
            na: vec![vec![], vec![], vec![], vec!["ZZZ".into()]],
        };
        let f = build(&[CSV], &s, &plan).unwrap();
        assert_eq!(f.rows, 4);
        let ColData::Enum { domain, codes } = &f.cols[0].data else {
            panic!()
        };
        assert_eq!(domain, &["store", "web"]);
        assert_eq!(codes[0], 0.0);
        assert!(codes[2].is_nan());
        let ColData::Enum { domain, codes } = &f.cols[3].data else {
            panic!()
        };
        assert_eq!(domain, &["3", "5"], "ZZZ is an NA string here");
        assert!(codes[2].is_nan());
        assert_eq!(f.cols[1].type_name(), "int");
        let ColData::Enum { domain, codes } = &f.cols[2].data else {
            panic!()
        };
        assert_eq!(
            domain,
            &["DE", "Korea, Rep.", "US"],
            "sorted, NA not a level"
        );
        assert_eq!(codes[..3], [1.0, 0.0, 2.0]);
    }

    #[test]
    fn several_sources_and_skipped_columns() {
        let s = guess(CSV, 0, None, false, &[]).unwrap();
        let plan = Plan {
            names: s.names.clone(),
            types: s.types.clone(),
            skipped: vec![0, 2],
            na: vec![vec![]; 4],
        };
        let f = build(&[CSV, CSV], &s, &plan).unwrap();
        assert_eq!(f.rows, 8);
        assert_eq!(f.cols.len(), 2);
        assert_eq!(f.cols[0].name, "age");
    }

    #[test]
    fn the_estimate_bounds_the_frame() {
        let s = guess(CSV, 0, None, false, &[]).unwrap();
        let plan = Plan {
            names: s.names.clone(),
            types: s.types.clone(),
            skipped: vec![],
            na: vec![vec![]; 4],
        };
        let f = build(&[CSV], &s, &plan).unwrap();
        let mut text_plan = plan;
        text_plan.types = vec![ColType::Text; 4];
        let t = build(&[CSV], &s, &text_plan).unwrap();
        text_plan.types = s.types.clone();
        assert!(f.bytes() <= estimate(&[CSV], &text_plan));
        text_plan.types = vec![ColType::Text; 4];
        assert!(t.bytes() <= estimate(&[CSV], &text_plan));
    }
}
