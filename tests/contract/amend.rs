//! `amend`: "`qty` is the new total order quantity (as FIX OrderQty); lowering it keeps queue
//! priority, a price change or a larger quantity loses it (giving the current price is no
//! change)"; "a new `qty` not above the quantity already filled is `rejected` (`invalid_qty`) and
//! the order stays as it was. A price moved across the book trades at once, as an arriving order
//! would (a `post_only` order is then `rejected` and stays as it was). `amended` comes before any
//! trade it causes."; "An amend holds or releases the difference, and is `rejected`
//! (`insufficient_balance`) if it cannot."
//!
//! `amended` carries `price` (the order's price after the amend), `qty` (the new total) and
//! `leaves_qty` (qty minus what was already filled).

use crate::support::*;

// ----- priority -------------------------------------------------------------------------------

#[test]
fn lowering_qty_keeps_priority() {
    check(
        &ls![
            buy(1, "a", "100", "2"),
            buy(2, "b", "100", "2"),
            amend(1, "a", None, Some("1")),
            sell(3, "s", "100", "1"),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "2"),
            acc(2, 2, "b", "buy", "100", "2"),
            amd(3, 1, "a", "100", "1", "1"),
            acc(4, 3, "s", "sell", "100", "1"),
            trd(4, "100", "1", 1, "a", 3, "s", "sell"),
            fill(4, 1, "a"),
            fill(4, 3, "s"),
            book(5, &[("100", "2")], &[]),
        ],
    );
}

#[test]
fn raising_qty_loses_priority() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            buy(2, "b", "100", "1"),
            amend(1, "a", None, Some("2")),
            sell(3, "s", "100", "1"),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 2, "b", "buy", "100", "1"),
            amd(3, 1, "a", "100", "2", "2"),
            acc(4, 3, "s", "sell", "100", "1"),
            trd(4, "100", "1", 2, "b", 3, "s", "sell"),
            fill(4, 2, "b"),
            fill(4, 3, "s"),
            book(5, &[("100", "2")], &[]),
        ],
    );
}

#[test]
fn changing_price_loses_priority_even_when_moved_back() {
    check(
        &ls![
            sell(1, "a", "100", "1"),
            sell(2, "b", "100", "1"),
            amend(1, "a", Some("100.5"), None),
            amend(1, "a", Some("100"), None),
            buy(3, "t", "100", "1"),
        ],
        &ls![
            acc(1, 1, "a", "sell", "100", "1"),
            acc(2, 2, "b", "sell", "100", "1"),
            amd(3, 1, "a", "100.5", "1", "1"),
            amd(4, 1, "a", "100", "1", "1"),
            acc(5, 3, "t", "buy", "100", "1"),
            trd(5, "100", "1", 2, "b", 3, "t", "buy"),
            fill(5, 2, "b"),
            fill(5, 3, "t"),
        ],
    );
}

#[test]
fn giving_the_current_price_is_no_change() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            buy(2, "b", "100", "1"),
            amend(1, "a", Some("100"), None),
            amend(1, "a", Some("100.00"), Some("1")),
            sell(3, "s", "100", "1"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 2, "b", "buy", "100", "1"),
            amd(3, 1, "a", "100", "1", "1"),
            amd(4, 1, "a", "100", "1", "1"),
            acc(5, 3, "s", "sell", "100", "1"),
            trd(5, "100", "1", 1, "a", 3, "s", "sell"),
            fill(5, 1, "a"),
            fill(5, 3, "s"),
        ],
    );
}

#[test]
fn current_price_with_lower_qty_keeps_priority() {
    check(
        &ls![
            buy(1, "a", "100", "2"),
            buy(2, "b", "100", "1"),
            amend(1, "a", Some("100"), Some("1.5")),
            sell(3, "s", "100", "1"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "2"),
            acc(2, 2, "b", "buy", "100", "1"),
            amd(3, 1, "a", "100", "1.5", "1.5"),
            acc(4, 3, "s", "sell", "100", "1"),
            trd(4, "100", "1", 1, "a", 3, "s", "sell"),
            fill(4, 3, "s"),
        ],
    );
}

