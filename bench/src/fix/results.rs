//! Everything one invocation measured, run by run, and the medians and ratios the tables quote.

use bench::report::median;

use super::floor::FloorRun;
use super::latency::Latency;
use super::load::LoadRun;
use super::meter::RunNoise;
use super::problems::Problems;
use super::settings::Target;
use crate::ws::settings::Ack;

/// The runs of one target at one rate.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was measured.
    pub target: Target,
    /// Orders per second.
    pub rate: u64,
    /// Bytes of one order on the wire (a NewOrderSingle, or the echo's message).
    pub order_bytes: usize,
    /// One per run that measured it.
    pub runs: Vec<LoadRun>,
}

impl Row {
    /// Per-quantile medians of the runs' latencies.
    pub fn latency(&self) -> Option<Latency> {
        Latency::median(&self.runs.iter().map(|r| r.latency).collect::<Vec<_>>())
    }

    /// Per-quantile medians of how late the sender was.
    pub fn lateness(&self) -> Option<Latency> {
        Latency::median(&self.runs.iter().map(|r| r.lateness).collect::<Vec<_>>())
    }

    /// The median of `f` over the runs (0 for none).
    pub fn med(&self, f: impl Fn(&LoadRun) -> f64) -> f64 {
        median(self.runs.iter().map(f).collect()).unwrap_or(0.0)
    }

    /// The worst noise of the runs.
    pub fn noise(&self) -> RunNoise {
        RunNoise::worst(self.runs.iter().map(|r| r.noise))
    }

    /// The problems of all runs, added up.
    pub fn problems(&self) -> Problems {
        let mut all = Problems::default();
        for r in &self.runs {
            all.add(&r.problems);
        }
        all
    }
}

/// A target that could not be measured in one run, and why.
#[derive(Debug, Clone)]
pub struct Unavailable {
    /// The target.
    pub target: Target,
    /// Which run (`run 1/3`) and, for a failed measurement, which rate.
    pub when: String,
    /// The error.
    pub reason: String,
}

/// All measurements of one invocation.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// One row per target and rate, in table order.
    pub rows: Vec<Row>,
    /// The fdatasync floor, one entry per run.
    pub fsync: Vec<FloorRun>,
    /// Targets that could not start, and measurements that failed outright.
    pub unavailable: Vec<Unavailable>,
    /// Servers that did not stop cleanly (the measurements before the stop stand).
    pub stop_failures: Vec<String>,
}

impl Results {
    /// The row of `target` at `rate`.
    pub fn row(&self, target: Target, rate: u64) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.target == target && r.rate == rate)
    }

    /// The row of `target` at `rate`, to add a run to.
    pub fn row_mut(&mut self, target: Target, rate: u64) -> Option<&mut Row> {
        self.rows
            .iter_mut()
            .find(|r| r.target == target && r.rate == rate)
    }

    /// Median latency of `target` at `rate`, if it was measured.
    pub fn latency(&self, target: Target, rate: u64) -> Option<Latency> {
        self.row(target, rate)?.latency()
    }

    /// Median fdatasync latency.
    pub fn fsync(&self) -> Option<Latency> {
        Latency::median(&self.fsync.iter().map(|r| r.latency).collect::<Vec<_>>())
    }

    /// The ratios the tables and JSON quote at `rate`.
    pub fn ratios(&self, rate: u64) -> Vec<Ratio> {
        let l = |t| self.latency(t, rate);
        let (floor, quickfix) = (l(Target::Floor), l(Target::QuickFix));
        let fast = l(Target::Tradestream(Ack::Fast));
        let durable = l(Target::Tradestream(Ack::Durable));
        let over = |a: Option<Latency>, b: Option<Latency>, q: usize| {
            a.zip(b)
                .map(|(a, b)| a.quantiles[q] as f64 / b.quantiles[q].max(1) as f64)
        };
        let (p50, p99) = (0, 2);
        vec![
            Ratio::new(
                "quickfix p50 / tradestream-fast p50",
                over(quickfix, fast, p50),
                "at least 5x",
            ),
            Ratio::new(
                "quickfix p50 / tradestream-durable p50",
                over(quickfix, durable, p50),
                "",
            ),
            Ratio::new(
                "tradestream-fast p50 / floor p50",
                over(fast, floor, p50),
                "at most 2x at 50K",
            ),
            Ratio::new(
                "tradestream-fast p99 / floor p99",
                over(fast, floor, p99),
                "at most 3x at 50K",
            ),
            Ratio::new(
                "tradestream-durable p50 / floor p50",
                over(durable, floor, p50),
                "",
            ),
            Ratio::new("quickfix p50 / floor p50", over(quickfix, floor, p50), ""),
            Ratio::new(
                "(durable - fast) p50 / fdatasync p50",
                fast.zip(durable)
                    .zip(self.fsync())
                    .map(|((f, d), s)| (d.p50() as f64 - f.p50() as f64) / s.p50().max(1) as f64),
                "about 1",
            ),
        ]
    }
}

/// One ratio at one rate.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    /// What is divided by what.
    pub name: &'static str,
    /// The value, if both sides were measured.
    pub value: Option<f64>,
    /// BENCHMARKS.md's target for it, or empty.
    pub target: &'static str,
}

impl Ratio {
    fn new(name: &'static str, value: Option<f64>, target: &'static str) -> Ratio {
        Ratio {
            name,
            value,
            target,
        }
    }
}
