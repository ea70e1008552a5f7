//! Derivative operator commands: oracle prices, perpetual funding, settlement of futures.
//!
//! Funding: each open position pays `qty x mark x tick-lot x rate_ppm / 10^6` (signed; positive:
//! longs pay shorts when the rate is positive). Payers' amounts round up and receivers' round
//! toward zero, so the total paid is at least the total received; the difference goes to the fee
//! account and the settlement asset is conserved exactly. One `FundingPaid` per open position,
//! accounts in creation order.
//!
//! Settlement (dated and compute futures): the instrument's open orders are cancelled (`settled`,
//! bid side then ask side, book order), every position is closed at the settlement price with
//! its realized PnL booked (`PositionSettled`, accounts in creation order, no fee), then
//! `Settled`. A settled instrument refuses new orders and amends with `instrument_halted`.

use crate::arena::NIL;
use crate::settle::trade_position;
use crate::{Engine, EventSink};
use tradestream_model::{
    Amount, CancelReason, EngineError, Event, InstrumentId, InstrumentKind, Price, PriceKind, Side,
};

impl Engine {
    pub(crate) fn set_price(
        &mut self,
        instrument: InstrumentId,
        kind: PriceKind,
        price: Price,
        sink: &mut impl EventSink,
    ) {
        let Some(i) = self.instruments.get_mut(instrument.0 as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        };
        if !i.derivative {
            sink.push(Event::Error(EngineError::WrongKind(instrument.0)));
            return;
        }
        if price.0 <= 0 {
            sink.push(Event::Error(EngineError::BadPrice));
            return;
        }
        match kind {
            PriceKind::Index => i.index = Some(price),
            PriceKind::Mark => i.mark = Some(price),
        }
        sink.push(Event::PriceSet {
            instrument,
            kind,
            price,
        });
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
        let (quote, qptl) = (i.quote, i.quote_per_tick_lot.0);
        let inst = instrument.0;
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
                instrument,
                amount: Amount(paid),
            });
        }
        if pool != 0 {
            self.fees[quote.0 as usize] += Amount(pool);
        }
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
        if !matches!(
            i.spec.kind,
            InstrumentKind::DatedFuture { .. } | InstrumentKind::ComputeFuture { .. }
        ) {
            sink.push(Event::Error(EngineError::WrongKind(instrument.0)));
            return;
        }
        if i.settled {
            sink.push(Event::Error(EngineError::AlreadySettled(instrument.0)));
            return;
        }
        if price.0 <= 0 {
            sink.push(Event::Error(EngineError::BadPrice));
            return;
        }
        let (quote, qptl) = (i.quote, i.quote_per_tick_lot.0);
        let inst = instrument.0;
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
            let pnl = trade_position(acct.position_mut(inst), -qty, price, qptl);
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
        sink.push(Event::Settled { instrument, price });
    }
}
