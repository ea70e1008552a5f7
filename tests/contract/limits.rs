//! Open-order limits and the pre-trade controls of docs/simulate.md.
//!
//! Contract: "An account may hold at most a configured number of open orders (at least 10,000 by
//! default); beyond it, `rejected` (`too_many_orders`)." docs: `engine_capacity` when the engine
//! already holds `--capacity` open orders; both "are checked for every new order, whatever its
//! `tif`". `controls`: `price_band_bps` around the last trade price (or `reference_price` before the
//! first trade), `max_qty`, `max_notional` (limit orders, price x qty); a market order stops at
//! the band and its remainder is cancelled with reason `price_band`.

use crate::support::*;

fn controls(fields: &str) -> String {
    if fields.is_empty() {
        r#"{"op":"controls","symbol":"BTC-USD"}"#.to_string()
    } else {
        format!(r#"{{"op":"controls","symbol":"BTC-USD",{fields}}}"#)
    }
}

// ----- too_many_orders --------------------------------------------------------------------------

#[test]
fn too_many_orders_beyond_the_configured_limit() {
    check_with(
        &opts(2, 1_000_000),
        &ls![
            buy(1, "a", "100", "1"),
            sell(1, "b", "200", "1"),
            buy(1, "c", "99", "1"),
            buy(2, "d", "99", "1"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 1, "b", "sell", "200", "1"),
            rej(3, 1, "c", "too_many_orders"),
            acc(4, 2, "d", "buy", "99", "1"),
        ],
    );
}

#[test]
fn too_many_orders_applies_to_every_tif_and_to_market_orders() {
    // docs: checked for every new order, whatever its tif - even one that would fill at once.
    check_with(
        &opts(2, 1_000_000),
        &ls![
            buy(1, "a", "100", "1"),
            buy(1, "b", "99", "1"),
            sell(2, "s", "150", "5"),
            buy_x(1, "i", "150", "1", r#""tif":"ioc""#),
            buy_x(1, "f", "150", "1", r#""tif":"fok""#),
            mkt_buy(1, "m", "1"),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 1, "b", "buy", "99", "1"),
            acc(3, 2, "s", "sell", "150", "5"),
            rej(4, 1, "i", "too_many_orders"),
            rej(5, 1, "f", "too_many_orders"),
            rej(6, 1, "m", "too_many_orders"),
            book(7, &[("100", "1"), ("99", "1")], &[("150", "5")]),
        ],
    );
}

#[test]
fn cancelled_filled_and_expired_orders_free_their_slots() {
    check_with(
        &opts(2, 1_000_000),
        &ls![
            buy(1, "a", "100", "1"),
            buy_x(1, "g", "99", "1", r#""tif":"gtd","expire":10"#),
            buy(1, "x", "98", "1"),
            cancel(1, "a"),
            buy(1, "b", "97", "1"),
            time(10),
            sell(1, "c", "200", "1"),
            buy(2, "hit", "200", "1"),
            sell(1, "d", "201", "1"),
            sell(1, "e", "202", "1"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 1, "g", "buy", "99", "1"),
            rej(3, 1, "x", "too_many_orders"),
            cxl(4, 1, "a", "user", "1"),
            acc(5, 1, "b", "buy", "97", "1"),
            cxl(6, 1, "g", "expired", "1"),
            acc(7, 1, "c", "sell", "200", "1"),
            acc(8, 2, "hit", "buy", "200", "1"),
            trd(8, "200", "1", 1, "c", 2, "hit", "buy"),
            fill(8, 1, "c"),
            fill(8, 2, "hit"),
            acc(9, 1, "d", "sell", "201", "1"),
            rej(10, 1, "e", "too_many_orders"),
        ],
    );
}

#[test]
fn too_many_orders_reject_does_not_consume_the_id() {
    check_with(
        &opts(1, 1_000_000),
        &ls![
            buy(1, "a", "100", "1"),
            buy(1, "b", "99", "1"),
            cancel(1, "a"),
            buy(1, "b", "99", "1"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 1, "b", "too_many_orders"),
            cxl(3, 1, "a", "user", "1"),
            acc(4, 1, "b", "buy", "99", "1"),
        ],
    );
}

#[test]
fn default_limit_allows_10000_open_orders_per_account() {
    // docs: default 10,000. The 10,001st is rejected.
    let mut lines = Vec::new();
    let mut expected = Vec::new();
    for i in 0..10_001u64 {
        let id = format!("o{i}");
        lines.push(sell(1, &id, "500", "0.01"));
        if i < 10_000 {
            expected.push(acc(i + 1, 1, &id, "sell", "500", "0.01"));
        } else {
            expected.push(rej(i + 1, 1, &id, "too_many_orders"));
        }
    }
    check(&lines, &expected);
}

// ----- engine_capacity --------------------------------------------------------------------------

#[test]
fn engine_capacity_counts_open_orders_of_all_accounts() {
    check_with(
        &opts(10, 2),
        &ls![
            buy(1, "a", "100", "1"),
            sell(2, "b", "200", "1"),
            buy(3, "c", "99", "1"),
            buy_x(3, "i", "200", "1", r#""tif":"ioc""#),
            cancel(1, "a"),
            buy(3, "c", "99", "1"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 2, "b", "sell", "200", "1"),
            rej(3, 3, "c", "engine_capacity"),
            rej(4, 3, "i", "engine_capacity"),
            cxl(5, 1, "a", "user", "1"),
            acc(6, 3, "c", "buy", "99", "1"),
        ],
    );
}

// ----- controls: price band ---------------------------------------------------------------------

#[test]
fn price_band_around_the_reference_price_is_inclusive() {
    // 10% around 100: [90, 110].
    check(
        &ls![
            controls(r#""price_band_bps":1000,"reference_price":"100""#),
            buy(1, "lo", "90", "1"),
            buy(1, "below", "89.5", "1"),
            sell(2, "hi", "110", "1"),
            sell(2, "above", "110.5", "1"),
            sell(2, "far", "1000", "1"),
        ],
        &ls![
            acc(2, 1, "lo", "buy", "90", "1"),
            rej(3, 1, "below", "price_band"),
            acc(4, 2, "hi", "sell", "110", "1"),
            rej(5, 2, "above", "price_band"),
            rej(6, 2, "far", "price_band"),
        ],
    );
}

#[test]
fn price_band_with_bounds_off_the_tick_grid() {
    // 0.25% around 100: [99.75, 100.25]; on a 0.5 grid only 100 is inside.
    check(
        &ls![
            controls(r#""price_band_bps":25,"reference_price":"100""#),
            buy(1, "a", "99.5", "1"),
            buy(1, "b", "100", "1"),
            sell(2, "c", "100.5", "1"),
        ],
        &ls![
            rej(2, 1, "a", "price_band"),
            acc(3, 1, "b", "buy", "100", "1"),
            rej(4, 2, "c", "price_band"),
        ],
    );
}

#[test]
fn price_band_follows_the_last_trade_price() {
    check(
        &ls![
            controls(r#""price_band_bps":1000,"reference_price":"100""#),
            sell(2, "s", "108", "1"),
            buy(1, "b", "108", "1"),
            buy(1, "x", "118.5", "1"),
            buy(1, "y", "119", "1"),
            buy(1, "z", "97", "1"),
            buy(1, "w", "96.5", "1"),
        ],
        &ls![
            acc(2, 2, "s", "sell", "108", "1"),
            acc(3, 1, "b", "buy", "108", "1"),
            trd(3, "108", "1", 2, "s", 1, "b", "buy"),
            fill(3, 2, "s"),
            fill(3, 1, "b"),
            // band now [97.2, 118.8]
            acc(4, 1, "x", "buy", "118.5", "1"),
            rej(5, 1, "y", "price_band"),
            rej(6, 1, "z", "price_band"),
            rej(7, 1, "w", "price_band"),
        ],
    );
}

/// docs/simulate.md: controls apply to an amend that moves the price or raises the quantity; an
/// amend that only lowers the quantity at the same price reduces risk and is always allowed.
#[test]
fn amends_are_checked_against_controls_unless_they_only_reduce() {
    check(
        &ls![
            controls(r#""price_band_bps":1000,"reference_price":"100","max_qty":"5""#),
            buy(1, "b", "95", "4"),
            // A trade at 110 moves the band to [99, 121]: "b" at 95 is now outside it.
            sell(2, "s", "110", "1"),
            buy(3, "t", "110", "1"),
            amend(1, "b", None, Some("3")),
            amend(1, "b", Some("96"), None),
            amend(1, "b", Some("100"), Some("6")),
            amend(1, "b", Some("100"), Some("5")),
        ],
        &ls![
            acc(2, 1, "b", "buy", "95", "4"),
            acc(3, 2, "s", "sell", "110", "1"),
            acc(4, 3, "t", "buy", "110", "1"),
            trd(4, "110", "1", 2, "s", 3, "t", "buy"),
            fill(4, 2, "s"),
            fill(4, 3, "t"),
            amd(5, 1, "b", "95", "3", "3"),
            rej(6, 1, "b", "price_band"),
            rej(7, 1, "b", "max_qty"),
            amd(8, 1, "b", "100", "5", "5"),
        ],
    );
}

#[test]
fn market_order_stops_at_the_band() {
    check(
        &ls![
            sell(2, "a", "100", "1"),
            sell(3, "b", "100", "1"),
            sell(2, "c", "120", "5"),
            controls(r#""price_band_bps":1000,"reference_price":"100""#),
            mkt_buy(1, "m", "3"),
            q_book(),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc(2, 3, "b", "sell", "100", "1"),
            acc(3, 2, "c", "sell", "120", "5"),
            acc_mkt(5, 1, "m", "buy", "3"),
            trd(5, "100", "1", 2, "a", 1, "m", "buy"),
            fill(5, 2, "a"),
            trd(5, "100", "1", 3, "b", 1, "m", "buy"),
            fill(5, 3, "b"),
            cxl(5, 1, "m", "price_band", "1"),
            book(6, &[], &[("120", "5")]),
        ],
    );
}

#[test]
fn market_order_with_nothing_inside_the_band_is_cancelled_whole() {
    check(
        &ls![
            buy(2, "a", "80", "1"),
            controls(r#""price_band_bps":1000,"reference_price":"100""#),
            mkt_sell(1, "m", "1"),
        ],
        &ls![
            acc(1, 2, "a", "buy", "80", "1"),
            acc_mkt(3, 1, "m", "sell", "1"),
            cxl(3, 1, "m", "price_band", "1"),
        ],
    );
}

#[test]
fn market_order_that_exhausts_the_book_inside_the_band_is_ioc_remainder() {
    check(
        &ls![
            sell(2, "a", "100", "1"),
            controls(r#""price_band_bps":1000,"reference_price":"100""#),
            mkt_buy(1, "m", "2"),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc_mkt(3, 1, "m", "buy", "2"),
            trd(3, "100", "1", 2, "a", 1, "m", "buy"),
            fill(3, 2, "a"),
            cxl(3, 1, "m", "ioc_remainder", "1"),
        ],
    );
}

// ----- controls: max_qty, max_notional ----------------------------------------------------------

#[test]
fn max_qty_limits_the_order_quantity() {
    check(
        &ls![
            controls(r#""max_qty":"5""#),
            buy(1, "a", "100", "5"),
            buy(1, "b", "100", "5.01"),
            mkt_x(1, "m", "sell", "5.01", ""),
            mkt_x(1, "n", "sell", "5", ""),
        ],
        &ls![
            acc(2, 1, "a", "buy", "100", "5"),
            rej(3, 1, "b", "max_qty"),
            rej(4, 1, "m", "max_qty"),
            acc_mkt(5, 1, "n", "sell", "5"),
            trd(5, "100", "5", 1, "a", 1, "n", "sell"),
            fill(5, 1, "a"),
            fill(5, 1, "n"),
        ],
    );
}

#[test]
fn max_notional_limits_price_times_qty_of_limit_orders_only() {
    check(
        &ls![
            controls(r#""max_notional":"1000""#),
            sell(2, "a", "100", "10"),
            sell(2, "b", "100", "10.01"),
            buy(1, "c", "50", "20.5"),
            mkt_buy(1, "m", "10.5"),
        ],
        &ls![
            acc(2, 2, "a", "sell", "100", "10"),
            rej(3, 2, "b", "max_notional"),
            rej(4, 1, "c", "max_notional"),
            acc_mkt(5, 1, "m", "buy", "10.5"),
            trd(5, "100", "10", 2, "a", 1, "m", "buy"),
            fill(5, 2, "a"),
            cxl(5, 1, "m", "ioc_remainder", "0.5"),
        ],
    );
}

#[test]
fn omitted_control_fields_turn_controls_off() {
    check(
        &ls![
            controls(
                r#""max_qty":"1","max_notional":"10","price_band_bps":1,"reference_price":"100""#
            ),
            buy(1, "a", "100", "2"),
            controls(""),
            buy(1, "a", "50", "2"),
        ],
        &ls![rej(2, 1, "a", "max_qty"), acc(4, 1, "a", "buy", "50", "2")],
    );
}

#[test]
fn controls_are_per_instrument() {
    check(
        &ls![
            ETH_USD,
            controls(r#""max_qty":"1""#),
            new_order("ETH-USD", 1, "e", "buy", "limit", Some("10"), "5", ""),
            buy(1, "b", "10", "5"),
        ],
        &ls![
            acc_s(3, 1, "e", "ETH-USD", "buy", Some("10"), "5"),
            rej(4, 1, "b", "max_qty"),
        ],
    );
}

#[test]
fn controls_fields_are_validated() {
    // docs: price_band_bps integer 1..=100000; reference_price, max_qty, max_notional decimals.
    let base = r#"{"op":"controls","symbol":"BTC-USD","price_band_bps":100,"reference_price":"100","max_qty":"5","max_notional":"1000"}"#;
    let mut cases = Vec::new();
    for (k, vals) in [
        (
            "price_band_bps",
            &["0", "-1", "100001", r#""100""#, "1.5", "true"][..],
        ),
        (
            "reference_price",
            &["100", r#""1e2""#, r#""abc""#, "true"][..],
        ),
        ("max_qty", &["5", r#""5.""#, r#""NaN""#][..]),
        ("max_notional", &["1000", r#""+1000""#, "null"][..]),
        ("symbol", &["1", r#""""#, "null"][..]),
    ] {
        for v in vals {
            // The erroring controls line must not install anything: b (qty 6, notional 600 @
            // 100) is accepted.
            cases.push((
                format!("{k}={v}"),
                ls![with_field(base, k, v), buy(1, "b", "100", "6")],
                ls![err(1), acc(2, 1, "b", "buy", "100", "6")],
            ));
        }
    }
    check_cases(cases);
}

#[test]
fn price_band_bounds_of_the_allowed_range_are_fine() {
    check(
        &ls![
            controls(r#""price_band_bps":100000,"reference_price":"100""#),
            buy(1, "a", "1100", "0.01"),
            buy(1, "b", "1100.5", "0.01"),
            controls(r#""price_band_bps":1,"reference_price":"100""#),
            buy(1, "c", "100", "0.01"),
            buy(1, "d", "99.5", "0.01"),
        ],
        &ls![
            acc(2, 1, "a", "buy", "1100", "0.01"),
            rej(3, 1, "b", "price_band"),
            acc(5, 1, "c", "buy", "100", "0.01"),
            rej(6, 1, "d", "price_band"),
        ],
    );
}
