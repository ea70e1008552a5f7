//! The market-maker ops (issue 7): `quote`, `set_protection` and `reset_protection`.

use super::fields::{Dec, FieldError, Fields};
use super::parse::known_symbol;
use rust_decimal::Decimal;
use tradestream_engine::Engine;
use tradestream_model::decimal::Grid;
use tradestream_model::{Command, Price, ProtectionLimits, Qty, Quote, QuoteSide};

/// `quote`: account, symbol, id, bid_id, ask_id, and per side a `*_price` and `*_qty` (a side
/// without `*_qty`, or with qty "0", is absent; a present side needs its price). A quantity or
/// price that is well formed but not allowed (off the grid, negative, too large) becomes an
/// invalid value so the engine rejects the quote in its precedence.
pub(super) fn quote(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    let account = f.account()?;
    let instrument = engine.instrument_id(&f.name("symbol")?);
    let id = f.id()?;
    let grids = instrument
        .and_then(|i| engine.instrument(i))
        .map(|i| (i.spec.tick, i.spec.lot));
    let side = |prefix: &str| -> Result<QuoteSide, FieldError> {
        let qty = f.opt_dec(&format!("{prefix}_qty"))?;
        let price_key = format!("{prefix}_price");
        let Some(qty) = qty.filter(|q| !matches!(q, Dec::Value(v) if v.is_zero())) else {
            f.opt_dec(&price_key)?;
            return Ok(QuoteSide {
                price: Price(0),
                qty: Qty(0),
            });
        };
        let price = f.dec(&price_key)?;
        Ok(match grids {
            Some((tick, lot)) => QuoteSide {
                price: Price(steps(tick, price).unwrap_or(0)),
                qty: Qty(steps(lot, qty).unwrap_or(-1)),
            },
            // Unknown symbol: the engine rejects that first; any valid placeholder will do.
            None => QuoteSide {
                price: Price(1),
                qty: Qty(1),
            },
        })
    };
    Ok(Command::Quote(Quote {
        account,
        instrument,
        id,
        bid_id: f.client_id("bid_id")?,
        ask_id: f.client_id("ask_id")?,
        bid: side("bid")?,
        ask: side("ask")?,
    }))
}

/// Whole steps of a positive on-grid decimal; `None` otherwise.
fn steps(grid: Grid, d: Dec) -> Option<i64> {
    match d {
        Dec::Value(v) => grid.steps(v).ok(),
        Dec::TooLarge => None,
    }
}

/// `set_protection`: account, symbol, window_ms, max_filled and max_delta (decimal quantities on
/// the instrument's lot grid, "0" for off) and freeze_ms (0: until a reset).
pub(super) fn set_protection(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    let account = f.account()?;
    let instrument = known_symbol(f, engine)?;
    let lot = engine
        .instrument(instrument)
        .map(|i| i.spec.lot)
        .ok_or("unknown symbol")?;
    let lots = |key: &str| -> Result<i64, FieldError> {
        match f.dec(key)? {
            Dec::Value(v) if v == Decimal::ZERO => Ok(0),
            d => steps(lot, d).ok_or_else(|| {
                format!("field `{key}` must be 0 or a positive multiple of the instrument's lot")
            }),
        }
    };
    Ok(Command::SetProtection {
        account,
        instrument,
        limits: ProtectionLimits {
            window_ms: f.int_in("window_ms", 0, i64::MAX)? as u64,
            max_filled: lots("max_filled")?,
            max_delta: lots("max_delta")?,
            freeze_ms: f.int_in("freeze_ms", 0, i64::MAX)? as u64,
        },
    })
}

/// `reset_protection`: account, symbol.
pub(super) fn reset_protection(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    Ok(Command::ResetProtection {
        account: f.account()?,
        instrument: known_symbol(f, engine)?,
    })
}
