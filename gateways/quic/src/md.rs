//! Market data of the QUIC gateway: the L2 books rebuilt from the engine's events
//! ([`tradestream_marketdata::Books`]), turned into [`MdDelta`]s with a `md_seq` consecutive
//! per instrument, and [`Snapshot`]s stamped with the `md_seq` of the last delta they include.

use crate::messages::market::{MdDelta, MdEntry};
use crate::messages::server::{Level, Snapshot};
use crate::types::{MdAction, Side};
use rustc_hash::FxHashSet;
use tradestream_marketdata::{Books, SeedOrder, Update, Updates};
use tradestream_model::{Event, InstrumentId, Timestamp};

/// The books, the per-instrument `md_seq` and the levels each delta has announced.
#[derive(Debug)]
pub struct MarketData {
    books: Books,
    updates: Updates,
    /// The `md_seq` of the last delta of each instrument (0: none yet).
    seqs: Vec<u64>,
    /// Levels announced and not deleted: `(instrument, side, price)`; tells a new level from a
    /// changed one.
    levels: FxHashSet<(u32, Side, i64)>,
    max_entries: usize,
}

fn side(s: tradestream_model::Side) -> Side {
    match s {
        tradestream_model::Side::Buy => Side::Buy,
        tradestream_model::Side::Sell => Side::Sell,
    }
}

impl MarketData {
    /// Books for `instruments` instruments seeded with the engine's resting orders; deltas hold
    /// at most `max_entries` entries (capped to [`MdDelta::MAX_ENTRIES`]).
    #[must_use]
    pub fn new(instruments: usize, seed: Vec<SeedOrder>, max_entries: usize) -> MarketData {
        let mut books = Books::new(instruments, seed.len().max(1024));
        let mut levels = FxHashSet::default();
        for o in seed {
            levels.insert((o.instrument.0, side(o.side), o.price.0));
            books.seed(o);
        }
        MarketData {
            books,
            updates: Updates::with_capacity(64, 256),
            seqs: vec![0; instruments],
            levels,
            max_entries: max_entries.clamp(1, MdDelta::MAX_ENTRIES),
        }
    }

