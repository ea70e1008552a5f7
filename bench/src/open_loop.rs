//! What the open-loop gateway benchmarks (`fix`, `wire`) share: their common flags with the
//! checks on them, and the start of a run (machine, clock, start time, scratch directory).

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Args;
use quanta::Clock;

use crate::fix::settings::MAX_ORDERS;
use crate::journal::scratch::{Scratch, Storage};
use crate::ws::settings::{Ack, Idle};
use bench::machine::Machine;

/// Open-loop order rates, orders/s.
pub const RATES: [u64; 2] = [10_000, 50_000];

/// Flags of every open-loop gateway benchmark.
#[derive(Debug, Clone, Args)]
pub struct OpenLoopArgs {
    /// Open-loop rates, orders/s, comma separated, K and M suffixes allowed [default: 10K,50K].
    #[arg(long, value_delimiter = ',', value_parser = bench::report::parse_count)]
    pub rates: Option<Vec<u64>>,
    /// Measured seconds per target and rate, after the warm-up.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Untimed seconds of sending at the same rate before the measured ones.
    #[arg(long, default_value_t = 0.5)]
    pub warmup_seconds: f64,
    /// Runs of every measurement; the tables quote the median of each percentile.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Tradestream's acknowledgement modes, each on a fresh server per run
    /// [default: fast,durable].
    #[arg(long, value_delimiter = ',', value_enum)]
    pub modes: Option<Vec<Ack>>,
    /// Tradestream's `engine.idle` (what its engine thread does with no work).
    #[arg(long, value_enum, default_value_t = Idle::SpinPark)]
    pub idle: Idle,
    /// Directory under which data directories are made (removed afterwards); must be on a
    /// disk, not tmpfs [default: the system temp dir].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Where to write the JSON summary, `-` for stdout
    /// [default: bench/results/<subcommand>-<unix time>.json].
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// What the common flags resolve to.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenLoop {
    /// Order rates.
    pub rates: Vec<u64>,
    /// Measured seconds per rate.
    pub seconds: f64,
    /// Warm-up seconds per rate.
    pub warmup_seconds: f64,
    /// Runs of every measurement.
    pub runs: usize,
    /// Acknowledgement modes.
    pub modes: Vec<Ack>,
    /// The server's engine idle strategy.
    pub idle: Idle,
}

impl OpenLoopArgs {
    /// The flags, checked, with defaults applied.
    pub fn resolve(&self) -> Result<OpenLoop> {
        let rates = self.rates.clone().unwrap_or_else(|| RATES.to_vec());
        if self.runs == 0 || rates.is_empty() {
            bail!("--runs and --rates need at least one value");
        }
        let (secs, warmup) = (self.seconds, self.warmup_seconds);
        if !(secs > 0.0 && secs <= 600.0 && (0.0..=60.0).contains(&warmup)) {
            bail!("--seconds must be in (0, 600] and --warmup-seconds in [0, 60]");
        }
        if let Some(&rate) = rates
            .iter()
            .find(|&&r| r as f64 * (secs + warmup) >= MAX_ORDERS as f64)
        {
            bail!(
                "{rate}/s for {} s is more than {MAX_ORDERS} orders",
                secs + warmup
            );
        }
        let modes = self
            .modes
            .clone()
            .unwrap_or_else(|| vec![Ack::Fast, Ack::Durable]);
        Ok(OpenLoop {
            rates,
            seconds: secs,
            warmup_seconds: warmup,
            runs: self.runs,
            modes,
            idle: self.idle,
        })
    }
}

/// What every run starts from, and ends with.
pub struct Start {
    /// The machine, for every table's header.
    pub machine: Machine,
    /// The TSC clock every latency is read from.
    pub clock: Clock,
    /// Unix seconds at the start (names the JSON summary).
    pub started: u64,
    /// The data directories' parent on disk.
    pub scratch: Scratch,
    /// What the scratch directory is on.
    pub storage: Storage,
}

impl Start {
    /// Detects the machine, makes the scratch directory under `dir` (or the temp dir) and
    /// prints the `header` made of them.
    pub fn new(
        dir: Option<PathBuf>,
        header: impl FnOnce(&Machine, &Storage) -> String,
    ) -> Result<Start> {
        let scratch = Scratch::create(&dir.unwrap_or_else(std::env::temp_dir))?;
        let start = Start {
            machine: Machine::detect(),
            clock: Clock::new(),
            started: bench::report::unix_secs()?,
            storage: scratch.storage().clone(),
            scratch,
        };
        println!("{}", header(&start.machine, &start.storage));
        Ok(start)
    }

    /// Removes the scratch directory and writes the JSON summary of benchmark `name`
    /// (`report::summary` of its settings and results) to `target`.
    pub fn finish(
        self,
        name: &str,
        settings: serde_json::Value,
        results: serde_json::Value,
        target: Option<PathBuf>,
    ) -> Result<()> {
        self.scratch.remove()?;
        let json = bench::report::summary(
            name,
            self.started,
            self.machine.to_json(),
            self.storage.to_json(),
            settings,
            results,
        );
        bench::report::write_json(&json, target, name, self.started)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: OpenLoopArgs,
    }

    #[test]
    fn resolves_defaults_and_refuses_bad_flags() {
        let ok = Cli::parse_from(["bench"])
            .args
            .resolve()
            .expect("defaults are valid");
        assert_eq!(
            (ok.rates, ok.modes),
            (RATES.to_vec(), vec![Ack::Fast, Ack::Durable])
        );
        assert_eq!((ok.seconds, ok.warmup_seconds, ok.runs), (5.0, 0.5, 3));
        let one = Cli::parse_from(["bench", "--rates", "50K", "--modes", "fast"]).args;
        let one = one.resolve().expect("valid flags");
        assert_eq!((one.rates, one.modes), (vec![50_000], vec![Ack::Fast]));
        for bad in [["--runs", "0"], ["--seconds", "0"], ["--rates", "100M"]] {
            let args = Cli::parse_from(["bench", bad[0], bad[1]]).args;
            assert!(args.resolve().is_err(), "{bad:?}");
        }
    }
}
