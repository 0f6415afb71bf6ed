//! Scenario C: many boards with a few mostly idle participants each, who only announce
//! their presence again every heartbeat; the server's resident memory per board and per
//! participant.
//!
//! Measured in three points on a fresh server: with no board (the baseline), with one
//! participant on every board, and with all participants after one heartbeat round.
//! Per participant = (all − one each) / the participants added; per board = (one each −
//! baseline) / boards − one participant.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::metrics::resident_bytes;
use crate::peer::Peer;
use crate::scenarios::Figures;
use crate::servers::RunningServer;
use crate::wire::BoardAddress;
use crate::Failure;

pub const KB_PER_PARTICIPANT: &str = "RSS per idle participant (KB)";
pub const KB_PER_BOARD: &str = "RSS per board (KB)";
pub const MB_BASELINE: &str = "RSS with no board (MB)";
pub const MB_LOADED: &str = "RSS with every participant (MB)";
pub const DROPPED: &str = "connections lost";

/// How many people, where, and how often they say they are still there.
#[derive(Clone, Debug)]
pub struct IdleLoad {
    pub boards: usize,
    pub participants_per_board: usize,
    pub heartbeat: Duration,
    /// Time for the server to settle before each memory reading.
    pub settle: Duration,
}

const CONCURRENCY: usize = 64;

pub async fn run(server: &RunningServer, load: &IdleLoad) -> Result<Figures, Failure> {
    let pid = server.pid().ok_or("the server has exited")?;
    let rss = || resident_bytes(pid).ok_or("cannot read the server's memory");
    tokio::time::sleep(load.settle).await;
    let baseline = rss()?;

    let boards: Vec<Result<BoardAddress, Failure>> = futures_util::stream::iter(0..load.boards)
        .map(|n| async move { server.new_board(&format!("scenario-c-{n}")).await })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let boards = boards.into_iter().collect::<Result<Vec<_>, _>>()?;

    let (stop, stopped) = watch::channel(false);
    let idle = Idle {
        heartbeat: load.heartbeat,
        stopped,
        total: (load.boards * load.participants_per_board) as u64,
    };
    let mut participants = join_everyone(&idle, &boards, 0).await?;
    tokio::time::sleep(load.settle).await;
    let one_each = rss()?;

    for seat in 1..load.participants_per_board {
        participants.extend(join_everyone(&idle, &boards, seat).await?);
    }
    tokio::time::sleep(load.heartbeat + load.settle).await;
    let everyone = rss()?;

    let _ = stop.send(true);
    let mut dropped = 0;
    for participant in participants {
        dropped += usize::from(!participant.await?);
    }

    let added = (load.boards * (load.participants_per_board - 1)).max(1) as f64;
    let per_participant = everyone.saturating_sub(one_each) as f64 / added;
    let per_board = one_each.saturating_sub(baseline) as f64 / load.boards as f64 - per_participant;
    let mut figures = Figures::default();
    figures.set(KB_PER_PARTICIPANT, per_participant / 1000.0);
    figures.set(KB_PER_BOARD, per_board / 1000.0);
    figures.set(MB_BASELINE, baseline as f64 / 1e6);
    figures.set(MB_LOADED, everyone as f64 / 1e6);
    figures.set(DROPPED, dropped as f64);
    Ok(figures)
}

/// What every idle participant shares.
#[derive(Clone)]
struct Idle {
    heartbeat: Duration,
    stopped: watch::Receiver<bool>,
    total: u64,
}

/// Seats participant number `seat` on every board; returns their tasks, each ending with
/// whether its connection lasted until the stop.
async fn join_everyone(
    idle: &Idle,
    boards: &[BoardAddress],
    seat: usize,
) -> Result<Vec<JoinHandle<bool>>, Failure> {
    let boards = Arc::new(boards.to_vec());
    let joined: Vec<Result<JoinHandle<bool>, Failure>> =
        futures_util::stream::iter(0..boards.len())
            .map(|n| {
                let boards = Arc::clone(&boards);
                let idle = idle.clone();
                async move {
                    let client = (seat * boards.len() + n) as u64 + 1;
                    let mut peer = Peer::connect(&boards[n]).await?;
                    peer.sync().await?;
                    peer.send(presence(&peer.board, client, 0)).await?;
                    Ok(tokio::spawn(stay(idle, peer, client)))
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
    joined.into_iter().collect()
}

fn presence(board: &BoardAddress, client: u64, clock: u32) -> Vec<u8> {
    let json = format!(r##"{{"user":{{"name":"Deelnemer {client}","color":"#30bced"}}}}"##);
    board.awareness(client, clock, &json)
}

/// Keeps a participant connected, announcing its presence every heartbeat (the first
/// at a moment spread over one period) and reading whatever comes, until the stop.
async fn stay(mut idle: Idle, mut peer: Peer, client: u64) -> bool {
    let offset = idle
        .heartbeat
        .mul_f64((client % idle.total) as f64 / idle.total as f64);
    let start = tokio::time::Instant::now() + offset;
    let mut beats = tokio::time::interval_at(start, idle.heartbeat);
    let mut clock = 0;
    let lasted = loop {
        tokio::select! {
            _ = beats.tick() => {
                clock += 1;
                if peer.send(presence(&peer.board, client, clock)).await.is_err() {
                    break false;
                }
            }
            frame = peer.next_frame() => if frame.is_err() { break false },
            _ = idle.stopped.changed() => break true,
        }
    };
    peer.close().await;
    lasted
}
