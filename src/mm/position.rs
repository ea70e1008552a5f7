//! The bot's inventory and profit and loss, in integer ticks and lots.

use rust_decimal::Decimal;

/// Inventory, cash flow and volume from the bot's fills.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Signed lots: bought minus sold.
    pub inventory: i64,
    /// Cash flow in ticks x lots: received for sales minus paid for purchases.
    pub cash: i128,
    /// Lots traded, both sides.
    pub volume: i64,
    /// Number of fills.
    pub fills: u64,
}

impl Position {
    /// Books a fill of `qty` lots at `price` ticks; `buy` is the bot's side.
    pub fn fill(&mut self, buy: bool, price: i64, qty: i64) {
        let notional = i128::from(price) * i128::from(qty);
        if buy {
            self.inventory += qty;
            self.cash -= notional;
        } else {
            self.inventory -= qty;
            self.cash += notional;
        }
        self.volume += qty;
        self.fills += 1;
    }

    /// Profit and loss (before fees) with the inventory valued at `mark` ticks, in ticks x lots.
    pub fn pnl(&self, mark: i64) -> i128 {
        self.cash + i128::from(self.inventory) * i128::from(mark)
    }
}

/// Price and quantity steps of the instrument, to print ticks and lots as decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Units {
    /// One tick in the quote asset.
    pub tick: Decimal,
    /// One lot in the base asset.
    pub lot: Decimal,
}

impl Units {
    /// `ticks` as a price (no trailing zeros).
    pub fn price(&self, ticks: i64) -> Decimal {
        (Decimal::from(ticks) * self.tick).normalize()
    }

    /// `lots` as a quantity (no trailing zeros).
    pub fn qty(&self, lots: i64) -> Decimal {
        (Decimal::from(lots) * self.lot).normalize()
    }

    /// `ticks x lots` as an amount of the quote asset (saturating beyond Decimal's range).
    pub fn amount(&self, tick_lots: i128) -> Decimal {
        let limit = if tick_lots < 0 {
            Decimal::MIN
        } else {
            Decimal::MAX
        };
        Decimal::try_from_i128_with_scale(tick_lots, 0)
            .ok()
            .and_then(|units| units.checked_mul(self.tick))
            .and_then(|d| d.checked_mul(self.lot))
            .unwrap_or(limit)
            .normalize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_round_trip_earns_the_spread() {
        let mut p = Position::default();
        p.fill(true, 100, 3);
        p.fill(false, 104, 2);
        assert_eq!(p.inventory, 1);
        assert_eq!(p.cash, -300 + 208);
        assert_eq!(p.volume, 5);
        // One lot left, valued at 102: -92 + 102 = 10 = 2 lots x 4 ticks + 1 lot x 2 ticks.
        assert_eq!(p.pnl(102), 10);
        let units = Units {
            tick: Decimal::from_str("0.5").unwrap(),
            lot: Decimal::from_str("0.01").unwrap(),
        };
        assert_eq!(units.amount(p.pnl(102)).to_string(), "0.05");
        assert_eq!(units.price(201).to_string(), "100.5");
        assert_eq!(units.qty(-3).to_string(), "-0.03");
    }

    #[test]
    fn amounts_beyond_the_decimal_range_saturate() {
        let units = Units {
            tick: Decimal::from(10),
            lot: Decimal::from_str("0.5").unwrap(),
        };
        let huge = 10_i128.pow(28);
        assert_eq!(units.amount(huge), Decimal::MAX);
        assert_eq!(units.amount(-huge), Decimal::MIN);
        assert_eq!(units.amount(i128::MAX), Decimal::MAX);
    }
}
