//! Private stream state per account: the per-account sequence number, the sessions logged on to
//! it, and its open orders as this gateway knows them (seeded by the logon snapshot, then kept
//! up to date from engine events).

use rustc_hash::FxHashMap as HashMap;
use tradestream_engine::OpenOrder;
use tradestream_model::{
    ClientOrderId, InstrumentId, OrderId, OrderType, Price, Qty, Side, TimeInForce, Timestamp,
};

/// An open order as the private stream reports it.
#[derive(Debug, Clone, Copy)]
pub struct OrderView {
    /// Engine order id.
    pub order_id: OrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Limit or market.
    pub order_type: OrderType,
    /// Limit price.
    pub price: Price,
    /// Total quantity.
    pub qty: Qty,
    /// Filled so far.
    pub filled: Qty,
    /// Still open.
    pub leaves: Qty,
    /// Time in force (known from a snapshot; events do not carry it).
    pub tif: Option<TimeInForce>,
    /// Post-only (known from a snapshot).
    pub post_only: Option<bool>,
    /// Accepted at.
    pub ts: Timestamp,
}

impl OrderView {
    /// From an engine snapshot entry.
    pub fn from_open(o: &OpenOrder) -> OrderView {
        OrderView {
            order_id: o.order_id,
            instrument: o.instrument,
            side: o.side,
            order_type: OrderType::Limit,
            price: o.price,
            qty: o.qty,
            filled: Qty(o.qty.0 - o.leaves.0),
            leaves: o.leaves,
            tif: Some(o.tif),
            post_only: Some(o.post_only),
            ts: o.entered,
        }
    }

    /// `new`, `partially_filled` or `filled`.
    pub fn status(&self) -> &'static str {
        if self.leaves.0 == 0 && self.filled.0 > 0 {
            "filled"
        } else if self.filled.0 > 0 {
            "partially_filled"
        } else {
            "new"
        }
    }
}

/// One account's private stream.
#[derive(Debug, Default)]
pub struct AccountState {
    /// Last private sequence number used.
    pub private_seq: u64,
    /// Logged-on sessions.
    pub sessions: Vec<u32>,
    /// Open orders by client order id.
    pub orders: HashMap<ClientOrderId, OrderView>,
}

impl AccountState {
    /// The next private sequence number.
    pub fn next_seq(&mut self) -> u64 {
        self.private_seq += 1;
        self.private_seq
    }
}
