//! Derivative operator commands: oracle prices, perpetual funding, settlement of futures and
//! options.
//!
//! Prices: an index or mark is journaled; a perpetual with basis smoothing derives its mark from
//! each index (`index + basis`, the basis moving `basis_smoothing_ppm` of the way to the book's
//! mid, else last trade, minus the index) and reports it as a mark `PriceSet`. Each mark of a
//! perpetual with an index adds a premium sample for premium-index funding. Every mark change
//! re-checks the maintenance margin of the accounts holding the instrument (no other account's
//! equity or margin moved).
//!
//! Funding: each open position pays `qty x mark x tick-lot x rate_ppm / 10^6` (signed; positive:
//! longs pay shorts when the rate is positive). Payers' amounts round up and receivers' round
//! toward zero, so the total paid is at least the total received; the difference goes to the fee
//! account and the settlement asset is conserved exactly. One `FundingPaid` per open position,
//! accounts in creation order.
//!
//! Settlement (dated and compute futures; options at the payoff `max(0, S - K)` for calls and
//! `max(0, K - S)` for puts of the underlying's settlement price `S`; binaries by resolution):
//! the instrument's open orders are cancelled (`settled`, bid side then ask side, book order),
//! every position is closed at the settlement price with its realized PnL booked
//! (`PositionSettled`, accounts in creation order, no fee), then `Settled`; then accounts the
//! settlement left below maintenance (or below zero) are liquidated. A settled instrument refuses
//! new orders and amends with `instrument_halted`.

use crate::arena::NIL;
use crate::settle::trade_position;
use crate::{Engine, EventSink};
use tradestream_model::{
    Amount, CancelReason, EngineError, Event, InstrumentId, InstrumentKind, OptionRight, Price,
    PriceKind, Side,
};

