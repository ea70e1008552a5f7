//! Market-maker quotes: two sides placed, and the previous quote replaced, in one command.

use crate::{AccountId, ClientOrderId, InstrumentId, Price, Qty};

/// One side of a quote; `qty` 0 means the side is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteSide {
    /// Limit price in ticks.
    pub price: Price,
    /// Quantity in lots; 0: no order on this side.
    pub qty: Qty,
}

impl QuoteSide {
    /// True when the side asks for an order (its quantity is not 0).
    pub fn is_present(&self) -> bool {
        self.qty.0 != 0
    }
}

/// A two-sided quote that atomically replaces the account's previous quote on the instrument:
/// the previous quote's open orders are cancelled (`replaced`) and each present side becomes a
/// GTC limit order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// Owner.
    pub account: AccountId,
    /// Instrument, `None` when the symbol is not listed (rejected `unknown_symbol`).
    pub instrument: Option<InstrumentId>,
    /// The quote's own id: whole-quote rejects and `Quoted` carry it; used up like an order id.
    pub id: ClientOrderId,
    /// Client order id of the bid order.
    pub bid_id: ClientOrderId,
    /// Client order id of the ask order.
    pub ask_id: ClientOrderId,
    /// Buy side.
    pub bid: QuoteSide,
    /// Sell side.
    pub ask: QuoteSide,
}
