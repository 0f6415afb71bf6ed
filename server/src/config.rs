//! Command-line flags (each with an environment variable fallback) and the limits they set.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::builder::RangedU64ValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use ipnet::IpNet;

/// Leerkring's server: real-time workshop boards for care and welfare teams.
#[derive(Parser, Clone, Debug)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Config {
    /// Without a command the server serves; a command does its job and exits.
    #[command(subcommand)]
    pub command: Option<Command>,

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

    #[command(flatten)]
    pub retention: Retention,
}

/// How long a meeting's content is kept after its last activity (docs/PRIVACY.md).
#[derive(Args, Clone, Debug)]
pub struct Retention {
    /// Days after a meeting's last activity (an edit, a command) that its document and
    /// meeting state are deleted; a team keeps a line that it took place. Fractions of a
    /// day are allowed.
    #[arg(
        long,
        env = "LEERKRING_RETENTION_DAYS",
        default_value_t = 365.0,
        value_parser = positive_days
    )]
    pub retention_days: f64,

    /// How often, in seconds, the server looks for meetings past the retention period
    /// (also once at start).
    #[arg(
        long,
        env = "LEERKRING_RETENTION_CHECK_SECS",
        default_value_t = 3600,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub retention_check_secs: u64,
}

impl Retention {
    /// The retention period in seconds.
    pub fn seconds(&self) -> u64 {
        (self.retention_days * 86_400.0) as u64
    }
}

/// A number of days above zero.
fn positive_days(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(days) if days > 0.0 && days.is_finite() => Ok(days),
        _ => Err("expected a number of days above 0 (fractions allowed)".into()),
    }
}

/// What `leerkring-server` can do besides serving.
#[derive(Subcommand, Clone, Debug)]
pub enum Command {
    /// Copy the embedded store into a new or empty folder, also while the server runs.
    Backup {
        /// The folder to write the backup into (created if missing; must be empty).
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        store: StoreLocation,
    },
    /// Put a backup back into a data dir; refused while a server runs on it.
    Restore {
        /// The backup's folder (as written by `backup --to`).
        #[arg(long)]
        from: PathBuf,
        /// Replace the boards, teams and tombstones the data dir holds already.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        store: StoreLocation,
    },
}

/// Where the boards are, as the server is told: the same flags and environment variables.
#[derive(Args, Clone, Debug)]
pub struct StoreLocation {
    /// The server's data dir.
    #[arg(long, env = "LEERKRING_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// The server's Redis, if it runs on one (backup and restore then refuse, and say
    /// what to back up instead).
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
}

/// Where a single node keeps its boards.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    /// The embedded store: files under the data dir, every update fsynced.
    Files,
    /// Memory only, for benchmarks: loses everything on exit.
    Memory,
}

/// A `usize` of at least 1 (`value_parser!(usize)` has no `.range`): 0 is refused while
/// parsing, with clap's "invalid value '0' for '--flag'".
fn at_least_one() -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(1..)
}

impl Config {
    /// Checks what single flags cannot: that they make sense together.
    pub fn validate(&self) -> Result<(), InvalidConfig> {
        let limits = &self.limits;
        if limits.ping_every_secs >= limits.idle_timeout_secs {
            return Err(InvalidConfig(format!(
                "--ping-every-secs ({}) must be less than --idle-timeout-secs ({}): a connection \
                 must be pinged at least once before it counts as silent",
                limits.ping_every_secs, limits.idle_timeout_secs
            )));
        }
        Ok(())
    }
}

/// Flags that do not make sense together.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidConfig(pub String);

