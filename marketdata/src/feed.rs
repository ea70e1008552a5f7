//! [`Feed`]: per-channel sequenced messages on top of [`Books`].
//!
//! Every channel numbers the messages it publishes 1, 2, 3, ... A subscriber takes a
//! [`Snapshot`] (which carries the sequence number of the last message it already contains) and
//! then applies every message with the next number; a number that is not the next one is a gap.
//! Full-book, best-bid-and-offer and trade channels cost nothing to keep, so their sequence
//! numbers always run, subscribed or not; only open channels produce messages. A top-n channel
//! is maintained only while open and starts again at sequence 0 when opened anew.

use crate::books::Books;
use crate::channel::{Channel, Depth, FeedError};
use crate::orders::SeedOrder;
use crate::topn::TopView;
use crate::update::{Bbo, LevelChange, Trade, Update, Updates};
use tradestream_model::{Event, Price, Qty, Side, Timestamp};

/// A channel's subscribers and last published sequence number.
#[derive(Debug, Clone, Copy, Default)]
struct Counter {
    refs: u32,
    seq: u64,
}

/// An open top-n channel.
#[derive(Debug, Clone)]
struct Top {
    counter: Counter,
    view: TopView,
}

/// The channels of one instrument.
#[derive(Debug, Clone, Default)]
struct InstrumentChannels {
    full: Counter,
    bbo: Counter,
    trades: Counter,
    /// Open top-n channels, by `n` ascending.
    tops: Vec<Top>,
}

/// The body of a [`FeedMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// Book level changes: the new quantity of each level that changed (zero: gone, or for a
    /// top-n channel, left the view); bids best first, then asks best first.
    Book(&'a [LevelChange]),
    /// The new best bid and offer.
    Bbo(Bbo),
    /// One trade.
    Trade(Trade),
}

/// One sequenced message of one channel. It is the same for every subscriber of the channel:
/// encode it once and send the bytes to all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedMessage<'a> {
    /// The channel.
    pub channel: Channel,
    /// The channel's sequence number of this message (the previous one plus one).
    pub seq: u64,
    /// What changed.
    pub body: Body<'a>,
}

/// Stored form of a [`Body`]: book changes are a range of [`FeedOut::changes`].
#[derive(Debug, Clone, Copy)]
enum RawBody {
    Book { start: u32, end: u32 },
    Bbo(Bbo),
    Trade(Trade),
}

#[derive(Debug, Clone, Copy)]
struct RawMessage {
    channel: Channel,
    seq: u64,
    body: RawBody,
}

/// The messages of one command, refilled by [`Feed::end_command`]. Reuse one value for every
/// command: after warm-up it never allocates.
#[derive(Debug, Clone, Default)]
pub struct FeedOut {
    messages: Vec<RawMessage>,
    changes: Vec<LevelChange>,
}

impl FeedOut {
    /// An empty buffer with room for `messages` messages and `changes` level changes.
    pub fn with_capacity(messages: usize, changes: usize) -> FeedOut {
        FeedOut {
            messages: Vec::with_capacity(messages),
            changes: Vec::with_capacity(changes),
        }
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// True when the command produced no message on any open channel.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The messages, in order: instruments ascending; per instrument the full-book channel,
    /// the top-n channels by `n` ascending, one message per trade on the trades channel, then the
    /// best bid and offer channel.
    pub fn iter(&self) -> impl Iterator<Item = FeedMessage<'_>> + '_ {
        self.messages.iter().map(move |m| FeedMessage {
            channel: m.channel,
            seq: m.seq,
            body: match m.body {
                RawBody::Book { start, end } => {
                    Body::Book(&self.changes[start as usize..end as usize])
                }
                RawBody::Bbo(b) => Body::Bbo(b),
                RawBody::Trade(t) => Body::Trade(t),
            },
        })
    }

    fn clear(&mut self) {
        self.messages.clear();
        self.changes.clear();
    }

    fn push(&mut self, channel: Channel, seq: u64, body: RawBody) {
        self.messages.push(RawMessage { channel, seq, body });
    }

    fn push_changes(&mut self, channel: Channel, seq: u64, changes: &[LevelChange]) {
        let start = self.changes.len() as u32;
        self.changes.extend_from_slice(changes);
        let end = self.changes.len() as u32;
        self.push(channel, seq, RawBody::Book { start, end });
    }
}

/// What a new subscriber starts from: the channel's state after message `seq`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Sequence number of the last message the snapshot includes; the next message to apply
    /// is `seq + 1`.
    pub seq: u64,
    /// Bid levels, best first: all of them (full book), the best `n` (top-n), the best one or
    /// none (best bid and offer), none (trades).
    pub bids: Vec<(Price, Qty)>,
    /// Ask levels, best first, as `bids`.
    pub asks: Vec<(Price, Qty)>,
}

