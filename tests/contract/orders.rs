//! `new` orders, price-time priority, trade price, and the order of events:
//! "An arriving order gets `accepted` first (even if it then trades in full); then, for each maker
//! in matching order, the `trade`, followed at once by the maker's `filled` if that trade completed
//! it; then, after its last trade, the arriving order's own `filled`, or the `cancelled` of its
//! remainder (IOC, market, STP), or nothing if it rests."

use crate::support::*;
use serde_json::Value;
use std::collections::HashSet;

#[test]
fn limit_buy_is_accepted_with_all_fields_and_rests() {
    check(
        &ls![buy(1, "b1", "100", "2"), q_book()],
        &ls![
            acc(1, 1, "b1", "buy", "100", "2"),
            book(2, &[("100", "2")], &[]),
        ],
    );
}

#[test]
fn limit_sell_is_accepted_with_all_fields_and_rests() {
    check(
        &ls![sell(2, "s1", "101.5", "0.25"), q_book()],
        &ls![
            acc(1, 2, "s1", "sell", "101.5", "0.25"),
            book(2, &[], &[("101.5", "0.25")]),
        ],
    );
}

#[test]
fn market_order_accepted_has_no_price() {
    check(
        &ls![sell(2, "s", "100", "1"), mkt_buy(1, "m", "1")],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            acc_mkt(2, 1, "m", "buy", "1"),
            trd(2, "100", "1", 2, "s", 1, "m", "buy"),
            fill(2, 2, "s"),
            fill(2, 1, "m"),
        ],
    );
}

#[test]
fn unknown_symbol_is_rejected() {
    check(
        &ls![
            new_order("ETH-USD", 1, "e", "buy", "limit", Some("10"), "1", ""),
            new_order("btc-usd", 1, "e", "buy", "limit", Some("10"), "1", ""),
        ],
        &ls![
            rej(1, 1, "e", "unknown_symbol"),
            rej(2, 1, "e", "unknown_symbol")
        ],
    );
}

#[test]
fn non_crossing_orders_do_not_trade() {
    check(
        &ls![
            sell(2, "s", "100.5", "1"),
            buy(1, "b", "100", "1"),
            q_book()
        ],
        &ls![
            acc(1, 2, "s", "sell", "100.5", "1"),
            acc(2, 1, "b", "buy", "100", "1"),
            book(3, &[("100", "1")], &[("100.5", "1")]),
        ],
    );
}

#[test]
fn buy_taker_trades_at_the_maker_price() {
    check(
        &ls![sell(2, "s", "100", "1"), buy(1, "b", "105", "1"), q_book()],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "105", "1"),
            trd(2, "100", "1", 2, "s", 1, "b", "buy"),
            fill(2, 2, "s"),
            fill(2, 1, "b"),
            book(3, &[], &[]),
        ],
    );
}

#[test]
fn sell_taker_trades_at_the_maker_price() {
    check(
        &ls![buy(1, "b", "100", "1"), sell(2, "s", "95", "1")],
        &ls![
            acc(1, 1, "b", "buy", "100", "1"),
            acc(2, 2, "s", "sell", "95", "1"),
            trd(2, "100", "1", 1, "b", 2, "s", "sell"),
            fill(2, 1, "b"),
            fill(2, 2, "s"),
        ],
    );
}

#[test]
fn buy_sweeps_asks_best_price_first() {
    check(
        &ls![
            sell(2, "a102", "102", "1"),
            sell(3, "a100", "100", "1"),
            sell(2, "a101", "101", "1"),
            buy(1, "b", "102", "3"),
        ],
        &ls![
            acc(1, 2, "a102", "sell", "102", "1"),
            acc(2, 3, "a100", "sell", "100", "1"),
            acc(3, 2, "a101", "sell", "101", "1"),
            acc(4, 1, "b", "buy", "102", "3"),
            trd(4, "100", "1", 3, "a100", 1, "b", "buy"),
            fill(4, 3, "a100"),
            trd(4, "101", "1", 2, "a101", 1, "b", "buy"),
            fill(4, 2, "a101"),
            trd(4, "102", "1", 2, "a102", 1, "b", "buy"),
            fill(4, 2, "a102"),
            fill(4, 1, "b"),
        ],
    );
}

