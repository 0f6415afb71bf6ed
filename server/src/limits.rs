//! Limits that protect a node from any one connection: the per-connection message rate,
//! and the budget of a board's document size that the room keeps.
//! (Frame size is enforced by the WebSocket layer, connections per board by the room, the
//! idle timeout and pings by the connection; their values are flags, `crate::config`.)

use std::time::Instant;

/// A token bucket: `burst` messages at once, refilled at `per_second`.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    /// `burst` is at least 1 (`--message-burst` refuses 0); with 0 nothing is let through.
    pub fn new(per_second: u32, burst: u32) -> Self {
        let capacity = f64::from(burst);
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

/// A board's document size, tracked without encoding the document for every update: its
/// size when last measured (on loading, at a snapshot, or by encoding it near the limit)
/// plus every update let in since. Updates only ever add their length, so the count can
/// run ahead of the document (deletions, updates that overlap); it is measured again
/// before anything is refused.
#[derive(Debug)]
pub struct DocumentBudget {
    max: u64,
    bytes: u64,
    /// Whether `bytes` is the document's encoded size rather than an estimate.
    measured: bool,
}

impl DocumentBudget {
    /// A budget of `max` bytes for a document estimated at `bytes`.
    pub fn new(max: u64, bytes: u64) -> Self {
        Self {
            max,
            bytes,
            measured: false,
        }
    }

    /// Whether `len` more bytes fit as the count stands.
    pub fn fits(&self, len: u64) -> bool {
        self.bytes.saturating_add(len) <= self.max
    }

    /// Whether measuring the document could let `len` more bytes in: they do not fit,
    /// but the count is an estimate.
    pub fn worth_measuring(&self, len: u64) -> bool {
        !self.measured && !self.fits(len)
    }

    /// Counts `len` bytes let in.
    pub fn add(&mut self, len: u64) {
        self.bytes = self.bytes.saturating_add(len);
        self.measured = false;
    }

    /// The document was just measured at `bytes`.
    pub fn measured(&mut self, bytes: u64) {
        self.bytes = bytes;
        self.measured = true;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

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

    #[test]
    fn the_document_budget_measures_before_it_refuses_and_only_then() {
        let mut budget = DocumentBudget::new(100, 90);
        assert!(budget.fits(10) && !budget.worth_measuring(10));
        assert!(
            budget.worth_measuring(11),
            "an estimate over the limit is checked"
        );
        // Deletions made the real document smaller than the count.
        budget.measured(40);
        assert!(budget.fits(60));
        budget.add(60);
        assert!(!budget.fits(1));
        budget.measured(100);
        assert!(
            !budget.fits(1) && !budget.worth_measuring(1),
            "measured full: refused without encoding again"
        );
        budget.add(0);
        assert!(budget.worth_measuring(1), "something came in since");
    }
}
