//! The matching loop: an arriving (or re-priced) order against the opposite side of its book.

use crate::settle::Payer;
use crate::{Engine, EventSink};
use tradestream_model::{
    AccountId, Amount, CancelReason, ClientOrderId, Event, InstrumentId, Price, Qty,
    SelfTradePrevention, Side, TradeId,
};

/// The order being matched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Taker {
    /// Account index.
    pub account: u32,
    /// Account number.
    pub account_id: AccountId,
    /// Client order id.
    pub id: ClientOrderId,
    /// Side.
    pub side: Side,
    /// Worst price it may trade at: its limit, or for market orders the band edge (or none).
    pub limit: Price,
    /// Quantity still to fill.
    pub remaining: Qty,
    /// Market order: pays from available, as much as it can afford.
    pub market: bool,
    /// A market order whose `limit` is a price band.
    pub banded: bool,
    /// Self-trade prevention.
    pub stp: SelfTradePrevention,
    /// Pays the taker fee (liquidation orders do not).
    pub pays_fee: bool,
    /// A side of its account's current quote: its fills count toward market-maker protection.
    pub quote: bool,
}

/// Why matching stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Nothing left to fill.
    Filled,
    /// No more liquidity at an acceptable price.
    Exhausted,
    /// A market order met the price band.
    Band,
    /// A market order can pay for no more lots.
    Unaffordable,
    /// Self-trade prevention ends the taker.
    SelfTrade,
}

impl Stop {
    /// The reason the taker's remainder is cancelled, or `None` if it may rest.
    pub fn remainder_reason(self, rests: bool) -> Option<CancelReason> {
        match self {
            Stop::Filled => None,
            Stop::SelfTrade => Some(CancelReason::Stp),
            Stop::Band => Some(CancelReason::PriceBand),
            Stop::Exhausted if rests => None,
            Stop::Exhausted | Stop::Unaffordable => Some(CancelReason::IocRemainder),
        }
    }
}

impl Engine {
    /// Whole lots a market order can still pay for at `price`.
    fn affordable(&self, t: &Taker, inst: u32, price: Price) -> i64 {
        let i = &self.instruments[inst as usize];
        if i.derivative {
            // Nothing is paid up front for a derivative.
            return i64::MAX;
        }
        let acct = self.accounts.get(t.account);
        let (avail, per_lot) = match t.side {
            Side::Buy => (
                acct.balance(i.quote).available.0,
                price.0 as i128 * i.quote_per_tick_lot.0,
            ),
            Side::Sell => (acct.balance(i.base).available.0, i.base_per_lot.0),
        };
        if avail <= 0 {
            return 0;
        }
        (avail / per_lot).min(i64::MAX as i128) as i64
    }

    /// Matches `t` against the book of `inst` until it fills or stops, emitting trades, maker
    /// fills and self-trade cancels in matching order.
    pub(crate) fn match_taker(
        &mut self,
        inst: u32,
        t: &mut Taker,
        sink: &mut impl EventSink,
    ) -> Stop {
        let maker_side = t.side.opposite();
        let (maker_bps, taker_bps) = {
            let s = &self.instruments[inst as usize].spec;
            (s.maker_fee_bps, s.taker_fee_bps)
        };
        loop {
            if t.remaining.0 == 0 {
                return Stop::Filled;
            }
            let side = self.books[inst as usize].side(maker_side);
            let Some(level) = side.best() else {
                return Stop::Exhausted;
            };
            let price = side.price_of(level);
            if !side.at_least_as_good(price, t.limit) {
                return if t.banded {
                    Stop::Band
                } else {
                    Stop::Exhausted
                };
            }
            let slot = level.head;
            let maker = *self.arena.get(slot);
            if maker.account == t.account && t.stp != SelfTradePrevention::None {
                match t.stp {
                    SelfTradePrevention::CancelTaker => return Stop::SelfTrade,
                    SelfTradePrevention::CancelMaker => {
                        self.close_order(slot, CancelReason::Stp, sink);
                        continue;
                    }
                    _ => {
                        self.close_order(slot, CancelReason::Stp, sink);
                        return Stop::SelfTrade;
                    }
                }
            }
            let mut qty = t.remaining.0.min(maker.leaves.0);
            if t.market {
                qty = qty.min(self.affordable(t, inst, price));
                if qty == 0 {
                    return Stop::Unaffordable;
                }
            }
            let qty = Qty(qty);
            let maker_pays = Payer {
                account: maker.account,
                held_at: Some(maker.price),
                fee_bps: maker_bps,
            };
            let taker_pays = Payer {
                account: t.account,
                held_at: (!t.market).then_some(t.limit),
                fee_bps: if t.pays_fee { taker_bps } else { 0 },
            };
            let (buyer, seller) = match t.side {
                Side::Buy => (taker_pays, maker_pays),
                Side::Sell => (maker_pays, taker_pays),
            };
            self.settle(inst, price, qty, buyer, seller);
            let trade_id = TradeId(self.next_trade_id);
            self.next_trade_id += 1;
            self.instruments[inst as usize].last_trade = Some(price);
            let maker_account = self.accounts.get(maker.account).id;
            sink.push(Event::Trade {
                instrument: InstrumentId(inst),
                trade_id,
                price,
                qty,
                maker_account,
                maker_id: maker.id,
                taker_account: t.account_id,
                taker_id: t.id,
                taker_side: t.side,
            });
            if !self.quoting.protections.is_empty() {
                self.count_quote_fills(inst, t, maker_account, slot, maker.side, qty);
            }
            t.remaining.0 -= qty.0;
            let book = self.books[inst as usize].side_mut(maker_side);
            if qty == maker.leaves {
                book.reduce_best(qty);
                self.arena.get_mut(slot).leaves = Qty::ZERO;
                book.unlink(&mut self.arena, slot);
                self.release_slot(slot, maker.account, maker.tif);
                sink.push(Event::Filled {
                    account: maker_account,
                    id: maker.id,
                    instrument: InstrumentId(inst),
                });
            } else {
                book.reduce(&mut self.arena, slot, qty);
            }
        }
    }

