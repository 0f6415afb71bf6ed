//! Scenario B: many participants on one board; the highest rate of edits (all
//! participants together) the server sustains before p99 latency passes the limit.
//!
//! The rate climbs geometrically, each step on a fresh board with fresh connections,
//! until a step fails; then the gap between the last step that held and the first that
//! failed is bisected (geometric mean) a few times. A step holds when every edit reached
//! every other participant, nobody was disconnected, the load generator actually sent at
//! least 95 % of the rate, and p99 stayed within the limit. A step that fails is run once
//! more before it counts as failed (the machine may be shared).

use crate::metrics::load_average;
use crate::scenarios::editing::{self, EditingLoad, EditingOutcome};
use crate::scenarios::Figures;
use crate::servers::RunningServer;
use crate::Failure;

pub const SUSTAINED: &str = "sustained edits/s (p99 within the limit)";
pub const P99_AT_SUSTAINED: &str = "p99 at that rate (ms)";
pub const SERVER_CPU_AT_SUSTAINED: &str = "server CPU at that rate (% of one core)";
pub const LOADGEN_CPU_AT_SUSTAINED: &str = "load generator CPU at that rate (% of one core)";
pub const SERVER_CPU_PER_THOUSAND: &str = "server CPU per 1,000 edits/s (% of one core)";
pub const FIRST_FAILED: &str = "first rate that failed (edits/s)";

/// How to climb.
#[derive(Clone, Debug)]
pub struct Ramp {
    /// Participants, warm-up, step duration and drain; its rate is set per step.
    pub load: EditingLoad,
    /// First step, edits per second of all participants together.
    pub first_rate: f64,
    /// Each step's rate is the last one's times this.
    pub factor: f64,
    /// Bisections after the first failing step.
    pub refinements: usize,
    /// The climb stops here even if nothing failed.
    pub max_rate: f64,
    pub p99_limit_ms: f64,
}

pub async fn run(server: &RunningServer, ramp: &Ramp) -> Result<Figures, Failure> {
    let mut steps = 0u64;
    let mut best: Option<(f64, EditingOutcome)> = None;
    let mut failed: Option<f64> = None;
    let mut rate = ramp.first_rate;
    while rate <= ramp.max_rate {
        match step_holds(server, ramp, &mut steps, rate).await? {
            Some(outcome) => best = Some((rate, outcome)),
            None => {
                failed = Some(rate);
                break;
            }
        }
        rate *= ramp.factor;
    }
    for _ in 0..ramp.refinements {
        let (Some((low, _)), Some(high)) = (&best, failed) else {
            break;
        };
        let middle = (low * high).sqrt();
        match step_holds(server, ramp, &mut steps, middle).await? {
            Some(outcome) => best = Some((middle, outcome)),
            None => failed = Some(middle),
        }
    }

    let mut figures = Figures::default();
    match best {
        Some((rate, outcome)) => {
            figures.set(SUSTAINED, rate);
            if let Some(latency) = outcome.latency {
                figures.set(P99_AT_SUSTAINED, latency.p99_ms);
            }
            if let Some(cpu) = outcome.server_cpu_percent {
                figures.set(SERVER_CPU_AT_SUSTAINED, cpu);
                // What a step costs the server, whoever else slowed the machine down.
                figures.set(
                    SERVER_CPU_PER_THOUSAND,
                    cpu / outcome.sent_per_second * 1000.0,
                );
            }
            if let Some(cpu) = outcome.loadgen_cpu_percent {
                figures.set(LOADGEN_CPU_AT_SUSTAINED, cpu);
            }
        }
        None => figures.set(SUSTAINED, 0.0),
    }
    if let Some(rate) = failed {
        figures.set(FIRST_FAILED, rate);
    }
    Ok(figures)
}

/// Runs a step at `rate`; a step that fails runs once more, because on a shared machine
/// a single stall of the load generator or the server can fail it. The outcome of the
/// step that held, or `None` if it failed twice.
async fn step_holds(
    server: &RunningServer,
    ramp: &Ramp,
    steps: &mut u64,
    rate: f64,
) -> Result<Option<EditingOutcome>, Failure> {
    for _attempt in 0..2 {
        *steps += 1;
        let board = server.new_board(&format!("scenario-b-{steps}")).await?;
        let load = EditingLoad {
            edits_per_second: rate / ramp.load.participants as f64,
            ..ramp.load.clone()
        };
        let outcome = editing::run(&board, &load, *steps * 100_000, server.pid()).await?;
        let held = holds(&outcome, rate, ramp.p99_limit_ms);
        eprintln!(
            "    B {}: {rate:.0} edits/s -> sent {:.0}/s, p99 {}, delivered {}/{}, disconnected {}, server CPU {}, loadgen CPU {}, load average {}: {}",
            server.kind.name(),
            outcome.sent_per_second,
            outcome.latency.map_or("-".into(), |l| format!("{:.1} ms", l.p99_ms)),
            outcome.deliveries,
            outcome.deliveries_expected,
            outcome.disconnected,
            percent(outcome.server_cpu_percent),
            percent(outcome.loadgen_cpu_percent),
            load_average(),
            if held { "holds" } else { "fails" },
        );
        if held {
            return Ok(Some(outcome));
        }
    }
    Ok(None)
}

fn holds(outcome: &EditingOutcome, rate: f64, p99_limit_ms: f64) -> bool {
    outcome.complete()
        && outcome.sent_per_second >= 0.95 * rate
        && outcome
            .latency
            .is_some_and(|latency| latency.p99_ms <= p99_limit_ms)
}

fn percent(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| format!("{v:.0} %"))
}
