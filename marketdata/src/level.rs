//! One side of an L2 book: aggregated price levels in a sorted vector, best level last, each
//! remembering its quantity at the start of the current command.
//!
//! A level that empties during a command stays in the vector, at zero, until the command ends:
//! its quantity before the command is still needed, and a price emptied and refilled in one
//! command (an amend that keeps its price) must come out as one net change.

use tradestream_model::{Price, Qty, Side};

/// One aggregated price level.
#[derive(Debug, Clone, Copy)]
struct Level {
    /// Sort key: the price for bids, minus the price for asks, so better is always larger.
    key: i64,
    /// Total open quantity now.
    qty: i64,
    /// Total open quantity when the command that last touched it began.
    before: i64,
    /// The command (epoch) that last touched it.
    epoch: u64,
}

/// One side of one instrument's book.
#[derive(Debug, Clone)]
pub(crate) struct BookSide {
    bid: bool,
    /// Sorted by `key` ascending: the best level is last.
    levels: Vec<Level>,
    /// Levels at zero still in `levels`, waiting for [`BookSide::sweep`].
    zeros: usize,
}

impl BookSide {
    /// An empty side with room for `levels` price levels.
    pub fn new(side: Side, levels: usize) -> BookSide {
        BookSide {
            bid: side == Side::Buy,
            levels: Vec::with_capacity(levels),
            zeros: 0,
        }
    }

    fn key(&self, p: Price) -> i64 {
        if self.bid {
            p.0
        } else {
            -p.0
        }
    }

    fn price(&self, key: i64) -> Price {
        Price(if self.bid { key } else { -key })
    }

    fn find(&self, p: Price) -> Result<usize, usize> {
        let key = self.key(p);
        self.levels.binary_search_by_key(&key, |l| l.key)
    }

    /// Adds `delta` (negative: removes) to the level at `price`, creating it if needed. Returns
    /// true when this is the first change to the level in command `epoch`, so that the caller
    /// records the level as touched.
    pub fn add(&mut self, price: Price, delta: i64, epoch: u64) -> bool {
        let idx = match self.find(price) {
            Ok(i) => i,
            Err(i) => {
                let key = self.key(price);
                self.levels.insert(
                    i,
                    Level {
                        key,
                        qty: delta,
                        before: 0,
                        epoch,
                    },
                );
                if delta <= 0 {
                    // Only on inconsistent input; swept at the end of the command.
                    self.zeros += 1;
                }
                return true;
            }
        };
        let l = &mut self.levels[idx];
        let first = l.epoch != epoch;
        if first {
            l.epoch = epoch;
            l.before = l.qty;
        }
        let was_open = l.qty > 0;
        l.qty += delta;
        debug_assert!(l.qty >= 0, "a level's quantity went negative");
        match (was_open, l.qty > 0) {
            (true, false) => self.zeros += 1,
            (false, true) => self.zeros -= 1,
            _ => {}
        }
        first
    }

    /// The level's quantity now and at the start of the current command (zero for a level that
    /// does not exist).
    pub fn now_and_before(&self, price: Price) -> (Qty, Qty) {
        match self.find(price) {
            Ok(i) => {
                let l = &self.levels[i];
                (Qty(l.qty.max(0)), Qty(l.before.max(0)))
            }
            Err(_) => (Qty::ZERO, Qty::ZERO),
        }
    }

    /// Drops the levels that emptied (call between commands).
    pub fn sweep(&mut self) {
        if self.zeros > 0 {
            self.levels.retain(|l| l.qty > 0);
            self.zeros = 0;
        }
    }

    /// Open levels, best first.
    pub fn iter(&self) -> impl Iterator<Item = (Price, Qty)> + '_ {
        self.levels
            .iter()
            .rev()
            .filter(|l| l.qty > 0)
            .map(move |l| (self.price(l.key), Qty(l.qty)))
    }

    /// The best open level.
    pub fn best(&self) -> Option<(Price, Qty)> {
        self.iter().next()
    }

    /// Number of open levels.
    pub fn len(&self) -> usize {
        self.levels.len() - self.zeros
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(s: &BookSide) -> Vec<(i64, i64)> {
        s.iter().map(|(p, q)| (p.0, q.0)).collect()
    }

    #[test]
    fn bids_best_is_highest_and_asks_best_is_lowest() {
        let mut bids = BookSide::new(Side::Buy, 4);
        let mut asks = BookSide::new(Side::Sell, 4);
        for p in [100, 102, 101] {
            bids.add(Price(p), 1, 1);
            asks.add(Price(p + 10), 2, 1);
        }
        assert_eq!(levels(&bids), vec![(102, 1), (101, 1), (100, 1)]);
        assert_eq!(levels(&asks), vec![(110, 2), (111, 2), (112, 2)]);
    }

    #[test]
    fn touched_once_per_epoch_and_before_is_kept() {
        let mut s = BookSide::new(Side::Buy, 4);
        assert!(s.add(Price(100), 5, 1));
        assert!(!s.add(Price(100), 3, 1));
        assert_eq!(s.now_and_before(Price(100)), (Qty(8), Qty(0)));
        assert!(s.add(Price(100), -8, 2));
        assert_eq!(s.now_and_before(Price(100)), (Qty(0), Qty(8)));
        assert_eq!(s.len(), 0);
        assert!(!s.add(Price(100), 8, 2));
        assert_eq!(s.now_and_before(Price(100)), (Qty(8), Qty(8)));
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn emptied_levels_stay_until_swept() {
        let mut s = BookSide::new(Side::Sell, 4);
        s.add(Price(10), 1, 1);
        s.add(Price(11), 1, 1);
        s.add(Price(10), -1, 2);
        assert_eq!(levels(&s), vec![(11, 1)]);
        assert_eq!(s.levels.len(), 2);
        s.sweep();
        assert_eq!(s.levels.len(), 1);
        assert_eq!(s.best(), Some((Price(11), Qty(1))));
    }
}
