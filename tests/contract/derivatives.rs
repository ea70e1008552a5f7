//! The derivative ops docs/simulate.md adds: `instrument` with `kind` `future`, `perpetual` and
//! `compute_future` (margin rates), `index` / `mark` prices, `fund`, `settle` and the
//! `positions` query; their events (`index`, `mark`, `funding_paid`, `position_settled`,
//! `settled`, `position`), the `insufficient_margin` reject and the `settled` cancel reason.
//! Every amount below is computed by hand in the comments. BTC-PERP: tick 0.5, lot 0.01, so a
//! price of P USD and a quantity of Q BTC trade P x Q USD of notional.

use crate::support::*;

const PERP: &str = "BTC-PERP";
const DEC: &str = "BTC-DEC";

const LIST_PERP: &str = r#"{"op":"instrument","symbol":"BTC-PERP","kind":"perpetual","base":"BTC","quote":"USD","tick":"0.5","lot":"0.01","maker_fee_bps":2,"taker_fee_bps":4,"funding_interval_ms":28800000,"initial_margin_bps":1000,"maintenance_margin_bps":500}"#;
const LIST_DEC: &str = r#"{"op":"instrument","symbol":"BTC-DEC","kind":"future","base":"BTC","quote":"USD","tick":"0.5","lot":"0.01","expiry":1000,"initial_margin_bps":1000}"#;

fn o(sym: &str, acct: u64, id: &str, side: &str, price: &str, qty: &str) -> String {
    new_order(sym, acct, id, side, "limit", Some(price), qty, "")
}

fn acc_d(seq: u64, sym: &str, acct: u64, id: &str, side: &str, price: &str, qty: &str) -> String {
    acc_s(seq, acct, id, sym, side, Some(price), qty)
}

fn op_price(op: &str, sym: &str, price: &str) -> String {
    format!(
        r#"{{"op":"{op}","symbol":{},"price":{}}}"#,
        js(sym),
        js(price)
    )
}

fn fund(sym: &str, ppm: i64) -> String {
    format!(r#"{{"op":"fund","symbol":{},"rate_ppm":{ppm}}}"#, js(sym))
}

fn q_positions(acct: u64) -> String {
    format!(r#"{{"op":"positions","account":{acct}}}"#)
}

fn ev_price(seq: u64, kind: &str, sym: &str, price: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"{kind}","symbol":{},"price":{}}}"#,
        js(sym),
        js(price)
    )
}

fn paid(seq: u64, acct: u64, sym: &str, amount: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"funding_paid","account":{acct},"symbol":{},"amount":{}}}"#,
        js(sym),
        js(amount)
    )
}

fn position(seq: u64, acct: u64, sym: &str, qty: &str, entry: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"position","account":{acct},"symbol":{},"qty":{},"entry":{}}}"#,
        js(sym),
        js(qty),
        js(entry)
    )
}

fn pos_settled(seq: u64, acct: u64, sym: &str, qty: &str, pnl: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"position_settled","account":{acct},"symbol":{},"qty":{},"pnl":{}}}"#,
        js(sym),
        js(qty),
        js(pnl)
    )
}

fn settled(seq: u64, sym: &str, price: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"settled","symbol":{},"price":{}}}"#,
        js(sym),
        js(price)
    )
}

#[test]
fn perpetual_open_fund_partial_close_flip_and_fees() {
    check(
        &ls![
            LIST_PERP,
            o(PERP, 2, "s1", "sell", "20000", "1"),
            o(PERP, 1, "b1", "buy", "20000", "1"),
            q_positions(1),
            q_positions(2),
            op_price("index", PERP, "20050"),
            op_price("mark", PERP, "20100"),
            fund(PERP, 100),
            fund(PERP, -50),
            o(PERP, 1, "s2", "sell", "21000", "0.3"),
            o(PERP, 3, "b2", "buy", "21000", "0.3"),
            o(PERP, 2, "b3", "buy", "19000", "1"),
            o(PERP, 1, "s3", "sell", "19000", "1"),
            q_positions(1),
            q_positions(2),
            q_balance(1),
            q_balance(2),
            q_fees(),
        ],
        &cat(vec![
            ls![
                acc_d(2, PERP, 2, "s1", "sell", "20000", "1"),
                // 1 BTC at 20000: notional 20000; maker 2 pays 2 bps = 4, taker 1 pays 4 bps = 8.
                acc_d(3, PERP, 1, "b1", "buy", "20000", "1"),
                trd_s(3, PERP, "20000", "1", 2, "s1", 1, "b1", "buy"),
                fill(3, 2, "s1"),
                fill(3, 1, "b1"),
                // Positions: signed BTC and the entry notional in USD.
                position(4, 1, PERP, "1", "20000"),
                position(5, 2, PERP, "-1", "-20000"),
                ev_price(6, "index", PERP, "20050"),
                ev_price(7, "mark", PERP, "20100"),
                // +100 ppm of 1 x 20100 at mark = 2.01: the long pays, the short receives.
                paid(8, 1, PERP, "2.01"),
                paid(8, 2, PERP, "-2.01"),
                // -50 ppm: 1.005 the other way.
                paid(9, 1, PERP, "-1.005"),
                paid(9, 2, PERP, "1.005"),
                // 1 sells 0.3 at 21000 (notional 6300): closes 30% of its entry 20000 = 6000,
                // realizes +300, pays maker 1.26; 3 pays taker 2.52.
                acc_d(10, PERP, 1, "s2", "sell", "21000", "0.3"),
                acc_d(11, PERP, 3, "b2", "buy", "21000", "0.3"),
                trd_s(11, PERP, "21000", "0.3", 1, "s2", 3, "b2", "buy"),
                fill(11, 1, "s2"),
                fill(11, 3, "b2"),
                // 1 sells 1 at 19000 into 2's bid (notional 19000): flips from long 0.7 (entry
                // 14000) to short 0.3: closes 0.7 for 13300 (-700), opens -0.3 at entry -5700,
                // pays taker 7.6. 2 closes its short 1 (entry -20000) for 19000: +1000, maker 3.8.
                acc_d(12, PERP, 2, "b3", "buy", "19000", "1"),
                acc_d(13, PERP, 1, "s3", "sell", "19000", "1"),
                trd_s(13, PERP, "19000", "1", 2, "b3", 1, "s3", "sell"),
                fill(13, 2, "b3"),
                fill(13, 1, "s3"),
                position(14, 1, PERP, "-0.3", "-5700"),
                position(15, 2, PERP, "0", "0"),
            ],
            // 1: 1000000 - 8 - 2.01 + 1.005 + 300 - 1.26 - 700 - 7.6 = 999582.135; no BTC moves.
            bal2(16, 1, ("1000", "0"), ("999582.135", "0")),
            // 2: 1000000 - 4 + 2.01 - 1.005 + 1000 - 3.8 = 1000993.205.
            bal2(17, 2, ("1000", "0"), ("1000993.205", "0")),
            // Fees 8 + 4 + 1.26 + 2.52 + 7.6 + 3.8 = 27.18 USD; funding was exact (nothing left).
            ls![fee(18, "BTC", "0"), fee(18, "USD", "27.18")],
        ]),
    );
}