/// Public market data: [`Books`] plus sequenced channels.
///
/// Call sequence, per engine command: [`Feed::apply`] for each of its events, then
/// [`Feed::end_command`] once; send each message of the [`FeedOut`] to the subscribers of its
/// channel. Between commands: [`Feed::open`] a channel for its first subscriber,
/// [`Feed::snapshot`] for every new subscriber, [`Feed::close`] when a subscriber leaves.
#[derive(Debug, Clone)]
pub struct Feed {
    books: Books,
    updates: Updates,
    channels: Vec<InstrumentChannels>,
}

impl Feed {
    /// A feed over empty books for `instruments` instruments, pre-sized for `expected_orders`
    /// resting orders.
    pub fn new(instruments: usize, expected_orders: usize) -> Feed {
        Feed::with_books(Books::new(instruments, expected_orders))
    }

    /// A feed over existing books (seeded, or built with other sizes).
    pub fn with_books(books: Books) -> Feed {
        let mut f = Feed {
            updates: Updates::with_capacity(64, 256),
            channels: Vec::new(),
            books,
        };
        f.sync_instruments();
        f
    }

    /// Makes sure instruments `0..count` exist; call when the engine lists an instrument.
    pub fn ensure_instruments(&mut self, count: usize) {
        self.books.ensure_instruments(count);
        self.sync_instruments();
    }

    /// Adds a resting order at start-up (see [`Books::seed`]). Publishes nothing: seed before
    /// the first subscriber takes a snapshot. Open top-n views are rebuilt so that their
    /// snapshots include the order.
    pub fn seed(&mut self, order: SeedOrder) {
        self.books.seed(order);
        self.sync_instruments();
        let inst = order.instrument;
        for top in &mut self.channels[inst.0 as usize].tops {
            top.view = TopView::new(top.view.n(), &self.books, inst);
        }
    }

    /// The books.
    pub fn books(&self) -> &Books {
        &self.books
    }

    /// The unsequenced updates of the last command (see [`Books::end_command`]).
    pub fn updates(&self) -> &Updates {
        &self.updates
    }

    /// Applies one event of the current command.
    pub fn apply(&mut self, ev: &Event) {
        self.books.apply(ev);
    }

    /// Applies every event of one command and ends it: [`Feed::apply`] for each, then
    /// [`Feed::end_command`].
    pub fn command(&mut self, events: &[Event], ts: Timestamp, out: &mut FeedOut) {
        for ev in events {
            self.books.apply(ev);
        }
        self.end_command(ts, out);
    }

    /// Ends the current command and writes the messages of every open channel into `out`
    /// (cleared first). A channel publishes only when its content changed.
    pub fn end_command(&mut self, ts: Timestamp, out: &mut FeedOut) {
        self.books.end_command(ts, &mut self.updates);
        self.sync_instruments();
        out.clear();
        let Feed {
            books,
            updates,
            channels,
        } = self;
        for u in updates.iter() {
            match u {
                Update::Book {
                    instrument,
                    changes,
                } => {
                    let ch = &mut channels[instrument.0 as usize];
                    ch.full.seq += 1;
                    if ch.full.refs > 0 {
                        let channel = Channel::Book {
                            instrument,
                            depth: Depth::Full,
                        };
                        out.push_changes(channel, ch.full.seq, changes);
                    }
                    for top in &mut ch.tops {
                        let start = out.changes.len() as u32;
                        if top
                            .view
                            .refresh(books, instrument, changes, &mut out.changes)
                        {
                            top.counter.seq += 1;
                            let channel = Channel::Book {
                                instrument,
                                depth: Depth::Top(top.view.n() as u16),
                            };
                            let end = out.changes.len() as u32;
                            out.push(channel, top.counter.seq, RawBody::Book { start, end });
                        }
                    }
                }
                Update::Trade(t) => {
                    let c = &mut channels[t.instrument.0 as usize].trades;
                    c.seq += 1;
                    if c.refs > 0 {
                        let channel = Channel::Trades {
                            instrument: t.instrument,
                        };
                        out.push(channel, c.seq, RawBody::Trade(t));
                    }
                }
                Update::Bbo(b) => {
                    let c = &mut channels[b.instrument.0 as usize].bbo;
                    c.seq += 1;
                    if c.refs > 0 {
                        let channel = Channel::Bbo {
                            instrument: b.instrument,
                        };
                        out.push(channel, c.seq, RawBody::Bbo(b));
                    }
                }
            }
        }
    }

    /// Adds a subscriber to `channel`, starting to maintain it if it is the first. Returns the
    /// number of subscribers now. Call between commands.
    pub fn open(&mut self, channel: Channel) -> Result<u32, FeedError> {
        let inst = self.instrument(channel)?;
        let ch = &mut self.channels[inst];
        let counter = match channel {
            Channel::Book {
                depth: Depth::Full, ..
            } => &mut ch.full,
            Channel::Bbo { .. } => &mut ch.bbo,
            Channel::Trades { .. } => &mut ch.trades,
            Channel::Book {
                instrument,
                depth: Depth::Top(n),
            } => match ch.tops.binary_search_by_key(&(n as usize), |t| t.view.n()) {
                Ok(i) => &mut ch.tops[i].counter,
                Err(i) => {
                    let view = TopView::new(n as usize, &self.books, instrument);
                    let top = Top {
                        counter: Counter::default(),
                        view,
                    };
                    ch.tops.insert(i, top);
                    &mut ch.tops[i].counter
                }
            },
        };
        counter.refs += 1;
        Ok(counter.refs)
    }

