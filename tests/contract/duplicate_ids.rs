//! "Client order ids are unique per account: an `id` that the account already used for an
//! accepted order, open or not, is `rejected` (`duplicate_id`)."

use crate::support::*;

#[test]
fn id_of_an_open_order_is_a_duplicate_and_the_original_is_untouched() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            sell(1, "a", "200", "5"),
            q_book(),
            cancel(1, "a"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 1, "a", "duplicate_id"),
            book(3, &[("100", "1")], &[]),
            cxl(4, 1, "a", "user", "1"),
        ],
    );
}

#[test]
fn id_reused_after_cancel_is_a_duplicate() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            cancel(1, "a"),
            buy(1, "a", "100", "1")
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            cxl(2, 1, "a", "user", "1"),
            rej(3, 1, "a", "duplicate_id"),
        ],
    );
}

#[test]
fn id_reused_after_a_fill_is_a_duplicate_for_maker_and_taker() {
    check(
        &ls![
            buy(1, "m", "100", "1"),
            sell(2, "t", "100", "1"),
            buy(1, "m", "100", "1"),
            sell(2, "t", "100", "1"),
        ],
        &ls![
            acc(1, 1, "m", "buy", "100", "1"),
            acc(2, 2, "t", "sell", "100", "1"),
            trd(2, "100", "1", 1, "m", 2, "t", "sell"),
            fill(2, 1, "m"),
            fill(2, 2, "t"),
            rej(3, 1, "m", "duplicate_id"),
            rej(4, 2, "t", "duplicate_id"),
        ],
    );
}

#[test]
fn id_of_an_ioc_or_market_order_stays_used() {
    check(
        &ls![
            buy_x(1, "i", "100", "1", r#""tif":"ioc""#),
            mkt_sell(1, "m", "1"),
            buy(1, "i", "100", "1"),
            buy(1, "m", "100", "1"),
        ],
        &ls![
            acc(1, 1, "i", "buy", "100", "1"),
            cxl(1, 1, "i", "ioc_remainder", "1"),
            acc_mkt(2, 1, "m", "sell", "1"),
            cxl(2, 1, "m", "ioc_remainder", "1"),
            rej(3, 1, "i", "duplicate_id"),
            rej(4, 1, "m", "duplicate_id"),
        ],
    );
}

#[test]
fn id_of_an_order_cancelled_by_stp_or_mass_cancel_stays_used() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            buy_x(1, "t", "100", "1", r#""stp":"cancel_both""#),
            sell(1, "x", "300", "1"),
            mass_cancel(1, None),
            sell(1, "own", "100", "1"),
            sell(1, "t", "100", "1"),
            sell(1, "x", "100", "1"),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 1, "t", "buy", "100", "1"),
            cxl(2, 1, "own", "stp", "1"),
            cxl(2, 1, "t", "stp", "1"),
            acc(3, 1, "x", "sell", "300", "1"),
            cxl(4, 1, "x", "mass", "1"),
            rej(5, 1, "own", "duplicate_id"),
            rej(6, 1, "t", "duplicate_id"),
            rej(7, 1, "x", "duplicate_id"),
        ],
    );
}

#[test]
fn rejected_orders_do_not_consume_their_id() {
    check(
        &ls![
            deposit(4, "USD", "100"),
            sell(2, "s", "100", "1"),
            // unknown_symbol, invalid_price, invalid_qty, invalid_expire,
            // post_only_would_cross, fok_unfilled, insufficient_balance: all with id "a".
            new_order("NOPE", 4, "a", "buy", "limit", Some("1"), "1", ""),
            buy(4, "a", "0", "1"),
            buy(4, "a", "1", "0"),
            buy_x(4, "a", "1", "1", r#""tif":"gtd","expire":0"#),
            buy_x(4, "a", "100", "0.5", r#""post_only":true"#),
            buy_x(4, "a", "100", "2", r#""tif":"fok""#),
            buy(4, "a", "101", "1"),
            buy(4, "a", "99", "1"),
        ],
        &ls![
            acc(2, 2, "s", "sell", "100", "1"),
            rej(3, 4, "a", "unknown_symbol"),
            rej(4, 4, "a", "invalid_price"),
            rej(5, 4, "a", "invalid_qty"),
            rej(6, 4, "a", "invalid_expire"),
            rej(7, 4, "a", "post_only_would_cross"),
            rej(8, 4, "a", "fok_unfilled"),
            rej(9, 4, "a", "insufficient_balance"),
            acc(10, 4, "a", "buy", "99", "1"),
        ],
    );
}

#[test]
fn a_duplicate_id_reject_does_not_consume_anything_either() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            buy(1, "a", "100", "1"),
            buy(1, "a", "100", "1"),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            rej(2, 1, "a", "duplicate_id"),
            rej(3, 1, "a", "duplicate_id"),
            book(4, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn ids_are_per_account() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            buy(2, "a", "99", "1"),
            sell(3, "a", "100", "2"),
            cancel(2, "a"),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 2, "a", "buy", "99", "1"),
            acc(3, 3, "a", "sell", "100", "2"),
            trd(3, "100", "1", 1, "a", 3, "a", "sell"),
            fill(3, 1, "a"),
            cxl(4, 2, "a", "user", "1"),
            book(5, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn ids_are_unique_across_symbols_of_one_account() {
    check(
        &ls![
            ETH_USD,
            buy(1, "a", "100", "1"),
            new_order("ETH-USD", 1, "a", "buy", "limit", Some("10"), "1", ""),
        ],
        &ls![
            acc(2, 1, "a", "buy", "100", "1"),
            rej(3, 1, "a", "duplicate_id"),
        ],
    );
}

#[test]
fn ids_are_case_sensitive_strings() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            buy(1, "A", "100", "1"),
            buy(1, "a ", "100", "1")
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 1, "A", "buy", "100", "1"),
            acc(3, 1, "a ", "buy", "100", "1"),
        ],
    );
}

#[test]
fn id_of_an_expired_order_stays_used() {
    check(
        &ls![
            buy_x(1, "g", "100", "1", r#""tif":"gtd","expire":5"#),
            time(5),
            buy(1, "g", "100", "1"),
        ],
        &ls![
            acc(1, 1, "g", "buy", "100", "1"),
            cxl(2, 1, "g", "expired", "1"),
            rej(3, 1, "g", "duplicate_id"),
        ],
    );
}

#[test]
fn unicode_ids_are_echoed_exactly() {
    check(
        &ls![buy(1, "ordre-é-✓", "100", "1"), cancel(1, "ordre-é-✓")],
        &ls![
            acc(1, 1, "ordre-é-✓", "buy", "100", "1"),
            cxl(2, 1, "ordre-é-✓", "user", "1"),
        ],
    );
}
