//! `cancel` (reason `user`, `unknown_order` when there is no open order with that id) and
//! `mass_cancel` (reason `mass`, "cancels in the order the orders were accepted").

use crate::support::*;

fn eth_buy(acct: u64, id: &str, price: &str, qty: &str) -> String {
    new_order("ETH-USD", acct, id, "buy", "limit", Some(price), qty, "")
}

#[test]
fn cancel_an_open_order() {
    check(
        &ls![buy(1, "a", "100", "2"), cancel(1, "a"), q_book()],
        &ls![
            acc(1, 1, "a", "buy", "100", "2"),
            cxl(2, 1, "a", "user", "2"),
            book(3, &[], &[]),
        ],
    );
}

#[test]
fn cancel_a_partially_filled_order_reports_its_leaves() {
    check(
        &ls![
            sell(1, "a", "100", "2"),
            buy(2, "b", "100", "0.75"),
            cancel(1, "a"),
        ],
        &ls![
            acc(1, 1, "a", "sell", "100", "2"),
            acc(2, 2, "b", "buy", "100", "0.75"),
            trd(2, "100", "0.75", 1, "a", 2, "b", "buy"),
            fill(2, 2, "b"),
            cxl(3, 1, "a", "user", "1.25"),
        ],
    );
}

#[test]
fn cancelled_order_no_longer_matches() {
    check(
        &ls![
            sell(1, "a", "100", "1"),
            sell(3, "b", "101", "1"),
            cancel(1, "a"),
            buy(2, "t", "101", "1"),
        ],
        &ls![
            acc(1, 1, "a", "sell", "100", "1"),
            acc(2, 3, "b", "sell", "101", "1"),
            cxl(3, 1, "a", "user", "1"),
            acc(4, 2, "t", "buy", "101", "1"),
            trd(4, "101", "1", 3, "b", 2, "t", "buy"),
            fill(4, 3, "b"),
            fill(4, 2, "t"),
        ],
    );
}

#[test]
fn cancel_of_an_unknown_id_is_unknown_order() {
    check(
        &ls![cancel(1, "nope")],
        &ls![rej(1, 1, "nope", "unknown_order")],
    );
}

#[test]
fn cancel_twice_is_unknown_order_the_second_time() {
    check(
        &ls![buy(1, "a", "100", "1"), cancel(1, "a"), cancel(1, "a")],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            cxl(2, 1, "a", "user", "1"),
            rej(3, 1, "a", "unknown_order"),
        ],
    );
}

#[test]
fn cancel_of_a_filled_order_is_unknown_order() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            sell(2, "b", "100", "1"),
            cancel(1, "a"),
            cancel(2, "b"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 2, "b", "sell", "100", "1"),
            trd(2, "100", "1", 1, "a", 2, "b", "sell"),
            fill(2, 1, "a"),
            fill(2, 2, "b"),
            rej(3, 1, "a", "unknown_order"),
            rej(4, 2, "b", "unknown_order"),
        ],
    );
}

#[test]
fn cancel_of_an_ioc_or_market_order_after_arrival_is_unknown_order() {
    check(
        &ls![
            buy_x(1, "i", "100", "1", r#""tif":"ioc""#),
            mkt_buy(1, "m", "1"),
            cancel(1, "i"),
            cancel(1, "m"),
        ],
        &ls![
            acc(1, 1, "i", "buy", "100", "1"),
            cxl(1, 1, "i", "ioc_remainder", "1"),
            acc_mkt(2, 1, "m", "buy", "1"),
            cxl(2, 1, "m", "ioc_remainder", "1"),
            rej(3, 1, "i", "unknown_order"),
            rej(4, 1, "m", "unknown_order"),
        ],
    );
}

#[test]
fn cancel_of_another_accounts_order_is_unknown_order() {
    check(
        &ls![buy(1, "a", "100", "1"), cancel(2, "a"), q_book()],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 2, "a", "unknown_order"),
            book(3, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn cancel_naming_another_symbol_is_unknown_order() {
    // docs: an order open in a different symbol than the one named is unknown_order.
    check(
        &ls![
            ETH_USD,
            buy(1, "a", "100", "1"),
            cancel_s("ETH-USD", 1, "a"),
            q_book(),
            cancel(1, "a"),
        ],
        &ls![
            acc(2, 1, "a", "buy", "100", "1"),
            rej(3, 1, "a", "unknown_order"),
            book(4, &[("100", "1")], &[]),
            cxl(5, 1, "a", "user", "1"),
        ],
    );
}

#[test]
fn cancel_in_an_unknown_symbol_is_unknown_symbol() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            cancel_s("NOPE", 1, "a"),
            cancel_s("NOPE", 1, "zz")
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 1, "a", "unknown_symbol"),
            rej(3, 1, "zz", "unknown_symbol"),
        ],
    );
}

