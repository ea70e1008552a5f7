//! The resting orders (L3), found by the key every engine event names an order by:
//! (account, client order id).

use rustc_hash::FxHashMap;
use tradestream_model::{AccountId, ClientOrderId, InstrumentId, Price, Qty, Side};

/// An order resting on a book, as the engine reports it (for seeding a [`Books`](crate::Books)
/// from the engine's open orders at start-up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeedOrder {
    /// Owner.
    pub account: AccountId,
    /// Client order id.
    pub id: ClientOrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Price,
    /// Open quantity.
    pub leaves: Qty,
}

/// Where a resting order sits and how much of it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resting {
    pub instrument: u32,
    pub side: Side,
    pub price: Price,
    pub leaves: Qty,
}

pub(crate) type OrderKey = (AccountId, ClientOrderId);

/// Resting orders by key. Never iterated on the output path, so the hash order cannot leak.
#[derive(Debug, Clone)]
pub(crate) struct Orders {
    map: FxHashMap<OrderKey, Resting>,
}

impl Orders {
    /// Room for `expected` resting orders without growing.
    pub fn with_capacity(expected: usize) -> Orders {
        let mut map = FxHashMap::default();
        map.reserve(expected);
        Orders { map }
    }

    pub fn get(&self, key: &OrderKey) -> Option<&Resting> {
        self.map.get(key)
    }

    pub fn get_mut(&mut self, key: &OrderKey) -> Option<&mut Resting> {
        self.map.get_mut(key)
    }

    pub fn insert(&mut self, key: OrderKey, order: Resting) -> Option<Resting> {
        self.map.insert(key, order)
    }

    pub fn remove(&mut self, key: &OrderKey) -> Option<Resting> {
        self.map.remove(key)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Every resting order, sorted by (instrument, side, price, account, id): deterministic,
    /// allocating; for tools and tests.
    pub fn sorted(&self) -> Vec<SeedOrder> {
        let mut v: Vec<SeedOrder> = self
            .map
            .iter()
            .map(|(&(account, id), r)| SeedOrder {
                account,
                id,
                instrument: InstrumentId(r.instrument),
                side: r.side,
                price: r.price,
                leaves: r.leaves,
            })
            .collect();
        v.sort_unstable_by(|a, b| {
            (a.instrument, a.side == Side::Sell, a.price, a.account, a.id).cmp(&(
                b.instrument,
                b.side == Side::Sell,
                b.price,
                b.account,
                b.id,
            ))
        });
        v
    }
}
