//! The risk-array scan: an option revalued in each of the model's scenarios, rounded to ticks.

use std::fmt;

use tradestream_model::{OptionRight, Price, RiskArray, Timestamp, RISK_SCENARIOS};

use super::{Black76, Greeks};

/// Milliseconds in a (365-day) year.
const YEAR_MS: f64 = 365.0 * 86_400_000.0;
/// Highest accepted volatility: 1000%.
const MAX_VOL_PPM: u32 = 10_000_000;
/// The down-shifted volatility never goes below 1% (nor below the unshifted one, if lower).
const MIN_SHIFTED_VOL_PPM: u32 = 10_000;
/// 2^63, the smallest f64 that does not fit an i64.
const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;

/// The scan of the risk array: underlying moves up to ±move_bps (basis points of the
/// underlying), volatility shifted by ±vol_shift_ppm (absolute, parts per million of 1.00 vol;
/// the down-shifted vol is floored at 1% = 10_000 ppm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanRange {
    /// Largest underlying move, in basis points of the underlying (moves below -100% are floored
    /// at an underlying of zero).
    pub move_bps: u32,
    /// Volatility shift, in parts per million of 1.00 volatility.
    pub vol_shift_ppm: u32,
}

impl Default for ScanRange {
    /// Moves of up to 15% and a shift of 10 volatility points.
    fn default() -> ScanRange {
        ScanRange {
            move_bps: 1500,
            vol_shift_ppm: 100_000,
        }
    }
}

/// What the pricing step journals for one option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OptionQuote {
    /// The option's value at the underlying's price, in ticks.
    pub mark: Price,
    /// The option's value in ticks in each risk scenario (layout: see
    /// [`RISK_SCENARIOS`](tradestream_model::RISK_SCENARIOS)).
    pub values: RiskArray,
    /// Black-76 greeks at the unshifted point, in option ticks per tick of the underlying.
    pub greeks: Greeks,
}

/// Why an option could not be priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricingError {
    /// The underlying's price is zero or negative.
    NonPositiveUnderlying,
    /// The strike is zero or negative.
    NonPositiveStrike,
    /// The volatility is 0 or above 10_000_000 ppm (1000%).
    BadVol,
    /// A value does not fit i64 ticks.
    Overflow,
}

impl fmt::Display for PricingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PricingError::NonPositiveUnderlying => "the underlying price must be positive",
            PricingError::NonPositiveStrike => "the strike must be positive",
            PricingError::BadVol => "the volatility must be 1 to 10000000 ppm",
            PricingError::Overflow => "an option value does not fit i64 ticks",
        })
    }
}

impl std::error::Error for PricingError {}

/// Prices an option whose underlying trades at `underlying` and whose strike is `strike` (both
/// in the OPTION's ticks), at time `now` with expiry `expiry`, volatility `vol_ppm` (ppm of 1.00,
/// e.g. 600_000 = 60%), scanning `range`. Marks and values are rounded to the nearest tick (ties
/// away from zero) and never negative.
///
/// Scenario `m` (0..7, a move of `k = m - 3` thirds) values the option at the forward
/// `underlying x (1 + k x move_bps / 30000)` with the volatility shifted up (`values[2m]`) and
/// down (`values[2m + 1]`). At or after expiry every value is intrinsic. Prices beyond 2^53 ticks
/// lose the precision of f64.
pub fn price_option(
    right: OptionRight,
    underlying: Price,
    strike: Price,
    now: Timestamp,
    expiry: Timestamp,
    vol_ppm: u32,
    range: ScanRange,
) -> Result<OptionQuote, PricingError> {
    if underlying.0 <= 0 {
        return Err(PricingError::NonPositiveUnderlying);
    }
    if strike.0 <= 0 {
        return Err(PricingError::NonPositiveStrike);
    }
    if vol_ppm == 0 || vol_ppm > MAX_VOL_PPM {
        return Err(PricingError::BadVol);
    }
    let years = expiry.0.saturating_sub(now.0) as f64 / YEAR_MS;
    let model = |forward: f64, vol_ppm: u32| Black76 {
        right,
        forward,
        strike: strike.0 as f64,
        years,
        vol: f64::from(vol_ppm) / 1e6,
    };
    let spot = underlying.0 as f64;
    let greeks = model(spot, vol_ppm).greeks();
    let vol_up = vol_ppm.saturating_add(range.vol_shift_ppm);
    let vol_down = vol_ppm
        .saturating_sub(range.vol_shift_ppm)
        .max(MIN_SHIFTED_VOL_PPM.min(vol_ppm));
    let mut values = [0; RISK_SCENARIOS];
    for (m, pair) in values.chunks_exact_mut(2).enumerate() {
        let thirds = m as f64 - 3.0;
        let forward = (spot * (1.0 + thirds * f64::from(range.move_bps) / 30_000.0)).max(0.0);
        pair[0] = to_ticks(model(forward, vol_up).greeks().price)?;
        pair[1] = to_ticks(model(forward, vol_down).greeks().price)?;
    }
    Ok(OptionQuote {
        mark: Price(to_ticks(greeks.price)?),
        values,
        greeks,
    })
}

/// `value` rounded to the nearest tick (ties away from zero), negative values as 0.
fn to_ticks(value: f64) -> Result<i64, PricingError> {
    let ticks = value.round();
    if ticks.is_nan() || ticks >= I64_LIMIT {
        return Err(PricingError::Overflow);
    }
    Ok((ticks as i64).max(0))
}

#[cfg(test)]
mod tests {
    use super::{to_ticks, PricingError};

    #[test]
    fn rounds_to_nearest_tick_ties_away_from_zero() {
        assert_eq!(to_ticks(0.0), Ok(0));
        assert_eq!(to_ticks(0.49), Ok(0));
        assert_eq!(to_ticks(0.5), Ok(1));
        assert_eq!(to_ticks(2.5), Ok(3));
        assert_eq!(to_ticks(2.4999), Ok(2));
        assert_eq!(to_ticks(7.965_567), Ok(8));
        assert_eq!(to_ticks(-0.7), Ok(0));
        assert_eq!(to_ticks(f64::NEG_INFINITY), Ok(0));
        assert_eq!(to_ticks(9.2e18), Ok(9_200_000_000_000_000_000));
    }

    #[test]
    fn values_beyond_i64_overflow() {
        assert_eq!(
            to_ticks(9_223_372_036_854_775_808.0),
            Err(PricingError::Overflow)
        );
        assert_eq!(to_ticks(f64::INFINITY), Err(PricingError::Overflow));
        assert_eq!(to_ticks(f64::NAN), Err(PricingError::Overflow));
    }
}
