//! `ae4j import-h2o`: takes a deep-learning autoencoder out of a running H2O cluster through its
//! public REST API and writes it as a MOJO-layout zip — for H2O versions whose own MOJO/POJO
//! export is refused (H2O-3 3.46.0.12 answers it with HTTP 412).
//!
//! REST calls (all `GET`):
//! - `/3/Cloud?skip_ticks=true`: the server's H2O version (and a reachability check);
//! - `/3/Models/<id>`: parameters (activation, hidden, hidden_dropout_ratios, standardize,
//!   missing_values_handling, ...) and output (names, domains, catoffsets, normmul, normsub, and
//!   the keys of the weight and bias frames, present only with `export_weights_and_biases=True`);
//! - `/3/DownloadDataset?frame_id=<key>&hex_string=true`, per weight and bias frame: its CSV with
//!   every double as Java's `Double.toHexString`, so nothing is lost in printing.
//!
//! HTTP/1.1 over `std::net` (plain `http://`; credentials as `http://user:password@host:port`).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use ae4j_core::javanum::parse_java_double;
use ae4j_core::mojo_writer::{write_mojo_with, MojoExtras};
use ae4j_core::{Activation, ModelInfo, ModelSpec};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use serde_json::Value;

#[derive(Args)]
pub struct ImportH2oArgs {
    /// The H2O cluster's address, e.g. `http://127.0.0.1:54321` (with a context path if the
    /// cluster has one; `http://user:password@host:port` for basic authentication).
    #[arg(long)]
    pub url: String,
    /// The model's id in H2O (`model.model_id` in Python).
    #[arg(long)]
    pub model: String,
    /// The MOJO zip to write.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Seconds to wait for each response.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

pub fn run(args: &ImportH2oArgs) -> Result<()> {
    let server = Server::parse(&args.url, Duration::from_secs(args.timeout.max(1)))?;
    let imported = import(&server, &args.model)?;
    let bytes = write_mojo_with(&imported.spec, &imported.extras)
        .with_context(|| format!("writing model '{}' as a MOJO", args.model))?;
    // What is written must read back and score.
    let model = ae4j_core::load_model_bytes(&bytes, &args.output.display().to_string())
        .context("the written MOJO does not read back (a bug in ae4j)")?;
    let tmp = args.output.with_extension("zip.part");
    std::fs::write(&tmp, &bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "ae4j: imported '{}' from H2O {} at {}: {}, layers {:?}, {} columns ({} categorical) -> {}",
        args.model,
        imported.spec.info.h2o_version.as_deref().unwrap_or("?"),
        server.display,
        model.activation(),
        model.layer_sizes(),
        model.n_features(),
        model.n_categorical(),
        args.output.display()
    );
    Ok(())
}

/// A model taken from H2O: its spec and the MOJO's informational extras.
pub struct Imported {
    pub spec: ModelSpec,
    pub extras: MojoExtras,
}

pub fn import(server: &Server, model_id: &str) -> Result<Imported> {
    let cloud = server.get_json("/3/Cloud?skip_ticks=true")?;
    let h2o_version = cloud
        .get("version")
        .and_then(Value::as_str)
        .map(str::to_string);

    let path = format!("/3/Models/{}", encode(model_id));
    let body = server
        .get_text(&path)
        .map_err(|e| match e.downcast_ref::<HttpError>() {
            Some(h) if h.status == 404 => anyhow!(
                "H2O at {} has no model '{model_id}' (HTTP 404: {})",
                server.display,
                h.message
            ),
            _ => e,
        })?;
    let json: Value = serde_json::from_str(&body)
        .with_context(|| format!("GET {path}: the response is not JSON"))?;
    let m = json
        .get("models")
        .and_then(|v| v.get(0))
        .ok_or_else(|| anyhow!("GET {path}: no 'models' in the response"))?;
    let spec_parts = Parts::from_model(m, model_id)?;

    let mut weights = Vec::new();
    let mut biases = Vec::new();
    for (i, (wkey, bkey)) in spec_parts
        .weight_keys
        .iter()
        .zip(&spec_parts.bias_keys)
        .enumerate()
    {
        let w = server.frame(wkey)?;
        let b = server.frame(bkey)?;
        let (rows, cols) = (spec_parts.sizes[i + 1], spec_parts.sizes[i]);
        if w.len() != rows || w.iter().any(|r| r.len() != cols) {
            bail!(
                "weight frame '{wkey}' is {} x {}, expected {rows} x {cols} for layer {i} of {:?}",
                w.len(),
                w.first().map_or(0, Vec::len),
                spec_parts.sizes
            );
        }
        if b.len() != rows || b.iter().any(|r| r.len() != 1) {
            bail!("bias frame '{bkey}' must be one column of {rows} values");
        }
        let mut layer = Vec::with_capacity(rows * cols);
        for (r, row) in w.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                // H2O keeps weights as float32; the frame holds them widened to double.
                let f = v as f32;
                if f as f64 != v && !v.is_nan() {
                    bail!("weight frame '{wkey}' row {r} column {c}: {v:e} is not a float32 value, so this is not a frame of H2O deep-learning weights");
                }
                layer.push(f);
            }
        }
        weights.push(layer);
        biases.push(b.into_iter().map(|r| r[0]).collect());
    }

    let spec = ModelSpec {
        info: ModelInfo {
            format: "mojo".into(),
            h2o_version,
            mojo_version: Some("1.10".into()),
            model_id: Some(model_id.to_string()),
        },
        columns: spec_parts.columns,
        domains: spec_parts.domains,
        cat_offsets: spec_parts.cat_offsets,
        norm_mul: spec_parts.norm_mul,
        norm_sub: spec_parts.norm_sub,
        activation: Some(spec_parts.activation),
        layer_sizes: spec_parts.sizes,
        weights,
        biases,
        hidden_dropout_ratios: spec_parts.dropout,
    };
    let extras = MojoExtras {
        timestamp: m.get("timestamp").and_then(Value::as_i64).map(iso_instant),
        mean_imputation: Some(spec_parts.mean_imputation),
        distribution: spec_parts.distribution,
        model_details_json: Some(serde_json::to_string_pretty(m)?),
    };
    Ok(Imported { spec, extras })
}

