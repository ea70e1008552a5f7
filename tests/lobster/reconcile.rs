//! Reconciliation: bringing the engine's book to the state LOBSTER says it had just before a
//! message, for what the messages cannot tell.
//!
//! The message file does not explain the whole book: orders resting before 09:30 are in the
//! first row but were never placed, and events deeper than the 10 levels are left out, so a
//! level can come into view (when a better level empties) with quantity the replay never saw,
//! or with less than the replay placed there. Before message k the replay therefore computes
//! the *target*, LOBSTER's book just before message k, for every price it can know, and makes
//! the engine hold exactly that:
//!
//! - On each side, row k-1 (the book after message k-1) is known down to its 10th level (its
//!   *bound*; the whole side if it has fewer than 10 levels). Row k with message k's effect
//!   undone ("row k minus message k": a type 1 removes its size at its price, types 2, 3 and 4
//!   add it back) is known down to row k's bound. The target is row k-1 within row k-1's bound,
//!   and row k minus message k beyond it, down to row k's bound. The second part is what
//!   message k brings into view: when message k empties a visible level, row k shows one
//!   level more at the far end, one that row k-1 did not show. Where both rows are known they
//!   agree on the whole sample (counted as `inconsistent` otherwise).
//! - Before the first message there is no row k-1: the target is row 0 minus message 0, that
//!   is, the book resting at 09:30.
//! - Within the target's bound, every level where the engine holds less than the target gets a
//!   synthetic order for the difference (at the back of the queue; `p<n>` ids before the first
//!   message, `s<n>` later), and every level where it holds more (including levels the target
//!   does not have) is cut by amends and cancels planned with
//!   [`crate::mapping::plan_reduction`]: real orders' surplus over what LOBSTER shows first
//!   (orders LOBSTER deleted that still hold quantity, say), then synthetic orders, newest
//!   first, then other real orders, newest first. Cuts are sent before additions, so a
//!   synthetic order never meets a stale order of the other side. Levels deeper than the bound
//!   are left alone: they are out of view, and reconciled when they come into view.
//!
//! Then message k is replayed. Its effect on the book is known exactly (one level changes by
//! its size), the engine holds the target wherever the target is known, and the target's
//! bound reaches at least as deep as row k's, so after message k a correct engine shows row k
//! exactly in its top 10 levels. The first 10 levels after message k are compared with row k
//! before the next reconciliation can touch them.
//!
//! What reconciliation cannot help: a message naming an order the engine never saw. Such a
//! message acts on the level, not the order: see [`crate::mapping::plan_reduction`].

use std::collections::BTreeMap;

use crate::data::{BookRow, Level, Message, Side};
use crate::mapping::{level_change, plan_reduction, LobsterOrders, Reduction, Step};
use crate::mirror::Mirror;

/// What one side of the book must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideTarget {
    pub side: Side,
    /// Price -> shares, for every occupied level within `bound`.
    pub levels: BTreeMap<i64, i64>,
    /// The deepest price known; None: the whole side is known.
    pub bound: Option<i64>,
}

