//! Cross margin per settlement asset: equity, initial and maintenance margin of an account.
//!
//! ```text
//! equity      = available balance of the settlement asset
//!             + unrealized PnL of every position settled in it (qty x reference x tick-lot - entry)
//! reference   = the mark when one is set, else the last trade
//! ```
//!
//! Per derivative instrument settled in the asset, counting the account's open orders as if every
//! order on one side filled (the worse side counts):
//!
//! - futures, perpetuals, compute futures: initial = `|pos x ref + sum(leaves x price)|` (the
//!   buy side; the sell side `|pos x ref - sum(leaves x price)|`) x tick-lot x `initial_bps`,
//!   plus the side's immediate loss against the reference, order by order (each buy above it,
//!   each sell below it; an order on the good side of the reference offsets nothing);
//!   maintenance = `|pos| x ref x tick-lot x maintenance_bps` (orders do not count);
//! - options: the loss in the worst scenario of the journaled risk array (each scenario values
//!   the option; orders count at their own prices), times `initial_bps` / `maintenance_bps`
//!   (maintenance over positions only). An option without a risk array cannot be margined: any
//!   exposure to it makes the requirement unbounded;
//! - binaries: the loss if the contract resolves against the account (scenarios 0 and 1), in
//!   full, for initial (with orders) and maintenance (positions only).
//!
//! All requirements round up, so margin is never understated; arithmetic saturates, so an
//! overflow can only make a requirement larger. Held balances (spot orders) are not equity.

use crate::accounts::Account;
use crate::instruments::Instrument;
use crate::Engine;
use tradestream_model::{AssetId, InstrumentKind, Price, Qty, Side, RISK_SCENARIOS};

/// An order being added to (or replacing one of) the account's open orders.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extra {
    /// Instrument index.
    pub inst: u32,
    /// Side.
    pub side: Side,
    /// Price it is margined at.
    pub price: Price,
    /// Quantity still to fill.
    pub qty: Qty,
    /// An open order's slot to leave out (the order being amended), or `NIL`.
    pub replaces: u32,
}

/// An account's margin position in one settlement asset, units of 10^-18.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Risk {
    /// Available balance of the settlement asset.
    pub balance: i128,
    /// Unrealized PnL of the positions at the reference prices.
    pub unrealized: i128,
    /// Initial margin of positions and open orders.
    pub initial: i128,
    /// Maintenance margin of positions.
    pub maintenance: i128,
}

impl Risk {
    /// Balance plus unrealized PnL.
    pub fn equity(&self) -> i128 {
        self.balance.saturating_add(self.unrealized)
    }
}

/// One instrument's open orders of one account, summed per side.
#[derive(Debug, Clone, Copy, Default)]
struct Orders {
    buys: i128,
    buy_value: i128,
    sells: i128,
    sell_value: i128,
    /// Immediate loss of the buys against the reference, order by order (above it only).
    buy_loss: i128,
    /// Immediate loss of the sells (below the reference only).
    sell_loss: i128,
}

/// A requirement too large to meet (an option without a risk array).
const UNBOUNDED: i128 = i128::MAX / 4;

impl Engine {
    /// True when the account (`NIL`: not created yet) can take on `extra`.
    pub(crate) fn margin_ok(&self, acct: u32, extra: Extra) -> bool {
        let quote = self.instruments[extra.inst as usize].quote;
        let r = self.risk(acct, quote, Some(extra), 0);
        r.equity().saturating_sub(r.initial) >= 0
    }

    /// The account's margin in `asset` over its positions only (no open orders): what
    /// liquidation compares.
    pub(crate) fn held_risk(&self, acct: u32, asset: AssetId) -> Risk {
        self.risk_with(acct, asset, None, 0, false)
    }

    /// The account's margin in `asset`, with `extra` among its open orders and `balance_delta`
    /// added to its balance (a withdrawal being checked).
    pub(crate) fn risk(
        &self,
        acct: u32,
        asset: AssetId,
        extra: Option<Extra>,
        balance_delta: i128,
    ) -> Risk {
        self.risk_with(acct, asset, extra, balance_delta, true)
    }