#[test]
fn sell_sweeps_bids_best_price_first() {
    check(
        &ls![
            buy(2, "b98", "98", "1"),
            buy(3, "b100", "100", "1"),
            buy(2, "b99", "99", "1"),
            sell(1, "s", "98", "3"),
        ],
        &ls![
            acc(1, 2, "b98", "buy", "98", "1"),
            acc(2, 3, "b100", "buy", "100", "1"),
            acc(3, 2, "b99", "buy", "99", "1"),
            acc(4, 1, "s", "sell", "98", "3"),
            trd(4, "100", "1", 3, "b100", 1, "s", "sell"),
            fill(4, 3, "b100"),
            trd(4, "99", "1", 2, "b99", 1, "s", "sell"),
            fill(4, 2, "b99"),
            trd(4, "98", "1", 2, "b98", 1, "s", "sell"),
            fill(4, 2, "b98"),
            fill(4, 1, "s"),
        ],
    );
}

#[test]
fn time_priority_within_a_price_level() {
    check(
        &ls![
            sell(2, "first", "100", "1"),
            sell(3, "second", "100", "1"),
            sell(2, "third", "100", "1"),
            buy(1, "b1", "100", "1"),
            buy(1, "b2", "100", "1"),
            buy(1, "b3", "100", "1"),
        ],
        &ls![
            acc(1, 2, "first", "sell", "100", "1"),
            acc(2, 3, "second", "sell", "100", "1"),
            acc(3, 2, "third", "sell", "100", "1"),
            acc(4, 1, "b1", "buy", "100", "1"),
            trd(4, "100", "1", 2, "first", 1, "b1", "buy"),
            fill(4, 2, "first"),
            fill(4, 1, "b1"),
            acc(5, 1, "b2", "buy", "100", "1"),
            trd(5, "100", "1", 3, "second", 1, "b2", "buy"),
            fill(5, 3, "second"),
            fill(5, 1, "b2"),
            acc(6, 1, "b3", "buy", "100", "1"),
            trd(6, "100", "1", 2, "third", 1, "b3", "buy"),
            fill(6, 2, "third"),
            fill(6, 1, "b3"),
        ],
    );
}

#[test]
fn partially_filled_maker_gets_no_filled_and_keeps_its_place() {
    check(
        &ls![
            sell(2, "big", "100", "3"),
            sell(3, "next", "100", "1"),
            buy(1, "b1", "100", "1"),
            buy(1, "b2", "100", "1.5"),
            q_book(),
        ],
        &ls![
            acc(1, 2, "big", "sell", "100", "3"),
            acc(2, 3, "next", "sell", "100", "1"),
            acc(3, 1, "b1", "buy", "100", "1"),
            trd(3, "100", "1", 2, "big", 1, "b1", "buy"),
            fill(3, 1, "b1"),
            acc(4, 1, "b2", "buy", "100", "1.5"),
            trd(4, "100", "1.5", 2, "big", 1, "b2", "buy"),
            fill(4, 1, "b2"),
            book(5, &[], &[("100", "1.5")]),
        ],
    );
}

#[test]
fn partially_filled_taker_rests_its_remainder_with_no_event() {
    check(
        &ls![
            sell(2, "s", "100", "1"),
            buy(1, "b", "100.5", "3"),
            q_book()
        ],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "100.5", "3"),
            trd(2, "100", "1", 2, "s", 1, "b", "buy"),
            fill(2, 2, "s"),
            book(3, &[("100.5", "2")], &[]),
        ],
    );
}

#[test]
fn sweep_stops_at_the_limit_price_and_rests() {
    check(
        &ls![
            sell(2, "a", "100", "1"),
            sell(2, "b", "101", "1"),
            sell(2, "c", "102", "1"),
            buy(1, "x", "101", "3"),
            q_book(),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc(2, 2, "b", "sell", "101", "1"),
            acc(3, 2, "c", "sell", "102", "1"),
            acc(4, 1, "x", "buy", "101", "3"),
            trd(4, "100", "1", 2, "a", 1, "x", "buy"),
            fill(4, 2, "a"),
            trd(4, "101", "1", 2, "b", 1, "x", "buy"),
            fill(4, 2, "b"),
            book(5, &[("101", "1")], &[("102", "1")]),
        ],
    );
}

