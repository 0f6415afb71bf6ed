//! The benchmark's scenarios, their sizes, and the figures each run reports.
//!
//! - [`latency`]: A, latency and CPU at a steady typing load.
//! - [`throughput`]: B, the highest sustained edit rate within a p99 limit.
//! - [`idle`]: C, memory per board and per idle participant.
//! - [`cold_load`]: D, the first full sync of a board with a long history.
//! - E compares Leerkring's embedded store with `--store memory` on A and B's loads.
//! - [`editing`]: participants typing, the engine of A, B and E.

pub mod cold_load;
pub mod editing;
pub mod idle;
pub mod latency;
pub mod throughput;

use std::time::Duration;

use crate::servers::RunningServer;
use crate::Failure;
use editing::EditingLoad;

/// The scenarios, as named in the issue and on the command line.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Serialize,
)]
pub enum Scenario {
    #[value(name = "A", alias = "a")]
    A,
    #[value(name = "B", alias = "b")]
    B,
    #[value(name = "C", alias = "c")]
    C,
    #[value(name = "D", alias = "d")]
    D,
    #[value(name = "E", alias = "e")]
    E,
}

/// Named figures of one run, in the order they were set.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Figures(Vec<(&'static str, f64)>);

impl Figures {
    pub fn set(&mut self, name: &'static str, value: f64) {
        match self.0.iter_mut().find(|(known, _)| *known == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name, value)),
        }
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.0
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, value)| *value)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(name, _)| *name)
    }
}

/// How big each scenario is.
#[derive(Clone, Debug)]
pub struct Sizes {
    pub latency: EditingLoad,
    pub throughput: throughput::Ramp,
    pub idle: idle::IdleLoad,
    pub history: cold_load::HistoryLoad,
}

impl Sizes {
    /// The sizes.
    pub fn full() -> Self {
        Self {
            latency: EditingLoad {
                participants: 30,
                edits_per_second: 2.0,
                warmup: Duration::from_secs(2),
                duration: Duration::from_secs(20),
                drain: Duration::from_secs(5),
            },
            throughput: throughput::Ramp {
                load: EditingLoad {
                    participants: 200,
                    edits_per_second: 0.0,
                    warmup: Duration::from_secs(1),
                    duration: Duration::from_secs(5),
                    drain: Duration::from_secs(3),
                },
                first_rate: 100.0,
                factor: 1.5,
                refinements: 2,
                max_rate: 20_000.0,
                p99_limit_ms: 100.0,
            },
            idle: idle::IdleLoad {
                boards: 1000,
                participants_per_board: 10,
                heartbeat: Duration::from_secs(15),
                settle: Duration::from_secs(2),
            },
            history: cold_load::HistoryLoad {
                updates: 100_000,
                typists: 20,
                loads: 5,
            },
        }
    }

    /// The same loads, smaller and shorter: a few minutes for all scenarios.
    pub fn quick() -> Self {
        let full = Self::full();
        Self {
            latency: EditingLoad {
                duration: Duration::from_secs(8),
                ..full.latency
            },
            throughput: throughput::Ramp {
                load: EditingLoad {
                    duration: Duration::from_secs(2),
                    warmup: Duration::from_millis(500),
                    drain: Duration::from_secs(2),
                    ..full.throughput.load
                },
                refinements: 1,
                ..full.throughput
            },
            idle: idle::IdleLoad {
                boards: 100,
                ..full.idle
            },
            history: cold_load::HistoryLoad {
                updates: 10_000,
                loads: 3,
                ..full.history
            },
        }
    }

    /// Tiny sizes for the smoke test: seconds, not minutes.
    pub fn smoke() -> Self {
        Self {
            latency: EditingLoad {
                participants: 4,
                edits_per_second: 10.0,
                warmup: Duration::from_millis(200),
                duration: Duration::from_secs(1),
                drain: Duration::from_secs(3),
            },
            throughput: throughput::Ramp {
                load: EditingLoad {
                    participants: 4,
                    edits_per_second: 0.0,
                    warmup: Duration::from_millis(100),
                    duration: Duration::from_millis(500),
                    drain: Duration::from_secs(3),
                },
                first_rate: 20.0,
                factor: 2.0,
                refinements: 1,
                max_rate: 40.0,
                p99_limit_ms: 100.0,
            },
            idle: idle::IdleLoad {
                boards: 3,
                participants_per_board: 3,
                heartbeat: Duration::from_millis(500),
                settle: Duration::from_millis(200),
            },
            history: cold_load::HistoryLoad {
                updates: 600,
                typists: 3,
                loads: 2,
            },
        }
    }
}

/// Runs one scenario on `server`. E runs as A and B on the two Leerkring stores (see
/// [`crate::bench`]), so it is not run here.
pub async fn run(
    scenario: Scenario,
    server: &mut RunningServer,
    sizes: &Sizes,
) -> Result<Figures, Failure> {
    match scenario {
        Scenario::A => latency::run(server, &sizes.latency).await,
        Scenario::B => throughput::run(server, &sizes.throughput).await,
        Scenario::C => idle::run(server, &sizes.idle).await,
        Scenario::D => cold_load::run(server, &sizes.history).await,
        Scenario::E => Err("scenario E runs as A and B on both of Leerkring's stores".into()),
    }
}
