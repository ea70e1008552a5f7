//! "When several apply, the first of this list is given: `unknown_symbol`; `duplicate_id` (new)
//! or `unknown_order` (cancel, amend: no open order with that id); `invalid_price`;
//! `invalid_qty`; `invalid_expire`; `too_many_orders`; `post_only_would_cross`; `fok_unfilled`;
//! `insufficient_balance`", extended by docs/simulate.md for `new` with `price_band`, `max_qty`,
//! `max_notional` after `invalid_expire` and `engine_capacity` after `too_many_orders`.
//!
//! One test per adjacent pair of the extended list (and of the contract's own list where the
//! extension put something between), each with an order that violates both.

use crate::support::*;

const BAND_QTY_NOTIONAL: &str = r#"{"op":"controls","symbol":"BTC-USD","price_band_bps":1000,"reference_price":"100","max_qty":"10","max_notional":"500"}"#;

// ----- new ------------------------------------------------------------------------------------

#[test]
fn unknown_symbol_before_duplicate_id() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            new_order("NOPE", 1, "a", "buy", "limit", Some("100"), "1", ""),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 1, "a", "unknown_symbol"),
        ],
    );
}

#[test]
fn duplicate_id_before_invalid_price() {
    check(
        &ls![buy(1, "a", "100", "1"), buy(1, "a", "100.25", "1")],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 1, "a", "duplicate_id"),
        ],
    );
}

#[test]
fn invalid_price_before_invalid_qty() {
    check(
        &ls![buy(1, "a", "100.25", "0"), sell(1, "b", "-1", "0.001")],
        &ls![
            rej(1, 1, "a", "invalid_price"),
            rej(2, 1, "b", "invalid_price"),
        ],
    );
}

