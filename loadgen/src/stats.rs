//! Statistics over measurements: latency percentiles within a run, medians across runs.

use std::time::Duration;

/// Latencies of the deliveries of a run, in microseconds.
#[derive(Debug, Default, Clone)]
pub struct Latencies(Vec<u32>);

/// The percentiles reported for a set of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LatencySummary {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latencies {
    pub fn push(&mut self, latency: Duration) {
        self.0
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
    }

    pub fn extend(&mut self, other: Latencies) {
        self.0.extend(other.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// p50, p95, p99 and the maximum (nearest rank); `None` without any latency.
    pub fn summary(mut self) -> Option<LatencySummary> {
        self.0.sort_unstable();
        let sorted = &self.0;
        let at = |quantile: f64| -> f64 {
            let rank = (quantile * sorted.len() as f64).ceil() as usize;
            f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
        };
        let max = f64::from(*sorted.last()?) / 1000.0;
        Some(LatencySummary {
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            max_ms: max,
        })
    }
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut latencies = Latencies::default();
        for ms in 1..=100 {
            latencies.push(Duration::from_millis(ms));
        }
        let summary = latencies.summary().expect("latencies");
        assert_eq!(
            (
                summary.p50_ms,
                summary.p95_ms,
                summary.p99_ms,
                summary.max_ms
            ),
            (50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(Latencies::default().summary(), None);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
