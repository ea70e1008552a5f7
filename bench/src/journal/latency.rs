//! Latency distributions: an hdrhistogram per run, reduced to the quantiles the tables print,
//! and the median of those over runs.

use anyhow::{Context, Result};
use hdrhistogram::Histogram;

use bench::report::median;

/// Largest latency a histogram holds (longer ones saturate): one minute.
const MAX_NS: u64 = 60_000_000_000;

/// The quantiles of the latency tables.
pub const QUANTILES: [(f64, &str); 4] =
    [(0.5, "50%"), (0.9, "90%"), (0.99, "99%"), (0.999, "99.9%")];

/// An empty histogram of nanoseconds, 3 significant digits.
pub fn histogram() -> Result<Histogram<u64>> {
    Histogram::new_with_bounds(1, MAX_NS, 3).context("creating a latency histogram")
}

/// Records one latency in nanoseconds.
pub fn record(h: &mut Histogram<u64>, nanos: u64) {
    h.saturating_record(nanos.max(1));
}

/// What is kept of one run's distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    /// Nanoseconds at each of [`QUANTILES`].
    pub quantiles: [u64; 4],
    /// Largest value.
    pub worst: u64,
    /// Mean, nanoseconds.
    pub mean: f64,
    /// Values recorded.
    pub samples: u64,
}

impl Latency {
    /// Summarises a histogram.
    pub fn of(h: &Histogram<u64>) -> Latency {
        Latency {
            quantiles: QUANTILES.map(|(q, _)| h.value_at_quantile(q)),
            worst: h.max(),
            mean: h.mean(),
            samples: h.len(),
        }
    }

    /// The 50% value.
    pub fn p50(&self) -> u64 {
        self.quantiles[0]
    }

    /// Per field, the median over runs (`None` for no runs).
    pub fn median(runs: &[Latency]) -> Option<Latency> {
        let med = |f: &dyn Fn(&Latency) -> f64| median(runs.iter().map(f).collect());
        Some(Latency {
            quantiles: [0, 1, 2, 3].map(|i| med(&|l| l.quantiles[i] as f64).unwrap_or(0.0) as u64),
            worst: med(&|l| l.worst as f64)? as u64,
            mean: med(&|l| l.mean)?,
            samples: med(&|l| l.samples as f64)? as u64,
        })
    }

    /// As JSON, in nanoseconds.
    pub fn to_json(self) -> serde_json::Value {
        let mut m: serde_json::Map<String, serde_json::Value> = QUANTILES
            .iter()
            .zip(self.quantiles)
            .map(|((_, name), v)| {
                (
                    format!("p{}_ns", name.trim_end_matches('%')),
                    serde_json::json!(v),
                )
            })
            .collect();
        m.insert("worst_ns".into(), serde_json::json!(self.worst));
        m.insert("mean_ns".into(), serde_json::json!(self.mean));
        m.insert("samples".into(), serde_json::json!(self.samples));
        serde_json::Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_and_takes_medians() {
        let mut h = histogram().expect("bounds are valid");
        for v in 1..=1_000u64 {
            record(&mut h, v * 1_000);
        }
        let l = Latency::of(&h);
        assert_eq!(l.samples, 1_000);
        assert!((499_000..=501_000).contains(&l.p50()), "{}", l.p50());
        assert!(l.worst >= 999_000);
        let runs = [l, Latency { worst: 5, ..l }, Latency { worst: 7, ..l }];
        assert_eq!(Latency::median(&runs).map(|m| m.worst), Some(7));
        assert_eq!(Latency::median(&[]), None);
    }
}
