//! The gateway's view of the orders of its sessions' accounts: what FIX reports need and the
//! engine's events do not repeat (the FIX ClOrdID chain, cumulative quantity, average price,
//! time in force), kept from the events and account snapshots in stream order.

use rustc_hash::FxHashMap as HashMap;
use tradestream_engine::OpenOrder;
use tradestream_model::{
    AccountId, ClientOrderId, InstrumentId, OrderId, OrderType, Price, Qty, Side, TimeInForce,
};

/// An order's state as FIX reports it (OrdStatus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Open, nothing filled.
    New,
    /// Open, partly filled.
    PartiallyFilled,
    /// Completely filled.
    Filled,
    /// Cancelled (by the owner, a mass cancel, a disconnect, an IOC remainder...).
    Canceled,
    /// A GTD order reached its expiry.
    Expired,
}

impl Status {
    /// The OrdStatus (39) value.
    pub fn code(self) -> &'static str {
        match self {
            Status::New => "0",
            Status::PartiallyFilled => "1",
            Status::Filled => "2",
            Status::Canceled => "4",
            Status::Expired => "C",
        }
    }

    /// True while the order may still trade.
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::PartiallyFilled)
    }
}

/// One order.
#[derive(Debug, Clone)]
pub struct Order {
    /// The account.
    pub account: AccountId,
    /// The engine's order id (OrderID, 37).
    pub order_id: OrderId,
    /// The engine's client order id: the order's first ClOrdID.
    pub engine_id: ClientOrderId,
    /// The latest ClOrdID (after replaces and cancels).
    pub cl_ord_id: String,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Limit or market.
    pub order_type: OrderType,
    /// Limit price (zero for market orders).
    pub price: Price,
    /// Total quantity.
    pub qty: Qty,
    /// Filled quantity.
    pub cum: Qty,
    /// Sum of fill price x quantity in ticks x lots; `None` when fills happened before the
    /// gateway knew the order (the average price is then unknown and reported as 0).
    pub notional: Option<i128>,
    /// Time in force, when known.
    pub tif: Option<TimeInForce>,
    /// Post-only.
    pub post_only: bool,
    /// FIX status.
    pub status: Status,
}

impl Order {
    /// Open quantity (zero once the order is done).
    pub fn leaves(&self) -> Qty {
        if self.status.is_open() {
            Qty(self.qty.0 - self.cum.0)
        } else {
            Qty(0)
        }
    }

    /// Records a fill.
    pub fn fill(&mut self, price: Price, qty: Qty) {
        self.cum = Qty(self.cum.0 + qty.0);
        self.notional = self
            .notional
            .map(|n| n + i128::from(price.0) * i128::from(qty.0));
        self.status = if self.cum.0 >= self.qty.0 {
            Status::Filled
        } else {
            Status::PartiallyFilled
        };
    }
}

/// Every known order, by account and engine client id, with every ClOrdID it was known by.
#[derive(Debug, Default)]
pub struct Orders {
    orders: HashMap<(AccountId, ClientOrderId), Order>,
    aliases: HashMap<(AccountId, String), ClientOrderId>,
}

impl Orders {
    /// The order with this engine client id.
    pub fn get(&self, account: AccountId, id: &ClientOrderId) -> Option<&Order> {
        self.orders.get(&(account, *id))
    }

    /// As [`Orders::get`], mutable.
    pub fn get_mut(&mut self, account: AccountId, id: &ClientOrderId) -> Option<&mut Order> {
        self.orders.get_mut(&(account, *id))
    }

    /// The engine client id of the order known (now or before) by the FIX ClOrdID `cl`.
    pub fn resolve(&self, account: AccountId, cl: &str) -> Option<ClientOrderId> {
        self.aliases.get(&(account, cl.to_string())).copied()
    }

    /// True when `cl` was already used by an order of the account (as its first ClOrdID or
    /// by a cancel or replace).
    pub fn is_used(&self, account: AccountId, cl: &str) -> bool {
        self.aliases.contains_key(&(account, cl.to_string()))
    }

    /// The order of the account with this engine order id.
    pub fn by_order_id(&self, account: AccountId, order_id: OrderId) -> Option<&Order> {
        self.orders
            .values()
            .find(|o| o.account == account && o.order_id == order_id)
    }

    /// Adds an order (from its acceptance).
    pub fn insert(&mut self, order: Order) {
        let key = (order.account, order.engine_id);
        self.aliases
            .insert((order.account, order.cl_ord_id.clone()), order.engine_id);
        self.orders.insert(key, order);
    }

    /// Records that the order is now known by `cl` (a replace or cancel took effect).
    pub fn rename(&mut self, account: AccountId, id: &ClientOrderId, cl: &str) {
        if let Some(o) = self.orders.get_mut(&(account, *id)) {
            o.cl_ord_id = cl.to_string();
            self.aliases.insert((account, cl.to_string()), *id);
        }
    }

    /// Merges an open order from an account snapshot (the truth at that point of the stream).
    pub fn sync(&mut self, o: &OpenOrder) {
        let cum = Qty(o.qty.0 - o.leaves.0);
        let status = if cum.0 > 0 {
            Status::PartiallyFilled
        } else {
            Status::New
        };
        if let Some(known) = self.orders.get_mut(&(o.account, o.id)) {
            if known.cum != cum {
                known.notional = None;
            }
            known.price = o.price;
            known.qty = o.qty;
            known.cum = cum;
            known.status = status;
            return;
        }
        self.insert(Order {
            account: o.account,
            order_id: o.order_id,
            engine_id: o.id,
            cl_ord_id: o.id.as_str().to_string(),
            instrument: o.instrument,
            side: o.side,
            order_type: OrderType::Limit,
            price: o.price,
            qty: o.qty,
            cum,
            notional: (cum.0 == 0).then_some(0),
            tif: Some(o.tif),
            post_only: o.post_only,
            status,
        });
    }
}
