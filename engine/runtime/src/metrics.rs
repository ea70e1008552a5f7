//! Counters and gauges of the running server, rendered for `/metrics`.

use crate::Histogram;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use tradestream_model::RejectReason;

/// Reject reasons fit in this many slots (the enum has fewer variants).
const REASON_SLOTS: usize = 32;

/// Shared metrics: written with relaxed atomics (no locks), read by the HTTP thread.
#[derive(Debug)]
pub struct Metrics {
    /// Commands applied (journaled).
    pub commands: AtomicU64,
    /// Events the engine produced.
    pub events: AtomicU64,
    /// Trades.
    pub trades: AtomicU64,
    /// Account snapshots served.
    pub snapshots: AtomicU64,
    /// Requests refused `busy` because an inbound ring was full.
    pub busy: AtomicU64,
    /// Sequence number of the last applied command.
    pub last_seq: AtomicU64,
    /// The journal's durable watermark, as last seen by the engine thread.
    pub durable_seq: AtomicU64,
    /// Items waiting in the release queue (for durability or for room in the outbound rings).
    pub release_queue: AtomicU64,
    /// Items waiting in each gateway's inbound ring (index: gateway).
    pub inbound_depth: Vec<AtomicU64>,
    /// Items waiting in each gateway's outbound ring (index: gateway).
    pub outbound_depth: Vec<AtomicU64>,
    /// True once the journal failed and the engine halted.
    pub halted: AtomicBool,
    /// Gateway receipt to engine apply.
    pub queue_wait: Histogram,
    /// Engine apply + journal hand-off per command.
    pub apply: Histogram,
    /// Gateway receipt to release from the engine thread (includes the wait for durability).
    pub release: Histogram,
    /// Gateway receipt to the answer written to the client socket (recorded by gateways).
    pub ack: Histogram,
    rejects: [AtomicU64; REASON_SLOTS],
    reject_names: [OnceLock<&'static str>; REASON_SLOTS],
}

impl Metrics {
    /// Metrics for a runtime with `gateways` gateways.
    pub fn new(gateways: usize) -> Metrics {
        Metrics {
            commands: AtomicU64::new(0),
            events: AtomicU64::new(0),
            trades: AtomicU64::new(0),
            snapshots: AtomicU64::new(0),
            busy: AtomicU64::new(0),
            last_seq: AtomicU64::new(0),
            durable_seq: AtomicU64::new(0),
            release_queue: AtomicU64::new(0),
            inbound_depth: (0..gateways).map(|_| AtomicU64::new(0)).collect(),
            outbound_depth: (0..gateways).map(|_| AtomicU64::new(0)).collect(),
            halted: AtomicBool::new(false),
            queue_wait: Histogram::default(),
            apply: Histogram::default(),
            release: Histogram::default(),
            ack: Histogram::default(),
            rejects: std::array::from_fn(|_| AtomicU64::new(0)),
            reject_names: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// Counts a reject.
    pub fn reject(&self, reason: RejectReason) {
        let i = (reason as usize).min(REASON_SLOTS - 1);
        let _ = self.reject_names[i].set(reason.as_str());
        self.rejects[i].fetch_add(1, Ordering::Relaxed);
    }

    /// Rejects so far with this reason.
    pub fn rejects(&self, reason: RejectReason) -> u64 {
        self.rejects[(reason as usize).min(REASON_SLOTS - 1)].load(Ordering::Relaxed)
    }

    /// Renders every metric in the Prometheus text format (version 0.0.4).
    pub fn render(&self, out: &mut String) {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        counter(
            out,
            "tradestream_commands_total",
            "Commands applied and journaled.",
            get(&self.commands),
        );
        counter(
            out,
            "tradestream_events_total",
            "Events produced by the engine.",
            get(&self.events),
        );
        counter(
            out,
            "tradestream_trades_total",
            "Trades.",
            get(&self.trades),
        );
        counter(
            out,
            "tradestream_account_snapshots_total",
            "Account snapshots served.",
            get(&self.snapshots),
        );
        counter(
            out,
            "tradestream_busy_total",
            "Requests refused busy: an inbound ring was full.",
            get(&self.busy),
        );
        let _ = writeln!(
            out,
            "# HELP tradestream_rejects_total Rejected requests by reason."
        );
        let _ = writeln!(out, "# TYPE tradestream_rejects_total counter");
        for (name, count) in self.reject_names.iter().zip(&self.rejects) {
            if let Some(name) = name.get() {
                let _ = writeln!(
                    out,
                    "tradestream_rejects_total{{reason=\"{name}\"}} {}",
                    get(count)
                );
            }
        }
        let last = get(&self.last_seq);
        let durable = get(&self.durable_seq);
        gauge(
            out,
            "tradestream_last_seq",
            "Sequence number of the last applied command.",
            last,
        );
        gauge(
            out,
            "tradestream_durable_seq",
            "The journal's durable watermark.",
            durable,
        );
        gauge(
            out,
            "tradestream_journal_lag",
            "Commands applied but not yet durable.",
            last.saturating_sub(durable),
        );
        gauge(
            out,
            "tradestream_release_queue",
            "Items waiting to leave the engine thread.",
            get(&self.release_queue),
        );
        gauge(
            out,
            "tradestream_halted",
            "1 once the journal failed and the engine halted.",
            self.halted.load(Ordering::Relaxed) as u64,
        );
        ring(
            out,
            "tradestream_inbound_ring_depth",
            "Requests waiting in a gateway's inbound ring.",
            &self.inbound_depth,
        );
        ring(
            out,
            "tradestream_outbound_ring_depth",
            "Items waiting in a gateway's outbound ring.",
            &self.outbound_depth,
        );
        self.queue_wait.render(
            "tradestream_queue_wait_seconds",
            "Gateway receipt to engine apply.",
            out,
        );
        self.apply.render(
            "tradestream_apply_seconds",
            "Engine apply and journal hand-off per command.",
            out,
        );
        self.release.render(
            "tradestream_release_seconds",
            "Gateway receipt to release from the engine (durability included).",
            out,
        );
        self.ack.render(
            "tradestream_ack_seconds",
            "Gateway receipt to the answer written to the client.",
            out,
        );
    }
}

fn counter(out: &mut String, name: &str, help: &str, v: u64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
    );
}

fn gauge(out: &mut String, name: &str, help: &str, v: u64) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
}

fn ring(out: &mut String, name: &str, help: &str, depths: &[AtomicU64]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (i, d) in depths.iter().enumerate() {
        let _ = writeln!(
            out,
            "{name}{{gateway=\"{i}\"}} {}",
            d.load(Ordering::Relaxed)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_rejects_and_rings() {
        let m = Metrics::new(2);
        m.commands.store(5, Ordering::Relaxed);
        m.last_seq.store(9, Ordering::Relaxed);
        m.durable_seq.store(7, Ordering::Relaxed);
        m.reject(RejectReason::InsufficientBalance);
        m.reject(RejectReason::InsufficientBalance);
        let mut s = String::new();
        m.render(&mut s);
        assert!(s.contains("tradestream_commands_total 5\n"), "{s}");
        assert!(
            s.contains("tradestream_rejects_total{reason=\"insufficient_balance\"} 2\n"),
            "{s}"
        );
        assert!(!s.contains("reason=\"price_band\""), "{s}");
        assert!(s.contains("tradestream_journal_lag 2\n"), "{s}");
        assert!(
            s.contains("tradestream_inbound_ring_depth{gateway=\"1\"} 0\n"),
            "{s}"
        );
        assert_eq!(m.rejects(RejectReason::InsufficientBalance), 2);
    }
}
