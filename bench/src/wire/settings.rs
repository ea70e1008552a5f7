//! The `wire` subcommand's flags, and what they resolve to.

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};

use crate::open_loop::{OpenLoop, OpenLoopArgs};

/// Flags of `bench wire`.
#[derive(Debug, Clone, Args)]
pub struct WireArgs {
    /// Rates, seconds, runs, modes, idle, directory, JSON.
    #[command(flatten)]
    pub common: OpenLoopArgs,
    /// Gateways, comma separated, each measured beside its own floor [default: quic,ws,fix].
    #[arg(long, value_delimiter = ',', value_enum)]
    pub targets: Option<Vec<Gateway>>,
    /// Resting orders per second of the market-data delay measurement (each is cancelled
    /// half an interval later); 0 leaves it out.
    #[arg(long, default_value_t = 500, value_parser = parse_md_rate)]
    pub md_rate: u64,
    /// Measured seconds of the market-data delay per gateway and mode, after the warm-up.
    #[arg(long, default_value_t = 2.0)]
    pub md_seconds: f64,
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
    /// Rates, seconds, runs, modes and the engine's idle strategy.
    pub open: OpenLoop,
    /// Gateways, in table order.
    pub gateways: Vec<Gateway>,
    /// Resting orders per second of the market-data delay (0: not measured).
    pub md_rate: u64,
    /// Measured seconds of the market-data delay.
    pub md_seconds: f64,
}

impl Settings {
    /// Resolves the flags.
    pub fn new(args: &WireArgs) -> Result<Settings> {
        let open = args.common.resolve()?;
        if !(args.md_seconds > 0.0 && args.md_seconds <= 600.0) {
            bail!("--md-seconds must be in (0, 600]");
        }
        let asked = args
            .targets
            .clone()
            .unwrap_or_else(|| Gateway::ALL.to_vec());
        let gateways: Vec<Gateway> = Gateway::ALL
            .into_iter()
            .filter(|g| asked.contains(g))
            .collect();
        if gateways.is_empty() {
            bail!("--targets needs at least one value");
        }
        Ok(Settings {
            open,
            gateways,
            md_rate: args.md_rate,
            md_seconds: args.md_seconds,
        })
    }

    /// The settings as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "rates": self.open.rates,
            "seconds": self.open.seconds,
            "warmup_seconds": self.open.warmup_seconds,
            "runs": self.open.runs,
            "targets": self.gateways.iter().map(|g| g.name()).collect::<Vec<_>>(),
            "modes": self.open.modes.iter().map(|m| m.name()).collect::<Vec<_>>(),
            "engine_idle": self.open.idle.name(),
            "md_rate": self.md_rate,
            "md_seconds": self.md_seconds,
        })
    }
}
