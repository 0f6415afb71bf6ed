//! One benchmark run: every selected scenario on every server, in rounds, the servers
//! taking turns (Leerkring, Hocuspocus, y-websocket, Leerkring, …), each run on a freshly
//! started server. A run that fails is recorded with its error and the rest go on.

use crate::metrics::load_average;
use crate::scenarios::{self, Figures, Scenario, Sizes};
use crate::servers::{Programs, RunningServer, ServerKind};
use crate::Failure;

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub scenarios: Vec<Scenario>,
    pub servers: Vec<ServerKind>,
    pub rounds: usize,
    pub sizes: Sizes,
}

/// One scenario on one server in one round.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Record {
    pub scenario: Scenario,
    pub server: ServerKind,
    pub round: usize,
    pub figures: Figures,
    pub error: Option<String>,
    /// `/proc/loadavg` when the run started: how busy the machine was.
    pub load_average: String,
}

impl Plan {
    /// The scenarios that are actually run, with the servers each runs on. E is not run
    /// by itself: it adds Leerkring in memory to A and B (and A and B on both of
    /// Leerkring's stores if they were not asked for).
    pub fn runs(&self) -> Vec<(Scenario, Vec<ServerKind>)> {
        let with_e = self.scenarios.contains(&Scenario::E);
        [Scenario::A, Scenario::B, Scenario::C, Scenario::D]
            .into_iter()
            .filter_map(|scenario| {
                let asked = self.scenarios.contains(&scenario);
                let for_e = with_e && matches!(scenario, Scenario::A | Scenario::B);
                let mut servers: Vec<ServerKind> = if asked {
                    self.servers.clone()
                } else if for_e {
                    vec![ServerKind::Leerkring]
                } else {
                    return None;
                };
                if for_e && !servers.contains(&ServerKind::LeerkringInMemory) {
                    servers.push(ServerKind::LeerkringInMemory);
                }
                Some((scenario, servers))
            })
            .collect()
    }
}

/// Runs the plan and returns every run's record.
pub async fn run(plan: &Plan, programs: &Programs) -> Vec<Record> {
    let mut records = Vec::new();
    let runs = plan.runs();
    for round in 1..=plan.rounds {
        for (scenario, servers) in &runs {
            for &server in servers {
                let load_average = load_average();
                eprintln!(
                    "round {round}/{}: scenario {scenario:?} on {} (load average {load_average})",
                    plan.rounds,
                    server.name()
                );
                let outcome = run_one(*scenario, server, programs, &plan.sizes).await;
                let (figures, error) = match outcome {
                    Ok(figures) => (figures, None),
                    Err(error) => {
                        eprintln!("  failed: {error}");
                        (Figures::default(), Some(error.to_string()))
                    }
                };
                for name in figures.names() {
                    eprintln!("  {name}: {:.2}", figures.get(name).unwrap_or(f64::NAN));
                }
                records.push(Record {
                    scenario: *scenario,
                    server,
                    round,
                    figures,
                    error,
                    load_average,
                });
            }
        }
    }
    records
}

async fn run_one(
    scenario: Scenario,
    kind: ServerKind,
    programs: &Programs,
    sizes: &Sizes,
) -> Result<Figures, Failure> {
    let mut server = RunningServer::start(kind, programs).await?;
    let figures = scenarios::run(scenario, &mut server, sizes).await;
    // What was measured stands even if the server is slow to stop (it is killed then).
    if let Err(error) = server.stop().await {
        eprintln!("  warning: {error}");
    }
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_runs_a_and_b_on_both_stores() {
        let plan = |scenarios: Vec<Scenario>| Plan {
            scenarios,
            servers: vec![ServerKind::Leerkring, ServerKind::Hocuspocus],
            rounds: 1,
            sizes: Sizes::smoke(),
        };
        assert_eq!(
            plan(vec![Scenario::E]).runs(),
            vec![
                (
                    Scenario::A,
                    vec![ServerKind::Leerkring, ServerKind::LeerkringInMemory]
                ),
                (
                    Scenario::B,
                    vec![ServerKind::Leerkring, ServerKind::LeerkringInMemory]
                ),
            ]
        );
        assert_eq!(
            plan(vec![Scenario::A, Scenario::C, Scenario::E]).runs()[0],
            (
                Scenario::A,
                vec![
                    ServerKind::Leerkring,
                    ServerKind::Hocuspocus,
                    ServerKind::LeerkringInMemory
                ]
            )
        );
        assert_eq!(plan(vec![Scenario::D]).runs().len(), 1);
    }
}
