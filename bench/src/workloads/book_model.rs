//! The generators' reference book: a plain price-time matcher that says which orders rest.
//!
//! Generators ask it for best prices and for a random resting order to cancel or move, then feed
//! it the op they chose, so the stream's cancels and moves name live orders and `Move`/`Reduce`
//! carry the open quantity a venue sees. It is built for clarity, not speed, and it never runs
//! inside a timed region.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::ops::{Op, Side, Tif};
use crate::rng::Rng;

/// One resting order as the model sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resting {
    /// Owner.
    pub account: u32,
    /// Instrument index.
    pub symbol: u32,
    /// Buy or sell.
    pub side: Side,
    /// Limit price in ticks.
    pub price: i64,
    /// Open quantity in lots.
    pub open: i64,
    /// Position in its symbol's `live` list.
    slot: usize,
}

/// What applying one op did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// The op named an order the model did not hold (cancel, move or reduce of a gone order).
    pub unknown: bool,
    /// The op traded at least one lot.
    pub traded: bool,
}

/// One instrument's two sides and its resting order ids.
#[derive(Debug, Default)]
struct SymbolBook {
    bids: BTreeMap<i64, VecDeque<u64>>,
    asks: BTreeMap<i64, VecDeque<u64>>,
    live: Vec<u64>,
}

impl SymbolBook {
    fn side(&mut self, side: Side) -> &mut BTreeMap<i64, VecDeque<u64>> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }
}

/// Reference limit order books for `symbols` instruments.
#[derive(Debug)]
pub struct BookModel {
    books: Vec<SymbolBook>,
    orders: HashMap<u64, Resting>,
}

impl BookModel {
    /// Empty books for instruments `0..symbols`.
    pub fn new(symbols: u32) -> BookModel {
        BookModel {
            books: (0..symbols).map(|_| SymbolBook::default()).collect(),
            orders: HashMap::new(),
        }
    }

    /// The resting order `oid`, if it rests.
    pub fn order(&self, oid: u64) -> Option<&Resting> {
        self.orders.get(&oid)
    }

    /// Best price on `side` of `symbol`.
    pub fn best(&self, symbol: u32, side: Side) -> Option<i64> {
        let book = &self.books[symbol as usize];
        match side {
            Side::Buy => book.bids.keys().next_back().copied(),
            Side::Sell => book.asks.keys().next().copied(),
        }
    }

    /// Number of resting orders in `symbol`.
    pub fn resting(&self, symbol: u32) -> usize {
        self.books[symbol as usize].live.len()
    }

    /// Number of resting orders in all instruments.
    pub fn total_resting(&self) -> usize {
        self.orders.len()
    }

    /// Number of non-empty price levels in all instruments, both sides.
    pub fn total_levels(&self) -> usize {
        self.books.iter().map(|b| b.bids.len() + b.asks.len()).sum()
    }

    /// A uniformly chosen resting order of `symbol`.
    pub fn pick(&self, symbol: u32, rng: &mut Rng) -> Option<u64> {
        let live = &self.books[symbol as usize].live;
        (!live.is_empty()).then(|| live[rng.below(live.len() as u64) as usize])
    }

    /// Applies `op` as a price-time priority venue would.
    pub fn apply(&mut self, op: &Op) -> Applied {
        match *op {
            Op::Place {
                oid,
                account,
                symbol,
                side,
                price,
                qty,
                tif,
            } => Applied {
                unknown: false,
                traded: self.place(oid, account, symbol, side, price, qty, tif),
            },
            Op::Cancel { oid, .. } => Applied {
                unknown: self.remove(oid).is_none(),
                traded: false,
            },
            Op::Move { oid, price, .. } => match self.remove(oid) {
                Some(r) => Applied {
                    unknown: false,
                    traded: self.place(oid, r.account, r.symbol, r.side, price, r.open, Tif::Gtc),
                },
                None => Applied {
                    unknown: true,
                    traded: false,
                },
            },
            Op::Reduce { oid, by, .. } => {
                let open = self.orders.get_mut(&oid).map(|r| {
                    r.open -= by;
                    r.open
                });
                if open.is_some_and(|o| o <= 0) {
                    self.remove(oid);
                }
                Applied {
                    unknown: open.is_none(),
                    traded: false,
                }
            }
        }
    }

