//! Runs fuzz inputs through the harness on stable, one by one, and says which panic
//! (with a backtrace when RUST_BACKTRACE=1). For looking at a finding without a fuzzer:
//! `cargo run --release --example triage -- regressions/FILE ...` in server/fuzz.

fn main() {
    for path in std::env::args().skip(1) {
        let data = std::fs::read(&path).expect("read input");
        let outcome = std::panic::catch_unwind(|| leerkring_server_fuzz::run(&data));
        println!("{path}: {}", if outcome.is_ok() { "ok" } else { "PANIC" });
    }
}
