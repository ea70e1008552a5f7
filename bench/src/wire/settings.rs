//! The `wire` subcommand's flags, and what they resolve to.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

use crate::fix::settings::MAX_ORDERS;
use crate::ws::settings::{Ack, Idle};

/// Open-loop order rates, orders/s.
pub const RATES: [u64; 2] = [10_000, 50_000];

/// Flags of `bench wire`.
#[derive(Debug, Clone, Args)]
pub struct WireArgs {
    /// Open-loop rates, orders/s, comma separated, K and M suffixes allowed [default: 10K,50K].
    #[arg(long, value_delimiter = ',', value_parser = bench::report::parse_count)]
    pub rates: Option<Vec<u64>>,
    /// Measured seconds per gateway, mode and rate (and per floor and rate), after the warm-up.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Untimed seconds of sending at the same rate before the measured ones.
    #[arg(long, default_value_t = 0.5)]
    pub warmup_seconds: f64,
    /// Runs of every measurement; the tables quote the median of each percentile.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Gateways, comma separated, each measured beside its own floor [default: quic,ws,fix].
    #[arg(long, value_delimiter = ',', value_enum)]
    pub targets: Option<Vec<Gateway>>,
    /// Acknowledgement modes, each on a fresh server per run [default: fast,durable].
    #[arg(long, value_delimiter = ',', value_enum)]
    pub modes: Option<Vec<Ack>>,
    /// The server's `engine.idle` (what its engine thread does with no work).
    #[arg(long, value_enum, default_value_t = Idle::SpinPark)]
    pub idle: Idle,
    /// Resting orders per second of the market-data delay measurement (each is cancelled
    /// half an interval later); 0 leaves it out.
    #[arg(long, default_value_t = 500, value_parser = parse_md_rate)]
    pub md_rate: u64,
    /// Measured seconds of the market-data delay per gateway and mode, after the warm-up.
    #[arg(long, default_value_t = 2.0)]
    pub md_seconds: f64,
    /// Directory under which the servers' data directories are made (removed afterwards);
    /// must be on a disk, not tmpfs [default: the system temp dir].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Where to write the JSON summary, `-` for stdout
    /// [default: bench/results/wire-<unix time>.json].
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// `0` or a count like `--rates` takes.
fn parse_md_rate(text: &str) -> Result<u64> {
    if text.trim() == "0" {
        return Ok(0);
    }
    bench::report::parse_count(text)
}

/// A gateway under test; each has its own floor (a bare loopback echo of its order's size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Gateway {
    /// The QUIC gateway (binary frames on a stream, market data in datagrams); floor: UDP echo.
    Quic,
    /// The WebSocket gateway (JSON text frames); floor: TCP echo.
    Ws,
    /// The FIX 4.4 gateway; floor: TCP echo.
    Fix,
}

impl Gateway {
    /// Every gateway, in table order.
    pub const ALL: [Gateway; 3] = [Gateway::Quic, Gateway::Ws, Gateway::Fix];

    /// Name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Gateway::Quic => "QUIC",
            Gateway::Ws => "WebSocket",
            Gateway::Fix => "FIX",
        }
    }

    /// The floor's transport.
    pub fn floor_transport(self) -> &'static str {
        match self {
            Gateway::Quic => "UDP",
            Gateway::Ws | Gateway::Fix => "TCP",
        }
    }
}

/// Everything the flags resolve to.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Order rates.
    pub rates: Vec<u64>,
    /// Measured seconds per rate.
    pub seconds: f64,
    /// Warm-up seconds per rate.
    pub warmup_seconds: f64,
    /// Runs of every measurement.
    pub runs: usize,
    /// Gateways, in table order.
    pub gateways: Vec<Gateway>,
    /// Acknowledgement modes.
    pub modes: Vec<Ack>,
    /// The server's engine idle strategy.
    pub idle: Idle,
    /// Resting orders per second of the market-data delay (0: not measured).
    pub md_rate: u64,
    /// Measured seconds of the market-data delay.
    pub md_seconds: f64,
}

impl Settings {
    /// Resolves the flags.
    pub fn new(args: &WireArgs) -> Result<Settings> {
        let rates = args.rates.clone().unwrap_or_else(|| RATES.to_vec());
        if args.runs == 0 || rates.is_empty() {
            bail!("--runs and --rates need at least one value");
        }
        let (secs, warmup) = (args.seconds, args.warmup_seconds);
        if !(secs > 0.0 && secs <= 600.0 && (0.0..=60.0).contains(&warmup)) {
            bail!("--seconds must be in (0, 600] and --warmup-seconds in [0, 60]");
        }
        if !(args.md_seconds > 0.0 && args.md_seconds <= 600.0) {
            bail!("--md-seconds must be in (0, 600]");
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
        let asked = args
            .targets
            .clone()
            .unwrap_or_else(|| Gateway::ALL.to_vec());
        let gateways: Vec<Gateway> = Gateway::ALL
            .into_iter()
            .filter(|g| asked.contains(g))
            .collect();
        let modes = args
            .modes
            .clone()
            .unwrap_or_else(|| vec![Ack::Fast, Ack::Durable]);
        if gateways.is_empty() || modes.is_empty() {
            bail!("--targets and --modes need at least one value");
        }
        Ok(Settings {
            rates,
            seconds: secs,
            warmup_seconds: warmup,
            runs: args.runs,
            gateways,
            modes,
            idle: args.idle,
            md_rate: args.md_rate,
            md_seconds: args.md_seconds,
        })
    }

    /// The settings as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "rates": self.rates,
            "seconds": self.seconds,
            "warmup_seconds": self.warmup_seconds,
            "runs": self.runs,
            "targets": self.gateways.iter().map(|g| g.name()).collect::<Vec<_>>(),
            "modes": self.modes.iter().map(|m| m.name()).collect::<Vec<_>>(),
            "engine_idle": self.idle.name(),
            "md_rate": self.md_rate,
            "md_seconds": self.md_seconds,
        })
    }
}