#[test]
fn future_margin_reject_and_settlement() {
    check(
        &ls![
            LIST_DEC,
            deposit(9, "USD", "100"),
            // 0.1 BTC at 20000: notional 2000, 10% initial margin 200 > equity 100.
            o(DEC, 9, "b1", "buy", "20000", "0.1"),
            // 0.05 BTC: margin 100 = equity: accepted.
            o(DEC, 9, "b2", "buy", "20000", "0.05"),
            o(DEC, 2, "s2", "sell", "20000", "0.05"),
            o(DEC, 3, "b3", "buy", "19000", "0.1"),
            fund(DEC, 10),
            op_price("settle", DEC, "22000"),
            o(DEC, 1, "b4", "buy", "20000", "0.01"),
            op_price("settle", DEC, "22000"),
            q_balance(9),
            q_positions(9),
        ],
        &cat(vec![
            ls![
                rej(3, 9, "b1", "insufficient_margin"),
                acc_d(4, DEC, 9, "b2", "buy", "20000", "0.05"),
                acc_d(5, DEC, 2, "s2", "sell", "20000", "0.05"),
                trd_s(5, DEC, "20000", "0.05", 9, "b2", 2, "s2", "sell"),
                fill(5, 9, "b2"),
                fill(5, 2, "s2"),
                acc_d(6, DEC, 3, "b3", "buy", "19000", "0.1"),
                // Funding applies to perpetuals only.
                err(7),
                // Settlement at 22000: 3's bid is cancelled; 9 closes 0.05 (entry 1000) for
                // 1100: +100; 2 closes -0.05 (entry -1000): -100. No fees on settlement.
                // Accounts in creation order (2 before 9).
                cxl(8, 3, "b3", "settled", "0.1"),
                pos_settled(8, 2, DEC, "-0.05", "-100"),
                pos_settled(8, 9, DEC, "0.05", "100"),
                settled(8, DEC, "22000"),
                rej(9, 1, "b4", "instrument_halted"),
                err(10),
            ],
            bal2(11, 9, ("0", "0"), ("200", "0")),
            ls![position(12, 9, DEC, "0", "0")],
        ]),
    );
}

/// An option without its underlying, strike and expiry, a binary without its expiry, a future
/// without or with a zero initial margin rate: each line is one error and lists nothing.
#[test]
fn incomplete_listings_and_unmargined_derivatives_are_errors() {
    check(
        &ls![
            r#"{"op":"instrument","symbol":"BTC-C","kind":"option","base":"BTC","quote":"USD","tick":"0.5","lot":"0.01"}"#,
            r#"{"op":"instrument","symbol":"BTC-B","kind":"binary","base":"BTC","quote":"USD","tick":"0.5","lot":"0.01"}"#,
            r#"{"op":"instrument","symbol":"BTC-X","kind":"future","base":"BTC","quote":"USD","tick":"0.5","lot":"0.01","expiry":5}"#,
            r#"{"op":"instrument","symbol":"BTC-X","kind":"future","base":"BTC","quote":"USD","tick":"0.5","lot":"0.01","expiry":5,"initial_margin_bps":0}"#,
            r#"{"op":"instrument","symbol":"GPU-H","kind":"compute_future","base":"GPU","quote":"USD","tick":"0.01","lot":"1","expiry":5,"hours_per_contract":1,"initial_margin_bps":2000}"#,
            op_price("mark", SYM, "100"),
        ],
        &ls![err(1), err(2), err(3), err(4), err(6)],
    );
}
