//! The operator and session ops docs/simulate.md adds: `halt` / `resume`, `kill_switch`,
//! `set_fees` and `disconnect`, their events (`halted`, `kill_switch`, `fees_changed`, and
//! `cancelled` with reasons `kill_switch` and `disconnect`), their place in the reject precedence
//! (`unknown_symbol`; `kill_switch`; `instrument_halted`; `duplicate_id` / `unknown_order`; ...),
//! and `error` for bad input.

use crate::support::*;

fn halt(sym: &str) -> String {
    format!(r#"{{"op":"halt","symbol":{}}}"#, js(sym))
}

fn resume(sym: &str) -> String {
    format!(r#"{{"op":"resume","symbol":{}}}"#, js(sym))
}

fn kill(acct: u64, on: bool) -> String {
    format!(r#"{{"op":"kill_switch","account":{acct},"on":{on}}}"#)
}

fn set_fees(sym: &str, maker: i64, taker: i64) -> String {
    format!(
        r#"{{"op":"set_fees","symbol":{},"maker_fee_bps":{maker},"taker_fee_bps":{taker}}}"#,
        js(sym)
    )
}

fn disconnect(acct: u64) -> String {
    format!(r#"{{"op":"disconnect","account":{acct}}}"#)
}

fn halted(seq: u64, sym: &str, halted: bool) -> String {
    format!(
        r#"{{"seq":{seq},"event":"halted","symbol":{},"halted":{halted}}}"#,
        js(sym)
    )
}

fn killed(seq: u64, acct: u64, on: bool) -> String {
    format!(r#"{{"seq":{seq},"event":"kill_switch","account":{acct},"on":{on}}}"#)
}

fn fees_changed(seq: u64, sym: &str, maker: i64, taker: i64) -> String {
    format!(
        r#"{{"seq":{seq},"event":"fees_changed","symbol":{},"maker_fee_bps":{maker},"taker_fee_bps":{taker}}}"#,
        js(sym)
    )
}

// ----- halt / resume --------------------------------------------------------------------------

#[test]
fn halt_rejects_new_and_amend_but_not_cancel_and_resume_lifts_it() {
    check(
        &ls![
            buy(1, "a", "100", "1"),
            buy(1, "b", "99", "1"),
            halt(SYM),
            sell(2, "s", "100", "1"),
            amend(1, "a", Some("101"), None),
            amend(1, "a", None, Some("0.5")),
            q_book(),
            cancel(1, "b"),
            resume(SYM),
            sell(2, "s", "100", "1"),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100", "1"),
            acc(2, 1, "b", "buy", "99", "1"),
            halted(3, SYM, true),
            rej(4, 2, "s", "instrument_halted"),
            rej(5, 1, "a", "instrument_halted"),
            // Even an amend that only lowers the quantity.
            rej(6, 1, "a", "instrument_halted"),
            // Resting orders stay.
            book(7, &[("100", "1"), ("99", "1")], &[]),
            cxl(8, 1, "b", "user", "1"),
            halted(9, SYM, false),
            acc(10, 2, "s", "sell", "100", "1"),
            trd(10, "100", "1", 1, "a", 2, "s", "sell"),
            fill(10, 1, "a"),
            fill(10, 2, "s"),
        ],
    );
}

#[test]
fn a_halted_book_still_expires_mass_cancels_and_disconnects() {
    check(
        &ls![
            buy_x(1, "g", "99", "1", r#""tif":"gtd","expire":10"#),
            buy(1, "m", "98", "1"),
            buy(2, "d", "97", "1"),
            halt(SYM),
            time(10),
            mass_cancel(1, None),
            disconnect(2),
            halt(SYM),
            resume(SYM),
            resume(SYM),
        ],
        &ls![
            acc(1, 1, "g", "buy", "99", "1"),
            acc(2, 1, "m", "buy", "98", "1"),
            acc(3, 2, "d", "buy", "97", "1"),
            halted(4, SYM, true),
            cxl(5, 1, "g", "expired", "1"),
            cxl(6, 1, "m", "mass", "1"),
            cxl(7, 2, "d", "disconnect", "1"),
            // Repeating a halt or resume answers again with the state now.
            halted(8, SYM, true),
            halted(9, SYM, false),
            halted(10, SYM, false),
        ],
    );
}

#[test]
fn a_halt_applies_to_one_instrument_only() {
    check(
        &ls![
            ETH_USD,
            halt("ETH-USD"),
            new_order("ETH-USD", 1, "e", "buy", "limit", Some("10"), "1", ""),
            buy(1, "b", "100", "1"),
        ],
        &ls![
            halted(2, "ETH-USD", true),
            rej(3, 1, "e", "instrument_halted"),
            acc(4, 1, "b", "buy", "100", "1"),
        ],
    );
}

#[test]
fn bad_halt_and_resume_lines_are_errors() {
    check(
        &ls![
            halt("NOPE"),
            resume("NOPE"),
            r#"{"op":"halt"}"#,
            r#"{"op":"resume","symbol":7}"#,
            // Nothing was halted.
            buy(1, "a", "100", "1"),
        ],
        &ls![
            err(1),
            err(2),
            err(3),
            err(4),
            acc(5, 1, "a", "buy", "100", "1"),
        ],
    );
}

// ----- kill switch ----------------------------------------------------------------------------

#[test]
fn kill_switch_cancels_in_acceptance_order_rejects_and_is_lifted() {
    check(
        &ls![
            sell(1, "a", "101", "1"),
            buy(1, "b", "99", "2"),
            sell(1, "c", "102", "3"),
            buy(2, "x", "98", "1"),
            kill(1, true),
            buy(1, "d", "99", "1"),
            amend(1, "b", Some("99.5"), None),
            cancel(1, "a"),
            q_balance(1),
            kill(1, false),
            buy(1, "d", "99", "1"),
            q_book(),
        ],
        &cat(vec![
            ls![
                acc(1, 1, "a", "sell", "101", "1"),
                acc(2, 1, "b", "buy", "99", "2"),
                acc(3, 1, "c", "sell", "102", "3"),
                acc(4, 2, "x", "buy", "98", "1"),
                // Cancels first, in acceptance order, then the kill_switch event.
                cxl(5, 1, "a", "kill_switch", "1"),
                cxl(5, 1, "b", "kill_switch", "2"),
                cxl(5, 1, "c", "kill_switch", "3"),
                killed(5, 1, true),
                rej(6, 1, "d", "kill_switch"),
                // Before unknown_order: the order is gone, the switch answers first.
                rej(7, 1, "b", "kill_switch"),
                // Cancels are not stopped by the switch.
                rej(8, 1, "a", "unknown_order"),
            ],
            // Every hold released.
            bal2(9, 1, ("1000", "0"), ("1000000", "0")),
            ls![
                killed(10, 1, false),
                acc(11, 1, "d", "buy", "99", "1"),
                book(12, &[("99", "1"), ("98", "1")], &[]),
            ],
        ]),
    );
}

#[test]
fn kill_switch_on_a_new_account_stops_its_first_order() {
    check(
        &ls![
            kill(9, true),
            deposit(9, "USD", "100"),
            buy(9, "a", "10", "1"),
            kill(9, true),
            kill(9, false),
            buy(9, "a", "10", "1"),
            kill(10, false),
        ],
        &ls![
            killed(1, 9, true),
            rej(3, 9, "a", "kill_switch"),
            killed(4, 9, true),
            killed(5, 9, false),
            acc(6, 9, "a", "buy", "10", "1"),
            killed(7, 10, false),
        ],
    );
}

#[test]
fn bad_kill_switch_lines_are_errors() {
    check(
        &ls![
            r#"{"op":"kill_switch","account":1}"#,
            r#"{"op":"kill_switch","account":1,"on":"yes"}"#,
            r#"{"op":"kill_switch","account":-1,"on":true}"#,
            r#"{"op":"kill_switch","on":true}"#,
            buy(1, "a", "100", "1"),
        ],
        &ls![
            err(1),
            err(2),
            err(3),
            err(4),
            acc(5, 1, "a", "buy", "100", "1"),
        ],
    );
}

// ----- fees -----------------------------------------------------------------------------------

/// BTC-USD starts with no fees. A trade of 1 BTC at 100 USD: the buyer receives 1 BTC and pays
/// its fee in BTC, the seller receives 100 USD and pays its fee in USD.
#[test]
fn set_fees_changes_the_fee_amounts_of_the_next_trades() {
    check(
        &ls![
            sell(1, "m0", "100", "1"),
            buy(2, "t0", "100", "1"),
            q_fees(),
            // A maker that rests before the change pays the new rate when it trades after it.
            sell(1, "m1", "100", "1"),
            set_fees(SYM, 10, 20),
            buy(2, "t1", "100", "1"),
            q_fees(),
            set_fees(SYM, -5, 0),
            sell(1, "m2", "100", "1"),
            buy(2, "t2", "100", "1"),
            q_fees(),
            q_balance(1),
            q_balance(2),
        ],
        &cat(vec![
            ls![
                acc(1, 1, "m0", "sell", "100", "1"),
                acc(2, 2, "t0", "buy", "100", "1"),
                trd(2, "100", "1", 1, "m0", 2, "t0", "buy"),
                fill(2, 1, "m0"),
                fill(2, 2, "t0"),
                fee(3, "BTC", "0"),
                fee(3, "USD", "0"),
                acc(4, 1, "m1", "sell", "100", "1"),
                fees_changed(5, SYM, 10, 20),
                acc(6, 2, "t1", "buy", "100", "1"),
                trd(6, "100", "1", 1, "m1", 2, "t1", "buy"),
                fill(6, 1, "m1"),
                fill(6, 2, "t1"),
                // Taker (buyer) 20 bps of 1 BTC; maker (seller) 10 bps of 100 USD.
                fee(7, "BTC", "0.002"),
                fee(7, "USD", "0.1"),
                // A negative maker rate is a rebate the fee account pays.
                fees_changed(8, SYM, -5, 0),
                acc(9, 1, "m2", "sell", "100", "1"),
                acc(10, 2, "t2", "buy", "100", "1"),
                trd(10, "100", "1", 1, "m2", 2, "t2", "buy"),
                fill(10, 1, "m2"),
                fill(10, 2, "t2"),
                // 0.1 - 5 bps of 100 USD (0.05); the taker paid nothing.
                fee(11, "BTC", "0.002"),
                fee(11, "USD", "0.05"),
            ],
            // Seller: 1000 - 3 BTC; 1,000,000 + 100 + (100 - 0.1) + (100 + 0.05) USD.
            bal2(12, 1, ("997", "0"), ("1000299.95", "0")),
            // Buyer: 1000 + 1 + (1 - 0.002) + 1 BTC; 1,000,000 - 300 USD.
            bal2(13, 2, ("1002.998", "0"), ("999700", "0")),
        ]),
    );
}

#[test]
fn bad_set_fees_lines_are_errors() {
    check(
        &ls![
            set_fees("NOPE", 1, 1),
            r#"{"op":"set_fees","symbol":"BTC-USD","maker_fee_bps":1}"#,
            set_fees(SYM, 10_001, 0),
            set_fees(SYM, 0, -10_001),
            r#"{"op":"set_fees","symbol":"BTC-USD","maker_fee_bps":"1","taker_fee_bps":1}"#,
            set_fees(SYM, -10_000, 10_000),
        ],
        &ls![
            err(1),
            err(2),
            err(3),
            err(4),
            err(5),
            fees_changed(6, SYM, -10_000, 10_000),
        ],
    );
}

// ----- disconnect -----------------------------------------------------------------------------

#[test]
fn disconnect_cancels_every_open_order_in_acceptance_order() {
    check(
        &ls![
            ETH_USD,
            buy(3, "x", "100", "1"),
            new_order("ETH-USD", 3, "e", "buy", "limit", Some("10"), "1", ""),
            sell(3, "y", "110", "2"),
            buy(2, "other", "100", "1"),
            disconnect(3),
            disconnect(3),
            disconnect(42),
            buy(3, "w", "100", "1"),
            r#"{"op":"disconnect"}"#,
        ],
        &ls![
            acc(2, 3, "x", "buy", "100", "1"),
            acc_s(3, 3, "e", "ETH-USD", "buy", Some("10"), "1"),
            acc(4, 3, "y", "sell", "110", "2"),
            acc(5, 2, "other", "buy", "100", "1"),
            cxl(6, 3, "x", "disconnect", "1"),
            cxl(6, 3, "e", "disconnect", "1"),
            cxl(6, 3, "y", "disconnect", "2"),
            // Nothing open, or an unknown account: no events.
            // A disconnect is not a kill switch: the account trades on.
            acc(9, 3, "w", "buy", "100", "1"),
            err(10),
        ],
    );
}

// ----- precedence -----------------------------------------------------------------------------

#[test]
fn precedence_of_kill_switch_and_instrument_halted() {
    let cases: Vec<(String, Vec<String>, Vec<String>)> = vec![
        (
            "unknown_symbol before kill_switch".into(),
            ls![
                kill(1, true),
                new_order("NOPE", 1, "a", "buy", "limit", Some("100"), "1", "")
            ],
            ls![killed(1, 1, true), rej(2, 1, "a", "unknown_symbol")],
        ),
        (
            "kill_switch before instrument_halted".into(),
            ls![kill(1, true), halt(SYM), buy(1, "a", "100", "1")],
            ls![
                killed(1, 1, true),
                halted(2, SYM, true),
                rej(3, 1, "a", "kill_switch")
            ],
        ),
        (
            "kill_switch before duplicate_id".into(),
            ls![
                buy(1, "a", "100", "1"),
                kill(1, true),
                buy(1, "a", "100", "1")
            ],
            ls![
                acc(1, 1, "a", "buy", "100", "1"),
                cxl(2, 1, "a", "kill_switch", "1"),
                killed(2, 1, true),
                rej(3, 1, "a", "kill_switch")
            ],
        ),
        (
            "kill_switch before invalid_price".into(),
            ls![kill(1, true), buy(1, "a", "100.25", "1")],
            ls![killed(1, 1, true), rej(2, 1, "a", "kill_switch")],
        ),
        (
            "instrument_halted before duplicate_id".into(),
            ls![buy(1, "a", "100", "1"), halt(SYM), buy(1, "a", "100", "1")],
            ls![
                acc(1, 1, "a", "buy", "100", "1"),
                halted(2, SYM, true),
                rej(3, 1, "a", "instrument_halted")
            ],
        ),
        (
            "instrument_halted before invalid_price".into(),
            ls![halt(SYM), buy(1, "a", "100.25", "1")],
            ls![halted(1, SYM, true), rej(2, 1, "a", "instrument_halted")],
        ),
        (
            "instrument_halted before invalid_qty".into(),
            ls![halt(SYM), buy(1, "a", "100", "0")],
            ls![halted(1, SYM, true), rej(2, 1, "a", "instrument_halted")],
        ),
        (
            "instrument_halted before insufficient_balance".into(),
            ls![halt(SYM), buy(4, "a", "100", "1")],
            ls![halted(1, SYM, true), rej(2, 4, "a", "instrument_halted")],
        ),
        (
            "amend: unknown_symbol before kill_switch".into(),
            ls![kill(1, true), amend_s("NOPE", 1, "a", Some("100"), None)],
            ls![killed(1, 1, true), rej(2, 1, "a", "unknown_symbol")],
        ),
        (
            "amend: instrument_halted before unknown_order".into(),
            ls![halt(SYM), amend(1, "nope", Some("100"), None)],
            ls![halted(1, SYM, true), rej(2, 1, "nope", "instrument_halted")],
        ),
        (
            "amend: instrument_halted before invalid_price".into(),
            ls![
                buy(1, "a", "100", "1"),
                halt(SYM),
                amend(1, "a", Some("100.25"), None)
            ],
            ls![
                acc(1, 1, "a", "buy", "100", "1"),
                halted(2, SYM, true),
                rej(3, 1, "a", "instrument_halted")
            ],
        ),
        (
            "amend: kill_switch before instrument_halted".into(),
            ls![
                buy(1, "a", "100", "1"),
                halt(SYM),
                kill(1, true),
                amend(1, "a", Some("99"), None)
            ],
            ls![
                acc(1, 1, "a", "buy", "100", "1"),
                halted(2, SYM, true),
                cxl(3, 1, "a", "kill_switch", "1"),
                killed(3, 1, true),
                rej(4, 1, "a", "kill_switch")
            ],
        ),
        (
            "cancel: neither gate applies".into(),
            ls![
                buy(1, "a", "100", "1"),
                halt(SYM),
                kill(2, true),
                cancel(1, "a")
            ],
            ls![
                acc(1, 1, "a", "buy", "100", "1"),
                halted(2, SYM, true),
                killed(3, 2, true),
                cxl(4, 1, "a", "user", "1")
            ],
        ),
    ];
    check_cases(cases);
}
