//! Test support: runs `tradestream::simulate::run` in process over JSON Lines and compares the
//! events it writes with exact expected lines.
//!
//! Conventions used by every test in this target:
//!
//! * `check(lines, expected)` runs [`SETUP`] followed by `lines`. The setup must produce no
//!   output at all. The `seq` of every actual event (and the `line` of `error` events) is then
//!   rebased by subtracting `SETUP.len()`, so in expected events `seq` 1 is the first line of the
//!   test's own `lines`. `check_raw` runs `lines` alone, with no setup and no rebasing.
//! * Expected events are built by the helpers below in the order the contract's event table lists
//!   the fields: `seq`, `event`, then the table's fields. Each actual line must have exactly those
//!   keys in exactly that order, with equal values, except:
//!   - `order_id` and `trade_id`: the contract does not fix their format, so the expected value is
//!     the wildcard `"*"`, which matches any non-empty string or any number;
//!   - `error` events: `seq`, `event` and `line` must be equal, `message` must be a non-empty
//!     string (its wording is free).
//! * Decimals are compared as strings, so they must be normalised as docs/simulate.md says.
//!
//! SETUP lists `BTC-USD` (tick 0.5, lot 0.01, no fees), so the known assets are `BTC` then `USD`,
//! and gives accounts 1, 2 and 3 each 1,000,000 USD and 1,000 BTC. Accounts 4 and up start empty.

#![allow(dead_code)]

use serde_json::Value;
use std::io::Cursor;
use tradestream::simulate::{self, Options, Summary};

/// Builds a `Vec<String>` out of `&str` and `String` expressions.
macro_rules! ls {
    ($($e:expr),* $(,)?) => { vec![$(::std::string::String::from($e)),*] };
}

pub const SYM: &str = "BTC-USD";

pub const SETUP: &[&str] = &[
    r#"{"op":"instrument","symbol":"BTC-USD","kind":"spot","base":"BTC","quote":"USD","tick":"0.5","lot":"0.01"}"#,
    r#"{"op":"deposit","account":1,"asset":"USD","amount":"1000000"}"#,
    r#"{"op":"deposit","account":1,"asset":"BTC","amount":"1000"}"#,
    r#"{"op":"deposit","account":2,"asset":"USD","amount":"1000000"}"#,
    r#"{"op":"deposit","account":2,"asset":"BTC","amount":"1000"}"#,
    r#"{"op":"deposit","account":3,"asset":"USD","amount":"1000000"}"#,
    r#"{"op":"deposit","account":3,"asset":"BTC","amount":"1000"}"#,
];

/// A second instrument some tests list inside their own lines (assets then known: BTC, USD, ETH).
pub const ETH_USD: &str = r#"{"op":"instrument","symbol":"ETH-USD","kind":"spot","base":"ETH","quote":"USD","tick":"0.1","lot":"0.1"}"#;

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// Options with the given limits (set field by field so new `Options` fields keep defaults).
#[allow(clippy::field_reassign_with_default)]
pub fn opts(max_open_orders: u32, capacity: u32) -> Options {
    let mut o = Options::default();
    o.max_open_orders = max_open_orders;
    o.capacity = capacity;
    o
}

/// Joins lines into an input text, each line terminated by `\n`.
pub fn text<S: AsRef<str>>(lines: &[S]) -> String {
    let mut s = String::new();
    for l in lines {
        s.push_str(l.as_ref());
        s.push('\n');
    }
    s
}

/// Runs raw input bytes through the library; returns the output text and the summary.
pub fn run_bytes(input: &[u8], options: &Options) -> (String, Summary) {
    let mut out: Vec<u8> = Vec::new();
    let summary = simulate::run(Cursor::new(input), &mut out, options)
        .expect("simulate::run returned an I/O error on readable input");
    let out = String::from_utf8(out).expect("simulate output is not UTF-8");
    (out, summary)
}

/// Splits an output text into lines, checking that every line is newline-terminated.
pub fn split_output(out: &str) -> Vec<String> {
    if out.is_empty() {
        return Vec::new();
    }
    assert!(
        out.ends_with('\n'),
        "output does not end with a newline: {out:?}"
    );
    let lines: Vec<String> = out[..out.len() - 1]
        .split('\n')
        .map(str::to_string)
        .collect();
    for l in &lines {
        assert!(!l.is_empty(), "output has an empty line:\n{out}");
    }
    lines
}

