//! Time in force: `ioc`, `fok` (with the FOK/STP paragraph), `gtd` with `expire`, and the `time`
//! command.

use crate::support::*;

const IOC: &str = r#""tif":"ioc""#;
const FOK: &str = r#""tif":"fok""#;

fn gtd(expire: i64) -> String {
    format!(r#""tif":"gtd","expire":{expire}"#)
}

fn fok_stp(stp: &str) -> String {
    format!(r#""tif":"fok","stp":"{stp}""#)
}

// ----- ioc --------------------------------------------------------------------------------------

#[test]
fn ioc_partial_fill_cancels_the_remainder() {
    check(
        &ls![
            sell(2, "a", "100", "1"),
            buy_x(1, "i", "100", "3", IOC),
            q_book()
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc(2, 1, "i", "buy", "100", "3"),
            trd(2, "100", "1", 2, "a", 1, "i", "buy"),
            fill(2, 2, "a"),
            cxl(2, 1, "i", "ioc_remainder", "2"),
            book(3, &[], &[]),
        ],
    );
}

#[test]
fn ioc_with_nothing_to_match_is_accepted_then_cancelled() {
    check(
        &ls![
            sell(2, "a", "101", "1"),
            sell_x(1, "i", "101", "3", IOC),
            buy_x(1, "j", "100", "0.5", IOC),
            q_book()
        ],
        &ls![
            acc(1, 2, "a", "sell", "101", "1"),
            acc(2, 1, "i", "sell", "101", "3"),
            cxl(2, 1, "i", "ioc_remainder", "3"),
            acc(3, 1, "j", "buy", "100", "0.5"),
            cxl(3, 1, "j", "ioc_remainder", "0.5"),
            book(4, &[], &[("101", "1")]),
        ],
    );
}

#[test]
fn ioc_filled_in_full_has_no_cancel() {
    check(
        &ls![sell(2, "a", "100", "2"), buy_x(1, "i", "100", "2", IOC)],
        &ls![
            acc(1, 2, "a", "sell", "100", "2"),
            acc(2, 1, "i", "buy", "100", "2"),
            trd(2, "100", "2", 2, "a", 1, "i", "buy"),
            fill(2, 2, "a"),
            fill(2, 1, "i"),
        ],
    );
}

#[test]
fn ioc_respects_its_limit_price() {
    check(
        &ls![
            buy(2, "a", "100", "1"),
            buy(2, "b", "99", "1"),
            sell_x(1, "i", "100", "2", IOC),
            q_book(),
        ],
        &ls![
            acc(1, 2, "a", "buy", "100", "1"),
            acc(2, 2, "b", "buy", "99", "1"),
            acc(3, 1, "i", "sell", "100", "2"),
            trd(3, "100", "1", 2, "a", 1, "i", "sell"),
            fill(3, 2, "a"),
            cxl(3, 1, "i", "ioc_remainder", "1"),
            book(4, &[("99", "1")], &[]),
        ],
    );
}

// ----- fok --------------------------------------------------------------------------------------

#[test]
fn fok_fills_in_full_across_makers() {
    check(
        &ls![
            sell(2, "a", "100", "1"),
            sell(3, "b", "100.5", "1"),
            buy_x(1, "f", "100.5", "2", FOK),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            acc(2, 3, "b", "sell", "100.5", "1"),
            acc(3, 1, "f", "buy", "100.5", "2"),
            trd(3, "100", "1", 2, "a", 1, "f", "buy"),
            fill(3, 2, "a"),
            trd(3, "100.5", "1", 3, "b", 1, "f", "buy"),
            fill(3, 3, "b"),
            fill(3, 1, "f"),
        ],
    );
}

#[test]
fn fok_that_cannot_fill_in_full_is_rejected_and_changes_nothing() {
    // Liquidity beyond the limit price does not count.
    check(
        &ls![
            sell(2, "a", "100", "1"),
            sell(3, "b", "101", "1"),
            buy_x(1, "f", "100", "2", FOK),
            q_book(),
            q_balance(1),
        ],
        &cat(vec![
            ls![
                acc(1, 2, "a", "sell", "100", "1"),
                acc(2, 3, "b", "sell", "101", "1"),
                rej(3, 1, "f", "fok_unfilled"),
                book(4, &[], &[("100", "1"), ("101", "1")]),
            ],
            bal2(5, 1, ("1000", "0"), ("1000000", "0")),
        ]),
    );
}

#[test]
fn fok_exactly_fillable_fills() {
    check(
        &ls![
            sell(2, "a", "100", "0.75"),
            sell(3, "b", "100", "0.75"),
            buy_x(1, "f", "100", "1.5", FOK),
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "0.75"),
            acc(2, 3, "b", "sell", "100", "0.75"),
            acc(3, 1, "f", "buy", "100", "1.5"),
            trd(3, "100", "0.75", 2, "a", 1, "f", "buy"),
            fill(3, 2, "a"),
            trd(3, "100", "0.75", 3, "b", 1, "f", "buy"),
            fill(3, 3, "b"),
            fill(3, 1, "f"),
        ],
    );
}

#[test]
fn fok_against_a_larger_maker_leaves_the_maker_open() {
    check(
        &ls![
            buy(2, "a", "100", "3"),
            sell_x(1, "f", "99", "2", FOK),
            q_book()
        ],
        &ls![
            acc(1, 2, "a", "buy", "100", "3"),
            acc(2, 1, "f", "sell", "99", "2"),
            trd(2, "100", "2", 2, "a", 1, "f", "sell"),
            fill(2, 1, "f"),
            book(3, &[("100", "1")], &[]),
        ],
    );
}

#[test]
fn fok_sell_unfilled_on_an_empty_book() {
    check(
        &ls![sell_x(1, "f", "99", "2", FOK), q_book()],
        &ls![rej(1, 1, "f", "fok_unfilled"), book(2, &[], &[])],
    );
}

#[test]
fn fok_with_stp_none_counts_its_own_orders() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            sell(2, "x", "100", "1"),
            buy_x(1, "f", "100", "2", &fok_stp("none")),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 2, "x", "sell", "100", "1"),
            acc(3, 1, "f", "buy", "100", "2"),
            trd(3, "100", "1", 1, "own", 1, "f", "buy"),
            fill(3, 1, "own"),
            trd(3, "100", "1", 2, "x", 1, "f", "buy"),
            fill(3, 2, "x"),
            fill(3, 1, "f"),
        ],
    );
}

