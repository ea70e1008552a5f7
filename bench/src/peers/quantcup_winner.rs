//! The QuantCup 1 winning engine ("voyager"), ported line for line to safe Rust from the C in
//! the `lobster` crate's `quantcup/engine.c` (lobster 0.7.0 ships the C source, not a binding).
//!
//! The design, as its author describes it: a flat array of price points indexed by price (16-bit
//! prices), each holding a singly linked FIFO of entries taken from a bump-allocated arena whose
//! index is the order id; `ask_min`/`bid_max` are only moved by matching; a cancel just zeroes the
//! entry's size and matching skips zero-sized entries. Trades print at the incoming order's price,
//! as in the original. It keeps no accounts, balances, or order lookups: the practical floor.

use std::collections::HashMap;

use anyhow::{ensure, Result};

use super::unsigned;
use crate::ops::{Op, Side, Tif, Universe};
use crate::venue::{Outcome, Venue};

/// `MAX_PRICE` of the original: prices are `unsigned short`.
const MAX_PRICE: usize = 65_536;
/// `MIN_PRICE` of the original.
const MIN_PRICE: usize = 1;
/// The null link (arena index 0 is never handed out: ids start at 1).
const NIL: u32 = 0;

/// `orderBookEntry_t`: one resting order.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    size: u64,
    next: u32,
    trader: u32,
}

/// `pricePoint_t`: the FIFO at one price.
#[derive(Debug, Clone, Copy, Default)]
struct PricePoint {
    head: u32,
    tail: u32,
}

/// The engine's whole state, as the original's globals.
#[derive(Debug)]
pub struct QuantcupWinner {
    price_points: Vec<PricePoint>,
    arena: Vec<Entry>,
    cur_order_id: u32,
    ask_min: usize,
    bid_max: usize,
    /// Execution reports emitted (two per trade, as the original's `execution` callback).
    reports: u64,
    /// Lots traded.
    volume: u64,
    /// A digest of every report (buyer, seller, price, size), standing in for the callback.
    digest: u64,
    /// Prepare-time: generator id to arena id, and the next id `limit` will hand out.
    ids: HashMap<u64, u32>,
    next_id: u32,
}

/// One incoming limit order (`t_order` without the strings).
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    buy: bool,
    price: usize,
    size: u64,
    trader: u32,
}

/// A prepared call sequence.
#[derive(Debug, Clone, Copy)]
pub enum WinnerCommand {
    /// `limit(order)`.
    Limit(Limit),
    /// `limit(order)`, then `cancel` of the id it returned (IOC).
    Ioc(Limit),
    /// `cancel(id)`.
    Cancel(u32),
    /// `cancel(id)`, then `limit(order)` (Move and Reduce).
    Replace(u32, Limit),
}

impl Venue for QuantcupWinner {
    const NAME: &'static str = "quantcup-winner";
    const NOTES: &'static str = "QuantCup 1 winner (C engine from the lobster crate, ported to \
        safe Rust): one symbol, prices below 65,536; lazy cancel (size = 0, skipped when \
        matched); no IOC: limit + cancel of the returned id; no amend: Move and Reduce = cancel \
        + new limit; no accounts, balances or order lookup";
    type Command = WinnerCommand;

    fn setup(universe: &Universe) -> Result<Self> {
        ensure!(
            universe.symbols == 1,
            "one symbol only (the engine is one global book), this workload has {}",
            universe.symbols
        );
        ensure!(
            universe.max_price < MAX_PRICE as i64,
            "prices are 16-bit, this workload goes up to {}",
            universe.max_price
        );
        Ok(QuantcupWinner {
            price_points: vec![PricePoint::default(); MAX_PRICE + 1],
            arena: vec![Entry::default()],
            cur_order_id: 0,
            ask_min: MAX_PRICE + 1,
            bid_max: MIN_PRICE - 1,
            reports: 0,
            volume: 0,
            digest: 0,
            ids: HashMap::new(),
            next_id: 1,
        })
    }

    fn prepare(&mut self, ops: &[Op]) -> Result<Vec<WinnerCommand>> {
        let commands = ops
            .iter()
            .map(|op| self.translate(op))
            .collect::<Result<Vec<_>>>()?;
        // The original's arena is static; size ours for every id these commands hand out.
        self.arena
            .resize(self.next_id as usize + 1, Entry::default());
        Ok(commands)
    }

