//! Client frames from up to three connections, driven through `decode_frame` and one
//! shared `Board` exactly as the server's rooms do. See `src/lib.rs` for the input
//! format and the properties checked, and docs/TESTING.md ("Fuzzing") for how to run it.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    leerkring_server_fuzz::run(data);
});