#[test]
fn fok_cancel_maker_own_orders_do_not_count_and_none_is_cancelled() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            sell(2, "x", "100", "1"),
            buy_x(1, "f", "100", "2", &fok_stp("cancel_maker")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 2, "x", "sell", "100", "1"),
            rej(3, 1, "f", "fok_unfilled"),
            book(4, &[], &[("100", "2")]),
        ],
    );
}

#[test]
fn fok_cancel_maker_fillable_from_others_cancels_own_at_the_point_of_matching() {
    // AMBIGUITY: "none of them is cancelled" is read as part of the rejected case ("changes
    // nothing"); a FOK that does fill matches like any order, so cancel_maker cancels the own
    // resting order it meets (reason stp) and goes on.
    check(
        &ls![
            sell(1, "own", "100", "1"),
            sell(2, "x", "100", "2"),
            buy_x(1, "f", "100", "2", &fok_stp("cancel_maker")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 2, "x", "sell", "100", "2"),
            acc(3, 1, "f", "buy", "100", "2"),
            cxl(3, 1, "own", "stp", "1"),
            trd(3, "100", "2", 2, "x", 1, "f", "buy"),
            fill(3, 2, "x"),
            fill(3, 1, "f"),
            book(4, &[], &[]),
        ],
    );
}

