//! Price bands around a reference price.

use tradestream_model::{Price, Side};

/// The inclusive range of prices an instrument accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceBand {
    /// Lowest accepted price (at least one tick).
    pub lower: Price,
    /// Highest accepted price.
    pub upper: Price,
}

impl PriceBand {
    /// The band `reference x (1 ± bps / 10000)`, rounded inwards to whole ticks.
    pub fn around(reference: Price, bps: u32) -> PriceBand {
        let r = reference.0 as i128;
        let b = bps as i128;
        // Inwards: the lower bound rounds up, the upper bound rounds down.
        let lower = (r * (10_000 - b)).max(0);
        let lower = (lower + 9_999) / 10_000;
        let upper = r * (10_000 + b) / 10_000;
        PriceBand {
            lower: Price(lower.clamp(1, i64::MAX as i128) as i64),
            upper: Price(upper.clamp(1, i64::MAX as i128) as i64),
        }
    }

    /// True when `price` lies inside the band.
    pub fn contains(&self, price: Price) -> bool {
        self.lower <= price && price <= self.upper
    }
}

/// The worst price a market order on `side` may trade at: the band's edge, or no limit.
pub fn market_limit(side: Side, band: Option<PriceBand>) -> Price {
    match (side, band) {
        (Side::Buy, Some(b)) => b.upper,
        (Side::Sell, Some(b)) => b.lower,
        (Side::Buy, None) => Price(i64::MAX),
        (Side::Sell, None) => Price(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_rounds_inwards() {
        let b = PriceBand::around(Price(1001), 500);
        // 1001 x 0.95 = 950.95 -> 951; 1001 x 1.05 = 1051.05 -> 1051.
        assert_eq!(
            b,
            PriceBand {
                lower: Price(951),
                upper: Price(1051)
            }
        );
        assert!(b.contains(Price(951)) && b.contains(Price(1051)));
        assert!(!b.contains(Price(950)) && !b.contains(Price(1052)));
    }

    #[test]
    fn wide_band_keeps_prices_positive() {
        let b = PriceBand::around(Price(100), 20_000);
        assert_eq!(b.lower, Price(1));
        assert_eq!(b.upper, Price(300));
    }

    #[test]
    fn market_orders_stop_at_the_edge() {
        let b = Some(PriceBand {
            lower: Price(90),
            upper: Price(110),
        });
        assert_eq!(market_limit(Side::Buy, b), Price(110));
        assert_eq!(market_limit(Side::Sell, b), Price(90));
        assert_eq!(market_limit(Side::Buy, None), Price(i64::MAX));
        assert_eq!(market_limit(Side::Sell, None), Price(1));
    }
}
