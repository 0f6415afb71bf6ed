//! Command-line flags (each with an environment variable fallback) and the limits they set.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, ValueEnum};

/// Leerkring's server: real-time workshop boards for care and welfare teams.
#[derive(Parser, Clone, Debug)]
#[command(version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LEERKRING_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Folder for the embedded store (created if missing).
    #[arg(long, env = "LEERKRING_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Base URL used in links handed out (e.g. https://leerkring.example.org); by default
    /// the Host header of the request that asks for them.
    #[arg(long, env = "LEERKRING_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Folder with the built browser client (`scripts/build-client` writes it), relative to
    /// the current directory. Without it the server still serves the API and WebSockets.
    #[arg(
        long,
        env = "LEERKRING_ASSETS_DIR",
        default_value = "target/client-dist"
    )]
    pub assets_dir: PathBuf,

    /// Redis to share boards with other server nodes (e.g. redis://127.0.0.1:6379/).
    /// Without it boards live in the embedded store under the data dir.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// Run on a Redis that does not (or cannot be seen to) fsync every write before it
    /// answers (`appendonly yes`, `appendfsync always`). A power cut on Redis's host can
    /// then lose edits people saw acknowledged; only for a Redis whose provider guarantees
    /// durability another way.
    #[arg(long, env = "LEERKRING_ALLOW_REDIS_WITHOUT_FSYNC")]
    pub allow_redis_without_fsync: bool,

    /// This node's name in Redis streams; by default a random one per process.
    #[arg(long, env = "LEERKRING_NODE_NAME")]
    pub node_name: Option<String>,

    /// Where boards are kept when no Redis is given. `memory` is for benchmarks only: it
    /// loses everything on exit.
    #[arg(long, env = "LEERKRING_STORE", value_enum, default_value_t = StoreKind::Files)]
    pub store: StoreKind,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub rooms: RoomSettings,
}

/// Where a single node keeps its boards.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    /// The embedded store: files under the data dir, every update fsynced.
    Files,
    /// Memory only, for benchmarks: loses everything on exit.
    Memory,
}

/// What one connection may send.
#[derive(Args, Clone, Debug)]
pub struct Limits {
    /// Largest WebSocket message accepted, in bytes.
    #[arg(long, env = "LEERKRING_MAX_FRAME_BYTES", default_value_t = 1024 * 1024)]
    pub max_frame_bytes: usize,

    /// Sustained messages per second one connection may send.
    #[arg(long, env = "LEERKRING_MESSAGES_PER_SECOND", default_value_t = 100)]
    pub messages_per_second: u32,

    /// Messages one connection may send in a burst above the sustained rate.
    #[arg(long, env = "LEERKRING_MESSAGE_BURST", default_value_t = 500)]
    pub message_burst: u32,
}

/// How rooms (boards in memory) behave.
#[derive(Args, Clone, Debug)]
pub struct RoomSettings {
    /// Most connections one board accepts at once.
    #[arg(
        long,
        env = "LEERKRING_MAX_CONNECTIONS_PER_BOARD",
        default_value_t = 100
    )]
    pub max_connections_per_board: usize,

    /// Seconds a board stays in memory after its last connection leaves.
    #[arg(long, env = "LEERKRING_UNLOAD_AFTER_SECS", default_value_t = 30)]
    pub unload_after_secs: u64,

    /// Compact a board's log into a snapshot once it holds this many updates...
    #[arg(long, env = "LEERKRING_COMPACT_AFTER_UPDATES", default_value_t = 1000)]
    pub compact_after_updates: u64,

    /// ...or this many bytes.
    #[arg(long, env = "LEERKRING_COMPACT_AFTER_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub compact_after_bytes: u64,
}

impl RoomSettings {
    pub fn unload_after(&self) -> Duration {
        Duration::from_secs(self.unload_after_secs)
    }
}