    /// Applies one engine command's events and appends its deltas to `out`: per instrument
    /// touched, level changes then trades, split into deltas of at most `max_entries` entries,
    /// each with the instrument's next `md_seq`.
    pub fn command<'a>(
        &mut self,
        events: impl Iterator<Item = &'a Event>,
        ts: Timestamp,
        out: &mut Vec<MdDelta>,
    ) {
        for ev in events {
            self.books.apply(ev);
        }
        self.books.end_command(ts, &mut self.updates);
        // Consecutive updates of one instrument go into the same entries.
        let mut current: Option<(u32, Vec<MdEntry>)> = None;
        let updates = std::mem::take(&mut self.updates);
        for u in updates.iter() {
            let instrument = match u {
                Update::Book { instrument, .. } => instrument.0,
                Update::Trade(t) => t.instrument.0,
                Update::Bbo(_) => continue,
            };
            if let Some((i, v)) = current.take_if(|(i, _)| *i != instrument) {
                self.flush(i, v, out);
            }
            let entries = &mut current.get_or_insert_with(|| (instrument, Vec::new())).1;
            match u {
                Update::Book { changes, .. } => {
                    for c in changes {
                        let key = (instrument, side(c.side), c.price.0);
                        let action = if c.qty.0 == 0 {
                            self.levels.remove(&key);
                            MdAction::Delete
                        } else if self.levels.insert(key) {
                            MdAction::New
                        } else {
                            MdAction::Change
                        };
                        entries.push(MdEntry {
                            action,
                            side: side(c.side),
                            price: c.price.0,
                            qty: c.qty.0,
                        });
                    }
                }
                Update::Trade(t) => entries.push(MdEntry {
                    action: MdAction::Trade,
                    side: side(t.taker_side),
                    price: t.price.0,
                    qty: t.qty.0,
                }),
                Update::Bbo(_) => {}
            }
        }
        if let Some((i, v)) = current {
            self.flush(i, v, out);
        }
        self.updates = updates;
    }

    /// Splits `entries` of `instrument` into deltas with consecutive `md_seq`s.
    fn flush(&mut self, instrument: u32, entries: Vec<MdEntry>, out: &mut Vec<MdDelta>) {
        let i = instrument as usize;
        if self.seqs.len() <= i {
            self.seqs.resize(i + 1, 0);
        }
        for chunk in entries.chunks(self.max_entries) {
            self.seqs[i] += 1;
            out.push(MdDelta {
                md_seq: self.seqs[i],
                instrument,
                entries: chunk.to_vec(),
            });
        }
    }

    /// The book of `instrument`: up to `depth` levels per side (0: as many as fit), bids then
    /// asks, best first, with the `md_seq` of the last delta it includes.
    #[must_use]
    pub fn snapshot(&self, instrument: u32, depth: u16) -> Snapshot {
        let per_side = match usize::from(depth) {
            0 => Snapshot::MAX_LEVELS / 2,
            d => d.min(Snapshot::MAX_LEVELS / 2),
        };
        let id = InstrumentId(instrument);
        let mut levels = Vec::new();
        for s in [tradestream_model::Side::Buy, tradestream_model::Side::Sell] {
            levels.extend(self.books.depth(id, s).take(per_side).map(|(p, q)| Level {
                side: side(s),
                price: p.0,
                qty: q.0,
            }));
        }
        Snapshot {
            instrument,
            md_seq: self.seqs.get(instrument as usize).copied().unwrap_or(0),
            levels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradestream_model::{AccountId, ClientOrderId, OrderId, OrderType, Price, Qty};

    fn accepted(id: &str, side: tradestream_model::Side, price: i64, qty: i64) -> Event {
        Event::Accepted {
            account: AccountId(1),
            id: ClientOrderId::new(id).unwrap(),
            order_id: OrderId(1),
            instrument: InstrumentId(0),
            side,
            order_type: OrderType::Limit,
            price: Price(price),
            qty: Qty(qty),
            ts: Timestamp(1),
        }
    }

    fn cancelled(id: &str, qty: i64) -> Event {
        Event::Cancelled {
            account: AccountId(1),
            id: ClientOrderId::new(id).unwrap(),
            instrument: InstrumentId(0),
            reason: tradestream_model::CancelReason::Mass,
            leaves_qty: Qty(qty),
        }
    }

    #[test]
    fn levels_are_new_changed_deleted_and_seqs_consecutive_across_splits() {
        let mut md = MarketData::new(1, Vec::new(), 2);
        let mut out = Vec::new();
        let buy = tradestream_model::Side::Buy;
        md.command([accepted("1", buy, 100, 5)].iter(), Timestamp(1), &mut out);
        md.command([accepted("2", buy, 100, 1)].iter(), Timestamp(2), &mut out);
        let many: Vec<Event> = (0..3)
            .map(|i| accepted(&format!("x{i}"), buy, 90 - i, 1))
            .collect();
        md.command(many.iter(), Timestamp(3), &mut out);
        let actions: Vec<(u64, Vec<MdAction>)> = out
            .iter()
            .map(|d| (d.md_seq, d.entries.iter().map(|e| e.action).collect()))
            .collect();
        assert_eq!(
            actions,
            [
                (1, vec![MdAction::New]),
                (2, vec![MdAction::Change]),
                (3, vec![MdAction::New, MdAction::New]),
                (4, vec![MdAction::New]),
            ]
        );
        out.clear();
        let gone = [cancelled("1", 5), cancelled("2", 1)];
        md.command(gone.iter(), Timestamp(4), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].md_seq, out[0].entries[0].action),
            (5, MdAction::Delete)
        );
        let snap = md.snapshot(0, 2);
        assert_eq!(snap.md_seq, 5);
        let prices: Vec<i64> = snap.levels.iter().map(|l| l.price).collect();
        assert_eq!(prices, [90, 89], "best first, capped at the depth");
        assert_eq!(md.snapshot(7, 0).md_seq, 0, "unknown instrument: empty");
    }
}
