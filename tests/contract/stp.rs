//! Self-trade prevention: "decided by the arriving order's `stp`: `none` lets an account trade with
//! itself; `cancel_taker` cancels the arriving order's remainder when it reaches the account's own
//! resting order; `cancel_maker` cancels that resting order and goes on matching; `cancel_both`
//! cancels both, the resting order first. Such cancels carry reason `stp` and come at the point of
//! matching where they happen."

use crate::support::*;

fn stp(s: &str) -> String {
    format!(r#""stp":"{s}""#)
}

#[test]
fn default_stp_is_none_and_allows_self_trade() {
    check(
        &ls![sell(1, "own", "100", "1"), buy(1, "b", "100", "1")],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "100", "1"),
            trd(2, "100", "1", 1, "own", 1, "b", "buy"),
            fill(2, 1, "own"),
            fill(2, 1, "b"),
        ],
    );
}

#[test]
fn explicit_stp_none_allows_self_trade_and_balances_net_to_zero() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            buy_x(1, "b", "101", "1", &stp("none")),
            q_balance(1),
        ],
        &cat(vec![
            ls![
                acc(1, 1, "own", "sell", "100", "1"),
                acc(2, 1, "b", "buy", "101", "1"),
                trd(2, "100", "1", 1, "own", 1, "b", "buy"),
                fill(2, 1, "own"),
                fill(2, 1, "b"),
            ],
            bal2(3, 1, ("1000", "0"), ("1000000", "0")),
        ]),
    );
}

#[test]
fn stp_applies_only_to_the_same_account() {
    check(
        &ls![
            sell(2, "x", "100", "1"),
            buy_x(1, "b", "100", "1", &stp("cancel_both"))
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "100", "1"),
            trd(2, "100", "1", 2, "x", 1, "b", "buy"),
            fill(2, 2, "x"),
            fill(2, 1, "b"),
        ],
    );
}

#[test]
fn stp_is_decided_by_the_arriving_order() {
    // The resting order's own stp does not matter.
    check(
        &ls![
            sell_x(1, "own", "100", "1", &stp("cancel_both")),
            buy_x(1, "b", "100", "1", &stp("none")),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "100", "1"),
            trd(2, "100", "1", 1, "own", 1, "b", "buy"),
            fill(2, 1, "own"),
            fill(2, 1, "b"),
        ],
    );
}

// ----- cancel_taker ---------------------------------------------------------------------------

#[test]
fn cancel_taker_when_the_first_maker_is_own() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            buy_x(1, "b", "100", "2", &stp("cancel_taker")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "100", "2"),
            cxl(2, 1, "b", "stp", "2"),
            book(3, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn cancel_taker_trades_until_it_reaches_its_own_order() {
    check(
        &ls![
            sell(2, "x", "100", "1"),
            sell(1, "own", "100", "1"),
            sell(3, "y", "100", "1"),
            buy_x(1, "b", "100", "3", &stp("cancel_taker")),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "1"),
            acc(2, 1, "own", "sell", "100", "1"),
            acc(3, 3, "y", "sell", "100", "1"),
            acc(4, 1, "b", "buy", "100", "3"),
            trd(4, "100", "1", 2, "x", 1, "b", "buy"),
            fill(4, 2, "x"),
            cxl(4, 1, "b", "stp", "2"),
            book(5, &[], &[("100", "2")]),
        ],
    );
}

#[test]
fn cancel_taker_stops_at_own_order_even_with_other_liquidity_behind() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            sell(2, "x", "100.5", "5"),
            buy_x(1, "b", "101", "2", &stp("cancel_taker")),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 2, "x", "sell", "100.5", "5"),
            acc(3, 1, "b", "buy", "101", "2"),
            cxl(3, 1, "b", "stp", "2"),
        ],
    );
}

#[test]
fn cancel_taker_on_an_ioc_order_gives_one_cancel_with_reason_stp() {
    check(
        &ls![
            sell(2, "x", "100", "1"),
            sell(1, "own", "100", "1"),
            buy_x(1, "b", "100", "3", r#""tif":"ioc","stp":"cancel_taker""#),
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "1"),
            acc(2, 1, "own", "sell", "100", "1"),
            acc(3, 1, "b", "buy", "100", "3"),
            trd(3, "100", "1", 2, "x", 1, "b", "buy"),
            fill(3, 2, "x"),
            cxl(3, 1, "b", "stp", "2"),
        ],
    );
}

