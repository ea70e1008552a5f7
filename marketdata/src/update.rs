//! The public output of [`Books`](crate::Books): what one command changed, in a caller-owned,
//! reusable buffer.

use tradestream_model::{InstrumentId, Price, Qty, Side, Timestamp, TradeId};

/// A price level's new aggregate quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelChange {
    /// Book side.
    pub side: Side,
    /// Level price.
    pub price: Price,
    /// The level's total open quantity now; zero when the level is gone (or, in a top-n view,
    /// when it left the view).
    pub qty: Qty,
}

/// A public trade print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Trade {
    /// Instrument.
    pub instrument: InstrumentId,
    /// Engine trade id.
    pub trade_id: TradeId,
    /// Price (the maker's).
    pub price: Price,
    /// Quantity.
    pub qty: Qty,
    /// The arriving order's side: `Buy` means the buyer lifted an offer.
    pub taker_side: Side,
    /// Sequencer time of the command that traded.
    pub ts: Timestamp,
}

/// Best bid and offer of one instrument: `(price, total quantity)` of each side's best level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bbo {
    /// Instrument.
    pub instrument: InstrumentId,
    /// Best bid, if any.
    pub bid: Option<(Price, Qty)>,
    /// Best ask, if any.
    pub ask: Option<(Price, Qty)>,
}

/// One item of a command's net market data change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update<'a> {
    /// The net level changes of one instrument: each level at most once, with its final
    /// quantity; bids best first, then asks best first.
    Book {
        /// Instrument.
        instrument: InstrumentId,
        /// Changed levels.
        changes: &'a [LevelChange],
    },
    /// A trade, in engine order.
    Trade(Trade),
    /// The instrument's best bid or offer (price or quantity) changed; the new state.
    Bbo(Bbo),
}

/// Stored form of an [`Update`]: book changes are a range of [`Updates::changes`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Item {
    Book {
        instrument: InstrumentId,
        start: u32,
        end: u32,
    },
    Trade(Trade),
    Bbo(Bbo),
}

/// The updates of one command, refilled by [`Books::end_command`](crate::Books::end_command).
/// Reuse one value for every command: after warm-up it never allocates.
#[derive(Debug, Clone, Default)]
pub struct Updates {
    pub(crate) items: Vec<Item>,
    pub(crate) changes: Vec<LevelChange>,
}

impl Updates {
    /// An empty buffer with room for `items` updates and `changes` level changes.
    pub fn with_capacity(items: usize, changes: usize) -> Updates {
        Updates {
            items: Vec::with_capacity(items),
            changes: Vec::with_capacity(changes),
        }
    }

    /// Empties the buffer, keeping its memory.
    pub fn clear(&mut self) {
        self.items.clear();
        self.changes.clear();
    }

    /// Number of updates.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the command changed no public market data.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The updates in order: instruments ascending; per instrument its book changes, its
    /// trades in engine order, then its new best bid and offer.
    pub fn iter(&self) -> impl Iterator<Item = Update<'_>> + '_ {
        self.items.iter().map(move |item| match *item {
            Item::Book {
                instrument,
                start,
                end,
            } => Update::Book {
                instrument,
                changes: &self.changes[start as usize..end as usize],
            },
            Item::Trade(t) => Update::Trade(t),
            Item::Bbo(b) => Update::Bbo(b),
        })
    }
}
