//! The benchmark's report: per scenario a Markdown table with each server's median over
//! the rounds (and the range), Leerkring's ratio to each other server, and the targets.

use std::fmt::Write;

use crate::bench::Record;
use crate::scenarios::{cold_load, idle, latency, throughput, Scenario};
use crate::servers::ServerKind;
use crate::stats::median;

/// A target from the issue, checked against the medians.
struct Target {
    text: &'static str,
    check: fn(&Medians) -> Option<bool>,
}

/// Looks up the median of a figure of a scenario on a server.
struct Medians<'a>(&'a [Record]);

impl Medians<'_> {
    fn values(&self, scenario: Scenario, server: ServerKind, figure: &str) -> Vec<f64> {
        self.0
            .iter()
            .filter(|r| r.scenario == scenario && r.server == server && r.error.is_none())
            .filter_map(|r| r.figures.get(figure))
            .collect()
    }

    fn get(&self, scenario: Scenario, server: ServerKind, figure: &str) -> Option<f64> {
        median(&self.values(scenario, server, figure))
    }
}

const TARGETS: &[Target] = &[
    Target {
        text: "A: Leerkring p99 ≤ 5 ms",
        check: |m| Some(m.get(Scenario::A, ServerKind::Leerkring, latency::P99_MS)? <= 5.0),
    },
    Target {
        text: "B: Leerkring sustains ≥ 3× Hocuspocus's rate",
        check: |m| {
            let ours = m.get(Scenario::B, ServerKind::Leerkring, throughput::SUSTAINED)?;
            let theirs = m.get(Scenario::B, ServerKind::Hocuspocus, throughput::SUSTAINED)?;
            Some(ours >= 3.0 * theirs)
        },
    },
    Target {
        text: "C: Leerkring ≤ 20 KB per idle participant",
        check: |m| {
            Some(m.get(Scenario::C, ServerKind::Leerkring, idle::KB_PER_PARTICIPANT)? <= 20.0)
        },
    },
    Target {
        text: "D: Leerkring's cold first sync ≤ 50 ms",
        check: |m| Some(m.get(Scenario::D, ServerKind::Leerkring, cold_load::COLD_MS)? <= 50.0),
    },
    Target {
        text: "E: durable ≥ 80 % of in-memory sustained rate",
        check: |m| {
            let durable = m.get(Scenario::B, ServerKind::Leerkring, throughput::SUSTAINED)?;
            let memory = m.get(
                Scenario::B,
                ServerKind::LeerkringInMemory,
                throughput::SUSTAINED,
            )?;
            Some(durable >= 0.8 * memory)
        },
    },
];

/// The report of `records` as Markdown.
pub fn markdown(records: &[Record]) -> String {
    let medians = Medians(records);
    let mut out = String::new();
    for scenario in [Scenario::A, Scenario::B, Scenario::C, Scenario::D] {
        let comparison = [
            ServerKind::Leerkring,
            ServerKind::Hocuspocus,
            ServerKind::YWebsocket,
        ];
        table(&mut out, &medians, scenario, scenario, &comparison);
    }
    for scenario in [Scenario::A, Scenario::B] {
        let stores = [ServerKind::Leerkring, ServerKind::LeerkringInMemory];
        table(&mut out, &medians, Scenario::E, scenario, &stores);
    }
    let _ = writeln!(out, "### Targets\n\n| target | result |\n|---|---|");
    for target in TARGETS {
        let result = match (target.check)(&medians) {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "not measured",
        };
        let _ = writeln!(out, "| {} | {result} |", target.text);
    }
    let failures: Vec<&Record> = records.iter().filter(|r| r.error.is_some()).collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "\n### Runs that failed\n");
        for record in failures {
            let _ = writeln!(
                out,
                "- {:?} on {}, round {}: {}",
                record.scenario,
                record.server.name(),
                record.round,
                record.error.as_deref().unwrap_or_default()
            );
        }
    }
    out
}