impl Engine {
    pub(crate) fn set_price(
        &mut self,
        instrument: InstrumentId,
        kind: PriceKind,
        price: Price,
        sink: &mut impl EventSink,
    ) {
        let inst = instrument.0;
        let Some(i) = self.instruments.get(inst as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(inst)));
            return;
        };
        if !i.derivative {
            sink.push(Event::Error(EngineError::WrongKind(inst)));
            return;
        }
        if price.0 <= 0 {
            sink.push(Event::Error(EngineError::BadPrice));
            return;
        }
        sink.push(Event::PriceSet {
            instrument,
            kind,
            price,
        });
        let mark = match kind {
            PriceKind::Mark => Some(price),
            PriceKind::Index => {
                self.instruments[inst as usize].index = Some(price);
                self.smoothed_mark(inst, price)
            }
        };
        if let Some(mark) = mark {
            if kind == PriceKind::Index {
                sink.push(Event::PriceSet {
                    instrument,
                    kind: PriceKind::Mark,
                    price: mark,
                });
            }
            let i = &mut self.instruments[inst as usize];
            i.mark = Some(mark);
            if let Some(index) = i.index {
                let premium = (mark.0 as i128 - index.0 as i128) * 1_000_000 / index.0 as i128;
                i.premium_sum = i.premium_sum.saturating_add(premium as i64);
                i.premium_count += 1;
            }
            self.check_holders(inst, sink);
        }
    }

    /// A perpetual with basis smoothing: moves the basis toward the book's (else the last
    /// trade's) premium over `index` and returns the new mark `index + basis` (at least one tick).
    fn smoothed_mark(&mut self, inst: u32, index: Price) -> Option<Price> {
        let i = &self.instruments[inst as usize];
        let InstrumentKind::Perpetual {
            basis_smoothing_ppm,
            ..
        } = i.spec.kind
        else {
            return None;
        };
        if basis_smoothing_ppm == 0 {
            return None;
        }
        let book = &self.books[inst as usize];
        let bid = book.side(Side::Buy).best_price();
        let ask = book.side(Side::Sell).best_price();
        let sample = match (bid, ask, i.last_trade) {
            (Some(b), Some(a), _) => (b.0 as i128 + a.0 as i128) / 2 - index.0 as i128,
            (_, _, Some(t)) => t.0 as i128 - index.0 as i128,
            _ => 0,
        };
        let basis = i.basis as i128;
        let basis = basis + (sample - basis) * basis_smoothing_ppm as i128 / 1_000_000;
        let mark = (index.0 as i128 + basis).clamp(1, i64::MAX as i128) as i64;
        self.instruments[inst as usize].basis = basis as i64;
        Some(Price(mark))
    }

    pub(crate) fn fund(
        &mut self,
        instrument: InstrumentId,
        rate_ppm: i64,
        sink: &mut impl EventSink,
    ) {
        let Some(i) = self.instruments.get(instrument.0 as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        };
        if !matches!(i.spec.kind, InstrumentKind::Perpetual { .. }) {
            sink.push(Event::Error(EngineError::WrongKind(instrument.0)));
            return;
        }
        let Some(mark) = i.mark else {
            sink.push(Event::Error(EngineError::NoMark(instrument.0)));
            return;
        };
        self.pay_funding(instrument.0, mark, rate_ppm, sink);
    }

    /// Moves `qty x mark x tick-lot x rate_ppm / 10^6` from every open position of the
    /// instrument (see the module documentation for the rounding), then re-checks margins.
    pub(crate) fn pay_funding(
        &mut self,
        inst: u32,
        mark: Price,
        rate_ppm: i64,
        sink: &mut impl EventSink,
    ) {
        let i = &self.instruments[inst as usize];
        let (quote, qptl) = (i.quote, i.quote_per_tick_lot.0);
        let mut pool: i128 = 0;
        for a in 0..self.accounts.len() {
            let acct = self.accounts.get_mut(a);
            let qty = acct.position(inst).qty;
            if qty == 0 {
                continue;
            }
            let exact = (qty as i128)
                .saturating_mul(mark.0 as i128)
                .saturating_mul(qptl)
                .saturating_mul(rate_ppm as i128);
            // Rounded up: payers (positive) pay up, receivers (negative) get less.
            let paid = exact.div_euclid(1_000_000) + i128::from(exact.rem_euclid(1_000_000) != 0);
            acct.balance_mut(quote).available -= Amount(paid);
            pool += paid;
            sink.push(Event::FundingPaid {
                account: acct.id,
                instrument: InstrumentId(inst),
                amount: Amount(paid),
            });
        }
        if pool != 0 {
            self.fees[quote.0 as usize] += Amount(pool);
        }
        self.check_holders(inst, sink);
    }

    pub(crate) fn settle_instrument(
        &mut self,
        instrument: InstrumentId,
        price: Price,
        sink: &mut impl EventSink,
    ) {
        let Some(i) = self.instruments.get(instrument.0 as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        };
        let close = match i.spec.kind {
            InstrumentKind::DatedFuture { .. } | InstrumentKind::ComputeFuture { .. } => price,
            InstrumentKind::Option { right, strike, .. } => Price(match right {
                OptionRight::Call => price.0.saturating_sub(strike.0).max(0),
                OptionRight::Put => strike.0.saturating_sub(price.0).max(0),
            }),
            _ => {
                sink.push(Event::Error(EngineError::WrongKind(instrument.0)));
                return;
            }
        };
        if i.settled {
            sink.push(Event::Error(EngineError::AlreadySettled(instrument.0)));
            return;
        }
        if price.0 <= 0 {
            sink.push(Event::Error(EngineError::BadPrice));
            return;
        }
        self.settle_at(instrument.0, close, price, sink);
    }

    /// Cancels the instrument's orders, closes every position at `close` and reports the
    /// settlement at `reported` (the underlying's price for options).
    pub(crate) fn settle_at(
        &mut self,
        inst: u32,
        close: Price,
        reported: Price,
        sink: &mut impl EventSink,
    ) {
        let instrument = InstrumentId(inst);
        let i = &self.instruments[inst as usize];
        let (quote, qptl) = (i.quote, i.quote_per_tick_lot.0);
        for side in [Side::Buy, Side::Sell] {
            loop {
                let head = self.books[inst as usize].side(side).best().map(|l| l.head);
                match head {
                    Some(slot) if slot != NIL => {
                        self.close_order(slot, CancelReason::Settled, sink)
                    }
                    _ => break,
                }
            }
        }
        for a in 0..self.accounts.len() {
            let acct = self.accounts.get_mut(a);
            let qty = acct.position(inst).qty;
            if qty == 0 {
                continue;
            }
            let pnl = trade_position(acct.position_mut(inst), -qty, close, qptl);
            acct.balance_mut(quote).available += pnl;
            sink.push(Event::PositionSettled {
                account: acct.id,
                instrument,
                qty,
                pnl,
            });
        }
        let i = &mut self.instruments[inst as usize];
        i.settled = true;
        i.mark = Some(close);
        sink.push(Event::Settled {
            instrument,
            price: reported,
        });
        self.check_asset(quote, sink);
    }
}
