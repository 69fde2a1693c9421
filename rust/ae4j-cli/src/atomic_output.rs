//! Output written under a temporary name and renamed when complete, so a failed run never
//! leaves a truncated file that looks finished. `-` is standard output.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};

pub struct AtomicOutput {
    target: Option<PathBuf>,
    partial: Option<PathBuf>,
}

impl AtomicOutput {
    pub fn new(path: &str) -> Self {
        if path == "-" {
            return AtomicOutput {
                target: None,
                partial: None,
            };
        }
        let target = PathBuf::from(path);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let partial = target.with_file_name(format!(".{name}.partial"));
        AtomicOutput {
            target: Some(target),
            partial: Some(partial),
        }
    }

    pub fn writer(&self) -> Result<Box<dyn Write + Send>> {
        Ok(match (&self.partial, &self.target) {
            (Some(p), Some(t)) => {
                Box::new(File::create(p).with_context(|| format!("cannot create {}", t.display()))?)
            }
            _ => Box::new(io::stdout()),
        })
    }

    /// Moves the finished file into place.
    pub fn commit(&self) -> Result<()> {
        if let (Some(p), Some(t)) = (&self.partial, &self.target) {
            std::fs::rename(p, t)
                .with_context(|| format!("cannot move the output to {}", t.display()))?;
        }
        Ok(())
    }

    /// Removes the unfinished file.
    pub fn abandon(&self) {
        if let Some(p) = &self.partial {
            let _ = std::fs::remove_file(p);
        }
    }
}
