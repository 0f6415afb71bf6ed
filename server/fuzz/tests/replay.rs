//! Replays the committed seeds and every minimized finding in `regressions/` through the
//! fuzz harness, on stable and without a fuzzer: `cargo test` in server/fuzz.
//!
//! An input fails if anything panics, including a panic the server catches (the board
//! runs yrs under `catch_unwind` and survives it; the fuzzer aborts on every panic, and so
//! does this replay), or if it makes the process *ask* for one allocation larger than
//! [`ALLOCATION_LIMIT`]. That is the property the fuzzer checks with `-malloc_limit_mb`;
//! checking the request (not its success) keeps the result the same on machines with
//! more or less memory.
//!
//! The use-after-free in `regressions/uaf-apply-update` only shows under AddressSanitizer
//! (docs/TESTING.md, "Fuzzing"); its yrs-only reproducer is in `tests/yrs_patches.rs`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Far above anything a frame of at most 64 KiB (the fuzzer's -max_len) should need.
const ALLOCATION_LIMIT: usize = 256 * 1024 * 1024;

struct Tracking;

static LARGEST_REQUEST: AtomicUsize = AtomicUsize::new(0);
/// Panics seen by the hook, caught or not.
static PANICS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST_REQUEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST_REQUEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST_REQUEST.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// Runs every input in `folder` (README files aside); returns the failures.
fn replay(folder: &str) -> (usize, Vec<String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let Ok(entries) = fs::read_dir(&dir) else {
        return (0, Vec::new());
    };
    let mut paths: Vec<_> = entries
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.is_file() && path.extension().is_none_or(|ext| ext != "md"))
        .collect();
    paths.sort();
    let mut failures = Vec::new();
    for path in &paths {
        let input = fs::read(path).expect("read input");
        LARGEST_REQUEST.store(0, Ordering::Relaxed);
        PANICS.store(0, Ordering::Relaxed);
        let outcome = std::panic::catch_unwind(|| leerkring_server_fuzz::run(&input));
        let largest = LARGEST_REQUEST.load(Ordering::Relaxed);
        let panics = PANICS.load(Ordering::Relaxed);
        let name = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        if outcome.is_err() {
            failures.push(format!("{}: panicked", name.display()));
        } else if panics > 0 {
            failures.push(format!(
                "{}: panicked {panics} time(s) inside a call the server guards",
                name.display()
            ));
        } else if largest > ALLOCATION_LIMIT {
            failures.push(format!(
                "{}: asked for one allocation of {largest} bytes (limit {ALLOCATION_LIMIT})",
                name.display()
            ));
        }
    }
    (paths.len(), failures)
}

// One test, so that no other test's allocations run concurrently with the tracking.
#[test]
fn seeds_and_regressions_run_clean() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::Relaxed);
        report(info);
    }));
    let (seeds, mut failures) = replay("seeds/client_frames");
    assert!(seeds > 0, "no seeds found");
    failures.extend(replay("regressions").1);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
