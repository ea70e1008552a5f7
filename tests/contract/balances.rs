//! Balances: "A new limit order needs what it could spend: a buy holds price x qty of the quote
//! asset, a sell holds qty of the base asset; otherwise it is `rejected` (`insufficient_balance`).
//! ... A `market` order holds nothing in advance: against each maker it trades as many whole lots
//! as the account can still pay for (a buy, in the quote asset at that maker's price; a sell, in
//! the base asset), and when it can pay for none, the rest is cancelled (`ioc_remainder`). Trades
//! settle both accounts (fees, when an instrument sets them, go to a fee account); cancels release
//! what was held." Withdraw: "debit an account's available balance; `rejected`
//! (`insufficient_balance`, with that `id`) if it is short". Queried with docs' `balance`/`fees`.
//!
//! AMBIGUITY: we expect `held` to be exactly price x leaves (buy) or leaves (sell) of the open orders: when a
//! buy trades below its limit, the part of the hold it no longer needs goes back to `available`.

use crate::support::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

/// ETH-USD with a maker rebate of 2 bps and a taker fee of 10 bps.
const FEE_ETH: &str = r#"{"op":"instrument","symbol":"ETH-USD","kind":"spot","base":"ETH","quote":"USD","tick":"0.1","lot":"0.1","maker_fee_bps":-2,"taker_fee_bps":10}"#;

fn eth(acct: u64, id: &str, side: &str, price: &str, qty: &str) -> String {
    new_order("ETH-USD", acct, id, side, "limit", Some(price), qty, "")
}

/// The three balance events (BTC, USD, ETH) once ETH-USD is listed.
fn bal3(seq: u64, acct: u64, btc: (&str, &str), usd: (&str, &str), e: (&str, &str)) -> Vec<String> {
    vec![
        bal(seq, acct, "BTC", btc.0, btc.1),
        bal(seq, acct, "USD", usd.0, usd.1),
        bal(seq, acct, "ETH", e.0, e.1),
    ]
}

// ----- deposits and queries ---------------------------------------------------------------------

#[test]
fn deposits_add_up_and_produce_no_event() {
    check(
        &ls![
            deposit(4, "USD", "123.45"),
            deposit(4, "BTC", "0.5"),
            deposit(4, "USD", "0.55"),
            q_balance(4),
        ],
        &bal2(4, 4, ("0.5", "0"), ("124", "0")),
    );
}

#[test]
fn balance_of_an_unseen_account_lists_every_known_asset_at_zero() {
    check(&ls![q_balance(99)], &bal2(1, 99, ("0", "0"), ("0", "0")));
}

#[test]
fn assets_are_listed_in_the_order_they_became_known() {
    // docs: through `instrument` (base, then quote) and `deposit`, in that order.
    check(
        &ls![
            deposit(4, "EUR", "5"),
            r#"{"op":"instrument","symbol":"ETH-CHF","kind":"spot","base":"ETH","quote":"CHF","tick":"0.1","lot":"0.1"}"#,
            deposit(4, "ZZZ", "1"),
            q_balance(4),
            q_fees(),
        ],
        &ls![
            bal(4, 4, "BTC", "0", "0"),
            bal(4, 4, "USD", "0", "0"),
            bal(4, 4, "EUR", "5", "0"),
            bal(4, 4, "ETH", "0", "0"),
            bal(4, 4, "CHF", "0", "0"),
            bal(4, 4, "ZZZ", "1", "0"),
            fee(5, "BTC", "0"),
            fee(5, "USD", "0"),
            fee(5, "EUR", "0"),
            fee(5, "ETH", "0"),
            fee(5, "CHF", "0"),
            fee(5, "ZZZ", "0"),
        ],
    );
}

// ----- holds ------------------------------------------------------------------------------------

#[test]
fn buy_limit_holds_price_times_qty_of_quote() {
    check(
        &ls![
            deposit(4, "USD", "1000"),
            buy(4, "b", "100.5", "2.5"),
            q_balance(4)
        ],
        &cat(vec![
            ls![acc(2, 4, "b", "buy", "100.5", "2.5")],
            bal2(3, 4, ("0", "0"), ("748.75", "251.25")),
        ]),
    );
}

