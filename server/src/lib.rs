//! Leerkring's server: serves boards over HTTP and WebSocket and stores them durably.
//!
//! - [`config`]: flags and limits.
//! - [`assets`]: the browser client's files and the app shell.
//! - [`security_headers`]: the headers every response carries (a layer around the router).
//! - [`http`]: routes (board creation, health, the WebSocket upgrade).
//! - [`connection`]: one WebSocket connection, its limits and its close codes.
//! - [`quotas`]: rate limits on HTTP requests (creating boards and teams, commands).
//! - [`rooms`]: boards in memory, one task each; the group commit.
//! - [`teams`]: teams across meetings, and their visitation pack.
//! - [`board`]: a board's document and presence, without I/O.
//! - [`storage`]: the [`storage::Store`] trait, the embedded file store and Redis.
//! - [`broadcast`]: relaying updates between server nodes (through Redis).
//! - [`export`]: the visitation pack as PDF, DOCX, Markdown, CSV, JSON and a zip of all.
//! - [`clock`]: the wall clock (milliseconds and seconds since the Unix epoch).
//! - [`fault_injection`]: a test-only abort hook (cargo feature `fault-injection`).

pub mod assets;
pub mod board;
pub mod broadcast;
pub mod clock;
pub mod config;
pub mod connection;
pub mod export;
pub mod fault_injection;
pub mod http;
pub mod lifecycle;
pub mod limits;
pub mod placement;
pub mod quotas;
pub mod rooms;
pub mod security_headers;
pub mod storage;
pub mod teams;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::Request;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::assets::Assets;
use crate::broadcast::redis::RedisBroadcast;
use crate::broadcast::{Broadcast, SingleNode};
use crate::config::{Config, StoreKind};
use crate::http::AppState;
use crate::quotas::{HttpQuotas, FORGET_IDLE_EVERY};
use crate::rooms::Rooms;
use crate::storage::embedded::FileStore;
use crate::storage::lock::DataDirLock;
use crate::storage::memory::MemoryStore;
use crate::storage::quarantine::Quarantine;
use crate::storage::redis::{RedisStore, StreamPositions};
use crate::storage::Store;

/// The store and the relay between nodes: the embedded store alone by default (or memory
/// only, for benchmarks), Redis for both when a Redis URL is given.
async fn storage(config: &Config) -> std::io::Result<(Arc<dyn Store>, Arc<dyn Broadcast>)> {
    let Some(url) = config.redis_url.as_deref() else {
        let store: Arc<dyn Store> = match config.store {
            StoreKind::Files => Arc::new(FileStore::open(&config.data_dir)?),
            StoreKind::Memory => {
                tracing::warn!("boards are kept in memory only and are lost on exit (--store memory, for benchmarks)");
                Arc::new(MemoryStore::default())
            }
        };
        return Ok((store, Arc::new(SingleNode)));
    };
    if config.store == StoreKind::Memory {
        return Err(std::io::Error::other(
            "--store memory cannot be combined with --redis-url",
        ));
    }
    let node = config
        .node_name
        .clone()
        .unwrap_or_else(|| format!("node-{:016x}", rand::random::<u64>()));
    let spool = config.data_dir.join("spool");
    let positions = StreamPositions::default();
    let store = RedisStore::connect(url, node.clone(), &spool, positions.clone())
        .await
        .map_err(std::io::Error::other)?;
    match store.check_fsync().await {
        Ok(()) => {}
        Err(error) if config.allow_redis_without_fsync => {
            tracing::warn!(%error, "running anyway, as --allow-redis-without-fsync says");
        }
        Err(error) => return Err(std::io::Error::other(error)),
    }
    let broadcast =
        RedisBroadcast::new(url, node.clone(), positions).map_err(std::io::Error::other)?;
    tracing::info!(%node, "boards are shared through redis");
    Ok((Arc::new(store), Arc::new(broadcast)))
}

/// Serves on `listener` until `shutdown` completes, then closes every connection and
/// flushes every board before returning. `lock` is the data dir's, held until then.
pub async fn serve(
    config: Config,
    lock: DataDirLock,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    config.validate().map_err(std::io::Error::other)?;
    let assets_dir = config.assets_dir.clone();
    let assets = tokio::task::spawn_blocking(move || Assets::load(&assets_dir))
        .await
        .map_err(std::io::Error::other)??;
    let quotas = Arc::new(HttpQuotas::new(&config.quotas).map_err(std::io::Error::other)?);
    let (store, broadcast) = storage(&config).await?;
    let quarantine = Quarantine::open(&config.data_dir)?;
    let rooms = Rooms::new(store.clone(), quarantine, broadcast, config.rooms.clone());
    // Only now, with the store checked and open: a refusal to start never follows it.
    tracing::info!(addr = %listener.local_addr()?, data_dir = %config.data_dir.display(), "Leerkring is listening");
    let expiring = tokio::spawn(lifecycle::keep_expiring(
        store.clone(),
        rooms.clone(),
        config.retention.clone(),
    ));
    let state = AppState {
        teams: teams::Teams::new(
            store.clone(),
            rooms.clone(),
            config.quotas.max_meetings_per_team,
        ),
        store,
        rooms: rooms.clone(),
        limits: config.limits.clone(),
        quotas: Arc::clone(&quotas),
        public_url: config.public_url.clone(),
    };
    // Spans name the path only: the query string can hold a token and must not be logged.
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    let app = http::router(state).merge(assets::router(Arc::new(assets)));
    let app = app
        .layer(axum::middleware::map_response(security_headers::add))
        .layer(trace);
    let rooms_for_shutdown = rooms.clone();
    // Without TCP_NODELAY a small frame written while the previous one is unacknowledged
    // waits for the peer's delayed ACK (up to 40 ms on Linux): edits would arrive in
    // tens of milliseconds instead of one or two (docs/BENCHMARKS.md, scenario A).
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY on a connection");
        }
    });
    let forgetting = tokio::spawn(async move {
        let mut every = tokio::time::interval(FORGET_IDLE_EVERY);
        loop {
            every.tick().await;
            quotas.forget_idle();
        }
    });
    // The peer's address, for the per-address limits (crate::quotas).
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: closing connections and flushing boards");
            rooms_for_shutdown.shutdown().await;
        })
        .await;
    forgetting.abort();
    expiring.abort();
    served?;
    rooms.shutdown().await;
    drop(lock);
    Ok(())
}