impl SideTarget {
    /// Whether the target knows what the level at `price` holds.
    pub fn covers(&self, price: i64) -> bool {
        covers(self.side, self.bound, price)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub bids: SideTarget,
    pub asks: SideTarget,
    /// Where both rows are known, row k-1 equals row k minus message k.
    pub consistent: bool,
    /// Levels taken from row k (beyond row k-1's bound).
    pub from_next_row: usize,
}

/// The deepest price of a side that shows `depth` levels; None if it shows fewer (the whole
/// side is in view).
pub fn bound(levels: &[Level], depth: usize) -> Option<i64> {
    if levels.len() >= depth {
        levels.last().map(|l| l.0)
    } else {
        None
    }
}

fn covers(side: Side, bound: Option<i64>, price: i64) -> bool {
    match bound {
        None => true,
        Some(b) => !side.better(b, price),
    }
}

/// One side of `row` with message `m`'s effect undone.
pub fn undo(row: &BookRow, m: &Message, side: Side) -> BTreeMap<i64, i64> {
    let mut levels: BTreeMap<i64, i64> = row.side(side).iter().copied().collect();
    let change = level_change(m);
    if change != 0 && m.side() == side {
        let q = levels.entry(m.price).or_insert(0);
        *q -= change;
        if *q <= 0 {
            levels.remove(&m.price);
        }
    }
    levels
}

/// The book just before message `m`, as far as `prev` (the row before it, None for the first
/// message) and `next` (the row after it) tell.
pub fn target(prev: Option<&BookRow>, next: &BookRow, m: &Message, depth: usize) -> Target {
    let mut consistent = true;
    let mut from_next_row = 0;
    let mut side_target = |side: Side| -> SideTarget {
        let inv = undo(next, m, side);
        let inv_bound = bound(next.side(side), depth);
        let Some(prev) = prev else {
            return SideTarget {
                side,
                levels: inv,
                bound: inv_bound,
            };
        };
        let prev_levels: BTreeMap<i64, i64> = prev.side(side).iter().copied().collect();
        let prev_bound = bound(prev.side(side), depth);
        for p in prev_levels.keys().chain(inv.keys()) {
            if covers(side, prev_bound, *p)
                && covers(side, inv_bound, *p)
                && prev_levels.get(p) != inv.get(p)
            {
                consistent = false;
            }
        }
        let mut levels = prev_levels;
        for (&p, &q) in &inv {
            if !covers(side, prev_bound, p) {
                levels.insert(p, q);
                from_next_row += 1;
            }
        }
        let bound = match (prev_bound, inv_bound) {
            (Some(a), Some(b)) => Some(if side.better(a, b) { b } else { a }),
            _ => None,
        };
        SideTarget {
            side,
            levels,
            bound,
        }
    };
    let bids = side_target(Side::Buy);
    let asks = side_target(Side::Sell);
    Target {
        bids,
        asks,
        consistent,
        from_next_row,
    }
}

/// What the engine must do to hold the target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Cuts, as amends and cancels (sent first).
    pub cuts: Vec<Step>,
    /// New synthetic orders: side, price, qty.
    pub additions: Vec<(Side, i64, i64)>,
    /// How the cuts were covered, summed.
    pub cut: Reduction,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.cuts.is_empty() && self.additions.is_empty()
    }
}