#[test]
fn sell_limit_holds_qty_of_base() {
    check(
        &ls![
            deposit(4, "BTC", "2"),
            sell(4, "s", "100", "1.25"),
            q_balance(4)
        ],
        &cat(vec![
            ls![acc(2, 4, "s", "sell", "100", "1.25")],
            bal2(3, 4, ("0.75", "1.25"), ("0", "0")),
        ]),
    );
}

#[test]
fn buy_needs_the_full_hold_in_available_quote() {
    check(
        &ls![
            deposit(4, "USD", "100"),
            buy(4, "a", "100.5", "1"),
            buy(4, "b", "50", "2.01"),
            buy(4, "c", "100", "1"),
            buy(4, "d", "0.5", "0.01"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                rej(2, 4, "a", "insufficient_balance"),
                rej(3, 4, "b", "insufficient_balance"),
                acc(4, 4, "c", "buy", "100", "1"),
                rej(5, 4, "d", "insufficient_balance"),
            ],
            bal2(6, 4, ("0", "0"), ("0", "100")),
        ]),
    );
}

#[test]
fn sell_needs_the_full_qty_in_available_base() {
    check(
        &ls![
            deposit(4, "BTC", "1"),
            sell(4, "a", "100", "1.01"),
            sell(4, "b", "100", "0.6"),
            sell(4, "c", "100", "0.41"),
            sell(4, "d", "100", "0.4"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                rej(2, 4, "a", "insufficient_balance"),
                acc(3, 4, "b", "sell", "100", "0.6"),
                rej(4, 4, "c", "insufficient_balance"),
                acc(5, 4, "d", "sell", "100", "0.4"),
            ],
            bal2(6, 4, ("0", "1"), ("0", "0")),
        ]),
    );
}

#[test]
fn hold_is_at_the_limit_price_even_when_it_would_trade_cheaper() {
    check(
        &ls![
            deposit(4, "USD", "100"),
            sell(2, "s", "90", "1"),
            buy(4, "a", "101", "1"),
            buy(4, "b", "100", "1"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "s", "sell", "90", "1"),
                rej(3, 4, "a", "insufficient_balance"),
                acc(4, 4, "b", "buy", "100", "1"),
                trd(4, "90", "1", 2, "s", 4, "b", "buy"),
                fill(4, 2, "s"),
                fill(4, 4, "b"),
            ],
            bal2(5, 4, ("1", "0"), ("10", "0")),
        ]),
    );
}

#[test]
fn partially_filled_buy_holds_price_times_leaves() {
    check(
        &ls![
            deposit(4, "USD", "1000"),
            sell(2, "s", "90", "1"),
            buy(4, "b", "100", "3"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "s", "sell", "90", "1"),
                acc(3, 4, "b", "buy", "100", "3"),
                trd(3, "90", "1", 2, "s", 4, "b", "buy"),
                fill(3, 2, "s"),
            ],
            bal2(4, 4, ("1", "0"), ("710", "200")),
        ]),
    );
}

#[test]
fn trade_settles_maker_and_taker() {
    check(
        &ls![
            deposit(4, "BTC", "2"),
            deposit(5, "USD", "150"),
            sell(4, "s", "100", "2"),
            buy(5, "b", "100", "1.5"),
            q_balance(4),
            q_balance(5),
        ],
        &cat(vec![
            ls![
                acc(3, 4, "s", "sell", "100", "2"),
                acc(4, 5, "b", "buy", "100", "1.5"),
                trd(4, "100", "1.5", 4, "s", 5, "b", "buy"),
                fill(4, 5, "b"),
            ],
            bal2(5, 4, ("0", "0.5"), ("150", "0")),
            bal2(6, 5, ("1.5", "0"), ("0", "0")),
        ]),
    );
}

