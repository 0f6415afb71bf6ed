//! The load generator's smoke run: every scenario at tiny sizes against Leerkring (the
//! debug binary, on both stores), so the benchmark cannot rot while nobody runs it. The
//! JavaScript servers are left out: the test command does not need Node for this.

use std::time::{Duration, Instant};

use leerkring_loadgen::bench::{self, Plan, Record};
use leerkring_loadgen::report;
use leerkring_loadgen::scenarios::{cold_load, idle, latency, throughput, Scenario, Sizes};
use leerkring_loadgen::servers::{Programs, ServerKind};

fn figure(records: &[Record], scenario: Scenario, server: ServerKind, name: &str) -> f64 {
    records
        .iter()
        .find(|r| r.scenario == scenario && r.server == server)
        .and_then(|r| r.figures.get(name))
        .unwrap_or_else(|| panic!("{scenario:?} on {server:?} reported no {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_at_tiny_size_against_leerkring() {
    let programs = Programs {
        leerkring: leerkring_tests::server_binary().to_path_buf(),
        js_dir: leerkring_tests::workspace_root().join("bench/js"),
    };
    let plan = Plan {
        scenarios: vec![
            Scenario::A,
            Scenario::B,
            Scenario::C,
            Scenario::D,
            Scenario::E,
        ],
        servers: vec![ServerKind::Leerkring],
        rounds: 1,
        sizes: Sizes::smoke(),
    };
    let started = Instant::now();
    let records = bench::run(&plan, &programs).await;
    let took = started.elapsed();

    for record in &records {
        assert!(record.error.is_none(), "{record:?}");
    }
    let leerkring = ServerKind::Leerkring;
    let in_memory = ServerKind::LeerkringInMemory;
    for server in [leerkring, in_memory] {
        let delivered = figure(&records, Scenario::A, server, latency::DELIVERED);
        assert_eq!(
            delivered, 100.0,
            "every edit reaches every other participant"
        );
        let p99 = figure(&records, Scenario::A, server, latency::P99_MS);
        let p50 = figure(&records, Scenario::A, server, latency::P50_MS);
        assert!(p50.is_finite() && p50 > 0.0 && p50 <= p99 && p99 < 1000.0);
        let sustained = figure(&records, Scenario::B, server, throughput::SUSTAINED);
        assert!(
            sustained >= plan.sizes.throughput.first_rate,
            "tiny rates hold: {sustained}"
        );
    }
    let per_participant = figure(&records, Scenario::C, leerkring, idle::KB_PER_PARTICIPANT);
    assert!(per_participant.is_finite());
    assert_eq!(figure(&records, Scenario::C, leerkring, idle::DROPPED), 0.0);
    // D checks the content of every load itself; it fails the run if anything is missing.
    for name in [cold_load::WARM_MS, cold_load::COLD_MS] {
        let load = figure(&records, Scenario::D, leerkring, name);
        assert!(load.is_finite() && load > 0.0, "{name}: {load}");
    }

    let report = report::markdown(&records);
    for heading in [
        "### Scenario A",
        "### Scenario B",
        "### Scenario C",
        "### Scenario D",
    ] {
        assert!(report.contains(heading), "{report}");
    }
    assert!(
        report.contains("### Scenario E (on scenario B's load)"),
        "{report}"
    );
    assert!(
        took < Duration::from_secs(60),
        "the smoke run took {took:?}"
    );
}
