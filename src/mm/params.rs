//! What the bot quotes: reference, spread, size, inventory skew and limit.

/// Where the bot centres its quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// The book's mid; `fallback` (ticks) while the book has no bid or no ask.
    Mid {
        /// Price to quote around while the book is one-sided or empty.
        fallback: Option<i64>,
    },
    /// A fixed price in ticks.
    Price(i64),
}

/// The bot's quoting parameters, in ticks and lots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// The reference price.
    pub reference: Reference,
    /// Distance of each side from the (skewed) reference, in ticks (at least 1).
    pub half_spread: i64,
    /// Quantity of each side, in lots.
    pub size: i64,
    /// Ticks the quote moves against the inventory per `size` lots held (0: no skew).
    pub skew: i64,
    /// Largest absolute inventory in lots; the side that would exceed it is not quoted
    /// (0: no limit).
    pub max_position: i64,
}

/// A two-sided quote: each side `(price, qty)` in ticks and lots, `None` when not quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Target {
    /// Bid price and quantity.
    pub bid: Option<(i64, i64)>,
    /// Ask price and quantity.
    pub ask: Option<(i64, i64)>,
}

impl Params {
    /// The quote for `reference` ticks while holding `inventory` lots: centred on the reference
    /// moved against the inventory, each side `half_spread` away, sized down so that a fill never
    /// takes the inventory beyond `max_position`.
    pub fn target(&self, reference: i64, inventory: i64) -> Target {
        let half = self.half_spread.max(1);
        let shift = if self.size > 0 {
            (i128::from(self.skew) * i128::from(inventory) / i128::from(self.size)) as i64
        } else {
            0
        };
        let fair = reference.saturating_sub(shift);
        let room = |held: i64| {
            if self.max_position > 0 {
                self.size.min(self.max_position.saturating_sub(held))
            } else {
                self.size
            }
        };
        let bid_price = fair.saturating_sub(half);
        let bid_qty = room(inventory);
        let ask_qty = room(-inventory);
        Target {
            bid: (bid_price > 0 && bid_qty > 0).then_some((bid_price, bid_qty)),
            ask: (ask_qty > 0).then_some((fair.saturating_add(half).max(bid_price + 1), ask_qty)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(skew: i64, max_position: i64) -> Params {
        Params {
            reference: Reference::Price(1_000),
            half_spread: 5,
            size: 10,
            skew,
            max_position,
        }
    }

    #[test]
    fn flat_inventory_quotes_symmetrically() {
        let t = params(4, 0).target(1_000, 0);
        assert_eq!(t.bid, Some((995, 10)));
        assert_eq!(t.ask, Some((1_005, 10)));
    }

    #[test]
    fn long_inventory_skews_both_sides_down() {
        let t = params(4, 0).target(1_000, 20);
        assert_eq!(t.bid, Some((987, 10)), "2 sizes long: 8 ticks lower");
        assert_eq!(t.ask, Some((997, 10)));
        let t = params(4, 0).target(1_000, -5);
        assert_eq!(t.bid, Some((997, 10)), "half a size short: 2 ticks higher");
    }

    #[test]
    fn the_position_limit_shrinks_then_drops_the_side_that_adds() {
        let p = params(0, 25);
        assert_eq!(p.target(1_000, 20).bid, Some((995, 5)));
        assert_eq!(p.target(1_000, 25).bid, None);
        assert_eq!(p.target(1_000, 25).ask, Some((1_005, 10)));
        assert_eq!(p.target(1_000, -30).ask, None);
    }

    #[test]
    fn a_bid_at_or_below_zero_is_not_quoted() {
        assert_eq!(params(0, 0).target(5, 0).bid, None);
        assert_eq!(params(0, 0).target(5, 0).ask, Some((10, 10)));
    }
}
