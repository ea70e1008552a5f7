//! Error lines: "A line that is not a valid JSON object (an empty line too), names an unknown `op`,
//! lacks a required field, or has a field of the wrong type or outside its allowed values produces
//! one `{"seq":N,"event":"error","line":N,"message":"..."}` and changes nothing; processing goes on
//! with the next line". Plus the decimal and type rules of the contract and docs/simulate.md.
//!
//! Most cases run through `keeps_state`: a resting sell `rest` (account 1, 1 @ 200) is placed,
//! then the bad line, then a `book` and a `balance` query show that nothing changed (a bad `new`
//! would have added a bid, a bad `cancel`/`amend`/`mass_cancel` would have touched `rest`, a bad
//! `deposit`/`withdraw` would have moved USD, a bad `instrument` would have made ETH known).

use crate::support::*;

const NEW: &str = r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"n1","side":"buy","type":"limit","price":"100","qty":"1"}"#;
const NEW_GTD: &str = r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"n1","side":"buy","type":"limit","price":"100","qty":"1","tif":"gtd","expire":100}"#;
const NEW_MKT: &str = r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"n1","side":"buy","type":"market","qty":"1"}"#;
const CANCEL: &str = r#"{"op":"cancel","account":1,"symbol":"BTC-USD","id":"rest"}"#;
const AMEND: &str =
    r#"{"op":"amend","account":1,"symbol":"BTC-USD","id":"rest","price":"201","qty":"2"}"#;
const MASS: &str = r#"{"op":"mass_cancel","account":1,"symbol":"BTC-USD"}"#;
const DEPOSIT: &str = r#"{"op":"deposit","account":1,"asset":"USD","amount":"5"}"#;
const WITHDRAW: &str = r#"{"op":"withdraw","account":1,"asset":"USD","amount":"5","id":"w1"}"#;
const INSTRUMENT: &str = r#"{"op":"instrument","symbol":"ETH-USD","kind":"spot","base":"ETH","quote":"USD","tick":"0.1","lot":"0.1"}"#;
const TIME: &str = r#"{"op":"time","ts":5}"#;
const BALANCE: &str = r#"{"op":"balance","account":1}"#;
const BOOK: &str = r#"{"op":"book","symbol":"BTC-USD"}"#;

/// A case: `rest` placed, then `bad` (line 2) gives an error, and nothing changed.
fn keeps_state(
    label: impl Into<String>,
    bad: impl Into<String>,
) -> (String, Vec<String>, Vec<String>) {
    let label = label.into();
    let bad = bad.into();
    (
        format!("{label}: {bad}"),
        ls![sell(1, "rest", "200", "1"), bad, q_book(), q_balance(1)],
        cat(vec![
            vec![
                acc(1, 1, "rest", "sell", "200", "1"),
                err(2),
                book(3, &[], &[("200", "1")]),
            ],
            bal2(4, 1, ("999", "1"), ("1000000", "0")),
        ]),
    )
}

fn variants(base: &str, key: &str, values: &[&str]) -> Vec<(String, Vec<String>, Vec<String>)> {
    values
        .iter()
        .map(|v| keeps_state(format!("{key}={v}"), with_field(base, key, v)))
        .collect()
}

fn missing(base: &str, keys: &[&str]) -> Vec<(String, Vec<String>, Vec<String>)> {
    keys.iter()
        .map(|k| keeps_state(format!("missing {k}"), without_field(base, k)))
        .collect()
}

