//! The server's wall clock: time since the Unix epoch, as the meeting, the teams and the
//! stored records count it. A clock set before 1970 reads as 0 rather than failing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Milliseconds since the Unix epoch: the meeting's clock.
pub fn now_ms() -> u64 {
    since_epoch().as_millis() as u64
}

/// Whole seconds since the Unix epoch: when a board or team was created.
pub fn now_seconds() -> u64 {
    since_epoch().as_secs()
}
