//! The served models: loaded once at start, shared read-only by every request.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use ae4j_core::calibration::{self, Calibration};
use ae4j_core::pipeline::{self, Pipeline};
use ae4j_core::Model;
use anyhow::{bail, Context, Result};

/// `--model [ID=]PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSpecArg {
    pub id: Option<String>,
    pub path: PathBuf,
}

impl FromStr for ModelSpecArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        // `id=path`, unless the text before `=` looks like a path (then it is all a path).
        match s.split_once('=') {
            Some((id, path)) if !id.is_empty() && !id.contains('/') && !path.is_empty() => {
                check_id(id)?;
                Ok(ModelSpecArg {
                    id: Some(id.to_string()),
                    path: PathBuf::from(path),
                })
            }
            _ if s.is_empty() => Err("empty model path".into()),
            _ => Ok(ModelSpecArg {
                id: None,
                path: PathBuf::from(s),
            }),
        }
    }
}

/// Ids go into URL paths and metric labels: keep them to a safe alphabet.
fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(format!(
            "model id '{id}': use letters, digits, '_', '-' and '.' only"
        ));
    }
    Ok(())
}

/// One loaded model.
#[derive(Clone)]
pub struct Served {
    pub id: String,
    pub path: PathBuf,
    pub model: Arc<Model>,
    /// The model file's calibration (MOJO entry or POJO sidecar), checked against the model.
    pub calibration: Option<Arc<Calibration>>,
    /// The model file's preprocessing pipeline (MOJO entry or POJO sidecar), checked against
    /// the model: requests then carry its raw input columns instead of the model's.
    pub pipeline: Option<Arc<Pipeline>>,
}

/// The models by id.
pub struct Registry {
    models: BTreeMap<String, Served>,
}

impl Registry {
    pub fn load(specs: &[ModelSpecArg]) -> Result<Self> {
        if specs.is_empty() {
            bail!("no model given: use --model PATH (or --model ID=PATH)");
        }
        let mut models = BTreeMap::new();
        for spec in specs {
            let file = resolve(&spec.path)?;
            let id = match &spec.id {
                Some(id) => id.clone(),
                None => {
                    let stem = file
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    check_id(&stem).map_err(|e| {
                        anyhow::anyhow!("{e}; name it with --model ID={}", spec.path.display())
                    })?;
                    stem
                }
            };
            let model = ae4j_core::load_model(&file)
                .with_context(|| format!("cannot load model {}", file.display()))?;
            let calibration = calibration::read(&file, &model)
                .with_context(|| {
                    format!("cannot load the calibration of model {}", file.display())
                })?
                .map(Arc::new);
            let pipeline = pipeline::read(&file, &model)
                .with_context(|| format!("cannot load the pipeline of model {}", file.display()))?
                .map(Arc::new);
            if models.contains_key(&id) {
                bail!("two models have the id '{id}': name them with --model ID=PATH");
            }
            models.insert(
                id.clone(),
                Served {
                    id,
                    path: file,
                    model: Arc::new(model),
                    calibration,
                    pipeline,
                },
            );
        }
        Ok(Registry { models })
    }

    pub fn get(&self, id: &str) -> Option<&Served> {
        self.models.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.models.keys().map(String::as_str)
    }

    pub fn all(&self) -> impl Iterator<Item = &Served> {
        self.models.values()
    }

    /// The only model, if exactly one is served.
    pub fn only(&self) -> Option<&Served> {
        if self.models.len() == 1 {
            self.models.values().next()
        } else {
            None
        }
    }
}

/// A model path as given, or the single model file in a directory that is not itself an
/// unzipped MOJO (KServe's storage initializer downloads into such a directory).
fn resolve(path: &Path) -> Result<PathBuf> {
    if !path.is_dir() || path.join("model.ini").exists() {
        return Ok(path.to_path_buf());
    }
    let entries = std::fs::read_dir(path)
        .with_context(|| format!("cannot read the model directory {}", path.display()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| {
                    x.eq_ignore_ascii_case("zip") || x.eq_ignore_ascii_case("java")
                })
        })
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!(
            "{}: a directory with no model.ini (not an unzipped MOJO) and no .zip or .java model",
            path.display()
        ),
        n => bail!(
            "{}: {n} model files in the directory; give one with --model ID=PATH",
            path.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_specs() {
        let s: ModelSpecArg = "fraud=/m/a.zip".parse().unwrap();
        assert_eq!(s.id.as_deref(), Some("fraud"));
        assert_eq!(s.path, PathBuf::from("/m/a.zip"));
        let s: ModelSpecArg = "models/a.zip".parse().unwrap();
        assert_eq!(s.id, None);
        let s: ModelSpecArg = "./x=y/a.zip".parse().unwrap();
        assert_eq!(s.id, None, "a '/' before '=' makes it a path");
        assert!("bad id=/a.zip".parse::<ModelSpecArg>().is_err());
    }
}
