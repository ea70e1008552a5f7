//! The test's picture of the engine's open orders, kept only from the engine's own events
//! (`accepted`, `trade`, `amended`, `cancelled`, `filled`), never from what the test meant to
//! happen. After every message it is checked against the engine's `book` answer, so it is the
//! engine's book seen at every depth and per order, with each level's time priority: what
//! reconciliation and the fallback rules of `mapping` need, and what tells which order an IOC
//! should have hit.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::data::{Level, Side};
use crate::mapping::Key;
use crate::session::Event;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub key: Key,
    pub side: Side,
    pub price: i64,
    /// Total order quantity, as the engine last stated it (`accepted` or `amended`).
    pub qty: i64,
    /// Open quantity.
    pub leaves: i64,
}

/// One price level: total open quantity and the orders in time priority.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LevelQueue {
    pub total: i64,
    pub queue: VecDeque<Key>,
}

#[derive(Clone, Debug, Default)]
pub struct Mirror {
    orders: HashMap<Key, Order>,
    bids: BTreeMap<i64, LevelQueue>,
    asks: BTreeMap<i64, LevelQueue>,
    /// Events that do not fit the picture (should stay empty): the first few, and a count.
    pub anomalies: Vec<String>,
    pub anomaly_count: u64,
}

impl Mirror {
    fn side_mut(&mut self, side: Side) -> &mut BTreeMap<i64, LevelQueue> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    fn side_ref(&self, side: Side) -> &BTreeMap<i64, LevelQueue> {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    fn anomaly(&mut self, what: String) {
        self.anomaly_count += 1;
        if self.anomalies.len() < 20 {
            self.anomalies.push(what);
        }
    }

    pub fn order(&self, key: Key) -> Option<&Order> {
        self.orders.get(&key)
    }

    pub fn level(&self, side: Side, price: i64) -> Option<&LevelQueue> {
        self.side_ref(side).get(&price)
    }

    pub fn level_total(&self, side: Side, price: i64) -> i64 {
        self.level(side, price).map_or(0, |l| l.total)
    }

    /// Levels best first.
    pub fn levels(&self, side: Side) -> Box<dyn Iterator<Item = (i64, &LevelQueue)> + '_> {
        match side {
            Side::Buy => Box::new(self.bids.iter().rev().map(|(p, l)| (*p, l))),
            Side::Sell => Box::new(self.asks.iter().map(|(p, l)| (*p, l))),
        }
    }

    pub fn best(&self, side: Side) -> Option<i64> {
        self.levels(side).next().map(|(p, _)| p)
    }

    /// The best `depth` levels, as the engine's `book` shows them.
    pub fn top(&self, side: Side, depth: usize) -> Vec<Level> {
        self.levels(side)
            .take(depth)
            .map(|(p, l)| (p, l.total))
            .collect()
    }

    pub fn open_orders(&self) -> usize {
        self.orders.len()
    }

    fn remove(&mut self, key: Key) -> Option<Order> {
        let o = self.orders.remove(&key)?;
        let levels = self.side_mut(o.side);
        if let Some(level) = levels.get_mut(&o.price) {
            level.total -= o.leaves;
            if let Some(i) = level.queue.iter().position(|k| *k == key) {
                level.queue.remove(i);
            }
            if level.queue.is_empty() {
                levels.remove(&o.price);
            }
        }
        Some(o)
    }

    /// Lowers an order's open quantity by `qty` (a trade), keeping its place.
    fn fill(&mut self, key: Key, qty: i64, role: &str) {
        let Some(o) = self.orders.get_mut(&key) else {
            self.anomaly(format!("trade: {role} {key:?} is not open"));
            return;
        };
        o.leaves -= qty;
        let (side, price, leaves) = (o.side, o.price, o.leaves);
        if let Some(level) = self.side_mut(side).get_mut(&price) {
            level.total -= qty;
        }
        if leaves < 0 {
            self.anomaly(format!("trade: {role} {key:?} overfilled by {}", -leaves));
        }
    }

