//! Settlement of one trade between two accounts, fees to the fee account.
//!
//! The buyer receives base and pays quote; the seller the reverse. Each side pays its fee in the
//! asset it receives (`received x bps / 10000`, truncated toward zero; negative rates are rebates
//! paid by the fee account), so holds stay exactly `price x qty` (buys) and `qty` (sells).

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

    fn add_fee(&mut self, asset: tradestream_model::AssetId, fee: Amount) {
        if fee.0 != 0 {
            self.fees[asset.0 as usize] += fee;
        }
    }
}
