//! Exact conversion between decimal strings and the engine's integers.
//!
//! Input decimals must match `-?[0-9]+(\.[0-9]+)?`; they are parsed with `rust_decimal` and
//! converted onto a [`Grid`] (a tick size, a lot size, or the 10^-18 amount grid) exactly: a value
//! off the grid, non-positive where positivity is required, or too large is a typed error, never a
//! rounding. Output is normalised: no trailing zeros, no trailing point.

use crate::units::{Amount, Price, Qty, UnitError, AMOUNT_DECIMALS};
use rust_decimal::Decimal;
use std::str::FromStr;
use thiserror::Error;

/// Why a string is not a decimal we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DecimalError {
    /// Not of the form `-?[0-9]+(\.[0-9]+)?`.
    #[error("not a decimal string (expected digits with an optional fraction, like \"100.25\")")]
    Malformed,
    /// Well formed but not exactly representable: more than 28 significant digits.
    #[error("decimal has more than 28 significant digits")]
    TooLarge,
}

/// Parses a decimal string of the form `-?[0-9]+(\.[0-9]+)?`.
pub fn parse(s: &str) -> Result<Decimal, DecimalError> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(DecimalError::Malformed);
    }
    // rust_decimal rounds beyond 28 digits; an inexact value must never be accepted, so count
    // the significant digits first.
    let int_digits = int.trim_start_matches('0').len();
    let frac_digits = frac.map_or(0, |f| f.trim_end_matches('0').len());
    let significant = if int_digits == 0 {
        frac.map_or(0, |f| f.trim_end_matches('0').trim_start_matches('0').len())
    } else {
        int_digits + frac_digits
    };
    if significant > 28 || frac_digits > 28 {
        return Err(DecimalError::TooLarge);
    }
    let trimmed = match frac {
        Some(f) if f.trim_end_matches('0').is_empty() => &s[..s.len() - f.len() - 1],
        Some(f) => &s[..s.len() - (f.len() - f.trim_end_matches('0').len())],
        None => s,
    };
    Decimal::from_str(trimmed).map_err(|_| DecimalError::TooLarge)
}

/// A positive decimal step (`tick`, `lot`) as `mantissa x 10^-scale`, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Grid {
    mantissa: i128,
    scale: u32,
}

impl Grid {
    /// A grid step from a positive decimal with at most 18 decimal places.
    pub fn new(step: Decimal) -> Result<Grid, UnitError> {
        if step <= Decimal::ZERO {
            return Err(UnitError::NotPositive);
        }
        let n = step.normalize();
        if n.scale() > AMOUNT_DECIMALS {
            return Err(UnitError::OffGrid);
        }
        Ok(Grid {
            mantissa: n.mantissa(),
            scale: n.scale(),
        })
    }

    /// The step from its parts (`mantissa x 10^-scale`), as stored by [`Grid::parts`].
    pub fn from_parts(mantissa: i128, scale: u32) -> Result<Grid, UnitError> {
        if mantissa <= 0 {
            return Err(UnitError::NotPositive);
        }
        if scale > AMOUNT_DECIMALS || (scale > 0 && mantissa % 10 == 0) {
            return Err(UnitError::OffGrid);
        }
        Ok(Grid { mantissa, scale })
    }

    /// The normalised parts: `(mantissa, scale)`.
    pub fn parts(self) -> (i128, u32) {
        (self.mantissa, self.scale)
    }

    /// The step as a decimal.
    pub fn to_decimal(self) -> Decimal {
        Decimal::from_i128_with_scale(self.mantissa, self.scale)
    }

    /// The step in 10^-18 units.
    pub fn as_amount(self) -> Amount {
        Amount(self.mantissa * 10i128.pow(AMOUNT_DECIMALS - self.scale))
    }

    /// `self x other` in 10^-18 units: the amount one lot costs at one tick.
    pub fn product_amount(self, other: Grid) -> Result<Amount, UnitError> {
        let scale = self.scale + other.scale;
        let m = self
            .mantissa
            .checked_mul(other.mantissa)
            .ok_or(UnitError::Overflow)?;
        if scale <= AMOUNT_DECIMALS {
            m.checked_mul(10i128.pow(AMOUNT_DECIMALS - scale))
                .map(Amount)
                .ok_or(UnitError::Overflow)
        } else {
            let div = 10i128.pow(scale - AMOUNT_DECIMALS);
            if m % div != 0 {
                return Err(UnitError::OffGrid);
            }
            Ok(Amount(m / div))
        }
    }

    /// The number of whole steps in `value`, which must be positive and on the grid.
    pub fn steps(self, value: Decimal) -> Result<i64, UnitError> {
        if value <= Decimal::ZERO {
            return Err(UnitError::NotPositive);
        }
        let v = value.normalize();
        // value = vm x 10^-vs; steps = vm x 10^(s - vs) / m.
        let (vm, vs) = (v.mantissa(), v.scale());
        let scaled = if self.scale >= vs {
            vm.checked_mul(10i128.pow(self.scale - vs))
                .ok_or(UnitError::Overflow)?
        } else {
            let div = 10i128.pow(vs - self.scale);
            if vm % div != 0 {
                return Err(UnitError::OffGrid);
            }
            vm / div
        };
        if scaled % self.mantissa != 0 {
            return Err(UnitError::OffGrid);
        }
        i64::try_from(scaled / self.mantissa).map_err(|_| UnitError::Overflow)
    }

    /// A price in ticks of this grid.
    pub fn price(self, value: Decimal) -> Result<Price, UnitError> {
        self.steps(value).map(Price)
    }

