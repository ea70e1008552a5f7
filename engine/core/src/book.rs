//! Order books: per side, a vector of price levels sorted so that the best level is last, each
//! level an intrusive FIFO of arena slots.
//!
//! A level that empties in the middle of the vector stays there, empty, so that a price that is
//! used again (the common case: orders move around the touch) needs no insertion, and neither
//! case moves the levels behind it. Empty levels at the best end are trimmed at once, so the last
//! level is always the best one; the empty ones inside are swept out when they outnumber the
//! others.

use crate::arena::{Arena, NIL};
use tradestream_model::{Price, Qty, Side};

/// One price level.
#[derive(Debug, Clone, Copy)]
pub struct Level {
    /// Sort key: the price for bids, minus the price for asks, so better is always larger.
    key: i64,
    /// Sum of the open quantity of its orders.
    pub total: Qty,
    /// First order (oldest).
    pub head: u32,
    /// Last order (newest).
    pub tail: u32,
}

/// One side of a book.
pub struct BookSide {
    bid: bool,
    levels: Vec<Level>,
    /// Empty levels kept inside the vector.
    empty: usize,
}

impl BookSide {
    fn new(side: Side, levels: usize) -> BookSide {
        BookSide {
            bid: side == Side::Buy,
            levels: Vec::with_capacity(levels),
            empty: 0,
        }
    }

    fn key(&self, p: Price) -> i64 {
        if self.bid {
            p.0
        } else {
            -p.0
        }
    }

    /// The price of a level.
    pub fn price_of(&self, level: &Level) -> Price {
        Price(if self.bid { level.key } else { -level.key })
    }

    /// The best level.
    pub fn best(&self) -> Option<&Level> {
        self.levels.last()
    }

    /// The best price.
    pub fn best_price(&self) -> Option<Price> {
        self.best().map(|l| self.price_of(l))
    }

    /// Non-empty levels from best to worst.
    pub fn levels(&self) -> impl Iterator<Item = &Level> {
        self.levels.iter().rev().filter(|l| l.head != NIL)
    }

    /// True when `price` is at least as good as `limit` for this side's orders
    /// (a bid at or above, an ask at or below).
    pub fn at_least_as_good(&self, price: Price, limit: Price) -> bool {
        self.key(price) >= self.key(limit)
    }

    fn find(&self, p: Price) -> Result<usize, usize> {
        let key = self.key(p);
        self.levels.binary_search_by_key(&key, |l| l.key)
    }

    /// Appends the order in `slot` to the end of its price level's queue.
    pub fn push_back(&mut self, arena: &mut Arena, slot: u32) {
        let (price, leaves) = {
            let o = arena.get(slot);
            (o.price, o.leaves)
        };
        let idx = match self.find(price) {
            Ok(i) => {
                if self.levels[i].head == NIL {
                    self.empty -= 1;
                }
                i
            }
            Err(i) => {
                let key = self.key(price);
                self.levels.insert(
                    i,
                    Level {
                        key,
                        total: Qty::ZERO,
                        head: NIL,
                        tail: NIL,
                    },
                );
                i
            }
        };
        let level = &mut self.levels[idx];
        level.total.0 += leaves.0;
        let tail = level.tail;
        {
            let o = arena.get_mut(slot);
            o.prev = tail;
            o.next = NIL;
        }
        if tail == NIL {
            level.head = slot;
        } else {
            arena.get_mut(tail).next = slot;
        }
        level.tail = slot;
    }

    /// Removes the order in `slot` from its level; an emptied level disappears.
    pub fn unlink(&mut self, arena: &mut Arena, slot: u32) {
        let (price, leaves, prev, next) = {
            let o = arena.get(slot);
            (o.price, o.leaves, o.prev, o.next)
        };
        let Ok(idx) = self.find(price) else {
            debug_assert!(false, "order's level is missing");
            return;
        };
        if prev == NIL {
            self.levels[idx].head = next;
        } else {
            arena.get_mut(prev).next = next;
        }
        if next == NIL {
            self.levels[idx].tail = prev;
        } else {
            arena.get_mut(next).prev = prev;
        }
        let level = &mut self.levels[idx];
        level.total.0 -= leaves.0;
        if level.head == NIL {
            self.empty += 1;
            while self.levels.last().is_some_and(|l| l.head == NIL) {
                self.levels.pop();
                self.empty -= 1;
            }
            if self.empty > 64 && self.empty > self.levels.len() / 2 {
                self.levels.retain(|l| l.head != NIL);
                self.empty = 0;
            }
        }
    }

    /// Lowers the open quantity of a resting order in place (keeps its queue position).
    pub fn reduce(&mut self, arena: &mut Arena, slot: u32, by: Qty) {
        let o = arena.get_mut(slot);
        o.leaves.0 -= by.0;
        let price = o.price;
        if let Ok(idx) = self.find(price) {
            self.levels[idx].total.0 -= by.0;
        }
    }