/// What one connection or request may send.
#[derive(Args, Clone, Debug)]
pub struct Limits {
    /// Largest WebSocket message accepted, in bytes.
    #[arg(
        long,
        env = "LEERKRING_MAX_FRAME_BYTES",
        default_value_t = 1024 * 1024,
        value_parser = at_least_one()
    )]
    pub max_frame_bytes: usize,

    /// Sustained messages per second one connection may send.
    #[arg(
        long,
        env = "LEERKRING_MESSAGES_PER_SECOND",
        default_value_t = 100,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub messages_per_second: u32,

    /// Messages one connection may send in a burst above the sustained rate.
    #[arg(
        long,
        env = "LEERKRING_MESSAGE_BURST",
        default_value_t = 500,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub message_burst: u32,

    /// Seconds a write to a connection may take before the connection is dropped: a
    /// client that stops reading must not hold on to the server's memory and task.
    #[arg(
        long,
        env = "LEERKRING_WRITE_TIMEOUT_SECS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub write_timeout_secs: u64,

    /// Frames that may wait for one slow connection; a connection whose queue is full is
    /// closed (1013) and catches up when it reconnects.
    #[arg(
        long,
        env = "LEERKRING_OUTBOX_FRAMES",
        default_value_t = 1024,
        value_parser = at_least_one()
    )]
    pub outbox_frames: usize,

    /// Seconds a connection may stay silent (no message, no pong) before it is closed.
    #[arg(
        long,
        env = "LEERKRING_IDLE_TIMEOUT_SECS",
        default_value_t = 75,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub idle_timeout_secs: u64,

    /// Seconds between the server's pings to each connection; less than
    /// --idle-timeout-secs.
    #[arg(
        long,
        env = "LEERKRING_PING_EVERY_SECS",
        default_value_t = 25,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub ping_every_secs: u64,

    /// Largest JSON body the HTTP API reads, in bytes; a larger one is refused with 413.
    #[arg(
        long,
        env = "LEERKRING_MAX_BODY_BYTES",
        default_value_t = 64 * 1024,
        value_parser = at_least_one()
    )]
    pub max_body_bytes: usize,
}

impl Limits {
    pub fn write_timeout(&self) -> Duration {
        Duration::from_secs(self.write_timeout_secs)
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs)
    }

    pub fn ping_every(&self) -> Duration {
        Duration::from_secs(self.ping_every_secs)
    }
}

/// How rooms (boards in memory) behave.
#[derive(Args, Clone, Debug)]
pub struct RoomSettings {
    /// Most connections one board accepts at once.
    #[arg(
        long,
        env = "LEERKRING_MAX_CONNECTIONS_PER_BOARD",
        default_value_t = 100,
        value_parser = at_least_one()
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
        default_value_t = 8 * 1024 * 1024,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub max_document_bytes: u64,

    /// Most people (distinct member keys that introduced themselves) one meeting takes.
    #[arg(
        long,
        env = "LEERKRING_MAX_MEMBERS_PER_BOARD",
        default_value_t = 200,
        value_parser = at_least_one()
    )]
    pub max_members_per_board: usize,

    /// Most connections one member key may have open to a board at once (tabs, devices
    /// sharing a key, connections not yet noticed as gone).
    #[arg(
        long,
        env = "LEERKRING_MAX_CONNECTIONS_PER_MEMBER",
        default_value_t = 16,
        value_parser = at_least_one()
    )]
    pub max_connections_per_member: usize,

    /// Largest presence (awareness) state one connection may announce, in bytes of JSON.
    #[arg(
        long,
        env = "LEERKRING_MAX_PRESENCE_BYTES",
        default_value_t = 4096,
        value_parser = at_least_one()
    )]
    pub max_presence_bytes: usize,

    /// Requests (a connection's messages, HTTP commands, joins) that may wait for one
    /// board's room; when it is full, senders wait: a connection stops reading its socket
    /// and an HTTP request is answered later, rather than anything being refused.
    #[arg(
        long,
        env = "LEERKRING_ROOM_INBOX_REQUESTS",
        default_value_t = 4096,
        value_parser = at_least_one()
    )]
    pub room_inbox_requests: usize,
}

impl RoomSettings {
    pub fn unload_after(&self) -> Duration {
        Duration::from_secs(self.unload_after_secs)
    }
}

/// How fast boards, teams and meetings may be created and commands sent over HTTP, and
/// how many meetings a team holds.
#[derive(Args, Clone, Debug)]
pub struct Quotas {
    /// Boards, teams and team meetings one client address may create in a burst...
    #[arg(
        long,
        env = "LEERKRING_CREATE_BURST",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub create_burst: u32,

    /// ...after which it may create one more every this many seconds.
    #[arg(
        long,
        env = "LEERKRING_CREATE_EVERY_SECS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub create_every_secs: u64,

