//! The derivative ops issue 5 adds, end to end through `simulate`: liquidation through the book,
//! with the insurance fund and with auto-deleveraging; binary resolution; reduce-only and
//! position-limit rejects. ETH-PERP: tick 0.1, lot 1 (one contract is one ETH at the price in
//! USD), initial margin 10%, maintenance 5%, no fees. Every amount is computed in the comments.

use crate::support::*;

const LIST: &str = r#"{"op":"instrument","symbol":"ETH-PERP","kind":"perpetual","base":"ETH","quote":"USD","tick":"0.1","lot":"1","funding_interval_ms":3600000,"initial_margin_bps":1000,"maintenance_margin_bps":500}"#;

fn ls_of(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|s| s.to_string()).collect()
}

/// Account 1 long 1 at 3000 with 400 USD; account 2 short; a fund of 1000.
fn long_at_3000() -> Vec<&'static str> {
    vec![
        LIST,
        r#"{"op":"deposit","account":1,"asset":"USD","amount":"400"}"#,
        r#"{"op":"deposit","account":2,"asset":"USD","amount":"10000"}"#,
        r#"{"op":"deposit","account":3,"asset":"USD","amount":"10000"}"#,
        r#"{"op":"mark","symbol":"ETH-PERP","price":"3000"}"#,
        r#"{"op":"new","account":1,"symbol":"ETH-PERP","id":"b","side":"buy","type":"limit","price":"3000","qty":"1"}"#,
        r#"{"op":"new","account":2,"symbol":"ETH-PERP","id":"s","side":"sell","type":"limit","price":"3000","qty":"1"}"#,
    ]
}

const OPENED: &[&str] = &[
    r#"{"seq":5,"event":"mark","symbol":"ETH-PERP","price":"3000"}"#,
    r#"{"seq":6,"event":"accepted","account":1,"id":"b","order_id":1,"symbol":"ETH-PERP","side":"buy","price":"3000","qty":"1"}"#,
    r#"{"seq":7,"event":"accepted","account":2,"id":"s","order_id":2,"symbol":"ETH-PERP","side":"sell","price":"3000","qty":"1"}"#,
    r#"{"seq":7,"event":"trade","symbol":"ETH-PERP","trade_id":1,"price":"3000","qty":"1","maker_account":1,"maker_id":"b","taker_account":2,"taker_id":"s","taker_side":"sell"}"#,
    r#"{"seq":7,"event":"filled","account":1,"id":"b"}"#,
    r#"{"seq":7,"event":"filled","account":2,"id":"s"}"#,
];

#[test]
fn liquidation_through_the_book_leaves_the_rest_to_the_account() {
    let mut input = long_at_3000();
    input.extend([
        r#"{"op":"insurance_deposit","asset":"USD","amount":"1000"}"#,
        r#"{"op":"new","account":3,"symbol":"ETH-PERP","id":"bid","side":"buy","type":"limit","price":"2700","qty":"1"}"#,
        r#"{"op":"mark","symbol":"ETH-PERP","price":"2600"}"#,
        r#"{"op":"insurance"}"#,
    ]);
    let mut expected = ls_of(OPENED);
    expected.extend(ls_of(&[
        r#"{"seq":9,"event":"accepted","account":3,"id":"bid","order_id":3,"symbol":"ETH-PERP","side":"buy","price":"2700","qty":"1"}"#,
        r#"{"seq":10,"event":"mark","symbol":"ETH-PERP","price":"2600"}"#,
        // Equity 400 + (2600 - 3000) = 0 < maintenance 2600 x 5% = 130.
        r#"{"seq":10,"event":"liquidation_started","account":1,"asset":"USD","equity":"0","maintenance":"130"}"#,
        r#"{"seq":10,"event":"trade","symbol":"ETH-PERP","trade_id":2,"price":"2700","qty":"1","maker_account":3,"maker_id":"bid","taker_account":1,"taker_id":"liquidation","taker_side":"sell"}"#,
        r#"{"seq":10,"event":"filled","account":3,"id":"bid"}"#,
        // The limit: mark - (equity + fund) / 1 ETH = 2600 - 1000 = 1600.
        r#"{"seq":10,"event":"liquidation_step","account":1,"symbol":"ETH-PERP","side":"sell","qty":"1","limit":"1600","filled":"1"}"#,
        // Sold at 2700 against 3000: 400 - 300 = 100 left.
        r#"{"seq":10,"event":"liquidated","account":1,"asset":"USD","balance":"100"}"#,
        r#"{"seq":11,"event":"insurance","asset":"USD","amount":"1000"}"#,
    ]));
    check_raw(&input, &expected);
}