#[test]
fn ioc_remainder_releases_its_hold() {
    check(
        &ls![
            deposit(4, "USD", "300"),
            sell(2, "s", "100", "1"),
            buy_x(4, "i", "100", "3", r#""tif":"ioc""#),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "s", "sell", "100", "1"),
                acc(3, 4, "i", "buy", "100", "3"),
                trd(3, "100", "1", 2, "s", 4, "i", "buy"),
                fill(3, 2, "s"),
                cxl(3, 4, "i", "ioc_remainder", "2"),
            ],
            bal2(4, 4, ("1", "0"), ("200", "0")),
        ]),
    );
}

#[test]
fn funds_received_from_a_trade_are_available_at_once() {
    check(
        &ls![
            deposit(4, "BTC", "1"),
            buy(2, "b", "100", "1"),
            sell(4, "s", "100", "1"),
            buy(4, "again", "50", "2"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "b", "buy", "100", "1"),
                acc(3, 4, "s", "sell", "100", "1"),
                trd(3, "100", "1", 2, "b", 4, "s", "sell"),
                fill(3, 2, "b"),
                fill(3, 4, "s"),
                acc(4, 4, "again", "buy", "50", "2"),
            ],
            bal2(5, 4, ("0", "0"), ("0", "100")),
        ]),
    );
}

// ----- market orders ----------------------------------------------------------------------------

#[test]
fn market_buy_trades_only_the_whole_lots_it_can_pay_for_at_each_maker_price() {
    // 250 USD, 50 held by a resting bid: 200 available. 1 @ 100 leaves 100; at 120 that pays
    // for 0.83 (99.6 USD; 0.84 would be 100.8). The remaining 1.17 is cancelled.
    check(
        &ls![
            deposit(4, "USD", "250"),
            buy(4, "bid", "50", "1"),
            sell(2, "a", "100", "1"),
            sell(3, "b", "120", "2"),
            mkt_buy(4, "m", "3"),
            q_balance(4),
            q_book(),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "bid", "buy", "50", "1"),
                acc(3, 2, "a", "sell", "100", "1"),
                acc(4, 3, "b", "sell", "120", "2"),
                acc_mkt(5, 4, "m", "buy", "3"),
                trd(5, "100", "1", 2, "a", 4, "m", "buy"),
                fill(5, 2, "a"),
                trd(5, "120", "0.83", 3, "b", 4, "m", "buy"),
                cxl(5, 4, "m", "ioc_remainder", "1.17"),
            ],
            bal2(6, 4, ("1.83", "0"), ("0.4", "50")),
            ls![book(7, &[("50", "1")], &[("120", "1.17")])],
        ]),
    );
}

#[test]
fn market_buy_that_can_pay_for_no_lot_is_cancelled_whole() {
    // One lot (0.01) at 100 costs 1 USD; 0.99 pays for none.
    check(
        &ls![
            deposit(4, "USD", "0.99"),
            sell(2, "a", "100", "1"),
            mkt_buy(4, "m", "1"),
            mkt_buy(5, "n", "1"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "a", "sell", "100", "1"),
                acc_mkt(3, 4, "m", "buy", "1"),
                cxl(3, 4, "m", "ioc_remainder", "1"),
                acc_mkt(4, 5, "n", "buy", "1"),
                cxl(4, 5, "n", "ioc_remainder", "1"),
            ],
            bal2(5, 4, ("0", "0"), ("0.99", "0")),
        ]),
    );
}

#[test]
fn market_buy_with_exact_funds_fills() {
    check(
        &ls![
            deposit(4, "USD", "201"),
            sell(2, "a", "100", "1"),
            sell(3, "b", "101", "1"),
            mkt_buy(4, "m", "2"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "a", "sell", "100", "1"),
                acc(3, 3, "b", "sell", "101", "1"),
                acc_mkt(4, 4, "m", "buy", "2"),
                trd(4, "100", "1", 2, "a", 4, "m", "buy"),
                fill(4, 2, "a"),
                trd(4, "101", "1", 3, "b", 4, "m", "buy"),
                fill(4, 3, "b"),
                fill(4, 4, "m"),
            ],
            bal2(5, 4, ("2", "0"), ("0", "0")),
        ]),
    );
}

