//! Integer newtypes for prices, quantities and asset amounts.
//!
//! Cross-unit products are declared explicitly: a [`Price`] times a [`Qty`] is only turned into an
//! [`Amount`] through [`Amount::notional`], which takes the instrument's scale, and every
//! arithmetic step that could overflow is checked.

use thiserror::Error;

/// Number of decimal places of an [`Amount`].
pub const AMOUNT_DECIMALS: u32 = 18;
/// One whole asset unit in [`Amount`] units (10^18).
pub const AMOUNT_SCALE: i128 = 1_000_000_000_000_000_000;

/// A price as an integer number of the instrument's ticks. Valid prices are positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Price(pub i64);

/// A quantity as an integer number of the instrument's lots. Valid quantities are positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Qty(pub i64);

/// An asset amount in units of 10^-18 of the asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(pub i128);

/// Why a unit conversion or product failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum UnitError {
    /// The result does not fit the integer type.
    #[error("value overflows its integer representation")]
    Overflow,
    /// The value is not a whole multiple of the grid (tick, lot or 10^-18).
    #[error("value is not a whole multiple of the grid")]
    OffGrid,
    /// The value is zero or negative where a positive value is required.
    #[error("value must be positive")]
    NotPositive,
}

impl Price {
    /// True for a usable price (strictly positive).
    pub fn is_valid(self) -> bool {
        self.0 > 0
    }
}

impl Qty {
    /// The zero quantity.
    pub const ZERO: Qty = Qty(0);

    /// True for a usable quantity (strictly positive).
    pub fn is_valid(self) -> bool {
        self.0 > 0
    }
}

impl Amount {
    /// The zero amount.
    pub const ZERO: Amount = Amount(0);

    /// `price x qty` in the quote asset, where `quote_per_tick_lot` is the amount one lot costs at
    /// a price of one tick (`tick x lot` in 10^-18 units).
    pub fn notional(
        price: Price,
        qty: Qty,
        quote_per_tick_lot: Amount,
    ) -> Result<Amount, UnitError> {
        (price.0 as i128)
            .checked_mul(qty.0 as i128)
            .and_then(|v| v.checked_mul(quote_per_tick_lot.0))
            .map(Amount)
            .ok_or(UnitError::Overflow)
    }

    /// `qty` lots in the base asset, where `base_per_lot` is one lot in 10^-18 units.
    pub fn of_lots(qty: Qty, base_per_lot: Amount) -> Result<Amount, UnitError> {
        (qty.0 as i128)
            .checked_mul(base_per_lot.0)
            .map(Amount)
            .ok_or(UnitError::Overflow)
    }

    /// A fee of `bps` basis points on this amount, truncated toward zero.
    pub fn fee_bps(self, bps: i32) -> Amount {
        // |amount| < 2^127 / 10^4 is guaranteed by callers holding real balances; saturate otherwise.
        Amount(self.0.saturating_mul(bps as i128) / 10_000)
    }

    /// Checked sum.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, rhs: Amount) -> Amount {
        Amount(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Amount {
    type Output = Amount;
    fn sub(self, rhs: Amount) -> Amount {
        Amount(self.0 - rhs.0)
    }
}

impl std::ops::AddAssign for Amount {
    fn add_assign(&mut self, rhs: Amount) {
        self.0 += rhs.0;
    }
}

impl std::ops::SubAssign for Amount {
    fn sub_assign(&mut self, rhs: Amount) {
        self.0 -= rhs.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notional_is_checked() {
        assert_eq!(
            Amount::notional(Price(3), Qty(4), Amount(5)),
            Ok(Amount(60))
        );
        assert_eq!(
            Amount::notional(Price(i64::MAX), Qty(i64::MAX), Amount(AMOUNT_SCALE)),
            Err(UnitError::Overflow)
        );
    }

    #[test]
    fn fees_truncate_toward_zero() {
        assert_eq!(Amount(19_999).fee_bps(1), Amount(1));
        assert_eq!(Amount(19_999).fee_bps(-1), Amount(-1));
        assert_eq!(Amount(9_999).fee_bps(1), Amount(0));
    }
}
