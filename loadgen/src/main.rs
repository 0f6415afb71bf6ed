//! `leerkring-loadgen`: runs the benchmark (docs/BENCHMARKS.md) and prints its report.
//! `scripts/bench` builds everything and calls this with the right paths.

use std::path::PathBuf;

use clap::Parser;
use leerkring_loadgen::bench::{self, Plan};
use leerkring_loadgen::metrics::load_average;
use leerkring_loadgen::report;
use leerkring_loadgen::scenarios::{Scenario, Sizes};
use leerkring_loadgen::servers::{Programs, ServerKind};

/// Benchmarks Leerkring against Hocuspocus and the y-websocket reference server.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    /// Scenarios to run (A latency, B throughput, C idle memory, D cold load, E durable
    /// versus in-memory store); all by default.
    #[arg(value_enum)]
    scenarios: Vec<Scenario>,

    /// Rounds of every scenario on every server; the report gives medians.
    #[arg(long, default_value_t = 3)]
    rounds: usize,

    /// Smaller and shorter scenarios (a few minutes in all), for trying things out.
    #[arg(long)]
    quick: bool,

    /// Servers to compare.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [ServerKind::Leerkring, ServerKind::Hocuspocus, ServerKind::YWebsocket])]
    servers: Vec<ServerKind>,

    /// The leerkring-server binary (a release build for real figures).
    #[arg(long, default_value = "target/release/leerkring-server")]
    leerkring_bin: PathBuf,

    /// The folder with the JavaScript servers (`npm ci` done).
    #[arg(long, default_value = "bench/js")]
    js_dir: PathBuf,

    /// Where to write `results.json` (every run's figures) and `report.md`.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> Result<(), leerkring_loadgen::Failure> {
    let cli = Cli::parse();
    let scenarios = if cli.scenarios.is_empty() {
        vec![
            Scenario::A,
            Scenario::B,
            Scenario::C,
            Scenario::D,
            Scenario::E,
        ]
    } else {
        cli.scenarios
    };
    let plan = Plan {
        scenarios,
        servers: cli.servers,
        rounds: cli.rounds,
        sizes: if cli.quick {
            Sizes::quick()
        } else {
            Sizes::full()
        },
    };
    let programs = Programs {
        leerkring: cli.leerkring_bin,
        js_dir: cli.js_dir,
    };
    let header = format!(
        "Load average at start: {}. {}{} round(s), {} sizes.\n",
        load_average(),
        machine(),
        plan.rounds,
        if cli.quick { "quick" } else { "full" },
    );
    eprint!("{header}");
    let records = bench::run(&plan, &programs).await;
    let report = format!(
        "{header}Load average at the end: {}.\n\n{}",
        load_average(),
        report::markdown(&records)
    );
    std::fs::create_dir_all(&cli.out)?;
    std::fs::write(
        cli.out.join("results.json"),
        serde_json::to_vec_pretty(&records)?,
    )?;
    std::fs::write(cli.out.join("report.md"), &report)?;
    println!("{report}");
    Ok(())
}

/// The machine in one line: cores, processor, memory, kernel.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let processor = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split(':').nth(1))
        .map_or("unknown processor", str::trim)
        .to_owned();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gib = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "Machine: {cores} cores ({processor}), {memory_gib:.0} GiB, Linux {}. ",
        kernel.trim()
    )
}
