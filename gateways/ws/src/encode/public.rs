//! Public stream messages: `book.*`, `bbo.*`, `trades.*`, `status.*`.

use crate::catalog::Listing;
use crate::json::{array, Obj};
use tradestream_marketdata::{Bbo, LevelChange, Trade};
use tradestream_model::{Price, Qty, Side};

fn level(w: &mut Vec<u8>, l: &Listing, p: Price, q: Qty) {
    w.extend_from_slice(b"[\"");
    l.write_price(p, w);
    w.extend_from_slice(b"\",\"");
    l.write_qty(q, w);
    w.extend_from_slice(b"\"]");
}

fn head<'a>(out: &'a mut Vec<u8>, channel: &str, kind: &str, seq: u64) -> Obj<'a> {
    let mut o = Obj::new(out);
    o.str("channel", channel).str("type", kind).uint("seq", seq);
    o
}

/// A book snapshot: every level given, best first.
pub fn book_snapshot(
    out: &mut Vec<u8>,
    channel: &str,
    seq: u64,
    l: &Listing,
    bids: &[(Price, Qty)],
    asks: &[(Price, Qty)],
) {
    let mut o = head(out, channel, "snapshot", seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        d.with("bids", |w| array(w, bids, |w, &(p, q)| level(w, l, p, q)));
        d.with("asks", |w| array(w, asks, |w, &(p, q)| level(w, l, p, q)));
        d.end();
    });
    o.end();
}

/// A book update: the new quantity of each changed level (`"0"`: gone).
pub fn book_update(
    out: &mut Vec<u8>,
    channel: &str,
    seq: u64,
    l: &Listing,
    changes: &[LevelChange],
    ts: i64,
) {
    let mut o = head(out, channel, "update", seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        for (key, side) in [("bids", Side::Buy), ("asks", Side::Sell)] {
            d.with(key, |w| {
                array(w, changes.iter().filter(|c| c.side == side), |w, c| {
                    level(w, l, c.price, c.qty)
                })
            });
        }
        d.int("ts", ts);
        d.end();
    });
    o.end();
}

/// A best bid and offer message (`snapshot` or `update`).
pub fn bbo(out: &mut Vec<u8>, channel: &str, kind: &str, seq: u64, l: &Listing, b: &Bbo, ts: i64) {
    let mut o = head(out, channel, kind, seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        for (key, side) in [("bid", b.bid), ("ask", b.ask)] {
            match side {
                Some((p, q)) => d.with(key, |w| level(w, l, p, q)),
                None => d.null(key),
            };
        }
        d.int("ts", ts);
        d.end();
    });
    o.end();
}

/// A trade.
pub fn trade(out: &mut Vec<u8>, channel: &str, seq: u64, l: &Listing, t: &Trade) {
    let mut o = head(out, channel, "update", seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        d.uint("trade_id", t.trade_id.0)
            .dec("price", |w| l.write_price(t.price, w))
            .dec("qty", |w| l.write_qty(t.qty, w))
            .str("taker_side", t.taker_side.as_str())
            .int("ts", t.ts.0);
        d.end();
    });
    o.end();
}

/// A trading status message (`snapshot` or `update`).
pub fn status(out: &mut Vec<u8>, channel: &str, kind: &str, seq: u64, halted: bool, ts: i64) {
    let mut o = head(out, channel, kind, seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        d.bool("halted", halted).int("ts", ts);
        d.end();
    });
    o.end();
}