/// Runs `lines` (no setup) and returns the output lines and the summary.
pub fn run_raw_with<S: AsRef<str>>(options: &Options, lines: &[S]) -> (Vec<String>, Summary) {
    let (out, summary) = run_bytes(text(lines).as_bytes(), options);
    (split_output(&out), summary)
}

pub fn run_raw<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    run_raw_with(&Options::default(), lines).0
}

/// SETUP followed by `lines`.
pub fn with_setup<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    let mut all: Vec<String> = SETUP.iter().map(|s| s.to_string()).collect();
    all.extend(lines.iter().map(|s| s.as_ref().to_string()));
    all
}

/// Runs SETUP + `lines` and returns the actual output lines, unrebased.
pub fn run_with<S: AsRef<str>>(options: &Options, lines: &[S]) -> Vec<String> {
    run_raw_with(options, &with_setup(lines)).0
}

pub fn check<S: AsRef<str>>(lines: &[S], expected: &[String]) {
    check_with(&Options::default(), lines, expected)
}

pub fn check_with<S: AsRef<str>>(options: &Options, lines: &[S], expected: &[String]) {
    let all = with_setup(lines);
    let (actual, _) = run_raw_with(options, &all);
    compare(&all, &actual, expected, SETUP.len() as i64);
}

pub fn check_raw<S: AsRef<str>>(lines: &[S], expected: &[String]) {
    check_raw_with(&Options::default(), lines, expected)
}

pub fn check_raw_with<S: AsRef<str>>(options: &Options, lines: &[S], expected: &[String]) {
    let (actual, _) = run_raw_with(options, lines);
    let input: Vec<String> = lines.iter().map(|s| s.as_ref().to_string()).collect();
    compare(&input, &actual, expected, 0);
}

// ---------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------

/// Top-level keys of a JSON object text, in the order they appear.
pub fn top_level_keys(s: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut esc = false;
    let mut expect_key = false;
    let mut capturing = false;
    let mut cur = String::new();
    for c in s.chars() {
        if in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
                if capturing {
                    keys.push(std::mem::take(&mut cur));
                    capturing = false;
                }
                continue;
            }
            if capturing {
                cur.push(c);
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                if depth == 1 && expect_key {
                    capturing = true;
                    expect_key = false;
                }
            }
            '{' => {
                depth += 1;
                if depth == 1 {
                    expect_key = true;
                }
            }
            '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 1 => expect_key = true,
            _ => {}
        }
    }
    keys
}

fn is_wildcard_match(actual: Option<&Value>) -> bool {
    match actual {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(_)) => true,
        _ => false,
    }
}

/// Why one actual line does not match one expected line (already rebased), or None.
fn mismatch(actual_raw: &str, offset: i64, expected_raw: &str) -> Option<String> {
    let expected: Value = serde_json::from_str(expected_raw).expect("bad expected JSON in test");
    let mut actual: Value = match serde_json::from_str(actual_raw) {
        Ok(v) => v,
        Err(e) => return Some(format!("output line is not JSON: {e}")),
    };
    let Some(obj) = actual.as_object_mut() else {
        return Some("output line is not a JSON object".into());
    };
    // Rebase seq and, for errors, line.
    for key in ["seq", "line"] {
        if key == "line" && obj.get("event") != Some(&Value::String("error".into())) {
            continue;
        }
        if let Some(n) = obj.get(key).and_then(Value::as_i64) {
            obj.insert(key.to_string(), Value::from(n - offset));
        }
    }
    let exp = expected.as_object().unwrap();
    let keys_a = top_level_keys(actual_raw);
    let keys_e: Vec<String> = top_level_keys(expected_raw);
    if keys_a != keys_e {
        return Some(format!(
            "keys differ: actual {keys_a:?}, expected {keys_e:?}"
        ));
    }
    let is_error = exp.get("event") == Some(&Value::String("error".into()));
    for (k, ev) in exp {
        let av = obj.get(k);
        if is_error && k == "message" {
            match av {
                Some(Value::String(s)) if !s.is_empty() => continue,
                _ => return Some("error message is not a non-empty string".into()),
            }
        }
        if (k == "order_id" || k == "trade_id") && ev == &Value::String("*".into()) {
            if is_wildcard_match(av) {
                continue;
            }
            return Some(format!("{k} is not a non-empty string or number: {av:?}"));
        }
        if av != Some(ev) {
            return Some(format!("field {k}: actual {av:?}, expected {ev}"));
        }
    }
    None
}

