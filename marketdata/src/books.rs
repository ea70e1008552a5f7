//! [`Books`]: the engine's order books rebuilt from its events, L3 in, L2 out.
//!
//! How the engine's events map onto the book (see `engine/core/src/handlers` and `matching.rs`):
//!
//! - `accepted` opens the command's *taker*; it is not on the book. Its trades (it is the
//!   `taker` of each) lower what is left of it; `filled` or `cancelled` for it ends it. A limit
//!   taker still alive when the command ends rests with what is left, at its price. A market
//!   order always ends in `filled` or `cancelled`.
//! - `trade` lowers its maker (a resting order) by the traded quantity; a maker reaching zero
//!   leaves the book (its `filled` event follows and changes nothing more).
//! - `cancelled` for a resting order (user, mass, expiry, self-trade prevention) takes it off.
//! - `amended` at the same price with a quantity not above the old one lowers the order in
//!   place. Any other amend takes the order off the book and makes it the command's taker: an
//!   amend across the book trades next, exactly like an arriving order, and whatever is left
//!   rests at the new price when the command ends (for an amend that does not cross, all of it).
//! - `rejected`, `error` and events this crate does not know change nothing.

use crate::level::BookSide;
use crate::orders::{OrderKey, Orders, Resting, SeedOrder};
use crate::update::{Bbo, Item, LevelChange, Trade, Updates};
use tradestream_model::{
    AccountId, ClientOrderId, Event, InstrumentId, OrderType, Price, Qty, Side, Timestamp,
};

/// Price levels each book side is pre-sized for by [`Books::new`].
pub const DEFAULT_LEVELS_PER_SIDE: usize = 64;

/// The order that the current command is matching (a new order or a re-priced amend).
#[derive(Debug, Clone, Copy)]
struct Taker {
    key: OrderKey,
    instrument: u32,
    side: Side,
    price: Price,
    remaining: Qty,
    /// Limit orders rest when the command ends with something left; market orders never do.
    may_rest: bool,
}

/// A level changed by the current command.
#[derive(Debug, Clone, Copy)]
struct Touched {
    instrument: u32,
    side: Side,
    price: Price,
}

/// Best bid and best ask: `(price, total quantity)` of each side's best level.
type Best = (Option<(Price, Qty)>, Option<(Price, Qty)>);

/// One instrument's two book sides and its last published best bid and offer.
#[derive(Debug, Clone)]
struct InstrumentBook {
    bids: BookSide,
    asks: BookSide,
    bbo: Best,
    /// The command (epoch) that last touched it.
    epoch: u64,
}

impl InstrumentBook {
    fn new(levels: usize) -> InstrumentBook {
        InstrumentBook {
            bids: BookSide::new(Side::Buy, levels),
            asks: BookSide::new(Side::Sell, levels),
            bbo: (None, None),
            epoch: 0,
        }
    }

    fn side(&self, side: Side) -> &BookSide {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }

    fn side_mut(&mut self, side: Side) -> &mut BookSide {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    fn best(&self) -> Best {
        (self.bids.best(), self.asks.best())
    }
}

/// L2 books of every instrument, rebuilt from the engine's event stream.
///
/// Feed it each event of one command with [`Books::apply`], then call [`Books::end_command`]
/// once, which writes the command's net changes. Pure: no I/O, no clock, no threads.
///
/// Allocation: structures are sized at construction. A command allocates only when it needs
/// more than was ever needed before (a new instrument, more price levels on a side, more
/// resting orders than expected, more updates in one command than the caller's buffer held).
#[derive(Debug, Clone)]
pub struct Books {
    insts: Vec<InstrumentBook>,
    orders: Orders,
    taker: Option<Taker>,
    /// Counts commands; levels and instruments remember the last one that touched them.
    epoch: u64,
    touched: Vec<Touched>,
    touched_insts: Vec<u32>,
    /// Trades of the current command (their `ts` is set when it ends).
    trades: Vec<Trade>,
    levels_per_side: usize,
    unknown: u64,
}

impl Books {
    /// Empty books for `instruments` instruments, pre-sized for `expected_orders` resting orders
    /// and [`DEFAULT_LEVELS_PER_SIDE`] levels per side.
    pub fn new(instruments: usize, expected_orders: usize) -> Books {
        Books::with_levels(instruments, expected_orders, DEFAULT_LEVELS_PER_SIDE)
    }

    /// As [`Books::new`], with each book side pre-sized for `levels_per_side` levels.
    pub fn with_levels(
        instruments: usize,
        expected_orders: usize,
        levels_per_side: usize,
    ) -> Books {
        let mut b = Books {
            insts: Vec::with_capacity(instruments),
            orders: Orders::with_capacity(expected_orders),
            taker: None,
            epoch: 1,
            touched: Vec::with_capacity(2 * levels_per_side),
            touched_insts: Vec::with_capacity(instruments.max(1)),
            trades: Vec::with_capacity(levels_per_side),
            levels_per_side,
            unknown: 0,
        };
        b.ensure_instruments(instruments);
        b
    }

