//! `new`: validation in the contract's precedence, acceptance, matching, resting.

use crate::arena::{Handle, Order, NIL};
use crate::matching::{Stop, Taker};
use crate::{Engine, EventSink};
use tradestream_model::{
    Amount, Event, InstrumentId, NewOrder, OrderId, OrderType, Price, RejectReason, Side,
    TimeInForce, Timestamp,
};
use tradestream_risk::{
    check_capacity, check_instrument_controls, check_open_orders, market_limit,
};

/// An order as the position checks see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sized {
    /// Side.
    pub side: Side,
    /// Open quantity.
    pub qty: tradestream_model::Qty,
    /// Reduce-only.
    pub reduce_only: bool,
    /// The open order it replaces (an amend), or `NIL`.
    pub replaces: u32,
}

/// The outcome of the checks: what acceptance needs without looking it up again.
struct Checked {
    inst: u32,
    /// The account's index, if it exists yet.
    acct: Option<u32>,
    /// The hash of (account, id).
    id_hash: u64,
    band: Option<tradestream_risk::PriceBand>,
}

impl Engine {
    pub(crate) fn new_order(&mut self, o: &NewOrder, ts: Timestamp, sink: &mut impl EventSink) {
        self.place_order(o, ts, false, sink);
    }

    /// Checks `o` and accepts it (`quote`: as a side of its account's quote) or rejects it.
    /// Returns its engine order id and its handle (closed unless it rests) when it was accepted.
    pub(crate) fn place_order(
        &mut self,
        o: &NewOrder,
        ts: Timestamp,
        quote: bool,
        sink: &mut impl EventSink,
    ) -> Option<(OrderId, Handle)> {
        match self.check_new(o) {
            Ok(checked) => Some(self.accept(o, checked, ts, quote, sink)),
            Err(reason) => {
                sink.push(Event::Rejected {
                    account: o.account,
                    id: o.id,
                    reason,
                });
                None
            }
        }
    }

    /// What the checks of an order that passed them found out.
    fn check_new(&self, o: &NewOrder) -> Result<Checked, RejectReason> {
        let inst = self.listed(o.instrument)?;
        let acct = self.accounts.find(o.account);
        self.gate(acct, inst)?;
        let id_hash = self.ids.hash(o.account, &o.id);
        if acct.is_some() && self.ids.get(id_hash, o.account, &o.id).is_some() {
            return Err(RejectReason::DuplicateId);
        }
        let limit = o.order_type == OrderType::Limit;
        let i = &self.instruments[inst as usize];
        // A binary trades strictly between 0 and 1.
        let beyond_unit = i.unit > 0 && o.price.0 >= i.unit;
        if limit && (!o.price.is_valid() || beyond_unit) {
            return Err(RejectReason::InvalidPrice);
        }
        if !o.qty.is_valid() {
            return Err(RejectReason::InvalidQty);
        }
        if let TimeInForce::Gtd(expire) = o.tif {
            if expire <= self.clock {
                return Err(RejectReason::InvalidExpire);
            }
        }
        let notional = Amount::notional(o.price, o.qty, i.quote_per_tick_lot).ok();
        let band = i.band();
        check_instrument_controls(&i.controls, band, o.order_type, o.price, o.qty, notional)?;
        let open = acct.map_or(0, |a| self.accounts.get(a).open_orders);
        check_open_orders(open, self.config.max_open_orders_per_account)?;
        check_capacity(self.arena.live(), self.config.capacity)?;
        // An account that does not exist yet has no orders and no balance: index NIL.
        let taker = self.taker_for(o, acct.unwrap_or(NIL), band);
        if o.post_only {
            let would_cross = match o.order_type {
                OrderType::Limit => self.crosses(inst, o.side, o.price),
                OrderType::Market => self.books[inst as usize]
                    .side(o.side.opposite())
                    .best()
                    .is_some(),
            };
            if would_cross {
                return Err(RejectReason::PostOnlyWouldCross);
            }
        }
        if o.tif == TimeInForce::Fok && !self.fok_fillable(inst, &taker) {
            return Err(RejectReason::FokUnfilled);
        }
        if o.reduce_only || i.controls.max_position.is_some() {
            let order = Sized {
                side: o.side,
                qty: o.qty,
                reduce_only: o.reduce_only,
                replaces: NIL,
            };
            self.check_position(inst, acct, order)?;
        }
        if i.derivative {
            let price = match o.order_type {
                OrderType::Limit => o.price,
                OrderType::Market => self.books[inst as usize]
                    .side(o.side.opposite())
                    .best_price()
                    .unwrap_or(Price(0)),
            };
            let extra = crate::margin::Extra {
                inst,
                side: o.side,
                price,
                qty: o.qty,
                replaces: NIL,
            };
            if !self.margin_ok(acct.unwrap_or(NIL), extra) {
                return Err(RejectReason::InsufficientMargin);
            }
        } else if limit {
            let (asset, need) = match o.side {
                Side::Buy => (i.quote, notional),
                Side::Sell => (i.base, Amount::of_lots(o.qty, i.base_per_lot).ok()),
            };
            let available = acct.map_or(Amount::ZERO, |a| {
                self.accounts.get(a).balance(asset).available
            });
            if need.is_none_or(|n| n > available) {
                return Err(RejectReason::InsufficientBalance);
            }
        }
        Ok(Checked {
            inst,
            acct,
            id_hash,
            band,
        })
    }