fn compare(input: &[String], actual: &[String], expected: &[String], offset: i64) {
    let mut problems = Vec::new();
    for (i, a) in actual.iter().enumerate() {
        let seq = serde_json::from_str::<Value>(a)
            .ok()
            .and_then(|v| v.get("seq").and_then(Value::as_i64));
        if let Some(seq) = seq {
            if seq <= offset {
                problems.push(format!(
                    "actual[{i}] comes from a setup line (seq {seq}); setup must produce nothing"
                ));
            }
        }
    }
    let n = actual.len().max(expected.len());
    for i in 0..n {
        match (actual.get(i), expected.get(i)) {
            (Some(a), Some(e)) => {
                if let Some(why) = mismatch(a, offset, e) {
                    problems.push(format!("line {i}: {why}"));
                }
            }
            (Some(_), None) => problems.push(format!("line {i}: unexpected extra output")),
            (None, Some(_)) => problems.push(format!("line {i}: missing output")),
            (None, None) => unreachable!(),
        }
    }
    if !problems.is_empty() {
        let mut msg = String::new();
        msg.push_str(&format!(
            "output mismatch (seq offset {offset}: expected seq = actual seq - {offset})\n"
        ));
        msg.push_str("--- input (numbered as actual seq)\n");
        for (i, l) in input.iter().enumerate() {
            msg.push_str(&format!("{:>4}: {l}\n", i + 1));
        }
        msg.push_str("--- expected (rebased)\n");
        for l in expected {
            msg.push_str(&format!("  {l}\n"));
        }
        msg.push_str("--- actual (raw)\n");
        for l in actual {
            msg.push_str(&format!("  {l}\n"));
        }
        msg.push_str("--- problems\n");
        for p in problems {
            msg.push_str(&format!("  {p}\n"));
        }
        panic!("{msg}");
    }
}

// ---------------------------------------------------------------------------------------------
// Input builders (BTC-USD unless a symbol is given)
// ---------------------------------------------------------------------------------------------