#[test]
fn invalid_qty_before_invalid_expire() {
    check(
        &ls![buy_x(1, "a", "100", "0.001", r#""tif":"gtd","expire":0"#)],
        &ls![rej(1, 1, "a", "invalid_qty")],
    );
}

#[test]
fn invalid_expire_before_price_band() {
    check(
        &ls![
            BAND_QTY_NOTIONAL,
            buy_x(1, "a", "150", "1", r#""tif":"gtd","expire":0"#),
        ],
        &ls![rej(2, 1, "a", "invalid_expire")],
    );
}

#[test]
fn price_band_before_max_qty() {
    check(
        &ls![BAND_QTY_NOTIONAL, buy(1, "a", "150", "20")],
        &ls![rej(2, 1, "a", "price_band")],
    );
}

#[test]
fn max_qty_before_max_notional() {
    check(
        &ls![BAND_QTY_NOTIONAL, buy(1, "a", "100", "20")],
        &ls![rej(2, 1, "a", "max_qty")],
    );
}

#[test]
fn max_notional_before_too_many_orders() {
    check_with(
        &opts(1, 1_000_000),
        &ls![
            BAND_QTY_NOTIONAL,
            buy(1, "open", "95", "1"),
            buy(1, "a", "100", "6"),
        ],
        &ls![
            acc(2, 1, "open", "buy", "95", "1"),
            rej(3, 1, "a", "max_notional"),
        ],
    );
}

#[test]
fn invalid_expire_before_too_many_orders() {
    check_with(
        &opts(1, 1_000_000),
        &ls![
            buy(1, "open", "95", "1"),
            buy_x(1, "a", "100", "1", r#""tif":"gtd","expire":0"#),
        ],
        &ls![
            acc(1, 1, "open", "buy", "95", "1"),
            rej(2, 1, "a", "invalid_expire"),
        ],
    );
}

#[test]
fn too_many_orders_before_engine_capacity() {
    check_with(
        &opts(1, 1),
        &ls![buy(1, "open", "95", "1"), buy(1, "a", "96", "1")],
        &ls![
            acc(1, 1, "open", "buy", "95", "1"),
            rej(2, 1, "a", "too_many_orders"),
        ],
    );
}

#[test]
fn engine_capacity_before_post_only_would_cross() {
    check_with(
        &opts(10, 1),
        &ls![
            sell(2, "ask", "100", "1"),
            buy_x(1, "a", "100", "1", r#""post_only":true"#),
        ],
        &ls![
            acc(1, 2, "ask", "sell", "100", "1"),
            rej(2, 1, "a", "engine_capacity"),
        ],
    );
}

#[test]
fn too_many_orders_before_post_only_would_cross() {
    check_with(
        &opts(1, 1_000_000),
        &ls![
            buy(1, "open", "90", "1"),
            sell(2, "ask", "100", "1"),
            buy_x(1, "a", "100", "1", r#""post_only":true"#),
        ],
        &ls![
            acc(1, 1, "open", "buy", "90", "1"),
            acc(2, 2, "ask", "sell", "100", "1"),
            rej(3, 1, "a", "too_many_orders"),
        ],
    );
}

#[test]
fn post_only_would_cross_before_fok_unfilled() {
    check(
        &ls![
            sell(2, "ask", "100", "1"),
            buy_x(1, "a", "100", "2", r#""post_only":true,"tif":"fok""#),
        ],
        &ls![
            acc(1, 2, "ask", "sell", "100", "1"),
            rej(2, 1, "a", "post_only_would_cross"),
        ],
    );
}

#[test]
fn post_only_would_cross_before_insufficient_balance() {
    check(
        &ls![
            sell(2, "ask", "100", "1"),
            buy_x(4, "a", "100", "1", r#""post_only":true"#),
        ],
        &ls![
            acc(1, 2, "ask", "sell", "100", "1"),
            rej(2, 4, "a", "post_only_would_cross"),
        ],
    );
}

#[test]
fn fok_unfilled_before_insufficient_balance() {
    check(
        &ls![
            sell(2, "ask", "100", "1"),
            buy_x(4, "a", "100", "2", r#""tif":"fok""#),
            sell_x(4, "b", "90", "2", r#""tif":"fok""#),
        ],
        &ls![
            acc(1, 2, "ask", "sell", "100", "1"),
            rej(2, 4, "a", "fok_unfilled"),
            rej(3, 4, "b", "fok_unfilled"),
        ],
    );
}

#[test]
fn insufficient_balance_is_last() {
    // An order with no other problem and no funds; and a fillable FOK without funds.
    check(
        &ls![
            sell(2, "ask", "100", "1"),
            buy(4, "a", "99", "1"),
            buy_x(4, "b", "100", "1", r#""tif":"fok""#),
        ],
        &ls![
            acc(1, 2, "ask", "sell", "100", "1"),
            rej(2, 4, "a", "insufficient_balance"),
            rej(3, 4, "b", "insufficient_balance"),
        ],
    );
}

#[test]
fn many_problems_at_once_give_the_first() {
    // Unknown symbol, zero price, zero qty, bad expiry, no funds: unknown_symbol.
    // Known symbol and the rest: invalid_price.
    check(
        &ls![
            new_order(
                "NOPE",
                4,
                "a",
                "buy",
                "limit",
                Some("0"),
                "0",
                r#""tif":"gtd","expire":0,"post_only":true"#
            ),
            new_order(
                "BTC-USD",
                4,
                "a",
                "buy",
                "limit",
                Some("0"),
                "0",
                r#""tif":"gtd","expire":0,"post_only":true"#
            ),
            new_order(
                "BTC-USD",
                4,
                "a",
                "buy",
                "limit",
                Some("1"),
                "0",
                r#""tif":"gtd","expire":0,"post_only":true"#
            ),
            new_order(
                "BTC-USD",
                4,
                "a",
                "buy",
                "limit",
                Some("1"),
                "1",
                r#""tif":"gtd","expire":0,"post_only":true"#
            ),
        ],
        &ls![
            rej(1, 4, "a", "unknown_symbol"),
            rej(2, 4, "a", "invalid_price"),
            rej(3, 4, "a", "invalid_qty"),
            rej(4, 4, "a", "invalid_expire"),
        ],
    );
}

// ----- cancel and amend -------------------------------------------------------------------------

#[test]
fn cancel_unknown_symbol_before_unknown_order() {
    check(
        &ls![cancel_s("NOPE", 1, "zz")],
        &ls![rej(1, 1, "zz", "unknown_symbol")],
    );
}

#[test]
fn amend_unknown_symbol_before_unknown_order() {
    check(
        &ls![amend_s("NOPE", 1, "zz", Some("0"), Some("0"))],
        &ls![rej(1, 1, "zz", "unknown_symbol")],
    );
}

#[test]
fn amend_unknown_order_before_invalid_price() {
    check(
        &ls![amend(1, "zz", Some("100.25"), Some("0"))],
        &ls![rej(1, 1, "zz", "unknown_order")],
    );
}

#[test]
fn amend_invalid_price_before_invalid_qty() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            amend(1, "a", Some("100.25"), Some("0"))
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 1, "a", "invalid_price"),
        ],
    );
}

#[test]
fn amend_invalid_qty_before_post_only_would_cross() {
    // p has 1 filled; qty 1 is not above it, and the new price would cross.
    check(
        &ls![
            buy_x(1, "p", "99", "3", r#""post_only":true"#),
            sell(2, "s", "99", "1"),
            sell(3, "ask", "100", "1"),
            amend(1, "p", Some("100"), Some("1")),
        ],
        &ls![
            acc(1, 1, "p", "buy", "99", "3"),
            acc(2, 2, "s", "sell", "99", "1"),
            trd(2, "99", "1", 1, "p", 2, "s", "sell"),
            fill(2, 2, "s"),
            acc(3, 3, "ask", "sell", "100", "1"),
            rej(4, 1, "p", "invalid_qty"),
        ],
    );
}

#[test]
fn amend_post_only_would_cross_before_insufficient_balance() {
    check(
        &ls![
            deposit(4, "USD", "100"),
            buy_x(4, "p", "99", "1", r#""post_only":true"#),
            sell(2, "ask", "100", "1"),
            amend(4, "p", Some("100"), Some("2")),
        ],
        &ls![
            acc(2, 4, "p", "buy", "99", "1"),
            acc(3, 2, "ask", "sell", "100", "1"),
            rej(4, 4, "p", "post_only_would_cross"),
        ],
    );
}