/// What the model JSON says, checked.
struct Parts {
    columns: Vec<String>,
    domains: Vec<Option<Vec<String>>>,
    cat_offsets: Vec<usize>,
    norm_mul: Option<Vec<f64>>,
    norm_sub: Option<Vec<f64>>,
    activation: Activation,
    sizes: Vec<usize>,
    dropout: Vec<f64>,
    mean_imputation: bool,
    distribution: Option<String>,
    weight_keys: Vec<String>,
    bias_keys: Vec<String>,
}

impl Parts {
    fn from_model(m: &Value, id: &str) -> Result<Parts> {
        let algo = m.get("algo").and_then(Value::as_str).unwrap_or("?");
        if algo != "deeplearning" {
            bail!("model '{id}' is a '{algo}' model; ae4j imports H2O deep-learning autoencoders only");
        }
        let params = Params(
            m.get("parameters")
                .and_then(Value::as_array)
                .ok_or_else(|| anyhow!("model '{id}': no parameters in H2O's answer"))?,
        );
        let out = m
            .get("output")
            .ok_or_else(|| anyhow!("model '{id}': no output in H2O's answer"))?;
        let category = out
            .get("model_category")
            .and_then(Value::as_str)
            .unwrap_or("?");
        if category != "AutoEncoder"
            || params.get("autoencoder").and_then(Value::as_bool) != Some(true)
        {
            bail!("model '{id}' is a supervised deep-learning model (category {category}); ae4j imports autoencoders (trained with autoencoder=True) only");
        }
        let keys = |field: &str| -> Vec<String> {
            out.get(field)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|k| k.get("name").and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (weight_keys, bias_keys) = (keys("weights"), keys("biases"));
        if weight_keys.is_empty() || bias_keys.is_empty() {
            bail!(
                "model '{id}' was trained without export_weights_and_biases=True, so H2O's REST API does not serve its weights and biases. \
                 Retrain it with export_weights_and_biases=True (Python: H2OAutoEncoderEstimator(..., export_weights_and_biases=True); \
                 R: h2o.deeplearning(..., autoencoder = TRUE, export_weights_and_biases = TRUE)) and import that model"
            );
        }
        if weight_keys.len() != bias_keys.len() {
            bail!(
                "model '{id}': {} weight frames but {} bias frames",
                weight_keys.len(),
                bias_keys.len()
            );
        }
        let encoding = params.str("categorical_encoding").unwrap_or("AUTO");
        if !matches!(encoding, "AUTO" | "OneHotInternal") {
            bail!("model '{id}' uses categorical_encoding={encoding}; ae4j imports models with the default one-hot encoding (AUTO / OneHotInternal) only");
        }
        let act_name = params.str("activation").unwrap_or("Rectifier");
        let activation: Activation = act_name.parse().map_err(|e: String| {
            anyhow!("model '{id}': activation {act_name} is not supported: {e}")
        })?;

        // Columns in the model's order (DataInfo's: categoricals first), without the special
        // columns H2O keeps after the features.
        let names = str_array(out.get("names"), "output.names")?;
        let domains_json = out
            .get("domains")
            .and_then(Value::as_array)
            .ok_or_else(|| anyhow!("model '{id}': no output.domains"))?;
        if domains_json.len() != names.len() {
            bail!(
                "model '{id}': {} names but {} domains",
                names.len(),
                domains_json.len()
            );
        }
        let special: Vec<String> = [
            "weights_column",
            "offset_column",
            "fold_column",
            "response_column",
        ]
        .iter()
        .filter_map(|p| params.column(p))
        .collect();
        let mut columns = Vec::new();
        let mut domains = Vec::new();
        for (name, d) in names.into_iter().zip(domains_json) {
            if special.contains(&name) {
                continue;
            }
            let domain = match d {
                Value::Null => None,
                other => Some(str_array(Some(other), &format!("domain of '{name}'"))?),
            };
            columns.push(name);
            domains.push(domain);
        }
        let cats = domains.iter().filter(|d| d.is_some()).count();
        let nums = columns.len() - cats;
        let cat_offsets: Vec<usize> = match out.get("catoffsets") {
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_u64().map(|x| x as usize))
                .collect::<Option<_>>()
                .ok_or_else(|| {
                    anyhow!("model '{id}': output.catoffsets is not a list of counts")
                })?,
            // Older servers: every level plus the NA slot, as DataInfo lays them out.
            _ => std::iter::once(0)
                .chain(domains.iter().flatten().scan(0, |acc, d| {
                    *acc += d.len() + 1;
                    Some(*acc)
                }))
                .collect(),
        };
        let expanded = cat_offsets.last().copied().unwrap_or(0) + nums;

        let (norm_mul, norm_sub) = if params.get("standardize").and_then(Value::as_bool)
            == Some(false)
        {
            (None, None)
        } else {
            let arr = |f: &str| -> Result<Option<Vec<f64>>> {
                match out.get(f) {
                    None | Some(Value::Null) => Ok(None),
                    Some(v) => Ok(Some(f64_array(v).ok_or_else(|| {
                        anyhow!("model '{id}': output.{f} is not a list of numbers")
                    })?)),
                }
            };
            let (mul, sub) = (arr("normmul")?, arr("normsub")?);
            match (mul, sub) {
                (None, None) if nums == 0 => (Some(vec![]), Some(vec![])),
                (None, None) => bail!("model '{id}' was trained with standardize=true, but H2O's answer has no output.normmul/normsub"),
                (m, s) => (m, s),
            }
        };

        let hidden: Vec<usize> = match params.get("hidden") {
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| v.as_u64().map(|x| x as usize))
                .collect::<Option<_>>()
                .ok_or_else(|| anyhow!("model '{id}': parameter hidden is not a list of sizes"))?,
            _ => bail!("model '{id}': no parameter 'hidden'"),
        };
        if hidden.len() + 1 != weight_keys.len() {
            bail!(
                "model '{id}': hidden = {hidden:?} means {} layers, but H2O lists {} weight frames",
                hidden.len() + 1,
                weight_keys.len()
            );
        }
        let mut sizes = vec![expanded];
        sizes.extend(&hidden);
        sizes.push(expanded);

