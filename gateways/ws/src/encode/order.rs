//! The order object shared by the logon snapshot, answers and the `orders` stream.

use crate::catalog::Listing;
use crate::core::accounts::OrderView;
use crate::json::Obj;
use tradestream_model::{ClientOrderId, OrderType, TimeInForce};

/// Writes the fields of an order.
pub fn fields(o: &mut Obj<'_>, l: &Listing, id: &ClientOrderId, v: &OrderView) {
    o.str("client_order_id", id.as_str())
        .uint("order_id", v.order_id.0)
        .str("symbol", l.spec.symbol.as_str())
        .str("side", v.side.as_str())
        .str(
            "type",
            match v.order_type {
                OrderType::Limit => "limit",
                OrderType::Market => "market",
            },
        );
    if v.order_type == OrderType::Limit {
        o.dec("price", |w| l.write_price(v.price, w));
    }
    o.dec("qty", |w| l.write_qty(v.qty, w))
        .dec("filled_qty", |w| l.write_qty(v.filled, w))
        .dec("leaves_qty", |w| l.write_qty(v.leaves, w));
    match v.tif {
        Some(TimeInForce::Gtc) => o.str("tif", "gtc"),
        Some(TimeInForce::Ioc) => o.str("tif", "ioc"),
        Some(TimeInForce::Fok) => o.str("tif", "fok"),
        Some(TimeInForce::Gtd(t)) => o.str("tif", "gtd").int("expire_at", t.0),
        None => o,
    };
    if let Some(p) = v.post_only {
        o.bool("post_only", p);
    }
}
