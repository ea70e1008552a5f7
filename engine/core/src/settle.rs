//! Settlement of one trade between two accounts, fees to the fee account.
//!
//! The buyer receives base and pays quote; the seller the reverse. Each side pays its fee in the
//! asset it receives (`received x bps / 10000`, truncated toward zero; negative rates are rebates
//! paid by the fee account), so holds stay exactly `price x qty` (buys) and `qty` (sells).
//!
//! Derivatives move no base asset: the trade changes both accounts' positions (signed lots with
//! their entry notional), and each side pays its fee in the settlement (quote) asset on the
//! notional. Reducing or flipping a position books realized PnL into the settlement balance:
//! closing `c` of `|q|` lots removes `ceil(entry x c / |q|)` (signed ceiling) of the entry
//! notional, so a partial close's realized PnL rounds toward negative infinity (never creates
//! value) and the remainder stays in the position: over a position's life realized PnL is exact.
//! Per settlement asset, `balances + fees - sum of entry notionals` is unchanged by every trade.

use crate::Engine;
use tradestream_model::{Amount, Price, Qty};

/// How one side of a trade pays.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Payer {
    /// Account index.
    pub account: u32,
    /// `Some(limit)` when the side pays from a hold taken at `limit` (a limit order): a buyer's
    /// hold was `limit x qty`, so the price improvement returns to available. `None`: the side
    /// pays from available (market orders).
    pub held_at: Option<Price>,
    /// Fee rate of this side (maker or taker), basis points.
    pub fee_bps: i32,
}

impl Engine {
    /// Moves the assets of a trade of `qty` at `price` on instrument `inst`.
    pub(crate) fn settle(
        &mut self,
        inst: u32,
        price: Price,
        qty: Qty,
        buyer: Payer,
        seller: Payer,
    ) {
        let i = &self.instruments[inst as usize];
        if i.derivative {
            return self.settle_derivative(inst, price, qty, buyer, seller);
        }
        let (base, quote, qptl, bpl) = (i.base, i.quote, i.quote_per_tick_lot.0, i.base_per_lot.0);
        let q = qty.0 as i128;
        let base_amount = Amount(q * bpl);
        let quote_amount = Amount(price.0 as i128 * q * qptl);

        let buyer_fee = base_amount.fee_bps(buyer.fee_bps);
        {
            let acct = self.accounts.get_mut(buyer.account);
            let qb = acct.balance_mut(quote);
            match buyer.held_at {
                Some(limit) => {
                    let held = Amount(limit.0 as i128 * q * qptl);
                    qb.held -= held;
                    qb.available += held - quote_amount;
                }
                None => qb.available -= quote_amount,
            }
            acct.balance_mut(base).available += base_amount - buyer_fee;
        }

        let seller_fee = quote_amount.fee_bps(seller.fee_bps);
        {
            let acct = self.accounts.get_mut(seller.account);
            let bb = acct.balance_mut(base);
            match seller.held_at {
                Some(_) => bb.held -= base_amount,
                None => bb.available -= base_amount,
            }
            acct.balance_mut(quote).available += quote_amount - seller_fee;
        }

        self.add_fee(base, buyer_fee);
        self.add_fee(quote, seller_fee);
    }

    fn settle_derivative(
        &mut self,
        inst: u32,
        price: Price,
        qty: Qty,
        buyer: Payer,
        seller: Payer,
    ) {
        let i = &self.instruments[inst as usize];
        let (quote, qptl) = (i.quote, i.quote_per_tick_lot.0);
        let notional = Amount(price.0 as i128 * qty.0 as i128 * qptl);
        for (payer, delta) in [(buyer, qty.0), (seller, -qty.0)] {
            let fee = notional.fee_bps(payer.fee_bps);
            let acct = self.accounts.get_mut(payer.account);
            let realized = trade_position(acct.position_mut(inst), delta, price, qptl);
            acct.balance_mut(quote).available += realized - fee;
            self.add_fee(quote, fee);
            self.touch(payer.account, quote);
        }
    }

    fn add_fee(&mut self, asset: tradestream_model::AssetId, fee: Amount) {
        if fee.0 != 0 {
            self.fees[asset.0 as usize] += fee;
        }
    }
}

/// Applies a trade of `delta` lots (positive: bought) at `price` to a position; returns the
/// realized PnL (see the module documentation for the rounding).
pub(crate) fn trade_position(
    p: &mut crate::accounts::Position,
    delta: i64,
    price: Price,
    qptl: i128,
) -> Amount {
    let sign: i128 = if delta > 0 { 1 } else { -1 };
    let mut realized = 0i128;
    let mut open = delta.unsigned_abs() as i128;
    if p.qty != 0 && (p.qty > 0) != (delta > 0) {
        let held = p.qty.unsigned_abs() as i128;
        let close = open.min(held);
        let removed = if close == held {
            p.entry.0
        } else {
            ceil_div(p.entry.0 * close, held)
        };
        realized = -removed - sign * price.0 as i128 * close * qptl;
        p.entry.0 -= removed;
        p.qty += (sign * close) as i64;
        open -= close;
    }
    if open > 0 {
        p.qty += (sign * open) as i64;
        p.entry.0 += sign * price.0 as i128 * open * qptl;
    }
    Amount(realized)
}

/// `a / b` rounded toward positive infinity, `b > 0`.
fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) == 0 {
        q
    } else {
        q + 1
    }
}

#[cfg(test)]
mod tests {
    use super::trade_position;
    use crate::accounts::Position;
    use tradestream_model::{Amount, Price};

    fn pos(qty: i64, entry: i128) -> Position {
        Position {
            instrument: 0,
            qty,
            entry: Amount(entry),
        }
    }

    #[test]
    fn partial_closes_round_realized_pnl_down() {
        // Long 3 lots with entry 10 units: selling 1 at price 0 removes ceil(10/3) = 4.
        let mut p = pos(3, 10);
        assert_eq!(trade_position(&mut p, -1, Price(0), 1), Amount(-4));
        assert_eq!(p, pos(2, 6));
        // Short 3 lots with entry -10: buying 1 at price 0 removes ceil(-10/3) = -3, so the
        // short realizes 3, not 3.33.
        let mut p = pos(-3, -10);
        assert_eq!(trade_position(&mut p, 1, Price(0), 1), Amount(3));
        assert_eq!(p, pos(-2, -7));
        // Closing the rest removes the rest exactly.
        assert_eq!(trade_position(&mut p, 2, Price(0), 1), Amount(7));
        assert_eq!(p, pos(0, 0));
    }

    #[test]
    fn flips_close_then_open_at_the_trade_price() {
        // Long 2 at entry 20 (price 10, one unit per tick-lot); sell 5 at 12: realize 24 - 20,
        // then short 3 at entry -36.
        let mut p = pos(2, 20);
        assert_eq!(trade_position(&mut p, -5, Price(12), 1), Amount(4));
        assert_eq!(p, pos(-3, -36));
    }
}