/// A JSON string literal.
pub fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[allow(clippy::too_many_arguments)]
pub fn new_order(
    sym: &str,
    acct: u64,
    id: &str,
    side: &str,
    typ: &str,
    price: Option<&str>,
    qty: &str,
    extra: &str,
) -> String {
    let mut s = format!(
        r#"{{"op":"new","account":{acct},"symbol":{},"id":{},"side":"{side}","type":"{typ}""#,
        js(sym),
        js(id)
    );
    if let Some(p) = price {
        s.push_str(&format!(r#","price":{}"#, js(p)));
    }
    s.push_str(&format!(r#","qty":{}"#, js(qty)));
    if !extra.is_empty() {
        s.push(',');
        s.push_str(extra);
    }
    s.push('}');
    s
}

pub fn buy(acct: u64, id: &str, price: &str, qty: &str) -> String {
    new_order(SYM, acct, id, "buy", "limit", Some(price), qty, "")
}

pub fn sell(acct: u64, id: &str, price: &str, qty: &str) -> String {
    new_order(SYM, acct, id, "sell", "limit", Some(price), qty, "")
}

/// A limit order with extra fields, e.g. `r#""tif":"ioc""#`.
pub fn buy_x(acct: u64, id: &str, price: &str, qty: &str, extra: &str) -> String {
    new_order(SYM, acct, id, "buy", "limit", Some(price), qty, extra)
}

pub fn sell_x(acct: u64, id: &str, price: &str, qty: &str, extra: &str) -> String {
    new_order(SYM, acct, id, "sell", "limit", Some(price), qty, extra)
}

pub fn mkt_buy(acct: u64, id: &str, qty: &str) -> String {
    new_order(SYM, acct, id, "buy", "market", None, qty, "")
}

pub fn mkt_sell(acct: u64, id: &str, qty: &str) -> String {
    new_order(SYM, acct, id, "sell", "market", None, qty, "")
}

pub fn mkt_x(acct: u64, id: &str, side: &str, qty: &str, extra: &str) -> String {
    new_order(SYM, acct, id, side, "market", None, qty, extra)
}

pub fn cancel(acct: u64, id: &str) -> String {
    cancel_s(SYM, acct, id)
}

pub fn cancel_s(sym: &str, acct: u64, id: &str) -> String {
    format!(
        r#"{{"op":"cancel","account":{acct},"symbol":{},"id":{}}}"#,
        js(sym),
        js(id)
    )
}

pub fn amend(acct: u64, id: &str, price: Option<&str>, qty: Option<&str>) -> String {
    amend_s(SYM, acct, id, price, qty)
}

pub fn amend_s(sym: &str, acct: u64, id: &str, price: Option<&str>, qty: Option<&str>) -> String {
    let mut s = format!(
        r#"{{"op":"amend","account":{acct},"symbol":{},"id":{}"#,
        js(sym),
        js(id)
    );
    if let Some(p) = price {
        s.push_str(&format!(r#","price":{}"#, js(p)));
    }
    if let Some(q) = qty {
        s.push_str(&format!(r#","qty":{}"#, js(q)));
    }
    s.push('}');
    s
}

pub fn mass_cancel(acct: u64, sym: Option<&str>) -> String {
    match sym {
        Some(s) => format!(
            r#"{{"op":"mass_cancel","account":{acct},"symbol":{}}}"#,
            js(s)
        ),
        None => format!(r#"{{"op":"mass_cancel","account":{acct}}}"#),
    }
}

pub fn time(ts: i64) -> String {
    format!(r#"{{"op":"time","ts":{ts}}}"#)
}

pub fn deposit(acct: u64, asset: &str, amount: &str) -> String {
    format!(
        r#"{{"op":"deposit","account":{acct},"asset":{},"amount":{}}}"#,
        js(asset),
        js(amount)
    )
}

pub fn withdraw(acct: u64, asset: &str, amount: &str, id: &str) -> String {
    format!(
        r#"{{"op":"withdraw","account":{acct},"asset":{},"amount":{},"id":{}}}"#,
        js(asset),
        js(amount),
        js(id)
    )
}

pub fn q_balance(acct: u64) -> String {
    format!(r#"{{"op":"balance","account":{acct}}}"#)
}

pub fn q_fees() -> String {
    r#"{"op":"fees"}"#.to_string()
}

pub fn q_book() -> String {
    q_book_s(SYM)
}

pub fn q_book_s(sym: &str) -> String {
    format!(r#"{{"op":"book","symbol":{}}}"#, js(sym))
}

// ---------------------------------------------------------------------------------------------
// Expected event builders
// ---------------------------------------------------------------------------------------------

/// `accepted` of a BTC-USD limit order.
pub fn acc(seq: u64, acct: u64, id: &str, side: &str, price: &str, qty: &str) -> String {
    acc_s(seq, acct, id, SYM, side, Some(price), qty)
}

/// `accepted` of a BTC-USD market order (no `price`).
pub fn acc_mkt(seq: u64, acct: u64, id: &str, side: &str, qty: &str) -> String {
    acc_s(seq, acct, id, SYM, side, None, qty)
}

pub fn acc_s(
    seq: u64,
    acct: u64,
    id: &str,
    sym: &str,
    side: &str,
    price: Option<&str>,
    qty: &str,
) -> String {
    let price = match price {
        Some(p) => format!(r#","price":{}"#, js(p)),
        None => String::new(),
    };
    format!(
        r#"{{"seq":{seq},"event":"accepted","account":{acct},"id":{},"order_id":"*","symbol":{},"side":"{side}"{price},"qty":{}}}"#,
        js(id),
        js(sym),
        js(qty)
    )
}

pub fn rej(seq: u64, acct: u64, id: &str, reason: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"rejected","account":{acct},"id":{},"reason":"{reason}"}}"#,
        js(id)
    )
}

/// `trade` in BTC-USD.
#[allow(clippy::too_many_arguments)]
pub fn trd(
    seq: u64,
    price: &str,
    qty: &str,
    maker_acct: u64,
    maker_id: &str,
    taker_acct: u64,
    taker_id: &str,
    taker_side: &str,
) -> String {
    trd_s(
        seq, SYM, price, qty, maker_acct, maker_id, taker_acct, taker_id, taker_side,
    )
}

#[allow(clippy::too_many_arguments)]
pub fn trd_s(
    seq: u64,
    sym: &str,
    price: &str,
    qty: &str,
    maker_acct: u64,
    maker_id: &str,
    taker_acct: u64,
    taker_id: &str,
    taker_side: &str,
) -> String {
    format!(
        r#"{{"seq":{seq},"event":"trade","symbol":{},"trade_id":"*","price":{},"qty":{},"maker_account":{maker_acct},"maker_id":{},"taker_account":{taker_acct},"taker_id":{},"taker_side":"{taker_side}"}}"#,
        js(sym),
        js(price),
        js(qty),
        js(maker_id),
        js(taker_id)
    )
}

pub fn cxl(seq: u64, acct: u64, id: &str, reason: &str, leaves: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"cancelled","account":{acct},"id":{},"reason":"{reason}","leaves_qty":{}}}"#,
        js(id),
        js(leaves)
    )
}

pub fn amd(seq: u64, acct: u64, id: &str, price: &str, qty: &str, leaves: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"amended","account":{acct},"id":{},"price":{},"qty":{},"leaves_qty":{}}}"#,
        js(id),
        js(price),
        js(qty),
        js(leaves)
    )
}

pub fn fill(seq: u64, acct: u64, id: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"filled","account":{acct},"id":{}}}"#,
        js(id)
    )
}

/// An `error` event for input line `seq` (the message only has to be a non-empty string).
pub fn err(seq: u64) -> String {
    format!(r#"{{"seq":{seq},"event":"error","line":{seq},"message":"*"}}"#)
}

pub fn bal(seq: u64, acct: u64, asset: &str, available: &str, held: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"balance","account":{acct},"asset":{},"available":{},"held":{}}}"#,
        js(asset),
        js(available),
        js(held)
    )
}