    fn risk_with(
        &self,
        acct: u32,
        asset: AssetId,
        extra: Option<Extra>,
        balance_delta: i128,
        with_orders: bool,
    ) -> Risk {
        let Some(account) = self.accounts.try_get(acct) else {
            return match extra {
                Some(x) => self.instrument_risk(x.inst, 0, 0, self.extra_orders(x)),
                None => Risk::default(),
            };
        };
        let mut total = Risk {
            balance: account.balance(asset).available.0 + balance_delta,
            ..Risk::default()
        };
        let mut extra_seen = false;
        for p in &account.positions {
            let i = &self.instruments[p.instrument as usize];
            if !i.derivative || i.quote != asset {
                continue;
            }
            let mut orders = match with_orders {
                true => self.open_orders_of(account, p.instrument, extra),
                false => Orders::default(),
            };
            if let Some(x) = extra.filter(|x| x.inst == p.instrument) {
                extra_seen = true;
                add_order(
                    &mut orders,
                    x.side,
                    x.price,
                    x.qty,
                    self.reference_of(x.inst),
                );
            }
            if p.qty == 0 && orders.buys == 0 && orders.sells == 0 {
                continue;
            }
            add(
                &mut total,
                self.instrument_risk(p.instrument, p.qty, p.entry.0, orders),
            );
        }
        if let Some(x) = extra.filter(|_| !extra_seen) {
            add(
                &mut total,
                self.instrument_risk(x.inst, 0, 0, self.extra_orders(x)),
            );
        }
        total
    }

    fn extra_orders(&self, x: Extra) -> Orders {
        let mut o = Orders::default();
        add_order(&mut o, x.side, x.price, x.qty, self.reference_of(x.inst));
        o
    }

    /// The account's open orders in `inst`, leaving out the one `extra` replaces.
    fn open_orders_of(&self, account: &Account, inst: u32, extra: Option<Extra>) -> Orders {
        let replaces = extra.map_or(crate::arena::NIL, |x| x.replaces);
        let mut orders = Orders::default();
        if account.open_orders == 0 {
            return orders;
        }
        let reference = self.reference_of(inst);
        for slot in account.open_slots(&self.arena) {
            let o = self.arena.get(slot);
            if o.instrument == inst && slot != replaces {
                add_order(&mut orders, o.side, o.price, o.leaves, reference);
            }
        }
        orders
    }

    /// The instrument's reference price in ticks, if it has one.
    fn reference_of(&self, inst: u32) -> Option<i128> {
        self.instruments[inst as usize]
            .reference()
            .map(|p| p.0 as i128)
    }

    /// One instrument's contribution (balance 0).
    fn instrument_risk(&self, inst: u32, pos: i64, entry: i128, orders: Orders) -> Risk {
        let i = &self.instruments[inst as usize];
        let qptl = i.quote_per_tick_lot.0;
        let reference = i.reference().map_or(0, |p| p.0 as i128);
        let pos = pos as i128;
        let unrealized = if pos == 0 {
            0
        } else {
            pos.saturating_mul(reference)
                .saturating_mul(qptl)
                .saturating_sub(entry)
        };
        let (initial, maintenance) = match i.spec.kind {
            InstrumentKind::Option { margin, .. } => match i.risk {
                Some(values) => {
                    let (all, held) = losses(&values, pos, reference, orders);
                    (
                        share(all.saturating_mul(qptl), margin.initial_bps),
                        share(held.saturating_mul(qptl), margin.maintenance_bps),
                    )
                }
                None => (UNBOUNDED, if pos == 0 { 0 } else { UNBOUNDED }),
            },
            InstrumentKind::Binary { .. } => {
                let values = [0, i.unit];
                let (all, held) = losses(&values, pos, reference, orders);
                (all.saturating_mul(qptl), held.saturating_mul(qptl))
            }
            kind => {
                let m = kind.margin().unwrap_or_default();
                let value = pos.saturating_mul(reference);
                let buy = value.saturating_add(orders.buy_value).abs();
                let sell = value.saturating_sub(orders.sell_value).abs();
                // Immediate losses, order by order: buying above the reference, selling below
                // it (none before the instrument has a price at all).
                let (buy_loss, sell_loss) = (orders.buy_loss, orders.sell_loss);
                let im_buy = share(buy.saturating_mul(qptl), m.initial_bps)
                    .saturating_add(buy_loss.saturating_mul(qptl));
                let im_sell = share(sell.saturating_mul(qptl), m.initial_bps)
                    .saturating_add(sell_loss.saturating_mul(qptl));
                let mm = share(
                    pos.abs().saturating_mul(reference).saturating_mul(qptl),
                    m.maintenance_bps,
                );
                (im_buy.max(im_sell), mm)
            }
        };
        Risk {
            balance: 0,
            unrealized,
            initial,
            maintenance,
        }
    }
}

