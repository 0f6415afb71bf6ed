//! What a server process costs, read from `/proc`: CPU time (utime + stime of all its
//! threads) and resident memory (VmRSS). Linux only, as the benchmark machine is.

use std::time::{Duration, Instant};

/// Clock ticks per second in `/proc/<pid>/stat` (Linux's USER_HZ, 100 on every
/// architecture's user-space ABI).
const TICKS_PER_SECOND: u64 = 100;

/// CPU time the process has used so far, or `None` if it cannot be read.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace();
    // Fields 3.. follow the name; utime and stime are fields 14 and 15.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis(
        (utime + stime) * 1000 / TICKS_PER_SECOND,
    ))
}

/// The process's resident memory in bytes, or `None` if it cannot be read.
pub fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// CPU use of a process over a stretch of wall time.
pub struct CpuMeter {
    pid: u32,
    cpu_at_start: Option<Duration>,
    started: Instant,
}

impl CpuMeter {
    pub fn start(pid: u32) -> Self {
        Self {
            pid,
            cpu_at_start: cpu_time(pid),
            started: Instant::now(),
        }
    }

    /// CPU time used since [`CpuMeter::start`] as a percentage of one core.
    pub fn percent_of_a_core(&self) -> Option<f64> {
        let used = cpu_time(self.pid)?.checked_sub(self.cpu_at_start?)?;
        let wall = self.started.elapsed().as_secs_f64();
        (wall > 0.0).then(|| used.as_secs_f64() / wall * 100.0)
    }
}

/// The one-, five- and fifteen-minute load averages (`/proc/loadavg`), as written there.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        assert!(resident_bytes(me).is_some_and(|bytes| bytes > 0));
        let meter = CpuMeter::start(me);
        let spin = Instant::now();
        let mut n = 0u64;
        while spin.elapsed() < Duration::from_millis(50) {
            n = n.wrapping_add(1);
        }
        assert!(n > 0);
        assert!(meter.percent_of_a_core().is_some_and(|p| p >= 0.0));
        assert!(cpu_time(u32::MAX).is_none());
    }
}