/// A table of the figures `measured` reported on `servers`, under the heading of
/// `heading` (E's tables show A's and B's figures on Leerkring's two stores).
fn table(
    out: &mut String,
    medians: &Medians,
    heading: Scenario,
    measured: Scenario,
    servers: &[ServerKind],
) {
    let ran: Vec<&Record> = medians
        .0
        .iter()
        .filter(|r| r.scenario == measured && servers.contains(&r.server))
        .collect();
    let present: Vec<ServerKind> = servers
        .iter()
        .copied()
        .filter(|server| ran.iter().any(|r| r.server == *server))
        .collect();
    // E compares two stores: without both there is nothing to show.
    if present.is_empty() || (heading == Scenario::E && present.len() < 2) {
        return;
    }
    let mut figures: Vec<&'static str> = Vec::new();
    for record in &ran {
        for name in record.figures.names() {
            if !figures.contains(&name) {
                figures.push(name);
            }
        }
    }
    let (first, others) = (present[0], &present[1..]);
    let _ = write!(out, "### Scenario {heading:?}");
    if heading != measured {
        let _ = write!(out, " (on scenario {measured:?}'s load)");
    }
    let _ = write!(out, "\n\n| figure |");
    for server in &present {
        let _ = write!(out, " {} |", server.name());
    }
    for other in others {
        let _ = write!(out, " {} ÷ {} |", first.name(), other.name());
    }
    let _ = write!(out, "\n|---|");
    for _ in 0..present.len() + others.len() {
        let _ = write!(out, "---:|");
    }
    let _ = writeln!(out);
    for figure in figures {
        let _ = write!(out, "| {figure} |");
        for &server in &present {
            let values = medians.values(measured, server, figure);
            let _ = write!(out, " {} |", with_range(&values));
        }
        let ours = medians.get(measured, first, figure);
        for &other in others {
            let ratio = ours
                .zip(medians.get(measured, other, figure))
                .filter(|(_, theirs)| *theirs != 0.0)
                .map(|(ours, theirs)| format!("{}×", number(ours / theirs)));
            let _ = write!(out, " {} |", ratio.unwrap_or_else(|| "–".into()));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out);
}

/// The median with the range of the rounds, e.g. `4.2 (3.9–5.0)`.
fn with_range(values: &[f64]) -> String {
    let Some(middle) = median(values) else {
        return "–".into();
    };
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if values.len() < 2 || low == high {
        return number(middle);
    }
    format!("{} ({}–{})", number(middle), number(low), number(high))
}

/// Three significant digits, at most two decimals.
fn number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 || magnitude == 0.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::Figures;

    fn record(server: ServerKind, round: usize, p99: f64) -> Record {
        let mut figures = Figures::default();
        figures.set(latency::P99_MS, p99);
        Record {
            scenario: Scenario::A,
            server,
            round,
            figures,
            error: None,
            load_average: "0.00 0.00 0.00".into(),
        }
    }

    #[test]
    fn medians_ranges_ratios_and_targets() {
        let records = vec![
            record(ServerKind::Leerkring, 1, 2.0),
            record(ServerKind::Hocuspocus, 1, 8.0),
            record(ServerKind::Leerkring, 2, 4.0),
            record(ServerKind::Hocuspocus, 2, 8.0),
            record(ServerKind::Leerkring, 3, 3.0),
            record(ServerKind::Hocuspocus, 3, 8.0),
        ];
        let report = markdown(&records);
        assert!(
            report.contains("| latency p99 (ms) | 3.00 (2.00–4.00) | 8.00 | 0.38× |"),
            "{report}"
        );
        assert!(
            report.contains("| A: Leerkring p99 ≤ 5 ms | met |"),
            "{report}"
        );
        assert!(report.contains("| C: Leerkring ≤ 20 KB per idle participant | not measured |"));
    }
}
