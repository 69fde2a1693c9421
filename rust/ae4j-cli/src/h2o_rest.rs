//! A client for an H2O cluster's REST API (read-only `GET`s), on ureq: plain or TLS, basic
//! authentication from `http(s)://user:password@host:port`, H2O's own error message surfaced.

use std::time::Duration;

use ae4j_core::javanum::parse_java_double;
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use serde_json::Value;

/// The largest response read: weight frames of wide networks are tens of MB of CSV.
const MAX_RESPONSE_BYTES: u64 = 2 << 30;

/// An HTTP error answer from H2O, with H2O's own message when it sent one.
#[derive(Debug)]
pub struct HttpError {
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.message)
    }
}

impl std::error::Error for HttpError {}

/// An H2O server's REST endpoint.
pub struct Server {
    /// `scheme://host:port[/context]`, no credentials, no trailing slash.
    base: String,
    /// `Basic ...` header value.
    auth: Option<String>,
    agent: ureq::Agent,
    /// The URL without credentials, for messages.
    pub display: String,
}

impl Server {
    /// `url` as `[http(s)://][user:password@]host[:port][/context]`; the port defaults to
    /// H2O's 54321.
    pub fn parse(url: &str, timeout: Duration) -> Result<Server> {
        let with_scheme = if url.contains("://") {
            url.to_string()
        } else {
            format!("http://{url}")
        };
        let mut parsed =
            url::Url::parse(&with_scheme).map_err(|e| anyhow!("{url}: not a URL ({e})"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            bail!("{url}: only http:// and https:// URLs are supported");
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            bail!("{url}: no host");
        }
        let auth = if parsed.username().is_empty() {
            None
        } else {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .map(|c| c.into_owned())
            };
            let user = decode(parsed.username())
                .map_err(|_| anyhow!("{url}: the user name is not UTF-8"))?;
            let password = decode(parsed.password().unwrap_or(""))
                .map_err(|_| anyhow!("{url}: the password is not UTF-8"))?;
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            Some(format!("Basic {token}"))
        };
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        if parsed.port().is_none() && parsed.scheme() == "http" && !url.contains(":80") {
            let _ = parsed.set_port(Some(54321));
        }
        let base = parsed.as_str().trim_end_matches('/').to_string();
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(format!("ae4j/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Server {
            display: base.clone(),
            base,
            auth,
            agent,
        })
    }

    pub fn get_json(&self, path: &str) -> Result<Value> {
        let body = self.get_text(path)?;
        serde_json::from_str(&body).with_context(|| format!("GET {path}: the response is not JSON"))
    }

    /// A frame's numbers, row by row (downloaded as CSV with hex doubles, so nothing is lost).
    pub fn frame(&self, key: &str) -> Result<Vec<Vec<f64>>> {
        let path = format!(
            "/3/DownloadDataset?frame_id={}&hex_string=true",
            encode(key)
        );
        let text = self.get_text(&path).map_err(|e| match e.downcast_ref::<HttpError>() {
            Some(h) if h.status == 404 => anyhow!("H2O no longer has frame '{key}' (HTTP 404), which holds weights or biases of the model; was it removed? Retrain with export_weights_and_biases=True"),
            _ => e.context(format!("downloading frame '{key}'")),
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.with_context(|| format!("frame '{key}': bad CSV"))?;
            let row = rec
                .iter()
                .enumerate()
                .map(|(j, cell)| {
                    parse_java_double(cell).map_err(|_| anyhow!("frame '{key}' row {i} column {j}: '{cell}' is not a number (an unstable model with NA weights?)"))
                })
                .collect::<Result<Vec<f64>>>()?;
            rows.push(row);
        }
        Ok(rows)
    }

    pub fn get_text(&self, path: &str) -> Result<String> {
        let url = format!("{}{path}", self.base);
        let what = || format!("GET {}{path}", self.display);
        let mut request = self.agent.get(&url);
        if let Some(a) = &self.auth {
            request = request.header("Authorization", a);
        }
        let mut response = request.call().map_err(|e| match e {
            ureq::Error::Io(_) | ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
                anyhow!(
                    "{}: cannot connect to H2O (is the cluster running at {}?): {e}",
                    what(),
                    self.display
                )
            }
            other => anyhow!("{}: {other}", what()),
        })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .with_context(|| format!("{}: reading the response", what()))?;
        if status != 200 {
            let message = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|v| {
                    v.get("exception_msg")
                        .or(v.get("msg"))
                        .and_then(Value::as_str)
                        .map(|s| s.trim().to_string())
                })
                .unwrap_or_else(|| body.chars().take(300).collect());
            return Err(anyhow::Error::new(HttpError { status, message }).context(what()));
        }
        Ok(body)
    }
}

/// Percent-encodes a query value (a frame or model key).
pub fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let s = Server::parse("http://u%40x:p@h:1234/ctx/", Duration::from_secs(1)).unwrap();
        assert_eq!(s.base, "http://h:1234/ctx");
        assert_eq!(s.auth.as_deref(), Some("Basic dUB4OnA="));
        assert_eq!(s.display, "http://h:1234/ctx");
        assert_eq!(
            Server::parse("localhost", Duration::from_secs(1))
                .unwrap()
                .base,
            "http://localhost:54321"
        );
        assert_eq!(
            Server::parse("https://h2o.example", Duration::from_secs(1))
                .unwrap()
                .base,
            "https://h2o.example"
        );
        assert!(Server::parse("ftp://h", Duration::from_secs(1)).is_err());
        assert_eq!(encode("a b/c.d"), "a%20b%2Fc.d");
    }
}