    /// Matches an incoming limit order, then rests what is left if `tif` is GTC.
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        oid: u64,
        account: u32,
        symbol: u32,
        side: Side,
        price: i64,
        mut qty: i64,
        tif: Tif,
    ) -> bool {
        let wanted = qty;
        while qty > 0 {
            let Some(best) = self.best(symbol, side.opposite()) else {
                break;
            };
            let crosses = match side {
                Side::Buy => best <= price,
                Side::Sell => best >= price,
            };
            if !crosses {
                break;
            }
            let maker = self.books[symbol as usize]
                .side(side.opposite())
                .get(&best)
                .and_then(|queue| queue.front().copied())
                .expect("the model keeps no empty level");
            let resting = self
                .orders
                .get_mut(&maker)
                .expect("every queued order id rests");
            let take = qty.min(resting.open);
            resting.open -= take;
            qty -= take;
            if resting.open == 0 {
                self.remove(maker);
            }
        }
        if qty > 0 && tif == Tif::Gtc {
            let book = &mut self.books[symbol as usize];
            book.side(side).entry(price).or_default().push_back(oid);
            let slot = book.live.len();
            book.live.push(oid);
            self.orders.insert(
                oid,
                Resting {
                    account,
                    symbol,
                    side,
                    price,
                    open: qty,
                    slot,
                },
            );
        }
        qty < wanted
    }

    /// Takes a resting order off its level and out of the live list.
    fn remove(&mut self, oid: u64) -> Option<Resting> {
        let r = self.orders.remove(&oid)?;
        let book = &mut self.books[r.symbol as usize];
        let levels = book.side(r.side);
        if let Some(queue) = levels.get_mut(&r.price) {
            if let Some(i) = queue.iter().position(|&o| o == oid) {
                queue.remove(i);
            }
            if queue.is_empty() {
                levels.remove(&r.price);
            }
        }
        book.live.swap_remove(r.slot);
        if let Some(&moved) = book.live.get(r.slot) {
            if let Some(m) = self.orders.get_mut(&moved) {
                m.slot = r.slot;
            }
        }
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(oid: u64, side: Side, price: i64, qty: i64, tif: Tif) -> Op {
        Op::Place {
            oid,
            account: 0,
            symbol: 0,
            side,
            price,
            qty,
            tif,
        }
    }

    #[test]
    fn matches_in_price_time_order_and_rests_the_remainder() {
        let mut m = BookModel::new(1);
        m.apply(&place(1, Side::Sell, 101, 5, Tif::Gtc));
        m.apply(&place(2, Side::Sell, 100, 5, Tif::Gtc));
        m.apply(&place(3, Side::Sell, 100, 5, Tif::Gtc));
        let a = m.apply(&place(4, Side::Buy, 101, 12, Tif::Gtc));
        assert!(a.traded);
        assert!(m.order(2).is_none() && m.order(3).is_none());
        assert_eq!(m.order(1).map(|r| r.open), Some(3));
        assert_eq!(m.best(0, Side::Sell), Some(101));
        assert_eq!(m.best(0, Side::Buy), None);
        assert_eq!(m.total_resting(), 1);
    }

    #[test]
    fn ioc_never_rests_and_move_loses_priority() {
        let mut m = BookModel::new(1);
        assert!(!m.apply(&place(1, Side::Buy, 99, 5, Tif::Ioc)).traded);
        assert_eq!(m.total_resting(), 0);
        m.apply(&place(2, Side::Buy, 99, 5, Tif::Gtc));
        m.apply(&place(3, Side::Buy, 98, 5, Tif::Gtc));
        let mv = Op::Move {
            oid: 2,
            account: 0,
            symbol: 0,
            side: Side::Buy,
            price: 98,
            open: 5,
        };
        m.apply(&mv);
        m.apply(&place(4, Side::Sell, 98, 5, Tif::Ioc));
        assert!(m.order(3).is_none(), "order 3 was first at 98");
        assert_eq!(m.order(2).map(|r| r.price), Some(98));
    }

    #[test]
    fn cancel_and_reduce_of_unknown_orders_are_flagged() {
        let mut m = BookModel::new(1);
        m.apply(&place(1, Side::Buy, 99, 5, Tif::Gtc));
        let reduce = |by| Op::Reduce {
            oid: 1,
            account: 0,
            symbol: 0,
            side: Side::Buy,
            price: 99,
            by,
            open: 5 - by,
        };
        assert!(!m.apply(&reduce(2)).unknown);
        assert_eq!(m.order(1).map(|r| r.open), Some(3));
        assert!(!m.apply(&reduce(3)).unknown);
        assert!(m.order(1).is_none());
        let cancel = Op::Cancel {
            oid: 1,
            account: 0,
            symbol: 0,
        };
        assert!(m.apply(&cancel).unknown);
        assert_eq!(m.total_levels(), 0);
    }
}