const BAD_INT: &[&str] = &[r#""1""#, "1.5", "1.0", "1e0", "true", "null", "[1]", "{}"];
const BAD_DECIMAL: &[&str] = &[
    "100",
    "100.5",
    r#""1e2""#,
    r#""1E2""#,
    r#""1e-2""#,
    r#""NaN""#,
    r#""Infinity""#,
    r#""1.""#,
    r#"".5""#,
    r#""+1""#,
    r#""""#,
    r#"" 1""#,
    r#""1 ""#,
    r#""1,5""#,
    r#""0x10""#,
    r#""-""#,
    r#""--1""#,
    r#""1.2.3""#,
    r#""1_000""#,
    r#""-.5""#,
    r#""١""#,
    r#""１""#,
    "true",
    "null",
    r#"["1"]"#,
];
const BAD_STRING: &[&str] = &["1", "true", "null", r#""""#, r#"["a"]"#, "{}"];

// ----- not a JSON object ----------------------------------------------------------------------

#[test]
fn empty_line_is_an_error() {
    check_cases(vec![keeps_state("empty line", "")]);
}

#[test]
fn whitespace_only_line_is_an_error() {
    check_cases(vec![keeps_state("spaces", "   "), keeps_state("tab", "\t")]);
}

#[test]
fn text_that_is_not_json_is_an_error() {
    check_cases(vec![
        keeps_state("truncated", r#"{"op":"new""#),
        keeps_state("unquoted keys", "{op:new}"),
        keeps_state("words", "hello world"),
        keeps_state("single quotes", "{'op':'fees'}"),
        keeps_state("trailing comma", r#"{"op":"fees",}"#),
    ]);
}

#[test]
fn json_that_is_not_an_object_is_an_error() {
    check_cases(vec![
        keeps_state("array", "[]"),
        keeps_state("array of object", r#"[{"op":"fees"}]"#),
        keeps_state("number", "1"),
        keeps_state("string", r#""new""#),
        keeps_state("null", "null"),
        keeps_state("bool", "true"),
    ]);
}

#[test]
fn trailing_text_after_the_object_is_an_error() {
    check_cases(vec![
        keeps_state("garbage", format!("{CANCEL} x")),
        keeps_state("two objects", format!("{CANCEL}{CANCEL}")),
    ]);
}

// ----- op -------------------------------------------------------------------------------------

#[test]
fn missing_or_mistyped_op_is_an_error() {
    let mut cases = missing(CANCEL, &["op"]);
    cases.extend(variants(
        CANCEL,
        "op",
        &["1", "null", "true", r#"["cancel"]"#],
    ));
    check_cases(cases);
}

#[test]
fn unknown_op_is_an_error() {
    // Ops are case-sensitive snake_case names.
    check_cases(
        [
            "nope",
            "CANCEL",
            "Cancel",
            "",
            "cancel ",
            "mass-cancel",
            "massCancel",
        ]
        .iter()
        .map(|op| keeps_state(format!("op {op:?}"), with_field(CANCEL, "op", &js(op))))
        .collect(),
    );
}

#[test]
fn empty_object_is_an_error() {
    check_cases(vec![keeps_state("{}", "{}")]);
}

// ----- missing required fields ----------------------------------------------------------------

#[test]
fn new_missing_a_required_field_is_an_error() {
    check_cases(missing(
        NEW,
        &["account", "symbol", "id", "side", "type", "qty", "price"],
    ));
}

#[test]
fn new_market_missing_a_required_field_is_an_error() {
    check_cases(missing(
        NEW_MKT,
        &["account", "symbol", "id", "side", "type", "qty"],
    ));
}

#[test]
fn gtd_order_without_expire_is_an_error() {
    // AMBIGUITY: contract: "`gtd` with `expire`"; we read a gtd order lacking expire as lacking
    // a required field.
    check_cases(missing(NEW_GTD, &["expire"]));
}

#[test]
fn instrument_missing_a_required_field_is_an_error() {
    check_cases(missing(
        INSTRUMENT,
        &["symbol", "kind", "base", "quote", "tick", "lot"],
    ));
}

#[test]
fn deposit_missing_a_required_field_is_an_error() {
    check_cases(missing(DEPOSIT, &["account", "asset", "amount"]));
}

#[test]
fn withdraw_missing_a_required_field_is_an_error() {
    check_cases(missing(WITHDRAW, &["account", "asset", "amount", "id"]));
}

#[test]
fn cancel_missing_a_required_field_is_an_error() {
    check_cases(missing(CANCEL, &["account", "symbol", "id"]));
}

#[test]
fn amend_missing_a_required_field_is_an_error() {
    let mut cases = missing(AMEND, &["account", "symbol", "id"]);
    // "`price` and/or `qty`": at least one of them is required.
    cases.push(keeps_state(
        "neither price nor qty",
        without_field(&without_field(AMEND, "price"), "qty"),
    ));
    check_cases(cases);
}

#[test]
fn mass_cancel_missing_account_is_an_error() {
    check_cases(missing(MASS, &["account"]));
}

#[test]
fn time_missing_ts_is_an_error() {
    check_cases(missing(TIME, &["ts"]));
}

#[test]
fn query_ops_missing_a_required_field_are_errors() {
    let mut cases = missing(BALANCE, &["account"]);
    cases.extend(missing(BOOK, &["symbol"]));
    check_cases(cases);
}

// ----- integers -------------------------------------------------------------------------------

#[test]
fn account_must_be_a_json_integer() {
    // Contract: "`account`, `ts` and `expire` are JSON integers"; docs: 0..=2^63-1.
    let mut vals: Vec<&str> = BAD_INT.to_vec();
    vals.extend(["-1", "9223372036854775808", "18446744073709551616"]);
    let mut cases = Vec::new();
    for base in [NEW, CANCEL, AMEND, MASS, DEPOSIT, WITHDRAW, BALANCE] {
        cases.extend(variants(base, "account", &vals));
    }
    check_cases(cases);
}

#[test]
fn account_range_ends_are_valid() {
    check(
        &ls![
            deposit(0, "USD", "1"),
            deposit(9223372036854775807, "USD", "2"),
            q_balance(0),
            q_balance(9223372036854775807),
        ],
        &cat(vec![
            bal2(3, 0, ("0", "0"), ("1", "0")),
            bal2(4, 9223372036854775807, ("0", "0"), ("2", "0")),
        ]),
    );
}

#[test]
fn ts_must_be_a_json_integer() {
    let mut vals: Vec<&str> = BAD_INT.to_vec();
    vals.push("9223372036854775808");
    check_cases(variants(TIME, "ts", &vals));
}

#[test]
fn expire_must_be_a_json_integer() {
    let mut vals: Vec<&str> = BAD_INT.to_vec();
    vals.push("9223372036854775808");
    check_cases(variants(NEW_GTD, "expire", &vals));
}

// ----- decimals -------------------------------------------------------------------------------

#[test]
fn price_must_be_a_well_formed_decimal_string() {
    let mut cases = variants(NEW, "price", BAD_DECIMAL);
    cases.extend(variants(AMEND, "price", BAD_DECIMAL));
    check_cases(cases);
}

#[test]
fn qty_must_be_a_well_formed_decimal_string() {
    let mut cases = variants(NEW, "qty", BAD_DECIMAL);
    cases.extend(variants(NEW_MKT, "qty", BAD_DECIMAL));
    cases.extend(variants(AMEND, "qty", BAD_DECIMAL));
    check_cases(cases);
}

#[test]
fn amount_must_be_a_well_formed_decimal_string() {
    let mut cases = variants(DEPOSIT, "amount", BAD_DECIMAL);
    cases.extend(variants(WITHDRAW, "amount", BAD_DECIMAL));
    check_cases(cases);
}

#[test]
fn tick_and_lot_must_be_well_formed_decimal_strings() {
    let mut cases = variants(INSTRUMENT, "tick", BAD_DECIMAL);
    cases.extend(variants(INSTRUMENT, "lot", BAD_DECIMAL));
    check_cases(cases);
}

#[test]
fn market_order_price_is_still_type_checked() {
    // docs: "A `price` on a market order is checked for type and otherwise ignored."
    // AMBIGUITY: we read "type" as "a decimal string" (the contract: anything else there is an error).
    check_cases(
        ["100", r#""1e2""#, r#""NaN""#, "true"]
            .iter()
            .map(|v| keeps_state(format!("market price={v}"), with_field(NEW_MKT, "price", v)))
            .collect(),
    );
}

#[test]
fn zero_or_negative_tick_lot_amount_is_an_error() {
    let bad = [r#""0""#, r#""0.0""#, r#""-0""#, r#""-1""#, r#""-0.5""#];
    let mut cases = variants(INSTRUMENT, "tick", &bad);
    cases.extend(variants(INSTRUMENT, "lot", &bad));
    cases.extend(variants(DEPOSIT, "amount", &bad));
    cases.extend(variants(WITHDRAW, "amount", &bad));
    check_cases(cases);
}

#[test]
fn amounts_finer_than_1e_minus_18_are_errors() {
    // docs: a tick, lot or amount with more than 18 decimal places, or whose tick x lot is finer
    // than 10^-18, is an error.
    let too_fine = r#""0.0000000000000000001""#;
    let mut cases = variants(INSTRUMENT, "tick", &[too_fine]);
    cases.extend(variants(INSTRUMENT, "lot", &[too_fine]));
    cases.extend(variants(DEPOSIT, "amount", &[too_fine]));
    cases.extend(variants(WITHDRAW, "amount", &[too_fine]));
    cases.push(keeps_state(
        "tick x lot = 1e-19",
        with_field(
            &with_field(INSTRUMENT, "tick", r#""0.000000001""#),
            "lot",
            r#""0.0000000001""#,
        ),
    ));
    check_cases(cases);
}

#[test]
fn amounts_of_exactly_1e_minus_18_are_fine() {
    check(
        &ls![
            r#"{"op":"instrument","symbol":"DUST-USD","kind":"spot","base":"DUST","quote":"USD","tick":"0.000000001","lot":"0.000000001"}"#,
            deposit(4, "USD", "0.000000000000000001"),
            q_balance(4),
        ],
        &ls![
            bal(3, 4, "BTC", "0", "0"),
            bal(3, 4, "USD", "0.000000000000000001", "0"),
            bal(3, 4, "DUST", "0", "0"),
        ],
    );
}

#[test]
fn well_formed_but_disallowed_price_is_a_reject_not_an_error() {
    // Contract: "A decimal that is well formed but not allowed (a zero or negative price or
    // quantity, a price off the tick grid) is a reject". docs: too large for 64-bit ticks too.
    let prices = [
        "0",
        "-0",
        "0.0",
        "-3",
        "-100",
        "100.25",
        "100.1",
        "0.25",
        "100000000000000000000",
        "1234567890123456789012345678901234567890",
    ];
    check_cases(
        prices
            .iter()
            .map(|p| {
                (
                    format!("price {p}"),
                    ls![buy(1, "x", p, "1"), q_book()],
                    ls![rej(1, 1, "x", "invalid_price"), book(2, &[], &[])],
                )
            })
            .collect(),
    );
}

#[test]
fn well_formed_but_disallowed_qty_is_a_reject_not_an_error() {
    let qtys = [
        "0",
        "-0",
        "0.00",
        "-1",
        "0.005",
        "1.001",
        "100000000000000000000",
        "1234567890123456789012345678901234567890",
    ];
    let mut cases: Vec<_> = qtys
        .iter()
        .map(|q| {
            (
                format!("limit qty {q}"),
                ls![buy(1, "x", "100", q), q_book()],
                ls![rej(1, 1, "x", "invalid_qty"), book(2, &[], &[])],
            )
        })
        .collect();
    cases.extend(qtys.iter().map(|q| {
        (
            format!("market qty {q}"),
            ls![mkt_buy(1, "x", q), q_book()],
            ls![rej(1, 1, "x", "invalid_qty"), book(2, &[], &[])],
        )
    }));
    check_cases(cases);
}

#[test]
fn decimals_are_normalised_on_output() {
    // docs: no trailing zeros after the point, no point for whole numbers. Leading zeros are
    // well formed on input (`-?[0-9]+(\.[0-9]+)?`).
    check(
        &ls![
            buy(1, "a", "0100.50", "001.500"),
            sell(2, "b", "101.0", "2.00"),
            buy(1, "c", "99", "0.10"),
            q_book(),
        ],
        &ls![
            acc(1, 1, "a", "buy", "100.5", "1.5"),
            acc(2, 2, "b", "sell", "101", "2"),
            acc(3, 1, "c", "buy", "99", "0.1"),
            book(4, &[("100.5", "1.5"), ("99", "0.1")], &[("101", "2")]),
        ],
    );
}

// ----- strings and enumerations ---------------------------------------------------------------

#[test]
fn string_fields_of_the_wrong_type_or_empty_are_errors() {
    let mut cases = Vec::new();
    cases.extend(variants(NEW, "symbol", BAD_STRING));
    cases.extend(variants(NEW, "id", BAD_STRING));
    cases.extend(variants(CANCEL, "symbol", BAD_STRING));
    cases.extend(variants(CANCEL, "id", BAD_STRING));
    cases.extend(variants(AMEND, "id", BAD_STRING));
    cases.extend(variants(MASS, "symbol", BAD_STRING));
    cases.extend(variants(DEPOSIT, "asset", BAD_STRING));
    cases.extend(variants(WITHDRAW, "asset", BAD_STRING));
    cases.extend(variants(INSTRUMENT, "symbol", BAD_STRING));
    cases.extend(variants(INSTRUMENT, "base", BAD_STRING));
    cases.extend(variants(INSTRUMENT, "quote", BAD_STRING));
    cases.extend(variants(BOOK, "symbol", BAD_STRING));
    check_cases(cases);
}

#[test]
fn withdraw_request_id_of_the_wrong_type_is_an_error() {
    // AMBIGUITY: the contract does not give the type of withdraw's `id` ("request id"). We use
    // strings everywhere and only check values that are neither strings nor numbers.
    check_cases(variants(WITHDRAW, "id", &["true", "null", "[1]", "{}"]));
}

#[test]
fn id_and_name_lengths() {
    // docs: ids are non-empty strings of at most 36 bytes; symbols and asset names at most 16.
    let id36 = "a".repeat(36);
    let id37 = "a".repeat(37);
    let mut cases = vec![
        keeps_state("id of 37 bytes", with_field(NEW, "id", &js(&id37))),
        keeps_state(
            "symbol of 17 bytes",
            with_field(INSTRUMENT, "symbol", &js(&"S".repeat(17))),
        ),
        keeps_state(
            "asset of 17 bytes",
            with_field(DEPOSIT, "asset", &js(&"A".repeat(17))),
        ),
        keeps_state(
            "id of 37 bytes (multi-byte chars: 19 x 2 bytes = 38)",
            with_field(NEW, "id", &js(&"é".repeat(19))),
        ),
    ];
    cases.push((
        "id of 36 bytes is fine".into(),
        ls![buy(1, &id36, "100", "1")],
        ls![acc(1, 1, &id36, "buy", "100", "1")],
    ));
    cases.push((
        "symbol and assets of 16 bytes are fine".into(),
        ls![
            r#"{"op":"instrument","symbol":"SSSSSSSSSSSSSSSS","kind":"spot","base":"BBBBBBBBBBBBBBBB","quote":"QQQQQQQQQQQQQQQQ","tick":"1","lot":"1"}"#,
            r#"{"op":"deposit","account":4,"asset":"QQQQQQQQQQQQQQQQ","amount":"10"}"#,
            r#"{"op":"new","account":4,"symbol":"SSSSSSSSSSSSSSSS","id":"x","side":"buy","type":"limit","price":"5","qty":"2"}"#,
        ],
        ls![acc_s(3, 4, "x", "SSSSSSSSSSSSSSSS", "buy", Some("5"), "2")],
    ));
    check_cases(cases);
}

#[test]
fn side_and_type_outside_their_values_are_errors() {
    let mut cases = variants(
        NEW,
        "side",
        &[
            r#""BUY""#,
            r#""Buy""#,
            r#""hold""#,
            r#""""#,
            "1",
            "null",
            "true",
        ],
    );
    cases.extend(variants(
        NEW,
        "type",
        &[
            r#""stop""#,
            r#""Limit""#,
            r#""MARKET""#,
            r#""""#,
            "1",
            "null",
        ],
    ));
    check_cases(cases);
}

#[test]
fn optional_enums_outside_their_values_are_errors() {
    let mut cases = variants(
        NEW,
        "tif",
        &[r#""day""#, r#""GTC""#, r#""fak""#, r#""""#, "1", "true"],
    );
    cases.extend(variants(
        NEW,
        "stp",
        &[
            r#""cancel""#,
            r#""CANCEL_MAKER""#,
            r#""cancel-maker""#,
            r#""""#,
            "1",
            "true",
        ],
    ));
    cases.extend(variants(
        NEW,
        "post_only",
        &[r#""true""#, r#""false""#, "1", "0", r#"[true]"#],
    ));
    check_cases(cases);
}

#[test]
fn expire_of_the_wrong_type_on_a_non_gtd_order_is_an_error() {
    // AMBIGUITY: `expire` only matters for gtd. The contract's "a field of the wrong type" names
    // no exception, so we expect a known field of the wrong type to be an error whatever the tif.
    check_cases(variants(NEW, "expire", &[r#""100""#, "1.5"]));
}

#[test]
fn instrument_kind_other_than_spot_is_an_error() {
    // docs: a kind that is not `spot` is an error (other kinds trade in a later release).
    check_cases(variants(
        INSTRUMENT,
        "kind",
        &[
            r#""perp""#,
            r#""future""#,
            r#""SPOT""#,
            r#""""#,
            "1",
            "null",
        ],
    ));
}

#[test]
fn instrument_with_base_equal_to_quote_is_an_error() {
    check_cases(vec![keeps_state(
        "base = quote",
        with_field(INSTRUMENT, "base", r#""USD""#),
    )]);
}

#[test]
fn instrument_listed_twice_is_an_error_and_keeps_the_first() {
    // The second BTC-USD (tick 1) must not replace the first (tick 0.5): 100.5 stays on grid.
    check(
        &ls![
            r#"{"op":"instrument","symbol":"BTC-USD","kind":"spot","base":"BTC","quote":"USD","tick":"1","lot":"1"}"#,
            buy(1, "a", "100.5", "0.01"),
        ],
        &ls![err(1), acc(2, 1, "a", "buy", "100.5", "0.01")],
    );
}

#[test]
fn fee_rates_must_be_integers_in_range() {
    // Contract: JSON integers. docs: -10000..=10000.
    let bad = [r#""1""#, "1.5", "1.0", "10001", "-10001", "true", "null"];
    let mut cases = variants(INSTRUMENT, "maker_fee_bps", &bad);
    cases.extend(variants(INSTRUMENT, "taker_fee_bps", &bad));
    check_cases(cases);
}

#[test]
fn fee_rates_at_the_range_ends_are_fine() {
    check(
        &ls![
            r#"{"op":"instrument","symbol":"ETH-USD","kind":"spot","base":"ETH","quote":"USD","tick":"0.1","lot":"0.1","maker_fee_bps":-10000,"taker_fee_bps":10000}"#,
            q_fees(),
        ],
        &ls![fee(2, "BTC", "0"), fee(2, "USD", "0"), fee(2, "ETH", "0")],
    );
}

#[test]
fn book_depth_must_be_an_integer_from_1_to_1000() {
    let book = r#"{"op":"book","symbol":"BTC-USD","depth":1}"#;
    check_cases(variants(
        book,
        "depth",
        &["0", "-1", "1001", r#""5""#, "1.5", "true"],
    ));
}

#[test]
fn book_of_an_unknown_symbol_is_an_error() {
    check(&ls![q_book_s("NOPE")], &ls![err(1)]);
}

// ----- what errors do and do not do -----------------------------------------------------------

#[test]
fn error_carries_seq_and_line_of_the_input_line() {
    check_raw(
        &ls![
            "",
            r#"{"op":"fees"}"#,
            "x",
            r#"{"op":"instrument","symbol":"BTC-USD","kind":"spot","base":"BTC","quote":"USD","tick":"0.5","lot":"0.01"}"#,
            "[]",
            r#"{"op":"fees"}"#,
            "",
        ],
        &ls![
            err(1),
            err(3),
            err(5),
            fee(6, "BTC", "0"),
            fee(6, "USD", "0"),
            err(7),
        ],
    );
}

#[test]
fn processing_goes_on_after_an_error() {
    check(
        &ls!["{", buy(1, "a", "100", "1"), "", sell(2, "b", "100", "1")],
        &ls![
            err(1),
            acc(2, 1, "a", "buy", "100", "1"),
            err(3),
            acc(4, 2, "b", "sell", "100", "1"),
            trd(4, "100", "1", 1, "a", 2, "b", "sell"),
            fill(4, 1, "a"),
            fill(4, 2, "b"),
        ],
    );
}

#[test]
fn errors_come_before_rejects() {
    // An unknown symbol is a reject, but a malformed line is an error before anything else.
    check(
        &ls![
            new_order("NOPE", 1, "a", "up", "limit", Some("100"), "1", ""),
            new_order("NOPE", 1, "a", "buy", "limit", None, "1", ""),
            new_order("NOPE", 1, "a", "buy", "limit", Some("1e2"), "1", ""),
            new_order("NOPE", 1, "a", "buy", "limit", Some("100"), "1", ""),
        ],
        &ls![err(1), err(2), err(3), rej(4, 1, "a", "unknown_symbol")],
    );
}

#[test]
fn erroring_new_does_not_consume_the_id() {
    check(
        &ls![
            with_field(NEW, "side", r#""BUY""#),
            with_field(NEW, "price", "100"),
            NEW,
        ],
        &ls![err(1), err(2), acc(3, 1, "n1", "buy", "100", "1")],
    );
}

#[test]
fn erroring_instrument_is_not_listed() {
    check(
        &ls![
            with_field(INSTRUMENT, "tick", r#""0""#),
            new_order("ETH-USD", 1, "e", "buy", "limit", Some("10"), "1", ""),
            q_balance(1),
        ],
        &cat(vec![
            vec![err(1), rej(2, 1, "e", "unknown_symbol")],
            bal2(3, 1, ("1000", "0"), ("1000000", "0")),
        ]),
    );
}

#[test]
fn erroring_deposit_does_not_make_its_asset_known() {
    check(
        &ls![
            deposit(4, "EUR", "0"),
            deposit(4, "EUR", "1e2"),
            q_balance(4),
            q_fees(),
        ],
        &cat(vec![
            vec![err(1), err(2)],
            bal2(3, 4, ("0", "0"), ("0", "0")),
            vec![fee(4, "BTC", "0"), fee(4, "USD", "0")],
        ]),
    );
}

#[test]
fn unknown_fields_are_ignored() {
    check(
        &ls![
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"a","side":"buy","type":"limit","price":"100","qty":"1","foo":{"bar":[1,2]},"note":"x","Price":1}"#,
            r#"{"op":"deposit","account":4,"asset":"USD","amount":"7","memo":null}"#,
            r#"{"op":"balance","account":4,"verbose":true}"#,
        ],
        &cat(vec![
            vec![acc(1, 1, "a", "buy", "100", "1")],
            bal2(3, 4, ("0", "0"), ("7", "0")),
        ]),
    );
}

#[test]
fn field_order_in_the_input_does_not_matter() {
    check(
        &ls![
            r#"{"qty":"1","price":"100","type":"limit","side":"sell","id":"a","symbol":"BTC-USD","account":2,"op":"new"}"#
        ],
        &ls![acc(1, 2, "a", "sell", "100", "1")],
    );
}

#[test]
fn last_line_without_newline_is_processed() {
    let input = format!("{}\n{{\"op\":\"fees\"}}", SETUP[0]);
    let (out, summary) = run_bytes(input.as_bytes(), &Default::default());
    assert_eq!(
        split_output(&out),
        vec![
            r#"{"seq":2,"event":"fees","asset":"BTC","amount":"0"}"#.to_string(),
            r#"{"seq":2,"event":"fees","asset":"USD","amount":"0"}"#.to_string(),
        ]
    );
    assert_eq!(summary.lines, 2);
}

#[test]
fn summary_counts_every_input_line_including_bad_ones() {
    let (out, summary) = run_bytes(b"\n\nx\n{\"op\":\"fees\"}\n", &Default::default());
    let lines = split_output(&out);
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(summary.lines, 4);
}

#[test]
fn empty_input_gives_empty_output() {
    let (out, summary) = run_bytes(b"", &Default::default());
    assert_eq!(out, "");
    assert_eq!(summary.lines, 0);
}

// ----- decimals with more digits than a 96-bit decimal holds -------------------------------------

#[test]
fn amount_with_many_decimal_places_is_an_error_even_if_it_is_nearly_whole() {
    // 1 + 1e-29: more than 18 decimal places, so an error (docs), however close to 1 it is. A
    // parser that rounds to 28 places would see exactly 1 and accept it.
    let cases = [
        "1.00000000000000000000000000001",
        "1.000000000000000000000000000000000001",
        "5.0000000000000000001",
    ];
    let mut all = Vec::new();
    for a in cases {
        all.push(keeps_state(
            format!("deposit {a}"),
            with_field(DEPOSIT, "amount", &js(a)),
        ));
        all.push(keeps_state(
            format!("withdraw {a}"),
            with_field(WITHDRAW, "amount", &js(a)),
        ));
        all.push(keeps_state(
            format!("tick {a}"),
            with_field(INSTRUMENT, "tick", &js(a)),
        ));
        all.push(keeps_state(
            format!("lot {a}"),
            with_field(INSTRUMENT, "lot", &js(a)),
        ));
    }
    check_cases(all);
}

#[test]
fn price_or_qty_just_off_the_grid_by_a_tiny_fraction_is_rejected() {
    // Well formed, off the grid: invalid_price / invalid_qty, never rounded onto the grid.
    let prices = [
        "100.00000000000000000000000000001",
        "100.0000000000000000000000000001",
        "100.000000000000000001",
        "99.999999999999999999999999999999",
    ];
    let qtys = [
        "1.00000000000000000000000000001",
        "1.0000000000000000000000000001",
        "0.999999999999999999999999999999",
    ];
    let mut cases: Vec<_> = prices
        .iter()
        .map(|p| {
            (
                format!("price {p}"),
                ls![buy(1, "x", p, "1"), q_book()],
                ls![rej(1, 1, "x", "invalid_price"), book(2, &[], &[])],
            )
        })
        .collect();
    cases.extend(qtys.iter().map(|q| {
        (
            format!("qty {q}"),
            ls![buy(1, "x", "100", q), q_book()],
            ls![rej(1, 1, "x", "invalid_qty"), book(2, &[], &[])],
        )
    }));
    check_cases(cases);
}

#[test]
fn many_trailing_zeros_are_still_the_same_value() {
    // Well formed and exactly on the grid: accepted and normalised.
    let z = "0".repeat(40);
    check(
        &ls![buy(1, "x", &format!("100.{z}"), &format!("1.{z}"))],
        &ls![acc(1, 1, "x", "buy", "100", "1")],
    );
}

// ----- robustness -------------------------------------------------------------------------------

#[test]
fn deeply_nested_json_is_an_error_not_a_crash() {
    check_cases(vec![
        keeps_state("deep array", "[".repeat(100_000)),
        keeps_state(
            "deep value in an unknown field",
            format!(
                r#"{{"op":"fees","x":{}1{}}}"#,
                "[".repeat(5000),
                "]".repeat(5000)
            ),
        ),
    ]);
}

#[test]
fn invalid_utf8_line_is_an_error_and_processing_goes_on() {
    let mut input = text(SETUP).into_bytes();
    input.extend_from_slice(b"{\"op\":\"fees\",\"x\":\"\xff\xfe\"}\n");
    input.extend_from_slice(b"\xc3\x28\n");
    input.extend_from_slice(b"{\"op\":\"fees\"}\n");
    let (out, summary) = run_bytes(&input, &Default::default());
    let n = SETUP.len() as u64;
    let lines = split_output(&out);
    assert_eq!(lines.len(), 4, "{out}");
    for (i, l) in lines.iter().take(2).enumerate() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["event"], "error", "{l}");
        assert_eq!(v["line"], n + 1 + i as u64, "{l}");
    }
    assert_eq!(summary.lines, n + 3);
}

#[test]
fn crlf_line_endings_read_like_lf() {
    // JSON treats \r as whitespace, so a CRLF file reads the same as an LF one.
    let lf = text(&with_setup(&ls![buy(1, "a", "100", "1"), q_book()]));
    let crlf = lf.replace('\n', "\r\n");
    let (a, _) = run_bytes(lf.as_bytes(), &Default::default());
    let (b, _) = run_bytes(crlf.as_bytes(), &Default::default());
    assert_eq!(a, b);
}

#[test]
fn a_long_unknown_field_is_ignored() {
    let big = "x".repeat(200_000);
    check(
        &ls![format!(
            r#"{{"op":"new","account":1,"symbol":"BTC-USD","id":"a","side":"buy","type":"limit","price":"100","qty":"1","blob":"{big}"}}"#
        )],
        &ls![acc(1, 1, "a", "buy", "100", "1")],
    );
}

#[test]
fn many_leading_zeros_are_still_the_same_value() {
    // `-?[0-9]+(\.[0-9]+)?` allows leading zeros; the value is what counts.
    let z = "0".repeat(40);
    check(
        &ls![
            buy(1, "x", &format!("{z}100"), &format!("{z}1")),
            deposit(4, "USD", &format!("{z}5")),
            q_balance(4),
        ],
        &cat(vec![
            ls![acc(1, 1, "x", "buy", "100", "1")],
            bal2(3, 4, ("0", "0"), ("5", "0")),
        ]),
    );
}

#[test]
fn erroring_instrument_makes_none_of_its_assets_known() {
    check(
        &ls![
            r#"{"op":"instrument","symbol":"BTC-USD","kind":"spot","base":"AAA","quote":"BBB","tick":"1","lot":"1"}"#,
            r#"{"op":"instrument","symbol":"ETH-ETH","kind":"spot","base":"ETH","quote":"ETH","tick":"1","lot":"1"}"#,
            r#"{"op":"instrument","symbol":"X-Y","kind":"perp","base":"XXX","quote":"YYY","tick":"1","lot":"1"}"#,
            r#"{"op":"instrument","symbol":"P-Q","kind":"spot","base":"PPP","quote":"QQQ","tick":"0.000000001","lot":"0.0000000001"}"#,
            q_fees(),
        ],
        &ls![
            err(1),
            err(2),
            err(3),
            err(4),
            fee(5, "BTC", "0"),
            fee(5, "USD", "0")
        ],
    );
}
