//! ParseSetup's guesses, as H2O makes them: the separator, the header, and each column's type
//! (Numeric, Enum, String), from the first rows of a file.

use super::H2oError;

/// Rows read to guess (H2O guesses from the first chunk too).
const GUESS_ROWS: usize = 10_000;

/// H2O's column types (`ParseSetup.column_types`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    Numeric,
    Enum,
    Text,
}

impl ColType {
    pub fn name(self) -> &'static str {
        match self {
            ColType::Numeric => "Numeric",
            ColType::Enum => "Enum",
            ColType::Text => "String",
        }
    }

    /// A type as Parse takes it: H2O's names in any case, and the `col_types` spellings h2o-py
    /// passes (`enum`, `numeric`, `real`, `int`, `string`, `factor`, ...).
    pub fn from_name(name: &str) -> Option<ColType> {
        Some(match name.to_ascii_lowercase().as_str() {
            "numeric" | "real" | "int" | "double" | "float" | "bad" => ColType::Numeric,
            "enum" | "categorical" | "factor" => ColType::Enum,
            "string" | "str" | "time" | "uuid" => ColType::Text,
            _ => return None,
        })
    }
}

/// What ParseSetup guesses (and Parse may override).
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub separator: u8,
    pub single_quotes: bool,
    pub header: bool,
    pub names: Vec<String>,
    pub types: Vec<ColType>,
    /// The first data rows, as ParseSetup shows them.
    pub preview: Vec<Vec<String>>,
}

/// A number as H2O's parser reads a cell (trimmed; words like `inf`/`nan` are not numbers).
pub fn number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    if !t.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

pub fn is_na(cell: &str, na: &[String]) -> bool {
    cell.is_empty() || na.iter().any(|s| s == cell)
}

/// The separator: the most frequent of `, \t ; |` on the first line; a space only when none of
/// those occurs (names like `sepal length (cm)` hold spaces); `,` for a single column.
fn guess_separator(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |s: u8| line.bytes().filter(|&b| b == s).count();
    [b',', b'\t', b';', b'|']
        .into_iter()
        .map(|s| (count(s), s))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, s)| (n, std::cmp::Reverse(s)))
        .map(|(_, s)| s)
        .unwrap_or(if count(b' ') > 0 { b' ' } else { b',' })
}

/// The file's records, blank lines skipped, read as they are needed.
pub fn records(
    text: &str,
    separator: u8,
    single_quotes: bool,
) -> impl Iterator<Item = Result<csv::StringRecord, H2oError>> + '_ {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .quote(if single_quotes { b'\'' } else { b'"' })
        .from_reader(text.as_bytes())
        .into_records()
        .map(|r| r.map_err(|e| H2oError::bad_request(format!("cannot parse the file: {e}"))))
        .filter(|r| !matches!(r, Ok(rec) if rec.len() == 1 && rec[0].trim().is_empty()))
}

/// Numeric if number cells are at least as many as the other non-NA cells (so a few `ZZZ` in a
/// numeric column stay NA, as in H2O), else Enum.
pub fn guess_type<'a>(cells: impl Iterator<Item = &'a str>, na: &[String]) -> ColType {
    let (mut nums, mut words) = (0usize, 0usize);
    for c in cells.filter(|c| !is_na(c, na)) {
        if number(c).is_some() {
            nums += 1;
        } else {
            words += 1;
        }
    }
    if words > nums {
        ColType::Enum
    } else {
        ColType::Numeric
    }
}