#[test]
fn cancel_releases_the_hold() {
    check(
        &ls![
            deposit(4, "USD", "500"),
            deposit(4, "BTC", "3"),
            buy(4, "b", "100", "2"),
            sell(4, "s", "200", "1.5"),
            q_balance(4),
            cancel(4, "b"),
            cancel(4, "s"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(3, 4, "b", "buy", "100", "2"),
                acc(4, 4, "s", "sell", "200", "1.5"),
            ],
            bal2(5, 4, ("1.5", "1.5"), ("300", "200")),
            ls![cxl(6, 4, "b", "user", "2"), cxl(7, 4, "s", "user", "1.5")],
            bal2(8, 4, ("3", "0"), ("500", "0")),
        ]),
    );
}

#[test]
fn cancel_of_a_partially_filled_buy_releases_only_the_leaves() {
    check(
        &ls![
            deposit(4, "USD", "500"),
            buy(4, "b", "100", "2"),
            sell(2, "s", "99", "0.5"),
            cancel(4, "b"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "b", "buy", "100", "2"),
                acc(3, 2, "s", "sell", "99", "0.5"),
                trd(3, "100", "0.5", 4, "b", 2, "s", "sell"),
                fill(3, 2, "s"),
                cxl(4, 4, "b", "user", "1.5"),
            ],
            bal2(5, 4, ("0.5", "0"), ("450", "0")),
        ]),
    );
}

// ----- mass_cancel ------------------------------------------------------------------------------

#[test]
fn mass_cancel_all_symbols_in_acceptance_order() {
    check(
        &ls![
            ETH_USD,
            buy(1, "a", "100", "1"),
            eth_buy(1, "b", "10", "1"),
            sell(2, "other", "300", "1"),
            sell(1, "c", "200", "0.5"),
            eth_buy(1, "d", "11", "2"),
            mass_cancel(1, None),
            q_book(),
            q_book_s("ETH-USD"),
        ],
        &ls![
            acc(2, 1, "a", "buy", "100", "1"),
            acc_s(3, 1, "b", "ETH-USD", "buy", Some("10"), "1"),
            acc(4, 2, "other", "sell", "300", "1"),
            acc(5, 1, "c", "sell", "200", "0.5"),
            acc_s(6, 1, "d", "ETH-USD", "buy", Some("11"), "2"),
            cxl(7, 1, "a", "mass", "1"),
            cxl(7, 1, "b", "mass", "1"),
            cxl(7, 1, "c", "mass", "0.5"),
            cxl(7, 1, "d", "mass", "2"),
            book(8, &[], &[("300", "1")]),
            book_s(9, "ETH-USD", &[], &[]),
        ],
    );
}

#[test]
fn mass_cancel_one_symbol() {
    check(
        &ls![
            ETH_USD,
            buy(1, "a", "100", "1"),
            eth_buy(1, "b", "10", "1"),
            sell(1, "c", "200", "0.5"),
            mass_cancel(1, Some("BTC-USD")),
            q_book_s("ETH-USD"),
        ],
        &ls![
            acc(2, 1, "a", "buy", "100", "1"),
            acc_s(3, 1, "b", "ETH-USD", "buy", Some("10"), "1"),
            acc(4, 1, "c", "sell", "200", "0.5"),
            cxl(5, 1, "a", "mass", "1"),
            cxl(5, 1, "c", "mass", "0.5"),
            book_s(6, "ETH-USD", &[("10", "1")], &[]),
        ],
    );
}

