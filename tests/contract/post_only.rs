//! "A `post_only` order that would trade on arrival is `rejected` (`post_only_would_cross`)."
//! docs: rejected when its price reaches the best opposite price (any order, own orders
//! included); a post_only market order is rejected whenever the opposite side has any order.

use crate::support::*;

const PO: &str = r#""post_only":true"#;

#[test]
fn post_only_buy_below_the_best_ask_rests() {
    check(
        &ls![
            sell(2, "s", "100", "1"),
            buy_x(1, "p", "99.5", "1", PO),
            q_book()
        ],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            acc(2, 1, "p", "buy", "99.5", "1"),
            book(3, &[("99.5", "1")], &[("100", "1")]),
        ],
    );
}

#[test]
fn post_only_buy_at_the_best_ask_is_rejected() {
    check(
        &ls![
            sell(2, "s", "100", "1"),
            buy_x(1, "p", "100", "1", PO),
            q_book()
        ],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            rej(2, 1, "p", "post_only_would_cross"),
            book(3, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn post_only_buy_above_the_best_ask_is_rejected() {
    check(
        &ls![sell(2, "s", "100", "1"), buy_x(1, "p", "150", "0.5", PO)],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            rej(2, 1, "p", "post_only_would_cross"),
        ],
    );
}

#[test]
fn post_only_sell_at_the_best_bid_is_rejected() {
    check(
        &ls![
            buy(2, "b", "100", "1"),
            sell_x(1, "p", "100", "1", PO),
            q_book()
        ],
        &ls![
            acc(1, 2, "b", "buy", "100", "1"),
            rej(2, 1, "p", "post_only_would_cross"),
            book(3, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn post_only_sell_above_the_best_bid_rests() {
    check(
        &ls![buy(2, "b", "100", "1"), sell_x(1, "p", "100.5", "1", PO)],
        &ls![
            acc(1, 2, "b", "buy", "100", "1"),
            acc(2, 1, "p", "sell", "100.5", "1"),
        ],
    );
}

#[test]
fn post_only_on_an_empty_book_rests() {
    check(
        &ls![
            buy_x(1, "p", "100", "1", PO),
            sell_x(2, "q", "101", "1", PO),
            q_book()
        ],
        &ls![
            acc(1, 1, "p", "buy", "100", "1"),
            acc(2, 2, "q", "sell", "101", "1"),
            book(3, &[("100", "1")], &[("101", "1")]),
        ],
    );
}

#[test]
fn post_only_against_own_order_is_rejected_even_with_stp() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            buy_x(1, "p", "100", "1", PO),
            buy_x(
                1,
                "q",
                "100",
                "1",
                r#""post_only":true,"stp":"cancel_maker""#
            ),
            buy_x(
                1,
                "r",
                "100",
                "1",
                r#""post_only":true,"stp":"cancel_taker""#
            ),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            rej(2, 1, "p", "post_only_would_cross"),
            rej(3, 1, "q", "post_only_would_cross"),
            rej(4, 1, "r", "post_only_would_cross"),
            book(5, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn post_only_false_trades_normally() {
    check(
        &ls![
            sell(2, "s", "100", "1"),
            buy_x(1, "p", "100", "1", r#""post_only":false"#)
        ],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            acc(2, 1, "p", "buy", "100", "1"),
            trd(2, "100", "1", 2, "s", 1, "p", "buy"),
            fill(2, 2, "s"),
            fill(2, 1, "p"),
        ],
    );
}

#[test]
fn post_only_with_ioc_that_would_not_cross_is_accepted_and_cancelled() {
    // Nothing to trade, so the ioc remainder is cancelled as usual.
    check(
        &ls![
            sell(2, "s", "100", "1"),
            buy_x(1, "p", "99", "1", r#""post_only":true,"tif":"ioc""#),
        ],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            acc(2, 1, "p", "buy", "99", "1"),
            cxl(2, 1, "p", "ioc_remainder", "1"),
        ],
    );
}

#[test]
fn post_only_market_order_is_rejected_when_the_opposite_side_has_any_order() {
    check(
        &ls![
            sell(2, "s", "1000", "1"),
            mkt_x(1, "m", "buy", "1", PO),
            q_book(),
        ],
        &ls![
            acc(1, 2, "s", "sell", "1000", "1"),
            rej(2, 1, "m", "post_only_would_cross"),
            book(3, &[], &[("1000", "1")]),
        ],
    );
}

#[test]
fn post_only_market_order_on_an_empty_opposite_side_is_accepted_then_cancelled() {
    // docs: rejected only "whenever the opposite side has any order"; otherwise a market order
    // behaves as IOC and its whole quantity is the remainder.
    check(
        &ls![buy(2, "b", "100", "1"), mkt_x(1, "m", "buy", "1", PO)],
        &ls![
            acc(1, 2, "b", "buy", "100", "1"),
            acc_mkt(2, 1, "m", "buy", "1"),
            cxl(2, 1, "m", "ioc_remainder", "1"),
        ],
    );
}

#[test]
fn rejected_post_only_holds_nothing() {
    check(
        &ls![
            deposit(4, "USD", "1000"),
            sell(2, "s", "100", "1"),
            buy_x(4, "p", "100", "1", PO),
            buy_x(4, "q", "99", "2", PO),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "s", "sell", "100", "1"),
                rej(3, 4, "p", "post_only_would_cross"),
                acc(4, 4, "q", "buy", "99", "2"),
            ],
            bal2(5, 4, ("0", "0"), ("802", "198")),
        ]),
    );
}

#[test]
fn resting_post_only_order_trades_as_a_maker() {
    check(
        &ls![buy_x(1, "p", "100", "1", PO), sell(2, "s", "99", "1")],
        &ls![
            acc(1, 1, "p", "buy", "100", "1"),
            acc(2, 2, "s", "sell", "99", "1"),
            trd(2, "100", "1", 1, "p", 2, "s", "sell"),
            fill(2, 1, "p"),
            fill(2, 2, "s"),
        ],
    );
}

#[test]
fn post_only_rejection_looks_at_the_best_price_not_just_any_price() {
    // Best ask 101; a post_only buy at 100.5 rests even though deeper asks exist.
    check(
        &ls![
            sell(2, "s1", "102", "1"),
            sell(2, "s2", "101", "1"),
            buy_x(1, "p", "100.5", "1", PO),
            buy_x(1, "q", "101", "1", PO),
        ],
        &ls![
            acc(1, 2, "s1", "sell", "102", "1"),
            acc(2, 2, "s2", "sell", "101", "1"),
            acc(3, 1, "p", "buy", "100.5", "1"),
            rej(4, 1, "q", "post_only_would_cross"),
        ],
    );
}
