//! The `fix` subcommand's flags, and what they resolve to.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

use crate::open_loop::{OpenLoop, OpenLoopArgs};
use crate::ws::settings::{Ack, Idle};

/// Orders a run may send at most: order indices fill the last 8 digits of a ClOrdID.
pub const MAX_ORDERS: u64 = 100_000_000;

/// Flags of `bench fix`.
#[derive(Debug, Clone, Args)]
pub struct FixArgs {
    /// Rates, seconds, runs, modes, idle, directory, JSON.
    #[command(flatten)]
    pub common: OpenLoopArgs,
    /// Targets, comma separated [default: floor,quickfix,tradestream].
    #[arg(long, value_delimiter = ',', value_enum)]
    pub targets: Option<Vec<TargetKind>>,
    /// How the client paces and reads: one thread doing both (it spins on the sockets between
    /// sends), or a sender thread and a receiver thread (both spinning).
    #[arg(long, value_enum, default_value_t = Threads::One)]
    pub client_threads: Threads,
    /// The gzipped ordermatch binary of Debian's libquickfix-doc.
    #[arg(
        long,
        default_value = "/usr/share/doc/libquickfix-doc/examples/ordermatch/.libs/ordermatch.gz"
    )]
    pub ordermatch: PathBuf,
    /// A FIX 4.2 data dictionary for ordermatch to validate against [default: FIX42.xml from
    /// /usr/share/quickfix or /usr/local/share/quickfix if present, else no validation].
    #[arg(long)]
    pub quickfix_dictionary: Option<PathBuf>,
    /// 4 KiB durable appends timed for the fdatasync floor (durable minus fast is quoted in
    /// them); 0 leaves it out.
    #[arg(long, default_value_t = 1_000)]
    pub fsync_samples: usize,
}

/// The kinds of target a run can measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetKind {
    /// A bare loopback TCP echo of NewOrderSingle-sized messages, both ends spinning.
    Floor,
    /// QuickFIX's C++ ordermatch example acceptor, as a child process.
    Quickfix,
    /// `tradestream serve` in-process, with its FIX gateway, in each `--modes` ack mode.
    Tradestream,
}

/// One row of the tables: a target in one configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The loopback echo.
    Floor,
    /// QuickFIX ordermatch.
    QuickFix,
    /// Tradestream in one acknowledgement mode.
    Tradestream(Ack),
}

impl Target {
    /// Name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Target::Floor => "floor",
            Target::QuickFix => "quickfix",
            Target::Tradestream(Ack::Fast) => "tradestream-fast",
            Target::Tradestream(Ack::Durable) => "tradestream-durable",
        }
    }
}

/// The client's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Threads {
    /// One thread sends on schedule and reads between sends.
    One,
    /// A sender thread and a receiver thread.
    Two,
}

impl Threads {
    /// Name in the header and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Threads::One => "one thread (sends on schedule, reads between sends)",
            Threads::Two => "two threads (a sender and a receiver, both spinning)",
        }
    }
}

/// Everything the flags resolve to.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Order rates.
    pub rates: Vec<u64>,
    /// Measured seconds per target and rate.
    pub seconds: f64,
    /// Warm-up seconds per target and rate.
    pub warmup_seconds: f64,
    /// Runs of every measurement.
    pub runs: usize,
    /// The rows, in table order.
    pub targets: Vec<Target>,
    /// Tradestream's engine idle strategy.
    pub idle: Idle,
    /// The client's threads.
    pub threads: Threads,
    /// The gzipped ordermatch binary.
    pub ordermatch: PathBuf,
    /// ordermatch's data dictionary, if any.
    pub quickfix_dictionary: Option<PathBuf>,
    /// Timed appends of the fdatasync floor (0: none).
    pub fsync_samples: usize,
}

/// Where Debian-style installs put QuickFIX's data dictionaries.
const DICTIONARY_DIRS: [&str; 2] = ["/usr/share/quickfix", "/usr/local/share/quickfix"];

impl Settings {
    /// Resolves the flags.
    pub fn new(args: &FixArgs) -> Result<Settings> {
        let OpenLoop {
            rates,
            seconds,
            warmup_seconds,
            runs,
            modes,
            idle,
        } = args.common.resolve()?;
        let kinds = args.targets.clone().unwrap_or_else(|| {
            vec![
                TargetKind::Floor,
                TargetKind::Quickfix,
                TargetKind::Tradestream,
            ]
        });
        let mut targets = Vec::new();
        for kind in [
            TargetKind::Floor,
            TargetKind::Quickfix,
            TargetKind::Tradestream,
        ] {
            if !kinds.contains(&kind) {
                continue;
            }
            match kind {
                TargetKind::Floor => targets.push(Target::Floor),
                TargetKind::Quickfix => targets.push(Target::QuickFix),
                TargetKind::Tradestream => {
                    targets.extend(modes.iter().map(|&m| Target::Tradestream(m)))
                }
            }
        }
        if targets.is_empty() {
            bail!("--targets and --modes leave nothing to measure");
        }
        let quickfix_dictionary = args.quickfix_dictionary.clone().or_else(|| {
            DICTIONARY_DIRS
                .iter()
                .map(|d| PathBuf::from(d).join("FIX42.xml"))
                .find(|p| p.is_file())
        });
        Ok(Settings {
            rates,
            seconds,
            warmup_seconds,
            runs,
            targets,
            idle,
            threads: args.client_threads,
            ordermatch: args.ordermatch.clone(),
            quickfix_dictionary,
            fsync_samples: args.fsync_samples,
        })
    }

    /// Whether any row is Tradestream.
    pub fn has_tradestream(&self) -> bool {
        self.targets
            .iter()
            .any(|t| matches!(t, Target::Tradestream(_)))
    }

    /// The settings as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "rates": self.rates,
            "seconds": self.seconds,
            "warmup_seconds": self.warmup_seconds,
            "runs": self.runs,
            "targets": self.targets.iter().map(|t| t.name()).collect::<Vec<_>>(),
            "engine_idle": self.idle.name(),
            "client_threads": self.threads.name(),
            "ordermatch": self.ordermatch.display().to_string(),
            "quickfix_dictionary": self.quickfix_dictionary.as_ref().map(|p| p.display().to_string()),
            "fsync_samples": self.fsync_samples,
        })
    }
}