    fn apply(&mut self, command: &WinnerCommand) -> Outcome {
        match *command {
            WinnerCommand::Limit(order) => {
                self.limit(order);
            }
            WinnerCommand::Ioc(order) => {
                let id = self.limit(order);
                self.cancel(id);
            }
            WinnerCommand::Cancel(id) => self.cancel(id),
            WinnerCommand::Replace(id, order) => {
                self.cancel(id);
                self.limit(order);
            }
        }
        Outcome::Accepted
    }
}

impl QuantcupWinner {
    /// Execution reports emitted so far (two per trade).
    pub fn reports(&self) -> u64 {
        self.reports
    }

    /// Lots traded so far.
    pub fn volume(&self) -> u64 {
        self.volume
    }

    fn translate(&mut self, op: &Op) -> Result<WinnerCommand> {
        Ok(match *op {
            Op::Place {
                oid,
                account,
                side,
                price,
                qty,
                tif,
                ..
            } => {
                let limit = self.new_limit(oid, account, side, price, qty)?;
                match tif {
                    Tif::Gtc => WinnerCommand::Limit(limit),
                    Tif::Ioc => WinnerCommand::Ioc(limit),
                }
            }
            Op::Cancel { oid, .. } => WinnerCommand::Cancel(self.id(oid)),
            Op::Move {
                oid,
                account,
                side,
                price,
                open,
                ..
            }
            | Op::Reduce {
                oid,
                account,
                side,
                price,
                open,
                ..
            } => {
                let old = self.id(oid);
                WinnerCommand::Replace(old, self.new_limit(oid, account, side, price, open)?)
            }
        })
    }

    /// A limit order for generator order `oid`, which gets the next id `limit` hands out.
    fn new_limit(
        &mut self,
        oid: u64,
        account: u32,
        side: Side,
        price: i64,
        qty: i64,
    ) -> Result<Limit> {
        let price = unsigned(price, "price")? as usize;
        ensure!(price < MAX_PRICE, "price {price} does not fit 16 bits");
        self.ids.insert(oid, self.next_id);
        self.next_id += 1;
        Ok(Limit {
            buy: side == Side::Buy,
            price,
            size: unsigned(qty, "quantity")?,
            trader: account,
        })
    }

    /// The arena id of a generator order; unknown orders map to the never-used entry 0, whose
    /// cancel is a harmless store, as cancelling a spent id is in the original.
    fn id(&self, oid: u64) -> u32 {
        self.ids.get(&oid).copied().unwrap_or(NIL)
    }

    /// A digest of all execution reports so far.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    /// `EXECUTE_TRADE`: report both sides unless the resting entry was cancelled.
    fn execute_trade(&mut self, buyer: u32, seller: u32, price: usize, size: u64) {
        if size == 0 {
            return;
        }
        self.reports += 2;
        self.volume += size;
        let report = (u64::from(buyer) << 32 | u64::from(seller)) ^ (price as u64) ^ (size << 16);
        self.digest = self.digest.rotate_left(5) ^ report;
    }

