//! [`orderbook_rs`] 0.15: a concurrent book (crossbeam skiplist of levels, DashMap of orders).

use anyhow::Result;
use orderbook_rs::{Id, OrderBook, TimeInForce};
use pricelevel::{OrderUpdate, Price, Quantity};

use super::unsigned;
use crate::ops::{Op, Side, Tif, Universe};
use crate::venue::{Outcome, Venue};

/// One orderbook-rs book per instrument.
pub struct OrderbookRsVenue {
    books: Vec<OrderBook<()>>,
}

/// A prepared orderbook-rs call.
#[derive(Debug)]
pub enum OrderbookRsCommand {
    /// `add_limit_order`.
    Add {
        /// Instrument index.
        book: u32,
        /// Order id (the generator's, as `Id::Sequential`).
        id: Id,
        /// Price in ticks.
        price: u128,
        /// Quantity in lots.
        qty: u64,
        /// Side.
        side: orderbook_rs::Side,
        /// GTC or IOC.
        tif: TimeInForce,
    },
    /// `cancel_order`.
    Cancel {
        /// Instrument index.
        book: u32,
        /// Order id.
        id: Id,
    },
    /// `update_order` (price or quantity).
    Update {
        /// Instrument index.
        book: u32,
        /// The update.
        update: OrderUpdate,
    },
}

impl Venue for OrderbookRsVenue {
    const NAME: &'static str = "orderbook-rs";
    const NOTES: &'static str = "orderbook-rs 0.15: one book per symbol, built for concurrent \
        access (atomics, skiplist, DashMap) and stamping each order from the wall clock; \
        Move = update_order(UpdatePrice) (re-adds at the back, may trade), Reduce = \
        update_order(UpdateQuantity) (keeps priority); an IOC remainder comes back as an error, \
        counted as a reject; no accounts or balances";
    type Command = OrderbookRsCommand;

    fn setup(universe: &Universe) -> Result<Self> {
        Ok(OrderbookRsVenue {
            books: (0..universe.symbols)
                .map(|s| OrderBook::new(&format!("S{s}")))
                .collect(),
        })
    }

    fn prepare(&mut self, ops: &[Op]) -> Result<Vec<OrderbookRsCommand>> {
        ops.iter().map(translate).collect()
    }

    fn apply(&mut self, command: &OrderbookRsCommand) -> Outcome {
        let accepted = match *command {
            OrderbookRsCommand::Add {
                book,
                id,
                price,
                qty,
                side,
                tif,
            } => self.books[book as usize]
                .add_limit_order(id, price, qty, side, tif, None)
                .is_ok(),
            OrderbookRsCommand::Cancel { book, id } => {
                matches!(self.books[book as usize].cancel_order(id), Ok(Some(_)))
            }
            OrderbookRsCommand::Update { book, update } => {
                self.books[book as usize].update_order(update).is_ok()
            }
        };
        if accepted {
            Outcome::Accepted
        } else {
            Outcome::Rejected
        }
    }
}

fn translate(op: &Op) -> Result<OrderbookRsCommand> {
    let book = op.symbol();
    Ok(match *op {
        Op::Place {
            oid,
            side,
            price,
            qty,
            tif,
            ..
        } => OrderbookRsCommand::Add {
            book,
            id: Id::Sequential(oid),
            price: u128::from(unsigned(price, "price")?),
            qty: unsigned(qty, "quantity")?,
            side: match side {
                Side::Buy => orderbook_rs::Side::Buy,
                Side::Sell => orderbook_rs::Side::Sell,
            },
            tif: match tif {
                Tif::Gtc => TimeInForce::Gtc,
                Tif::Ioc => TimeInForce::Ioc,
            },
        },
        Op::Cancel { oid, .. } => OrderbookRsCommand::Cancel {
            book,
            id: Id::Sequential(oid),
        },
        Op::Move { oid, price, .. } => OrderbookRsCommand::Update {
            book,
            update: OrderUpdate::UpdatePrice {
                order_id: Id::Sequential(oid),
                new_price: Price::new(u128::from(unsigned(price, "price")?)),
            },
        },
        Op::Reduce { oid, open, .. } => OrderbookRsCommand::Update {
            book,
            update: OrderUpdate::UpdateQuantity {
                order_id: Id::Sequential(oid),
                new_quantity: Quantity::new(unsigned(open, "open quantity")?),
            },
        },
    })
}