#[test]
fn market_sell_is_limited_by_available_base() {
    // 1.5 BTC, 0.5 held by a resting sell: 1 available.
    check(
        &ls![
            deposit(4, "BTC", "1.5"),
            sell(4, "ask", "200", "0.5"),
            buy(2, "b", "100", "2"),
            mkt_sell(4, "m", "3"),
            q_balance(4),
            q_book(),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "ask", "sell", "200", "0.5"),
                acc(3, 2, "b", "buy", "100", "2"),
                acc_mkt(4, 4, "m", "sell", "3"),
                trd(4, "100", "1", 2, "b", 4, "m", "sell"),
                cxl(4, 4, "m", "ioc_remainder", "2"),
            ],
            bal2(5, 4, ("0", "0.5"), ("100", "0")),
            ls![book(6, &[("100", "1")], &[("200", "0.5")])],
        ]),
    );
}

#[test]
fn market_sell_with_no_base_is_cancelled_whole() {
    check(
        &ls![buy(2, "b", "100", "2"), mkt_sell(4, "m", "1"), q_book()],
        &ls![
            acc(1, 2, "b", "buy", "100", "2"),
            acc_mkt(2, 4, "m", "sell", "1"),
            cxl(2, 4, "m", "ioc_remainder", "1"),
            book(3, &[("100", "2")], &[]),
        ],
    );
}

// ----- fees -------------------------------------------------------------------------------------

#[test]
fn taker_buyer_pays_fee_in_base_and_maker_seller_gets_rebate_in_quote() {
    // 10 @ 200 = 2000 USD. Maker (seller) receives 2000 + 2 bps rebate (0.4); taker (buyer)
    // receives 10 ETH - 10 bps (0.01). The fee account pays the rebate and goes negative in USD.
    check(
        &ls![
            FEE_ETH,
            deposit(4, "ETH", "10"),
            deposit(5, "USD", "2000"),
            eth(4, "s", "sell", "200", "10"),
            eth(5, "b", "buy", "200", "10"),
            q_balance(4),
            q_balance(5),
            q_fees(),
        ],
        &cat(vec![
            ls![
                acc_s(4, 4, "s", "ETH-USD", "sell", Some("200"), "10"),
                acc_s(5, 5, "b", "ETH-USD", "buy", Some("200"), "10"),
                trd_s(5, "ETH-USD", "200", "10", 4, "s", 5, "b", "buy"),
                fill(5, 4, "s"),
                fill(5, 5, "b"),
            ],
            bal3(6, 4, ("0", "0"), ("2000.4", "0"), ("0", "0")),
            bal3(7, 5, ("0", "0"), ("0", "0"), ("9.99", "0")),
            ls![
                fee(8, "BTC", "0"),
                fee(8, "USD", "-0.4"),
                fee(8, "ETH", "0.01"),
            ],
        ]),
    );
}

#[test]
fn taker_seller_pays_fee_in_quote_and_maker_buyer_gets_rebate_in_base() {
    check(
        &ls![
            FEE_ETH,
            deposit(4, "ETH", "10"),
            deposit(5, "USD", "2000"),
            eth(5, "b", "buy", "200", "10"),
            eth(4, "s", "sell", "190", "10"),
            q_balance(4),
            q_balance(5),
            q_fees(),
        ],
        &cat(vec![
            ls![
                acc_s(4, 5, "b", "ETH-USD", "buy", Some("200"), "10"),
                acc_s(5, 4, "s", "ETH-USD", "sell", Some("190"), "10"),
                trd_s(5, "ETH-USD", "200", "10", 5, "b", 4, "s", "sell"),
                fill(5, 5, "b"),
                fill(5, 4, "s"),
            ],
            bal3(6, 4, ("0", "0"), ("1998", "0"), ("0", "0")),
            bal3(7, 5, ("0", "0"), ("0", "0"), ("10.002", "0")),
            ls![
                fee(8, "BTC", "0"),
                fee(8, "USD", "2"),
                fee(8, "ETH", "-0.002"),
            ],
        ]),
    );
}

