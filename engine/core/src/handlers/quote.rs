//! `quote`: a market maker's two-sided quote, replacing its previous quote on the instrument in
//! one command.
//!
//! Whole-quote checks come first, in the reject precedence: `unknown_symbol`, `kill_switch`,
//! `instrument_halted`, `mm_protection` (the account's protection on the instrument is frozen),
//! `duplicate_id` (the quote id or a present side's id already used by the account, or two of
//! them equal), `invalid_price` and then `invalid_qty` for a present side (bid first; a negative
//! quantity is invalid, both sides absent is `invalid_qty`), `crossed_quote` (both sides present
//! and the bid not below the ask). A failure emits one `Rejected` with the quote's id and
//! changes nothing: the previous quote stays.
//!
//! Otherwise the quote id is used up, the previous quote's open orders are cancelled (bid, then
//! ask; reason `replaced`), and each present side (bid, then ask) goes through the new-order
//! path as a GTC limit order with its side id (not post-only, no self-trade prevention): it may
//! trade, or be rejected alone for a state-dependent reason (its own `Rejected`, and it is
//! absent from the quote). `Quoted` closes the quote's events; protection trips caused by the
//! command follow it (see the protection handler).

use crate::arena::Handle;
use crate::quoting::QuoteSides;
use crate::{Engine, EventSink};
use tradestream_model::{
    CancelReason, ClientOrderId, Event, InstrumentId, NewOrder, OrderId, OrderType, Quote,
    QuoteSide, RejectReason, SelfTradePrevention, Side, TimeInForce, Timestamp,
};

impl Engine {
    pub(crate) fn quote(&mut self, q: &Quote, ts: Timestamp, sink: &mut impl EventSink) {
        let inst = match self.check_quote(q) {
            Ok(inst) => inst,
            Err(reason) => {
                sink.push(Event::Rejected {
                    account: q.account,
                    id: q.id,
                    reason,
                });
                return;
            }
        };
        self.accounts.get_or_create(q.account, self.assets.len());
        let hash = self.ids.hash(q.account, &q.id);
        self.ids.insert_new(hash, q.account, q.id, Handle::CLOSED);
        let key = (q.account, inst);
        self.cancel_quote(key, CancelReason::Replaced, sink);
        let (bid, bid_handle) = self.place_side(q, inst, Side::Buy, ts, sink);
        let (ask, ask_handle) = self.place_side(q, inst, Side::Sell, ts, sink);
        self.quoting.quotes.insert(
            key,
            QuoteSides {
                bid: bid_handle,
                ask: ask_handle,
            },
        );
        sink.push(Event::Quoted {
            account: q.account,
            instrument: InstrumentId(inst),
            id: q.id,
            bid,
            ask,
        });
    }

    /// The whole-quote checks; the instrument index when they pass.
    fn check_quote(&self, q: &Quote) -> Result<u32, RejectReason> {
        let inst = self.listed(q.instrument)?;
        let acct = self.accounts.find(q.account);
        self.gate(acct, inst)?;
        if self.quoting.frozen((q.account, inst)) {
            return Err(RejectReason::MmProtection);
        }
        // The ids the quote would use up: its own and those of its present sides.
        let bid_id = q.bid.is_present().then_some(q.bid_id);
        let ask_id = q.ask.is_present().then_some(q.ask_id);
        let repeated =
            bid_id == Some(q.id) || ask_id == Some(q.id) || (bid_id.is_some() && bid_id == ask_id);
        let used = |id: &ClientOrderId| {
            acct.is_some()
                && self
                    .ids
                    .get(self.ids.hash(q.account, id), q.account, id)
                    .is_some()
        };
        if repeated || [Some(q.id), bid_id, ask_id].iter().flatten().any(used) {
            return Err(RejectReason::DuplicateId);
        }
        let i = &self.instruments[inst as usize];
        let sides = [q.bid, q.ask];
        let bad_price = |s: &QuoteSide| !s.price.is_valid() || (i.unit > 0 && s.price.0 >= i.unit);
        if sides.iter().any(|s| s.is_present() && bad_price(s)) {
            return Err(RejectReason::InvalidPrice);
        }
        let bad_qty = |s: &QuoteSide| s.is_present() && !s.qty.is_valid();
        if sides.iter().all(|s| !s.is_present()) || sides.iter().any(bad_qty) {
            return Err(RejectReason::InvalidQty);
        }
        if q.bid.is_present() && q.ask.is_present() && q.bid.price >= q.ask.price {
            return Err(RejectReason::CrossedQuote);
        }
        Ok(inst)
    }

    /// Places one side of an accepted quote through the new-order path; its engine order id when
    /// it was accepted, and its handle (closed unless it rests).
    fn place_side(
        &mut self,
        q: &Quote,
        inst: u32,
        side: Side,
        ts: Timestamp,
        sink: &mut impl EventSink,
    ) -> (Option<OrderId>, Handle) {
        let (s, id) = match side {
            Side::Buy => (q.bid, q.bid_id),
            Side::Sell => (q.ask, q.ask_id),
        };
        if !s.is_present() {
            return (None, Handle::CLOSED);
        }
        let o = NewOrder {
            account: q.account,
            instrument: Some(InstrumentId(inst)),
            id,
            side,
            order_type: OrderType::Limit,
            price: s.price,
            qty: s.qty,
            tif: TimeInForce::Gtc,
            post_only: false,
            reduce_only: false,
            stp: SelfTradePrevention::None,
        };
        match self.place_order(&o, ts, true, sink) {
            Some((order_id, handle)) => (Some(order_id), handle),
            None => (None, Handle::CLOSED),
        }
    }
}