#[test]
fn an_empty_book_deleverages_and_the_fund_pays_the_deficit() {
    let mut input = long_at_3000();
    input.extend([
        r#"{"op":"insurance_deposit","asset":"USD","amount":"1000"}"#,
        r#"{"op":"mark","symbol":"ETH-PERP","price":"2000"}"#,
        r#"{"op":"insurance"}"#,
        r#"{"op":"balance","account":2}"#,
    ]);
    let mut expected = ls_of(OPENED);
    expected.extend(ls_of(&[
        r#"{"seq":9,"event":"mark","symbol":"ETH-PERP","price":"2000"}"#,
        // Equity 400 - 1000 = -600 < maintenance 100.
        r#"{"seq":9,"event":"liquidation_started","account":1,"asset":"USD","equity":"-600","maintenance":"100"}"#,
        // Limit 2000 - (-600 + 1000) = 1600; no bids.
        r#"{"seq":9,"event":"liquidation_step","account":1,"symbol":"ETH-PERP","side":"sell","qty":"1","limit":"1600","filled":"0"}"#,
        // Equity + fund = 400 >= 0: deleveraged at the mark against the short (profit 1000).
        r#"{"seq":9,"event":"deleveraged","account":1,"counterparty":2,"symbol":"ETH-PERP","qty":"1","price":"2000"}"#,
        // 1 realizes -1000: balance -600, paid by the fund (1000 -> 400).
        r#"{"seq":9,"event":"insurance_paid","account":1,"asset":"USD","amount":"600"}"#,
        r#"{"seq":9,"event":"liquidated","account":1,"asset":"USD","balance":"0"}"#,
        r#"{"seq":10,"event":"insurance","asset":"USD","amount":"400"}"#,
        // The balance query lists every asset: the base asset never moves for a derivative.
        r#"{"seq":11,"event":"balance","account":2,"asset":"ETH","available":"0","held":"0"}"#,
        r#"{"seq":11,"event":"balance","account":2,"asset":"USD","available":"11000","held":"0"}"#,
    ]));
    check_raw(&input, &expected);
}

#[test]
fn without_a_fund_the_counterparty_bears_the_deficit() {
    let mut input = long_at_3000();
    input.extend([
        r#"{"op":"mark","symbol":"ETH-PERP","price":"2000"}"#,
        r#"{"op":"balance","account":1}"#,
        r#"{"op":"balance","account":2}"#,
    ]);
    let mut expected = ls_of(OPENED);
    expected.extend(ls_of(&[
        r#"{"seq":8,"event":"mark","symbol":"ETH-PERP","price":"2000"}"#,
        r#"{"seq":8,"event":"liquidation_started","account":1,"asset":"USD","equity":"-600","maintenance":"100"}"#,
        // Limit 2000 - (-600 + 0) = 2600: no bid that high.
        r#"{"seq":8,"event":"liquidation_step","account":1,"symbol":"ETH-PERP","side":"sell","qty":"1","limit":"2600","filled":"0"}"#,
        // Equity + fund = -600: deleveraged at 2000 + 600 = 2600, where 1's loss is its 400.
        r#"{"seq":8,"event":"deleveraged","account":1,"counterparty":2,"symbol":"ETH-PERP","qty":"1","price":"2600"}"#,
        r#"{"seq":8,"event":"liquidated","account":1,"asset":"USD","balance":"0"}"#,
        r#"{"seq":9,"event":"balance","account":1,"asset":"ETH","available":"0","held":"0"}"#,
        r#"{"seq":9,"event":"balance","account":1,"asset":"USD","available":"0","held":"0"}"#,
        // The short gains 3000 - 2600 = 400, not the 1000 the mark shows.
        r#"{"seq":10,"event":"balance","account":2,"asset":"ETH","available":"0","held":"0"}"#,
        r#"{"seq":10,"event":"balance","account":2,"asset":"USD","available":"10400","held":"0"}"#,
    ]));
    check_raw(&input, &expected);
}

