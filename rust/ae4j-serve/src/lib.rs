//! # ae4j-serve
//!
//! `ae4j serve`: a stateless REST service that scores H2O deep-learning autoencoders with
//! `ae4j-core`, speaking the protocols MLOps platforms already use:
//!
//! - the native API: `POST /v1/score`, `POST /v1/models/{id}/score` (JSON rows or CSV),
//!   `GET /v1/models`, `GET /v1/models/{id}`;
//! - the Open Inference Protocol v2 (KServe, Triton): `/v2/health/*`, `/v2/models/{id}[/ready]`,
//!   `POST /v2/models/{id}/infer`, with the binary tensor extension;
//! - the MLflow scoring server / SageMaker contract: `POST /invocations`, `GET /ping`;
//! - operations: `GET /healthz`, `GET /metrics` (Prometheus), `GET /openapi.json`.
//!
//! Every route converts values with genmodel's RowData rules and scores with the core, so
//! the numbers are those of `ae4j predict` and of the conformance fixtures.
//!
//! A model whose file carries a preprocessing pipeline (`ae4j_core::pipeline`: the MOJO entry
//! or a POJO's sidecar) takes the pipeline's raw input columns on every route instead; the core
//! runs it before genmodel's conversion (a served model's `pipeline`, in `models.rs`,
//! handed to the scorer in `scoring.rs` and, for H2O frames, `h2o/raw_frame.rs`).

mod api;
mod csvio;
mod h2o;
mod linger;
mod metrics;
mod mlflow;
mod models;
mod native;
mod params;
mod scoring;
mod v2;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use clap::{Args, ValueEnum};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::ServiceExt as _;

pub use h2o::H2oArgs;
pub use models::{ModelSpecArg, Registry};

/// `ae4j serve` options.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// A model to serve: `path` (its id is the file stem) or `id=path`. A MOJO zip, an unzipped
    /// MOJO directory, a POJO `.java` source, or a directory holding exactly one `.zip`/`.java`
    /// (as KServe's storage initializer lays models out). Repeatable.
    #[arg(long, short, required = true, value_name = "[ID=]PATH")]
    pub model: Vec<ModelSpecArg>,
    /// Address to listen on (`0.0.0.0` to accept connections from other hosts, as in a container).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (`0`: any free port, printed at start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Largest request body accepted, in bytes (larger: 413).
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// After answering a request whose body it did not read (413, or a 404/415 known from the
    /// headers), how long the service goes on reading and dropping the body before it closes
    /// the connection, so that clients still sending get the answer instead of a reset.
    #[arg(long, default_value_t = 5)]
    pub lingering_secs: u64,
    /// The most bytes of such a body read and dropped before the connection closes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub lingering_bytes: u64,
    /// Most rows accepted in one request (more: 413).
    #[arg(long, default_value_t = 10_000)]
    pub max_rows: usize,
    /// Time a client has to send its request headers, in seconds (slower: connection closed).
    #[arg(long, default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Time a request may take from its headers to the answer, body upload included, in
    /// seconds (longer: 408).
    #[arg(long, default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// On SIGTERM/SIGINT, how long in-flight requests may run before the service exits anyway.
    #[arg(long, default_value_t = 30)]
    pub shutdown_grace_secs: u64,
    #[command(flatten)]
    pub h2o: h2o::H2oArgs,
    /// Request log format (one line per request on standard error).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
    /// No request log.
    Off,
}

impl ServeArgs {
    /// Options for tests and embedding: these models, on 127.0.0.1, any free port.
    pub fn local(models: Vec<ModelSpecArg>) -> Self {
        ServeArgs {
            model: models,
            host: "127.0.0.1".into(),
            port: 0,
            max_body_bytes: 8 * 1024 * 1024,
            lingering_secs: 5,
            lingering_bytes: 64 * 1024 * 1024,
            max_rows: 10_000,
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            shutdown_grace_secs: 30,
            log_format: LogFormat::Off,
            h2o: h2o::H2oArgs::default(),
        }
    }
}

/// What every handler shares.
pub(crate) struct AppState {
    pub registry: Registry,
    pub max_body_bytes: usize,
    pub max_rows: usize,
    pub metrics: metrics::Metrics,
    pub started: Instant,
    /// The H2O-compatible API's frames and jobs (`--h2o-api`), else `None`.
    pub h2o: Option<Arc<h2o::H2oState>>,
}

pub(crate) type Shared = Arc<AppState>;

/// The service's routes over loaded models.
fn router(state: Shared, request_timeout: Duration) -> Router {
    let base = if state.h2o.is_some() {
        h2o::routes()
    } else {
        Router::new()
    };
    base.route("/healthz", get(native::healthz))
        .route("/metrics", get(metrics::handler))
        .route("/openapi.json", get(native::openapi))
        .route("/v1/models", get(native::list_models))
        .route("/v1/models/{id}", get(native::model_info))
        .route("/v1/score", post(native::score_default))
        .route("/v1/models/{id}/score", post(native::score_model))
        .route("/v2", get(v2::server_metadata))
        .route("/v2/health/live", get(v2::live))
        .route("/v2/health/ready", get(v2::ready))
        .route("/v2/models/{id}", get(v2::model_metadata))
        .route("/v2/models/{id}/ready", get(v2::model_ready))
        .route("/v2/models/{id}/infer", post(v2::infer))
        .route("/ping", get(mlflow::ping))
        .route("/health", get(mlflow::ping))
        .route("/version", get(mlflow::version))
        .route("/invocations", post(mlflow::invocations))
        .fallback(native::not_found)
        .layer(middleware::from_fn_with_state(
            (state.clone(), request_timeout),
            observe,
        ))
        .with_state(state)
}

