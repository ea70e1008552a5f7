//! The `engine` subcommand's flags, and the sizes they resolve to.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

/// The open-loop rates of exchange-core's published table, commands per second.
pub const RATES: [u64; 9] = [
    125_000, 250_000, 500_000, 1_000_000, 2_000_000, 3_000_000, 5_000_000, 7_000_000, 10_000_000,
];
/// The rates of a `--quick` run.
pub const QUICK_RATES: [u64; 2] = [1_000_000, 5_000_000];

/// Flags of `bench engine`.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// Runs of every measurement; the tables quote medians [default: 3, or 1 with --quick].
    #[arg(long)]
    pub runs: Option<usize>,
    /// Smoke run: 100,000 samples, rates 1M and 5M, 100,000 resting orders in the
    /// multi-symbol run, fewer replay passes, one run.
    #[arg(long)]
    pub quick: bool,
    /// Timed commands per measurement [default: 1,000,000, or 100,000 with --quick].
    #[arg(long)]
    pub samples: Option<usize>,
    /// Open-loop rates in commands/s, comma separated, K and M suffixes allowed
    /// [default: 125K,250K,500K,1M,2M,3M,5M,7M,10M, or 1M,5M with --quick].
    #[arg(long, value_delimiter = ',', value_parser = crate::report::parse_count)]
    pub rates: Option<Vec<u64>>,
    /// Workloads to run, comma separated [default: all].
    #[arg(long, value_delimiter = ',', value_enum)]
    pub workloads: Option<Vec<WorkloadKind>>,
    /// Venues to run, comma separated names as printed in the tables [default: all].
    #[arg(long, value_delimiter = ',')]
    pub venues: Option<Vec<String>>,
    /// Open-loop latency tables for every venue, not only the baseline (the first venue).
    #[arg(long)]
    pub latency_all: bool,
    /// The LOBSTER sample zip.
    #[arg(
        long,
        default_value = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip"
        )
    )]
    pub lobster: PathBuf,
    /// The QuantCup feed CSV [default: data/orders.csv of the lobster 0.7.0 crate in the
    /// cargo registry].
    #[arg(long)]
    pub quantcup_feed: Option<PathBuf>,
    /// Seed of the generated workloads.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where to write the JSON summary, `-` for stdout
    /// [default: bench/results/engine-<unix time>.json].
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The workloads of BENCHMARKS.md's engine section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkloadKind {
    /// exchange-core's mix on one symbol, open loop at fixed rates and flat out.
    ExchangeCore,
    /// The same mix over 10,000 symbols, 100,000 accounts and 1M resting orders.
    MultiSymbol,
    /// Liquibook's insert-only test.
    InsertOnly,
    /// The LOBSTER GOOG sample, replayed.
    Lobster,
    /// The QuantCup scoring feed.
    Quantcup,
    /// Perpetual, future and option orders with margin checks and oracle updates (Tradestream
    /// only).
    Derivatives,
    /// One mark price that liquidates 10,000 accounts (Tradestream only).
    Liquidation,
}

impl WorkloadKind {
    /// All workloads, in table order.
    pub const ALL: [WorkloadKind; 7] = [
        WorkloadKind::ExchangeCore,
        WorkloadKind::MultiSymbol,
        WorkloadKind::InsertOnly,
        WorkloadKind::Lobster,
        WorkloadKind::Quantcup,
        WorkloadKind::Derivatives,
        WorkloadKind::Liquidation,
    ];

    /// The workload's key in the JSON summary.
    pub fn key(self) -> &'static str {
        match self {
            WorkloadKind::ExchangeCore => "exchange_core",
            WorkloadKind::MultiSymbol => "multi_symbol",
            WorkloadKind::InsertOnly => "insert_only",
            WorkloadKind::Lobster => "lobster",
            WorkloadKind::Quantcup => "quantcup",
            WorkloadKind::Derivatives => "derivatives",
            WorkloadKind::Liquidation => "liquidation",
        }
    }

    /// Whether the workload gets open-loop latency tables (the others are throughput only).
    pub fn open_loop(self) -> bool {
        matches!(self, WorkloadKind::ExchangeCore | WorkloadKind::MultiSymbol)
    }

    /// Whether the workload runs on the derivatives engine alone (not on the peer venues).
    pub fn derivatives_only(self) -> bool {
        matches!(self, WorkloadKind::Derivatives | WorkloadKind::Liquidation)
    }
}

/// Everything the flags resolve to.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Runs of every measurement.
    pub runs: usize,
    /// Timed commands per generated measurement.
    pub samples: usize,
    /// Untimed commands before them.
    pub warmup: usize,
    /// Open-loop rates.
    pub rates: Vec<u64>,
    /// Resting orders of the multi-symbol run.
    pub multi_resting: usize,
    /// Passes over the LOBSTER day per run.
    pub lobster_passes: usize,
    /// Passes over the QuantCup feed per run.
    pub quantcup_passes: usize,
    /// Workloads to run.
    pub workloads: Vec<WorkloadKind>,
    /// Venue names to run (`None`: all).
    pub venues: Option<Vec<String>>,
    /// Open loop for every venue.
    pub latency_all: bool,
    /// Generator seed.
    pub seed: u64,
    /// Smoke run.
    pub quick: bool,
}

impl Settings {
    /// Resolves the flags, applying `--quick` defaults where a flag is absent.
    pub fn new(args: &EngineArgs) -> Result<Settings> {
        let quick = args.quick;
        let runs = args.runs.unwrap_or(if quick { 1 } else { 3 });
        let samples = args
            .samples
            .unwrap_or(if quick { 100_000 } else { 1_000_000 });
        if runs == 0 || samples == 0 {
            bail!("--runs and --samples must be at least 1");
        }
        let rates = args.rates.clone().unwrap_or_else(|| {
            if quick {
                QUICK_RATES.to_vec()
            } else {
                RATES.to_vec()
            }
        });
        Ok(Settings {
            runs,
            samples,
            warmup: (samples / 10).max(10_000),
            rates,
            multi_resting: if quick { 100_000 } else { 1_000_000 },
            lobster_passes: if quick { 2 } else { 5 },
            quantcup_passes: if quick { 5 } else { 20 },
            workloads: args
                .workloads
                .clone()
                .unwrap_or_else(|| WorkloadKind::ALL.to_vec()),
            venues: args.venues.clone(),
            latency_all: args.latency_all,
            seed: args.seed,
            quick,
        })
    }

    /// The settings as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "runs": self.runs,
            "samples": self.samples,
            "warmup": self.warmup,
            "rates": self.rates,
            "multi_symbol_resting": self.multi_resting,
            "lobster_passes": self.lobster_passes,
            "quantcup_passes": self.quantcup_passes,
            "seed": self.seed,
            "quick": self.quick,
        })
    }
}
