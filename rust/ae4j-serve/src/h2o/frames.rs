//! The frame store: uploaded/imported files (raw bytes) and parsed frames, by key, in memory
//! only, within a byte budget; a frame idle longer than the TTL is dropped.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::H2oError;

/// One column of a parsed frame.
#[derive(Debug, Clone, PartialEq)]
pub enum ColData {
    /// Numbers; NaN is missing.
    Num(Vec<f64>),
    /// A categorical: its own domain (sorted, as H2O's parser makes it) and each row's level
    /// index into it (NaN: missing).
    Enum {
        domain: Vec<String>,
        codes: Vec<f64>,
    },
    /// Text cells (`None`: missing).
    Str(Vec<Option<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Col {
    pub name: String,
    pub data: ColData,
}

impl Col {
    pub fn num(name: impl Into<String>, values: Vec<f64>) -> Self {
        Col {
            name: name.into(),
            data: ColData::Num(values),
        }
    }

    /// Bytes this column holds (what the budget counts).
    pub fn bytes(&self) -> usize {
        self.name.len()
            + match &self.data {
                ColData::Num(v) => v.len() * 8,
                ColData::Enum { domain, codes } => {
                    codes.len() * 8 + domain.iter().map(|d| d.len() + 24).sum::<usize>()
                }
                ColData::Str(v) => v
                    .iter()
                    .map(|s| 24 + s.as_ref().map_or(0, String::len))
                    .sum(),
            }
    }

    /// H2O's column type: `real`, `int` (every value whole), `enum` or `string`.
    pub fn type_name(&self) -> &'static str {
        match &self.data {
            ColData::Num(v) => {
                if v.iter().all(|x| !x.is_finite() || x.fract() == 0.0) {
                    "int"
                } else {
                    "real"
                }
            }
            ColData::Enum { .. } => "enum",
            ColData::Str(_) => "string",
        }
    }
}

/// A parsed frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub rows: usize,
    pub cols: Vec<Col>,
}

impl Frame {
    pub fn bytes(&self) -> usize {
        self.cols.iter().map(Col::bytes).sum()
    }

    pub fn col(&self, name: &str) -> Option<&Col> {
        self.cols.iter().find(|c| c.name == name)
    }
}

/// What a key holds.
#[derive(Clone)]
pub enum Stored {
    /// File bytes waiting to be parsed (`upload_<hex>`, `nfs://<path>`).
    Raw(Bytes),
    Parsed(Arc<Frame>),
}

impl Stored {
    fn bytes(&self) -> usize {
        match self {
            Stored::Raw(b) => b.len(),
            Stored::Parsed(f) => f.bytes(),
        }
    }
}

struct Entry {
    value: Stored,
    bytes: usize,
    used: Instant,
}

/// What one entry costs besides its data (its map slot and bookkeeping).
const ENTRY_BYTES: usize = 64;

pub struct Store {
    entries: HashMap<String, Entry>,
    used: usize,
    budget: usize,
    ttl: Duration,
}

impl Store {
    pub fn new(budget: usize, ttl: Duration) -> Self {
        Store {
            entries: HashMap::new(),
            used: 0,
            budget,
            ttl,
        }
    }

    /// Drops frames idle for longer than the TTL.
    fn sweep(&mut self) {
        let ttl = self.ttl;
        let expired: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, e)| e.used.elapsed() > ttl)
            .map(|(k, _)| k.clone())
            .collect();
        for k in expired {
            self.remove(&k);
        }
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Bytes still free (after dropping expired frames).
    pub fn free(&mut self) -> usize {
        self.sweep();
        self.budget.saturating_sub(self.used)
    }

    /// Refuses (before anything is allocated) `need` more bytes that would not fit, counting
    /// the bytes of `replacing` (a key about to be overwritten) as free.
    pub fn check(
        &mut self,
        what: &str,
        need: usize,
        replacing: Option<&str>,
    ) -> Result<(), H2oError> {
        let back = replacing
            .and_then(|k| self.entries.get(k))
            .map_or(0, |e| e.bytes);
        let free = self.free() + back;
        if need > free {
            return Err(H2oError::over_budget(what, need, free, self.budget));
        }
        Ok(())
    }

    /// Stores `value` under `key` (replacing what was there) if it fits the budget. The key and
    /// the entry count too, so that many empty frames cannot grow the store without bound.
    pub fn insert(&mut self, key: &str, value: Stored) -> Result<(), H2oError> {
        let bytes = value.bytes() + key.len() + ENTRY_BYTES;
        self.check(&format!("frame '{key}'"), bytes, Some(key))?;
        self.remove(key);
        self.used += bytes;
        self.entries.insert(
            key.to_string(),
            Entry {
                value,
                bytes,
                used: Instant::now(),
            },
        );
        Ok(())
    }

    /// The value under `key`, refreshing its idle time.
    pub fn get(&mut self, key: &str) -> Option<Stored> {
        self.sweep();
        self.entries.get_mut(key).map(|e| {
            e.used = Instant::now();
            e.value.clone()
        })
    }

    pub fn remove(&mut self, key: &str) -> bool {
        match self.entries.remove(key) {
            Some(e) => {
                self.used -= e.bytes;
                true
            }
            None => false,
        }
    }

    /// Every parsed frame, by key (for `GET /3/Frames`).
    pub fn parsed(&mut self) -> Vec<(String, Arc<Frame>)> {
        self.sweep();
        let mut all: Vec<(String, Arc<Frame>)> = self
            .entries
            .iter()
            .filter_map(|(k, e)| match &e.value {
                Stored::Parsed(f) => Some((k.clone(), f.clone())),
                Stored::Raw(_) => None,
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rows: usize) -> Stored {
        Stored::Parsed(Arc::new(Frame {
            rows,
            cols: vec![Col::num("x", vec![1.0; rows])],
        }))
    }

    #[test]
    fn the_budget_refuses_what_does_not_fit_and_frees_on_remove() {
        let mut s = Store::new(1000, Duration::from_secs(60));
        s.insert("a", frame(100)).unwrap(); // 801 + 1 + 64 bytes
        let e = s.insert("b", frame(100)).unwrap_err();
        assert_eq!(e.status.as_u16(), 413);
        assert!(e.msg.contains("--h2o-max-frame-bytes"), "{}", e.msg);
        s.insert("a", frame(110)).unwrap(); // replacing frees the old bytes first
        assert!(s.remove("a"));
        assert!(!s.remove("a"));
        s.insert("b", frame(100)).unwrap();
        assert_eq!(s.free(), 1000 - 801 - 1 - ENTRY_BYTES);
        let mut tiny = Store::new(1000, Duration::from_secs(60));
        let empty = || Stored::Raw(Bytes::new());
        let fitted = (0..100).take_while(|i| tiny.insert(&format!("k{i}"), empty()).is_ok());
        assert!(fitted.count() < 20, "empty frames still cost their entry");
    }

    #[test]
    fn idle_frames_expire() {
        let mut s = Store::new(1000, Duration::from_millis(20));
        s.insert("a", Stored::Raw(Bytes::from_static(b"abc")))
            .unwrap();
        assert!(s.get("a").is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(s.get("a").is_none());
        assert_eq!(s.free(), 1000);
    }

    #[test]
    fn h2o_column_types() {
        assert_eq!(Col::num("a", vec![1.0, f64::NAN, 0.0]).type_name(), "int");
        assert_eq!(Col::num("a", vec![1.5]).type_name(), "real");
    }
}