/// Per request: the timeout, the metrics and one log line.
async fn observe(
    State((state, timeout)): State<(Shared, Duration)>,
    req: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let _in_flight = state.metrics.in_flight();
    let response = match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => api::ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!("the request took longer than {} s", timeout.as_secs_f64()),
        )
        .into_response(),
    };
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    let scored = response.extensions().get::<api::Scored>().cloned();
    if let Some(s) = &scored {
        state
            .metrics
            .record(&s.model, s.protocol, status, s.rows, s.row_errors, elapsed);
    } else if path.starts_with("/v1/") && method == axum::http::Method::POST
        || path.starts_with("/v2/models/") && path.ends_with("/infer")
        || path == "/invocations"
    {
        // A scoring request that failed before a model was chosen (unknown id, bad body).
        state
            .metrics
            .record("", api::protocol_of(&path), status, 0, 0, elapsed);
    }
    let ms = elapsed.as_secs_f64() * 1e3;
    let (model, rows, row_errors) = scored
        .as_ref()
        .map_or(("", 0, 0), |s| (s.model.as_str(), s.rows, s.row_errors));
    if status >= 500 {
        tracing::error!(target: "ae4j::request", %method, %path, status, ms, model, rows, row_errors, "request");
    } else {
        tracing::info!(target: "ae4j::request", %method, %path, status, ms, model, rows, row_errors, "request");
    }
    response
}

fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("AE4J_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
        LogFormat::Off => Ok(()),
    };
}

/// A running service (see [`spawn`]).
pub struct ServerHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

impl ServerHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets in-flight requests finish (within the grace period), and waits.
    pub fn shutdown(mut self) -> Result<()> {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| anyhow::anyhow!("the service thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

/// Loads the models and starts the service on its own threads; returns once it listens.
pub fn spawn(args: ServeArgs) -> Result<ServerHandle> {
    let registry = Registry::load(&args.model)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ae4j-serve")
        .build()
        .context("cannot start the async runtime")?;
    let listener = runtime.block_on(bind(&args))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("ae4j-serve-main".into())
        .spawn(move || {
            runtime.block_on(serve(listener, registry, &args, async {
                let _ = stopped.await;
            }))
        })?;
    Ok(ServerHandle {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// `ae4j serve`: loads the models, listens, serves until SIGTERM or SIGINT, then drains.
pub fn run(args: &ServeArgs) -> Result<()> {
    init_logging(args.log_format);
    let registry = Registry::load(&args.model)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ae4j-serve")
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = bind(args).await?;
        let addr = listener.local_addr()?;
        let ids: Vec<&str> = registry.ids().collect();
        // A line on standard output that scripts (and tests using --port 0) can read.
        println!(
            "ae4j: listening on http://{addr} (models: {})",
            ids.join(", ")
        );
        tracing::info!(%addr, models = %ids.join(","), "listening");
        serve(listener, registry, args, shutdown_signal()).await
    })
}

async fn bind(args: &ServeArgs) -> Result<TcpListener> {
    let addr = format!("{}:{}", args.host, args.port);
    // Brackets for IPv6 literals given bare (`--host ::1`).
    let addr = if args.host.contains(':') && !args.host.starts_with('[') {
        format!("[{}]:{}", args.host, args.port)
    } else {
        addr
    };
    TcpListener::bind(&addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let term = async {
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// The accept loop: one hyper HTTP/1.1 connection per client, header read timeout, and a
/// graceful stop: on `shutdown` the listener closes, idle keep-alive connections are closed,
/// and requests in flight finish (for at most the grace period).
async fn serve(
    listener: TcpListener,
    registry: Registry,
    args: &ServeArgs,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let state = Arc::new(AppState {
        registry,
        max_body_bytes: args.max_body_bytes,
        max_rows: args.max_rows,
        metrics: metrics::Metrics::default(),
        started: Instant::now(),
        h2o: h2o::H2oState::new(&args.h2o)?,
    });
    let app = router(state, Duration::from_secs(args.request_timeout_secs.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(args.header_timeout_secs.max(1)));
    let graceful = GracefulShutdown::new();
    let lingering = linger::Bounds {
        time: Duration::from_secs(args.lingering_secs),
        bytes: args.lingering_bytes,
    };
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little, keep serving.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                // Each request's body is watched, so that the connection lingers on close
                // when one was left unread.
                let unread = linger::Unread::default();
                let watch = unread.clone();
                let service = TowerToHyperService::new(
                    app.clone().map_request(move |req| watch.watch(req)),
                );
                let stream = linger::LingeringStream::new(stream, unread, lingering);
                let connection = http.serve_connection(TokioIo::new(stream), service);
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(e) = watched.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!(
        connections = graceful.count(),
        "shutting down: no new connections, finishing requests in flight"
    );
    let grace = Duration::from_secs(args.shutdown_grace_secs);
    tokio::select! {
        _ = graceful.shutdown() => tracing::info!("all connections closed"),
        _ = tokio::time::sleep(grace) => tracing::warn!("grace period over, exiting with requests still open"),
    }
    Ok(())
}
