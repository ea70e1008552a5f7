//! Everything one invocation measured, run by run, and the medians the tables quote.

use super::md::MdRun;
use super::sample::Sample;
use super::settings::Gateway;
use crate::journal::latency::Latency;
use crate::ws::results::latency;
use crate::ws::settings::Ack;

/// What a row measured for its gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    /// The gateway's floor: a bare loopback echo of its order's size.
    Floor,
    /// The gateway itself, order to acknowledgement, in one acknowledgement mode.
    Gateway(Ack),
}

impl Measured {
    /// Name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Measured::Floor => "floor",
            Measured::Gateway(ack) => ack.name(),
        }
    }
}

/// The runs of one gateway's floor or order entry at one rate.
#[derive(Debug, Clone)]
pub struct Row {
    /// The gateway.
    pub gateway: Gateway,
    /// Its floor or one of its modes.
    pub measured: Measured,
    /// Orders (or echoes) per second.
    pub rate: u64,
    /// Bytes of one order (or echo message) on the wire.
    pub bytes: usize,
    /// One per run that measured it.
    pub runs: Vec<Sample>,
}

/// The market-data runs of one gateway in one mode.
#[derive(Debug, Clone)]
pub struct MdRow {
    /// The gateway.
    pub gateway: Gateway,
    /// The server's acknowledgement mode.
    pub ack: Ack,
    /// One per run that measured it.
    pub runs: Vec<MdRun>,
}

/// All measurements of one invocation.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Floors and order entry, in table order.
    pub rows: Vec<Row>,
    /// Market-data delay.
    pub md: Vec<MdRow>,
    /// Measurements that failed outright, and servers that did not start or stop, with why.
    pub failures: Vec<String>,
}

impl Results {
    /// The row of `gateway`'s `measured` at `rate`.
    pub fn row(&self, gateway: Gateway, measured: Measured, rate: u64) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.gateway == gateway && r.measured == measured && r.rate == rate)
    }

    /// Median latency of `gateway`'s `measured` at `rate`, if it was measured.
    pub fn latency(&self, gateway: Gateway, measured: Measured, rate: u64) -> Option<Latency> {
        latency(&self.row(gateway, measured, rate)?.runs, |x| x.latency)
    }

    /// Adds one run to its row.
    pub fn push(&mut self, gateway: Gateway, measured: Measured, rate: u64, run: Sample) {
        if let Some(row) = self
            .rows
            .iter_mut()
            .find(|r| r.gateway == gateway && r.measured == measured && r.rate == rate)
        {
            row.runs.push(run);
        }
    }

    /// Adds one market-data run to its row.
    pub fn push_md(&mut self, gateway: Gateway, ack: Ack, run: MdRun) {
        if let Some(row) = self
            .md
            .iter_mut()
            .find(|r| r.gateway == gateway && r.ack == ack)
        {
            row.runs.push(run);
        }
    }
}