    /// Makes sure instruments `0..count` exist (empty). Events naming a higher instrument add it
    /// on their own; call this when the engine lists an instrument, before anyone asks for it.
    pub fn ensure_instruments(&mut self, count: usize) {
        while self.insts.len() < count {
            self.insts.push(InstrumentBook::new(self.levels_per_side));
        }
    }

    /// Number of instruments known.
    pub fn instruments(&self) -> usize {
        self.insts.len()
    }

    /// Adds a resting order, between commands (at start-up, from the engine's open orders).
    /// Changes the books without producing updates. An order already known is replaced.
    pub fn seed(&mut self, order: SeedOrder) {
        if !order.leaves.is_valid() {
            return;
        }
        let inst = order.instrument.0;
        self.ensure_instruments(inst as usize + 1);
        let key = (order.account, order.id);
        let resting = Resting {
            instrument: inst,
            side: order.side,
            price: order.price,
            leaves: order.leaves,
        };
        if let Some(old) = self.orders.insert(key, resting) {
            self.level_add(old.instrument, old.side, old.price, -old.leaves.0);
        }
        self.level_add(inst, order.side, order.price, order.leaves.0);
        self.settle_instruments();
        // Seeding is not a command: nothing is published, so forget what it touched.
        self.touched.clear();
        self.touched_insts.clear();
        self.epoch += 1;
    }

    /// Applies one event of the current command.
    pub fn apply(&mut self, ev: &Event) {
        match *ev {
            Event::Accepted {
                account,
                id,
                instrument,
                side,
                order_type,
                price,
                qty,
                ..
            } => {
                self.rest_taker();
                self.ensure_instruments(instrument.0 as usize + 1);
                self.taker = Some(Taker {
                    key: (account, id),
                    instrument: instrument.0,
                    side,
                    price,
                    remaining: qty,
                    may_rest: order_type == OrderType::Limit,
                });
            }
            Event::Trade {
                instrument,
                trade_id,
                price,
                qty,
                maker_account,
                maker_id,
                taker_account,
                taker_id,
                taker_side,
            } => {
                self.ensure_instruments(instrument.0 as usize + 1);
                self.touch_instrument(instrument.0);
                self.trades.push(Trade {
                    instrument,
                    trade_id,
                    price,
                    qty,
                    taker_side,
                    ts: Timestamp(0),
                });
                self.reduce_resting(&(maker_account, maker_id), qty);
                match &mut self.taker {
                    Some(t) if t.key == (taker_account, taker_id) => t.remaining.0 -= qty.0,
                    _ => self.unknown += 1,
                }
            }
            Event::Cancelled { account, id, .. } | Event::Filled { account, id, .. } => {
                self.close(account, id);
            }
            Event::Amended {
                account,
                id,
                price,
                leaves_qty,
                ..
            } => self.amend(account, id, price, leaves_qty),
            _ => {}
        }
    }

    /// Ends the current command: rests its taker if it is still alive, then writes the
    /// command's net changes into `out` (cleared first), trades stamped `ts`.
    ///
    /// Order: instruments ascending; for each, one [`Update::Book`](crate::Update::Book) with
    /// its changed levels (bids best first, then asks best first; a level changed several times
    /// appears once with its final quantity, a level back where it started not at all), then
    /// its trades in engine order, then an [`Update::Bbo`](crate::Update::Bbo) if its best bid
    /// or ask price or quantity changed.
    pub fn end_command(&mut self, ts: Timestamp, out: &mut Updates) {
        self.rest_taker();
        out.clear();
        self.touched_insts.sort_unstable();
        // Instruments ascending, then bids best (highest) first, then asks best (lowest) first.
        self.touched.sort_unstable_by_key(|t| match t.side {
            Side::Buy => (t.instrument, false, -t.price.0),
            Side::Sell => (t.instrument, true, t.price.0),
        });
        let mut next = 0;
        for &inst in &self.touched_insts {
            let book = &mut self.insts[inst as usize];
            let start = out.changes.len();
            while let Some(t) = self.touched.get(next).filter(|t| t.instrument == inst) {
                let (now, before) = book.side(t.side).now_and_before(t.price);
                if now != before {
                    out.changes.push(LevelChange {
                        side: t.side,
                        price: t.price,
                        qty: now,
                    });
                }
                next += 1;
            }
            let instrument = InstrumentId(inst);
            if out.changes.len() > start {
                out.items.push(Item::Book {
                    instrument,
                    start: start as u32,
                    end: out.changes.len() as u32,
                });
            }
            for t in self.trades.iter().filter(|t| t.instrument == instrument) {
                out.items.push(Item::Trade(Trade { ts, ..*t }));
            }
            book.bids.sweep();
            book.asks.sweep();
            let best = book.best();
            if best != book.bbo {
                book.bbo = best;
                out.items.push(Item::Bbo(Bbo {
                    instrument,
                    bid: best.0,
                    ask: best.1,
                }));
            }
        }
        self.touched.clear();
        self.touched_insts.clear();
        self.trades.clear();
        self.epoch += 1;
    }

