//! `amend`: a new price and/or total quantity for an open order.
//!
//! Lowering the quantity keeps queue priority; a new price or a larger quantity loses it. A price
//! moved across the book trades at once, as an arriving order would, after the `amended` event.

use crate::matching::{Stop, Taker};
use crate::{Engine, EventSink};
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Event, InstrumentId, OrderType, Price, Qty, RejectReason,
    Side,
};
use tradestream_risk::check_instrument_controls;

/// A validated amend.
struct Plan {
    inst: u32,
    acct: u32,
    slot: u32,
    price: Price,
    qty: Qty,
    leaves: Qty,
    /// Hold change (positive: more held).
    hold_delta: Amount,
    crosses: bool,
}

impl Engine {
    pub(crate) fn amend(
        &mut self,
        account: AccountId,
        instrument: Option<InstrumentId>,
        id: ClientOrderId,
        price: Option<Price>,
        qty: Option<Qty>,
        sink: &mut impl EventSink,
    ) {
        match self.check_amend(account, instrument, id, price, qty) {
            Ok(plan) => self.apply_amend(plan, sink),
            Err(reason) => sink.push(Event::Rejected {
                account,
                id,
                reason,
            }),
        }
    }

    fn check_amend(
        &self,
        account: AccountId,
        instrument: Option<InstrumentId>,
        id: ClientOrderId,
        price: Option<Price>,
        qty: Option<Qty>,
    ) -> Result<Plan, RejectReason> {
        let inst = self.listed(instrument)?;
        self.gate(self.accounts.find(account), inst)?;
        let (inst, acct, slot) = self.find_open(account, instrument, id)?;
        let o = self.arena.get(slot);
        let new_price = price.unwrap_or(o.price);
        let unit = self.instruments[inst as usize].unit;
        if !new_price.is_valid() || (unit > 0 && new_price.0 >= unit) {
            return Err(RejectReason::InvalidPrice);
        }
        let filled = o.qty.0 - o.leaves.0;
        let new_qty = qty.unwrap_or(o.qty);
        if !new_qty.is_valid() || new_qty.0 <= filled {
            return Err(RejectReason::InvalidQty);
        }
        let leaves = Qty(new_qty.0 - filled);
        let i = &self.instruments[inst as usize];
        let notional = Amount::notional(new_price, new_qty, i.quote_per_tick_lot).ok();
        // Lowering the quantity at the same price only reduces risk: always allowed.
        let reduces_only = new_price == o.price && new_qty <= o.qty;
        if !reduces_only {
            check_instrument_controls(
                &i.controls,
                i.band(),
                OrderType::Limit,
                new_price,
                new_qty,
                notional,
            )?;
        }
        if new_qty > o.qty && (o.reduce_only || i.controls.max_position.is_some()) {
            let sized = super::new_order::Sized {
                side: o.side,
                qty: leaves,
                reduce_only: o.reduce_only,
                replaces: slot,
            };
            self.check_position(inst, Some(acct), sized)?;
        }
        let crosses = new_price != o.price && self.crosses(inst, o.side, new_price);
        if crosses && o.post_only {
            return Err(RejectReason::PostOnlyWouldCross);
        }
        let (asset, old_hold) = self.hold_of(slot);
        let new_hold = match o.side {
            _ if i.derivative => Ok(Amount::ZERO),
            Side::Buy => Amount::notional(new_price, leaves, i.quote_per_tick_lot),
            Side::Sell => Amount::of_lots(leaves, i.base_per_lot),
        }
        .map_err(|_| RejectReason::InsufficientBalance)?;
        if i.derivative && !reduces_only {
            let extra = crate::margin::Extra {
                inst,
                side: o.side,
                price: new_price,
                qty: leaves,
                replaces: slot,
            };
            if !self.margin_ok(acct, extra) {
                return Err(RejectReason::InsufficientMargin);
            }
        }
        let hold_delta = new_hold - old_hold;
        if hold_delta > self.accounts.get(acct).balance(asset).available {
            return Err(RejectReason::InsufficientBalance);
        }
        Ok(Plan {
            inst,
            acct,
            slot,
            price: new_price,
            qty: new_qty,
            leaves,
            hold_delta,
            crosses,
        })
    }

    fn apply_amend(&mut self, p: Plan, sink: &mut impl EventSink) {
        let o = *self.arena.get(p.slot);
        let (asset, _) = self.hold_of(p.slot);
        let b = self.accounts.get_mut(p.acct).balance_mut(asset);
        b.available -= p.hold_delta;
        b.held += p.hold_delta;
        let account = self.accounts.get(p.acct).id;
        let amended = Event::Amended {
            account,
            id: o.id,
            instrument: InstrumentId(p.inst),
            price: p.price,
            qty: p.qty,
            leaves_qty: p.leaves,
        };
        let keeps_priority = p.price == o.price && p.qty <= o.qty;
        if keeps_priority {
            let side = self.books[p.inst as usize].side_mut(o.side);
            side.reduce(&mut self.arena, p.slot, Qty(o.leaves.0 - p.leaves.0));
            self.arena.get_mut(p.slot).qty = p.qty;
            sink.push(amended);
            return;
        }
        self.books[p.inst as usize]
            .side_mut(o.side)
            .unlink(&mut self.arena, p.slot);
        {
            let m = self.arena.get_mut(p.slot);
            m.price = p.price;
            m.qty = p.qty;
            m.leaves = p.leaves;
        }
        sink.push(amended);
        if !p.crosses {
            self.books[p.inst as usize]
                .side_mut(o.side)
                .push_back(&mut self.arena, p.slot);
            return;
        }
        let mut taker = Taker {
            account: p.acct,
            account_id: account,
            id: o.id,
            side: o.side,
            limit: p.price,
            remaining: p.leaves,
            market: false,
            banded: false,
            stp: o.stp,
            pays_fee: true,
            quote: !self.quoting.protections.is_empty()
                && self.is_quote_order(account, p.inst, p.slot),
        };
        let stop = self.match_taker(p.inst, &mut taker, sink);
        self.arena.get_mut(p.slot).leaves = taker.remaining;
        match stop.remainder_reason(true) {
            None if stop == Stop::Filled => {
                self.release_slot(p.slot, p.acct, o.tif);
                sink.push(Event::Filled {
                    account,
                    id: o.id,
                    instrument: InstrumentId(p.inst),
                });
            }
            None => self.books[p.inst as usize]
                .side_mut(o.side)
                .push_back(&mut self.arena, p.slot),
            Some(reason) => {
                let (asset, held) = self.hold_of(p.slot);
                let b = self.accounts.get_mut(p.acct).balance_mut(asset);
                b.held -= held;
                b.available += held;
                self.release_slot(p.slot, p.acct, o.tif);
                sink.push(Event::Cancelled {
                    account,
                    id: o.id,
                    instrument: InstrumentId(p.inst),
                    reason,
                    leaves_qty: taker.remaining,
                });
            }
        }
    }
}
