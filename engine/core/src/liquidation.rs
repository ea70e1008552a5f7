//! Liquidation: an account whose equity at the mark falls below its maintenance margin in a
//! settlement asset (or below zero) is closed out, every step an event.
//!
//! 1. `LiquidationStarted` with the equity and maintenance margin;
//! 2. the account's open orders in derivatives settled in the asset are cancelled
//!    (`liquidation`);
//! 3. each position (in order of first trade) is closed by IOC orders against the book
//!    (`LiquidationStep` after each one's trades; taker id `liquidation`, no taker fee), each at
//!    most the instrument's maximum order size, limited to the price band around the mark when
//!    one is configured and to the price at which the step's loss would exhaust the account's
//!    equity plus the insurance fund (rounded to whole ticks in the fund's favour): the book is
//!    never allowed to take more than the fund can cover. Each step's limit is recomputed from
//!    the equity left; steps go on while they fill and stop at the first that fills nothing;
//! 4. what the book cannot absorb is auto-deleveraged (`Deleveraged`): closed against the opposing
//!    positions with the largest unrealized PnL first (ties: account creation order; the queue
//!    is ranked once per command and instrument side and consumed in order), at the mark
//!    while equity plus fund cover the loss, else at the price where they exactly do, so the
//!    counterparties bear what the fund cannot (that price is rounded to whole ticks in the
//!    fund's favour, so a remainder below one tick stays with the account);
//! 5. a negative balance left is paid by the insurance fund (`InsurancePaid`), and `Liquidated`
//!    reports the balance afterwards. A deficit the fund cannot cover (a settlement far beyond
//!    the account's equity with the fund empty) stays on the account, reported by this one
//!    liquidation; a later insurance deposit pays it at the next check.
//!
//! Checks run after every mark change and funding (the instrument's holders, in account creation
//! order), settlement and insurance deposits (all accounts, paying old deficits) and after every command whose trades changed derivative positions (the accounts they touched,
//! the last touched first). Positions close in the order of the account's position slots (its
//! first order or trade in each instrument).

use crate::matching::Taker;
use crate::{Engine, EventSink};
use tradestream_model::{
    AccountId, AssetId, CancelReason, ClientOrderId, Event, InstrumentId, Price, Qty,
    SelfTradePrevention, Side,
};

impl Engine {
    /// Liquidates every account below maintenance in `asset`, then those the liquidations
    /// touched.
    pub(crate) fn check_asset(&mut self, asset: AssetId, sink: &mut impl EventSink) {
        for a in 0..self.accounts.len() {
            if self.needs_liquidation(a, asset) {
                self.liquidate(a, asset, sink);
            }
        }
        self.drain_touched(sink);
    }

    /// After a mark change or funding of `inst`: liquidates the accounts holding it that are
    /// below maintenance (no other account's equity or margin moved), then those the
    /// liquidations touched.
    pub(crate) fn check_holders(&mut self, inst: u32, sink: &mut impl EventSink) {
        let asset = self.instruments[inst as usize].quote;
        for a in 0..self.accounts.len() {
            if self.accounts.get(a).position(inst).qty != 0 && self.needs_liquidation(a, asset) {
                self.liquidate(a, asset, sink);
            }
        }
        self.drain_touched(sink);
    }

    /// Liquidates the accounts the command's trades touched that are below maintenance.
    pub(crate) fn drain_touched(&mut self, sink: &mut impl EventSink) {
        while let Some((a, asset)) = self.touched.pop() {
            if self.needs_liquidation(a, AssetId(asset)) {
                self.liquidate(a, AssetId(asset), sink);
            }
        }
    }

    /// Notes that a trade changed the account's position in a derivative settled in `asset`.
    pub(crate) fn touch(&mut self, account: u32, asset: AssetId) {
        self.accounts.get_mut(account).deficit = false;
        if !self.touched.contains(&(account, asset.0)) {
            self.touched.push((account, asset.0));
        }
    }

