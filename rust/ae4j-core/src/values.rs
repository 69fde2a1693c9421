//! Typed reading of `[info]` values, as genmodel's `ParseUtils.tryParse` reads them: numbers in
//! Java's grammar, arrays as `[a, b, c]`, `null` for absent. Every error names the key.

use std::collections::HashMap;

use crate::error::ModelError;
use crate::ini::clip;
use crate::javanum::parse_java_double;

pub struct Info<'a> {
    pub map: &'a HashMap<String, (usize, String)>,
    pub path: &'a str,
}

impl<'a> Info<'a> {
    fn bad(&self, key: &str, reason: String) -> ModelError {
        ModelError::BadValue {
            path: self.path.to_string(),
            key: key.to_string(),
            reason,
        }
    }

    /// The raw text of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.map.get(key).map(|(_, v)| v.as_str())
    }

    pub fn required(&self, key: &str) -> Result<&'a str, ModelError> {
        self.get(key).ok_or_else(|| ModelError::MissingKey {
            path: self.path.to_string(),
            key: key.to_string(),
        })
    }

    pub fn usize(&self, key: &str) -> Result<usize, ModelError> {
        let v = self.required(key)?;
        v.parse()
            .map_err(|_| self.bad(key, format!("'{}' is not a non-negative integer", clip(v))))
    }

    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, ModelError> {
        match self.get(key) {
            None | Some("null") => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(v) => Err(self.bad(key, format!("'{}' is not true or false", clip(v)))),
        }
    }

    /// An array of f64; `None` for an absent key or `null`.
    pub fn f64_array(&self, key: &str) -> Result<Option<Vec<f64>>, ModelError> {
        self.array(key, |s| parse_java_double(s).ok())
    }

    /// An array of f32 read as genmodel reads weights: parsed as f64, then narrowed.
    pub fn f32_array(&self, key: &str) -> Result<Option<Vec<f32>>, ModelError> {
        self.array(key, |s| parse_java_double(s).ok().map(|v| v as f32))
    }

    pub fn usize_array(&self, key: &str) -> Result<Option<Vec<usize>>, ModelError> {
        self.array(key, |s| s.parse::<usize>().ok())
    }

    fn array<T>(
        &self,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<Vec<T>>, ModelError> {
        let Some(text) = self.get(key) else {
            return Ok(None);
        };
        if text == "null" {
            return Ok(None);
        }
        let inner = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .ok_or_else(|| {
                self.bad(key, format!("'{}' is not an array [a, b, ...]", clip(text)))
            })?;
        if inner.trim().is_empty() {
            return Ok(Some(Vec::new()));
        }
        inner
            .split(',')
            .enumerate()
            .map(|(i, item)| {
                let item = item.trim();
                parse(item).ok_or_else(|| {
                    self.bad(
                        key,
                        format!("element {i} ('{}') is not a valid number", clip(item)),
                    )
                })
            })
            .collect::<Result<Vec<T>, _>>()
            .map(Some)
    }

    /// Like the typed getters, but the key must be present and not `null`.
    pub fn require<T>(&self, key: &str, v: Option<T>) -> Result<T, ModelError> {
        v.ok_or_else(|| ModelError::MissingKey {
            path: self.path.to_string(),
            key: key.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(pairs: &[(&str, &str)]) -> HashMap<String, (usize, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), (1, v.to_string())))
            .collect()
    }

    #[test]
    fn arrays() {
        let m = info(&[
            ("a", "[1.0, -2.5E-3, NaN]"),
            ("b", "[]"),
            ("c", "null"),
            ("w", "[0.1]"),
            ("bad", "[1, x]"),
        ]);
        let i = Info {
            map: &m,
            path: "m.zip",
        };
        let a = i.f64_array("a").unwrap().unwrap();
        assert_eq!(&a[..2], &[1.0, -2.5e-3]);
        assert!(a[2].is_nan());
        assert_eq!(i.f64_array("b").unwrap(), Some(vec![]));
        assert_eq!(i.f64_array("c").unwrap(), None);
        assert_eq!(i.f64_array("zz").unwrap(), None);
        assert_eq!(i.f32_array("w").unwrap(), Some(vec![0.1f32]));
        let e = i.f64_array("bad").unwrap_err().to_string();
        assert!(
            e.contains("key 'bad'") && e.contains("element 1 ('x')"),
            "{e}"
        );
    }
}
