//! Scenario A: one board, participants each typing a few edits per second; latency from
//! send to arrival at every other participant, and the server's CPU use.

use crate::scenarios::editing::{self, EditingLoad};
use crate::scenarios::Figures;
use crate::servers::RunningServer;
use crate::Failure;

pub const P50_MS: &str = "latency p50 (ms)";
pub const P95_MS: &str = "latency p95 (ms)";
pub const P99_MS: &str = "latency p99 (ms)";
pub const SERVER_CPU: &str = "server CPU (% of one core)";
pub const DELIVERED: &str = "edits delivered (% of expected)";

pub async fn run(server: &RunningServer, load: &EditingLoad) -> Result<Figures, Failure> {
    let board = server.new_board("scenario-a").await?;
    let outcome = editing::run(&board, load, 1_000, server.pid()).await?;
    let latency = outcome
        .latency
        .ok_or("scenario A measured no latency: no edit arrived after the warm-up")?;
    let mut figures = Figures::default();
    figures.set(P50_MS, latency.p50_ms);
    figures.set(P95_MS, latency.p95_ms);
    figures.set(P99_MS, latency.p99_ms);
    if let Some(cpu) = outcome.server_cpu_percent {
        figures.set(SERVER_CPU, cpu);
    }
    let delivered = outcome.deliveries as f64 / outcome.deliveries_expected.max(1) as f64;
    figures.set(DELIVERED, delivered * 100.0);
    Ok(figures)
}
