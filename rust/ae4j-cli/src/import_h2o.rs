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
//! The HTTP client is [`crate::h2o_rest`] (http or https; credentials as
//! `http://user:password@host:port`).

use std::path::PathBuf;
use std::time::Duration;

use ae4j_core::javanum::parse_java_double;
use ae4j_core::mojo_writer::{write_mojo_with, MojoExtras};
use ae4j_core::{Activation, ModelInfo, ModelSpec};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use serde_json::Value;

use crate::h2o_rest::{encode, HttpError, Server};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants() {
        assert_eq!(iso_instant(1795573775348), "2026-11-25T02:29:35.348Z");
        assert_eq!(iso_instant(0), "1970-01-01T00:00:00.000Z");
    }
}
