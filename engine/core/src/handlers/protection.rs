//! Market-maker protection: `set_protection` and `reset_protection`, counting the fills of quote
//! orders, and applying the trips at the end of a command.
//!
//! Counted are the fills of an account's current quote orders in an instrument where it has a
//! protection, maker or taker side: quantity in lots, delta in signed lots (+ buy, - sell) for
//! every kind, options included (the journaled risk array values the option at underlying moves
//! whose size the engine does not know, so no delta can be derived from it). A fill that trips
//! the protection only records the trip; when the command's matching is done (after any
//! liquidation it caused) each tripped protection, in the order they tripped, emits
//! `ProtectionTripped` (the window's totals at that point) and cancels the account's open quote
//! orders on the instrument (bid, then ask) with reason `mm_protection`.

use crate::quoting::Key;
use crate::{Engine, EventSink};
use tradestream_model::{
    AccountId, CancelReason, EngineError, Event, InstrumentId, ProtectionLimits, Qty, Side,
    Timestamp,
};
use tradestream_risk::protection::Protection;

impl Engine {
    /// Configures (replaces, starting afresh: empty window, not frozen) or, with all-zero
    /// limits, removes a protection.
    pub(crate) fn set_protection(
        &mut self,
        account: AccountId,
        instrument: InstrumentId,
        limits: ProtectionLimits,
        sink: &mut impl EventSink,
    ) {
        if self.listed(Some(instrument)).is_err() {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        }
        let key = (account, instrument.0);
        if limits.is_off() {
            self.quoting.protections.remove(&key);
        } else {
            self.quoting
                .protections
                .insert(key, Protection::new(limits));
        }
        sink.push(Event::ProtectionSet {
            account,
            instrument,
            limits,
        });
    }

    /// An operator's reset: unfrozen, window forgotten. Idempotent: a protection that is not
    /// configured is left so and the reset is still reported.
    pub(crate) fn reset_protection(
        &mut self,
        account: AccountId,
        instrument: InstrumentId,
        sink: &mut impl EventSink,
    ) {
        if self.listed(Some(instrument)).is_err() {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        }
        if let Some(p) = self.quoting.protections.get_mut(&(account, instrument.0)) {
            p.reset();
        }
        sink.push(Event::ProtectionReset {
            account,
            instrument,
        });
    }

    /// True when the open order in `slot` is a side of the account's current quote on `inst`.
    pub(crate) fn is_quote_order(&self, account: AccountId, inst: u32, slot: u32) -> bool {
        self.quoting.quotes.get(&(account, inst)).is_some_and(|q| {
            self.arena.resolve(q.bid) == Some(slot) || self.arena.resolve(q.ask) == Some(slot)
        })
    }

    /// Counts one trade of `qty` toward the protections of the taker (when it is a quote order)
    /// and of the maker in `maker_slot` (when it is one), before the maker's slot is released.
    pub(crate) fn count_quote_fills(
        &mut self,
        inst: u32,
        t: &crate::matching::Taker,
        maker_account: AccountId,
        maker_slot: u32,
        maker_side: Side,
        qty: Qty,
    ) {
        if t.quote {
            self.count_fill((t.account_id, inst), t.side, qty);
        }
        let key = (maker_account, inst);
        // One lookup per map: the maker's protection (none for most makers), then its quote.
        let Some(p) = self.quoting.protections.get_mut(&key) else {
            return;
        };
        let arena = &self.arena;
        let quoted = self.quoting.quotes.get(&key).is_some_and(|q| {
            arena.resolve(q.bid) == Some(maker_slot) || arena.resolve(q.ask) == Some(maker_slot)
        });
        let now = self.quoting.now;
        if quoted && p.on_fill(now, qty.0, signed(maker_side, qty)).is_some() {
            self.quoting.tripped.push(key);
        }
    }

    fn count_fill(&mut self, key: Key, side: Side, qty: Qty) {
        let now = self.quoting.now;
        let Some(p) = self.quoting.protections.get_mut(&key) else {
            return;
        };
        if p.on_fill(now, qty.0, signed(side, qty)).is_some() {
            self.quoting.tripped.push(key);
        }
    }

    /// Applies the protections tripped during the command, in the order they tripped.
    pub(crate) fn apply_trips(&mut self, sink: &mut impl EventSink) {
        let now = self.quoting.now;
        for k in 0..self.quoting.tripped.len() {
            let key = self.quoting.tripped[k];
            let Some(p) = self.quoting.protections.get_mut(&key) else {
                continue;
            };
            let (filled, delta) = p.window(now);
            let frozen_until = match p.frozen_until() {
                None | Some(u64::MAX) => None,
                Some(t) => Some(Timestamp(t.min(i64::MAX as u64) as i64)),
            };
            sink.push(Event::ProtectionTripped {
                account: key.0,
                instrument: InstrumentId(key.1),
                filled,
                delta,
                frozen_until,
            });
            self.cancel_quote(key, CancelReason::Protection, sink);
        }
        self.quoting.tripped.clear();
    }

    /// Cancels the open orders of the account's current quote on the instrument (bid, then ask)
    /// with `reason`; the quote is then empty.
    pub(crate) fn cancel_quote(
        &mut self,
        key: Key,
        reason: CancelReason,
        sink: &mut impl EventSink,
    ) {
        let Some(q) = self.quoting.quotes.get(&key).copied() else {
            return;
        };
        for h in [q.bid, q.ask] {
            if let Some(slot) = self.arena.resolve(h) {
                self.close_order(slot, reason, sink);
            }
        }
    }
}

/// A fill's delta in signed lots: + buy, - sell.
fn signed(side: Side, qty: Qty) -> i64 {
    match side {
        Side::Buy => qty.0,
        Side::Sell => -qty.0,
    }
}
