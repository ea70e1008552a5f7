//! The pre-trade margin check of derivative orders (cross margin per settlement asset).
//!
//! Derivative orders hold nothing; instead a new order (or an amend) is accepted only if
//!
//! ```text
//! equity - initial margin >= 0
//! equity = available balance of the settlement asset
//!        + unrealized PnL of every position settled in it (qty x reference x tick-lot - entry)
//! initial margin = sum over the derivative instruments settled in it of
//!        ceil(max(|pos + open buys|, |pos - open sells|) x P x tick-lot x initial_bps / 10000)
//! ```
//!
//! counting the new order (or the amended order in its new form) among the open orders: each
//! instrument is margined on its worse side as if every open order on that side filled. The
//! reference price is the mark when one is set, else the last trade. `P` is the largest of the
//! reference and the limit prices of the account's open orders in the instrument (and of the new
//! order; a market order counts the best opposite price). Held balances (spot orders) are not
//! equity. Requirements round up, so margin is never understated; overflow rejects.

use crate::Engine;
use tradestream_model::{AssetId, Price, Qty, Side};

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

impl Engine {
    /// True when the account (`NIL`: not created yet) can take on `extra`.
    pub(crate) fn margin_ok(&self, acct: u32, extra: Extra) -> bool {
        let quote: AssetId = self.instruments[extra.inst as usize].quote;
        let account = self.accounts.try_get(acct);
        let mut equity: i128 = account.map_or(0, |a| a.balance(quote).available.0);
        let mut required: i128 = 0;
        for (idx, i) in self.instruments.iter().enumerate() {
            let idx = idx as u32;
            if !i.derivative || i.quote != quote {
                continue;
            }
            let pos = account.map_or(0, |a| a.position(idx).qty) as i128;
            let entry = account.map_or(0, |a| a.position(idx).entry.0);
            let reference = i.mark.or(i.last_trade).map_or(0, |p| p.0 as i128);
            let (mut buys, mut sells, mut top) = (0i128, 0i128, reference);
            if let Some(a) = account {
                for slot in a.open_slots(&self.arena) {
                    let o = self.arena.get(slot);
                    if o.instrument != idx || slot == extra.replaces {
                        continue;
                    }
                    match o.side {
                        Side::Buy => buys += o.leaves.0 as i128,
                        Side::Sell => sells += o.leaves.0 as i128,
                    }
                    top = top.max(o.price.0 as i128);
                }
            }
            if idx == extra.inst {
                match extra.side {
                    Side::Buy => buys += extra.qty.0 as i128,
                    Side::Sell => sells += extra.qty.0 as i128,
                }
                top = top.max(extra.price.0 as i128);
            }
            if pos == 0 && buys == 0 && sells == 0 {
                continue;
            }
            let qptl = i.quote_per_tick_lot.0;
            if pos != 0 {
                let value = pos.saturating_mul(reference).saturating_mul(qptl);
                equity = equity.saturating_add(value.saturating_sub(entry));
            }
            let exposure = (pos + buys).abs().max((pos - sells).abs());
            let bps = i.spec.kind.margin().map_or(0, |m| m.initial_bps) as i128;
            let notional = exposure.saturating_mul(top).saturating_mul(qptl);
            let im = notional.saturating_mul(bps);
            let im = im / 10_000 + i128::from(im % 10_000 != 0);
            required = required.saturating_add(im);
        }
        equity.saturating_sub(required) >= 0
    }
}
