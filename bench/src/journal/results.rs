//! Everything one invocation measured, run by run, and the medians the tables quote.

use bench::report::median;

use super::ack::AckRun;
use super::appends::AppendRun;
use super::fixture::Fixture;
use super::floor::{FloorRun, Mode};
use super::latency::Latency;
use super::meter::RunNoise;
use super::policy::Sync;
use super::recovery::{Cache, RecoveryRun, Start};
use super::replay::{Mode as ReplayMode, ReplayRun};

/// Which code path an append row pushes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendPath {
    /// `JournalSender::try_push` of ready payloads.
    JournalThread,
    /// `DurableEngine::apply` of commands.
    DurableEngine,
    /// The same with the snapshotter on, every [`SNAPSHOT_EVERY`] commands.
    DurableSnapshots,
}

/// Snapshot interval of the snapshotter row: the `tradestream simulate` default.
pub const SNAPSHOT_EVERY: u64 = 100_000;

impl AppendPath {
    /// Both, in table order.
    pub const ALL: [AppendPath; 3] = [
        AppendPath::JournalThread,
        AppendPath::DurableEngine,
        AppendPath::DurableSnapshots,
    ];

    /// Name in tables.
    pub fn name(self) -> &'static str {
        match self {
            AppendPath::JournalThread => "journal thread",
            AppendPath::DurableEngine => "DurableEngine",
            AppendPath::DurableSnapshots => "DurableEngine + snapshotter",
        }
    }

    /// Key in JSON.
    pub fn key(self) -> &'static str {
        match self {
            AppendPath::JournalThread => "journal_thread",
            AppendPath::DurableEngine => "durable_engine",
            AppendPath::DurableSnapshots => "durable_engine_snapshots",
        }
    }

    /// The fsync settings measured on this path (the snapshotter only under group commit).
    pub fn syncs(self) -> &'static [Sync] {
        match self {
            AppendPath::JournalThread | AppendPath::DurableEngine => &Sync::ALL,
            AppendPath::DurableSnapshots => &[Sync::GroupCommit],
        }
    }

    /// Snapshot interval, 0 for none.
    pub fn snapshot_every(self) -> u64 {
        match self {
            AppendPath::DurableSnapshots => SNAPSHOT_EVERY,
            AppendPath::JournalThread | AppendPath::DurableEngine => 0,
        }
    }
}

/// The runs of one floor mode.
#[derive(Debug, Clone)]
pub struct FloorRow {
    /// How the 4 KiB were written.
    pub mode: Mode,
    /// One per run.
    pub runs: Vec<FloorRun>,
}

/// The runs of one append setting.
#[derive(Debug, Clone)]
pub struct AppendRow {
    /// Code path.
    pub path: AppendPath,
    /// fsync setting.
    pub sync: Sync,
    /// One per run.
    pub runs: Vec<AppendRun>,
}

/// The runs of one ack rate.
#[derive(Debug, Clone)]
pub struct AckRow {
    /// Planned rate; `None` for flat out.
    pub rate: Option<u64>,
    /// One per run.
    pub runs: Vec<AckRun>,
}

/// The runs of one replay mode.
#[derive(Debug, Clone)]
pub struct ReplayRow {
    /// What runs.
    pub mode: ReplayMode,
    /// One per run.
    pub runs: Vec<ReplayRun>,
}

/// The runs of one recovery setting.
#[derive(Debug, Clone)]
pub struct RecoveryRow {
    /// Starting point.
    pub start: Start,
    /// Page cache state.
    pub cache: Cache,
    /// One per run.
    pub runs: Vec<RecoveryRun>,
}

/// What the stream's records look like.
#[derive(Debug, Clone, Copy)]
pub struct PayloadFacts {
    /// Mean payload bytes.
    pub mean: f64,
    /// Smallest payload.
    pub min: usize,
    /// Largest payload.
    pub max: usize,
    /// Distinct payloads the raw path cycles through.
    pub distinct: usize,
}

/// All measurements of one invocation.
#[derive(Debug, Clone)]
pub struct Results {
    /// The fdatasync floor.
    pub floor: Vec<FloorRow>,
    /// Append throughput.
    pub appends: Vec<AppendRow>,
    /// Durable-ack latency.
    pub ack: Vec<AckRow>,
    /// The replay and recovery journal, if they ran.
    pub fixture: Option<Fixture>,
    /// Replay speed.
    pub replay: Vec<ReplayRow>,
    /// Recovery time.
    pub recovery: Vec<RecoveryRow>,
    /// Record sizes.
    pub payloads: PayloadFacts,
    /// The generator's line about the measured phase.
    pub stream_facts: String,
}

/// The median of `f` over `runs` (0 for no runs).
pub fn med<T>(runs: &[T], f: impl Fn(&T) -> f64) -> f64 {
    median(runs.iter().map(f).collect()).unwrap_or(0.0)
}

/// The worst noise of `runs`.
pub fn worst<T>(runs: &[T], f: impl Fn(&T) -> RunNoise) -> RunNoise {
    RunNoise::worst(runs.iter().map(f))
}

impl FloorRow {
    /// Per-quantile medians.
    pub fn latency(&self) -> Option<Latency> {
        Latency::median(&self.runs.iter().map(|r| r.latency).collect::<Vec<_>>())
    }
}

impl AckRow {
    /// Per-quantile medians.
    pub fn latency(&self) -> Option<Latency> {
        Latency::median(&self.runs.iter().map(|r| r.latency).collect::<Vec<_>>())
    }

    /// Per-quantile medians of the time between watermark moves.
    pub fn step_interval(&self) -> Option<Latency> {
        Latency::median(
            &self
                .runs
                .iter()
                .map(|r| r.step_interval)
                .collect::<Vec<_>>(),
        )
    }

    /// Per-quantile medians of send lateness (rated rows).
    pub fn lateness(&self) -> Option<Latency> {
        let runs: Option<Vec<Latency>> = self.runs.iter().map(|r| r.lateness).collect();
        Latency::median(&runs?)
    }
}

impl Results {
    /// The floor's median p50 for `mode`, nanoseconds.
    pub fn floor_p50(&self, mode: Mode) -> Option<u64> {
        self.floor
            .iter()
            .find(|r| r.mode == mode)
            .and_then(FloorRow::latency)
            .map(|l| l.p50())
    }
}
