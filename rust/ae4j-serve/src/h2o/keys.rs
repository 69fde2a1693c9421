//! H2O-looking keys and the small JSON pieces every schema repeats (`__meta`, key objects).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `n` random lowercase hex digits (keys must not collide; they need not be secret).
pub fn random_hex(n: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(n + 16);
    while out.len() < n {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u64(now_millis());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(n);
    out
}

/// A job key as H2O spells them (`$03017f000001bed4ffffffff$_<32 hex>`).
pub fn job_key() -> String {
    format!("$03017f000001bed4ffffffff$_{}", random_hex(32))
}

/// `{"schema_version":3,"schema_name":…,"schema_type":…}`.
pub fn meta(name: &str, kind: &str) -> Value {
    json!({"schema_version": 3, "schema_name": name, "schema_type": kind})
}

pub fn frame_key(name: &str) -> Value {
    json!({
        "__meta": meta("FrameKeyV3", "Key<Frame>"),
        "name": name, "type": "Key<Frame>", "URL": format!("/3/Frames/{name}"),
    })
}

pub fn model_key(name: &str) -> Value {
    json!({
        "__meta": meta("ModelKeyV3", "Key<Model>"),
        "name": name, "type": "Key<Model>", "URL": format!("/3/Models/{name}"),
    })
}

pub fn job_key_json(name: &str) -> Value {
    json!({
        "__meta": meta("JobKeyV3", "Key<Job>"),
        "name": name, "type": "Key<Job>", "URL": format!("/3/Jobs/{name}"),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_keys_differ() {
        let (a, b) = (super::random_hex(32), super::random_hex(32));
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