#[test]
fn fok_cancel_maker_across_levels_skips_own_liquidity() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            sell(2, "x", "100.5", "1"),
            sell(3, "y", "101", "1"),
            buy_x(1, "f", "101", "2", &fok_stp("cancel_maker")),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 2, "x", "sell", "100.5", "1"),
            acc(3, 3, "y", "sell", "101", "1"),
            acc(4, 1, "f", "buy", "101", "2"),
            cxl(4, 1, "own", "stp", "1"),
            trd(4, "100.5", "1", 2, "x", 1, "f", "buy"),
            fill(4, 2, "x"),
            trd(4, "101", "1", 3, "y", 1, "f", "buy"),
            fill(4, 3, "y"),
            fill(4, 1, "f"),
        ],
    );
}

#[test]
fn fok_cancel_taker_own_order_ends_the_reachable_liquidity() {
    check(
        &ls![
            sell(2, "x", "100", "1"),
            sell(1, "own", "100", "1"),
            sell(3, "y", "100", "1"),
            buy_x(1, "f", "100", "2", &fok_stp("cancel_taker")),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "1"),
            acc(2, 1, "own", "sell", "100", "1"),
            acc(3, 3, "y", "sell", "100", "1"),
            rej(4, 1, "f", "fok_unfilled"),
            book(5, &[], &[("100", "3")]),
        ],
    );
}

#[test]
fn fok_cancel_taker_own_order_at_a_better_price_ends_reach() {
    check(
        &ls![
            sell(1, "own", "100", "1"),
            sell(2, "x", "101", "5"),
            buy_x(1, "f", "101", "2", &fok_stp("cancel_taker")),
            q_book(),
        ],
        &ls![
            acc(1, 1, "own", "sell", "100", "1"),
            acc(2, 2, "x", "sell", "101", "5"),
            rej(3, 1, "f", "fok_unfilled"),
            book(4, &[], &[("100", "1"), ("101", "5")]),
        ],
    );
}

#[test]
fn fok_cancel_taker_fills_before_reaching_own_order() {
    check(
        &ls![
            sell(2, "x", "100", "2"),
            sell(1, "own", "100", "1"),
            buy_x(1, "f", "100", "2", &fok_stp("cancel_taker")),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "sell", "100", "2"),
            acc(2, 1, "own", "sell", "100", "1"),
            acc(3, 1, "f", "buy", "100", "2"),
            trd(3, "100", "2", 2, "x", 1, "f", "buy"),
            fill(3, 2, "x"),
            fill(3, 1, "f"),
            book(4, &[], &[("100", "1")]),
        ],
    );
}

#[test]
fn fok_cancel_both_own_order_ends_the_reachable_liquidity() {
    check(
        &ls![
            buy(2, "x", "100", "1"),
            buy(1, "own", "100", "2"),
            buy(3, "y", "100", "5"),
            sell_x(1, "f", "100", "2", &fok_stp("cancel_both")),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "buy", "100", "1"),
            acc(2, 1, "own", "buy", "100", "2"),
            acc(3, 3, "y", "buy", "100", "5"),
            rej(4, 1, "f", "fok_unfilled"),
            book(5, &[("100", "8")], &[]),
        ],
    );
}

#[test]
fn fok_cancel_both_fills_before_reaching_own_order() {
    check(
        &ls![
            buy(2, "x", "100", "1"),
            buy(3, "y", "99.5", "1"),
            buy(1, "own", "99", "1"),
            sell_x(1, "f", "99", "2", &fok_stp("cancel_both")),
            q_book(),
        ],
        &ls![
            acc(1, 2, "x", "buy", "100", "1"),
            acc(2, 3, "y", "buy", "99.5", "1"),
            acc(3, 1, "own", "buy", "99", "1"),
            acc(4, 1, "f", "sell", "99", "2"),
            trd(4, "100", "1", 2, "x", 1, "f", "sell"),
            fill(4, 2, "x"),
            trd(4, "99.5", "1", 3, "y", 1, "f", "sell"),
            fill(4, 3, "y"),
            fill(4, 1, "f"),
            book(5, &[("99", "1")], &[]),
        ],
    );
}

