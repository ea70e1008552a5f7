//! The bot's view of one instrument's book: a snapshot plus the market-data deltas after it,
//! with gap detection on `md_seq`.

use super::params::Target;
use std::collections::BTreeMap;
use tradestream_quic::{MdAction, MdDelta, Side, Snapshot};

/// The most deltas kept while waiting for a snapshot (the oldest are dropped first).
const MAX_BUFFERED: usize = 4_096;

/// What applying a delta did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The delta was the next one and changed the book (or only reported trades).
    Applied,
    /// Already covered by the snapshot or an earlier delta: ignored.
    Stale,
    /// A delta is missing: the book is unusable until the next snapshot.
    Gap,
}

/// Aggregated price levels of one instrument, in ticks and lots.
#[derive(Debug, Default)]
pub struct LocalBook {
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
    /// The `md_seq` the book reflects; `None` before the first snapshot or after a gap.
    seq: Option<u64>,
    /// A snapshot was applied at least once.
    synced_once: bool,
    /// Deltas received while unsynced, by `md_seq`: those after the next snapshot's are
    /// applied on top of it (datagrams may overtake the snapshot on the stream).
    buffered: BTreeMap<u64, MdDelta>,
}

impl LocalBook {
    /// True when the book reflects a snapshot and every delta since.
    pub fn is_synced(&self) -> bool {
        self.seq.is_some()
    }

    /// True when a gap unsynced a book that was synced: its levels are stale until the next
    /// snapshot.
    pub fn is_stale(&self) -> bool {
        self.synced_once && self.seq.is_none()
    }

    /// Replaces the book with a snapshot, then applies the buffered deltas that follow it.
    pub fn reset(&mut self, snapshot: &Snapshot) {
        self.synced_once = true;
        self.bids.clear();
        self.asks.clear();
        for level in &snapshot.levels {
            self.side_mut(level.side).insert(level.price, level.qty);
        }
        self.seq = Some(snapshot.md_seq);
        let buffered = std::mem::take(&mut self.buffered);
        for delta in buffered.into_values() {
            self.apply(&delta);
        }
    }

    /// Applies a delta in sequence; a missing sequence number unsyncs the book. While
    /// unsynced, deltas are kept for the next snapshot.
    pub fn apply(&mut self, delta: &MdDelta) -> Applied {
        let Some(seq) = self.seq else {
            self.buffer(delta);
            return Applied::Gap;
        };
        if delta.md_seq <= seq {
            return Applied::Stale;
        }
        if delta.md_seq != seq + 1 {
            self.seq = None;
            self.buffer(delta);
            return Applied::Gap;
        }
        for e in &delta.entries {
            match e.action {
                MdAction::New | MdAction::Change => {
                    self.side_mut(e.side).insert(e.price, e.qty);
                }
                MdAction::Delete => {
                    self.side_mut(e.side).remove(&e.price);
                }
                MdAction::Trade => {}
            }
        }
        self.seq = Some(delta.md_seq);
        Applied::Applied
    }

    /// Best bid and best ask prices.
    pub fn best(&self) -> (Option<i64>, Option<i64>) {
        (
            self.bids.keys().next_back().copied(),
            self.asks.keys().next().copied(),
        )
    }

    /// The mid price (rounded down to a tick) when both sides have a level.
    pub fn mid(&self) -> Option<i64> {
        self.mid_excluding(&[])
    }

    /// The mid of the book without the bot's own quotes: at a price one of `own` quotes, the
    /// level counts only for what it holds beyond the largest of those quantities. A bot that
    /// centred on a mid made of its own skewed quotes would chase itself away.
    pub fn mid_excluding(&self, own: &[Target]) -> Option<i64> {
        let others = |price: i64, qty: i64, side: fn(&Target) -> Option<(i64, i64)>| {
            let mine = own
                .iter()
                .filter_map(side)
                .filter(|&(p, _)| p == price)
                .map(|(_, q)| q)
                .max()
                .unwrap_or(0);
            qty > mine
        };
        let bid = self
            .bids
            .iter()
            .rev()
            .find(|&(&p, &q)| others(p, q, |t| t.bid))
            .map(|(&p, _)| p);
        let ask = self
            .asks
            .iter()
            .find(|&(&p, &q)| others(p, q, |t| t.ask))
            .map(|(&p, _)| p);
        match (bid, ask) {
            (Some(b), Some(a)) => Some(b + (a - b) / 2),
            _ => None,
        }
    }

    fn buffer(&mut self, delta: &MdDelta) {
        self.buffered.insert(delta.md_seq, delta.clone());
        if self.buffered.len() > MAX_BUFFERED {
            self.buffered.pop_first();
        }
    }

    fn side_mut(&mut self, side: Side) -> &mut BTreeMap<i64, i64> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradestream_quic::{Level, MdEntry};

