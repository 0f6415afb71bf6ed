//! Runs fuzz inputs through the harness on stable, one by one, and says which panic
//! (with a backtrace when RUST_BACKTRACE=1). For looking at a finding without a fuzzer:
//! `cargo run --release --example triage -- regressions/FILE ...` in server/fuzz.
//!
//! Each line names the first panic's location and message, caught or not (the board
//! catches yrs panics and carries on; the fuzzer counts them all), so that findings can
//! be grouped by cause: `... | sort | uniq -c` over the location.

use std::sync::{Arc, Mutex};

fn main() {
    let first: Arc<Mutex<Option<String>>> = Arc::default();
    let report = std::panic::take_hook();
    let seen = Arc::clone(&first);
    std::panic::set_hook(Box::new(move |info| {
        let mut first = seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if first.is_none() {
            let place = info
                .location()
                .map_or_else(|| "?".to_owned(), |l| format!("{}:{}", l.file(), l.line()));
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or("?");
            *first = Some(format!("{place}: {}", message.lines().next().unwrap_or("")));
        }
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            report(info);
        }
    }));
    for path in std::env::args().skip(1) {
        let data = std::fs::read(&path).expect("read input");
        *first
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        let outcome = std::panic::catch_unwind(|| leerkring_server_fuzz::run(&data));
        let panic = first
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        match (outcome.is_ok(), panic) {
            (true, None) => println!("{path}: ok"),
            (true, Some(panic)) => println!("{path}: CAUGHT {panic}"),
            (false, panic) => println!("{path}: PANIC {}", panic.unwrap_or_default()),
        }
    }
}
