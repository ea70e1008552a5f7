//! The `ws` subcommand's flags, and the sizes they resolve to.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

/// Open-loop order-entry rates (BENCHMARKS.md's wire-to-wire rates).
pub const RATES: [u64; 3] = [10_000, 50_000, 100_000];
/// Fan-out update rates: one the gateway sustains on these machines, and 1,000/s.
pub const FANOUT_RATES: [u64; 2] = [100, 1_000];

/// Flags of `bench ws`.
#[derive(Debug, Clone, Args)]
pub struct WsArgs {
    /// Runs of every measurement; the tables quote medians [default: 3, or 1 with --quick].
    #[arg(long)]
    pub runs: Option<usize>,
    /// Smoke run: 1 run, 2 s per rate, 300 fdatasyncs, 1 s per fan-out rate.
    #[arg(long)]
    pub quick: bool,
    /// Open-loop order-entry rates, orders/s, comma separated, K and M suffixes allowed
    /// [default: 10K,50K,100K].
    #[arg(long, value_delimiter = ',', value_parser = bench::report::parse_count)]
    pub rates: Option<Vec<u64>>,
    /// Measured seconds per rate, after the warm-up [default: 4, or 2 with --quick].
    #[arg(long)]
    pub secs: Option<f64>,
    /// Untimed seconds of sending at the same rate before the measured ones
    /// [default: 0.5, or 0.25 with --quick].
    #[arg(long)]
    pub warmup_secs: Option<f64>,
    /// Acknowledgement modes, each on a fresh server per run [default: fast,durable].
    #[arg(long, value_delimiter = ',', value_enum)]
    pub modes: Option<Vec<Ack>>,
    /// The server's `engine.idle` (what its engine thread does with no work).
    #[arg(long, value_enum, default_value_t = Idle::SpinPark)]
    pub idle: Idle,
    /// The server's `snapshot_every` (commands between snapshots, 0 for none); the default
    /// is the server's own default.
    #[arg(long, default_value_t = 100_000)]
    pub snapshot_every: u64,
    /// The server's `ws.slow_consumer_messages`: answers and pushes queued for one connection
    /// before the server cuts it off (1008 `slow_consumer`). The server's default, 4,096, cuts
    /// the order-entry connection when the gateway falls behind at 50K/s and up; the default
    /// here lets an overloaded gateway show up as latency instead.
    #[arg(long, default_value_t = 1_000_000)]
    pub slow_consumer_messages: usize,
    /// WebSocket subscribers of the market-data fan-out.
    #[arg(long, default_value_t = 1_000)]
    pub subscribers: usize,
    /// Best-bid changes per second in the fan-out, comma separated, K suffix allowed
    /// [default: 100,1K].
    #[arg(long, value_delimiter = ',', value_parser = bench::report::parse_count)]
    pub fanout_rates: Option<Vec<u64>>,
    /// Measured seconds of best-bid changes per fan-out rate, after the warm-up
    /// [default: 5, or 1 with --quick].
    #[arg(long)]
    pub fanout_secs: Option<f64>,
    /// 4 KiB appends timed for the fdatasync floor [default: 2,000, or 300 with --quick].
    #[arg(long)]
    pub floor_samples: Option<usize>,
    /// Measurements to run, comma separated [default: all]; the ratios need `floor`.
    #[arg(long, value_delimiter = ',', value_enum)]
    pub sections: Option<Vec<Section>>,
    /// Directory under which the servers' data directories are made (removed afterwards);
    /// must be on a disk, not tmpfs [default: the system temp dir].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Where to write the JSON summary, `-` for stdout
    /// [default: bench/results/ws-<unix time>.json].
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The measurements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Section {
    /// The floors: loopback TCP echo at each rate and one durable 4 KiB write.
    Floor,
    /// Order entry over WebSocket, open loop at each rate.
    Entry,
    /// Market-data fan-out to many subscribers.
    Fanout,
}

impl Section {
    /// All sections.
    pub const ALL: [Section; 3] = [Section::Floor, Section::Entry, Section::Fanout];

    /// Name in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Section::Floor => "floor",
            Section::Entry => "entry",
            Section::Fanout => "fanout",
        }
    }
}

/// The server's acknowledgement mode (`ack` in its config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ack {
    /// Answers leave once the engine applied the command.
    Fast,
    /// Answers leave once the journal made the command durable (group commit).
    Durable,
}

impl Ack {
    /// The config value, also the name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Ack::Fast => "fast",
            Ack::Durable => "durable",
        }
    }
}