#[test]
fn price_change_with_lower_qty_loses_priority() {
    check(
        &ls![
            buy(1, "a", "100", "2"),
            buy(2, "b", "100.5", "1"),
            buy(2, "c", "100.5", "1"),
            amend(1, "a", Some("100.5"), Some("1")),
            sell(3, "s", "100", "3"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "2"),
            acc(2, 2, "b", "buy", "100.5", "1"),
            acc(3, 2, "c", "buy", "100.5", "1"),
            amd(4, 1, "a", "100.5", "1", "1"),
            acc(5, 3, "s", "sell", "100", "3"),
            trd(5, "100.5", "1", 2, "b", 3, "s", "sell"),
            fill(5, 2, "b"),
            trd(5, "100.5", "1", 2, "c", 3, "s", "sell"),
            fill(5, 2, "c"),
            trd(5, "100.5", "1", 1, "a", 3, "s", "sell"),
            fill(5, 1, "a"),
            fill(5, 3, "s"),
        ],
    );
}

// ----- qty is the total -----------------------------------------------------------------------

#[test]
fn qty_is_the_new_total_and_leaves_is_qty_minus_filled() {
    check(
        &ls![
            buy(1, "a", "100", "3"),
            sell(2, "s", "100", "1"),
            amend(1, "a", None, Some("2")),
            q_book(),
            amend(1, "a", None, Some("5")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "3"),
            acc(2, 2, "s", "sell", "100", "1"),
            trd(2, "100", "1", 1, "a", 2, "s", "sell"),
            fill(2, 2, "s"),
            amd(3, 1, "a", "100", "2", "1"),
            book(4, &[("100", "1")], &[]),
            amd(5, 1, "a", "100", "5", "4"),
            book(6, &[("100", "4")], &[]),
        ],
    );
}

#[test]
fn qty_not_above_filled_is_invalid_qty_and_changes_nothing() {
    check(
        &ls![
            buy(1, "a", "100", "3"),
            sell(2, "s", "100", "1"),
            amend(1, "a", None, Some("1")),
            amend(1, "a", None, Some("0.5")),
            amend(1, "a", None, Some("0")),
            amend(1, "a", Some("99"), Some("1")),
            q_book(),
            amend(1, "a", None, Some("1.01")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "3"),
            acc(2, 2, "s", "sell", "100", "1"),
            trd(2, "100", "1", 1, "a", 2, "s", "sell"),
            fill(2, 2, "s"),
            rej(3, 1, "a", "invalid_qty"),
            rej(4, 1, "a", "invalid_qty"),
            rej(5, 1, "a", "invalid_qty"),
            rej(6, 1, "a", "invalid_qty"),
            book(7, &[("100", "2")], &[]),
            amd(8, 1, "a", "100", "1.01", "0.01"),
            book(9, &[("100", "0.01")], &[]),
        ],
    );
}

#[test]
fn amend_price_off_grid_or_not_positive_is_invalid_price() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            amend(1, "a", Some("100.25"), None),
            amend(1, "a", Some("0"), None),
            amend(1, "a", Some("-100"), None),
            amend(1, "a", None, Some("0.005")),
            amend(1, "a", None, Some("-1")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 1, "a", "invalid_price"),
            rej(3, 1, "a", "invalid_price"),
            rej(4, 1, "a", "invalid_price"),
            rej(5, 1, "a", "invalid_qty"),
            rej(6, 1, "a", "invalid_qty"),
            book(7, &[("100", "1")], &[]),
        ],
    );
}

// ----- crossing amends ------------------------------------------------------------------------

#[test]
fn amend_across_the_book_trades_with_amended_first() {
    check(
        &ls![
            buy(1, "a", "99", "1"),
            sell(2, "s", "100", "1"),
            amend(1, "a", Some("100"), None),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "99", "1"),
            acc(2, 2, "s", "sell", "100", "1"),
            amd(3, 1, "a", "100", "1", "1"),
            trd(3, "100", "1", 2, "s", 1, "a", "buy"),
            fill(3, 2, "s"),
            fill(3, 1, "a"),
            book(4, &[], &[]),
        ],
    );
}

