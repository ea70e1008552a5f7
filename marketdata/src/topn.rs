//! A top-n view of one book and the changes that keep a subscriber's copy of it exact.
//!
//! After each command that changed the book, the view is recomputed from the book and compared
//! with the previous one, level by level in price order: a level that left the view comes out
//! at quantity zero, a level that entered or changed comes out with its quantity. A client that
//! applies these to its copy (zero: remove, otherwise set) holds exactly the new top n.
//! Recomputing is skipped for a side whose changes all lie behind a full view.

use crate::books::Books;
use crate::update::LevelChange;
use tradestream_model::{InstrumentId, Price, Qty, Side};

/// The best `n` levels of each side of one instrument's book, as last published.
#[derive(Debug, Clone)]
pub(crate) struct TopView {
    n: usize,
    bids: Vec<(Price, Qty)>,
    asks: Vec<(Price, Qty)>,
    scratch: Vec<(Price, Qty)>,
}

impl TopView {
    /// The current top `n` of `instrument` in `books`.
    pub fn new(n: usize, books: &Books, instrument: InstrumentId) -> TopView {
        let mut v = TopView {
            n,
            bids: Vec::with_capacity(n),
            asks: Vec::with_capacity(n),
            scratch: Vec::with_capacity(n),
        };
        v.bids.extend(books.depth(instrument, Side::Buy).take(n));
        v.asks.extend(books.depth(instrument, Side::Sell).take(n));
        v
    }

    /// Depth of the view.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The levels of one side, best first.
    pub fn side(&self, side: Side) -> &[(Price, Qty)] {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    /// Brings the view up to date with `books` after a command whose full-book changes for this
    /// instrument were `changes` (bids best first, then asks best first), appending the view's
    /// own changes to `out`. Returns true when the view changed.
    pub fn refresh(
        &mut self,
        books: &Books,
        instrument: InstrumentId,
        changes: &[LevelChange],
        out: &mut Vec<LevelChange>,
    ) -> bool {
        let start = out.len();
        for side in [Side::Buy, Side::Sell] {
            let Some(best_change) = changes.iter().find(|c| c.side == side) else {
                continue;
            };
            let TopView {
                n,
                bids,
                asks,
                scratch,
            } = self;
            let view = match side {
                Side::Buy => bids,
                Side::Sell => asks,
            };
            if view.len() == *n
                && view
                    .last()
                    .is_some_and(|&(p, _)| better(side, p, best_change.price))
            {
                // Every change is behind the last level of a full view.
                continue;
            }
            scratch.clear();
            scratch.extend(books.depth(instrument, side).take(*n));
            diff(side, view, scratch, out);
            std::mem::swap(view, scratch);
        }
        out.len() > start
    }
}

/// True when `a` is strictly better than `b` for a level on `side`.
fn better(side: Side, a: Price, b: Price) -> bool {
    match side {
        Side::Buy => a > b,
        Side::Sell => a < b,
    }
}

/// Appends what turns `old` into `new` (both best first) to `out`, best first.
fn diff(side: Side, old: &[(Price, Qty)], new: &[(Price, Qty)], out: &mut Vec<LevelChange>) {
    let (mut i, mut j) = (0, 0);
    loop {
        let change = match (old.get(i), new.get(j)) {
            (None, None) => return,
            (Some(&(p, _)), n) if n.is_none_or(|&(q, _)| better(side, p, q)) => {
                i += 1;
                (p, Qty::ZERO)
            }
            (o, Some(&(p, qty))) if o.is_none_or(|&(q, _)| better(side, p, q)) => {
                j += 1;
                (p, qty)
            }
            (Some(&(_, before)), Some(&(p, qty))) => {
                i += 1;
                j += 1;
                if before == qty {
                    continue;
                }
                (p, qty)
            }
            // Unreachable: one of the arms above takes any pair with a side present.
            (Some(_), None) | (None, Some(_)) => return,
        };
        out.push(LevelChange {
            side,
            price: change.0,
            qty: change.1,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lv(v: &[(i64, i64)]) -> Vec<(Price, Qty)> {
        v.iter().map(|&(p, q)| (Price(p), Qty(q))).collect()
    }

    fn run(side: Side, old: &[(i64, i64)], new: &[(i64, i64)]) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        diff(side, &lv(old), &lv(new), &mut out);
        out.iter().map(|c| (c.price.0, c.qty.0)).collect()
    }

    #[test]
    fn diff_reports_left_entered_and_changed_levels_best_first() {
        // Bids: 101 entered, 100 changed, 99 unchanged, 98 left.
        assert_eq!(
            run(
                Side::Buy,
                &[(100, 5), (99, 1), (98, 2)],
                &[(101, 3), (100, 4), (99, 1)]
            ),
            vec![(101, 3), (100, 4), (98, 0)]
        );
        // Asks: 10 left, 12 entered.
        assert_eq!(
            run(Side::Sell, &[(10, 1), (11, 1)], &[(11, 1), (12, 7)]),
            vec![(10, 0), (12, 7)]
        );
        assert_eq!(run(Side::Sell, &[], &[]), vec![]);
        assert_eq!(run(Side::Sell, &[(5, 1)], &[]), vec![(5, 0)]);
        assert_eq!(run(Side::Buy, &[], &[(5, 1)]), vec![(5, 1)]);
    }
}