#[test]
fn cancel_taker_on_a_market_order() {
    check(
        &ls![
            buy(2, "x", "100", "1"),
            buy(1, "own", "99", "1"),
            buy(3, "y", "98", "1"),
            mkt_x(1, "m", "sell", "3", &stp("cancel_taker")),
        ],
        &ls![
            acc(1, 2, "x", "buy", "100", "1"),
            acc(2, 1, "own", "buy", "99", "1"),
            acc(3, 3, "y", "buy", "98", "1"),
            acc_mkt(4, 1, "m", "sell", "3"),
            trd(4, "100", "1", 2, "x", 1, "m", "sell"),
            fill(4, 2, "x"),
            cxl(4, 1, "m", "stp", "2"),
        ],
    );
}

// ----- cancel_maker ---------------------------------------------------------------------------

#[test]
fn cancel_maker_cancels_own_order_at_the_point_of_matching_and_goes_on() {
    check(
        &ls![
            sell(2, "x", "100", "1"),
            sell(1, "own", "100", "1"),
            sell(3, "y", "100", "1"),
            buy_x(1, "b", "100", "3", &stp("cancel_maker")),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "1"),
            acc(2, 1, "own", "sell", "100", "1"),
            acc(3, 3, "y", "sell", "100", "1"),
            acc(4, 1, "b", "buy", "100", "3"),
            trd(4, "100", "1", 2, "x", 1, "b", "buy"),
            fill(4, 2, "x"),
            cxl(4, 1, "own", "stp", "1"),
            trd(4, "100", "1", 3, "y", 1, "b", "buy"),
            fill(4, 3, "y"),
            book(5, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn cancel_maker_with_only_own_liquidity_then_rests() {
    check(
        &ls![
            sell(1, "own1", "100", "1"),
            sell(1, "own2", "100.5", "2"),
            buy_x(1, "b", "101", "1", &stp("cancel_maker")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own1", "sell", "100", "1"),
            acc(2, 1, "own2", "sell", "100.5", "2"),
            acc(3, 1, "b", "buy", "101", "1"),
            cxl(3, 1, "own1", "stp", "1"),
            cxl(3, 1, "own2", "stp", "2"),
            book(4, &[("101", "1")], &[]),
        ],
    );
}

#[test]
fn cancel_maker_cancels_a_partially_filled_own_order_with_its_leaves() {
    check(
        &ls![
            sell(1, "own", "100", "3"),
            buy(2, "x", "100", "1"),
            buy_x(1, "b", "100", "1", &stp("cancel_maker")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "3"),
            acc(2, 2, "x", "buy", "100", "1"),
            trd(2, "100", "1", 1, "own", 2, "x", "buy"),
            fill(2, 2, "x"),
            acc(3, 1, "b", "buy", "100", "1"),
            cxl(3, 1, "own", "stp", "2"),
            book(4, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn cancel_maker_with_ioc_cancels_maker_then_ioc_remainder() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            buy_x(1, "b", "100", "2", r#""tif":"ioc","stp":"cancel_maker""#),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "100", "2"),
            cxl(2, 1, "own", "stp", "1"),
            cxl(2, 1, "b", "ioc_remainder", "2"),
        ],
    );
}

#[test]
fn cancel_maker_with_a_market_order() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            sell(2, "x", "101", "1"),
            mkt_x(1, "m", "buy", "1", &stp("cancel_maker")),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 2, "x", "sell", "101", "1"),
            acc_mkt(3, 1, "m", "buy", "1"),
            cxl(3, 1, "own", "stp", "1"),
            trd(3, "101", "1", 2, "x", 1, "m", "buy"),
            fill(3, 2, "x"),
            fill(3, 1, "m"),
        ],
    );
}

#[test]
fn cancel_maker_on_the_sell_side() {
    check(
        &ls![
            buy(1, "own", "100", "1"),
            buy(2, "x", "100", "1"),
            sell_x(1, "s", "100", "1", &stp("cancel_maker")),
        ],
        &ls![
            acc(1, 1, "own", "buy", "100", "1"),
            acc(2, 2, "x", "buy", "100", "1"),
            acc(3, 1, "s", "sell", "100", "1"),
            cxl(3, 1, "own", "stp", "1"),
            trd(3, "100", "1", 2, "x", 1, "s", "sell"),
            fill(3, 2, "x"),
            fill(3, 1, "s"),
        ],
    );
}

#[test]
fn stp_cancel_releases_the_makers_hold() {
    check(
        &ls![
            deposit(4, "BTC", "1"),
            deposit(4, "USD", "100"),
            sell(4, "own", "100", "1"),
            buy_x(4, "b", "100", "1", &stp("cancel_maker")),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(3, 4, "own", "sell", "100", "1"),
                acc(4, 4, "b", "buy", "100", "1"),
                cxl(4, 4, "own", "stp", "1"),
            ],
            bal2(5, 4, ("1", "0"), ("0", "100")),
        ]),
    );
}

// ----- cancel_both ----------------------------------------------------------------------------