    fn needs_liquidation(&self, a: u32, asset: AssetId) -> bool {
        let acct = self.accounts.get(a);
        let open = acct
            .positions
            .iter()
            .any(|p| p.qty != 0 && self.instruments[p.instrument as usize].quote == asset);
        // A flat account below zero: liquidated once, and again whenever the fund can pay.
        let unpaid =
            acct.balance(asset).available.0 < 0 && (self.fund_of(asset) > 0 || !acct.deficit);
        if !open && !unpaid {
            return false;
        }
        let r = self.held_risk(a, asset);
        r.equity() < r.maintenance || r.equity() < 0
    }

    fn fund_of(&self, asset: AssetId) -> i128 {
        self.insurance.get(asset.0 as usize).map_or(0, |f| f.0)
    }

    fn liquidate(&mut self, a: u32, asset: AssetId, sink: &mut impl EventSink) {
        let r = self.held_risk(a, asset);
        let account = self.accounts.get(a).id;
        sink.push(Event::LiquidationStarted {
            account,
            asset,
            equity: tradestream_model::Amount(r.equity()),
            maintenance: tradestream_model::Amount(r.maintenance),
        });
        let mut slots = std::mem::take(&mut self.scratch_slots);
        slots.clear();
        slots.extend(self.accounts.get(a).open_slots(&self.arena).filter(|s| {
            let i = &self.instruments[self.arena.get(*s).instrument as usize];
            i.derivative && i.quote == asset
        }));
        for &slot in &slots {
            self.close_order(slot, CancelReason::Liquidation, sink);
        }
        self.scratch_slots = slots;
        for k in 0..self.accounts.get(a).positions.len() {
            let p = self.accounts.get(a).positions[k];
            if p.qty != 0 && self.instruments[p.instrument as usize].quote == asset {
                self.close_position(a, account, p.instrument, asset, sink);
                self.deleverage(a, account, p.instrument, asset, sink);
            }
        }
        let balance = self.accounts.get(a).balance(asset).available.0;
        let pay = (-balance).min(self.fund_of(asset));
        if pay > 0 {
            self.insurance[asset.0 as usize].0 -= pay;
            self.accounts.get_mut(a).balance_mut(asset).available.0 += pay;
            sink.push(Event::InsurancePaid {
                account,
                asset,
                amount: tradestream_model::Amount(pay),
            });
        }
        let acct = self.accounts.get_mut(a);
        let balance = acct.balance(asset).available;
        acct.deficit = balance.0 < 0;
        sink.push(Event::Liquidated {
            account,
            asset,
            balance,
        });
    }

    /// Step 3: IOC orders against the book while they fill.
    fn close_position(
        &mut self,
        a: u32,
        account: AccountId,
        inst: u32,
        asset: AssetId,
        sink: &mut impl EventSink,
    ) {
        loop {
            let pos = self.accounts.get(a).position(inst).qty;
            let i = &self.instruments[inst as usize];
            let Some(reference) = i.reference() else {
                return;
            };
            if pos == 0 {
                return;
            }
            let step = i.controls.max_qty.map_or(pos.abs(), |m| m.0.min(pos.abs()));
            let side = if pos > 0 { Side::Sell } else { Side::Buy };
            let cushion = self.held_risk(a, asset).equity() + self.fund_of(asset);
            let per_lot = cushion.div_euclid(step as i128 * i.quote_per_tick_lot.0.max(1));
            let mut limit = match side {
                Side::Sell => reference.0 as i128 - per_lot,
                Side::Buy => reference.0 as i128 + per_lot,
            };
            if let Some(band) = i.band() {
                limit = match side {
                    Side::Sell => limit.max(band.lower.0 as i128),
                    Side::Buy => limit.min(band.upper.0 as i128),
                };
            }
            if limit < 1 && side == Side::Buy {
                return;
            }
            let limit = Price(limit.clamp(1, i64::MAX as i128) as i64);
            let mut taker = Taker {
                account: a,
                account_id: account,
                id: liquidation_id(),
                side,
                limit,
                remaining: Qty(step),
                market: false,
                banded: false,
                stp: SelfTradePrevention::None,
                pays_fee: false,
                quote: false,
            };
            self.match_taker(inst, &mut taker, sink);
            let filled = step - taker.remaining.0;
            sink.push(Event::LiquidationStep {
                account,
                instrument: InstrumentId(inst),
                side,
                qty: Qty(step),
                limit,
                filled: Qty(filled),
            });
            if filled == 0 {
                return;
            }
        }
    }