#[test]
fn amend_across_the_book_trades_at_maker_prices_and_rests_the_rest() {
    check(
        &ls![
            buy(1, "a", "99", "3"),
            sell(2, "s1", "100", "1"),
            sell(3, "s2", "100.5", "1"),
            sell(2, "s3", "102", "1"),
            amend(1, "a", Some("101"), None),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "99", "3"),
            acc(2, 2, "s1", "sell", "100", "1"),
            acc(3, 3, "s2", "sell", "100.5", "1"),
            acc(4, 2, "s3", "sell", "102", "1"),
            amd(5, 1, "a", "101", "3", "3"),
            trd(5, "100", "1", 2, "s1", 1, "a", "buy"),
            fill(5, 2, "s1"),
            trd(5, "100.5", "1", 3, "s2", 1, "a", "buy"),
            fill(5, 3, "s2"),
            book(6, &[("101", "1")], &[("102", "1")]),
        ],
    );
}

#[test]
fn amend_of_a_sell_across_the_book() {
    check(
        &ls![
            sell(1, "a", "105", "2"),
            buy(2, "b", "101", "0.5"),
            amend(1, "a", Some("100"), Some("1")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "sell", "105", "2"),
            acc(2, 2, "b", "buy", "101", "0.5"),
            amd(3, 1, "a", "100", "1", "1"),
            trd(3, "101", "0.5", 2, "b", 1, "a", "sell"),
            fill(3, 2, "b"),
            book(4, &[], &[("100", "0.5")]),
        ],
    );
}

#[test]
fn amend_of_a_partially_filled_order_across_the_book_fills_it() {
    check(
        &ls![
            buy(1, "a", "99", "2"),
            sell(2, "s", "99", "1"),
            sell(3, "t", "100", "4"),
            amend(1, "a", Some("100"), None),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "99", "2"),
            acc(2, 2, "s", "sell", "99", "1"),
            trd(2, "99", "1", 1, "a", 2, "s", "sell"),
            fill(2, 2, "s"),
            acc(3, 3, "t", "sell", "100", "4"),
            amd(4, 1, "a", "100", "2", "1"),
            trd(4, "100", "1", 3, "t", 1, "a", "buy"),
            fill(4, 1, "a"),
            book(5, &[], &[("100", "3")]),
        ],
    );
}