#[test]
fn binary_margin_at_the_maximum_loss_and_resolution() {
    let input = [
        r#"{"op":"instrument","symbol":"RAIN","kind":"binary","base":"RAIN","quote":"USD","tick":"0.01","lot":"1","expiry":1000}"#,
        r#"{"op":"deposit","account":1,"asset":"USD","amount":"30"}"#,
        r#"{"op":"deposit","account":2,"asset":"USD","amount":"70"}"#,
        // 0.30 x 101 = 30.30 > 30: the buyer can lose at most 30.
        r#"{"op":"new","account":1,"symbol":"RAIN","id":"b0","side":"buy","type":"limit","price":"0.3","qty":"101"}"#,
        r#"{"op":"new","account":1,"symbol":"RAIN","id":"b","side":"buy","type":"limit","price":"0.3","qty":"100"}"#,
        // The seller's maximum loss is 0.70 a contract: 70 for 100.
        r#"{"op":"new","account":2,"symbol":"RAIN","id":"s","side":"sell","type":"limit","price":"0.3","qty":"100"}"#,
        r#"{"op":"new","account":2,"symbol":"RAIN","id":"p","side":"sell","type":"limit","price":"1","qty":"1"}"#,
        r#"{"op":"resolve","symbol":"RAIN","outcome":"yes"}"#,
        r#"{"op":"balance","account":1}"#,
        r#"{"op":"new","account":1,"symbol":"RAIN","id":"late","side":"buy","type":"limit","price":"0.5","qty":"1"}"#,
    ];
    let expected = ls_of(&[
        r#"{"seq":4,"event":"rejected","account":1,"id":"b0","reason":"insufficient_margin"}"#,
        r#"{"seq":5,"event":"accepted","account":1,"id":"b","order_id":1,"symbol":"RAIN","side":"buy","price":"0.3","qty":"100"}"#,
        r#"{"seq":6,"event":"accepted","account":2,"id":"s","order_id":2,"symbol":"RAIN","side":"sell","price":"0.3","qty":"100"}"#,
        r#"{"seq":6,"event":"trade","symbol":"RAIN","trade_id":1,"price":"0.3","qty":"100","maker_account":1,"maker_id":"b","taker_account":2,"taker_id":"s","taker_side":"sell"}"#,
        r#"{"seq":6,"event":"filled","account":1,"id":"b"}"#,
        r#"{"seq":6,"event":"filled","account":2,"id":"s"}"#,
        // A price of 1 is not strictly below 1.
        r#"{"seq":7,"event":"rejected","account":2,"id":"p","reason":"invalid_price"}"#,
        // Yes: the long gets 100 x (1 - 0.30) = 70, the short pays 70.
        r#"{"seq":8,"event":"position_settled","account":1,"symbol":"RAIN","qty":"100","pnl":"70"}"#,
        r#"{"seq":8,"event":"position_settled","account":2,"symbol":"RAIN","qty":"-100","pnl":"-70"}"#,
        r#"{"seq":8,"event":"settled","symbol":"RAIN","price":"1"}"#,
        r#"{"seq":9,"event":"balance","account":1,"asset":"RAIN","available":"0","held":"0"}"#,
        r#"{"seq":9,"event":"balance","account":1,"asset":"USD","available":"100","held":"0"}"#,
        r#"{"seq":10,"event":"rejected","account":1,"id":"late","reason":"instrument_halted"}"#,
    ]);
    check_raw(&input, &expected);
}

