//! From named cell values to a raw row, with genmodel's `RowToRawDataConverter` rules: numbers
//! parsed like Java's `Double.parseDouble`, categoricals looked up exactly (then as
//! `<col>.<level>`), unknown levels and invalid numbers an error unless converted to NA, extra
//! columns ignored, absent columns missing. Used by every text route (CSV, JSON); the Java
//! wrapper applies the same rules to `RowData` on its side of the bridge.

use crate::error::RowError;
use crate::javanum::parse_java_double;
use crate::model::Model;

/// genmodel's `EasyPredictModelWrapper.Config` switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConvertOptions {
    /// An unknown categorical level becomes missing (the NA slot) instead of an error.
    pub unknown_categorical_to_na: bool,
    /// An unparsable number becomes missing instead of an error.
    pub invalid_number_to_na: bool,
}

/// One input value, typed as it arrived.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Absent, null, or a missing-value token.
    Missing,
    /// A number (genmodel's `Double`).
    Number(f64),
    /// A number of another type (e.g. `java.lang.Integer`): a numeric column takes its value
    /// (genmodel would refuse it), a categorical column names the type in its error.
    TypedNumber(f64, &'a str),
    /// Text (genmodel's `String`): a level, or a number to parse.
    Text(&'a str),
    /// Any other type, named as the error should name it (e.g. `java.lang.Boolean`).
    Other(&'a str),
}

/// The cell texts a CSV row uses for a missing value (those of genmodel's `PredictCsv`).
pub const CSV_MISSING_TOKENS: [&str; 4] = ["", "NA", "N/A", "-"];

impl Model {
    /// The raw value of one cell for input column `feature` (NaN = missing).
    pub fn convert_cell(
        &self,
        feature: usize,
        cell: Cell<'_>,
        options: ConvertOptions,
    ) -> Result<f64, RowError> {
        let column = &self.columns[feature];
        let categorical = column.is_categorical();
        match cell {
            Cell::Missing => Ok(f64::NAN),
            Cell::Number(v) if !categorical || v.is_nan() => Ok(v),
            Cell::Number(_) => Err(RowError::UnknownType {
                column: column.name.clone(),
                type_name: "java.lang.Double".into(),
                categorical,
            }),
            Cell::TypedNumber(v, _) if !categorical => Ok(v),
            Cell::Other(type_name) | Cell::TypedNumber(_, type_name) => {
                Err(RowError::UnknownType {
                    column: column.name.clone(),
                    type_name: type_name.to_string(),
                    categorical,
                })
            }
            Cell::Text(level) if categorical => match self.level_index(feature, level) {
                Some(i) => Ok(i as f64),
                None if options.unknown_categorical_to_na => Ok(f64::NAN),
                None => Err(RowError::UnknownCategoricalLevel {
                    column: column.name.clone(),
                    level: level.to_string(),
                }),
            },
            Cell::Text(text) => match parse_java_double(text) {
                Ok(v) => Ok(v),
                Err(_) if options.invalid_number_to_na => Ok(f64::NAN),
                Err(reason) => Err(RowError::NumberFormat {
                    column: column.name.clone(),
                    value: crate::javanum::java_trim(text).to_string(), // genmodel reports it trimmed
                    reason,
                }),
            },
        }
    }

    /// Fills `raw` (one value per input column) from named cells, given in the order they were
    /// put into the row. Names the model does not know are ignored; columns no cell names stay
    /// missing. When several cells are bad, the error is the one genmodel would throw.
    pub fn convert_row(
        &self,
        cells: &[(&str, Cell<'_>)],
        options: ConvertOptions,
        raw: &mut [f64],
    ) -> Result<(), RowError> {
        raw.fill(f64::NAN);
        for (name, cell) in cells {
            if let Some(feature) = self.column_index(name) {
                if let Some(slot) = raw.get_mut(feature) {
                    match self.convert_cell(feature, *cell, options) {
                        Ok(v) => *slot = v,
                        // No error from genmodel's view of the row: a later cell of the same
                        // name replaces this bad value (as `HashMap.put` does), so go on.
                        Err(_) => match self.genmodel_error(cells, options) {
                            Some(e) => return Err(e),
                            None => continue,
                        },
                    }
                }
            }
        }
        Ok(())
    }

    /// The error genmodel reports for a row with bad cells: it converts a `RowData` (a Java
    /// `HashMap`) in the map's iteration order and throws at the first bad cell. `cells` are the
    /// row's entries in insertion order, unknown names included (they size the map); a repeated
    /// name keeps its first position and its last value, as `HashMap.put` does.
    pub fn genmodel_error(
        &self,
        cells: &[(&str, Cell<'_>)],
        options: ConvertOptions,
    ) -> Option<RowError> {
        let names: Vec<&str> = cells.iter().map(|(n, _)| *n).collect();
        let last: std::collections::HashMap<&str, usize> =
            names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        java_hashmap_order(&names).into_iter().find_map(|i| {
            let (name, cell) = cells[last[names[i]]];
            let feature = self.column_index(name)?;
            self.convert_cell(feature, cell, options).err()
        })
    }

    /// For a header of names (a CSV header, say): the input column each position feeds, if any.
    pub fn map_header<S: AsRef<str>>(&self, header: &[S]) -> Vec<Option<usize>> {
        header
            .iter()
            .map(|h| self.column_index(h.as_ref()))
            .collect()
    }
}

/// A CSV cell as a [`Cell`]: the missing-value tokens are missing, anything else is text.
pub fn csv_cell(text: &str) -> Cell<'_> {
    if CSV_MISSING_TOKENS.contains(&text) {
        Cell::Missing
    } else {
        Cell::Text(text)
    }
}

/// The iteration order of a `java.util.HashMap<String, _>` filled with `keys` in this order
/// (default capacity 16, load factor 0.75): bucket by bucket, insertion order within a bucket.
/// A repeated key keeps its first position, as `put` does.
pub fn java_hashmap_order(keys: &[&str]) -> Vec<usize> {
    let mut first: Vec<usize> = Vec::with_capacity(keys.len());
    let mut seen = std::collections::HashMap::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        seen.entry(*k).or_insert_with(|| {
            first.push(i);
        });
    }
    let mut capacity = 16usize;
    while first.len() > capacity / 4 * 3 {
        capacity *= 2;
    }
    let bucket = |i: usize| {
        let h = java_string_hash(keys[i]);
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    // Resizing splits buckets but keeps relative order, so (bucket, insertion) is the order.
    first.sort_by_key(|&i| (bucket(i), i));
    first
}

/// `java.lang.String.hashCode()` (over UTF-16 code units), as an unsigned 32-bit value.
fn java_string_hash(s: &str) -> u32 {
    s.encode_utf16()
        .fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(c as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_errors_quote_the_trimmed_text() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/models/breast_cancer_tanhdropout.zip");
        let model = crate::load_model(&path).unwrap();
        let e = model
            .convert_cell(0, Cell::Text(" abc "), ConvertOptions::default())
            .unwrap_err();
        let column = &model.columns()[0].name;
        assert_eq!(e.to_string(), format!("Unable to parse value: abc, from column: {column}, as Double; For input string: \"abc\""));
    }

    #[test]
    fn java_string_hashes() {
        // Values from Java: "".hashCode() == 0, "a" == 97, "hello" == 99162322, "Aa" == "BB".
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("Aa"), java_string_hash("BB"));
        assert_eq!(java_string_hash("pixel_0_1") as i32, -139_522_391);
        assert_eq!(java_string_hash("Côte d'Ivoire") as i32, 1_225_918_843);
    }

    #[test]
    fn hashmap_order_is_bucket_then_insertion() {
        // "Aa" and "BB" share a bucket: insertion order decides between them.
        assert_eq!(java_hashmap_order(&["BB", "Aa"]), vec![0, 1]);
        assert_eq!(java_hashmap_order(&["Aa", "BB"]), vec![0, 1]);
        // "b" (98) sorts after "a" (97) whatever the insertion order.
        assert_eq!(java_hashmap_order(&["b", "a"]), vec![1, 0]);
        // Orders printed by a Java 17 HashMap filled in this order (the second one resized).
        let keys = [
            "pixel_0_2",
            "pixel_0_1",
            "zeta",
            "alpha",
            "Côte d'Ivoire",
            "x1",
            "x2",
            "x3",
            "x4",
            "x5",
            "x6",
            "x7",
            "x8",
            "x9",
            "x10",
            "x11",
            "x12",
            "x13",
        ];
        let order = |keys: &[&str]| {
            java_hashmap_order(keys)
                .into_iter()
                .map(|i| keys[i])
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(order(&keys[..4]), "zeta,pixel_0_2,pixel_0_1,alpha");
        assert_eq!(order(&keys), "zeta,x8,x9,pixel_0_2,pixel_0_1,Côte d'Ivoire,x10,alpha,x12,x1,x11,x2,x3,x13,x4,x5,x6,x7");
        // Duplicates keep their first position.
        assert_eq!(java_hashmap_order(&["b", "a", "b"]), vec![1, 0]);
    }
}