#[test]
fn fees_are_truncated_toward_zero_at_1e_minus_18() {
    // DUST-USD: tick 1e-18, lot 1, maker -3 bps, taker 10 bps. Both trades are 1 DUST at
    // 12345e-18 USD.
    // Trade 1, maker seller 4 / taker buyer 5: seller fee = 12345 x -3 / 10000 = -3.7035 units,
    //   truncated toward zero to -3 (so 4 receives 12348); buyer fee 1 x 10 / 10000 = 0.001 DUST.
    // Trade 2, maker buyer 5 / taker seller 4: seller fee = 12345 x 10 / 10000 = 12.345 units,
    //   truncated to 12 (4 receives 12333); buyer fee = 1 x -3 / 10000 = -0.0003 DUST.
    let p = "0.000000000000012345";
    let dust = |acct: u64, id: &str, side: &str| {
        new_order("DUST-USD", acct, id, side, "limit", Some(p), "1", "")
    };
    check(
        &ls![
            r#"{"op":"instrument","symbol":"DUST-USD","kind":"spot","base":"DUST","quote":"USD","tick":"0.000000000000000001","lot":"1","maker_fee_bps":-3,"taker_fee_bps":10}"#,
            deposit(4, "DUST", "2"),
            deposit(5, "USD", "1"),
            dust(4, "s1", "sell"),
            dust(5, "b1", "buy"),
            dust(5, "b2", "buy"),
            dust(4, "s2", "sell"),
            q_balance(4),
            q_balance(5),
            q_fees(),
        ],
        &cat(vec![
            ls![
                acc_s(4, 4, "s1", "DUST-USD", "sell", Some(p), "1"),
                acc_s(5, 5, "b1", "DUST-USD", "buy", Some(p), "1"),
                trd_s(5, "DUST-USD", p, "1", 4, "s1", 5, "b1", "buy"),
                fill(5, 4, "s1"),
                fill(5, 5, "b1"),
                acc_s(6, 5, "b2", "DUST-USD", "buy", Some(p), "1"),
                acc_s(7, 4, "s2", "DUST-USD", "sell", Some(p), "1"),
                trd_s(7, "DUST-USD", p, "1", 5, "b2", 4, "s2", "sell"),
                fill(7, 5, "b2"),
                fill(7, 4, "s2"),
            ],
            ls![
                bal(8, 4, "BTC", "0", "0"),
                bal(8, 4, "USD", "0.000000000000024681", "0"),
                bal(8, 4, "DUST", "0", "0"),
                bal(9, 5, "BTC", "0", "0"),
                bal(9, 5, "USD", "0.99999999999997531", "0"),
                bal(9, 5, "DUST", "1.9993", "0"),
                fee(10, "BTC", "0"),
                fee(10, "USD", "0.000000000000000009"),
                fee(10, "DUST", "0.0007"),
            ],
        ]),
    );
}

#[test]
fn instrument_without_fee_fields_charges_nothing() {
    check(
        &ls![
            sell(2, "s", "100", "1"),
            buy(1, "b", "100", "1"),
            q_fees(),
            q_balance(2)
        ],
        &cat(vec![
            ls![
                acc(1, 2, "s", "sell", "100", "1"),
                acc(2, 1, "b", "buy", "100", "1"),
                trd(2, "100", "1", 2, "s", 1, "b", "buy"),
                fill(2, 2, "s"),
                fill(2, 1, "b"),
                fee(3, "BTC", "0"),
                fee(3, "USD", "0"),
            ],
            bal2(4, 2, ("999", "0"), ("1000100", "0")),
        ]),
    );
}

// ----- withdraw ---------------------------------------------------------------------------------

#[test]
fn withdraw_debits_available_with_no_event() {
    check(
        &ls![
            deposit(4, "USD", "100"),
            withdraw(4, "USD", "40.5", "w1"),
            withdraw(4, "USD", "59.5", "w2"),
            q_balance(4),
        ],
        &bal2(4, 4, ("0", "0"), ("0", "0")),
    );
}

