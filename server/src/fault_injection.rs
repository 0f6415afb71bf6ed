//! A fault-injection hook for testing the crash-loop breaker ([`crate::storage::quarantine`])
//! over real processes: with the `fault-injection` cargo feature, applying a stored record
//! that contains [`ABORT_MARKER`] aborts the process, as a crash inside the CRDT library
//! would. Only the end-to-end tests build the server with that feature
//! (`tests/src/lib.rs`, `server_binary`); the release build (`scripts/run`) and the plain
//! `cargo build` leave the hook out (docs/TESTING.md).

/// Text that, inside an update applied by a server built with `fault-injection`, aborts it.
pub const ABORT_MARKER: &str = "leerkring-fault-injection:abort-while-applying";

/// Aborts the process if `record` contains [`ABORT_MARKER`].
#[cfg(feature = "fault-injection")]
pub fn abort_if_marked(record: &[u8]) {
    let marker = ABORT_MARKER.as_bytes();
    if record.windows(marker.len()).any(|window| window == marker) {
        eprintln!("fault injection: aborting while applying a marked record");
        std::process::abort();
    }
}