#[test]
fn market_fok_counts_only_what_the_account_can_pay_for() {
    // docs: a market order with tif fok counts, in its fill check, only the lots the account can
    // pay for. Account 4 has 250 USD: 1 @ 100 then 1.25 @ 120 = 2.25 BTC affordable.
    check(
        &ls![
            deposit(4, "USD", "250"),
            sell(2, "a", "100", "1"),
            sell(3, "b", "120", "2"),
            mkt_x(4, "m1", "buy", "3", FOK),
            mkt_x(4, "m2", "buy", "2.26", FOK),
            mkt_x(4, "m3", "buy", "2", FOK),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "a", "sell", "100", "1"),
                acc(3, 3, "b", "sell", "120", "2"),
                rej(4, 4, "m1", "fok_unfilled"),
                rej(5, 4, "m2", "fok_unfilled"),
                acc_mkt(6, 4, "m3", "buy", "2"),
                trd(6, "100", "1", 2, "a", 4, "m3", "buy"),
                fill(6, 2, "a"),
                trd(6, "120", "1", 3, "b", 4, "m3", "buy"),
                fill(6, 4, "m3"),
            ],
            bal2(7, 4, ("2", "0"), ("30", "0")),
        ]),
    );
}

#[test]
fn market_fok_without_enough_liquidity_is_rejected() {
    check(
        &ls![
            sell(2, "a", "100", "1"),
            mkt_x(1, "m", "buy", "1.01", FOK),
            q_book()
        ],
        &ls![
            acc(1, 2, "a", "sell", "100", "1"),
            rej(2, 1, "m", "fok_unfilled"),
            book(3, &[], &[("100", "1")]),
        ],
    );
}

// ----- gtd and time -----------------------------------------------------------------------------

#[test]
fn gtd_order_rests_until_the_clock_reaches_its_expire() {
    check(
        &ls![
            buy_x(1, "g", "100", "1", &gtd(1000)),
            time(999),
            q_book(),
            time(1000),
            q_book(),
        ],
        &ls![
            acc(1, 1, "g", "buy", "100", "1"),
            book(3, &[("100", "1")], &[]),
            cxl(4, 1, "g", "expired", "1"),
            book(5, &[], &[]),
        ],
    );
}

#[test]
fn expiry_goes_earliest_expire_first_then_acceptance_order() {
    check(
        &ls![
            ETH_USD,
            buy_x(1, "x", "90", "1", &gtd(300)),
            buy_x(2, "y", "91", "1", &gtd(200)),
            sell_x(3, "z", "120", "1", &gtd(200)),
            new_order("ETH-USD", 1, "e", "buy", "limit", Some("5"), "1", &gtd(250)),
            sell_x(2, "w", "121", "2", &gtd(300)),
            buy(3, "g", "80", "1"),
            buy_x(1, "v", "85", "1", &gtd(200)),
            time(100),
            time(500),
            q_book(),
        ],
        &ls![
            acc(2, 1, "x", "buy", "90", "1"),
            acc(3, 2, "y", "buy", "91", "1"),
            acc(4, 3, "z", "sell", "120", "1"),
            acc_s(5, 1, "e", "ETH-USD", "buy", Some("5"), "1"),
            acc(6, 2, "w", "sell", "121", "2"),
            acc(7, 3, "g", "buy", "80", "1"),
            acc(8, 1, "v", "buy", "85", "1"),
            cxl(10, 2, "y", "expired", "1"),
            cxl(10, 3, "z", "expired", "1"),
            cxl(10, 1, "v", "expired", "1"),
            cxl(10, 1, "e", "expired", "1"),
            cxl(10, 1, "x", "expired", "1"),
            cxl(10, 2, "w", "expired", "2"),
            book(11, &[("80", "1")], &[]),
        ],
    );
}

#[test]
fn expiry_happens_in_steps_as_time_advances() {
    check(
        &ls![
            buy_x(1, "a", "90", "1", &gtd(10)),
            buy_x(1, "b", "91", "1", &gtd(20)),
            buy_x(1, "c", "92", "1", &gtd(30)),
            time(15),
            time(20),
            time(29),
            time(1000),
        ],
        &ls![
            acc(1, 1, "a", "buy", "90", "1"),
            acc(2, 1, "b", "buy", "91", "1"),
            acc(3, 1, "c", "buy", "92", "1"),
            cxl(4, 1, "a", "expired", "1"),
            cxl(5, 1, "b", "expired", "1"),
            cxl(7, 1, "c", "expired", "1"),
        ],
    );
}