        // As H2O's sanity check resolves them: 0.5 per hidden layer for the dropout
        // activations when not given, zeros otherwise.
        let dropout = match params.get("hidden_dropout_ratios") {
            Some(Value::Array(a)) if !a.is_empty() => f64_array(&Value::Array(a.clone()))
                .ok_or_else(|| {
                    anyhow!("model '{id}': hidden_dropout_ratios is not a list of numbers")
                })?,
            _ if activation.has_dropout() => vec![0.5; hidden.len()],
            _ => vec![0.0; hidden.len()],
        };
        let mean_imputation = params
            .str("missing_values_handling")
            .unwrap_or("MeanImputation")
            == "MeanImputation";
        let distribution = params.str("distribution").map(str::to_string);
        Ok(Parts {
            columns,
            domains,
            cat_offsets,
            norm_mul,
            norm_sub,
            activation,
            sizes,
            dropout,
            mean_imputation,
            distribution,
            weight_keys,
            bias_keys,
        })
    }
}

/// The `parameters` list of a model JSON: `{name, actual_value, ...}` entries.
struct Params<'a>(&'a Vec<Value>);

impl Params<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|p| p.get("actual_value"))
    }

    fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// A column parameter: a name, or `{"column_name": ...}`.
    fn column(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o
                .get("column_name")
                .and_then(Value::as_str)
                .map(str::to_string),
            _ => None,
        }
    }
}

