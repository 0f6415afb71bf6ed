//! The countdown for the current step, on the server's clock.

use serde::{Deserialize, Serialize};

use crate::refusal::Refusal;

/// The longest countdown, in seconds (whole hours: the refusal says it in hours).
pub const MAX_TIMER_SECONDS: u32 = 4 * 3600;

/// The countdown for the current step, on the server's clock (milliseconds since the
/// Unix epoch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Timer {
    #[default]
    Stopped,
    Running {
        duration_ms: u64,
        ends_at_ms: u64,
    },
    Paused {
        duration_ms: u64,
        remaining_ms: u64,
    },
}

impl Timer {
    /// Starts (or restarts) a countdown of `seconds` at `now_ms`.
    pub(super) fn start(&mut self, seconds: u32, now_ms: u64) -> Result<(), Refusal> {
        if seconds == 0 || seconds > MAX_TIMER_SECONDS {
            let hours = MAX_TIMER_SECONDS / 3600;
            return Err(Refusal::invalid(
                format!("a timer runs from 1 second to {hours} hours"),
                format!("Een timer loopt van 1 seconde tot {hours} uur."),
            ));
        }
        let duration_ms = u64::from(seconds) * 1000;
        *self = Timer::Running {
            duration_ms,
            ends_at_ms: now_ms + duration_ms,
        };
        Ok(())
    }

    pub(super) fn pause(&mut self, now_ms: u64) -> Result<(), Refusal> {
        let Timer::Running {
            duration_ms,
            ends_at_ms,
        } = *self
        else {
            return Err(not_running());
        };
        *self = Timer::Paused {
            duration_ms,
            remaining_ms: ends_at_ms.saturating_sub(now_ms),
        };
        Ok(())
    }

    pub(super) fn resume(&mut self, now_ms: u64) -> Result<(), Refusal> {
        let Timer::Paused {
            duration_ms,
            remaining_ms,
        } = *self
        else {
            return Err(Refusal::conflict(
                "the timer is not paused",
                "De timer staat niet op pauze.",
            ));
        };
        *self = Timer::Running {
            duration_ms,
            ends_at_ms: now_ms + remaining_ms,
        };
        Ok(())
    }

    pub(super) fn stop(&mut self) -> Result<(), Refusal> {
        if *self == Timer::Stopped {
            return Err(not_running());
        }
        *self = Timer::Stopped;
        Ok(())
    }
}

fn not_running() -> Refusal {
    Refusal::conflict("the timer is not running", "De timer loopt niet.")
}
