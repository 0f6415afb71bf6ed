//! Leerkring's load generator: y-websocket clients over tokio-tungstenite that type, idle
//! and load boards on Leerkring, Hocuspocus and the y-websocket reference server, and the
//! benchmark that compares them (`scripts/bench`, docs/BENCHMARKS.md).
//!
//! - [`wire`]: the protocol as each server speaks it.
//! - [`peer`]: one client's WebSocket.
//! - [`typing`]: edits, their send times, and which edits an update carries.
//! - [`scenarios`]: the scenarios A–E and their sizes.
//! - [`servers`]: starting and stopping the servers.
//! - [`metrics`]: a server's CPU time and memory from `/proc`.
//! - [`stats`]: percentiles and medians.
//! - [`bench`]: rounds of every scenario on every server; [`report`]: the tables.

pub mod bench;
pub mod metrics;
pub mod peer;
pub mod report;
pub mod scenarios;
pub mod servers;
pub mod stats;
pub mod typing;
pub mod wire;

/// Whatever went wrong in a run, said in words.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;