#[test]
fn post_only_amend_that_would_cross_is_rejected_and_order_stays() {
    check(
        &ls![
            buy_x(1, "p", "99", "1", r#""post_only":true"#),
            sell(2, "s", "100", "1"),
            amend(1, "p", Some("100"), None),
            amend(1, "p", Some("100.5"), Some("0.5")),
            q_book(),
            buy(3, "q", "99", "1"),
            sell(2, "t", "99", "1"),
        ],
        &ls![
            acc(1, 1, "p", "buy", "99", "1"),
            acc(2, 2, "s", "sell", "100", "1"),
            rej(3, 1, "p", "post_only_would_cross"),
            rej(4, 1, "p", "post_only_would_cross"),
            book(5, &[("99", "1")], &[("100", "1")]),
            acc(6, 3, "q", "buy", "99", "1"),
            acc(7, 2, "t", "sell", "99", "1"),
            trd(7, "99", "1", 1, "p", 2, "t", "sell"),
            fill(7, 1, "p"),
            fill(7, 2, "t"),
        ],
    );
}

#[test]
fn post_only_amend_that_does_not_cross_is_fine() {
    check(
        &ls![
            sell_x(1, "p", "101", "1", r#""post_only":true"#),
            buy(2, "b", "99", "1"),
            amend(1, "p", Some("99.5"), None),
        ],
        &ls![
            acc(1, 1, "p", "sell", "101", "1"),
            acc(2, 2, "b", "buy", "99", "1"),
            amd(3, 1, "p", "99.5", "1", "1"),
        ],
    );
}

// ----- what can be amended ----------------------------------------------------------------------

#[test]
fn amend_of_no_open_order_is_unknown_order() {
    check(
        &ls![
            ETH_USD,
            buy(1, "open", "100", "1"),
            buy(1, "gone", "100", "1"),
            cancel(1, "gone"),
            sell(2, "f", "100", "1"),
            amend(1, "never", Some("100"), None),
            amend(1, "gone", Some("100"), None),
            amend(1, "open", Some("100"), None),
            amend(2, "f", None, Some("0.5")),
            amend_s("ETH-USD", 1, "gone", None, Some("1")),
            amend_s("NOPE", 1, "gone", None, Some("1")),
        ],
        &ls![
            acc(2, 1, "open", "buy", "100", "1"),
            acc(3, 1, "gone", "buy", "100", "1"),
            cxl(4, 1, "gone", "user", "1"),
            acc(5, 2, "f", "sell", "100", "1"),
            trd(5, "100", "1", 1, "open", 2, "f", "sell"),
            fill(5, 1, "open"),
            fill(5, 2, "f"),
            rej(6, 1, "never", "unknown_order"),
            rej(7, 1, "gone", "unknown_order"),
            rej(8, 1, "open", "unknown_order"),
            rej(9, 2, "f", "unknown_order"),
            rej(10, 1, "gone", "unknown_order"),
            rej(11, 1, "gone", "unknown_symbol"),
        ],
    );
}

#[test]
fn amend_of_another_accounts_order_or_in_another_symbol_is_unknown_order() {
    // docs: an order open in a different symbol than the one named is unknown_order.
    check(
        &ls![
            ETH_USD,
            buy(1, "a", "100", "1"),
            amend(2, "a", None, Some("0.5")),
            amend_s("ETH-USD", 1, "a", None, Some("0.5")),
            q_book(),
        ],
        &ls![
            acc(2, 1, "a", "buy", "100", "1"),
            rej(3, 2, "a", "unknown_order"),
            rej(4, 1, "a", "unknown_order"),
            book(5, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn amended_gtd_order_keeps_its_expiry() {
    check(
        &ls![
            buy_x(1, "g", "100", "2", r#""tif":"gtd","expire":50"#),
            amend(1, "g", Some("99"), Some("1")),
            time(50),
        ],
        &ls![
            acc(1, 1, "g", "buy", "100", "2"),
            amd(2, 1, "g", "99", "1", "1"),
            cxl(3, 1, "g", "expired", "1"),
        ],
    );
}

// ----- holds ------------------------------------------------------------------------------------

#[test]
fn amend_of_a_buy_holds_or_releases_the_difference() {
    check(
        &ls![
            deposit(4, "USD", "300"),
            buy(4, "a", "100", "2"),
            q_balance(4),
            amend(4, "a", None, Some("3")),
            q_balance(4),
            amend(4, "a", Some("101"), None),
            q_balance(4),
            amend(4, "a", None, Some("1")),
            q_balance(4),
            amend(4, "a", Some("150"), None),
            q_balance(4),
            q_book(),
        ],
        &cat(vec![
            ls![acc(2, 4, "a", "buy", "100", "2")],
            bal2(3, 4, ("0", "0"), ("100", "200")),
            ls![amd(4, 4, "a", "100", "3", "3")],
            bal2(5, 4, ("0", "0"), ("0", "300")),
            ls![rej(6, 4, "a", "insufficient_balance")],
            bal2(7, 4, ("0", "0"), ("0", "300")),
            ls![amd(8, 4, "a", "100", "1", "1")],
            bal2(9, 4, ("0", "0"), ("200", "100")),
            ls![amd(10, 4, "a", "150", "1", "1")],
            bal2(11, 4, ("0", "0"), ("150", "150")),
            ls![book(12, &[("150", "1")], &[])],
        ]),
    );
}

#[test]
fn amend_of_a_sell_holds_or_releases_base() {
    check(
        &ls![
            deposit(4, "BTC", "2"),
            sell(4, "a", "100", "1"),
            amend(4, "a", None, Some("2")),
            amend(4, "a", None, Some("2.5")),
            amend(4, "a", Some("200"), None),
            q_balance(4),
            amend(4, "a", None, Some("0.5")),
            q_balance(4),
            q_book(),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "a", "sell", "100", "1"),
                amd(3, 4, "a", "100", "2", "2"),
                rej(4, 4, "a", "insufficient_balance"),
                amd(5, 4, "a", "200", "2", "2"),
            ],
            bal2(6, 4, ("0", "2"), ("0", "0")),
            ls![amd(7, 4, "a", "200", "0.5", "0.5")],
            bal2(8, 4, ("1.5", "0.5"), ("0", "0")),
            ls![book(9, &[], &[("200", "0.5")])],
        ]),
    );
}

#[test]
fn amend_of_a_partially_filled_buy_holds_price_times_leaves() {
    check(
        &ls![
            deposit(4, "USD", "1000"),
            buy(4, "a", "100", "3"),
            sell(2, "s", "100", "1"),
            q_balance(4),
            amend(4, "a", Some("200"), None),
            q_balance(4),
            amend(4, "a", Some("200"), Some("6")),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "a", "buy", "100", "3"),
                acc(3, 2, "s", "sell", "100", "1"),
                trd(3, "100", "1", 4, "a", 2, "s", "sell"),
                fill(3, 2, "s"),
            ],
            bal2(4, 4, ("1", "0"), ("700", "200")),
            ls![amd(5, 4, "a", "200", "3", "2")],
            bal2(6, 4, ("1", "0"), ("500", "400")),
            // qty 6: 5 leaves x 200 = 1000 > 500 available + 400 held.
            ls![rej(7, 4, "a", "insufficient_balance")],
        ]),
    );
}

#[test]
fn crossing_amend_settles_at_the_maker_price() {
    check(
        &ls![
            deposit(4, "USD", "110"),
            buy(4, "a", "90", "1"),
            sell(2, "s", "100", "1"),
            amend(4, "a", Some("110"), None),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "a", "buy", "90", "1"),
                acc(3, 2, "s", "sell", "100", "1"),
                amd(4, 4, "a", "110", "1", "1"),
                trd(4, "100", "1", 2, "s", 4, "a", "buy"),
                fill(4, 2, "s"),
                fill(4, 4, "a"),
            ],
            bal2(5, 4, ("1", "0"), ("10", "0")),
        ]),
    );
}