    /// Lowers the best level's total after a fill of its head order.
    pub fn reduce_best(&mut self, by: Qty) {
        if let Some(l) = self.levels.last_mut() {
            l.total.0 -= by.0;
        }
    }
}

/// Both sides of one instrument's book.
pub struct Book {
    bids: BookSide,
    asks: BookSide,
}

impl Book {
    /// An empty book, each side pre-sized for `levels` price levels.
    pub fn new(levels: usize) -> Book {
        Book {
            bids: BookSide::new(Side::Buy, levels),
            asks: BookSide::new(Side::Sell, levels),
        }
    }

    /// The side resting orders of `side` sit on.
    pub fn side(&self, side: Side) -> &BookSide {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    /// The side resting orders of `side` sit on, mutably.
    pub fn side_mut(&mut self, side: Side) -> &mut BookSide {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arena::Order;
    use tradestream_model::OrderId;

    fn add(arena: &mut Arena, side: &mut BookSide, n: u64, price: i64, qty: i64) -> u32 {
        let h = arena.insert(Order {
            order_id: OrderId(n),
            side: if side.bid { Side::Buy } else { Side::Sell },
            price: Price(price),
            qty: Qty(qty),
            leaves: Qty(qty),
            ..Order::blank()
        });
        side.push_back(arena, h.slot);
        h.slot
    }

    fn levels(side: &BookSide) -> Vec<(i64, i64)> {
        side.levels()
            .map(|l| (side.price_of(l).0, l.total.0))
            .collect()
    }

    #[test]
    fn bids_best_is_highest_and_asks_best_is_lowest() {
        let mut arena = Arena::with_capacity(16);
        let mut book = Book::new(4);
        for (n, p) in [(1, 100), (2, 102), (3, 101)] {
            add(&mut arena, book.side_mut(Side::Buy), n, p, 1);
            add(&mut arena, book.side_mut(Side::Sell), n + 10, p + 10, 2);
        }
        assert_eq!(
            levels(book.side(Side::Buy)),
            vec![(102, 1), (101, 1), (100, 1)]
        );
        assert_eq!(
            levels(book.side(Side::Sell)),
            vec![(110, 2), (111, 2), (112, 2)]
        );
        assert!(book
            .side(Side::Buy)
            .at_least_as_good(Price(103), Price(102)));
        assert!(book
            .side(Side::Sell)
            .at_least_as_good(Price(109), Price(110)));
    }

    #[test]
    fn fifo_within_a_level_and_empty_levels_disappear() {
        let mut arena = Arena::with_capacity(16);
        let mut side = BookSide::new(Side::Buy, 4);
        let a = add(&mut arena, &mut side, 1, 100, 5);
        let b = add(&mut arena, &mut side, 2, 100, 7);
        let c = add(&mut arena, &mut side, 3, 100, 9);
        assert_eq!(side.best().unwrap().head, a);
        side.unlink(&mut arena, b);
        assert_eq!(arena.get(a).next, c);
        assert_eq!(arena.get(c).prev, a);
        assert_eq!(levels(&side), vec![(100, 14)]);
        side.reduce(&mut arena, c, Qty(4));
        assert_eq!(levels(&side), vec![(100, 10)]);
        side.unlink(&mut arena, a);
        side.unlink(&mut arena, c);
        assert!(side.best().is_none());
    }

    #[test]
    fn emptied_inner_levels_are_skipped_reused_and_swept() {
        let mut arena = Arena::with_capacity(1024);
        let mut side = BookSide::new(Side::Sell, 4);
        let slots: Vec<u32> = (0..300)
            .map(|n| add(&mut arena, &mut side, n, 100 + n as i64, 1))
            .collect();
        // Empty every other level behind the best: they stay, invisible.
        for &s in slots.iter().skip(1).step_by(2).take(50) {
            side.unlink(&mut arena, s);
        }
        assert_eq!(side.levels().count(), 250);
        assert_eq!(side.empty, 50);
        assert_eq!(side.best_price(), Some(Price(100)));
        // A price used again reuses its empty level.
        add(&mut arena, &mut side, 1000, 101, 3);
        assert_eq!(side.empty, 49);
        assert_eq!(levels(&side)[..2], [(100, 1), (101, 3)]);
        // Emptying the best level trims it and any empty levels behind it... none here.
        side.unlink(&mut arena, slots[0]);
        assert_eq!(side.best_price(), Some(Price(101)));
        // Sweeping: once empty levels outnumber half the vector they are removed.
        for &s in slots.iter().skip(150) {
            side.unlink(&mut arena, s);
        }
        assert!(side.empty <= 64 || side.empty <= side.levels.len() / 2);
        assert_eq!(side.levels().count(), side.levels.len() - side.empty);
    }
}
