//! A request's parameters as H2O reads them: the query string, then a form body
//! (`application/x-www-form-urlencoded`) or a JSON object body; later values win. H2O's lists
//! come as `["a","b"]`, `[a,b]` or a bare value; booleans as `True`/`true`.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use serde_json::Value;

use super::H2oError;

/// Parameters by name.
#[derive(Debug, Default, Clone)]
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A boolean parameter (`True`, `true`, `1`); absent: `false`.
    pub fn flag(&self, name: &str) -> Result<bool, H2oError> {
        match self.get(name) {
            None => Ok(false),
            Some(v) => parse_bool(v).ok_or_else(|| {
                H2oError::bad_request(format!(
                    "Illegal argument for field: {name} of schema: expected a boolean, got '{v}'"
                ))
            }),
        }
    }

    /// An integer parameter; absent: `None`.
    pub fn int(&self, name: &str) -> Result<Option<i64>, H2oError> {
        self.get(name)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    H2oError::bad_request(format!(
                        "Illegal argument for field: {name}: expected an integer, got '{v}'"
                    ))
                })
            })
            .transpose()
    }

    /// A list parameter (`["a","b"]`, `[a, b]` or `a`); absent: `None`.
    pub fn list(&self, name: &str) -> Result<Option<Vec<String>>, H2oError> {
        self.get(name).map(|v| parse_list(name, v)).transpose()
    }

    #[cfg(test)]
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
}

pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// H2O's list syntax: JSON when it parses as a JSON array, else `[a, b]` split on commas, else
/// one bare value.
pub fn parse_list(name: &str, text: &str) -> Result<Vec<String>, H2oError> {
    let t = text.trim();
    if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(t) {
        return Ok(items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .collect());
    }
    match (t.strip_prefix('['), t.ends_with(']')) {
        (Some(inner), true) => {
            let inner = &inner[..inner.len() - 1];
            if inner.trim().is_empty() {
                return Ok(Vec::new());
            }
            Ok(inner
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_string())
                .collect())
        }
        (Some(_), false) => Err(H2oError::bad_request(format!(
            "Illegal argument for field: {name}: unterminated list '{text}'"
        ))),
        _ => Ok(vec![t.to_string()]),
    }
}

/// Reads a body of at most `limit` bytes; a longer one is refused as `too_large` says.
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    too_large: impl Fn() -> H2oError,
) -> Result<Bytes, H2oError> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = body;
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| H2oError::bad_request(format!("cannot read the request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(too_large());
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

/// The parameters of a request: its query string and its form or JSON body.
pub async fn read(
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Params, H2oError> {
    let mut map = HashMap::new();
    if let Some(q) = uri.query() {
        map.extend(form_urlencoded::parse(q.as_bytes()).into_owned());
    }
    let bytes = read_body(headers, body, limit, || {
        H2oError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "java.lang.IllegalArgumentException",
            format!("the request body is over the limit of {limit} bytes (--max-body-bytes)"),
        )
    })
    .await?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.to_ascii_lowercase().contains("json"));
    if is_json && !bytes.is_empty() {
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| H2oError::bad_request(format!("malformed JSON body: {e}")))?;
        let Value::Object(obj) = v else {
            return Err(H2oError::bad_request("the JSON body must be an object"));
        };
        for (k, v) in obj {
            let text = match v {
                Value::String(s) => s,
                Value::Null => continue,
                other => other.to_string(),
            };
            map.insert(k, text);
        }
    } else if !bytes.is_empty() {
        map.extend(form_urlencoded::parse(&bytes).into_owned());
    }
    Ok(Params(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_in_every_spelling() {
        assert_eq!(parse_list("x", r#"["a","b c"]"#).unwrap(), vec!["a", "b c"]);
        assert_eq!(parse_list("x", "[/tmp/a.csv]").unwrap(), vec!["/tmp/a.csv"]);
        assert_eq!(parse_list("x", "[a, b]").unwrap(), vec!["a", "b"]);
        assert_eq!(parse_list("x", "plain").unwrap(), vec!["plain"]);
        assert_eq!(parse_list("x", "[]").unwrap(), Vec::<String>::new());
        assert!(parse_list("x", "not a list [").is_ok(), "a bare value");
        assert!(parse_list("x", "[unterminated").is_err());
    }

    #[test]
    fn python_and_curl_booleans() {
        let p = Params::from_pairs(&[("a", "True"), ("b", "false"), ("c", "maybe")]);
        assert!(p.flag("a").unwrap());
        assert!(!p.flag("b").unwrap());
        assert!(!p.flag("absent").unwrap());
        assert!(p.flag("c").is_err());
    }
}
