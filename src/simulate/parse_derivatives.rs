//! The derivatives part of the input (issue 5): instrument kinds, option risk arrays and the
//! edge's option pricing (`vol`, and the `greeks` query that prints the same pricing).
//!
//! `vol` is the only place where floating point touches the engine's inputs: the option is priced
//! here, at the edge, and what enters the engine (and its journal) is the resulting
//! `OptionRisk` command of integers. Replaying a journal re-applies those integers and never
//! prices again, so replay is exact whatever the platform's floating point does.

use super::fields::{Dec, FieldError, Fields};
use super::parse::{grid, known_symbol, margin};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use tradestream_engine::Engine;
use tradestream_model::decimal::Grid;
use tradestream_model::{
    Command, InstrumentId, InstrumentKind, OptionRight, Price, Timestamp, RISK_SCENARIOS,
};
use tradestream_risk::pricing::{price_option, OptionQuote, ScanRange};

const RIGHTS: &[(&str, OptionRight)] = &[("call", OptionRight::Call), ("put", OptionRight::Put)];

/// The `kind` of an `instrument` line with its kind-specific fields.
pub(super) fn kind(f: &Fields, engine: &Engine) -> Result<InstrumentKind, FieldError> {
    Ok(match f.str("kind")? {
        "spot" => InstrumentKind::Spot,
        "future" => InstrumentKind::DatedFuture {
            expiry: Timestamp(f.int("expiry")?),
            margin: margin(f)?,
        },
        "perpetual" => InstrumentKind::Perpetual {
            funding_interval_ms: f.int_in("funding_interval_ms", 1, i64::MAX)?,
            margin: margin(f)?,
            basis_smoothing_ppm: opt_ppm_int(f, "basis_smoothing_ppm")?,
            funding_cap_ppm: opt_ppm_int(f, "funding_cap_ppm")?,
        },
        "option" => {
            let underlying = engine
                .instrument_id(&f.name("underlying")?)
                .ok_or_else(|| {
                    "field `underlying` names a symbol that is not listed".to_string()
                })?;
            let right = f.choice("right", RIGHTS, None)?;
            let expiry = Timestamp(f.int("expiry")?);
            let margin = margin(f)?;
            let tick = grid(f, "tick")?;
            let strike = match f.dec("strike")? {
                Dec::Value(v) => tick.price(v).map_err(|e| {
                    format!("field `strike` must be a positive multiple of the option's tick: {e}")
                })?,
                Dec::TooLarge => return Err("field `strike` is too large".into()),
            };
            InstrumentKind::Option {
                underlying,
                right,
                strike,
                expiry,
                margin,
            }
        }
        "binary" => InstrumentKind::Binary {
            expiry: Timestamp(f.int("expiry")?),
        },
        "compute_future" => InstrumentKind::ComputeFuture {
            expiry: Timestamp(f.int("expiry")?),
            hours_per_contract: f.int_in("hours_per_contract", 1, u32::MAX as i64)? as u32,
            margin: margin(f)?,
        },
        _ => {
            return Err(
                "field `kind` must be `spot`, `future`, `perpetual`, `option`, `binary` \
                        or `compute_future`"
                    .into(),
            )
        }
    })
}

/// An optional integer in parts per million, 0..=1000000, default 0.
fn opt_ppm_int(f: &Fields, key: &str) -> Result<u32, FieldError> {
    Ok(f.opt_int_in(key, 0, 1_000_000)?.unwrap_or(0) as u32)
}