pub fn plan(mirror: &Mirror, lobster: &LobsterOrders, target: &Target) -> Plan {
    let mut plan = Plan::default();
    for t in [&target.bids, &target.asks] {
        let mut prices: Vec<i64> = t.levels.keys().copied().collect();
        for (p, _) in mirror.levels(t.side) {
            if !t.covers(p) {
                break;
            }
            if !t.levels.contains_key(&p) {
                prices.push(p);
            }
        }
        for p in prices {
            let have = mirror.level_total(t.side, p);
            let want = t.levels.get(&p).copied().unwrap_or(0);
            if have > want {
                let (steps, red) = plan_reduction(mirror, lobster, t.side, p, have - want, None);
                plan.cuts.extend(steps);
                plan.cut.named += red.named;
                plan.cut.surplus += red.surplus;
                plan.cut.synthetic += red.synthetic;
                plan.cut.real += red.real;
                plan.cut.shortfall += red.shortfall;
            } else if have < want {
                plan.additions.push((t.side, p, want - have));
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::Key;
    use crate::session::Event;

    fn row(bids: &[Level], asks: &[Level]) -> BookRow {
        BookRow {
            bids: bids.to_vec(),
            asks: asks.to_vec(),
        }
    }

    fn msg(kind: u8, size: i64, price: i64, direction: i8) -> Message {
        Message {
            time_ns: 0,
            kind,
            order_id: 1,
            size,
            price,
            direction,
        }
    }

    #[test]
    fn first_message_seeds_row_zero_minus_message_zero() {
        // the sample's first message: an execution of 4 at the best bid
        let next = row(&[(5794000, 496), (5787000, 400)], &[(5802300, 100)]);
        let t = target(None, &next, &msg(4, 4, 5794000, 1), 3);
        assert_eq!(
            t.bids.levels,
            BTreeMap::from([(5794000, 500), (5787000, 400)])
        );
        assert_eq!(t.bids.bound, None, "fewer levels than the depth: all known");
        assert!(t.consistent);
        let t = target(None, &next, &msg(1, 496, 5794000, 1), 2);
        assert_eq!(t.bids.levels, BTreeMap::from([(5787000, 400)]));
        assert_eq!(t.bids.bound, Some(5787000));
        assert_eq!(t.asks.bound, None);
    }

    #[test]
    fn a_level_coming_into_view_is_taken_from_the_next_row() {
        // depth 2: deleting the best bid brings 97 into view
        let prev = row(&[(100, 5), (99, 7)], &[(101, 1), (102, 1)]);
        let next = row(&[(99, 7), (97, 3)], &[(101, 1), (102, 1)]);
        let t = target(Some(&prev), &next, &msg(3, 5, 100, 1), 2);
        assert_eq!(t.bids.levels, BTreeMap::from([(100, 5), (99, 7), (97, 3)]));
        assert_eq!(t.bids.bound, Some(97));
        assert!(t.bids.covers(98) && t.bids.covers(97) && !t.bids.covers(96));
        assert_eq!(t.from_next_row, 1);
        assert!(t.consistent);
        assert_eq!(t.asks.bound, Some(102));
        // a new best bid pushes 99 out of view: row k-1 decides, row k adds nothing
        let prev = row(&[(100, 5), (99, 7)], &[(102, 1), (103, 1)]);
        let next = row(&[(101, 2), (100, 5)], &[(102, 1), (103, 1)]);
        let t = target(Some(&prev), &next, &msg(1, 2, 101, 1), 2);
        assert_eq!(t.bids.levels, BTreeMap::from([(100, 5), (99, 7)]));
        assert_eq!(t.bids.bound, Some(99));
        assert_eq!(t.from_next_row, 0);
        assert!(t.consistent);
        let prev = row(&[(100, 5), (99, 7)], &[(101, 1), (102, 1)]);
        let next = row(&[(100, 6), (99, 7)], &[(101, 1), (102, 1)]);
        let t = target(Some(&prev), &next, &msg(2, 1, 100, 1), 2);
        assert!(!t.consistent, "a partial cancel cannot grow a level");
    }

    #[test]
    fn plan_adds_and_cuts_within_the_bound_only() {
        let mut m = Mirror::default();
        // 1 and 4 are named later; 2 and 3 are not
        let later = |id: u64, size: i64| Message {
            time_ns: 0,
            kind: 3,
            order_id: id,
            size,
            price: 0,
            direction: 1,
        };
        let lob = LobsterOrders::new(&[later(1, 5), later(4, 1)]);
        for (k, side, p, q) in [
            (Key::Real(1), Side::Buy, 100, 5),
            (Key::Synthetic(1), Side::Buy, 99, 10),
            (Key::Real(2), Side::Buy, 98, 4), // not in the target: cut
            (Key::Real(3), Side::Buy, 90, 4), // beyond the bound: left alone
            (Key::Real(4), Side::Sell, 101, 1),
        ] {
            m.apply(&Event::Accepted {
                key: k,
                side,
                price: Some(p),
                qty: q,
            });
        }
        let t = Target {
            bids: SideTarget {
                side: Side::Buy,
                levels: BTreeMap::from([(100, 5), (99, 7), (97, 3)]),
                bound: Some(97),
            },
            asks: SideTarget {
                side: Side::Sell,
                levels: BTreeMap::from([(101, 1), (102, 2)]),
                bound: None,
            },
            consistent: true,
            from_next_row: 0,
        };
        let lob = {
            let mut l = lob;
            l.add(1, Side::Buy, 100, 5);
            l.add(2, Side::Buy, 98, 4);
            l.add(3, Side::Buy, 90, 4);
            l.add(4, Side::Sell, 101, 1);
            l
        };
        let p = plan(&m, &lob, &t);
        assert_eq!(
            p.cuts,
            vec![
                Step {
                    key: Key::Synthetic(1),
                    side: Side::Buy,
                    new_leaves: 7
                },
                Step {
                    key: Key::Real(2),
                    side: Side::Buy,
                    new_leaves: 0
                }
            ]
        );
        assert_eq!(p.additions, vec![(Side::Buy, 97, 3), (Side::Sell, 102, 2)]);
        assert_eq!((p.cut.synthetic, p.cut.surplus, p.cut.real), (3, 4, 0));
        assert!(!p.is_empty());
    }
}