    /// Removes a subscriber from `channel`; the last one out stops a top-n channel. Returns
    /// the number of subscribers left.
    pub fn close(&mut self, channel: Channel) -> Result<u32, FeedError> {
        let inst = self.instrument(channel)?;
        let ch = &mut self.channels[inst];
        let counter = match channel {
            Channel::Book {
                depth: Depth::Full, ..
            } => &mut ch.full,
            Channel::Bbo { .. } => &mut ch.bbo,
            Channel::Trades { .. } => &mut ch.trades,
            Channel::Book {
                depth: Depth::Top(n),
                ..
            } => {
                let i = ch
                    .tops
                    .binary_search_by_key(&(n as usize), |t| t.view.n())
                    .map_err(|_| FeedError::NotOpen(channel))?;
                let left = ch.tops[i].counter.refs - 1;
                if left == 0 {
                    ch.tops.remove(i);
                } else {
                    ch.tops[i].counter.refs = left;
                }
                return Ok(left);
            }
        };
        if counter.refs == 0 {
            return Err(FeedError::NotOpen(channel));
        }
        counter.refs -= 1;
        Ok(counter.refs)
    }

    /// The number of subscribers of `channel` (zero for an unknown one).
    pub fn subscribers(&self, channel: Channel) -> u32 {
        self.counter(channel).map_or(0, |c| c.refs)
    }

    /// The sequence number of the last message `channel` published, if it is open.
    pub fn seq(&self, channel: Channel) -> Option<u64> {
        self.counter(channel).filter(|c| c.refs > 0).map(|c| c.seq)
    }

    /// The state of an open channel now, for a new subscriber. Allocates; call between commands.
    pub fn snapshot(&self, channel: Channel) -> Result<Snapshot, FeedError> {
        let mut s = Snapshot::default();
        self.snapshot_into(channel, &mut s)?;
        Ok(s)
    }

    /// As [`Feed::snapshot`], into a reused value.
    pub fn snapshot_into(&self, channel: Channel, snap: &mut Snapshot) -> Result<(), FeedError> {
        let seq = self.seq(channel).ok_or(FeedError::NotOpen(channel))?;
        let instrument = channel.instrument();
        snap.seq = seq;
        snap.bids.clear();
        snap.asks.clear();
        match channel {
            Channel::Book {
                depth: Depth::Full, ..
            } => {
                snap.bids.extend(self.books.depth(instrument, Side::Buy));
                snap.asks.extend(self.books.depth(instrument, Side::Sell));
            }
            Channel::Book {
                depth: Depth::Top(n),
                ..
            } => {
                let tops = &self.channels[instrument.0 as usize].tops;
                if let Ok(i) = tops.binary_search_by_key(&(n as usize), |t| t.view.n()) {
                    snap.bids.extend_from_slice(tops[i].view.side(Side::Buy));
                    snap.asks.extend_from_slice(tops[i].view.side(Side::Sell));
                }
            }
            Channel::Bbo { .. } => {
                let b = self.books.bbo(instrument);
                snap.bids.extend(b.bid);
                snap.asks.extend(b.ask);
            }
            Channel::Trades { .. } => {}
        }
        Ok(())
    }

    fn counter(&self, channel: Channel) -> Option<&Counter> {
        let ch = self.channels.get(channel.instrument().0 as usize)?;
        match channel {
            Channel::Book {
                depth: Depth::Full, ..
            } => Some(&ch.full),
            Channel::Bbo { .. } => Some(&ch.bbo),
            Channel::Trades { .. } => Some(&ch.trades),
            Channel::Book {
                depth: Depth::Top(n),
                ..
            } => ch
                .tops
                .binary_search_by_key(&(n as usize), |t| t.view.n())
                .ok()
                .map(|i| &ch.tops[i].counter),
        }
    }

    /// The index of a channel's instrument, after checking the channel.
    fn instrument(&self, channel: Channel) -> Result<usize, FeedError> {
        if let Channel::Book { depth, .. } = channel {
            depth.check()?;
        }
        let inst = channel.instrument();
        if inst.0 as usize >= self.channels.len() {
            return Err(FeedError::UnknownInstrument(inst));
        }
        Ok(inst.0 as usize)
    }

    fn sync_instruments(&mut self) {
        let n = self.books.instruments();
        if self.channels.len() < n {
            self.channels.resize_with(n, InstrumentChannels::default);
        }
    }
}