fn str_array(v: Option<&Value>, what: &str) -> Result<Vec<String>> {
    v.and_then(Value::as_array)
        .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_string)).collect())
        .ok_or_else(|| anyhow!("{what} is not a list of strings"))
}

/// Numbers, or H2O's spellings of the non-finite ones.
fn f64_array(v: &Value) -> Option<Vec<f64>> {
    v.as_array()?
        .iter()
        .map(|x| match x {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => parse_java_double(s).ok(),
            _ => None,
        })
        .collect()
}

/// An ISO-8601 instant (`2026-11-25T01:47:26.197Z`) from milliseconds since the epoch.
fn iso_instant(ms: i64) -> String {
    let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let s = ms_of_day / 1000;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ms_of_day % 1000
    )
}

/// Percent-encoding of a URL path segment or query value (RFC 3986 unreserved kept).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

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
    host: String,
    port: u16,
    prefix: String,
    auth: Option<String>,
    timeout: Duration,
    /// The URL without credentials, for messages.
    pub display: String,
}

impl Server {
    pub fn parse(url: &str, timeout: Duration) -> Result<Server> {
        let rest = if let Some(r) = url.strip_prefix("http://") {
            r
        } else if url.starts_with("https://") {
            bail!("{url}: https is not supported by ae4j import-h2o; reach the cluster over http (e.g. through an SSH tunnel: ssh -L 54321:localhost:54321 host)");
        } else if url.contains("://") {
            bail!("{url}: only http:// URLs are supported");
        } else {
            url
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let (auth, hostport) = match authority.rsplit_once('@') {
            Some((cred, hp)) => (Some(base64(&percent_decode(cred)?)), hp),
            None => (None, authority),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() && !p.contains(']') => (
                h.to_string(),
                p.parse()
                    .map_err(|_| anyhow!("{url}: '{p}' is not a port number"))?,
            ),
            _ => (hostport.to_string(), 54321),
        };
        if host.is_empty() {
            bail!("{url}: no host");
        }
        let display = format!("http://{host}:{port}{path}");
        Ok(Server {
            host,
            port,
            prefix: path.to_string(),
            auth,
            timeout,
            display,
        })
    }

    pub fn get_json(&self, path: &str) -> Result<Value> {
        let body = self.get_text(path)?;
        serde_json::from_str(&body).with_context(|| format!("GET {path}: the response is not JSON"))
    }

    /// A frame's numbers, row by row (downloaded as CSV with hex doubles).
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
                    parse_java_double(cell).map_err(|_| {
                        anyhow!("frame '{key}' row {i} column {j}: '{cell}' is not a number (an unstable model with NA weights?)")
                    })
                })
                .collect::<Result<Vec<f64>>>()?;
            rows.push(row);
        }
        Ok(rows)
    }

    pub fn get_text(&self, path: &str) -> Result<String> {
        let target = format!("{}{path}", self.prefix);
        let what = || format!("GET {}{path}", self.display);
        let addr = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .with_context(|| format!("{}: cannot resolve {}", what(), self.host))?
            .next()
            .ok_or_else(|| anyhow!("{}: cannot resolve {}", what(), self.host))?;
        let mut stream =
            TcpStream::connect_timeout(&addr, Duration::from_secs(10)).with_context(|| {
                format!(
                    "{}: cannot connect to H2O (is the cluster running at {}?)",
                    what(),
                    self.display
                )
            })?;
        stream.set_read_timeout(Some(self.timeout))?;
        stream.set_write_timeout(Some(self.timeout))?;
        let mut req = format!(
            "GET {target} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: ae4j/{}\r\nAccept: */*\r\nConnection: close\r\n",
            self.host,
            self.port,
            env!("CARGO_PKG_VERSION")
        );
        if let Some(a) = &self.auth {
            req.push_str(&format!("Authorization: Basic {a}\r\n"));
        }
        req.push_str("\r\n");
        stream
            .write_all(req.as_bytes())
            .with_context(|| format!("{}: sending the request", what()))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .with_context(|| format!("{}: reading the response", what()))?;
        let (status, body) = parse_response(&raw).with_context(what)?;
        let body = String::from_utf8(body)
            .map_err(|_| anyhow!("{}: the response is not UTF-8", what()))?;
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

/// Status and body of an HTTP/1.x response read to the end of the connection.
fn parse_response(raw: &[u8]) -> Result<(u16, Vec<u8>)> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("not an HTTP response (no header end)"))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| anyhow!("bad HTTP header"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("bad HTTP status line '{status_line}'"))?;
    let mut chunked = false;
    let mut length = None;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            } else if k == "content-length" {
                length = v.parse::<usize>().ok();
            }
        }
    }
    let body = &raw[end + 4..];
    if chunked {
        return Ok((status, dechunk(body)?));
    }
    match length {
        Some(n) if body.len() < n => bail!("the response ended after {} of {n} bytes", body.len()),
        Some(n) => Ok((status, body[..n].to_vec())),
        None => Ok((status, body.to_vec())),
    }
}

