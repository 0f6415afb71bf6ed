//! Participants of one board typing at a steady rate, each edit timed from its send to
//! its arrival at every other participant: the engine of scenarios A, B and E.
//!
//! Every participant connects and syncs first. Then, from one common start, each types
//! at `edits_per_second` (the participants' first edits spread evenly over one period)
//! for `duration`, while reading everything the server sends. Edits sent during the
//! warm-up count for delivery but not for latency. After the last edit each participant
//! reads on until it has every other participant's edits or the drain time is over.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::{Instant, MissedTickBehavior};

use crate::metrics::CpuMeter;
use crate::peer::Peer;
use crate::stats::{Latencies, LatencySummary};
use crate::typing::{edits_in, SendLog, Typist};
use crate::wire::{BoardAddress, Incoming};
use crate::Failure;

/// How many participants connect at the same time.
const CONNECT_CONCURRENCY: usize = 32;

/// A board's worth of participants typing.
#[derive(Clone, Debug)]
pub struct EditingLoad {
    pub participants: usize,
    /// Edits per second of each participant.
    pub edits_per_second: f64,
    pub warmup: Duration,
    /// How long participants type, warm-up included.
    pub duration: Duration,
    /// How long to wait for the last edits to arrive.
    pub drain: Duration,
}

/// What a run of [`EditingLoad`] measured.
#[derive(Debug, Clone)]
pub struct EditingOutcome {
    pub edits_sent: u64,
    /// Edits per second actually sent, all participants together.
    pub sent_per_second: f64,
    /// Deliveries that should have happened: every edit to every other participant.
    pub deliveries_expected: u64,
    pub deliveries: u64,
    /// Latency percentiles of the edits sent after the warm-up.
    pub latency: Option<LatencySummary>,
    /// Participants whose connection ended before the run did.
    pub disconnected: usize,
    /// The server's CPU use while participants typed (after the warm-up).
    pub server_cpu_percent: Option<f64>,
    /// The load generator's own CPU use over the same time.
    pub loadgen_cpu_percent: Option<f64>,
}

impl EditingOutcome {
    /// Every edit reached every other participant and nobody was disconnected.
    pub fn complete(&self) -> bool {
        self.disconnected == 0 && self.deliveries >= self.deliveries_expected
    }
}

/// What all participants of a run share.
struct Run {
    board: BoardAddress,
    log: SendLog,
    first_client: u64,
    participants: usize,
    start: Instant,
    measure_from: Instant,
    stop_sending: Instant,
    give_up: Instant,
    period: Duration,
    edits_sent: AtomicU64,
}

/// What one participant saw.
#[derive(Default)]
struct Seen {
    latencies: Latencies,
    deliveries: u64,
    disconnected: bool,
}

