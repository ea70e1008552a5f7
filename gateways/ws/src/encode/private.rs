//! Private stream messages: `orders`, `fills`, `balances`.

use crate::catalog::Listing;
use crate::core::accounts::OrderView;
use crate::json::Obj;
use tradestream_engine::Balance;
use tradestream_model::decimal::write_amount;
use tradestream_model::{ClientOrderId, Price, Qty, ShortName, Side, Timestamp, TradeId};

/// The envelope of a private message: `channel`, `"type":"update"`, the account's `seq` and
/// the `engine_seq`; the caller adds `data` and ends it.
pub(crate) fn head<'a>(out: &'a mut Vec<u8>, channel: &str, seq: u64, engine_seq: u64) -> Obj<'a> {
    let mut o = Obj::new(out);
    o.str("channel", channel)
        .str("type", "update")
        .uint("seq", seq)
        .uint("engine_seq", engine_seq);
    o
}

/// An `orders` update; `status` is `new`, `partially_filled`, `filled`, `cancelled` (with
/// `cancel_reason`) or `amended`.
#[allow(clippy::too_many_arguments)]
pub fn order(
    out: &mut Vec<u8>,
    seq: u64,
    engine_seq: u64,
    l: &Listing,
    id: &ClientOrderId,
    v: &OrderView,
    status: &str,
    cancel_reason: Option<&str>,
    ts: Timestamp,
) {
    let mut o = head(out, "orders", seq, engine_seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        crate::encode::order::fields(&mut d, l, id, v);
        d.str("status", status);
        if let Some(r) = cancel_reason {
            d.str("cancel_reason", r);
        }
        d.int("ts", ts.0);
        d.end();
    });
    o.end();
}

/// One side of a trade, for a `fills` update.
#[derive(Debug, Clone, Copy)]
pub struct Fill {
    /// Trade id.
    pub trade_id: TradeId,
    /// The account's order.
    pub id: ClientOrderId,
    /// The account's side.
    pub side: Side,
    /// Price.
    pub price: Price,
    /// Quantity.
    pub qty: Qty,
    /// `maker` or `taker`.
    pub liquidity: &'static str,
}

/// A `fills` update.
pub fn fill(out: &mut Vec<u8>, seq: u64, engine_seq: u64, l: &Listing, f: &Fill, ts: Timestamp) {
    let mut o = head(out, "fills", seq, engine_seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        d.uint("trade_id", f.trade_id.0)
            .str("client_order_id", f.id.as_str())
            .str("symbol", l.spec.symbol.as_str())
            .str("side", f.side.as_str())
            .dec("price", |w| l.write_price(f.price, w))
            .dec("qty", |w| l.write_qty(f.qty, w))
            .str("liquidity", f.liquidity)
            .int("ts", ts.0);
        d.end();
    });
    o.end();
}

/// A balance object (`asset`, `available`, `held`).
pub fn balance_fields(o: &mut Obj<'_>, asset: &ShortName, b: &Balance) {
    o.str("asset", asset.as_str())
        .dec("available", |w| write_amount(b.available, w))
        .dec("held", |w| write_amount(b.held, w));
}

/// A `balances` update.
pub fn balance(out: &mut Vec<u8>, seq: u64, engine_seq: u64, asset: &ShortName, b: &Balance) {
    let mut o = head(out, "balances", seq, engine_seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        balance_fields(&mut d, asset, b);
        d.end();
    });
    o.end();
}