/// A non-negative decimal (a volatility, `"0.6"` for 60%) as exact parts per million.
fn ppm(key: &str, d: Dec) -> Result<u32, FieldError> {
    let bad = || {
        format!(
            "field `{key}` must be a decimal from 0 to 4294.967295 with at most 6 decimal places"
        )
    };
    let Dec::Value(v) = d else {
        return Err(bad());
    };
    match v.checked_mul(Decimal::from(1_000_000)) {
        Some(p) if p.fract().is_zero() && p >= Decimal::ZERO => p.to_u32().ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// A price in ticks that may be zero or negative (an option's mark and risk values; the engine
/// refuses negative ones): exact on the grid, or a field error.
fn signed_ticks(key: &str, d: Dec, tick: Grid) -> Result<i64, FieldError> {
    let bad = |e| format!("field `{key}` must be a multiple of the instrument's tick: {e}");
    match d {
        Dec::Value(v) if v.is_zero() => Ok(0),
        Dec::Value(v) if v > Decimal::ZERO => tick.steps(v).map_err(bad),
        Dec::Value(v) => tick.steps(-v).map(|s| -s).map_err(bad),
        Dec::TooLarge => Err(format!("field `{key}` is too large")),
    }
}

fn tick_of(engine: &Engine, instrument: InstrumentId) -> Grid {
    engine
        .instrument(instrument)
        .expect("known symbols are listed")
        .spec
        .tick
}

/// `option_risk`: a mark and risk array priced elsewhere, entered as they are.
pub(super) fn option_risk(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    let instrument = known_symbol(f, engine)?;
    let tick = tick_of(engine, instrument);
    let vol_ppm = ppm("vol", f.dec("vol")?)?;
    let mark = Price(signed_ticks("mark", f.dec("mark")?, tick)?);
    let raw = f.array("values")?;
    if raw.len() != RISK_SCENARIOS {
        return Err(format!(
            "field `values` must hold {RISK_SCENARIOS} decimal strings, not {}",
            raw.len()
        ));
    }
    let mut values = [0i64; RISK_SCENARIOS];
    for (i, (v, out)) in raw.iter().zip(values.iter_mut()).enumerate() {
        let key = format!("values[{i}]");
        *out = signed_ticks(&key, Fields::element_dec(&key, v)?, tick)?;
    }
    Ok(Command::OptionRisk {
        instrument,
        vol_ppm,
        mark,
        values,
    })
}

/// `vol`: prices the option at the edge (its underlying's mark, the engine clock, the given
/// volatility and scan range) and enters the resulting mark and risk array as `OptionRisk`.
pub(super) fn vol(f: &Fields, engine: &Engine) -> Result<Command, FieldError> {
    let p = priced(f, engine)?;
    Ok(Command::OptionRisk {
        instrument: p.instrument,
        vol_ppm: p.vol_ppm,
        mark: p.quote.mark,
        values: p.quote.values,
    })
}

/// An option priced at the edge: what `vol` journals and the `greeks` query prints.
#[derive(Debug, Clone, Copy)]
pub struct Priced {
    /// The option.
    pub instrument: InstrumentId,
    /// Volatility, parts per million.
    pub vol_ppm: u32,
    /// The underlying's mark in the option's ticks.
    pub underlying: Price,
    /// Mark, risk array and greeks.
    pub quote: OptionQuote,
}

/// Prices the option named by `symbol` at `vol` (and the optional scan range).
pub(super) fn priced(f: &Fields, engine: &Engine) -> Result<Priced, FieldError> {
    let instrument = known_symbol(f, engine)?;
    let option = engine
        .instrument(instrument)
        .expect("known symbols are listed");
    let InstrumentKind::Option {
        underlying,
        right,
        strike,
        expiry,
        ..
    } = option.spec.kind
    else {
        return Err("field `symbol` must name an option".into());
    };
    let vol_ppm = ppm("vol", f.dec("vol")?)?;
    let defaults = ScanRange::default();
    let range = ScanRange {
        move_bps: f
            .opt_int_in("move_bps", 1, 10_000)?
            .map_or(defaults.move_bps, |v| v as u32),
        vol_shift_ppm: match f.opt_dec("vol_shift")? {
            None => defaults.vol_shift_ppm,
            Some(d) => ppm("vol_shift", d)?,
        },
    };
    let under = engine
        .instrument(underlying)
        .expect("an option's underlying is listed");
    let Some(mark) = under.mark else {
        return Err("underlying has no mark".into());
    };
    // The underlying's mark in the option's ticks, exactly.
    let value = Decimal::from(mark.0)
        .checked_mul(under.spec.tick.to_decimal())
        .map(|v| v.normalize());
    let underlying_price = value
        .and_then(|v| option.spec.tick.price(v).ok())
        .ok_or_else(|| {
            format!(
                "the underlying's mark {} is not a positive multiple of the option's tick",
                value.map_or_else(|| "(too large)".to_string(), |v| v.to_string())
            )
        })?;
    let quote = price_option(
        right,
        underlying_price,
        strike,
        engine.clock(),
        expiry,
        vol_ppm,
        range,
    )
    .map_err(|e| format!("cannot price the option: {e}"))?;
    Ok(Priced {
        instrument,
        vol_ppm,
        underlying: underlying_price,
        quote,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradestream_model::decimal::parse;

    fn dec(s: &str) -> Dec {
        Dec::Value(parse(s).unwrap())
    }

    #[test]
    fn volatilities_are_exact_parts_per_million() {
        assert_eq!(ppm("vol", dec("0.6")), Ok(600_000));
        assert_eq!(ppm("vol", dec("0")), Ok(0));
        assert_eq!(ppm("vol", dec("1.000001")), Ok(1_000_001));
        assert_eq!(ppm("vol", dec("4294.967295")), Ok(u32::MAX));
        for bad in ["0.6000001", "-0.1", "4294.967296"] {
            assert!(ppm("vol", dec(bad)).is_err(), "{bad}");
        }
        assert!(ppm("vol", Dec::TooLarge).is_err());
    }

    #[test]
    fn risk_prices_may_be_zero_or_negative_but_on_the_grid() {
        let tick = Grid::new(parse("0.5").unwrap()).unwrap();
        assert_eq!(signed_ticks("mark", dec("0"), tick), Ok(0));
        assert_eq!(signed_ticks("mark", dec("12.5"), tick), Ok(25));
        assert_eq!(signed_ticks("mark", dec("-1"), tick), Ok(-2));
        let off = signed_ticks("values[3]", dec("0.25"), tick).unwrap_err();
        assert!(off.starts_with("field `values[3]`"), "{off}");
        assert!(signed_ticks("mark", Dec::TooLarge, tick).is_err());
    }
}
