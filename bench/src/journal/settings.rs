//! The `journal` subcommand's flags, and the sizes they resolve to.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

/// Open-loop rates of the durable-ack measurement (a flat-out row always follows).
pub const ACK_RATES: [u64; 2] = [100_000, 500_000];

/// Flags of `bench journal`.
#[derive(Debug, Clone, Args)]
pub struct JournalArgs {
    /// Runs of every measurement; the tables quote medians [default: 3, or 1 with --quick].
    #[arg(long)]
    pub runs: Option<usize>,
    /// Smoke run, under a minute: 1 run, 300 fdatasyncs, 0.25 s per append measurement,
    /// 0.3 s per ack rate, 100,000 journaled commands for replay and recovery.
    #[arg(long)]
    pub quick: bool,
    /// Replay and recovery on a journal of 10,000,000 commands (BENCHMARKS.md's recovery
    /// figure); the same as --commands 10M.
    #[arg(long)]
    pub full: bool,
    /// Commands in the journal that replay and recovery read, K and M suffixes allowed
    /// [default: 1M, 10M with --full, 100K with --quick].
    #[arg(long, value_parser = bench::report::parse_count)]
    pub commands: Option<u64>,
    /// 4 KiB appends timed for the fdatasync floor [default: 2,000, or 300 with --quick].
    #[arg(long)]
    pub floor_samples: Option<usize>,
    /// Seconds each append-throughput measurement pushes records [default: 1, 0.25 quick].
    #[arg(long)]
    pub append_secs: Option<f64>,
    /// Open-loop rates of the durable-ack measurement, commands/s, comma separated, K and M
    /// suffixes allowed; a flat-out row is always added [default: 100K,500K].
    #[arg(long, value_delimiter = ',', value_parser = bench::report::parse_count)]
    pub ack_rates: Option<Vec<u64>>,
    /// Seconds of sending per ack rate; the flat-out row sends as many commands as the
    /// fastest rate does [default: 2, 0.3 with --quick].
    #[arg(long)]
    pub ack_secs: Option<f64>,
    /// Measurements to run, comma separated [default: all]; the ack ratio needs `floor`.
    #[arg(long, value_delimiter = ',', value_enum)]
    pub sections: Option<Vec<Section>>,
    /// Who watches the durable watermark in the ack measurement: the sending thread between
    /// sends (`inline`, two threads in all) or a thread of its own that spins on it (`thread`).
    #[arg(long, value_enum, default_value_t = Observer::Inline)]
    pub observer: Observer,
    /// Directory under which the scratch journals are made (removed afterwards); must be on
    /// a disk, not tmpfs [default: the system temp dir].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Seed of the generated order stream.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where to write the JSON summary, `-` for stdout
    /// [default: bench/results/journal-<unix time>.json].
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The measurements, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Section {
    /// One durable 4 KiB write: write + fdatasync.
    Floor,
    /// Records/s and MB/s at each fsync setting.
    Appends,
    /// Durable-ack latency, open loop.
    Ack,
    /// Replay of the journal, verify off and on.
    Replay,
    /// `DurableEngine::open` on the journal.
    Recovery,
}

impl Section {
    /// All sections.
    pub const ALL: [Section; 5] = [
        Section::Floor,
        Section::Appends,
        Section::Ack,
        Section::Replay,
        Section::Recovery,
    ];

    /// Name in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Section::Floor => "floor",
            Section::Appends => "appends",
            Section::Ack => "ack",
            Section::Replay => "replay",
            Section::Recovery => "recovery",
        }
    }
}

/// Who records durable acknowledgements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Observer {
    /// The sender polls the watermark while it waits for the next planned send and after
    /// every send: no third thread competes for the two cores.
    Inline,
    /// A separate thread spins on the watermark and records completions.
    Thread,
}

impl Observer {
    /// The flag value, for tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Observer::Inline => "inline",
            Observer::Thread => "thread",
        }
    }
}

/// Everything the flags resolve to.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Runs of every measurement.
    pub runs: usize,
    /// Commands in the replay and recovery journal.
    pub commands: u64,
    /// Timed 4 KiB appends of the floor.
    pub floor_samples: usize,
    /// Seconds per append measurement.
    pub append_secs: f64,
    /// Open-loop rates of the ack measurement.
    pub ack_rates: Vec<u64>,
    /// Seconds per ack rate.
    pub ack_secs: f64,
    /// Commands sent by the flat-out ack row (and so the length of the timed stream).
    pub ack_flat_out: usize,
    /// Untimed commands between the prefilled book and the timed ones.
    pub warmup: usize,
    /// Who records ack completions.
    pub observer: Observer,
    /// Measurements to run.
    pub sections: Vec<Section>,
    /// Generator seed.
    pub seed: u64,
    /// Smoke run.
    pub quick: bool,
}

impl Settings {
    /// Resolves the flags, applying `--quick` and `--full` defaults where a flag is absent.
    pub fn new(args: &JournalArgs) -> Result<Settings> {
        let quick = args.quick;
        let runs = args.runs.unwrap_or(if quick { 1 } else { 3 });
        let commands = args.commands.unwrap_or(if args.full {
            10_000_000
        } else if quick {
            100_000
        } else {
            1_000_000
        });
        let floor_samples = args
            .floor_samples
            .unwrap_or(if quick { 300 } else { 2_000 });
        let append_secs = args.append_secs.unwrap_or(if quick { 0.25 } else { 1.0 });
        let ack_secs = args.ack_secs.unwrap_or(if quick { 0.3 } else { 2.0 });
        let ack_rates = args.ack_rates.clone().unwrap_or_else(|| ACK_RATES.to_vec());
        if runs == 0 || floor_samples == 0 || commands < 2 {
            bail!("--runs and --floor-samples must be at least 1 and --commands at least 2");
        }
        for (name, secs) in [("--append-secs", append_secs), ("--ack-secs", ack_secs)] {
            if !(secs > 0.0 && secs <= 600.0) {
                bail!("{name} must be above 0 and at most 600 seconds, not {secs}");
            }
        }
        let fastest = ack_rates.iter().copied().max().unwrap_or(500_000);
        let ack_flat_out = (fastest as f64 * ack_secs).ceil().max(1_000.0) as usize;
        Ok(Settings {
            runs,
            commands,
            floor_samples,
            append_secs,
            ack_rates,
            ack_secs,
            ack_flat_out,
            warmup: if quick { 10_000 } else { 50_000 },
            observer: args.observer,
            sections: args
                .sections
                .clone()
                .unwrap_or_else(|| Section::ALL.to_vec()),
            seed: args.seed,
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
            "commands": self.commands,
            "floor_samples": self.floor_samples,
            "append_secs": self.append_secs,
            "ack_rates": self.ack_rates,
            "ack_secs": self.ack_secs,
            "ack_flat_out_commands": self.ack_flat_out,
            "warmup": self.warmup,
            "observer": self.observer.name(),
            "sections": self.sections.iter().map(|s| s.key()).collect::<Vec<_>>(),
            "seed": self.seed,
            "quick": self.quick,
        })
    }
}
