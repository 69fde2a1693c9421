//! The MOJO reader: an H2O deep-learning autoencoder MOJO (zip, or an unzipped MOJO directory)
//! into a [`ModelSpec`], following genmodel's `DeeplearningMojoReader` for MOJO versions 1.00
//! and 1.10 (every version H2O-3 writes for deep learning).

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use crate::activation::Activation;
use crate::error::ModelError;
use crate::ini::{self, DomainRef};
use crate::model::{Model, ModelInfo};
use crate::spec::ModelSpec;
use crate::values::Info;

/// How much a MOJO may make the reader decompress: bounds memory whatever sizes a file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest `model.ini` (a 10-million-weight network is about 150 MB of text).
    pub model_ini_bytes: u64,
    /// The largest domain file.
    pub domain_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            model_ini_bytes: 1 << 30,
            domain_bytes: 256 << 20,
        }
    }
}
/// The newest MOJO version of deep-learning models (unchanged from H2O 3.32 to 3.46).
const NEWEST_MOJO_VERSION: f64 = 1.10;

/// Reads a MOJO from the bytes of its zip file. `name` is used in error messages.
pub fn read_mojo_bytes(bytes: &[u8], name: &str) -> Result<Model, ModelError> {
    read_mojo_bytes_with_limits(bytes, name, Limits::default())
}

/// [`read_mojo_bytes`] with explicit decompression limits.
pub fn read_mojo_bytes_with_limits(
    bytes: &[u8],
    name: &str,
    limits: Limits,
) -> Result<Model, ModelError> {
    let mut zip = ZipEntries::new(bytes, name)?;
    read_spec(&mut zip, name, limits)?.build(name)
}

/// The [`ModelSpec`] of a MOJO zip, before validation (e.g. to rewrite it with
/// [`crate::mojo_writer`]). `name` is used in error messages.
pub fn read_mojo_spec_bytes(bytes: &[u8], name: &str) -> Result<ModelSpec, ModelError> {
    let mut zip = ZipEntries::new(bytes, name)?;
    read_spec(&mut zip, name, Limits::default())
}

/// Reads a MOJO zip file, or an unzipped MOJO directory (as genmodel's `MojoModel.load` does).
pub fn read_mojo_path(path: &Path) -> Result<Model, ModelError> {
    let name = path.display().to_string();
    if path.is_dir() {
        let mut dir = DirEntries {
            root: path.to_path_buf(),
            name: name.clone(),
        };
        return read_spec(&mut dir, &name, Limits::default())?.build(&name);
    }
    let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
        path: name.clone(),
        source,
    })?;
    read_mojo_bytes(&bytes, &name)
}

/// Where the MOJO's entries come from.
trait Entries {
    fn text(&mut self, entry: &str, limit: u64) -> Result<String, ModelError>;
}

struct ZipEntries<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    name: String,
}

impl<'a> ZipEntries<'a> {
    fn new(bytes: &'a [u8], name: &str) -> Result<Self, ModelError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ModelError::Zip {
            path: name.to_string(),
            reason: e.to_string(),
        })?;
        Ok(ZipEntries {
            archive,
            name: name.to_string(),
        })
    }
}

impl Entries for ZipEntries<'_> {
    fn text(&mut self, entry: &str, limit: u64) -> Result<String, ModelError> {
        let path = &self.name;
        let file = match self.archive.by_name(entry) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(ModelError::MissingEntry {
                    path: path.clone(),
                    entry: entry.to_string(),
                })
            }
            Err(e) => {
                return Err(ModelError::Zip {
                    path: path.clone(),
                    reason: format!("{entry}: {e}"),
                })
            }
        };
        let too_large = |size| ModelError::TooLarge {
            path: path.clone(),
            what: format!("entry '{entry}'"),
            size,
            limit,
        };
        if file.size() > limit {
            return Err(too_large(file.size()));
        }
        // The declared size may lie (a zip bomb): never read more than the limit.
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ModelError::Zip {
                path: path.clone(),
                reason: format!("{entry}: {e}"),
            })?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
        utf8(bytes, path, entry)
    }
}

