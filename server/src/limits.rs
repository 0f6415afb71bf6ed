//! Limits that protect a node from any one connection: the per-connection message rate.
//! (Frame size is enforced by the WebSocket layer, connections per board by the room.)

use std::time::{Duration, Instant};

/// A token bucket: `burst` messages at once, refilled at `per_second`.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    pub fn new(per_second: u32, burst: u32) -> Self {
        let capacity = f64::from(burst.max(1));
        Self {
            capacity,
            per_second: f64::from(per_second),
            tokens: capacity,
            refilled_at: Instant::now(),
        }
    }

    /// Takes one token at `now`; false if the connection is over its rate.
    pub fn allow_at(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.refilled_at);
        self.refilled_at = now;
        self.tokens = (self.tokens + elapsed.as_secs_f64() * self.per_second).min(self.capacity);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub fn allow(&mut self) -> bool {
        self.allow_at(Instant::now())
    }
}

/// How long a connection may stay silent (no message, no pong) before it is closed.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(75);
/// How often the server pings a connection to find out whether it is still there.
pub const PING_EVERY: Duration = Duration::from_secs(25);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_the_sustained_rate() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(10, 5);
        assert!((0..5).all(|_| limiter.allow_at(start)));
        assert!(!limiter.allow_at(start), "burst spent");
        assert!(
            limiter.allow_at(start + Duration::from_millis(100)),
            "one token after 1/10 s"
        );
        assert!(!limiter.allow_at(start + Duration::from_millis(100)));
        assert!(
            (0..5).all(|_| limiter.allow_at(start + Duration::from_secs(60))),
            "refills to burst"
        );
        assert!(
            !limiter.allow_at(start + Duration::from_secs(60)),
            "never beyond burst"
        );
    }
}
