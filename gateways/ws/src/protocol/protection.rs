//! Parameters of `admin.set_protection` and `admin.reset_protection`: the account, the symbol
//! and (set) the limits. Quantity limits stay decimals here; the gateway converts them to lots
//! with the instrument's grid.

use super::field::{self, required, Bad, Raw};
use super::method::{Method, SetProtection};
use serde::Deserialize;

/// `admin.set_protection` as raw fields.
#[derive(Deserialize)]
pub(super) struct SetP<'a> {
    #[serde(borrow)]
    account: Raw<'a>,
    #[serde(borrow)]
    symbol: Raw<'a>,
    #[serde(borrow)]
    window_ms: Raw<'a>,
    #[serde(borrow)]
    max_filled: Raw<'a>,
    #[serde(borrow)]
    max_delta: Raw<'a>,
    #[serde(borrow)]
    freeze_ms: Raw<'a>,
}

/// `admin.reset_protection` as raw fields.
#[derive(Deserialize)]
pub(super) struct ResetP<'a> {
    #[serde(borrow)]
    account: Raw<'a>,
    #[serde(borrow)]
    symbol: Raw<'a>,
}

/// Checks `admin.set_protection`: window at least 1 ms, freeze at least 0 ms, quantity limits
/// decimal strings, 0 or positive.
pub(super) fn set(p: SetP<'_>) -> Result<SetProtection, Bad> {
    Ok(SetProtection {
        account: field::account(required(p.account, "account")?, "account")?,
        symbol: field::symbol(required(p.symbol, "symbol")?, "symbol")?,
        window_ms: field::millis(required(p.window_ms, "window_ms")?, "window_ms", 1)?,
        max_filled: field::limit(required(p.max_filled, "max_filled")?, "max_filled")?,
        max_delta: field::limit(required(p.max_delta, "max_delta")?, "max_delta")?,
        freeze_ms: field::millis(required(p.freeze_ms, "freeze_ms")?, "freeze_ms", 0)?,
    })
}

/// Checks `admin.reset_protection`.
pub(super) fn reset(p: ResetP<'_>) -> Result<Method, Bad> {
    Ok(Method::AdminResetProtection {
        account: field::account(required(p.account, "account")?, "account")?,
        symbol: field::symbol(required(p.symbol, "symbol")?, "symbol")?,
    })
}