#[test]
fn cancel_both_cancels_the_resting_order_first_then_the_taker() {
    check(
        &ls![
            sell(2, "x", "100", "1"),
            sell(1, "own", "100", "2"),
            sell(3, "y", "100", "1"),
            buy_x(1, "b", "100", "3", &stp("cancel_both")),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "1"),
            acc(2, 1, "own", "sell", "100", "2"),
            acc(3, 3, "y", "sell", "100", "1"),
            acc(4, 1, "b", "buy", "100", "3"),
            trd(4, "100", "1", 2, "x", 1, "b", "buy"),
            fill(4, 2, "x"),
            cxl(4, 1, "own", "stp", "2"),
            cxl(4, 1, "b", "stp", "2"),
            book(5, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn cancel_both_when_the_first_maker_is_own() {
    check(
        &ls![
            buy(1, "own", "100", "1"),
            sell_x(1, "s", "99", "0.5", &stp("cancel_both")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "buy", "100", "1"),
            acc(2, 1, "s", "sell", "99", "0.5"),
            cxl(2, 1, "own", "stp", "1"),
            cxl(2, 1, "s", "stp", "0.5"),
            book(3, &[], &[]),
        ],
    );
}

#[test]
fn stp_does_not_trigger_when_own_order_does_not_cross() {
    check(
        &ls![
            sell(1, "own", "101", "1"),
            sell(2, "x", "100", "1"),
            buy_x(1, "b", "100", "1", &stp("cancel_taker")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "101", "1"),
            acc(2, 2, "x", "sell", "100", "1"),
            acc(3, 1, "b", "buy", "100", "1"),
            trd(3, "100", "1", 2, "x", 1, "b", "buy"),
            fill(3, 2, "x"),
            fill(3, 1, "b"),
            book(4, &[], &[("101", "1")]),
        ],
    );
}

#[test]
fn stp_cancel_taker_releases_the_takers_hold() {
    check(
        &ls![
            deposit(4, "BTC", "1"),
            deposit(4, "USD", "200"),
            sell(4, "own", "100", "1"),
            buy_x(4, "b", "100", "2", &stp("cancel_taker")),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(3, 4, "own", "sell", "100", "1"),
                acc(4, 4, "b", "buy", "100", "2"),
                cxl(4, 4, "b", "stp", "2"),
            ],
            bal2(5, 4, ("0", "1"), ("200", "0")),
        ]),
    );
}

#[test]
fn own_orders_behind_the_filled_quantity_are_not_touched() {
    check(
        &ls![
            sell(2, "x", "100", "2"),
            sell(1, "own", "100", "1"),
            buy_x(1, "b", "100", "2", &stp("cancel_maker")),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "2"),
            acc(2, 1, "own", "sell", "100", "1"),
            acc(3, 1, "b", "buy", "100", "2"),
            trd(3, "100", "2", 2, "x", 1, "b", "buy"),
            fill(3, 2, "x"),
            fill(3, 1, "b"),
            book(4, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn cancel_both_on_a_market_order() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            sell(2, "x", "101", "1"),
            mkt_x(1, "m", "buy", "2", &stp("cancel_both")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 2, "x", "sell", "101", "1"),
            acc_mkt(3, 1, "m", "buy", "2"),
            cxl(3, 1, "own", "stp", "1"),
            cxl(3, 1, "m", "stp", "2"),
            book(4, &[], &[("101", "1")]),
        ],
    );
}

#[test]
fn self_trade_pays_both_fees() {
    // One account is maker seller (-2 bps rebate on 2000 USD = +0.4) and taker buyer (10 bps of
    // 10 ETH = 0.01 ETH).
    check(
        &ls![
            r#"{"op":"instrument","symbol":"ETH-USD","kind":"spot","base":"ETH","quote":"USD","tick":"0.1","lot":"0.1","maker_fee_bps":-2,"taker_fee_bps":10}"#,
            deposit(4, "ETH", "10"),
            deposit(4, "USD", "2000"),
            new_order("ETH-USD", 4, "s", "sell", "limit", Some("200"), "10", ""),
            new_order("ETH-USD", 4, "b", "buy", "limit", Some("200"), "10", ""),
            q_balance(4),
            q_fees(),
        ],
        &ls![
            acc_s(4, 4, "s", "ETH-USD", "sell", Some("200"), "10"),
            acc_s(5, 4, "b", "ETH-USD", "buy", Some("200"), "10"),
            trd_s(5, "ETH-USD", "200", "10", 4, "s", 4, "b", "buy"),
            fill(5, 4, "s"),
            fill(5, 4, "b"),
            bal(6, 4, "BTC", "0", "0"),
            bal(6, 4, "USD", "2000.4", "0"),
            bal(6, 4, "ETH", "9.99", "0"),
            fee(7, "BTC", "0"),
            fee(7, "USD", "-0.4"),
            fee(7, "ETH", "0.01"),
        ],
    );
}
