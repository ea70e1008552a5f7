//! [`matchcore`] 0.4: a deterministic single-threaded book (BTreeMap of levels, slab of orders).

use std::collections::HashMap;

use anyhow::Result;
use matchcore::{
    AmendCmd, AmendPatch, CancelCmd, Command, CommandKind, CommandMeta, CommandOutcome, LimitOrder,
    LimitOrderPatch, NewOrder, OrderBook, OrderFlags, OrderId, OrderKind, Price, Quantity,
    QuantityPolicy, SequenceNumber, SubmitCmd, TimeInForce, Timestamp,
};

use super::unsigned;
use crate::ops::{Op, Side, Tif, Universe};
use crate::venue::{Outcome, Venue};

/// An order id matchcore never assigns: cancels of orders it never saw name this one.
const NEVER: OrderId = OrderId(u64::MAX);

/// One matchcore book per instrument.
#[derive(Debug)]
pub struct MatchcoreVenue {
    books: Vec<OrderBook>,
    /// Per book: the next sequence number (matchcore requires them consecutive from 0).
    next_seq: Vec<u64>,
    /// Generator order id to matchcore's id (the sequence number of the submit).
    ids: HashMap<u64, OrderId>,
}

/// A prepared matchcore command and the book it goes to.
#[derive(Debug)]
pub struct MatchcoreCommand {
    book: u32,
    command: Command,
}

impl Venue for MatchcoreVenue {
    const NAME: &'static str = "matchcore";
    const NOTES: &'static str = "matchcore 0.4: one book per symbol; order ids are the submit's \
        sequence number (mapped in prepare); Move = amend price (loses priority, may trade), \
        Reduce = amend quantity (keeps priority); returns an outcome with Vecs per command; \
        no accounts or balances. Bug in 0.4.0: a crossing limit order (or amend) is matched \
        with no limit price, so it trades through its limit like a market order; its book then \
        drifts from the stream's and later cancels/amends of orders it filled are rejected";
    type Command = MatchcoreCommand;

    fn setup(universe: &Universe) -> Result<Self> {
        Ok(MatchcoreVenue {
            books: (0..universe.symbols)
                .map(|s| OrderBook::new(&format!("S{s}")))
                .collect(),
            next_seq: vec![0; universe.symbols as usize],
            ids: HashMap::new(),
        })
    }

    fn prepare(&mut self, ops: &[Op]) -> Result<Vec<MatchcoreCommand>> {
        ops.iter().map(|op| self.translate(op)).collect()
    }

    fn apply(&mut self, command: &MatchcoreCommand) -> Outcome {
        match self.books[command.book as usize].execute(&command.command) {
            CommandOutcome::Applied(_) => Outcome::Accepted,
            CommandOutcome::Rejected(_) => Outcome::Rejected,
        }
    }
}

impl MatchcoreVenue {
    fn translate(&mut self, op: &Op) -> Result<MatchcoreCommand> {
        let book = op.symbol();
        let seq = &mut self.next_seq[book as usize];
        let meta = CommandMeta {
            sequence_number: SequenceNumber(*seq),
            timestamp: Timestamp(*seq),
        };
        *seq += 1;
        let kind = match *op {
            Op::Place {
                oid,
                side,
                price,
                qty,
                tif,
                ..
            } => {
                self.ids.insert(oid, OrderId(meta.sequence_number.0));
                CommandKind::Submit(SubmitCmd {
                    order: NewOrder::Limit(LimitOrder::new(
                        Price(unsigned(price, "price")?),
                        QuantityPolicy::Standard {
                            quantity: Quantity(unsigned(qty, "quantity")?),
                        },
                        OrderFlags::new(side_of(side), false, tif_of(tif)),
                    )),
                })
            }
            Op::Cancel { oid, .. } => CommandKind::Cancel(CancelCmd {
                order_id: self.id(oid),
                order_kind: OrderKind::Limit,
            }),
            Op::Move { oid, price, .. } => CommandKind::Amend(AmendCmd {
                order_id: self.id(oid),
                patch: AmendPatch::Limit(
                    LimitOrderPatch::new().with_price(Price(unsigned(price, "price")?)),
                ),
            }),
            Op::Reduce { oid, open, .. } => CommandKind::Amend(AmendCmd {
                order_id: self.id(oid),
                patch: AmendPatch::Limit(LimitOrderPatch::new().with_quantity_policy(
                    QuantityPolicy::Standard {
                        quantity: Quantity(unsigned(open, "open quantity")?),
                    },
                )),
            }),
        };
        Ok(MatchcoreCommand {
            book,
            command: Command { meta, kind },
        })
    }

    fn id(&self, oid: u64) -> OrderId {
        self.ids.get(&oid).copied().unwrap_or(NEVER)
    }
}

fn side_of(side: Side) -> matchcore::Side {
    match side {
        Side::Buy => matchcore::Side::Buy,
        Side::Sell => matchcore::Side::Sell,
    }
}

fn tif_of(tif: Tif) -> TimeInForce {
    match tif {
        Tif::Gtc => TimeInForce::Gtc,
        Tif::Ioc => TimeInForce::Ioc,
    }
}