/// `check_header`: 1 has a header, -1 has none, 0 guess: the first line is a header when none
/// of its cells is a number or empty, and some column below it holds numbers or the line's
/// cells do not recur in their columns.
fn guess_header(rows: &[Vec<String>], check_header: i64) -> bool {
    match check_header {
        1 => return true,
        -1 => return false,
        _ => {}
    }
    let Some(first) = rows.first() else {
        return false;
    };
    if first
        .iter()
        .any(|c| c.trim().is_empty() || number(c).is_some())
    {
        return false;
    }
    let below = &rows[1..];
    below.is_empty()
        || (0..first.len()).any(|j| {
            below
                .iter()
                .any(|r| r.get(j).is_some_and(|c| number(c).is_some()))
        })
        || first
            .iter()
            .enumerate()
            .all(|(j, h)| !below.iter().any(|r| r.get(j) == Some(h)))
}

/// Guesses a file's setup from its first rows; `na` are the NA strings per column, if known.
pub fn guess(
    text: &str,
    check_header: i64,
    separator: Option<u8>,
    single_quotes: bool,
    na: &[Vec<String>],
) -> Result<Setup, H2oError> {
    let separator = separator.unwrap_or_else(|| guess_separator(text));
    let rows: Vec<Vec<String>> = records(text, separator, single_quotes)
        .take(GUESS_ROWS + 1)
        .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
        .collect::<Result<_, _>>()?;
    let header = guess_header(&rows, check_header);
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let names: Vec<String> = (0..width)
        .map(|j| match (header, rows.first().and_then(|r| r.get(j))) {
            (true, Some(n)) if !n.trim().is_empty() => n.trim().to_string(),
            _ => format!("C{}", j + 1),
        })
        .collect();
    let data = if header { &rows[1..] } else { &rows[..] };
    let none = Vec::new();
    let types = (0..width)
        .map(|j| {
            let cells = data.iter().filter_map(|r| r.get(j).map(String::as_str));
            guess_type(cells, na.get(j).unwrap_or(&none))
        })
        .collect();
    Ok(Setup {
        separator,
        single_quotes,
        header,
        names,
        types,
        preview: data.iter().take(10).cloned().collect(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const CSV: &str = "channel,age,country,visits\nstore,19.0,\"Korea, Rep.\",\nweb,47,DE,5\n,51,US,ZZZ\nweb,44,,3\n";

    #[test]
    fn guesses_like_h2o() {
        let s = guess(CSV, 0, None, false, &[]).unwrap();
        assert_eq!(s.separator, b',');
        assert!(s.header);
        assert_eq!(s.names, ["channel", "age", "country", "visits"]);
        use ColType::*;
        // A numeric column with one `ZZZ` stays numeric (the cell becomes NA), as in H2O.
        assert_eq!(s.types, [Enum, Numeric, Enum, Numeric]);
        assert_eq!(s.preview.len(), 4);
        assert_eq!(s.preview[0][2], "Korea, Rep.");
    }

    #[test]
    fn header_and_separator_guesses() {
        let s = guess("1;2\n3;4\n", 0, None, false, &[]).unwrap();
        assert_eq!(s.separator, b';');
        assert!(!s.header);
        assert_eq!(s.names, ["C1", "C2"]);
        let s = guess("a b,c d\n1 2,3\n", 0, None, false, &[]).unwrap();
        assert_eq!(
            (s.separator, s.names.len()),
            (b',', 2),
            "spaces inside names"
        );
        let s = guess("a\tb\nx\ty\n", 0, None, false, &[]).unwrap();
        assert_eq!(s.separator, b'\t');
        assert!(s.header, "a header of words over other words");
        let s = guess("a,b\na,y\n", 0, None, false, &[]).unwrap();
        assert!(!s.header, "the first line recurs below: data");
        let s = guess("a,b\na,y\n", 1, None, false, &[]).unwrap();
        assert!(s.header, "check_header=1 forces it");
    }

    #[test]
    fn type_names_from_h2o_and_h2o_py() {
        assert_eq!(ColType::from_name("enum"), Some(ColType::Enum));
        assert_eq!(ColType::from_name("Numeric"), Some(ColType::Numeric));
        assert_eq!(ColType::from_name("string"), Some(ColType::Text));
        assert_eq!(ColType::from_name("nope"), None);
    }
}