/// Runs `load` on `board` with client ids from `first_client` on, measuring the server
/// process `server_pid` if given.
pub async fn run(
    board: &BoardAddress,
    load: &EditingLoad,
    first_client: u64,
    server_pid: Option<u32>,
) -> Result<EditingOutcome, Failure> {
    let period = Duration::from_secs_f64(1.0 / load.edits_per_second.max(0.001));
    let edits_each = (load.duration.as_secs_f64() * load.edits_per_second).ceil() as usize + 2;
    let peers: Vec<Result<Peer, Failure>> = futures_util::stream::iter(0..load.participants)
        .map(|_| async {
            let mut peer = Peer::connect(board).await?;
            peer.sync().await?;
            Ok(peer)
        })
        .buffer_unordered(CONNECT_CONCURRENCY)
        .collect()
        .await;
    let peers = peers.into_iter().collect::<Result<Vec<Peer>, Failure>>()?;

    let start = Instant::now() + Duration::from_millis(200);
    let run = Arc::new(Run {
        board: board.clone(),
        log: SendLog::new(first_client, load.participants, edits_each),
        first_client,
        participants: load.participants,
        start,
        measure_from: start + load.warmup,
        stop_sending: start + load.duration,
        give_up: start + load.duration + load.drain,
        period,
        edits_sent: AtomicU64::new(0),
    });
    let tasks: Vec<_> = peers
        .into_iter()
        .enumerate()
        .map(|(index, peer)| tokio::spawn(participate(Arc::clone(&run), index, peer)))
        .collect();

    tokio::time::sleep_until(run.measure_from).await;
    let server_cpu = server_pid.map(CpuMeter::start);
    let loadgen_cpu = CpuMeter::start(std::process::id());
    tokio::time::sleep_until(run.stop_sending).await;
    let server_cpu_percent = server_cpu.and_then(|meter| meter.percent_of_a_core());
    let loadgen_cpu_percent = loadgen_cpu.percent_of_a_core();

    let mut latencies = Latencies::default();
    let mut deliveries = 0;
    let mut disconnected = 0;
    for task in tasks {
        let seen = task.await?;
        latencies.extend(seen.latencies);
        deliveries += seen.deliveries;
        disconnected += usize::from(seen.disconnected);
    }
    let edits_sent = run.edits_sent.load(Ordering::Relaxed);
    let others = load.participants.saturating_sub(1) as u64;
    Ok(EditingOutcome {
        edits_sent,
        sent_per_second: edits_sent as f64 / load.duration.as_secs_f64(),
        deliveries_expected: edits_sent * others,
        deliveries,
        latency: latencies.summary(),
        disconnected,
        server_cpu_percent,
        loadgen_cpu_percent,
    })
}

/// One participant: types on its schedule and times every other participant's edits.
async fn participate(run: Arc<Run>, index: usize, mut peer: Peer) -> Seen {
    let client = run.first_client + index as u64;
    let mut typist = Typist::new(client);
    let offset = run.period.mul_f64(index as f64 / run.participants as f64);
    let mut ticks = tokio::time::interval_at(run.start + offset, run.period);
    // A load generator that falls behind sends less rather than in bursts: the achieved
    // rate is reported, and a rate step counts only if it was actually sent.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut seen = Seen::default();
    let mut own_edits = 0u64;
    loop {
        let typing = Instant::now() < run.stop_sending;
        if !typing {
            let others_sent = run.edits_sent.load(Ordering::Relaxed) - own_edits;
            if seen.deliveries >= others_sent || Instant::now() >= run.give_up {
                break;
            }
        }
        tokio::select! {
            _ = ticks.tick(), if typing => {
                if Instant::now() >= run.stop_sending || !run.log.has_room(client, typist.typed()) {
                    continue;
                }
                let edit = typist.typed();
                let update = typist.type_one();
                run.log.sent(client, edit);
                run.edits_sent.fetch_add(1, Ordering::Relaxed);
                own_edits += 1;
                if peer.send(run.board.update(&update)).await.is_err() {
                    seen.disconnected = true;
                    break;
                }
            }
            frame = peer.next_frame() => match frame {
                Ok(frame) => note_arrivals(&run, client, &peer.board.read(&frame), &mut seen),
                Err(_) => {
                    seen.disconnected = true;
                    break;
                }
            },
            () = tokio::time::sleep_until(run.give_up) => break,
        }
    }
    peer.close().await;
    seen
}

/// Counts and times the other participants' edits an arrived frame carries.
fn note_arrivals(run: &Run, me: u64, incoming: &Incoming<'_>, seen: &mut Seen) {
    let Incoming::Update(update) = incoming else {
        return;
    };
    let arrived = Instant::now().into_std();
    for (client, edits) in edits_in(update) {
        // Hocuspocus and y-websocket send each edit back to its sender too.
        if client == me {
            continue;
        }
        for edit in edits {
            let Some(sent) = run.log.sent_at(client, edit) else {
                continue;
            };
            seen.deliveries += 1;
            if sent >= run.measure_from.into_std() {
                seen.latencies.push(arrived.saturating_duration_since(sent));
            }
        }
    }
}