fn dechunk(mut body: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| anyhow!("truncated chunked response"))?;
        let size_text = std::str::from_utf8(&body[..eol]).unwrap_or("");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| anyhow!("bad chunk size '{size_text}'"))?;
        body = &body[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size + 2 {
            bail!("truncated chunked response");
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

fn percent_decode(s: &str) -> Result<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            out.push(u8::from_str_radix(hex, 16).map_err(|_| anyhow!("bad %-escape in the URL"))?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| anyhow!("credentials in the URL are not UTF-8"))
}

fn base64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(T[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(
            base64("Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64("ab"), "YWI=");
        assert_eq!(encode("a b/c.d"), "a%20b%2Fc.d");
        assert_eq!(iso_instant(1795573775348), "2026-11-25T02:29:35.348Z");
        assert_eq!(iso_instant(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").unwrap(),
            b"abcde"
        );
        let s = Server::parse("http://u%40x:p@h:1234/ctx/", Duration::from_secs(1)).unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.prefix.as_str()),
            ("h", 1234, "/ctx")
        );
        assert_eq!(s.auth.as_deref(), Some(base64("u@x:p").as_str()));
        assert_eq!(s.display, "http://h:1234/ctx");
        assert!(Server::parse("https://h", Duration::from_secs(1)).is_err());
        assert_eq!(
            Server::parse("localhost", Duration::from_secs(1))
                .unwrap()
                .port,
            54321
        );
    }
}
