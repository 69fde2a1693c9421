//! The MOJO writer: a [`ModelSpec`] into the bytes of a deep-learning autoencoder MOJO zip, in
//! the layout H2O-3's `DeepLearningMojoWriter` (MOJO version 1.10) produces: `model.ini` with the
//! `[info]` keys in H2O's order, `[columns]`, `[domains]`, and `domains/dNNN.txt`.
//!
//! Values are spelled as Java spells them (`Float.toString` for the float32 weights,
//! `Double.toString` for biases and normalization constants, `Arrays.toString` for arrays), so
//! both ae4j's reader and h2o-genmodel's `DeeplearningMojoReader` read back exactly the numbers
//! of the spec: every weight is checked to come back bit for bit through genmodel's
//! `(float) Double.parseDouble(text)`.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use crate::error::ModelError;
use crate::spec::ModelSpec;

/// Optional, informational content of the MOJO. None of it changes the scores.
#[derive(Debug, Clone, Default)]
pub struct MojoExtras {
    /// `timestamp` (H2O writes an ISO-8601 instant such as `2026-11-25T01:47:26.197Z`); omitted when `None`.
    pub timestamp: Option<String>,
    /// `mean_imputation` (`missing_values_handling == MeanImputation`, H2O's default); `true` when `None`.
    pub mean_imputation: Option<bool>,
    /// `distribution` (unused by an autoencoder); `gaussian` when `None`.
    pub distribution: Option<String>,
    /// The model's JSON (H2O's `ModelSchemaV3`), stored as `experimental/modelDetails.json`.
    pub model_details_json: Option<String>,
}

/// The MOJO zip of `spec`, with default extras.
pub fn write_mojo(spec: &ModelSpec) -> Result<Vec<u8>, ModelError> {
    write_mojo_with(spec, &MojoExtras::default())
}

