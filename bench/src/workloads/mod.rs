//! Workloads: seeded generators and file replays, all built before any timing starts.
//!
//! Each produces a [`Workload`]: the [`Universe`] a venue must set up, then three phases of
//! [`Op`]s: `prefill` (builds the resting book), `warmup` (warms caches and predictors) and
//! `measured` (the only timed phase). Every op is first applied to a
//! [`book_model::BookModel`], which keeps the stream consistent and yields the [`Facts`]
//! printed under the tables. `bench/README.md` documents each generator.

pub mod book_model;
pub mod exchange_core;
pub mod insert_only;
pub mod lobster;
pub mod mix;
pub mod multi_symbol;
pub mod quantcup;

use crate::ops::{Op, Tif, Universe};
use book_model::BookModel;

/// A command stream ready to run on any venue.
#[derive(Debug)]
pub struct Workload {
    /// Stable key for JSON (`exchange_core`, `multi_symbol`, ...).
    pub key: &'static str,
    /// Title for the tables.
    pub title: String,
    /// What a venue must list and fund.
    pub universe: Universe,
    /// Applied untimed first: builds the resting book.
    pub prefill: Vec<Op>,
    /// Applied untimed just before the measured phase.
    pub warmup: Vec<Op>,
    /// The timed commands.
    pub measured: Vec<Op>,
    /// Flat-out measurements replay prefill + warmup + measured this many times per run, each
    /// time on a fresh venue, and add up the measured phases (for short streams).
    pub passes: usize,
    /// What the measured phase looks like, from the reference book.
    pub facts: Facts,
}

/// Counts over the measured phase, taken from the reference book while generating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// GTC limit orders.
    pub gtc: usize,
    /// IOC limit orders.
    pub ioc: usize,
    /// Cancels.
    pub cancel: usize,
    /// Moves (price amends).
    pub moves: usize,
    /// Reductions.
    pub reduce: usize,
    /// Commands that traded at least one lot.
    pub traded: usize,
    /// Cancels, moves and reductions naming an order that was already gone.
    pub unknown: usize,
    /// Resting orders at the end of the measured phase.
    pub resting_end: usize,
    /// Non-empty price levels at the end of the measured phase.
    pub levels_end: usize,
    /// Source records left out (replays only: hidden executions, orders never seen, ...).
    pub skipped: usize,
}

impl Facts {
    /// Counts one measured op and what the reference book did with it.
    pub fn count(&mut self, op: &Op, applied: book_model::Applied) {
        match op {
            Op::Place { tif: Tif::Gtc, .. } => self.gtc += 1,
            Op::Place { tif: Tif::Ioc, .. } => self.ioc += 1,
            Op::Cancel { .. } => self.cancel += 1,
            Op::Move { .. } => self.moves += 1,
            Op::Reduce { .. } => self.reduce += 1,
        }
        self.traded += usize::from(applied.traded);
        self.unknown += usize::from(applied.unknown);
    }

    /// Records the book's size after the measured phase.
    pub fn close(&mut self, model: &BookModel) {
        self.resting_end = model.total_resting();
        self.levels_end = model.total_levels();
    }

    /// Commands counted.
    pub fn commands(&self) -> usize {
        self.gtc + self.ioc + self.cancel + self.moves + self.reduce
    }

    /// One line for the notes under a table.
    pub fn describe(&self) -> String {
        let n = self.commands().max(1) as f64;
        let pct = |x: usize| 100.0 * x as f64 / n;
        format!(
            "{} commands: {:.1}% GTC, {:.1}% IOC, {:.1}% cancel, {:.1}% move, {:.1}% reduce; \
             {:.1}% trade; {:.2}% name a gone order; {} resting over {} levels at the end{}",
            self.commands(),
            pct(self.gtc),
            pct(self.ioc),
            pct(self.cancel),
            pct(self.moves),
            pct(self.reduce),
            pct(self.traded),
            pct(self.unknown),
            self.resting_end,
            self.levels_end,
            if self.skipped > 0 {
                format!("; {} source records skipped", self.skipped)
            } else {
                String::new()
            }
        )
    }

    /// The same counts as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "commands": self.commands(),
            "gtc": self.gtc,
            "ioc": self.ioc,
            "cancel": self.cancel,
            "move": self.moves,
            "reduce": self.reduce,
            "traded": self.traded,
            "unknown": self.unknown,
            "resting_end": self.resting_end,
            "levels_end": self.levels_end,
            "skipped": self.skipped,
        })
    }
}

/// The largest price and quantity over all phases, for [`Universe`].
pub fn extent(phases: &[&[Op]]) -> (i64, i64) {
    let mut max_price = 1;
    let mut max_qty = 1;
    for op in phases.iter().flat_map(|p| p.iter()) {
        match *op {
            Op::Place { price, qty, .. } => {
                max_price = max_price.max(price);
                max_qty = max_qty.max(qty);
            }
            Op::Move { price, open, .. } => {
                max_price = max_price.max(price);
                max_qty = max_qty.max(open);
            }
            Op::Reduce { .. } | Op::Cancel { .. } => {}
        }
    }
    (max_price, max_qty)
}