    /// Reduce-only and the position limit: the position with the account's open orders on the
    /// order's side (but the one `replaces`) and the order itself filled.
    pub(crate) fn check_position(
        &self,
        inst: u32,
        acct: Option<u32>,
        o: Sized,
    ) -> Result<(), RejectReason> {
        let i = &self.instruments[inst as usize];
        if !i.derivative {
            // Spot has no positions: reduce-only cannot apply and position limits do not.
            return match o.reduce_only {
                true => Err(RejectReason::ReduceOnly),
                false => Ok(()),
            };
        }
        let (pos, same_side) = match acct.map(|a| self.accounts.get(a)) {
            Some(a) => {
                let pending: i64 = a
                    .open_slots(&self.arena)
                    .filter(|s| *s != o.replaces)
                    .map(|s| self.arena.get(s))
                    .filter(|x| x.instrument == inst && x.side == o.side)
                    .map(|x| x.leaves.0)
                    .sum();
                (a.position(inst).qty, pending)
            }
            None => (0, 0),
        };
        let signed = |q: i64| match o.side {
            Side::Buy => q as i128,
            Side::Sell => -(q as i128),
        };
        let after = pos as i128 + signed(same_side) + signed(o.qty.0);
        if o.reduce_only {
            // Strictly toward zero and never past it.
            let toward = (pos > 0 && o.side == Side::Sell) || (pos < 0 && o.side == Side::Buy);
            if !toward || after.signum() * (pos as i128).signum() < 0 {
                return Err(RejectReason::ReduceOnly);
            }
        }
        if i.controls
            .max_position
            .is_some_and(|m| after.abs() > m.0 as i128)
        {
            return Err(RejectReason::PositionLimit);
        }
        Ok(())
    }

    fn taker_for(
        &self,
        o: &NewOrder,
        account: u32,
        band: Option<tradestream_risk::PriceBand>,
    ) -> Taker {
        let market = o.order_type == OrderType::Market;
        Taker {
            account,
            account_id: o.account,
            id: o.id,
            side: o.side,
            limit: if market {
                market_limit(o.side, band)
            } else {
                o.price
            },
            remaining: o.qty,
            market,
            banded: market && band.is_some(),
            stp: o.stp,
            pays_fee: true,
            quote: false,
        }
    }