    /// `limit()`: match against the opposite side, rest the remainder; returns the new id.
    fn limit(&mut self, order: Limit) -> u32 {
        let price = order.price;
        let mut order_size = order.size;
        if order.buy {
            if price >= self.ask_min {
                let mut pp = self.ask_min;
                loop {
                    let mut entry = self.price_points[pp].head;
                    while entry != NIL {
                        let book = self.arena[entry as usize];
                        if book.size < order_size {
                            self.execute_trade(order.trader, book.trader, price, book.size);
                            order_size -= book.size;
                            entry = book.next;
                        } else {
                            self.execute_trade(order.trader, book.trader, price, order_size);
                            if book.size > order_size {
                                self.arena[entry as usize].size -= order_size;
                            } else {
                                entry = book.next;
                            }
                            self.price_points[pp].head = entry;
                            self.cur_order_id += 1;
                            return self.cur_order_id;
                        }
                    }
                    self.price_points[pp].head = NIL;
                    pp += 1;
                    self.ask_min += 1;
                    if price < self.ask_min {
                        break;
                    }
                }
            }
            let id = self.rest(order, order_size);
            if self.bid_max < price {
                self.bid_max = price;
            }
            id
        } else {
            if price <= self.bid_max {
                let mut pp = self.bid_max;
                loop {
                    let mut entry = self.price_points[pp].head;
                    while entry != NIL {
                        let book = self.arena[entry as usize];
                        if book.size < order_size {
                            self.execute_trade(book.trader, order.trader, price, book.size);
                            order_size -= book.size;
                            entry = book.next;
                        } else {
                            self.execute_trade(book.trader, order.trader, price, order_size);
                            if book.size > order_size {
                                self.arena[entry as usize].size -= order_size;
                            } else {
                                entry = book.next;
                            }
                            self.price_points[pp].head = entry;
                            self.cur_order_id += 1;
                            return self.cur_order_id;
                        }
                    }
                    self.price_points[pp].head = NIL;
                    pp -= 1;
                    self.bid_max -= 1;
                    if price > self.bid_max {
                        break;
                    }
                }
            }
            let id = self.rest(order, order_size);
            if self.ask_min > price {
                self.ask_min = price;
            }
            id
        }
    }

    /// Takes the next arena entry and appends it to its price point (`ppInsertOrder`).
    fn rest(&mut self, order: Limit, size: u64) -> u32 {
        self.cur_order_id += 1;
        let id = self.cur_order_id;
        self.arena[id as usize] = Entry {
            size,
            next: NIL,
            trader: order.trader,
        };
        let pp = &mut self.price_points[order.price];
        if pp.head != NIL {
            let tail = pp.tail;
            pp.tail = id;
            self.arena[tail as usize].next = id;
        } else {
            pp.head = id;
            pp.tail = id;
        }
        id
    }

    /// `cancel()`: zero the entry's size; matching skips it.
    fn cancel(&mut self, id: u32) {
        self.arena[id as usize].size = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn universe() -> Universe {
        Universe {
            symbols: 1,
            accounts: 2,
            max_price: 200,
            max_qty: 100,
        }
    }

    fn place(oid: u64, side: Side, price: i64, qty: i64) -> Op {
        Op::Place {
            oid,
            account: 0,
            symbol: 0,
            side,
            price,
            qty,
            tif: Tif::Gtc,
        }
    }

    fn run(venue: &mut QuantcupWinner, ops: &[Op]) {
        let commands = venue.prepare(ops).expect("valid ops");
        for c in &commands {
            venue.apply(c);
        }
    }

    #[test]
    fn matches_fifo_and_skips_cancelled_entries() {
        let mut v = QuantcupWinner::setup(&universe()).expect("one symbol");
        run(
            &mut v,
            &[
                place(1, Side::Sell, 100, 5),
                place(2, Side::Sell, 100, 5),
                place(3, Side::Sell, 101, 5),
                Op::Cancel {
                    oid: 1,
                    account: 0,
                    symbol: 0,
                },
                place(4, Side::Buy, 101, 8),
            ],
        );
        assert_eq!(v.volume(), 8, "5 from order 2, 3 from order 3");
        assert_eq!(v.reports(), 4);
        assert_eq!(v.arena[3].size, 2);
        assert_eq!(v.ask_min, 101);
    }

    #[test]
    fn ioc_leaves_nothing_behind() {
        let mut v = QuantcupWinner::setup(&universe()).expect("one symbol");
        let ioc = Op::Place {
            oid: 1,
            account: 0,
            symbol: 0,
            side: Side::Buy,
            price: 100,
            qty: 5,
            tif: Tif::Ioc,
        };
        run(&mut v, &[ioc, place(2, Side::Sell, 100, 5)]);
        assert_eq!(v.volume(), 0);
        assert_eq!(v.arena[2].size, 5);
    }

    #[test]
    fn refuses_many_symbols_and_wide_prices() {
        let many = Universe {
            symbols: 2,
            ..universe()
        };
        assert!(QuantcupWinner::setup(&many).is_err());
        let wide = Universe {
            max_price: 70_000,
            ..universe()
        };
        assert!(QuantcupWinner::setup(&wide).is_err());
    }
}