#[test]
fn amend_of_a_sell_price_needs_no_extra_hold() {
    // A sell holds qty of base whatever its price: moving the price needs nothing more.
    check(
        &ls![
            deposit(4, "BTC", "1"),
            sell(4, "a", "100", "1"),
            amend(4, "a", Some("150"), None),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "a", "sell", "100", "1"),
                amd(3, 4, "a", "150", "1", "1"),
            ],
            bal2(4, 4, ("0", "1"), ("0", "0")),
        ]),
    );
}

#[test]
fn lowering_a_buy_price_releases_hold() {
    check(
        &ls![
            deposit(4, "USD", "200"),
            buy(4, "a", "100", "2"),
            amend(4, "a", Some("60"), None),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "a", "buy", "100", "2"),
                amd(3, 4, "a", "60", "2", "2"),
            ],
            bal2(4, 4, ("0", "0"), ("80", "120")),
        ]),
    );
}

#[test]
fn post_only_amend_against_own_order_is_rejected() {
    // docs: post_only looks at the best opposite price, own orders included.
    check(
        &ls![
            sell(1, "own", "100", "1"),
            buy_x(1, "p", "99", "1", r#""post_only":true"#),
            amend(1, "p", Some("100"), None),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 1, "p", "buy", "99", "1"),
            rej(3, 1, "p", "post_only_would_cross"),
            book(4, &[("99", "1")], &[("100", "1")]),
        ],
    );
}

#[test]
fn crossing_amend_applies_the_orders_own_stp() {
    // AMBIGUITY: "trades at once, as an arriving order would" is read as: with the order's own
    // stp. b has stp cancel_taker and meets its own account's ask: b's remainder is cancelled.
    check(
        &ls![
            sell(2, "x", "100", "1"),
            sell(1, "own", "100", "1"),
            buy_x(1, "b", "99", "3", r#""stp":"cancel_taker""#),
            amend(1, "b", Some("100"), None),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "1"),
            acc(2, 1, "own", "sell", "100", "1"),
            acc(3, 1, "b", "buy", "99", "3"),
            amd(4, 1, "b", "100", "3", "3"),
            trd(4, "100", "1", 2, "x", 1, "b", "buy"),
            fill(4, 2, "x"),
            cxl(4, 1, "b", "stp", "2"),
            book(5, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn crossing_amend_with_default_stp_trades_with_own_order() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            buy(1, "b", "99", "1"),
            amend(1, "b", Some("100"), None),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "99", "1"),
            amd(3, 1, "b", "100", "1", "1"),
            trd(3, "100", "1", 1, "own", 1, "b", "buy"),
            fill(3, 1, "own"),
            fill(3, 1, "b"),
        ],
    );
}
