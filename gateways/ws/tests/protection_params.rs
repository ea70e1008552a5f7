//! `admin.set_protection` and `admin.reset_protection`: parameter parsing (every field named in
//! its error) and the exact conversion of the quantity limits to lots.

use rust_decimal::Decimal;
use std::str::FromStr;
use tradestream_model::decimal::Grid;
use tradestream_model::{AccountId, InstrumentId, InstrumentKind, InstrumentSpec, ShortName};
use tradestream_ws::catalog::Catalog;
use tradestream_ws::protocol::request::{parse, ErrorCode, Method, SetProtection};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn set(params: &str) -> Result<SetProtection, String> {
    let frame = format!(r#"{{"id":1,"method":"admin.set_protection","params":{params}}}"#);
    match parse(&frame) {
        Ok(r) => match r.method {
            Method::AdminSetProtection(p) => Ok(p),
            m => panic!("{m:?}"),
        },
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidParams, "{}", e.message);
            Err(e.message)
        }
    }
}

const FULL: &str = r#"{"account":7,"symbol":"BTC-USD","window_ms":1000,"max_filled":"2.5","max_delta":"1","freeze_ms":0}"#;

#[test]
fn set_protection_parses() {
    assert_eq!(
        set(FULL).unwrap(),
        SetProtection {
            account: AccountId(7),
            symbol: "BTC-USD".into(),
            window_ms: 1000,
            max_filled: d("2.5"),
            max_delta: d("1"),
            freeze_ms: 0,
        }
    );
    let off = set(r#"{"account":0,"symbol":"X","window_ms":1,"max_filled":"0","max_delta":"0.000","freeze_ms":5}"#)
        .unwrap();
    assert!(off.max_filled.is_zero() && off.max_delta.is_zero());
}

#[test]
fn set_protection_errors_name_the_parameter() {
    let without = |key: &str| {
        let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(FULL).unwrap();
        v.remove(key);
        serde_json::to_string(&v).unwrap()
    };
    for key in [
        "account",
        "symbol",
        "window_ms",
        "max_filled",
        "max_delta",
        "freeze_ms",
    ] {
        assert_eq!(
            set(&without(key)).unwrap_err(),
            format!("params.{key}: required")
        );
    }
    let with = |key: &str, value: &str| {
        let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(FULL).unwrap();
        v.insert(key.into(), serde_json::from_str(value).unwrap());
        serde_json::to_string(&v).unwrap()
    };
    let cases = [
        (
            "account",
            "-1",
            "params.account: an account id is a non-negative integer",
        ),
        (
            "window_ms",
            "0",
            "params.window_ms: expected an integer of at least 1 (ms)",
        ),
        ("window_ms", "1.5", "params.window_ms: expected an integer"),
        (
            "freeze_ms",
            "-1",
            "params.freeze_ms: expected an integer of at least 0 (ms)",
        ),
        (
            "max_filled",
            r#""-1""#,
            "params.max_filled: must be 0 (off) or positive",
        ),
        (
            "max_delta",
            r#""-0.5""#,
            "params.max_delta: must be 0 (off) or positive",
        ),
    ];
    for (key, value, want) in cases {
        assert_eq!(set(&with(key, value)).unwrap_err(), want, "{key}={value}");
    }
    let e = set(&with("max_filled", "5")).unwrap_err();
    assert!(
        e.starts_with("params.max_filled: expected a decimal string"),
        "{e}"
    );
}

#[test]
fn reset_protection_parses() {
    let frame =
        r#"{"id":2,"method":"admin.reset_protection","params":{"account":3,"symbol":"BTC-USD"}}"#;
    let m = parse(frame).unwrap().method;
    assert_eq!(m.name(), "admin.reset_protection");
    assert_eq!(
        m,
        Method::AdminResetProtection {
            account: AccountId(3),
            symbol: "BTC-USD".into()
        }
    );
    let e =
        parse(r#"{"id":2,"method":"admin.reset_protection","params":{"account":3}}"#).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::InvalidParams, "params.symbol: required")
    );
}

#[test]
fn limits_convert_exactly_to_lots() {
    let name = |s: &str| ShortName::new(s).unwrap();
    let mut c = Catalog::default();
    c.add(
        InstrumentId(0),
        InstrumentSpec {
            symbol: name("BTC-USD"),
            kind: InstrumentKind::Spot,
            base: name("BTC"),
            quote: name("USD"),
            tick: Grid::new(d("0.5")).unwrap(),
            lot: Grid::new(d("0.001")).unwrap(),
            maker_fee_bps: 0,
            taker_fee_bps: 0,
        },
        false,
    );
    let l = c.find("BTC-USD").unwrap();
    assert_eq!(l.limit_qty("params.max_filled", d("2.5")), Ok(2500));
    assert_eq!(l.limit_qty("params.max_filled", d("0")), Ok(0));
    assert_eq!(l.limit_qty("params.max_delta", d("0.001")), Ok(1));
    let e = l.limit_qty("params.max_delta", d("0.0005")).unwrap_err();
    assert_eq!(e.param, "params.max_delta");
    assert_eq!(
        e.message,
        "params.max_delta: 0.0005 is not a multiple of the lot 0.001"
    );
}