#[test]
fn reduce_only_and_position_limit_rejects() {
    let mut input = long_at_3000();
    input.extend([
        r#"{"op":"controls","symbol":"ETH-PERP","max_position":"2"}"#,
        // 1 is long 1: buying more is not reducing; selling 2 would flip it.
        r#"{"op":"new","account":1,"symbol":"ETH-PERP","id":"r1","side":"buy","type":"limit","price":"2900","qty":"1","reduce_only":true}"#,
        r#"{"op":"new","account":1,"symbol":"ETH-PERP","id":"r2","side":"sell","type":"limit","price":"3100","qty":"2","reduce_only":true}"#,
        r#"{"op":"new","account":1,"symbol":"ETH-PERP","id":"r3","side":"sell","type":"limit","price":"3100","qty":"1","reduce_only":true}"#,
        // Short 1 + 2 more = 3 > 2.
        r#"{"op":"new","account":2,"symbol":"ETH-PERP","id":"l1","side":"sell","type":"limit","price":"3100","qty":"2"}"#,
        r#"{"op":"new","account":2,"symbol":"ETH-PERP","id":"l2","side":"sell","type":"limit","price":"3100","qty":"1"}"#,
    ]);
    let mut expected = ls_of(OPENED);
    expected.extend(ls_of(&[
        r#"{"seq":9,"event":"rejected","account":1,"id":"r1","reason":"reduce_only"}"#,
        r#"{"seq":10,"event":"rejected","account":1,"id":"r2","reason":"reduce_only"}"#,
        r#"{"seq":11,"event":"accepted","account":1,"id":"r3","order_id":3,"symbol":"ETH-PERP","side":"sell","price":"3100","qty":"1"}"#,
        r#"{"seq":12,"event":"rejected","account":2,"id":"l1","reason":"position_limit"}"#,
        r#"{"seq":13,"event":"accepted","account":2,"id":"l2","order_id":4,"symbol":"ETH-PERP","side":"sell","price":"3100","qty":"1"}"#,
    ]));
    check_raw(&input, &expected);
}

#[test]
fn greeks_price_an_option_at_the_edge_and_change_nothing() {
    let input = [
        r#"{"op":"instrument","symbol":"BTC-PERP","kind":"perpetual","base":"BTC","quote":"USD","tick":"0.1","lot":"0.001","funding_interval_ms":3600000,"initial_margin_bps":1000}"#,
        r#"{"op":"instrument","symbol":"BTC-C50","kind":"option","base":"BTC","quote":"USD","tick":"0.1","lot":"0.001","underlying":"BTC-PERP","right":"call","strike":"50000","expiry":31536000000,"initial_margin_bps":10000}"#,
        r#"{"op":"greeks","symbol":"BTC-C50","vol":"0.2"}"#,
        r#"{"op":"mark","symbol":"BTC-PERP","price":"50000"}"#,
        r#"{"op":"greeks","symbol":"BTC-C50","vol":"0.2"}"#,
        r#"{"op":"greeks","symbol":"BTC-PERP","vol":"0.2"}"#,
    ];
    let expected = ls_of(&[
        r#"{"seq":3,"event":"error","line":3,"message":"underlying has no mark"}"#,
        r#"{"seq":4,"event":"mark","symbol":"BTC-PERP","price":"50000"}"#,
        // Black-76 at the money, one year, 20%: d1 = 0.1, N(d1) = 0.539828, phi(d1) = 0.396953;
        // price = 50000 x (N(0.1) - N(-0.1)) = 3982.78, gamma = phi / (F x 0.2) = 0.0000397,
        // vega = F x phi = 19847.63, theta = -F x phi x 0.2 / 2 = -1984.76 (a year).
        r#"{"seq":5,"event":"greeks","symbol":"BTC-C50","vol":"0.2","underlying":"50000","mark":"3982.8","price":3982.783728,"delta":0.539828,"gamma":0.000040,"vega":19847.627374,"theta":-1984.762737}"#,
        r#"{"seq":6,"event":"error","line":6,"message":"field `symbol` must name an option"}"#,
    ]);
    check_raw(&input, &expected);
}