#[test]
fn withdraw_more_than_available_is_rejected_with_its_id_and_changes_nothing() {
    check(
        &ls![
            deposit(4, "USD", "100"),
            withdraw(4, "USD", "100.01", "w1"),
            q_balance(4),
        ],
        &cat(vec![
            ls![rej(2, 4, "w1", "insufficient_balance")],
            bal2(3, 4, ("0", "0"), ("100", "0")),
        ]),
    );
}

#[test]
fn withdraw_cannot_take_held_funds() {
    check(
        &ls![
            deposit(4, "USD", "100"),
            buy(4, "b", "60", "1"),
            withdraw(4, "USD", "41", "w1"),
            withdraw(4, "USD", "40", "w2"),
            cancel(4, "b"),
            withdraw(4, "USD", "60", "w3"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 4, "b", "buy", "60", "1"),
                rej(3, 4, "w1", "insufficient_balance"),
                cxl(5, 4, "b", "user", "1"),
            ],
            bal2(7, 4, ("0", "0"), ("0", "0")),
        ]),
    );
}

#[test]
fn withdraw_of_an_unknown_or_unfunded_asset_is_insufficient_balance() {
    // docs: a withdraw of an unknown asset is rejected insufficient_balance.
    check(
        &ls![
            withdraw(4, "XYZ", "1", "w1"),
            withdraw(4, "BTC", "0.01", "w2"),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                rej(1, 4, "w1", "insufficient_balance"),
                rej(2, 4, "w2", "insufficient_balance"),
            ],
            bal2(3, 4, ("0", "0"), ("0", "0")),
        ]),
    );
}

#[test]
fn withdraw_request_ids_may_repeat() {
    // Request ids are echoed, not checked for uniqueness (the contract says nothing about it).
    check(
        &ls![withdraw(4, "USD", "1", "w"), withdraw(4, "USD", "1", "w"),],
        &ls![
            rej(1, 4, "w", "insufficient_balance"),
            rej(2, 4, "w", "insufficient_balance"),
        ],
    );
}

// ----- conservation -----------------------------------------------------------------------------

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("decimal string")).expect("decimal")
}

#[test]
fn every_asset_is_conserved_across_accounts_and_the_fee_account() {
    // A busy session on a fee-bearing instrument: sum(available + held) over all accounts plus
    // the fee account equals deposits minus withdrawals, per asset.
    let lines = ls![
        FEE_ETH,
        deposit(4, "ETH", "50"),
        deposit(4, "USD", "10000"),
        deposit(5, "ETH", "20"),
        deposit(5, "USD", "3000"),
        deposit(6, "USD", "777.7"),
        eth(4, "a1", "sell", "101.3", "7.3"),
        eth(4, "a2", "sell", "102.1", "5"),
        eth(5, "a3", "sell", "101.7", "4.4"),
        eth(6, "b1", "buy", "99.9", "3.3"),
        eth(5, "b2", "buy", "100.1", "2.2"),
        eth(6, "t1", "buy", "101.9", "1.7"),
        new_order("ETH-USD", 5, "m1", "buy", "market", None, "3.1", ""),
        eth(4, "t2", "sell", "99.9", "4.9"),
        withdraw(5, "USD", "123.45", "w1"),
        new_order("ETH-USD", 6, "m2", "buy", "market", None, "30", ""),
        cancel_s("ETH-USD", 4, "a2"),
        eth(5, "t3", "sell", "95.5", "9.9"),
        new_order("ETH-USD", 4, "m3", "buy", "market", None, "9.7", ""),
        withdraw(4, "ETH", "1.1", "w2"),
        mass_cancel(5, None),
        mass_cancel(6, None),
        mass_cancel(4, None),
        q_balance(4),
        q_balance(5),
        q_balance(6),
        q_fees(),
    ];
    let out = run_with(&Default::default(), &lines);
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut trades = 0;
    for l in &out {
        let v: Value = serde_json::from_str(l).unwrap();
        match v["event"].as_str() {
            Some("balance") => {
                *totals
                    .entry(v["asset"].as_str().unwrap().into())
                    .or_default() += dec(&v["available"]) + dec(&v["held"]);
                assert_eq!(v["held"], "0", "nothing is open at the end: {l}");
            }
            Some("fees") => {
                *totals
                    .entry(v["asset"].as_str().unwrap().into())
                    .or_default() += dec(&v["amount"]);
            }
            Some("trade") => trades += 1,
            Some("error") => panic!("unexpected error: {l}"),
            Some("rejected") if v["id"] == "w1" || v["id"] == "w2" => {
                panic!("the withdrawals must succeed for the totals below: {l}")
            }
            _ => {}
        }
    }
    assert!(trades >= 5, "the scenario should trade: {out:#?}");
    let d = |s: &str| Decimal::from_str(s).unwrap();
    assert_eq!(totals["BTC"], d("0"), "{out:#?}");
    assert_eq!(totals["ETH"], d("50") + d("20") - d("1.1"), "{out:#?}");
    assert_eq!(
        totals["USD"],
        d("10000") + d("3000") + d("777.7") - d("123.45"),
        "{out:#?}"
    );
}