    fn snapshot(seq: u64) -> Snapshot {
        Snapshot {
            instrument: 0,
            md_seq: seq,
            levels: vec![
                Level {
                    side: Side::Buy,
                    price: 99,
                    qty: 5,
                },
                Level {
                    side: Side::Sell,
                    price: 103,
                    qty: 2,
                },
            ],
        }
    }

    fn delta(seq: u64, action: MdAction, side: Side, price: i64, qty: i64) -> MdDelta {
        MdDelta {
            md_seq: seq,
            instrument: 0,
            entries: vec![MdEntry {
                action,
                side,
                price,
                qty,
            }],
        }
    }

    #[test]
    fn deltas_after_the_snapshot_move_the_mid() {
        let mut book = LocalBook::default();
        assert_eq!(
            book.apply(&delta(1, MdAction::New, Side::Buy, 1, 1)),
            Applied::Gap
        );
        book.reset(&snapshot(10));
        assert_eq!(book.mid(), Some(101));
        assert_eq!(
            book.apply(&delta(10, MdAction::New, Side::Buy, 100, 1)),
            Applied::Stale
        );
        assert_eq!(book.mid(), Some(101), "a stale delta changes nothing");
        assert_eq!(
            book.apply(&delta(11, MdAction::New, Side::Buy, 101, 1)),
            Applied::Applied
        );
        assert_eq!(book.best(), (Some(101), Some(103)));
        assert_eq!(
            book.apply(&delta(12, MdAction::Delete, Side::Sell, 103, 0)),
            Applied::Applied
        );
        assert_eq!(book.mid(), None);
    }

    #[test]
    fn the_bots_own_quotes_do_not_make_the_mid() {
        let mut book = LocalBook::default();
        book.reset(&snapshot(1));
        // Own quote 100 x 4 / 102 x 3 on top of the others' 99 x 5 / 103 x 2.
        book.apply(&delta(2, MdAction::New, Side::Buy, 100, 4));
        book.apply(&delta(3, MdAction::New, Side::Sell, 102, 3));
        let own = Target {
            bid: Some((100, 4)),
            ask: Some((102, 3)),
        };
        assert_eq!(book.mid(), Some(101));
        assert_eq!(
            book.mid_excluding(&[own]),
            Some(101),
            "99 / 103 without ours"
        );
        book.apply(&delta(4, MdAction::Change, Side::Buy, 100, 6));
        let stale = Target {
            bid: Some((100, 2)),
            ask: None,
        };
        assert_eq!(
            book.mid_excluding(&[own, stale]),
            Some(101),
            "someone else joined at 100"
        );
        assert_eq!(
            book.mid_excluding(&[Target {
                bid: Some((100, 6)),
                ask: None
            }]),
            Some(100)
        );
        book.apply(&delta(5, MdAction::Delete, Side::Buy, 99, 0));
        assert_eq!(
            book.mid_excluding(&[Target {
                bid: Some((100, 6)),
                ask: None
            }]),
            None
        );
    }

    #[test]
    fn a_missing_delta_unsyncs_until_the_next_snapshot() {
        let mut book = LocalBook::default();
        assert!(!book.is_stale(), "never synced is not stale");
        book.reset(&snapshot(3));
        assert!(!book.is_stale());
        assert_eq!(
            book.apply(&delta(5, MdAction::New, Side::Buy, 100, 1)),
            Applied::Gap
        );
        assert!(!book.is_synced());
        assert!(book.is_stale(), "a gap after a snapshot leaves it stale");
        assert_eq!(
            book.apply(&delta(6, MdAction::New, Side::Buy, 100, 1)),
            Applied::Gap
        );
        book.reset(&snapshot(6));
        assert_eq!(
            book.apply(&delta(7, MdAction::Trade, Side::Buy, 103, 1)),
            Applied::Applied
        );
        assert!(book.is_synced());
    }

    #[test]
    fn deltas_that_overtake_the_snapshot_are_applied_on_top_of_it() {
        let mut book = LocalBook::default();
        book.reset(&snapshot(3));
        assert_eq!(
            book.apply(&delta(5, MdAction::New, Side::Buy, 100, 1)),
            Applied::Gap
        );
        // The snapshot asked for is taken at 5; delta 6 arrives before it.
        book.apply(&delta(6, MdAction::New, Side::Buy, 101, 1));
        let mut snap = snapshot(5);
        snap.levels[0].price = 100;
        book.reset(&snap);
        assert!(book.is_synced());
        assert_eq!(book.best(), (Some(101), Some(103)), "delta 6 applied");
        assert_eq!(
            book.apply(&delta(7, MdAction::Delete, Side::Buy, 101, 0)),
            Applied::Applied
        );
        assert_eq!(book.best(), (Some(100), Some(103)));
    }
}