#[test]
fn mass_cancel_follows_acceptance_not_book_priority() {
    // c is the best bid and a lost its time priority by an amend; mass_cancel still goes a, b, c.
    check(
        &ls![
            buy(1, "a", "99", "1"),
            buy(1, "b", "99", "1"),
            buy(1, "c", "100", "1"),
            amend(1, "a", Some("98"), Some("2")),
            sell(1, "d", "150", "1"),
            mass_cancel(1, None),
        ],
        &ls![
            acc(1, 1, "a", "buy", "99", "1"),
            acc(2, 1, "b", "buy", "99", "1"),
            acc(3, 1, "c", "buy", "100", "1"),
            amd(4, 1, "a", "98", "2", "2"),
            acc(5, 1, "d", "sell", "150", "1"),
            cxl(6, 1, "a", "mass", "2"),
            cxl(6, 1, "b", "mass", "1"),
            cxl(6, 1, "c", "mass", "1"),
            cxl(6, 1, "d", "mass", "1"),
        ],
    );
}

#[test]
fn mass_cancel_reports_leaves_of_partially_filled_orders() {
    check(
        &ls![
            sell(1, "a", "100", "2"),
            buy(2, "b", "100", "0.5"),
            mass_cancel(1, None),
        ],
        &ls![
            acc(1, 1, "a", "sell", "100", "2"),
            acc(2, 2, "b", "buy", "100", "0.5"),
            trd(2, "100", "0.5", 1, "a", 2, "b", "buy"),
            fill(2, 2, "b"),
            cxl(3, 1, "a", "mass", "1.5"),
        ],
    );
}

#[test]
fn mass_cancel_touches_only_that_account() {
    check(
        &ls![
            buy(2, "x", "100", "1"),
            buy(1, "a", "99", "1"),
            buy(3, "y", "98", "1"),
            mass_cancel(1, None),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "buy", "100", "1"),
            acc(2, 1, "a", "buy", "99", "1"),
            acc(3, 3, "y", "buy", "98", "1"),
            cxl(4, 1, "a", "mass", "1"),
            book(5, &[("100", "1"), ("98", "1")], &[]),
        ],
    );
}

#[test]
fn mass_cancel_with_nothing_to_cancel_gives_no_event() {
    check(
        &ls![
            ETH_USD,
            buy(1, "a", "100", "1"),
            mass_cancel(2, None),
            mass_cancel(1, Some("ETH-USD")),
            mass_cancel(4, Some("BTC-USD")),
            q_book(),
        ],
        &ls![
            acc(2, 1, "a", "buy", "100", "1"),
            book(6, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn mass_cancel_of_an_unknown_symbol_gives_no_event() {
    // docs: "`mass_cancel` naming an unknown symbol ... produces no event."
    check(
        &ls![
            buy(1, "a", "100", "1"),
            mass_cancel(1, Some("NOPE")),
            q_book()
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            book(3, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn mass_cancel_twice_cancels_nothing_the_second_time() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            mass_cancel(1, None),
            mass_cancel(1, None)
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            cxl(2, 1, "a", "mass", "1"),
        ],
    );
}

#[test]
fn mass_cancel_releases_holds() {
    check(
        &ls![
            deposit(4, "USD", "500"),
            deposit(4, "BTC", "1"),
            buy(4, "b", "100", "2"),
            sell(4, "s", "200", "1"),
            mass_cancel(4, None),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(3, 4, "b", "buy", "100", "2"),
                acc(4, 4, "s", "sell", "200", "1"),
                cxl(5, 4, "b", "mass", "2"),
                cxl(5, 4, "s", "mass", "1"),
            ],
            bal2(6, 4, ("1", "0"), ("500", "0")),
        ]),
    );
}
