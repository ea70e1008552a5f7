//! Everything one invocation measured, run by run, and the medians the tables quote.

use bench::report::median;

use super::echo::EchoRun;
use super::entry::EntryRun;
use super::fanout::FanoutRun;
use super::floor::{FloorRun, Mode};
use super::latency::Latency;
use super::meter::RunNoise;
use super::problems::Problems;
use super::settings::Ack;

/// The runs of one fdatasync floor mode.
#[derive(Debug, Clone)]
pub struct FsyncRow {
    /// How the 4 KiB were written.
    pub mode: Mode,
    /// One per run.
    pub runs: Vec<FloorRun>,
}

/// The runs of the TCP echo at one rate.
#[derive(Debug, Clone)]
pub struct EchoRow {
    /// Messages per second.
    pub rate: u64,
    /// One per run.
    pub runs: Vec<EchoRun>,
}

/// The runs of order entry in one mode at one rate.
#[derive(Debug, Clone)]
pub struct EntryRow {
    /// The server's acknowledgement mode.
    pub ack: Ack,
    /// Orders per second.
    pub rate: u64,
    /// One per run.
    pub runs: Vec<EntryRun>,
}

/// The runs of the fan-out in one mode at one rate.
#[derive(Debug, Clone)]
pub struct FanoutRow {
    /// The server's acknowledgement mode.
    pub ack: Ack,
    /// Best-bid changes per second.
    pub rate: u64,
    /// One per run.
    pub runs: Vec<FanoutRun>,
}

/// All measurements of one invocation.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// One durable 4 KiB write.
    pub fsync: Vec<FsyncRow>,
    /// The loopback TCP echo floor.
    pub echo: Vec<EchoRow>,
    /// Order entry over WebSocket.
    pub entry: Vec<EntryRow>,
    /// Market-data fan-out.
    pub fanout: Vec<FanoutRow>,
    /// Bytes of a place frame on the wire, which the echo messages match.
    pub frame_bytes: f64,
    /// Measurements that failed outright (connection closed, set-up refused), with the error.
    pub failures: Vec<String>,
}

/// The median of `f` over `runs` (0 for no runs).
pub fn med<T>(runs: &[T], f: impl Fn(&T) -> f64) -> f64 {
    median(runs.iter().map(f).collect()).unwrap_or(0.0)
}

/// The worst noise of `runs`.
pub fn worst<T>(runs: &[T], f: impl Fn(&T) -> RunNoise) -> RunNoise {
    RunNoise::worst(runs.iter().map(f))
}

/// Per-quantile medians of `f` over `runs`.
pub fn latency<T>(runs: &[T], f: impl Fn(&T) -> Latency) -> Option<Latency> {
    Latency::median(&runs.iter().map(f).collect::<Vec<_>>())
}

/// The problems of all `runs`, added up.
pub fn problems<T>(runs: &[T], f: impl Fn(&T) -> &Problems) -> Problems {
    let mut all = Problems::default();
    for r in runs {
        all.add(f(r));
    }
    all
}

impl Results {
    /// Median latency of one fdatasync floor mode.
    pub fn fsync(&self, mode: Mode) -> Option<Latency> {
        let row = self.fsync.iter().find(|r| r.mode == mode)?;
        latency(&row.runs, |r| r.latency)
    }

    /// Median latency of the echo at `rate`.
    pub fn echo(&self, rate: u64) -> Option<Latency> {
        let row = self.echo.iter().find(|r| r.rate == rate)?;
        latency(&row.runs, |r| r.latency)
    }

    /// Median latency of order entry in `ack` mode at `rate`.
    pub fn entry(&self, ack: Ack, rate: u64) -> Option<Latency> {
        let row = self.entry.iter().find(|r| r.ack == ack && r.rate == rate)?;
        latency(&row.runs, |r| r.latency)
    }
}

/// `a / b` of two nanosecond figures.
pub fn ratio(a: u64, b: u64) -> f64 {
    a as f64 / b.max(1) as f64
}