    /// Applies one engine event. IOC aggressor orders are not tracked: they never rest.
    pub fn apply(&mut self, ev: &Event) {
        match ev {
            Event::Accepted {
                key,
                side,
                price,
                qty,
            } => {
                if matches!(key, Key::Aggressor(_)) {
                    return;
                }
                let Some(price) = *price else {
                    self.anomaly(format!("accepted {key:?} without a price"));
                    return;
                };
                if self.orders.contains_key(key) {
                    self.anomaly(format!("accepted {key:?} twice"));
                    return;
                }
                self.orders.insert(
                    *key,
                    Order {
                        key: *key,
                        side: *side,
                        price,
                        qty: *qty,
                        leaves: *qty,
                    },
                );
                let level = self.side_mut(*side).entry(price).or_default();
                level.total += qty;
                level.queue.push_back(*key);
            }
            Event::Trade {
                qty, maker, taker, ..
            } => {
                self.fill(*maker, *qty, "maker");
                if !matches!(taker, Key::Aggressor(_)) {
                    self.anomaly(format!("trade: resting order {taker:?} was the taker"));
                    self.fill(*taker, *qty, "taker");
                }
            }
            Event::Filled { key } => {
                if matches!(key, Key::Aggressor(_)) {
                    return;
                }
                match self.remove(*key) {
                    Some(o) if o.leaves != 0 => {
                        self.anomaly(format!("filled {key:?} with {} open", o.leaves))
                    }
                    Some(_) => {}
                    None => self.anomaly(format!("filled {key:?}: not open")),
                }
            }
            Event::Cancelled { key, leaves, .. } => {
                if matches!(key, Key::Aggressor(_)) {
                    return;
                }
                match self.remove(*key) {
                    Some(o) if o.leaves != *leaves => self.anomaly(format!(
                        "cancelled {key:?}: leaves_qty {leaves}, expected {}",
                        o.leaves
                    )),
                    Some(_) => {}
                    None => self.anomaly(format!("cancelled {key:?}: not open")),
                }
            }
            Event::Amended {
                key,
                price,
                qty,
                leaves,
            } => {
                let Some(o) = self.orders.get_mut(key) else {
                    self.anomaly(format!("amended {key:?}: not open"));
                    return;
                };
                if *price != o.price {
                    let what = format!("amended {key:?}: price moved {} -> {price}", o.price);
                    self.anomaly(what);
                    return;
                }
                let delta = leaves - o.leaves;
                o.qty = *qty;
                o.leaves = *leaves;
                let (side, p) = (o.side, o.price);
                if delta > 0 {
                    self.anomaly(format!("amended {key:?}: open quantity went up by {delta}"));
                }
                if let Some(level) = self.side_mut(side).get_mut(&p) {
                    level.total += delta;
                }
            }
            Event::Rejected { .. }
            | Event::Error { .. }
            | Event::Book { .. }
            | Event::Other { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(key: Key, side: Side, price: i64, qty: i64) -> Event {
        Event::Accepted {
            key,
            side,
            price: Some(price),
            qty,
        }
    }

    #[test]
    fn follows_events() {
        let mut m = Mirror::default();
        m.apply(&accepted(Key::Seed(1), Side::Buy, 100, 50));
        m.apply(&accepted(Key::Real(7), Side::Buy, 100, 30));
        m.apply(&accepted(Key::Real(8), Side::Buy, 99, 10));
        m.apply(&accepted(Key::Real(9), Side::Sell, 101, 10));
        m.apply(&accepted(Key::Real(10), Side::Sell, 102, 5));
        assert_eq!(m.top(Side::Buy, 10), vec![(100, 80), (99, 10)]);
        assert_eq!(m.top(Side::Sell, 1), vec![(101, 10)]);
        assert_eq!(m.best(Side::Buy), Some(100));
        assert_eq!(
            m.level(Side::Buy, 100).unwrap().queue,
            [Key::Seed(1), Key::Real(7)]
        );
        // an IOC sell of 60 at 100 hits the seed in full, then 10 of order 7
        m.apply(&Event::Accepted {
            key: Key::Aggressor(1),
            side: Side::Sell,
            price: Some(100),
            qty: 60,
        });
        for (maker, q) in [(Key::Seed(1), 50), (Key::Real(7), 10)] {
            m.apply(&Event::Trade {
                price: 100,
                qty: q,
                maker,
                taker: Key::Aggressor(1),
            });
        }
        m.apply(&Event::Filled { key: Key::Seed(1) });
        m.apply(&Event::Filled {
            key: Key::Aggressor(1),
        });
        assert_eq!(m.top(Side::Buy, 10), vec![(100, 20), (99, 10)]);
        assert_eq!(m.order(Key::Real(7)).unwrap().leaves, 20);
        m.apply(&Event::Amended {
            key: Key::Real(7),
            price: 100,
            qty: 15,
            leaves: 5,
        });
        assert_eq!(m.top(Side::Buy, 1), vec![(100, 5)]);
        assert_eq!(m.order(Key::Real(7)).unwrap().qty, 15);
        m.apply(&Event::Cancelled {
            key: Key::Real(7),
            reason: "user".into(),
            leaves: 5,
        });
        assert_eq!(m.top(Side::Buy, 10), vec![(99, 10)]);
        assert!(m.level(Side::Buy, 100).is_none());
        assert_eq!(m.open_orders(), 3);
        assert_eq!(m.anomaly_count, 0, "{:?}", m.anomalies);
        m.apply(&Event::Cancelled {
            key: Key::Real(7),
            reason: "user".into(),
            leaves: 5,
        });
        m.apply(&Event::Filled { key: Key::Real(8) });
        assert_eq!(m.anomaly_count, 2, "{:?}", m.anomalies);
    }
}