/// The server's `engine.idle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Idle {
    /// The server picks (spin from 4 cores, spin_park below).
    Auto,
    /// Busy-spin.
    Spin,
    /// Spin 50 µs, then park until a gateway push wakes it (or 1 ms passes).
    SpinPark,
    /// Park at once.
    Park,
}

impl Idle {
    /// The config value.
    pub fn name(self) -> &'static str {
        match self {
            Idle::Auto => "auto",
            Idle::Spin => "spin",
            Idle::SpinPark => "spin_park",
            Idle::Park => "park",
        }
    }
}

/// Everything the flags resolve to.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Runs of every measurement.
    pub runs: usize,
    /// Order-entry (and echo) rates.
    pub rates: Vec<u64>,
    /// Measured seconds per rate.
    pub secs: f64,
    /// Warm-up seconds per rate.
    pub warmup_secs: f64,
    /// Acknowledgement modes.
    pub modes: Vec<Ack>,
    /// The server's idle strategy.
    pub idle: Idle,
    /// The server's snapshot interval.
    pub snapshot_every: u64,
    /// The server's slow-consumer queue length.
    pub slow_consumer_messages: usize,
    /// Fan-out subscribers.
    pub subscribers: usize,
    /// Fan-out updates per second.
    pub fanout_rates: Vec<u64>,
    /// Measured seconds per fan-out rate.
    pub fanout_secs: f64,
    /// Timed writes of the fdatasync floor.
    pub floor_samples: usize,
    /// Measurements to run.
    pub sections: Vec<Section>,
    /// Smoke run.
    pub quick: bool,
}

impl Settings {
    /// Resolves the flags, applying the `--quick` defaults where a flag is absent.
    pub fn new(args: &WsArgs) -> Result<Settings> {
        let quick = args.quick;
        let runs = args.runs.unwrap_or(if quick { 1 } else { 3 });
        let secs = args.secs.unwrap_or(if quick { 2.0 } else { 4.0 });
        let warmup_secs = args.warmup_secs.unwrap_or(if quick { 0.25 } else { 0.5 });
        let rates = args.rates.clone().unwrap_or_else(|| RATES.to_vec());
        if runs == 0 || rates.is_empty() {
            bail!("--runs and --rates need at least one value");
        }
        if !(secs > 0.0 && secs <= 600.0 && (0.0..=60.0).contains(&warmup_secs)) {
            bail!("--secs must be in (0, 600] and --warmup-secs in [0, 60]");
        }
        let fanout_rates = args
            .fanout_rates
            .clone()
            .unwrap_or_else(|| FANOUT_RATES.to_vec());
        let fanout_secs = args.fanout_secs.unwrap_or(if quick { 1.0 } else { 5.0 });
        if args.subscribers == 0 || !(fanout_secs > 0.0 && fanout_secs <= 600.0) {
            bail!("--subscribers must be at least 1 and --fanout-secs in (0, 600]");
        }
        Ok(Settings {
            runs,
            rates,
            secs,
            warmup_secs,
            modes: args
                .modes
                .clone()
                .unwrap_or_else(|| vec![Ack::Fast, Ack::Durable]),
            idle: args.idle,
            snapshot_every: args.snapshot_every,
            slow_consumer_messages: args.slow_consumer_messages,
            subscribers: args.subscribers,
            fanout_rates,
            fanout_secs,
            floor_samples: args
                .floor_samples
                .unwrap_or(if quick { 300 } else { 2_000 }),
            sections: args
                .sections
                .clone()
                .unwrap_or_else(|| Section::ALL.to_vec()),
            quick,
        })
    }

    /// Whether `section` runs.
    pub fn runs_section(&self, section: Section) -> bool {
        self.sections.contains(&section)
    }

    /// The settings as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "runs": self.runs,
            "rates": self.rates,
            "secs": self.secs,
            "warmup_secs": self.warmup_secs,
            "modes": self.modes.iter().map(|m| m.name()).collect::<Vec<_>>(),
            "engine_idle": self.idle.name(),
            "snapshot_every": self.snapshot_every,
            "slow_consumer_messages": self.slow_consumer_messages,
            "subscribers": self.subscribers,
            "fanout_rates": self.fanout_rates,
            "fanout_secs": self.fanout_secs,
            "floor_samples": self.floor_samples,
            "sections": self.sections.iter().map(|s| s.key()).collect::<Vec<_>>(),
            "quick": self.quick,
        })
    }
}