    /// True when an order of `side` at `limit` would reach the opposite best price.
    pub(crate) fn crosses(&self, inst: u32, side: Side, limit: Price) -> bool {
        let opp = self.books[inst as usize].side(side.opposite());
        opp.best_price()
            .is_some_and(|p| opp.at_least_as_good(p, limit))
    }

    /// True when a fill-or-kill taker can fill in full at once. With `cancel_maker` its own resting
    /// orders do not count; with `cancel_taker` or `cancel_both` they end the liquidity it can
    /// reach. A market taker counts only the lots it can pay for. Changes nothing.
    pub(crate) fn fok_fillable(&self, inst: u32, t: &Taker) -> bool {
        let side = self.books[inst as usize].side(t.side.opposite());
        let i = &self.instruments[inst as usize];
        let asset = match t.side {
            Side::Buy => i.quote,
            Side::Sell => i.base,
        };
        let mut budget = self
            .accounts
            .try_get(t.account)
            .map_or(0, |a| a.balance(asset).available.0);
        let mut need = t.remaining.0;
        for level in side.levels() {
            let price = side.price_of(level);
            if !side.at_least_as_good(price, t.limit) {
                return false;
            }
            if (!t.market || i.derivative) && t.stp == SelfTradePrevention::None {
                need -= level.total.0.min(need);
                if need == 0 {
                    return true;
                }
                continue;
            }
            let mut slot = level.head;
            while slot != crate::arena::NIL {
                let o = self.arena.get(slot);
                slot = o.next;
                if o.account == t.account {
                    match t.stp {
                        SelfTradePrevention::None => {}
                        SelfTradePrevention::CancelMaker => continue,
                        _ => return false,
                    }
                }
                if !t.market || i.derivative {
                    need -= o.leaves.0.min(need);
                    if need == 0 {
                        return true;
                    }
                    continue;
                }
                let per_lot = match t.side {
                    Side::Buy => price.0 as i128 * i.quote_per_tick_lot.0,
                    Side::Sell => i.base_per_lot.0,
                };
                // As the matching loop does: the same maker again while the account can pay,
                // since trading with itself pays it back at once (less the maker fee).
                let mut leaves = o.leaves.0;
                while leaves > 0 {
                    let q = leaves
                        .min(need)
                        .min((budget.max(0) / per_lot).min(i64::MAX as i128) as i64);
                    if q == 0 {
                        return false;
                    }
                    let spent = Amount(q as i128 * per_lot);
                    budget -= spent.0;
                    if o.account == t.account {
                        budget += (spent - spent.fee_bps(i.spec.maker_fee_bps)).0;
                    }
                    leaves -= q;
                    need -= q;
                    if need == 0 {
                        return true;
                    }
                }
            }
        }
        false
    }
}
