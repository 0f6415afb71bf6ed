//! Command-line flags (each with an environment variable fallback) and the limits they set.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, Parser, ValueEnum};
use ipnet::IpNet;

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

    #[command(flatten)]
    pub quotas: Quotas,
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

    /// Seconds a write to a connection may take before the connection is dropped: a
    /// client that stops reading must not hold on to the server's memory and task.
    #[arg(long, env = "LEERKRING_WRITE_TIMEOUT_SECS", default_value_t = 30)]
    pub write_timeout_secs: u64,
}

impl Limits {
    pub fn write_timeout(&self) -> Duration {
        Duration::from_secs(self.write_timeout_secs.max(1))
    }
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

    /// Largest a board's document may grow, in bytes of its encoded state; updates that
    /// would take it past this are refused. Thirty people typing 5,000 characters each
    /// make about 2 MB; a browser keeps the document on the device in about 5 MB.
    #[arg(
        long,
        env = "LEERKRING_MAX_DOCUMENT_BYTES",
        default_value_t = 8 * 1024 * 1024
    )]
    pub max_document_bytes: u64,

    /// Most people (distinct member keys that introduced themselves) one meeting takes.
    #[arg(long, env = "LEERKRING_MAX_MEMBERS_PER_BOARD", default_value_t = 200)]
    pub max_members_per_board: usize,

    /// Most connections one member key may have open to a board at once (tabs, devices
    /// sharing a key, connections not yet noticed as gone).
    #[arg(
        long,
        env = "LEERKRING_MAX_CONNECTIONS_PER_MEMBER",
        default_value_t = 16
    )]
    pub max_connections_per_member: usize,

    /// Largest presence (awareness) state one connection may announce, in bytes of JSON.
    #[arg(long, env = "LEERKRING_MAX_PRESENCE_BYTES", default_value_t = 4096)]
    pub max_presence_bytes: usize,
}

impl RoomSettings {
    pub fn unload_after(&self) -> Duration {
        Duration::from_secs(self.unload_after_secs)
    }
}

/// How fast boards, teams and meetings may be created and commands sent over HTTP.
#[derive(Args, Clone, Debug)]
pub struct Quotas {
    /// Boards, teams and team meetings one client address may create in a burst...
    #[arg(long, env = "LEERKRING_CREATE_BURST", default_value_t = 30)]
    pub create_burst: u32,

    /// ...after which it may create one more every this many seconds.
    #[arg(long, env = "LEERKRING_CREATE_EVERY_SECS", default_value_t = 10)]
    pub create_every_secs: u64,

    /// Commands one person (member key, or token without one) may send over HTTP in a
    /// burst, per board or team...
    #[arg(long, env = "LEERKRING_HTTP_COMMAND_BURST", default_value_t = 100)]
    pub http_command_burst: u32,

    /// ...and sustained, per second.
    #[arg(long, env = "LEERKRING_HTTP_COMMANDS_PER_SECOND", default_value_t = 10)]
    pub http_commands_per_second: u32,

    /// Reverse proxies whose X-Forwarded-For / Forwarded headers name the client (IP
    /// addresses or CIDR ranges, comma-separated). Requests from anywhere else are
    /// counted by their own address, whatever their headers say.
    #[arg(long, env = "LEERKRING_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxy: Vec<TrustedProxy>,
}

impl Quotas {
    pub fn create_every(&self) -> Duration {
        Duration::from_secs(self.create_every_secs.max(1))
    }
}

/// A proxy (or range of them) trusted to name the client in forwarding headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedProxy(pub IpNet);

impl TrustedProxy {
    pub fn contains(&self, address: &IpAddr) -> bool {
        self.0.contains(address)
    }
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Ok(net) = text.parse::<IpNet>() {
            return Ok(Self(net.trunc()));
        }
        text.parse::<IpAddr>()
            .map(|address| Self(IpNet::from(address)))
            .map_err(|_| format!("{text:?} is neither an IP address nor a CIDR range"))
    }
}