/// The MOJO zip of `spec`. The spec is validated first (as [`ModelSpec::build`] does), and
/// refused if genmodel could not read its names back (see [`model_ini`]).
pub fn write_mojo_with(spec: &ModelSpec, extras: &MojoExtras) -> Result<Vec<u8>, ModelError> {
    let ini = model_ini(spec, extras)?;
    let zip_err = |e: &dyn std::fmt::Display| ModelError::Zip {
        path: "<written MOJO>".into(),
        reason: e.to_string(),
    };
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(ini.len() as u64 >= u32::MAX as u64);
    let mut put = |name: &str, text: &str| -> Result<(), ModelError> {
        zip.start_file(name, options).map_err(|e| zip_err(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| zip_err(&e))
    };
    put("model.ini", &ini)?;
    for (i, levels) in spec.domains.iter().flatten().enumerate() {
        let mut text = String::new();
        for level in levels {
            text.push_str(&escape_newlines(level));
            text.push('\n');
        }
        put(&format!("domains/d{i:03}.txt"), &text)?;
    }
    if let Some(json) = &extras.model_details_json {
        put("experimental/modelDetails.json", json)?;
        put("experimental/README.md", EXPERIMENTAL_README)?;
    }
    let cursor = zip.finish().map_err(|e| zip_err(&e))?;
    Ok(cursor.into_inner())
}

const EXPERIMENTAL_README: &str = "Outputs and parameters of the model, from H2O's REST API (GET /3/Models/<id>).\nWritten by ae4j; not needed to score the model.\n";

/// The text of `model.ini` for `spec`.
///
/// Refused, with the reason: a spec that does not validate; a column name that genmodel's
/// `[columns]` reader would change (empty, surrounding whitespace, a leading `#`, a line break).
pub fn model_ini(spec: &ModelSpec, extras: &MojoExtras) -> Result<String, ModelError> {
    let origin = "<MOJO to write>";
    // The same checks as every reader's: what is written must build.
    spec.clone().build(origin)?;
    let bad = |reason: String| ModelError::Unsupported {
        path: origin.into(),
        reason,
    };
    for name in &spec.columns {
        if name.is_empty()
            || name.trim() != name
            || name.starts_with('#')
            || name.contains(['\n', '\r'])
        {
            return Err(bad(format!(
                "column name {name:?} cannot be written to a MOJO: H2O's reader trims each [columns] line and skips empty and '#' lines"
            )));
        }
    }
    let cats = spec.domains.iter().filter(|d| d.is_some()).count();
    let nums = spec.columns.len() - cats;
    let n_layers = spec.layer_sizes.len() - 1;
    let activation = spec.activation.expect("validated by build");
    let mean_imputation = extras.mean_imputation.unwrap_or(true);

    let mut s = String::from("[info]\n");
    let mut kv = |k: &str, v: &str| {
        let _ = writeln!(s, "{k} = {v}");
    };
    // AbstractMojoWriter.addCommonModelInfo, in its order.
    kv(
        "h2o_version",
        spec.info.h2o_version.as_deref().unwrap_or("unknown"),
    );
    kv("mojo_version", "1.10");
    kv("license", "Apache License Version 2.0");
    kv("algo", "deeplearning");
    kv("algorithm", "Deep Learning");
    kv("endianness", "LITTLE_ENDIAN");
    kv("category", "AutoEncoder");
    if let Some(id) = &spec.info.model_id {
        kv("uuid", id.trim());
    }
    kv("supervised", "false");
    kv("n_features", &spec.columns.len().to_string());
    kv("n_classes", "1");
    kv("n_columns", &spec.columns.len().to_string());
    kv("n_domains", &cats.to_string());
    kv("balance_classes", "false");
    kv("default_threshold", "0.5");
    kv("prior_class_distrib", "null");
    kv("model_class_distrib", "null");
    if let Some(t) = &extras.timestamp {
        kv("timestamp", t);
    }
    kv("escape_domain_values", "true");
    // DeepLearningMojoWriter.writeModelData, in its order.
    kv("mini_batch_size", "1");
    kv("nums", &nums.to_string());
    kv("cats", &cats.to_string());
    kv("cat_offsets", &int_array(&spec.cat_offsets));
    let norm = |v: &Option<Vec<f64>>| v.as_deref().map_or("null".to_string(), double_array);
    kv("norm_mul", &norm(&spec.norm_mul));
    kv("norm_sub", &norm(&spec.norm_sub));
    kv("norm_resp_mul", "null");
    kv("norm_resp_sub", "null");
    kv("use_all_factor_levels", "true");
    kv("activation", activation.name());
    kv(
        "distribution",
        extras.distribution.as_deref().unwrap_or("gaussian"),
    );
    kv(
        "mean_imputation",
        if mean_imputation { "true" } else { "false" },
    );
    if mean_imputation && cats > 0 {
        // DataInfo.catNAFill() for deep learning: the NA slot's index within each column.
        let modes: Vec<usize> = spec
            .domains
            .iter()
            .flatten()
            .map(|levels| levels.len())
            .collect();
        kv("cat_modes", &int_array(&modes));
    }
    kv("neural_network_sizes", &int_array(&spec.layer_sizes));
    for i in 0..n_layers {
        kv(&format!("weight_layer{i}"), &float_array(&spec.weights[i])?);
        kv(&format!("bias_layer{i}"), &double_array(&spec.biases[i]));
    }
    // One ratio per hidden layer plus the output layer's 0.0, as H2O writes them.
    let mut ratios = spec.hidden_dropout_ratios.clone();
    if ratios.len() < n_layers {
        ratios.resize(n_layers, 0.0);
    }
    kv("hidden_dropout_ratios", &double_array(&ratios));
    kv("_genmodel_encoding", "AUTO");
    kv("_orig_projection_array", "null");

    s.push_str("\n[columns]\n");
    for name in &spec.columns {
        s.push_str(name);
        s.push('\n');
    }
    s.push_str("\n[domains]\n");
    let mut file = 0;
    for (col, d) in spec.domains.iter().enumerate() {
        if let Some(levels) = d {
            let _ = writeln!(s, "{col}: {} d{file:03}.txt", levels.len());
            file += 1;
        }
    }
    Ok(s)
}

/// genmodel's `StringEscapeUtils.escapeNewlines`: `\` → `\\`, LF → `\n`, CR → `\r`.
fn escape_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn int_array(v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(usize::to_string).collect();
    format!("[{}]", items.join(", "))
}

fn double_array(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|&x| java_double(x)).collect();
    format!("[{}]", items.join(", "))
}