#[test]
fn partially_filled_gtd_order_expires_its_leaves() {
    check(
        &ls![
            sell_x(2, "g", "100", "2", &gtd(50)),
            buy(1, "b", "100", "0.5"),
            time(50),
        ],
        &ls![
            acc(1, 2, "g", "sell", "100", "2"),
            acc(2, 1, "b", "buy", "100", "0.5"),
            trd(2, "100", "0.5", 2, "g", 1, "b", "buy"),
            fill(2, 1, "b"),
            cxl(3, 2, "g", "expired", "1.5"),
        ],
    );
}

#[test]
fn gtd_order_that_filled_does_not_expire() {
    check(
        &ls![
            sell_x(2, "g", "100", "1", &gtd(50)),
            buy(1, "b", "100", "1"),
            time(60),
        ],
        &ls![
            acc(1, 2, "g", "sell", "100", "1"),
            acc(2, 1, "b", "buy", "100", "1"),
            trd(2, "100", "1", 2, "g", 1, "b", "buy"),
            fill(2, 2, "g"),
            fill(2, 1, "b"),
        ],
    );
}

#[test]
fn gtd_that_crosses_on_arrival_trades_then_rests_until_expiry() {
    check(
        &ls![
            sell(2, "s", "100", "1"),
            buy_x(1, "g", "100", "3", &gtd(10)),
            time(10),
        ],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            acc(2, 1, "g", "buy", "100", "3"),
            trd(2, "100", "1", 2, "s", 1, "g", "buy"),
            fill(2, 2, "s"),
            cxl(3, 1, "g", "expired", "2"),
        ],
    );
}

#[test]
fn gtc_orders_never_expire() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            buy_x(1, "b", "99", "1", r#""tif":"gtc""#),
            time(9_000_000_000_000),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 1, "b", "buy", "99", "1"),
            book(4, &[("100", "1"), ("99", "1")], &[]),
        ],
    );
}

#[test]
fn invalid_expire_when_expire_is_not_after_the_clock() {
    check(
        &ls![
            buy_x(1, "a", "100", "1", &gtd(0)),
            buy_x(1, "b", "100", "1", &gtd(-5)),
            time(100),
            buy_x(1, "c", "100", "1", &gtd(100)),
            buy_x(1, "d", "100", "1", &gtd(99)),
            buy_x(1, "e", "100", "1", &gtd(101)),
            buy_x(1, "a", "100", "1", &gtd(1)),
        ],
        &ls![
            rej(1, 1, "a", "invalid_expire"),
            rej(2, 1, "b", "invalid_expire"),
            rej(4, 1, "c", "invalid_expire"),
            rej(5, 1, "d", "invalid_expire"),
            acc(6, 1, "e", "buy", "100", "1"),
            rej(7, 1, "a", "invalid_expire"),
        ],
    );
}

#[test]
fn gtd_expire_of_1_at_clock_0_is_valid() {
    check(
        &ls![buy_x(1, "a", "100", "1", &gtd(1)), time(1)],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            cxl(2, 1, "a", "expired", "1"),
        ],
    );
}

#[test]
fn time_going_backwards_is_an_error_and_keeps_the_clock() {
    check(
        &ls![
            time(100),
            time(50),
            buy_x(1, "a", "100", "1", &gtd(60)),
            buy_x(1, "b", "100", "1", &gtd(100)),
            buy_x(1, "c", "100", "1", &gtd(101)),
            time(99),
            time(101),
        ],
        &ls![
            err(2),
            rej(3, 1, "a", "invalid_expire"),
            rej(4, 1, "b", "invalid_expire"),
            acc(5, 1, "c", "buy", "100", "1"),
            err(6),
            cxl(7, 1, "c", "expired", "1"),
        ],
    );
}