    /// Commands one person (member key, or token without one) may send over HTTP in a
    /// burst, per board or team...
    #[arg(
        long,
        env = "LEERKRING_HTTP_COMMAND_BURST",
        default_value_t = 100,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub http_command_burst: u32,

    /// ...and sustained, per second.
    #[arg(
        long,
        env = "LEERKRING_HTTP_COMMANDS_PER_SECOND",
        default_value_t = 10,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub http_commands_per_second: u32,

    /// Most meetings one team holds; starting one more is refused with 409.
    #[arg(
        long,
        env = "LEERKRING_MAX_MEETINGS_PER_TEAM",
        default_value_t = leerkring_shared::team::MAX_MEETINGS,
        value_parser = at_least_one()
    )]
    pub max_meetings_per_team: usize,

    /// Reverse proxies whose X-Forwarded-For / Forwarded headers name the client (IP
    /// addresses or CIDR ranges, comma-separated). Requests from anywhere else are
    /// counted by their own address, whatever their headers say.
    #[arg(long, env = "LEERKRING_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxy: Vec<TrustedProxy>,
}

impl Quotas {
    pub fn create_every(&self) -> Duration {
        Duration::from_secs(self.create_every_secs)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_parse_and_make_sense_together() {
        let config = Config::try_parse_from(["leerkring-server"]).expect("defaults parse");
        config.validate().expect("defaults are consistent");
        assert_eq!(config.limits.max_body_bytes, 64 * 1024);
        assert_eq!(config.limits.outbox_frames, 1024);
        assert_eq!(config.limits.idle_timeout(), Duration::from_secs(75));
        assert_eq!(config.limits.ping_every(), Duration::from_secs(25));
        assert_eq!(config.rooms.room_inbox_requests, 4096);
        assert_eq!(config.quotas.max_meetings_per_team, 100);
    }

    #[test]
    fn backup_and_restore_take_the_servers_data_dir_flag_and_no_server_flags() {
        let config = Config::try_parse_from([
            "leerkring-server",
            "backup",
            "--to",
            "/tmp/b",
            "--data-dir",
            "/tmp/d",
        ])
        .expect("backup parses");
        match config.command {
            Some(Command::Backup { to, store }) => {
                assert_eq!(to, PathBuf::from("/tmp/b"));
                assert_eq!(store.data_dir, PathBuf::from("/tmp/d"));
            }
            other => panic!("expected backup, got {other:?}"),
        }
        assert!(Config::try_parse_from([
            "leerkring-server",
            "--addr",
            "127.0.0.1:1",
            "restore",
            "--from",
            "/tmp/b"
        ])
        .is_err());
    }

    #[test]
    fn zero_is_refused_while_parsing() {
        for flag in [
            "--messages-per-second",
            "--message-burst",
            "--write-timeout-secs",
            "--max-frame-bytes",
            "--outbox-frames",
            "--idle-timeout-secs",
            "--ping-every-secs",
            "--max-body-bytes",
            "--max-connections-per-board",
            "--max-members-per-board",
            "--max-connections-per-member",
            "--max-presence-bytes",
            "--max-document-bytes",
            "--room-inbox-requests",
            "--create-burst",
            "--create-every-secs",
            "--http-command-burst",
            "--http-commands-per-second",
            "--max-meetings-per-team",
        ] {
            let error = Config::try_parse_from(["leerkring-server", flag, "0"])
                .expect_err(&format!("{flag} 0 is refused"));
            assert_eq!(error.kind(), clap::error::ErrorKind::ValueValidation);
            let message = error.to_string();
            assert!(
                message.contains(&format!("invalid value '0' for '{flag}")),
                "{message}"
            );
        }
        assert!(Config::try_parse_from(["leerkring-server", "--messages-per-second", "1"]).is_ok());
    }

    #[test]
    fn pinging_no_more_often_than_the_idle_timeout_is_refused() {
        let config = Config::try_parse_from([
            "leerkring-server",
            "--idle-timeout-secs",
            "20",
            "--ping-every-secs",
            "20",
        ])
        .expect("each flag is valid");
        let error = config
            .validate()
            .expect_err("ping must come before idle timeout");
        assert!(error.to_string().contains("--ping-every-secs (20)"));
    }
}
