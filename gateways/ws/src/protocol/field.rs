//! Readers for single parameters given as raw JSON values, with messages that name them.
//!
//! Every raw value comes from a frame `serde_json` already validated, so the readers only look at
//! the first byte and the text: a string without escapes is borrowed as it is, one with escapes is
//! decoded by `serde_json`.

use super::error::ErrorCode;
use rust_decimal::Decimal;
use serde_json::value::RawValue;
use std::borrow::Cow;
use tradestream_model::decimal;
use tradestream_model::{AccountId, ClientOrderId, ShortName};

/// An optional raw parameter (absent and `null` are both `None`).
pub(super) type Raw<'a> = Option<&'a RawValue>;

/// Why a parameter was refused: a code (nearly always `invalid_params`) and a message.
#[derive(Debug)]
pub(super) struct Bad {
    pub code: ErrorCode,
    pub message: String,
}

/// An `invalid_params` error about `params.<name>`.
pub(super) fn bad(name: &str, what: impl std::fmt::Display) -> Bad {
    Bad {
        code: ErrorCode::InvalidParams,
        message: format!("params.{name}: {what}"),
    }
}

/// The value of a required parameter.
pub(super) fn required<'a>(raw: Raw<'a>, name: &str) -> Result<&'a RawValue, Bad> {
    raw.ok_or_else(|| bad(name, "required"))
}

/// A JSON string.
pub(super) fn string<'a>(raw: &'a RawValue, name: &str) -> Result<Cow<'a, str>, Bad> {
    let text = raw.get();
    if !text.starts_with('"') {
        return Err(bad(name, "expected a string"));
    }
    let inner = &text[1..text.len() - 1];
    if !inner.contains('\\') {
        return Ok(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(text)
        .map(Cow::Owned)
        .map_err(|e| bad(name, format_args!("not a valid string: {e}")))
}

/// A decimal string, parsed strictly (`-?[0-9]+(\.[0-9]+)?`); JSON numbers are refused.
pub(super) fn decimal(raw: &RawValue, name: &str) -> Result<Decimal, Bad> {
    let text = raw.get();
    if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Err(bad(
            name,
            "expected a decimal string (like \"100.25\"), not a JSON number: decimal strings \
             are required for prices and quantities",
        ));
    }
    if !text.starts_with('"') {
        return Err(bad(name, "expected a decimal string (like \"100.25\")"));
    }
    let s = string(raw, name)?;
    decimal::parse(&s).map_err(|e| bad(name, e))
}

/// A JSON integer that fits an `i64`.
pub(super) fn integer(raw: &RawValue, name: &str) -> Result<i64, Bad> {
    let text = raw.get();
    let is_integer = text.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    if !is_integer {
        return Err(bad(name, "expected an integer"));
    }
    text.parse::<i64>()
        .map_err(|_| bad(name, "integer out of range"))
}

/// A JSON integer that fits an `i32`.
pub(super) fn int32(raw: &RawValue, name: &str) -> Result<i32, Bad> {
    let v = integer(raw, name)?;
    i32::try_from(v).map_err(|_| bad(name, "integer out of range (32-bit)"))
}

/// An account id: a non-negative JSON integer.
pub(super) fn account(raw: &RawValue, name: &str) -> Result<AccountId, Bad> {
    let v = integer(raw, name)?;
    u64::try_from(v)
        .map(AccountId)
        .map_err(|_| bad(name, "an account id is a non-negative integer"))
}

/// A duration in milliseconds: a JSON integer of at least `min`.
pub(super) fn millis(raw: &RawValue, name: &str, min: u64) -> Result<u64, Bad> {
    let v = integer(raw, name)?;
    match u64::try_from(v) {
        Ok(ms) if ms >= min => Ok(ms),
        _ => Err(bad(
            name,
            format_args!("expected an integer of at least {min} (ms)"),
        )),
    }
}

/// A decimal string that is 0 or positive (a limit where 0 means off).
pub(super) fn limit(raw: &RawValue, name: &str) -> Result<Decimal, Bad> {
    let d = decimal(raw, name)?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(bad(name, "must be 0 (off) or positive"));
    }
    Ok(d)
}

/// A fee rate in basis points: -10000 (a 100% rebate) to 10000 (100%).
pub(super) fn fee_bps(raw: &RawValue, name: &str) -> Result<i32, Bad> {
    let v = int32(raw, name)?;
    if !(-10_000..=10_000).contains(&v) {
        return Err(bad(name, "fee rates lie in -10000..=10000 basis points"));
    }
    Ok(v)
}

/// `true` or `false`.
pub(super) fn boolean(raw: &RawValue, name: &str) -> Result<bool, Bad> {
    match raw.get() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad(name, "expected true or false")),
    }
}

/// An optional boolean, `false` when absent.
pub(super) fn flag(raw: Raw<'_>, name: &str) -> Result<bool, Bad> {
    raw.map_or(Ok(false), |r| boolean(r, name))
}

/// A symbol: a string of 1 to 16 bytes (whether it is listed is decided later).
pub(super) fn symbol(raw: &RawValue, name: &str) -> Result<String, Bad> {
    let s = string(raw, name)?;
    ShortName::new(&s).map_err(|_| bad(name, "a symbol is 1 to 16 bytes"))?;
    Ok(s.into_owned())
}

/// A client order id: a string of 1 to 36 bytes.
pub(super) fn client_order_id(raw: &RawValue, name: &str) -> Result<ClientOrderId, Bad> {
    let s = string(raw, name)?;
    ClientOrderId::new(&s).map_err(|_| bad(name, "a client order id is 1 to 36 bytes"))
}

/// One of a closed set of strings.
pub(super) fn choice<T: Copy>(raw: &RawValue, name: &str, options: &[(&str, T)]) -> Result<T, Bad> {
    let s = string(raw, name)?;
    match options.iter().find(|(n, _)| *n == s) {
        Some((_, v)) => Ok(*v),
        None => {
            let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
            Err(bad(
                name,
                format_args!("expected one of {}", names.join(", ")),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        assert!(matches!(
            string(&raw(r#""BTC""#), "s"),
            Ok(Cow::Borrowed("BTC"))
        ));
        let r = raw(r#""B\u0054C\n""#);
        assert_eq!(string(&r, "s").unwrap(), "BTC\n");
        assert_eq!(
            string(&raw("5"), "s").unwrap_err().message,
            "params.s: expected a string"
        );
    }

    #[test]
    fn decimals_are_strings() {
        assert_eq!(
            decimal(&raw(r#""1.50""#), "qty").unwrap(),
            Decimal::new(15, 1)
        );
        let e = decimal(&raw("1.5"), "qty").unwrap_err();
        assert!(
            e.message
                .starts_with("params.qty: expected a decimal string"),
            "{}",
            e.message
        );
        let e = decimal(&raw(r#""1e5""#), "qty").unwrap_err();
        assert!(
            e.message.starts_with("params.qty: not a decimal string"),
            "{}",
            e.message
        );
        assert!(decimal(&raw("true"), "qty").is_err());
    }

    #[test]
    fn integers_and_booleans() {
        assert_eq!(integer(&raw("-42"), "n").unwrap(), -42);
        assert!(integer(&raw("1.0"), "n").is_err());
        assert!(integer(&raw("1e3"), "n").is_err());
        assert!(integer(&raw("99999999999999999999"), "n").is_err());
        assert!(int32(&raw("2147483648"), "n").is_err());
        assert!(boolean(&raw("true"), "b").unwrap());
        assert!(boolean(&raw("1"), "b").is_err());
        assert!(!flag(None, "b").unwrap());
    }
}
