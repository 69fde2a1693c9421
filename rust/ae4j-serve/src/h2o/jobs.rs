//! Jobs: every job here has finished before its first answer (parse and scoring run in the
//! request), so `GET /3/Jobs/{key}` reports `DONE` or `FAILED` on the first poll.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use super::keys::{frame_key, job_key, job_key_json, meta, now_millis};
use super::H2oError;
use crate::Shared;

#[derive(Debug, Clone)]
pub struct Job {
    pub key: String,
    pub description: &'static str,
    pub dest: String,
    /// `None`: done; `Some`: failed with this exception text.
    pub exception: Option<String>,
    pub warnings: Vec<String>,
    pub start_time: u64,
    pub msec: u64,
}

impl Job {
    /// A finished job; `started` is when its work began.
    pub fn finished(
        description: &'static str,
        dest: &str,
        started: Instant,
        outcome: Result<Vec<String>, H2oError>,
    ) -> Job {
        let msec = started.elapsed().as_millis() as u64;
        let (exception, warnings) = match outcome {
            Ok(w) => (None, w),
            Err(e) => (Some(e.job_exception()), Vec::new()),
        };
        Job {
            key: job_key(),
            description,
            dest: dest.to_string(),
            exception,
            warnings,
            start_time: now_millis().saturating_sub(msec),
            msec,
        }
    }

    /// `JobV3`.
    pub fn to_json(&self) -> Value {
        let failed = self.exception.is_some();
        json!({
            "__meta": meta("JobV3", "Job"),
            "key": job_key_json(&self.key),
            "description": self.description,
            "status": if failed { "FAILED" } else { "DONE" },
            "progress": if failed { 0.0 } else { 1.0 },
            "progress_msg": if failed { "Failed." } else { "Done." },
            "start_time": self.start_time,
            "msec": self.msec,
            "dest": frame_key(&self.dest),
            "warnings": if self.warnings.is_empty() { Value::Null } else { json!(self.warnings) },
            "exception": self.exception,
            "stacktrace": self.exception,
            "auto_recoverable": false,
            "ready_for_view": true,
        })
    }
}

/// Finished jobs kept at most (each is a few hundred bytes).
const MAX_JOBS: usize = 10_000;

/// Jobs by key, kept for the TTL after they finish (and at most `MAX_JOBS`).
pub struct Jobs {
    jobs: HashMap<String, (Job, Instant)>,
    ttl: Duration,
}

impl Jobs {
    pub fn new(ttl: Duration) -> Self {
        Jobs {
            jobs: HashMap::new(),
            ttl,
        }
    }

    pub fn add(&mut self, job: Job) {
        let ttl = self.ttl;
        self.jobs.retain(|_, (_, t)| t.elapsed() <= ttl);
        if self.jobs.len() >= MAX_JOBS {
            // The oldest go first: a job is polled right after it is made.
            let oldest = self
                .jobs
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.jobs.remove(&k);
            }
        }
        self.jobs.insert(job.key.clone(), (job, Instant::now()));
    }

    pub fn get(&self, key: &str) -> Option<&Job> {
        self.jobs.get(key).map(|(j, _)| j)
    }
}

/// `GET /3/Jobs/{key}` → `JobsV3`.
pub async fn get(
    State(shared): State<Shared>,
    Path(key): Path<String>,
) -> Result<Json<Value>, H2oError> {
    let h2o = super::state(&shared)?;
    let jobs = h2o.jobs.lock().unwrap_or_else(|p| p.into_inner());
    let job = jobs
        .get(&key)
        .ok_or_else(|| H2oError::bad_request("Job is missing"))?;
    Ok(Json(json!({
        "__meta": meta("JobsV3", "Iced"),
        "_exclude_fields": "",
        "job_id": job_key_json(&job.key),
        "jobs": [job.to_json()],
    })))
}
