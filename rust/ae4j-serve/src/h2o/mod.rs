//! H2O 3.46.0.7's REST scoring flow (`ae4j serve --h2o-api`): what the h2o Python client's
//! `connect`, `upload_file`/`import_file`, `get_model`, `anomaly`, `deepfeatures`, `predict`,
//! `as_data_frame` and `remove` send, and the guide's curl flow (ImportFiles → ParseSetup →
//! Parse → Jobs → Predictions → Frames/DownloadDataset → DELETE), answered for the served models
//! with H2O's schemas (recorded from a real H2O in `tests/fixtures/h2o-api/`).
//!
//! Frames live in memory only, within a byte budget and an idle TTL; jobs finish before their
//! first answer. Scoring goes through the core (`score.rs`, the one adapter to it; `raw_frame.rs`
//! for a model with a preprocessing pipeline: the frame's columns are its raw inputs).

mod columns;
mod download;
mod error;
mod frame_json;
mod frames;
mod guess;
mod handshake;
mod import;
mod jobs;
mod keys;
mod models;
mod params;
mod parse;
mod predict;
mod raw_frame;
mod score;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::{delete, get, post};
use axum::Router;
use clap::Args;

use crate::Shared;
pub use error::H2oError;

/// `ae4j serve` options of the H2O-compatible API.
#[derive(Args, Debug, Clone, Default)]
pub struct H2oArgs {
    /// Answer H2O 3.46.0.7's REST scoring flow (`/3/...`, `/4/...`, `/99/Rapids`) for the served
    /// models, so h2o-py scripts and the guide's curl steps work unchanged. Off by default.
    #[arg(long)]
    pub h2o_api: bool,
    /// The directory whose files `ImportFiles`, `ImportFilesMulti` and `ParseSetup` may read
    /// (server-side paths). Without it, only uploads (`PostFile`) are accepted.
    #[arg(long, value_name = "DIR")]
    pub h2o_import_dir: Option<PathBuf>,
    /// Bytes all H2O frames together (uploaded files, parsed and predictions frames) may hold
    /// in memory; more is refused with H2O's error answer.
    #[arg(long, default_value_t = 256 * 1024 * 1024, value_name = "BYTES")]
    pub h2o_max_frame_bytes: usize,
    /// A frame unused for this many seconds is dropped (as if removed).
    #[arg(long, default_value_t = 1800, value_name = "SECS")]
    pub h2o_frame_ttl_secs: u64,
}

/// The H2O API's state: frames, jobs and sessions, all in memory.
pub struct H2oState {
    pub frames: Mutex<frames::Store>,
    pub jobs: Mutex<jobs::Jobs>,
    pub import_dir: Option<PathBuf>,
}

impl H2oState {
    pub fn new(args: &H2oArgs) -> anyhow::Result<Option<Arc<H2oState>>> {
        if !args.h2o_api {
            return Ok(None);
        }
        let import_dir = match &args.h2o_import_dir {
            Some(d) => Some(
                std::fs::canonicalize(d)
                    .map_err(|e| anyhow::anyhow!("--h2o-import-dir {}: {e}", d.display()))?,
            ),
            None => None,
        };
        let ttl = Duration::from_secs(args.h2o_frame_ttl_secs.max(1));
        Ok(Some(Arc::new(H2oState {
            frames: Mutex::new(frames::Store::new(args.h2o_max_frame_bytes, ttl)),
            jobs: Mutex::new(jobs::Jobs::new(ttl)),
            import_dir,
        })))
    }
}

/// The routes, added to the service's router when `--h2o-api` is on.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/3/Cloud", get(handshake::cloud).head(handshake::cloud))
        .route("/3/Metadata/schemas/{name}", get(handshake::schema))
        .route("/4/sessions", post(handshake::new_session))
        .route("/4/sessions/{sid}", delete(handshake::end_session))
        .route("/3/InitID", get(handshake::init_id))
        .route("/99/Rapids", post(handshake::rapids))
        .route("/3/PostFile", post(import::post_file))
        .route("/3/PostFile.bin", post(import::post_file))
        .route(
            "/3/ImportFiles",
            get(import::import_files).post(import::import_files),
        )
        .route("/3/ImportFilesMulti", post(import::import_files_multi))
        .route("/3/ParseSetup", post(parse::setup))
        .route("/3/Parse", post(parse::parse))
        .route("/3/Jobs/{key}", get(jobs::get))
        .route("/3/Frames", get(frame_json::list))
        .route(
            "/3/Frames/{key}",
            get(frame_json::get).delete(frame_json::remove),
        )
        .route("/3/DownloadDataset", get(download::download))
        .route("/3/DownloadDataset.bin", get(download::download))
        .route("/3/Models", get(models::list))
        .route("/3/Models/{id}", get(models::get))
        .route(
            "/3/Predictions/models/{model}/frames/{frame}",
            post(predict::predict_v3),
        )
        .route(
            "/4/Predictions/models/{model}/frames/{frame}",
            post(predict::predict_v4),
        )
}

/// The H2O state of a service started with `--h2o-api` (the routes exist only then).
pub(crate) fn state(shared: &Shared) -> Result<&H2oState, H2oError> {
    shared
        .h2o
        .as_deref()
        .ok_or_else(|| H2oError::bad_request("the H2O API is off (start with --h2o-api)"))
}
