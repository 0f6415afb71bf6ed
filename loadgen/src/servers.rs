//! Starting, restarting and stopping the benchmarked servers, each as a child process on
//! a free loopback port, and naming a fresh board on each.
//!
//! - Leerkring: its release binary, a scratch data dir (or `--store memory`), logging only
//!   warnings, no client assets (so its memory holds no compressed wasm), and limits lifted
//!   that would otherwise refuse the benchmark's own load ([`LEERKRING_BENCH_FLAGS`]).
//! - Hocuspocus and the y-websocket reference server: `node` with the start scripts in
//!   `bench/js` (defaults, documents in memory).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use leerkring_shared::api::BoardCreated;
use tokio::process::{Child, Command};

use crate::wire::{BoardAddress, Flavour};
use crate::Failure;

/// Leerkring's defaults allow 100 connections per board, 100 messages per second per
/// connection (bursts of 500) and 30 new boards per address in a burst. Scenario B puts
/// 200 people on one board, scenario C creates 1,000 boards from loopback and scenario D
/// loads 100,000 updates through one connection, so the benchmark lifts all three.
pub const LEERKRING_BENCH_FLAGS: &[&str] = &[
    "--max-connections-per-board",
    "1000",
    "--messages-per-second",
    "1000000",
    "--message-burst",
    "1000000",
    "--create-burst",
    "1000000",
];

/// A server to benchmark, and how it keeps boards.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Serialize,
)]
pub enum ServerKind {
    /// Leerkring with its embedded store: every update fsynced before it is shared.
    Leerkring,
    /// Leerkring with `--store memory` (scenario E's baseline).
    LeerkringInMemory,
    Hocuspocus,
    YWebsocket,
}

impl ServerKind {
    pub fn flavour(self) -> Flavour {
        match self {
            ServerKind::Leerkring | ServerKind::LeerkringInMemory => Flavour::Leerkring,
            ServerKind::Hocuspocus => Flavour::Hocuspocus,
            ServerKind::YWebsocket => Flavour::YWebsocket,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ServerKind::LeerkringInMemory => "Leerkring (in memory)",
            other => other.flavour().name(),
        }
    }
}

/// Where the servers' programs are.
#[derive(Clone, Debug)]
pub struct Programs {
    /// The `leerkring-server` binary.
    pub leerkring: PathBuf,
    /// The folder with the JavaScript servers' start scripts and `node_modules`.
    pub js_dir: PathBuf,
}

/// A server running as a child process. Killed if dropped without [`RunningServer::stop`].
pub struct RunningServer {
    pub kind: ServerKind,
    pub addr: SocketAddr,
    child: Child,
    programs: Programs,
    /// Leerkring's data dir, kept across a restart.
    data_dir: Option<tempfile::TempDir>,
    http: reqwest::Client,
}

impl RunningServer {
    /// Starts `kind` on a free port and waits until it accepts connections.
    pub async fn start(kind: ServerKind, programs: &Programs) -> Result<Self, Failure> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        // In memory too: the data dir still holds the lock and the crash-loop markers.
        let data_dir = match kind {
            ServerKind::Leerkring | ServerKind::LeerkringInMemory => Some(tempfile::tempdir()?),
            _ => None,
        };
        let child = spawn(kind, programs, addr, data_dir.as_ref().map(|d| d.path()))?;
        let mut server = Self {
            kind,
            addr,
            child,
            programs: programs.clone(),
            data_dir,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
        };
        server.wait_until_listening().await?;
        Ok(server)
    }

    /// The process id, for reading its CPU time and memory.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    async fn wait_until_listening(&mut self) -> Result<(), Failure> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(format!("{} exited at start: {status}", self.kind.name()).into());
            }
            if tokio::net::TcpStream::connect(self.addr).await.is_ok() {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("{} did not start listening", self.kind.name()).into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A new, empty board named after `name` (unique per run).
    pub async fn new_board(&self, name: &str) -> Result<BoardAddress, Failure> {
        let flavour = self.kind.flavour();
        let addr = self.addr;
        match flavour {
            Flavour::Leerkring => {
                let response = self
                    .http
                    .post(format!("http://{addr}/api/boards"))
                    // Load, not admission: everyone takes part at once.
                    .json(&serde_json::json!({ "title": name, "waiting_room": false }))
                    .send()
                    .await?
                    .error_for_status()?;
                let created: BoardCreated = response.json().await?;
                Ok(BoardAddress {
                    flavour,
                    url: format!(
                        "ws://{addr}/ws/{}?token={}",
                        created.board_id, created.participant_token
                    ),
                    doc_name: created.board_id.to_string(),
                })
            }
            Flavour::YWebsocket => Ok(BoardAddress {
                flavour,
                url: format!("ws://{addr}/{name}"),
                doc_name: name.to_owned(),
            }),
            Flavour::Hocuspocus => Ok(BoardAddress {
                flavour,
                url: format!("ws://{addr}/"),
                doc_name: name.to_owned(),
            }),
        }
    }

    /// Stops the server as a service manager would (SIGTERM, for Leerkring: connections
    /// closed, boards flushed) and starts it again on the same port and data.
    pub async fn restart(&mut self) -> Result<(), Failure> {
        self.terminate().await?;
        let data_dir = self.data_dir.as_ref().map(|dir| dir.path());
        self.child = spawn(self.kind, &self.programs, self.addr, data_dir)?;
        self.wait_until_listening().await
    }

    /// Stops the server and waits for it to exit.
    pub async fn stop(mut self) -> Result<(), Failure> {
        self.terminate().await
    }

    async fn terminate(&mut self) -> Result<(), Failure> {
        if let Some(pid) = self.child.id() {
            Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await?;
        }
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => {
                status?;
                Ok(())
            }
            Err(_) => {
                self.child.kill().await?;
                Err(format!(
                    "{} did not stop within 30 s of SIGTERM; killed it",
                    self.kind.name()
                )
                .into())
            }
        }
    }
}

fn spawn(
    kind: ServerKind,
    programs: &Programs,
    addr: SocketAddr,
    data_dir: Option<&Path>,
) -> Result<Child, Failure> {
    let mut command = match kind {
        ServerKind::Leerkring | ServerKind::LeerkringInMemory => {
            let mut command = Command::new(&programs.leerkring);
            command
                .arg("--addr")
                .arg(addr.to_string())
                .arg("--assets-dir")
                .arg("/nonexistent/leerkring-bench-assets")
                .args(LEERKRING_BENCH_FLAGS)
                .env("RUST_LOG", "warn,leerkring_server::assets=error");
            if let Some(dir) = data_dir {
                command.arg("--data-dir").arg(dir);
            }
            if kind == ServerKind::LeerkringInMemory {
                command.args(["--store", "memory"]);
            }
            command
        }
        ServerKind::Hocuspocus | ServerKind::YWebsocket => {
            let script = match kind {
                ServerKind::Hocuspocus => "hocuspocus.mjs",
                _ => "y-websocket.cjs",
            };
            let mut command = Command::new("node");
            command
                .arg(script)
                .arg(addr.port().to_string())
                .current_dir(&programs.js_dir);
            command
        }
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    Ok(command.spawn()?)
}
