//! Runs the contenders on one workload and keeps what the tables and the JSON need.

use anyhow::Result;
use quanta::Clock;

use super::contender::Contender;
use super::settings::Settings;
use crate::driver::{FlatOut, OpenLoop};
use crate::noise::Noise;
use crate::report::median;
use crate::workloads::{Facts, Workload};

/// The quantiles of exchange-core's table.
pub const QUANTILES: [(f64, &str); 6] = [
    (0.5, "50%"),
    (0.9, "90%"),
    (0.95, "95%"),
    (0.99, "99%"),
    (0.999, "99.9%"),
    (0.9999, "99.99%"),
];

/// One workload's results.
#[derive(Debug)]
pub struct WorkloadResult {
    /// JSON key of the workload.
    pub key: &'static str,
    /// Table title.
    pub title: String,
    /// Generator facts.
    pub facts: Facts,
    /// Timed commands per pass.
    pub measured: usize,
    /// Passes per run.
    pub passes: usize,
    /// Flat-out results, one entry per venue, in contender order.
    pub throughput: Vec<VenueRuns<FlatOut>>,
    /// Open-loop results of the venues that had them.
    pub latency: Vec<VenueRuns<RateLatency>>,
}

/// A venue's results, or why it could not run the workload.
#[derive(Debug)]
pub struct VenueRuns<T> {
    /// Venue name.
    pub venue: &'static str,
    /// One entry per run (flat out) or per rate (open loop), or the venue's error.
    pub outcome: Result<Vec<T>, String>,
}

/// Open-loop results at one rate, one sample per run.
#[derive(Debug, Clone)]
pub struct RateLatency {
    /// Planned commands per second.
    pub rate: u64,
    /// One per run.
    pub runs: Vec<LatencySample>,
}

/// The numbers kept from one open-loop run.
#[derive(Debug, Clone, Copy)]
pub struct LatencySample {
    /// Nanoseconds at each of [`QUANTILES`].
    pub quantiles: [u64; 6],
    /// Largest latency, nanoseconds.
    pub worst: u64,
    /// Latencies recorded.
    pub samples: u64,
    /// Commands per second achieved.
    pub achieved: f64,
    /// Commands rejected.
    pub rejected: usize,
    /// What the machine took from the run.
    pub noise: Noise,
}

impl LatencySample {
    fn new(run: &OpenLoop) -> LatencySample {
        LatencySample {
            quantiles: QUANTILES.map(|(q, _)| run.histogram.value_at_quantile(q)),
            worst: run.histogram.max(),
            samples: run.histogram.len(),
            achieved: run.achieved,
            rejected: run.rejected,
            noise: run.noise,
        }
    }
}

impl RateLatency {
    /// Median over runs of the `i`-th quantile.
    pub fn quantile(&self, i: usize) -> u64 {
        self.median_of(|s| s.quantiles[i] as f64) as u64
    }

    /// Median over runs of the worst latency.
    pub fn worst(&self) -> u64 {
        self.median_of(|s| s.worst as f64) as u64
    }

    /// Median over runs of the achieved rate.
    pub fn achieved(&self) -> f64 {
        self.median_of(|s| s.achieved)
    }

    /// The worst noise of the runs.
    pub fn noise(&self) -> Noise {
        worst_noise(self.runs.iter().map(|s| s.noise))
    }

    fn median_of(&self, f: impl Fn(&LatencySample) -> f64) -> f64 {
        median(self.runs.iter().map(f).collect()).unwrap_or(0.0)
    }
}

/// Median flat-out throughput of a venue's runs.
pub fn median_rate(runs: &[FlatOut]) -> Option<f64> {
    median(runs.iter().map(FlatOut::rate).collect())
}

/// The largest steal and the most preemptions of several runs.
pub fn worst_noise(runs: impl Iterator<Item = Noise>) -> Noise {
    runs.fold(Noise::default(), |a, b| Noise {
        steal: a.steal.into_iter().chain(b.steal).reduce(f64::max),
        preempted: a.preempted.into_iter().chain(b.preempted).max(),
    })
}

/// Measures every contender on `workload`: flat out always, open loop where `open_loop` is set
/// (for the baseline, the first contender that ran flat out, or all with `--latency-all`). Runs are interleaved across
/// venues so a noisy stretch of the VM does not land on one venue only.
pub fn measure(
    workload: &Workload,
    contenders: &[Box<dyn Contender>],
    settings: &Settings,
    open_loop: bool,
    clock: &Clock,
) -> WorkloadResult {
    let mut throughput: Vec<VenueRuns<FlatOut>> = contenders
        .iter()
        .map(|c| VenueRuns {
            venue: c.name(),
            outcome: Ok(Vec::new()),
        })
        .collect();
    for run in 0..settings.runs {
        for (c, slot) in contenders.iter().zip(&mut throughput) {
            let Ok(runs) = &mut slot.outcome else {
                continue;
            };
            eprintln!("  {} flat out, run {}/{}", c.name(), run + 1, settings.runs);
            match c.flat_out(workload, clock) {
                Ok(r) => runs.push(r),
                Err(e) => slot.outcome = Err(format!("{e:#}")),
            }
        }
    }
    let latency_venues = if !open_loop {
        0
    } else if settings.latency_all {
        contenders.len()
    } else {
        1
    };
    let latency = contenders
        .iter()
        .zip(&throughput)
        .filter(|(_, t)| t.outcome.is_ok())
        .map(|(c, _)| c)
        .take(latency_venues)
        .map(|c| VenueRuns {
            venue: c.name(),
            outcome: open_loop_rates(c.as_ref(), workload, settings, clock),
        })
        .collect();
    WorkloadResult {
        key: workload.key,
        title: workload.title.clone(),
        facts: workload.facts.clone(),
        measured: workload.measured.len(),
        passes: workload.passes,
        throughput,
        latency,
    }
}

/// Every rate, `settings.runs` times, rates interleaved across runs.
fn open_loop_rates(
    c: &dyn Contender,
    workload: &Workload,
    settings: &Settings,
    clock: &Clock,
) -> Result<Vec<RateLatency>, String> {
    let mut rows: Vec<RateLatency> = settings
        .rates
        .iter()
        .map(|&rate| RateLatency {
            rate,
            runs: Vec::new(),
        })
        .collect();
    for run in 0..settings.runs {
        for row in &mut rows {
            eprintln!(
                "  {} open loop at {}/s, run {}/{}",
                c.name(),
                row.rate,
                run + 1,
                settings.runs
            );
            let r = c
                .open_loop(workload, row.rate as f64, clock)
                .map_err(|e| format!("{e:#}"))?;
            row.runs.push(LatencySample::new(&r));
        }
    }
    Ok(rows)
}
