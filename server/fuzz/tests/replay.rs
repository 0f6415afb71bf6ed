//! Replays the committed seeds and every minimized crash in `regressions/` through the
//! fuzz harness, on stable and without a fuzzer: `cargo test` in server/fuzz.

use std::fs;
use std::path::Path;

fn replay(folder: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let Ok(entries) = fs::read_dir(&dir) else {
        return 0;
    };
    let mut count = 0;
    for entry in entries {
        let path = entry.expect("dir entry").path();
        if path.is_file() && path.extension().is_none_or(|ext| ext != "md") {
            eprintln!("replaying {}", path.display());
            leerkring_server_fuzz::run(&fs::read(&path).expect("read input"));
            count += 1;
        }
    }
    count
}

#[test]
fn seeds_run_clean() {
    assert!(replay("seeds/client_frames") > 0, "no seeds found");
}

#[test]
fn regressions_run_clean() {
    replay("regressions");
}
