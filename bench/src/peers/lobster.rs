//! [`lobster`] 0.7: a compact single-threaded book (BTreeMap of price levels, order arena).

use anyhow::Result;
use lobster::{OrderBook, OrderEvent, OrderType};

use super::unsigned;
use crate::ops::{Op, Side, Tif, Universe};
use crate::venue::{Outcome, Venue};

/// lobster's default arena size for one book; many-symbol runs start each book smaller.
const ARENA: usize = 10_000;
/// lobster's default capacity of one price level's queue.
const QUEUE: usize = 10;

/// One lobster book per instrument.
#[derive(Debug)]
pub struct LobsterVenue {
    books: Vec<OrderBook>,
}

/// A prepared lobster call sequence and the book it goes to.
#[derive(Debug)]
pub struct LobsterCommand {
    book: u32,
    action: Action,
}

/// What `apply` sends to the book.
#[derive(Debug)]
enum Action {
    /// One `execute` call (limit or cancel).
    One(OrderType),
    /// A limit order, then a cancel of its id unless the limit filled completely.
    Ioc { limit: OrderType, cancel: OrderType },
    /// A cancel and a new limit order under the same id.
    Replace { cancel: OrderType, limit: OrderType },
}

impl Venue for LobsterVenue {
    const NAME: &'static str = "lobster";
    const NOTES: &'static str = "lobster 0.7: one book per symbol; no IOC: limit + cancel of \
        the remainder; no amend: Move and Reduce = cancel + new limit (Reduce loses priority); \
        cancel of an unknown order is not reported; no accounts or balances";
    type Command = LobsterCommand;

    fn setup(universe: &Universe) -> Result<Self> {
        let arena = (ARENA / universe.symbols.max(1) as usize).max(64);
        Ok(LobsterVenue {
            books: (0..universe.symbols)
                .map(|_| OrderBook::new(arena, QUEUE, false))
                .collect(),
        })
    }

    fn prepare(&mut self, ops: &[Op]) -> Result<Vec<LobsterCommand>> {
        ops.iter().map(translate).collect()
    }

    fn apply(&mut self, command: &LobsterCommand) -> Outcome {
        let book = &mut self.books[command.book as usize];
        match command.action {
            Action::One(order) => {
                book.execute(order);
            }
            Action::Ioc { limit, cancel } => {
                if !matches!(book.execute(limit), OrderEvent::Filled { .. }) {
                    book.execute(cancel);
                }
            }
            Action::Replace { cancel, limit } => {
                book.execute(cancel);
                book.execute(limit);
            }
        }
        Outcome::Accepted
    }
}

fn translate(op: &Op) -> Result<LobsterCommand> {
    let limit = |oid: u64, side: Side, price: i64, qty: i64| -> Result<OrderType> {
        Ok(OrderType::Limit {
            id: u128::from(oid),
            side: match side {
                Side::Buy => lobster::Side::Bid,
                Side::Sell => lobster::Side::Ask,
            },
            qty: unsigned(qty, "quantity")?,
            price: unsigned(price, "price")?,
        })
    };
    let cancel = |oid: u64| OrderType::Cancel {
        id: u128::from(oid),
    };
    let action = match *op {
        Op::Place {
            oid,
            side,
            price,
            qty,
            tif: Tif::Gtc,
            ..
        } => Action::One(limit(oid, side, price, qty)?),
        Op::Place {
            oid,
            side,
            price,
            qty,
            tif: Tif::Ioc,
            ..
        } => Action::Ioc {
            limit: limit(oid, side, price, qty)?,
            cancel: cancel(oid),
        },
        Op::Cancel { oid, .. } => Action::One(cancel(oid)),
        Op::Move {
            oid,
            side,
            price,
            open,
            ..
        }
        | Op::Reduce {
            oid,
            side,
            price,
            open,
            ..
        } => Action::Replace {
            cancel: cancel(oid),
            limit: limit(oid, side, price, open)?,
        },
    };
    Ok(LobsterCommand {
        book: op.symbol(),
        action,
    })
}