    /// Accepts a checked order (`quote`: as a side of its account's quote, so its fills count
    /// toward market-maker protection): matches it and rests what is left. Returns its engine
    /// order id and its handle (closed unless it rests).
    fn accept(
        &mut self,
        o: &NewOrder,
        c: Checked,
        ts: Timestamp,
        quote: bool,
        sink: &mut impl EventSink,
    ) -> (OrderId, Handle) {
        let inst = c.inst;
        let account = match c.acct {
            Some(a) => a,
            None => self.accounts.get_or_create(o.account, self.assets.len()),
        };
        let mut taker = self.taker_for(o, account, c.band);
        taker.quote = quote;
        let order_id = OrderId(self.next_order_id);
        self.next_order_id += 1;
        sink.push(Event::Accepted {
            account: o.account,
            id: o.id,
            order_id,
            instrument: InstrumentId(inst),
            side: o.side,
            order_type: o.order_type,
            price: o.price,
            qty: o.qty,
            ts,
        });
        if !taker.market {
            let (asset, hold) = self.hold_for(inst, o.side, o.price, o.qty);
            let b = self.accounts.get_mut(account).balance_mut(asset);
            b.available -= hold;
            b.held += hold;
        }
        let stop = self.match_taker(inst, &mut taker, sink);
        let rests = !taker.market && matches!(o.tif, TimeInForce::Gtc | TimeInForce::Gtd(_));
        let handle = match stop.remainder_reason(rests) {
            None if stop == Stop::Filled => {
                sink.push(Event::Filled {
                    account: o.account,
                    id: o.id,
                    instrument: InstrumentId(inst),
                });
                Handle::CLOSED
            }
            None => self.rest(o, inst, account, order_id, taker.remaining, ts),
            Some(reason) => {
                if !taker.market {
                    let (asset, held) = self.hold_for(inst, o.side, o.price, taker.remaining);
                    let b = self.accounts.get_mut(account).balance_mut(asset);
                    b.held -= held;
                    b.available += held;
                }
                sink.push(Event::Cancelled {
                    account: o.account,
                    id: o.id,
                    instrument: InstrumentId(inst),
                    reason,
                    leaves_qty: taker.remaining,
                });
                Handle::CLOSED
            }
        };
        self.ids.insert_new(c.id_hash, o.account, o.id, handle);
        (order_id, handle)
    }

    /// What a limit order of `qty` at `price` holds.
    pub(crate) fn hold_for(
        &self,
        inst: u32,
        side: Side,
        price: tradestream_model::Price,
        qty: tradestream_model::Qty,
    ) -> (tradestream_model::AssetId, Amount) {
        let i = &self.instruments[inst as usize];
        if i.derivative {
            // Derivative orders hold nothing (margin is for the margin check, not a hold).
            return (i.quote, Amount::ZERO);
        }
        match side {
            Side::Buy => (
                i.quote,
                Amount(price.0 as i128 * qty.0 as i128 * i.quote_per_tick_lot.0),
            ),
            Side::Sell => (i.base, Amount(qty.0 as i128 * i.base_per_lot.0)),
        }
    }

    fn rest(
        &mut self,
        o: &NewOrder,
        inst: u32,
        account: u32,
        order_id: OrderId,
        leaves: tradestream_model::Qty,
        ts: Timestamp,
    ) -> Handle {
        let h = self.arena.insert(Order {
            order_id,
            account,
            instrument: inst,
            id: o.id,
            side: o.side,
            price: o.price,
            qty: o.qty,
            leaves,
            tif: o.tif,
            post_only: o.post_only,
            reduce_only: o.reduce_only,
            stp: o.stp,
            entered: ts,
            prev: NIL,
            next: NIL,
        });
        self.books[inst as usize]
            .side_mut(o.side)
            .push_back(&mut self.arena, h.slot);
        self.accounts.link_order(account, h);
        if self.instruments[inst as usize].derivative {
            // The margin check walks the account's positions: an order makes the slot.
            self.accounts.get_mut(account).position_mut(inst);
        }
        if let TimeInForce::Gtd(expire) = o.tif {
            self.expiries.push(expire.0, order_id.0, h);
        }
        h
    }
}
