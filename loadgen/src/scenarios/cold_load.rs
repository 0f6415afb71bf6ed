//! Scenario D: a board whose history holds many updates; the time a new client takes from
//! opening its connection to holding the whole document (its first sync step 2).
//!
//! A writer sends the history (typists taking turns, one character per update) and stays
//! connected. Then new clients load the board one after another:
//!
//! - **warm**, on every server: the board is in the server's memory (the writer is still
//!   there). Hocuspocus unloads a document its last client left and neither JavaScript
//!   server keeps anything on disk here, so warm is the only load they have.
//! - **cold**, on Leerkring with its embedded store: before each load the server is
//!   stopped (SIGTERM) and started again, so the board is read from disk (snapshot plus
//!   the updates since) by a fresh process. The files are in the OS page cache.
//!
//! Every load is checked: the document must hold every character typed.

use std::time::Duration;

use tokio::time::Instant;
use yrs::updates::decoder::Decode;
use yrs::{Doc, Transact, Update};

use crate::peer::Peer;
use crate::scenarios::Figures;
use crate::servers::{RunningServer, ServerKind};
use crate::stats::median;
use crate::typing::{typed_in, Typist};
use crate::wire::BoardAddress;
use crate::Failure;

pub const WARM_MS: &str = "first full sync, board in memory (ms)";
pub const COLD_MS: &str = "first full sync, after a restart (ms)";
pub const DOCUMENT_KB: &str = "document sent (KB)";
pub const HISTORY_SECONDS: &str = "time to send the history (s)";

#[derive(Clone, Debug)]
pub struct HistoryLoad {
    pub updates: u32,
    pub typists: u32,
    /// Loads measured of each kind (warm, cold).
    pub loads: usize,
}

/// Frames the writer sends before it flushes.
const WRITE_BATCH: u32 = 256;
/// How long a server may take to hold the whole history (Hocuspocus needed 10–15 s for
/// 100,000 updates on a busy machine, and more than a minute at times).
const HISTORY_PATIENCE: Duration = Duration::from_secs(600);

pub async fn run(server: &mut RunningServer, load: &HistoryLoad) -> Result<Figures, Failure> {
    let board = server.new_board("scenario-d").await?;
    let typists: Vec<u64> = (1..=u64::from(load.typists)).collect();

    let started = Instant::now();
    let mut writer = Peer::connect(&board).await?;
    writer.sync().await?;
    let mut typing: Vec<Typist> = typists.iter().map(|&client| Typist::new(client)).collect();
    for n in 0..load.updates {
        let typist = &mut typing[(n % load.typists) as usize];
        writer.feed(board.update(&typist.type_one())).await?;
        if n % WRITE_BATCH == WRITE_BATCH - 1 {
            writer.flush().await?;
            writer.discard_pending().await?;
        }
    }
    writer.flush().await?;
    // The server answers this sync only after the updates sent before it.
    let whole = writer.sync_within(HISTORY_PATIENCE).await?;
    check_complete(&whole, &typists, load.updates)?;
    let history_seconds = started.elapsed().as_secs_f64();

    let mut figures = Figures::default();
    figures.set(HISTORY_SECONDS, history_seconds);
    figures.set(DOCUMENT_KB, whole.len() as f64 / 1000.0);
    let mut warm = Vec::new();
    for _ in 0..load.loads {
        warm.push(timed_load(&board, &typists, load.updates).await?);
    }
    figures.set(WARM_MS, median(&warm).ok_or("no warm load measured")?);

    if server.kind == ServerKind::Leerkring {
        writer.close().await;
        let mut cold = Vec::new();
        for _ in 0..load.loads {
            server.restart().await?;
            cold.push(timed_load(&board, &typists, load.updates).await?);
        }
        figures.set(COLD_MS, median(&cold).ok_or("no cold load measured")?);
    } else {
        writer.close().await;
    }
    Ok(figures)
}

/// Milliseconds from opening a connection to holding the document's sync step 2; the
/// document is then checked (not timed).
async fn timed_load(board: &BoardAddress, typists: &[u64], updates: u32) -> Result<f64, Failure> {
    let started = Instant::now();
    let mut reader = Peer::connect(board).await?;
    let whole = reader.sync().await?;
    let took: Duration = started.elapsed();
    reader.close().await;
    check_complete(&whole, typists, updates)?;
    Ok(took.as_secs_f64() * 1000.0)
}

fn check_complete(update: &[u8], typists: &[u64], updates: u32) -> Result<(), Failure> {
    let doc = Doc::new();
    let update = Update::decode_v1(update)?;
    doc.transact_mut().apply_update(update)?;
    let typed = typed_in(&doc, typists.iter().copied());
    if typed != updates as usize {
        return Err(format!("the synced document holds {typed} of {updates} characters").into());
    }
    Ok(())
}
