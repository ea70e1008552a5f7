//! Ratios to the floor and BENCHMARKS.md's wire-to-wire target: at 50K orders/s, fast-ack p50
//! within 2x of the floor's p50 and p99 within 3x of its p99 (the constants are the `ws`
//! benchmark's).

use crate::journal::latency::Latency;
pub use crate::ws::tables::{P50_TARGET, P99_TARGET, TARGET_RATE};

/// A gateway's latency over its floor's, quantile by quantile (p50, p99, p99.9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratios {
    /// p50 over the floor's p50.
    pub p50: f64,
    /// p99 over the floor's p99.
    pub p99: f64,
    /// p99.9 over the floor's p99.9.
    pub p999: f64,
}

impl Ratios {
    /// `gateway` over `floor`.
    pub fn of(gateway: &Latency, floor: &Latency) -> Ratios {
        let over = |q: usize| gateway.quantiles[q] as f64 / floor.quantiles[q].max(1) as f64;
        Ratios {
            p50: over(0),
            p99: over(2),
            p999: over(3),
        }
    }

    /// Whether the p50 is within the target.
    pub fn p50_met(&self) -> bool {
        self.p50 <= P50_TARGET
    }

    /// Whether the p99 is within the target.
    pub fn p99_met(&self) -> bool {
        self.p99 <= P99_TARGET
    }
}

/// `met` or `not met`.
pub fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latency(p50: u64, p99: u64, p999: u64) -> Latency {
        Latency {
            quantiles: [p50, p50, p99, p999],
            worst: p999,
            mean: p50 as f64,
            samples: 1,
        }
    }

    #[test]
    fn judges_against_the_floor() {
        let floor = latency(10_000, 20_000, 40_000);
        let r = Ratios::of(&latency(20_000, 61_000, 400_000), &floor);
        assert_eq!((r.p50, r.p99, r.p999), (2.0, 3.05, 10.0));
        assert!(r.p50_met(), "exactly 2x is within 2x");
        assert!(!r.p99_met());
        assert_eq!(
            (verdict(r.p50_met()), verdict(r.p99_met())),
            ("met", "not met")
        );
        assert_eq!(TARGET_RATE, 50_000);
        let zero = Ratios::of(&latency(5, 5, 5), &latency(0, 0, 0));
        assert_eq!(zero.p50, 5.0, "a zero floor divides by one");
    }
}