impl Instrument {
    /// The price positions are valued at: the mark when set, else the last trade.
    pub fn reference(&self) -> Option<Price> {
        self.mark.or(self.last_trade)
    }
}

fn add(total: &mut Risk, r: Risk) {
    total.unrealized = total.unrealized.saturating_add(r.unrealized);
    total.initial = total.initial.saturating_add(r.initial);
    total.maintenance = total.maintenance.saturating_add(r.maintenance);
}

/// Adds an order to its side's sums; `reference` (the instrument's, if any) gives its immediate
/// loss.
fn add_order(o: &mut Orders, side: Side, price: Price, qty: Qty, reference: Option<i128>) {
    let (q, p) = (qty.0 as i128, price.0 as i128);
    let v = q.saturating_mul(p);
    let loss = |worse_by: i128| q.saturating_mul(worse_by.max(0));
    match side {
        Side::Buy => {
            o.buys += q;
            o.buy_value = o.buy_value.saturating_add(v);
            o.buy_loss = o
                .buy_loss
                .saturating_add(reference.map_or(0, |r| loss(p - r)));
        }
        Side::Sell => {
            o.sells += q;
            o.sell_value = o.sell_value.saturating_add(v);
            o.sell_loss = o
                .sell_loss
                .saturating_add(reference.map_or(0, |r| loss(r - p)));
        }
    }
}

/// The largest loss in ticks x lots (never negative) over the scenarios, of the position moved
/// from `reference` to each scenario value and, with `with_orders`, of either side's open orders
/// filled at their prices and valued at the scenario.
fn scenario_loss(values: &[i64], pos: i128, reference: i128, o: Orders, with_orders: bool) -> i128 {
    debug_assert!(values.len() <= RISK_SCENARIOS);
    let mut worst: i128 = 0;
    for &v in values {
        let v = v as i128;
        let held = pos.saturating_mul(v - reference);
        let mut pnl = held;
        if with_orders {
            let buys = o.buys.saturating_mul(v).saturating_sub(o.buy_value);
            let sells = o.sell_value.saturating_sub(o.sells.saturating_mul(v));
            pnl = pnl
                .min(held.saturating_add(buys))
                .min(held.saturating_add(sells));
        }
        worst = worst.min(pnl);
    }
    -worst
}

/// The worst scenario loss with the orders (initial) and of the position alone (maintenance);
/// without orders they are the same walk.
fn losses(values: &[i64], pos: i128, reference: i128, orders: Orders) -> (i128, i128) {
    // The position alone loses most at the lowest value (long) or the highest (short).
    let worst = match pos > 0 {
        true => values.iter().min(),
        false => values.iter().max(),
    };
    let held = worst.map_or(0, |&v| pos.saturating_mul(reference - v as i128).max(0));
    if orders.buys == 0 && orders.sells == 0 {
        return (held, held);
    }
    (scenario_loss(values, pos, reference, orders, true), held)
}

/// `amount x bps / 10000`, rounded up.
fn share(amount: i128, bps: u32) -> i128 {
    let x = amount.saturating_mul(bps as i128);
    x / 10_000 + i128::from(x % 10_000 > 0)
}
