//! The trait a matching engine implements to be measured.
//!
//! The drivers in [`crate::driver`] are generic over it, so each venue's hot loop is
//! monomorphised: no dynamic dispatch between the clock reads. Lifecycle, per measurement:
//! [`Venue::setup`] builds a fresh venue (list instruments, fund accounts), then for each phase of
//! the workload [`Venue::prepare`] translates the ops into native commands (outside timing) and the
//! driver calls [`Venue::apply`] on each command in order (timed, or not for prefill and
//! warm-up). A venue keeps its id mapping across `prepare` calls, since each phase continues
//! the previous one.

use crate::ops::{Op, Universe};

/// What happened to one command, as far as the venue says cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Applied (including an IOC that found nothing to trade with).
    Accepted,
    /// Refused: unknown order, invalid input, risk check, or the venue's own error.
    Rejected,
}

/// A matching engine under test.
pub trait Venue: Sized {
    /// Short name used in tables and JSON (`tradestream`, `matchcore`, ...).
    const NAME: &'static str;
    /// How the venue expresses the ops, and what it cannot do; printed under the tables.
    const NOTES: &'static str;
    /// The native command `prepare` builds and `apply` consumes.
    type Command;

    /// Builds a fresh venue: lists `universe.symbols` instruments and funds every account.
    fn setup(universe: &Universe) -> anyhow::Result<Self>;

    /// Translates ops into native commands, outside the timed region. An error means the venue
    /// cannot run this workload at all (the tables then show it as n/a with the reason).
    fn prepare(&mut self, ops: &[Op]) -> anyhow::Result<Vec<Self::Command>>;

    /// Applies one prepared command. This is the only call inside the timed region.
    fn apply(&mut self, command: &Self::Command) -> Outcome;
}
