//! `model.ini` as genmodel reads it (`ModelMojoReader.parseModelInfo`): trimmed lines, `#`
//! comments and blank lines skipped in every section, `key = value` in `[info]`, one name a
//! line in `[columns]`, `<col>: <count> <file>` in `[domains]`. Values stay text; typed parsing
//! (with the key in every error) is in [`crate::values`].

use std::collections::HashMap;

use crate::error::ModelError;

#[derive(Debug, Default)]
pub struct Ini {
    /// `[info]` key -> (line number, value).
    pub info: HashMap<String, (usize, String)>,
    pub columns: Vec<String>,
    pub domains: Vec<DomainRef>,
}

/// One `[domains]` line: column `column` has `count` levels in `domains/<file>`.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainRef {
    pub line: usize,
    pub column: usize,
    pub count: usize,
    pub file: String,
}

pub fn parse(text: &str, path: &str) -> Result<Ini, ModelError> {
    let syntax = |line: usize, reason: String| ModelError::Syntax {
        path: path.to_string(),
        line,
        reason,
    };
    let mut ini = Ini::default();
    let mut section = "";
    // Lines end in \n or \r\n (H2O writes \n).
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            section = match line {
                "[info]" => "info",
                "[columns]" => "columns",
                "[domains]" => "domains",
                other => return Err(syntax(line_no, format!("unknown section {other}"))),
            };
            continue;
        }
        match section {
            "info" => {
                let Some((key, value)) = line.split_once('=') else {
                    return Err(syntax(
                        line_no,
                        format!("expected 'key = value', found '{}'", clip(line)),
                    ));
                };
                ini.info
                    .insert(key.trim().to_string(), (line_no, value.trim().to_string()));
            }
            "columns" => ini.columns.push(line.to_string()),
            "domains" => ini
                .domains
                .push(parse_domain_line(line, line_no).map_err(|r| syntax(line_no, r))?),
            _ => return Err(syntax(line_no, "content before the [info] section".into())),
        }
    }
    Ok(ini)
}

fn parse_domain_line(line: &str, line_no: usize) -> Result<DomainRef, String> {
    let err = || {
        format!(
            "expected '<column>: <count> <file>', found '{}'",
            clip(line)
        )
    };
    let (col, rest) = line.split_once(':').ok_or_else(err)?;
    let (count, file) = rest.trim_start().split_once(' ').ok_or_else(err)?;
    Ok(DomainRef {
        line: line_no,
        column: col.trim().parse().map_err(|_| err())?,
        count: count.parse().map_err(|_| err())?,
        file: file.trim().to_string(),
    })
}

/// Error messages quote at most 80 chars of a line (a weight line can be megabytes).
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections() {
        let ini = parse(
            "[info]\n# c\nalgo = deeplearning\r\n  n_columns=2 \n\n[columns]\n a \nb\n[domains]\n0: 3 d000.txt\n",
            "m.zip",
        )
        .unwrap();
        assert_eq!(ini.info["algo"], (3, "deeplearning".to_string()));
        assert_eq!(ini.info["n_columns"].1, "2");
        assert_eq!(ini.columns, ["a", "b"]);
        assert_eq!(
            ini.domains,
            [DomainRef {
                line: 10,
                column: 0,
                count: 3,
                file: "d000.txt".into()
            }]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("[info]\nalgo\n", "m.zip").unwrap_err().to_string();
        assert!(e.contains("m.zip: line 2"), "{e}");
        let e = parse("[info]\n[domains]\n0 3 d000.txt\n", "m.zip")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3"), "{e}");
        assert!(parse("x = 1\n", "m.zip").is_err());
        assert!(parse("[weird]\n", "m.zip").is_err());
    }
}