#[test]
fn event_order_with_completed_and_uncompleted_makers() {
    // maker a completes (trade, filled), maker b does not (trade only), then the taker's filled.
    check(
        &ls![
            sell(2, "a", "100", "1"),
            sell(3, "b", "100", "2"),
            buy(1, "t", "100", "2"),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc(2, 3, "b", "sell", "100", "2"),
            acc(3, 1, "t", "buy", "100", "2"),
            trd(3, "100", "1", 2, "a", 1, "t", "buy"),
            fill(3, 2, "a"),
            trd(3, "100", "1", 3, "b", 1, "t", "buy"),
            fill(3, 1, "t"),
        ],
    );
}

#[test]
fn maker_filled_comes_before_taker_filled_when_both_complete() {
    check(
        &ls![buy(3, "m", "100", "0.5"), sell(1, "t", "100", "0.5")],
        &ls![
            acc(1, 3, "m", "buy", "100", "0.5"),
            acc(2, 1, "t", "sell", "100", "0.5"),
            trd(2, "100", "0.5", 3, "m", 1, "t", "sell"),
            fill(2, 3, "m"),
            fill(2, 1, "t"),
        ],
    );
}

#[test]
fn maker_partially_filled_by_several_takers_then_filled() {
    check(
        &ls![
            buy(2, "m", "100", "1"),
            sell(1, "t1", "100", "0.25"),
            sell(3, "t2", "99", "0.25"),
            sell(1, "t3", "100", "0.75"),
            q_book(),
        ],
        &ls![
            acc(1, 2, "m", "buy", "100", "1"),
            acc(2, 1, "t1", "sell", "100", "0.25"),
            trd(2, "100", "0.25", 2, "m", 1, "t1", "sell"),
            fill(2, 1, "t1"),
            acc(3, 3, "t2", "sell", "99", "0.25"),
            trd(3, "100", "0.25", 2, "m", 3, "t2", "sell"),
            fill(3, 3, "t2"),
            acc(4, 1, "t3", "sell", "100", "0.75"),
            trd(4, "100", "0.5", 2, "m", 1, "t3", "sell"),
            fill(4, 2, "m"),
            book(5, &[], &[("100", "0.25")]),
        ],
    );
}

#[test]
fn market_buy_sweeps_levels_at_maker_prices() {
    check(
        &ls![
            sell(2, "a", "100", "1"),
            sell(3, "b", "101", "1"),
            sell(2, "c", "150", "1"),
            mkt_buy(1, "m", "2"),
            q_book(),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc(2, 3, "b", "sell", "101", "1"),
            acc(3, 2, "c", "sell", "150", "1"),
            acc_mkt(4, 1, "m", "buy", "2"),
            trd(4, "100", "1", 2, "a", 1, "m", "buy"),
            fill(4, 2, "a"),
            trd(4, "101", "1", 3, "b", 1, "m", "buy"),
            fill(4, 3, "b"),
            fill(4, 1, "m"),
            book(5, &[], &[("150", "1")]),
        ],
    );
}

#[test]
fn market_sell_sweeps_bids() {
    check(
        &ls![
            buy(2, "a", "100", "1"),
            buy(3, "b", "90", "2"),
            mkt_sell(1, "m", "2"),
            q_book(),
        ],
        &ls![
            acc(1, 2, "a", "buy", "100", "1"),
            acc(2, 3, "b", "buy", "90", "2"),
            acc_mkt(3, 1, "m", "sell", "2"),
            trd(3, "100", "1", 2, "a", 1, "m", "sell"),
            fill(3, 2, "a"),
            trd(3, "90", "1", 3, "b", 1, "m", "sell"),
            fill(3, 1, "m"),
            book(4, &[("90", "1")], &[]),
        ],
    );
}

#[test]
fn market_remainder_is_cancelled_ioc_remainder() {
    check(
        &ls![sell(2, "a", "100", "1"), mkt_buy(1, "m", "3"), q_book()],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc_mkt(2, 1, "m", "buy", "3"),
            trd(2, "100", "1", 2, "a", 1, "m", "buy"),
            fill(2, 2, "a"),
            cxl(2, 1, "m", "ioc_remainder", "2"),
            book(3, &[], &[]),
        ],
    );
}

