//! The venue-neutral command stream every workload produces and every venue translates.
//!
//! Prices are integer ticks and quantities integer lots, never floats. `oid` is the generator's
//! own order id, unique within one stream; each venue maps it to its native id in
//! [`crate::venue::Venue::prepare`]. `Move` and `Reduce` also carry what the generator's reference
//! book knows about the order (side, price, open quantity), so that a venue without amend can
//! translate them into cancel + new without keeping state inside the timed region.

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Bid.
    Buy,
    /// Ask.
    Sell,
}

impl Side {
    /// The other side.
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
}

/// Time in force of a limit order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tif {
    /// Good till cancelled: the remainder rests.
    Gtc,
    /// Immediate or cancel: the remainder is cancelled.
    Ioc,
}

/// One command of a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// A new limit order.
    Place {
        /// Generator order id, unique in the stream.
        oid: u64,
        /// Owner.
        account: u32,
        /// Instrument index, below [`Universe::symbols`].
        symbol: u32,
        /// Buy or sell.
        side: Side,
        /// Limit price in ticks (at least 1).
        price: i64,
        /// Quantity in lots (at least 1).
        qty: i64,
        /// Time in force.
        tif: Tif,
    },
    /// Cancel an open order. The order may be gone already (filled); venues reject or ignore.
    Cancel {
        /// Generator order id.
        oid: u64,
        /// Owner.
        account: u32,
        /// Instrument index.
        symbol: u32,
    },
    /// Amend an open order's price; it loses time priority and may trade at the new price.
    Move {
        /// Generator order id.
        oid: u64,
        /// Owner.
        account: u32,
        /// Instrument index.
        symbol: u32,
        /// The order's side.
        side: Side,
        /// New limit price in ticks.
        price: i64,
        /// Open quantity in the reference book, for venues that must cancel and re-enter.
        open: i64,
    },
    /// Reduce an open order's quantity in place, keeping its time priority.
    Reduce {
        /// Generator order id.
        oid: u64,
        /// Owner.
        account: u32,
        /// Instrument index.
        symbol: u32,
        /// The order's side.
        side: Side,
        /// The order's price in ticks.
        price: i64,
        /// Lots taken off.
        by: i64,
        /// Open quantity left after the reduction (at least 1; a reduction to zero is a `Cancel`).
        open: i64,
    },
}

impl Op {
    /// The instrument the command addresses.
    pub fn symbol(&self) -> u32 {
        match *self {
            Op::Place { symbol, .. }
            | Op::Cancel { symbol, .. }
            | Op::Move { symbol, .. }
            | Op::Reduce { symbol, .. } => symbol,
        }
    }
}

/// What a venue must know before the first command: instruments to list, accounts to fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Universe {
    /// Instruments are `0..symbols`.
    pub symbols: u32,
    /// Accounts are `0..accounts`; fund each of them in setup, outside timing.
    pub accounts: u32,
    /// Highest limit price (ticks) any command of the workload uses.
    pub max_price: i64,
    /// Largest order quantity (lots) any command of the workload uses.
    pub max_qty: i64,
}