#[test]
fn negative_ts_is_before_the_initial_clock_and_an_error() {
    check(&ls![time(-1), time(0), time(0)], &ls![err(1)]);
}

#[test]
fn equal_ts_is_fine() {
    check(
        &ls![
            time(0),
            buy_x(1, "a", "100", "1", &gtd(100)),
            time(100),
            time(100),
            time(100),
        ],
        &ls![
            acc(2, 1, "a", "buy", "100", "1"),
            cxl(3, 1, "a", "expired", "1"),
        ],
    );
}

#[test]
fn expiry_releases_the_hold() {
    check(
        &ls![
            deposit(4, "USD", "100"),
            buy_x(4, "g", "100", "1", &gtd(10)),
            q_balance(4),
            time(10),
            q_balance(4),
        ],
        &cat(vec![
            ls![acc(2, 4, "g", "buy", "100", "1")],
            bal2(3, 4, ("0", "0"), ("0", "100")),
            ls![cxl(4, 4, "g", "expired", "1")],
            bal2(5, 4, ("0", "0"), ("100", "0")),
        ]),
    );
}

#[test]
fn expired_order_is_gone_but_its_id_stays_used() {
    check(
        &ls![
            buy_x(1, "g", "100", "1", &gtd(10)),
            time(10),
            cancel(1, "g"),
            amend(1, "g", None, Some("0.5")),
            buy(1, "g", "100", "1"),
        ],
        &ls![
            acc(1, 1, "g", "buy", "100", "1"),
            cxl(2, 1, "g", "expired", "1"),
            rej(3, 1, "g", "unknown_order"),
            rej(4, 1, "g", "unknown_order"),
            rej(5, 1, "g", "duplicate_id"),
        ],
    );
}

#[test]
fn ioc_and_fok_are_not_affected_by_time() {
    check(
        &ls![
            sell(2, "s", "100", "1"),
            buy_x(1, "i", "100", "1", IOC),
            time(5),
            time(10),
        ],
        &ls![
            acc(1, 2, "s", "sell", "100", "1"),
            acc(2, 1, "i", "buy", "100", "1"),
            trd(2, "100", "1", 2, "s", 1, "i", "buy"),
            fill(2, 2, "s"),
            fill(2, 1, "i"),
        ],
    );
}

#[test]
fn thousands_of_gtd_orders_cancelled_then_expired_in_order() {
    // 3000 gtd orders with scattered expiries; 2500 are cancelled (enough for any internal clean
    // up of stale expiry entries to run); the other 500 expire earliest expire first, then in
    // acceptance order.
    let n = 3000u64;
    let expire = |i: u64| 1000 + (i * 7 % 13) as i64;
    let mut lines = Vec::new();
    let mut expected = Vec::new();
    let mut seq = 0u64;
    for i in 0..n {
        seq += 1;
        let id = format!("g{i}");
        lines.push(sell_x(1, &id, "500", "0.01", &gtd(expire(i))));
        expected.push(acc(seq, 1, &id, "sell", "500", "0.01"));
    }
    for i in (0..n).filter(|i| i % 6 != 0) {
        seq += 1;
        let id = format!("g{i}");
        lines.push(cancel(1, &id));
        expected.push(cxl(seq, 1, &id, "user", "0.01"));
    }
    let mut kept: Vec<u64> = (0..n).filter(|i| i % 6 == 0).collect();
    kept.sort_by_key(|&i| (expire(i), i));
    seq += 1;
    lines.push(time(1005));
    for &i in kept.iter().filter(|&&i| expire(i) <= 1005) {
        expected.push(cxl(seq, 1, &format!("g{i}"), "expired", "0.01"));
    }
    seq += 1;
    lines.push(time(2000));
    for &i in kept.iter().filter(|&&i| expire(i) > 1005) {
        expected.push(cxl(seq, 1, &format!("g{i}"), "expired", "0.01"));
    }
    lines.push(q_book());
    expected.push(book(seq + 1, &[], &[]));
    check(&lines, &expected);
}