struct DirEntries {
    root: PathBuf,
    name: String,
}

impl Entries for DirEntries {
    fn text(&mut self, entry: &str, limit: u64) -> Result<String, ModelError> {
        let file = self.root.join(entry);
        let path = file.display().to_string();
        let meta = std::fs::metadata(&file).map_err(|_| ModelError::MissingEntry {
            path: self.name.clone(),
            entry: entry.to_string(),
        })?;
        if meta.len() > limit {
            return Err(ModelError::TooLarge {
                path,
                what: format!("entry '{entry}'"),
                size: meta.len(),
                limit,
            });
        }
        let bytes = std::fs::read(&file).map_err(|source| ModelError::Io { path, source })?;
        utf8(bytes, &self.name, entry)
    }
}

fn utf8(bytes: Vec<u8>, path: &str, entry: &str) -> Result<String, ModelError> {
    String::from_utf8(bytes).map_err(|e| ModelError::Zip {
        path: path.to_string(),
        reason: format!(
            "{entry} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

fn read_spec(
    entries: &mut dyn Entries,
    name: &str,
    limits: Limits,
) -> Result<ModelSpec, ModelError> {
    let ini_path = format!("{name}!model.ini");
    let text = entries.text("model.ini", limits.model_ini_bytes)?;
    let ini = ini::parse(&text, &ini_path)?;
    drop(text);
    let info = Info {
        map: &ini.info,
        path: &ini_path,
    };
    let unsupported = |reason: String| ModelError::Unsupported {
        path: name.to_string(),
        reason,
    };

    check_kind(&info, name)?;
    let version = info.required("mojo_version")?;
    match version.parse::<f64>() {
        Ok(v) if v <= NEWEST_MOJO_VERSION + 1e-9 => {}
        Ok(v) => return Err(unsupported(format!("MOJO version {v:.2} is newer than 1.10, the newest deep-learning MOJO version ae4j reads"))),
        Err(_) => return Err(ModelError::BadValue { path: ini_path.clone(), key: "mojo_version".into(), reason: format!("'{version}' is not a number") }),
    }
    if let Some(enc) = info.get("_genmodel_encoding") {
        if enc != "AUTO" {
            return Err(unsupported(format!("categorical encoding {enc} is not supported: ae4j scores autoencoders trained with the default (one-hot) encoding")));
        }
    }

    let n_features = info.usize("n_features")?;
    let n_columns = info.usize("n_columns")?;
    if ini.columns.len() != n_columns {
        return Err(ModelError::Inconsistent {
            path: ini_path.clone(),
            reason: format!(
                "n_columns = {n_columns}, but [columns] lists {}",
                ini.columns.len()
            ),
        });
    }
    if n_features > n_columns {
        return Err(ModelError::Inconsistent {
            path: ini_path.clone(),
            reason: format!("n_features = {n_features} exceeds n_columns = {n_columns}"),
        });
    }
    let cats = info.usize("cats")?;
    let nums = info.usize("nums")?;
    if cats + nums != n_features {
        return Err(ModelError::Inconsistent {
            path: ini_path.clone(),
            reason: format!("cats ({cats}) + nums ({nums}) != n_features ({n_features})"),
        });
    }
    let activation = info.required("activation")?;
    let activation: Activation =
        activation
            .parse()
            .map_err(|reason: String| ModelError::BadValue {
                path: ini_path.clone(),
                key: "activation".into(),
                reason,
            })?;
    let sizes = info.require(
        "neural_network_sizes",
        info.usize_array("neural_network_sizes")?,
    )?;
    let n_layers = sizes.len().saturating_sub(1);
    let mut weights = Vec::with_capacity(n_layers.min(64));
    let mut biases = Vec::with_capacity(n_layers.min(64));
    for i in 0..n_layers {
        let wk = format!("weight_layer{i}");
        weights.push(info.require(&wk, info.f32_array(&wk)?)?);
        let bk = format!("bias_layer{i}");
        biases.push(info.require(&bk, info.f64_array(&bk)?)?);
    }
    let mut domains = vec![None; n_features];
    read_domains(
        entries,
        &ini.domains,
        &mut domains,
        info.bool_or("escape_domain_values", false)?,
        name,
        limits,
    )?;
    let with_domain = domains.iter().filter(|d| d.is_some()).count();
    if with_domain != cats {
        return Err(ModelError::Inconsistent {
            path: ini_path.clone(),
            reason: format!(
                "cats = {cats}, but [domains] gives levels for {with_domain} input columns"
            ),
        });
    }

    let spec = ModelSpec {
        info: ModelInfo {
            format: "mojo".into(),
            h2o_version: info.get("h2o_version").map(str::to_string),
            mojo_version: Some(version.to_string()),
            model_id: info.get("uuid").map(str::to_string),
        },
        columns: ini.columns[..n_features].to_vec(),
        domains,
        cat_offsets: info.require("cat_offsets", info.usize_array("cat_offsets")?)?,
        norm_mul: info.f64_array("norm_mul")?,
        norm_sub: info.f64_array("norm_sub")?,
        activation: Some(activation),
        layer_sizes: sizes,
        weights,
        biases,
        hidden_dropout_ratios: info.f64_array("hidden_dropout_ratios")?.unwrap_or_default(),
    };
    Ok(spec)
}

/// Only deep-learning autoencoders; anything else is named in the error.
fn check_kind(info: &Info, name: &str) -> Result<(), ModelError> {
    let unsupported = |reason: String| {
        Err(ModelError::Unsupported {
            path: name.to_string(),
            reason,
        })
    };
    let algorithm =
        info.get("algorithm")
            .or(info.get("algo"))
            .ok_or_else(|| ModelError::MissingKey {
                path: info.path.to_string(),
                key: "algorithm".into(),
            })?;
    if !matches!(
        algorithm,
        "Deep Learning" | "deep learning" | "deeplearning"
    ) {
        return unsupported(format!(
            "this is a '{algorithm}' model; ae4j scores H2O deep-learning autoencoders only"
        ));
    }
    let category = info.required("category")?;
    if category != "AutoEncoder" || info.bool_or("supervised", false)? {
        return unsupported(format!("this is a supervised deep-learning model (category {category}); ae4j scores autoencoders (category AutoEncoder) only"));
    }
    Ok(())
}

fn read_domains(
    entries: &mut dyn Entries,
    refs: &[DomainRef],
    domains: &mut [Option<Vec<String>>],
    escaped: bool,
    name: &str,
    limits: Limits,
) -> Result<(), ModelError> {
    for r in refs {
        // genmodel ignores domains of columns past the features (e.g. a weights column).
        if r.column >= domains.len() {
            continue;
        }
        let entry = format!("domains/{}", r.file);
        let text = entries.text(&entry, limits.domain_bytes)?;
        let lines = java_lines(&text);
        if lines.len() < r.count {
            return Err(ModelError::Inconsistent {
                path: format!("{name}!{entry}"),
                reason: format!(
                    "[domains] line {} declares {} levels, the file has {}",
                    r.line,
                    r.count,
                    lines.len()
                ),
            });
        }
        let levels = lines[..r.count]
            .iter()
            .map(|l| if escaped { unescape(l) } else { l.to_string() })
            .collect();
        domains[r.column] = Some(levels);
    }
    Ok(())
}

/// Lines as Java's `BufferedReader.readLine` splits them: on `\n`, `\r\n` or `\r`.
fn java_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                lines.push(&rest[..i]);
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
            None => {
                lines.push(rest);
                rest = "";
            }
        }
    }
    lines
}

/// genmodel's `StringEscapeUtils.unescapeNewlines`: `\n`, `\r`, `\\`; a backslash before any
/// other char is dropped.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_line_splitting() {
        assert_eq!(java_lines("a\nb\r\nc\rd\n"), ["a", "b", "c", "d"]);
        assert_eq!(java_lines("a\n\nb"), ["a", "", "b"]);
        assert!(java_lines("").is_empty());
    }

    #[test]
    fn unescaping() {
        assert_eq!(unescape(r"a\nb\\c\rd\x"), "a\nb\\c\rdx");
    }
}