    /// Step 4: what is left of the position against the most profitable opposing positions.
    fn deleverage(
        &mut self,
        a: u32,
        account: AccountId,
        inst: u32,
        asset: AssetId,
        sink: &mut impl EventSink,
    ) {
        let pos = self.accounts.get(a).position(inst).qty;
        let i = &self.instruments[inst as usize];
        let (Some(reference), qptl) = (i.reference(), i.quote_per_tick_lot.0) else {
            return;
        };
        if pos == 0 {
            return;
        }
        let r = self.held_risk(a, asset);
        let cushion = r.equity() + self.fund_of(asset);
        let adjust = if cushion >= 0 {
            0
        } else {
            cushion.div_euclid(pos.unsigned_abs() as i128 * qptl.max(1))
        };
        // A long sells below the mark by the shortfall (adjust < 0 raises it), a short buys above.
        let price = match pos > 0 {
            true => reference.0 as i128 - adjust,
            false => reference.0 as i128 + adjust,
        };
        let price = Price(price.clamp(0, i64::MAX as i128) as i64);
        let mut left = pos.unsigned_abs() as i64;
        let mut rebuilt = false;
        while left > 0 {
            if self.ranking_key != Some((inst, pos > 0)) || self.ranking_at >= self.ranking.len() {
                if rebuilt {
                    break;
                }
                self.rank(inst, pos > 0, reference.0 as i128 * qptl);
                rebuilt = true;
                continue;
            }
            let c = self.ranking[self.ranking_at].1;
            let theirs = self.accounts.get(c).position(inst).qty;
            if c == a || theirs == 0 || (theirs > 0) == (pos > 0) {
                self.ranking_at += 1;
                continue;
            }
            let take = left.min(theirs.abs());
            if take == theirs.abs() {
                self.ranking_at += 1;
            }
            let delta = if pos > 0 { -take } else { take };
            self.adl_trade(a, c, inst, delta, price);
            self.touch(c, asset);
            sink.push(Event::Deleveraged {
                account,
                counterparty: self.accounts.get(c).id,
                instrument: InstrumentId(inst),
                qty: -delta,
                price,
            });
            left -= take;
        }
    }

    /// Builds the deleveraging queue of the positions opposing a liquidated long (`long`) or
    /// short in `inst`: unrealized PnL at `value_per_lot` (reference x tick-lot), most
    /// profitable first, ties by account creation order.
    fn rank(&mut self, inst: u32, long: bool, value_per_lot: i128) {
        let mut ranking = std::mem::take(&mut self.ranking);
        ranking.clear();
        for c in 0..self.accounts.len() {
            let p = self.accounts.get(c).position(inst);
            if p.qty != 0 && (p.qty > 0) != long {
                ranking.push(((p.qty as i128) * value_per_lot - p.entry.0, c));
            }
        }
        ranking.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        self.ranking = ranking;
        self.ranking_key = Some((inst, long));
        self.ranking_at = 0;
    }

    /// Closes `delta` lots of `a`'s position (and `-delta` of `c`'s) at `price`, no fee.
    fn adl_trade(&mut self, a: u32, c: u32, inst: u32, delta: i64, price: Price) {
        let i = &self.instruments[inst as usize];
        let (quote, qptl) = (i.quote, i.quote_per_tick_lot.0);
        for (who, d) in [(a, delta), (c, -delta)] {
            let acct = self.accounts.get_mut(who);
            let pnl = crate::settle::trade_position(acct.position_mut(inst), d, price, qptl);
            acct.balance_mut(quote).available += pnl;
        }
    }
}

/// The client order id of liquidation orders in trade events.
fn liquidation_id() -> ClientOrderId {
    ClientOrderId::new("liquidation").expect("a valid client order id")
}