    /// Aggregated levels of one side of a book, best first (empty for an unknown instrument).
    pub fn depth(
        &self,
        instrument: InstrumentId,
        side: Side,
    ) -> impl Iterator<Item = (Price, Qty)> + '_ {
        self.insts
            .get(instrument.0 as usize)
            .into_iter()
            .flat_map(move |b| b.side(side).iter())
    }

    /// Number of price levels on one side of a book.
    pub fn levels(&self, instrument: InstrumentId, side: Side) -> usize {
        self.insts
            .get(instrument.0 as usize)
            .map_or(0, |b| b.side(side).len())
    }

    /// The best bid and offer of an instrument.
    pub fn bbo(&self, instrument: InstrumentId) -> Bbo {
        let (bid, ask) = self
            .insts
            .get(instrument.0 as usize)
            .map_or((None, None), InstrumentBook::best);
        Bbo {
            instrument,
            bid,
            ask,
        }
    }

    /// Number of resting orders.
    pub fn resting(&self) -> usize {
        self.orders.len()
    }

    /// Every resting order, sorted by instrument, side (bids first), price, account and client
    /// order id. Allocates; for tools and tests (for example to seed another `Books`).
    pub fn resting_orders(&self) -> Vec<SeedOrder> {
        self.orders.sorted()
    }

    /// Events that named an order these books do not hold (or a trade whose taker was not the
    /// command's taker). Always zero when every event since an exact seed was applied; anything
    /// else means the books have drifted from the engine and should be rebuilt.
    pub fn unknown_orders(&self) -> u64 {
        self.unknown
    }

    fn touch_instrument(&mut self, inst: u32) {
        let epoch = self.epoch;
        let book = &mut self.insts[inst as usize];
        if book.epoch != epoch {
            book.epoch = epoch;
            self.touched_insts.push(inst);
        }
    }

    fn level_add(&mut self, inst: u32, side: Side, price: Price, delta: i64) {
        self.touch_instrument(inst);
        let epoch = self.epoch;
        if self.insts[inst as usize]
            .side_mut(side)
            .add(price, delta, epoch)
        {
            self.touched.push(Touched {
                instrument: inst,
                side,
                price,
            });
        }
    }

    /// Recomputes the stored best bid and offer of every touched instrument and drops emptied
    /// levels, without publishing (seeding).
    fn settle_instruments(&mut self) {
        for &inst in &self.touched_insts {
            let book = &mut self.insts[inst as usize];
            book.bids.sweep();
            book.asks.sweep();
            book.bbo = book.best();
        }
    }

    /// Lowers a resting order by a traded quantity; it leaves the book at zero.
    fn reduce_resting(&mut self, key: &OrderKey, qty: Qty) {
        let Some(o) = self.orders.get_mut(key) else {
            self.unknown += 1;
            return;
        };
        let take = qty.0.min(o.leaves.0);
        o.leaves.0 -= take;
        let o = *o;
        if o.leaves.0 == 0 {
            self.orders.remove(key);
        }
        self.level_add(o.instrument, o.side, o.price, -take);
    }

    /// `filled` or `cancelled`: the taker ends, or a resting order leaves the book.
    fn close(&mut self, account: AccountId, id: ClientOrderId) {
        let key = (account, id);
        if self.taker.is_some_and(|t| t.key == key) {
            self.taker = None;
            return;
        }
        if let Some(o) = self.orders.remove(&key) {
            self.level_add(o.instrument, o.side, o.price, -o.leaves.0);
        }
        // A maker's `filled` follows the trade that already took it off: nothing to do.
    }

    fn amend(&mut self, account: AccountId, id: ClientOrderId, price: Price, leaves: Qty) {
        let key = (account, id);
        let Some(o) = self.orders.get(&key).copied() else {
            self.unknown += 1;
            return;
        };
        if price == o.price && leaves <= o.leaves {
            // Keeps its place in the queue: lowered in place.
            if let Some(r) = self.orders.get_mut(&key) {
                r.leaves = leaves;
            }
            self.level_add(o.instrument, o.side, o.price, leaves.0 - o.leaves.0);
            return;
        }
        // Loses its place: off the book, and the command's taker until it ends.
        self.rest_taker();
        self.orders.remove(&key);
        self.level_add(o.instrument, o.side, o.price, -o.leaves.0);
        self.taker = Some(Taker {
            key,
            instrument: o.instrument,
            side: o.side,
            price,
            remaining: leaves,
            may_rest: true,
        });
    }

    /// Puts the taker on the book if it may rest and has something left.
    fn rest_taker(&mut self) {
        let Some(t) = self.taker.take() else {
            return;
        };
        if !t.may_rest || !t.remaining.is_valid() {
            return;
        }
        self.orders.insert(
            t.key,
            Resting {
                instrument: t.instrument,
                side: t.side,
                price: t.price,
                leaves: t.remaining,
            },
        );
        self.level_add(t.instrument, t.side, t.price, t.remaining.0);
    }
}