/// The two `balance` events (BTC then USD) of an account under SETUP: (btc avail, btc held,
/// usd avail, usd held).
pub fn bal2(seq: u64, acct: u64, btc: (&str, &str), usd: (&str, &str)) -> Vec<String> {
    vec![
        bal(seq, acct, "BTC", btc.0, btc.1),
        bal(seq, acct, "USD", usd.0, usd.1),
    ]
}

pub fn fee(seq: u64, asset: &str, amount: &str) -> String {
    format!(
        r#"{{"seq":{seq},"event":"fees","asset":{},"amount":{}}}"#,
        js(asset),
        js(amount)
    )
}

fn levels(ls: &[(&str, &str)]) -> String {
    let v: Vec<String> = ls
        .iter()
        .map(|(p, q)| format!("[{},{}]", js(p), js(q)))
        .collect();
    format!("[{}]", v.join(","))
}

/// `book` of BTC-USD: bids and asks as (price, qty), best first.
pub fn book(seq: u64, bids: &[(&str, &str)], asks: &[(&str, &str)]) -> String {
    book_s(seq, SYM, bids, asks)
}

pub fn book_s(seq: u64, sym: &str, bids: &[(&str, &str)], asks: &[(&str, &str)]) -> String {
    format!(
        r#"{{"seq":{seq},"event":"book","symbol":{},"bids":{},"asks":{}}}"#,
        js(sym),
        levels(bids),
        levels(asks)
    )
}

/// Concatenates groups of expected events.
pub fn cat(groups: Vec<Vec<String>>) -> Vec<String> {
    groups.into_iter().flatten().collect()
}

// ---------------------------------------------------------------------------------------------
// Many cases in one test
// ---------------------------------------------------------------------------------------------

fn panic_text(e: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = e.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = e.downcast_ref::<&str>() {
        s.to_string()
    } else {
        "non-string panic".into()
    }
}

/// Runs every case with [`check`] (SETUP first) and fails once at the end listing every failing
/// case, so one failure does not hide the others.
pub fn check_cases(cases: Vec<(String, Vec<String>, Vec<String>)>) {
    let total = cases.len();
    let mut failures = Vec::new();
    for (label, lines, expected) in cases {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&lines, &expected)));
        if let Err(e) = r {
            failures.push(format!("=== case {label}\n{}", panic_text(e)));
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} of {total} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// `base` (a JSON object line) with `key` set to the JSON text `value`.
pub fn with_field(base: &str, key: &str, value: &str) -> String {
    let mut v: Value = serde_json::from_str(base).unwrap();
    let val: Value = serde_json::from_str(value).unwrap();
    v.as_object_mut().unwrap().insert(key.to_string(), val);
    v.to_string()
}

/// `base` (a JSON object line) without `key`.
pub fn without_field(base: &str, key: &str) -> String {
    let mut v: Value = serde_json::from_str(base).unwrap();
    v.as_object_mut().unwrap().remove(key);
    v.to_string()
}