#[test]
fn exact_balances_after_a_multi_maker_fee_trade() {
    // Taker 5 buys 3 ETH against makers 4 (1 @ 100) and 6 (2 @ 100.5).
    // Maker 4 (seller) gets 100 + 0.02 rebate; maker 6 gets 201 + 0.0402.
    // Taker 5 (303 USD, all held at its limit 101) pays 301, receives 1 - 0.001 and
    // 2 - 0.002 = 2.997 ETH.
    // Fee account: ETH +0.003, USD -0.0602.
    check(
        &ls![
            FEE_ETH,
            deposit(4, "ETH", "1"),
            deposit(6, "ETH", "2"),
            deposit(5, "USD", "303"),
            eth(4, "s4", "sell", "100", "1"),
            eth(6, "s6", "sell", "100.5", "2"),
            eth(5, "b", "buy", "101", "3"),
            q_balance(4),
            q_balance(5),
            q_balance(6),
            q_fees(),
        ],
        &cat(vec![
            ls![
                acc_s(5, 4, "s4", "ETH-USD", "sell", Some("100"), "1"),
                acc_s(6, 6, "s6", "ETH-USD", "sell", Some("100.5"), "2"),
                acc_s(7, 5, "b", "ETH-USD", "buy", Some("101"), "3"),
                trd_s(7, "ETH-USD", "100", "1", 4, "s4", 5, "b", "buy"),
                fill(7, 4, "s4"),
                trd_s(7, "ETH-USD", "100.5", "2", 6, "s6", 5, "b", "buy"),
                fill(7, 6, "s6"),
                fill(7, 5, "b"),
            ],
            bal3(8, 4, ("0", "0"), ("100.02", "0"), ("0", "0")),
            bal3(9, 5, ("0", "0"), ("2", "0"), ("2.997", "0")),
            bal3(10, 6, ("0", "0"), ("201.0402", "0"), ("0", "0")),
            ls![
                fee(11, "BTC", "0"),
                fee(11, "USD", "-0.0602"),
                fee(11, "ETH", "0.003"),
            ],
        ]),
    );
}