/// Weights as `Float.toString` spells them, each checked to read back bit for bit the way
/// genmodel reads weights, `(float) Double.parseDouble(text)`. Should the shortest float text
/// ever double-round to a neighbour, the exact double value of the float is written instead.
fn float_array(v: &[f32]) -> Result<String, ModelError> {
    let mut out = String::with_capacity(v.len() * 13 + 2);
    out.push('[');
    for (i, &w) in v.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let mut text = java_float(w);
        if !reads_back(&text, w) {
            text = java_double(w as f64);
            if !reads_back(&text, w) {
                return Err(ModelError::Unsupported {
                    path: "<MOJO to write>".into(),
                    reason: format!("weight {w:e} cannot be written exactly"),
                });
            }
        }
        out.push_str(&text);
    }
    out.push(']');
    Ok(out)
}

fn reads_back(text: &str, w: f32) -> bool {
    match crate::javanum::parse_java_double(text) {
        Ok(d) => (d as f32).to_bits() == w.to_bits() || (w.is_nan() && d.is_nan()),
        Err(_) => false,
    }
}

/// `Float.toString` (shortest digits that identify the float).
pub fn java_float(x: f32) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    java_style(
        format!("{x:e}"),
        x.is_infinite(),
        x < 0.0,
        x == 0.0,
        (x as f64).abs(),
    )
}

/// `Double.toString` (shortest digits that identify the double).
pub fn java_double(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    java_style(
        format!("{x:e}"),
        x.is_infinite(),
        x < 0.0,
        x == 0.0,
        x.abs(),
    )
}

/// Java's layout of a shortest-digits scientific text (`-1.2345e-5` from Rust's `{:e}`): plain
/// decimal for 1e-3 <= |x| < 1e7, otherwise `d.dddE<exp>`; always a digit after the point.
fn java_style(sci: String, infinite: bool, negative: bool, zero: bool, abs: f64) -> String {
    if infinite {
        return if negative { "-Infinity" } else { "Infinity" }.into();
    }
    if zero {
        return if sci.starts_with('-') { "-0.0" } else { "0.0" }.into();
    }
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent");
    let sign = if negative { "-" } else { "" };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (1e-3..1e7).contains(&abs) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!(
                "{sign}{digits}{}.0",
                "0".repeat(point as usize - digits.len())
            )
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{sign}{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_number_spelling() {
        assert_eq!(java_double(0.5), "0.5");
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(-0.0), "-0.0");
        assert_eq!(java_double(0.0), "0.0");
        assert_eq!(java_double(1e-5), "1.0E-5");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(1234567.0), "1234567.0");
        assert_eq!(java_double(-48.94843749999997), "-48.94843749999997");
        assert_eq!(java_double(0.0018886811339641528), "0.0018886811339641528");
        assert_eq!(java_double(1.5e-300), "1.5E-300");
        assert_eq!(java_double(f64::NAN), "NaN");
        assert_eq!(java_double(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(java_float(0.007935962), "0.007935962");
        assert_eq!(java_float(-0.001289528), "-0.001289528");
        assert_eq!(java_float(1.6026276), "1.6026276");
        assert_eq!(java_float(3.0e-4), "3.0E-4");
        assert_eq!(java_float(-1.25e8), "-1.25E8");
        assert_eq!(java_float(100.0), "100.0");
    }

    #[test]
    fn every_float_pattern_reads_back_exactly() {
        // A stride through all 2^32 bit patterns (normals, subnormals, both signs).
        let mut bits: u32 = 0;
        loop {
            let w = f32::from_bits(bits);
            if !w.is_nan() {
                let text = float_array(&[w]).unwrap();
                let inner = &text[1..text.len() - 1];
                assert!(reads_back(inner, w), "{w:e} as {inner}");
            }
            match bits.checked_add(65_521) {
                Some(b) => bits = b,
                None => break,
            }
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_newlines("a\nb\\c\rd"), r"a\nb\\c\rd");
    }
}
