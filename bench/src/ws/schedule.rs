//! The open-loop schedule: message `i` is planned at `t0 + i / rate`, the first `warmup` ones
//! are sent but not recorded. Latency always counts from the planned time, so a send that
//! leaves late (the generator was preempted, the socket was full) is charged its lateness:
//! coordinated omission is avoided by construction and nothing is corrected afterwards.

use std::time::Duration;

use quanta::Instant;

/// How far ahead of the first planned send a schedule starts.
pub const LEAD: Duration = Duration::from_micros(200);

/// When each message of one open-loop run is due.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Planned time of message 0.
    pub t0: Instant,
    /// Nanoseconds between planned sends.
    interval_ns: f64,
    /// Messages sent but not recorded.
    pub warmup: usize,
    /// Messages in all (warm-up included).
    pub total: usize,
}

impl Schedule {
    /// A schedule at `rate` per second from `t0`: `warmup_secs` of untimed messages, then
    /// `secs` of recorded ones (at least one).
    pub fn new(t0: Instant, rate: u64, warmup_secs: f64, secs: f64) -> Schedule {
        let (warmup, measured) = counts(rate, warmup_secs, secs);
        Schedule {
            t0,
            interval_ns: 1e9 / rate.max(1) as f64,
            warmup,
            total: warmup + measured,
        }
    }

    /// Nanoseconds after `t0` message `i` is due.
    pub fn offset_ns(&self, i: usize) -> u64 {
        (i as f64 * self.interval_ns) as u64
    }

    /// When message `i` is due.
    pub fn planned(&self, i: usize) -> Instant {
        self.t0 + Duration::from_nanos(self.offset_ns(i))
    }

    /// Whether message `i` is recorded.
    pub fn recorded(&self, i: usize) -> bool {
        i >= self.warmup && i < self.total
    }
}

/// `(warm-up, measured)` message counts at `rate` per second; at least one measured.
pub fn counts(rate: u64, warmup_secs: f64, secs: f64) -> (usize, usize) {
    let r = rate as f64;
    (
        (r * warmup_secs).round() as usize,
        ((r * secs).round() as usize).max(1),
    )
}

/// Nanoseconds from `planned` to `at` (0 if `at` is earlier).
pub fn since(planned: Instant, at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(planned).as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_the_rate() {
        assert_eq!(counts(50_000, 0.5, 4.0), (25_000, 200_000));
        assert_eq!(counts(10_000, 0.0, 2.0), (0, 20_000));
        assert_eq!(counts(1, 0.0, 0.1), (0, 1));
    }

    #[test]
    fn plans_evenly_spaced_sends() {
        let clock = quanta::Clock::new();
        let t0 = clock.now();
        let s = Schedule::new(t0, 100_000, 0.01, 0.02);
        assert_eq!((s.warmup, s.total), (1_000, 3_000));
        assert_eq!(s.offset_ns(0), 0);
        assert_eq!(s.offset_ns(1), 10_000);
        assert_eq!(s.offset_ns(2_999), 29_990_000);
        assert_eq!(
            s.planned(3).saturating_duration_since(t0),
            Duration::from_nanos(30_000)
        );
        assert!(!s.recorded(999) && s.recorded(1_000) && !s.recorded(3_000));
        assert_eq!(since(s.planned(3), t0), 0);
        assert_eq!(since(t0, s.planned(3)), 30_000);
    }
}