#[test]
fn ioc_and_fok_limit_orders_hold_at_their_limit_too() {
    // "A new limit order needs what it could spend", whatever its tif.
    check(
        &ls![
            deposit(4, "USD", "100"),
            sell(2, "s", "40", "5"),
            buy_x(4, "i", "100.5", "1", r#""tif":"ioc""#),
            buy_x(4, "f", "100.5", "1", r#""tif":"fok""#),
            buy_x(4, "g", "100", "1", r#""tif":"ioc""#),
            q_balance(4),
        ],
        &cat(vec![
            ls![
                acc(2, 2, "s", "sell", "40", "5"),
                rej(3, 4, "i", "insufficient_balance"),
                rej(4, 4, "f", "insufficient_balance"),
                acc(5, 4, "g", "buy", "100", "1"),
                trd(5, "40", "1", 2, "s", 4, "g", "buy"),
                fill(5, 4, "g"),
            ],
            bal2(6, 4, ("1", "0"), ("60", "0")),
        ]),
    );
}

#[test]
fn market_buy_fee_is_in_base_and_does_not_limit_affordability() {
    check(
        &ls![
            FEE_ETH,
            deposit(4, "ETH", "10"),
            deposit(5, "USD", "2000"),
            eth(4, "s", "sell", "200", "10"),
            new_order("ETH-USD", 5, "m", "buy", "market", None, "10", ""),
            q_balance(5),
            q_fees(),
        ],
        &cat(vec![
            ls![
                acc_s(4, 4, "s", "ETH-USD", "sell", Some("200"), "10"),
                acc_s(5, 5, "m", "ETH-USD", "buy", None, "10"),
                trd_s(5, "ETH-USD", "200", "10", 4, "s", 5, "m", "buy"),
                fill(5, 4, "s"),
                fill(5, 5, "m"),
            ],
            bal3(6, 5, ("0", "0"), ("0", "0"), ("9.99", "0")),
            ls![
                fee(7, "BTC", "0"),
                fee(7, "USD", "-0.4"),
                fee(7, "ETH", "0.01"),
            ],
        ]),
    );
}

#[test]
fn a_rebate_truncated_to_nothing_prints_as_zero() {
    // 1 DUST at 1e-18 USD: the maker seller's -3 bps on 1e-18 is -0.0003e-18, truncated to 0,
    // which must print as "0" (not "-0").
    let one = "0.000000000000000001";
    check(
        &ls![
            r#"{"op":"instrument","symbol":"DUST-USD","kind":"spot","base":"DUST","quote":"USD","tick":"0.000000000000000001","lot":"1","maker_fee_bps":-3,"taker_fee_bps":10}"#,
            deposit(4, "DUST", "1"),
            deposit(5, "USD", "1"),
            new_order("DUST-USD", 4, "s", "sell", "limit", Some(one), "1", ""),
            new_order("DUST-USD", 5, "b", "buy", "limit", Some(one), "1", ""),
            q_balance(4),
            q_fees(),
        ],
        &ls![
            acc_s(4, 4, "s", "DUST-USD", "sell", Some(one), "1"),
            acc_s(5, 5, "b", "DUST-USD", "buy", Some(one), "1"),
            trd_s(5, "DUST-USD", one, "1", 4, "s", 5, "b", "buy"),
            fill(5, 4, "s"),
            fill(5, 5, "b"),
            bal(6, 4, "BTC", "0", "0"),
            bal(6, 4, "USD", one, "0"),
            bal(6, 4, "DUST", "0", "0"),
            fee(7, "BTC", "0"),
            fee(7, "USD", "0"),
            fee(7, "DUST", "0.001"),
        ],
    );
}

#[test]
fn a_hold_too_large_for_any_balance_is_insufficient_balance() {
    // price x qty here is about 3.6e35 USD, beyond what 10^-18 units in an i128 can hold: the
    // engine must answer, not overflow.
    check(
        &ls![
            buy(1, "a", "4000000000000000000", "90000000000000000"),
            buy(1, "b", "100", "1"),
        ],
        &ls![
            rej(1, 1, "a", "insufficient_balance"),
            acc(2, 1, "b", "buy", "100", "1"),
        ],
    );
}

#[test]
fn market_fok_sell_counts_only_available_base() {
    check(
        &ls![
            deposit(4, "BTC", "1"),
            buy(2, "b", "100", "5"),
            mkt_x(4, "m", "sell", "1.01", r#""tif":"fok""#),
            mkt_x(4, "n", "sell", "1", r#""tif":"fok""#),
        ],
        &ls![
            acc(2, 2, "b", "buy", "100", "5"),
            rej(3, 4, "m", "fok_unfilled"),
            acc_mkt(4, 4, "n", "sell", "1"),
            trd(4, "100", "1", 2, "b", 4, "n", "sell"),
            fill(4, 4, "n"),
        ],
    );
}