#[test]
fn market_order_on_an_empty_side_is_cancelled_whole() {
    check(
        &ls![
            buy(2, "bid", "100", "1"),
            mkt_buy(1, "m", "3"),
            mkt_sell(1, "n", "0.5")
        ],
        &ls![
            acc(1, 2, "bid", "buy", "100", "1"),
            acc_mkt(2, 1, "m", "buy", "3"),
            cxl(2, 1, "m", "ioc_remainder", "3"),
            acc_mkt(3, 1, "n", "sell", "0.5"),
            trd(3, "100", "0.5", 2, "bid", 1, "n", "sell"),
            fill(3, 1, "n"),
        ],
    );
}

#[test]
fn market_order_with_tif_gtc_or_ioc_behaves_as_ioc() {
    // docs: "`market` orders: any `tif` other than `fok` behaves as IOC."
    check(
        &ls![
            sell(2, "a", "100", "2"),
            mkt_x(1, "g", "buy", "1.5", r#""tif":"gtc""#),
            mkt_x(1, "i", "buy", "1", r#""tif":"ioc""#),
            q_book(),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "2"),
            acc_mkt(2, 1, "g", "buy", "1.5"),
            trd(2, "100", "1.5", 2, "a", 1, "g", "buy"),
            fill(2, 1, "g"),
            acc_mkt(3, 1, "i", "buy", "1"),
            trd(3, "100", "0.5", 2, "a", 1, "i", "buy"),
            fill(3, 2, "a"),
            cxl(3, 1, "i", "ioc_remainder", "0.5"),
            book(4, &[], &[]),
        ],
    );
}

#[test]
fn market_order_price_field_is_ignored() {
    // docs: a price on a market order is type-checked and otherwise ignored (even off grid).
    check(
        &ls![
            sell(2, "a", "100", "1"),
            sell(2, "b", "120", "1"),
            mkt_x(1, "m", "buy", "2", r#""price":"100.25""#),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc(2, 2, "b", "sell", "120", "1"),
            acc_mkt(3, 1, "m", "buy", "2"),
            trd(3, "100", "1", 2, "a", 1, "m", "buy"),
            fill(3, 2, "a"),
            trd(3, "120", "1", 2, "b", 1, "m", "buy"),
            fill(3, 2, "b"),
            fill(3, 1, "m"),
        ],
    );
}

#[test]
fn market_order_never_rests() {
    check(
        &ls![
            sell(2, "a", "100", "1"),
            mkt_buy(1, "m", "2"),
            sell(3, "late", "100", "1"),
            q_book(),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc_mkt(2, 1, "m", "buy", "2"),
            trd(2, "100", "1", 2, "a", 1, "m", "buy"),
            fill(2, 2, "a"),
            cxl(2, 1, "m", "ioc_remainder", "1"),
            acc(3, 3, "late", "sell", "100", "1"),
            book(4, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn books_of_different_symbols_do_not_interact() {
    check(
        &ls![
            ETH_USD,
            new_order("ETH-USD", 1, "e", "buy", "limit", Some("100"), "1", ""),
            sell(2, "s", "100", "1"),
            q_book(),
            q_book_s("ETH-USD"),
        ],
        &ls![
            acc_s(2, 1, "e", "ETH-USD", "buy", Some("100"), "1"),
            acc(3, 2, "s", "sell", "100", "1"),
            book(4, &[], &[("100", "1")]),
            book_s(5, "ETH-USD", &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn trades_in_a_second_symbol_carry_its_symbol() {
    check(
        &ls![
            ETH_USD,
            r#"{"op":"deposit","account":2,"asset":"ETH","amount":"5"}"#,
            new_order("ETH-USD", 2, "s", "sell", "limit", Some("10.1"), "0.5", ""),
            new_order("ETH-USD", 1, "b", "buy", "limit", Some("10.3"), "0.5", ""),
        ],
        &ls![
            acc_s(3, 2, "s", "ETH-USD", "sell", Some("10.1"), "0.5"),
            acc_s(4, 1, "b", "ETH-USD", "buy", Some("10.3"), "0.5"),
            trd_s(4, "ETH-USD", "10.1", "0.5", 2, "s", 1, "b", "buy"),
            fill(4, 2, "s"),
            fill(4, 1, "b"),
        ],
    );
}

#[test]
fn book_aggregates_levels_best_first_and_honours_depth() {
    check(
        &ls![
            buy(1, "b1", "99", "1"),
            buy(2, "b2", "100", "1"),
            buy(3, "b3", "99", "2"),
            buy(1, "b4", "98.5", "1"),
            sell(2, "s1", "102", "1"),
            sell(3, "s2", "101", "0.5"),
            sell(1, "s3", "101", "0.25"),
            q_book(),
            r#"{"op":"book","symbol":"BTC-USD","depth":1}"#,
            r#"{"op":"book","symbol":"BTC-USD","depth":2}"#,
        ],
        &ls![
            acc(1, 1, "b1", "buy", "99", "1"),
            acc(2, 2, "b2", "buy", "100", "1"),
            acc(3, 3, "b3", "buy", "99", "2"),
            acc(4, 1, "b4", "buy", "98.5", "1"),
            acc(5, 2, "s1", "sell", "102", "1"),
            acc(6, 3, "s2", "sell", "101", "0.5"),
            acc(7, 1, "s3", "sell", "101", "0.25"),
            book(
                8,
                &[("100", "1"), ("99", "3"), ("98.5", "1")],
                &[("101", "0.75"), ("102", "1")],
            ),
            book(9, &[("100", "1")], &[("101", "0.75")]),
            book(
                10,
                &[("100", "1"), ("99", "3")],
                &[("101", "0.75"), ("102", "1")]
            ),
        ],
    );
}

#[test]
fn order_ids_and_trade_ids_are_unique() {
    let lines = ls![
        sell(2, "a", "100", "1"),
        sell(3, "b", "100", "1"),
        sell(2, "c", "101", "1"),
        buy(1, "x", "101", "3"),
        buy(2, "y", "99", "1"),
        buy(3, "x", "99", "1"),
        sell(1, "z", "99", "2"),
        mkt_buy(1, "m", "1"),
    ];
    let out = run_with(&Default::default(), &lines);
    let mut order_ids = HashSet::new();
    let mut trade_ids = HashSet::new();
    let (mut accepted, mut trades) = (0, 0);
    for l in &out {
        let v: Value = serde_json::from_str(l).unwrap();
        match v["event"].as_str() {
            Some("accepted") => {
                accepted += 1;
                assert!(
                    order_ids.insert(v["order_id"].to_string()),
                    "order_id repeated: {l}"
                );
            }
            Some("trade") => {
                trades += 1;
                assert!(
                    trade_ids.insert(v["trade_id"].to_string()),
                    "trade_id repeated: {l}"
                );
            }
            _ => {}
        }
    }
    assert_eq!(accepted, 8, "{out:#?}");
    assert_eq!(trades, 5, "{out:#?}");
}

#[test]
fn book_depth_defaults_to_10_levels() {
    // docs: `depth` defaults to 10.
    let mut lines = Vec::new();
    for i in 0..12 {
        lines.push(buy(1, &format!("b{i}"), &format!("{}", 100 - i), "1"));
    }
    lines.push(q_book());
    let out = run_with(&Default::default(), &lines);
    let last: Value = serde_json::from_str(out.last().unwrap()).unwrap();
    let bids = last["bids"].as_array().unwrap();
    assert_eq!(bids.len(), 10, "{last}");
    assert_eq!(bids[0], serde_json::json!(["100", "1"]));
    assert_eq!(bids[9], serde_json::json!(["91", "1"]));
}

#[test]
fn the_largest_account_number_is_echoed_exactly() {
    const MAX: u64 = 9_223_372_036_854_775_807;
    check(
        &ls![
            deposit(MAX, "USD", "100"),
            buy(MAX, "a", "100", "1"),
            sell(2, "s", "100", "0.5"),
            cancel(MAX, "a"),
        ],
        &ls![
            acc(2, MAX, "a", "buy", "100", "1"),
            acc(3, 2, "s", "sell", "100", "0.5"),
            trd(3, "100", "0.5", MAX, "a", 2, "s", "sell"),
            fill(3, 2, "s"),
            cxl(4, MAX, "a", "user", "0.5"),
        ],
    );
}