    /// A quantity in lots of this grid.
    pub fn qty(self, value: Decimal) -> Result<Qty, UnitError> {
        self.steps(value).map(Qty)
    }

    /// Writes `steps x step` as a normalised decimal.
    pub fn write(self, steps: i64, out: &mut Vec<u8>) {
        write_fixed(steps as i128 * self.mantissa, self.scale, out);
    }
}

/// An amount from a decimal: exact in 10^-18 units, any sign.
pub fn amount(value: Decimal) -> Result<Amount, UnitError> {
    let v = value.normalize();
    if v.scale() > AMOUNT_DECIMALS {
        return Err(UnitError::OffGrid);
    }
    v.mantissa()
        .checked_mul(10i128.pow(AMOUNT_DECIMALS - v.scale()))
        .map(Amount)
        .ok_or(UnitError::Overflow)
}

/// Writes an amount as a normalised decimal.
pub fn write_amount(a: Amount, out: &mut Vec<u8>) {
    write_fixed(a.0, AMOUNT_DECIMALS, out);
}

/// Writes `value x 10^-decimals` without trailing zeros.
pub fn write_fixed(value: i128, decimals: u32, out: &mut Vec<u8>) {
    use std::io::Write;
    if value < 0 {
        out.push(b'-');
    }
    let v = value.unsigned_abs();
    let div = 10u128.pow(decimals);
    let (int, mut frac) = (v / div, v % div);
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{int}");
    if frac != 0 {
        let mut width = decimals as usize;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        parse(s).unwrap()
    }

    fn fixed(v: i128, dec: u32) -> String {
        let mut out = Vec::new();
        write_fixed(v, dec, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn accepts_only_plain_decimals() {
        for ok in ["0", "1", "-3", "100.25", "0.0001", "007.50"] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "-", "1.", ".5", "+1", "1e2", "NaN", "1,5", " 1", "1 ", "--1", "1.2.3",
        ] {
            assert_eq!(parse(bad), Err(DecimalError::Malformed), "{bad}");
        }
        assert_eq!(
            parse("123456789012345678901234567890123"),
            Err(DecimalError::TooLarge)
        );
        // Never rounded onto a grid: 29 or more significant digits are refused.
        assert_eq!(
            parse("100.00000000000000000000000000001"),
            Err(DecimalError::TooLarge)
        );
        assert_eq!(
            parse("0.99999999999999999999999999999"),
            Err(DecimalError::TooLarge)
        );
        assert_eq!(
            parse("0.0000000000000000000000000001"),
            Ok(Decimal::new(1, 28))
        );
        assert_eq!(
            parse("0.00000000000000000000000000001"),
            Err(DecimalError::TooLarge)
        );
        assert_eq!(
            parse("1.50000000000000000000000000000000"),
            Ok(Decimal::new(15, 1))
        );
    }

    #[test]
    fn grid_steps_are_exact() {
        let tick = Grid::new(d("0.05")).unwrap();
        assert_eq!(tick.price(d("100.27")), Err(UnitError::OffGrid));
        assert_eq!(tick.price(d("100.25")), Ok(Price(2005)));
        assert_eq!(tick.price(d("100.15")), Ok(Price(2003)));
        assert_eq!(tick.price(d("100.150000")), Ok(Price(2003)));
        assert_eq!(tick.price(d("0")), Err(UnitError::NotPositive));
        assert_eq!(tick.price(d("-1")), Err(UnitError::NotPositive));
        let big = Grid::new(d("0.000000000000000001")).unwrap();
        assert_eq!(big.price(d("100000000000")), Err(UnitError::Overflow));
        let coarse = Grid::new(d("25")).unwrap();
        assert_eq!(coarse.qty(d("75")), Ok(Qty(3)));
        assert_eq!(coarse.qty(d("70")), Err(UnitError::OffGrid));
    }

    #[test]
    fn grid_rejects_bad_steps() {
        assert_eq!(Grid::new(d("0")), Err(UnitError::NotPositive));
        assert_eq!(Grid::new(d("-0.1")), Err(UnitError::NotPositive));
        assert_eq!(
            Grid::new(d("0.0000000000000000001")),
            Err(UnitError::OffGrid)
        );
    }

    #[test]
    fn products_and_amounts() {
        let tick = Grid::new(d("0.01")).unwrap();
        let lot = Grid::new(d("0.001")).unwrap();
        assert_eq!(tick.product_amount(lot), Ok(Amount(10_000_000_000_000)));
        assert_eq!(lot.as_amount(), Amount(1_000_000_000_000_000));
        let fine = Grid::new(d("0.000000001")).unwrap();
        let finer = Grid::new(d("0.0000000001")).unwrap();
        assert_eq!(fine.product_amount(finer), Err(UnitError::OffGrid));
        assert_eq!(amount(d("1.5")), Ok(Amount(1_500_000_000_000_000_000)));
        assert_eq!(amount(d("0.0000000000000000001")), Err(UnitError::OffGrid));
    }

    #[test]
    fn output_is_normalised() {
        assert_eq!(fixed(1005, 1), "100.5");
        assert_eq!(fixed(10050, 2), "100.5");
        assert_eq!(fixed(10000, 2), "100");
        assert_eq!(fixed(1, 3), "0.001");
        assert_eq!(fixed(-1, 3), "-0.001");
        assert_eq!(fixed(0, 18), "0");
        let tick = Grid::new(d("0.25")).unwrap();
        let mut out = Vec::new();
        tick.write(401, &mut out);
        assert_eq!(out, b"100.25");
    }
}
