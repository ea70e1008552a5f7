//! The market-maker ops docs/simulate.md adds (issue 7): `quote`, `set_protection` and
//! `reset_protection`, their events (`quoted`, `protection_set`, `protection_tripped`,
//! `protection_reset`, `cancelled` with reasons `replaced` and `mm_protection`), the quote's
//! rejects (`crossed_quote`, `mm_protection`) and `error` for bad input. Not part of
//! shared/contracts/engine-jsonl.md (yet): docs/simulate.md records these choices.

use crate::support::*;

fn quote(acct: u64, id: &str, bid: Option<(&str, &str)>, ask: Option<(&str, &str)>) -> String {
    let mut s = format!(
        r#"{{"op":"quote","account":{acct},"symbol":"BTC-USD","id":{},"bid_id":{},"ask_id":{}"#,
        js(id),
        js(&format!("{id}b")),
        js(&format!("{id}a"))
    );
    for (name, side) in [("bid", bid), ("ask", ask)] {
        if let Some((price, qty)) = side {
            s.push_str(&format!(
                r#","{name}_price":{},"{name}_qty":{}"#,
                js(price),
                js(qty)
            ));
        }
    }
    s.push('}');
    s
}

fn protect(acct: u64, window_ms: u64, max_filled: &str, max_delta: &str, freeze_ms: u64) -> String {
    format!(
        r#"{{"op":"set_protection","account":{acct},"symbol":"BTC-USD","window_ms":{window_ms},"max_filled":{},"max_delta":{},"freeze_ms":{freeze_ms}}}"#,
        js(max_filled),
        js(max_delta)
    )
}

fn quoted(seq: u64, acct: u64, id: &str, bid: Option<u64>, ask: Option<u64>) -> String {
    let n = |o: Option<u64>| o.map_or("null".to_string(), |v| v.to_string());
    format!(
        r#"{{"seq":{seq},"event":"quoted","account":{acct},"id":{},"symbol":"BTC-USD","bid_order_id":{},"ask_order_id":{}}}"#,
        js(id),
        n(bid),
        n(ask)
    )
}

fn acc_q(
    seq: u64,
    acct: u64,
    id: &str,
    order_id: u64,
    side: &str,
    price: &str,
    qty: &str,
) -> String {
    format!(
        r#"{{"seq":{seq},"event":"accepted","account":{acct},"id":{},"order_id":{order_id},"symbol":"BTC-USD","side":"{side}","price":{},"qty":{}}}"#,
        js(id),
        js(price),
        js(qty)
    )
}

#[test]
fn a_quote_places_its_sides_and_the_next_one_replaces_them() {
    check(
        &ls![
            quote(1, "q1", Some(("100", "1.5")), Some(("101", "2"))),
            quote(1, "q2", Some(("99.5", "1")), None),
        ],
        &ls![
            acc_q(1, 1, "q1b", 1, "buy", "100", "1.5"),
            acc_q(1, 1, "q1a", 2, "sell", "101", "2"),
            quoted(1, 1, "q1", Some(1), Some(2)),
            cxl(2, 1, "q1b", "replaced", "1.5"),
            cxl(2, 1, "q1a", "replaced", "2"),
            acc_q(2, 1, "q2b", 3, "buy", "99.5", "1"),
            quoted(2, 1, "q2", Some(3), None),
        ],
    );
}

#[test]
fn quote_rejects_and_bad_input() {
    check(
        &ls![
            quote(1, "c", Some(("101", "1")), Some(("101", "1"))),
            quote(1, "p", Some(("100.2", "1")), Some(("101", "1"))),
            quote(1, "q", Some(("100", "0.001")), Some(("101", "1"))),
            quote(1, "n", None, None),
            r#"{"op":"quote","account":1,"symbol":"BTC-USD","id":"x","bid_id":"xb","ask_id":"xa","bid_qty":"1"}"#,
            r#"{"op":"quote","account":1,"symbol":"NOPE","id":"u","bid_id":"ub","ask_id":"ua","bid_price":"1","bid_qty":"1"}"#,
        ],
        &ls![
            rej(1, 1, "c", "crossed_quote"),
            rej(2, 1, "p", "invalid_price"),
            rej(3, 1, "q", "invalid_qty"),
            rej(4, 1, "n", "invalid_qty"),
            err(5),
            rej(6, 1, "u", "unknown_symbol"),
        ],
    );
}

#[test]
fn protection_trips_cancels_and_refuses_quotes_until_reset() {
    check(
        &ls![
            protect(1, 1000, "1", "0", 0),
            quote(1, "q", Some(("100", "2")), Some(("101", "2"))),
            sell(2, "s", "100", "1"),
            quote(1, "r", Some(("100", "1")), None),
            buy(1, "plain", "90", "1"),
            r#"{"op":"reset_protection","account":1,"symbol":"BTC-USD"}"#,
            quote(1, "r", Some(("100", "1")), None),
        ],
        &ls![
            r#"{"seq":1,"event":"protection_set","account":1,"symbol":"BTC-USD","window_ms":1000,"max_filled":"1","max_delta":"0","freeze_ms":0}"#,
            acc_q(2, 1, "qb", 1, "buy", "100", "2"),
            acc_q(2, 1, "qa", 2, "sell", "101", "2"),
            quoted(2, 1, "q", Some(1), Some(2)),
            acc(3, 2, "s", "sell", "100", "1"),
            trd(3, "100", "1", 1, "qb", 2, "s", "sell"),
            fill(3, 2, "s"),
            r#"{"seq":3,"event":"protection_tripped","account":1,"symbol":"BTC-USD","filled":"1","delta":"1","frozen_until":null}"#,
            cxl(3, 1, "qb", "mm_protection", "1"),
            cxl(3, 1, "qa", "mm_protection", "2"),
            rej(4, 1, "r", "mm_protection"),
            acc(5, 1, "plain", "buy", "90", "1"),
            r#"{"seq":6,"event":"protection_reset","account":1,"symbol":"BTC-USD"}"#,
            acc_q(7, 1, "rb", 5, "buy", "100", "1"),
            quoted(7, 1, "r", Some(5), None),
        ],
    );
}

#[test]
fn set_protection_input_errors() {
    check(
        &ls![
            protect(1, 1000, "0.001", "0", 0),
            r#"{"op":"set_protection","account":1,"symbol":"NOPE","window_ms":1,"max_filled":"1","max_delta":"1","freeze_ms":1}"#,
            r#"{"op":"set_protection","account":1,"symbol":"BTC-USD","window_ms":-1,"max_filled":"1","max_delta":"1","freeze_ms":1}"#,
            r#"{"op":"reset_protection","account":1,"symbol":"NOPE"}"#,
        ],
        &ls![err(1), err(2), err(3), err(4)],
    );
}
