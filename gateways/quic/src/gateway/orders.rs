//! The open orders of the accounts with a QUIC session: exchange order id and open quantity,
//! for the Fill reports (engine trades name orders by client order id only).

use rustc_hash::FxHashMap;
use tradestream_model::{AccountId, ClientOrderId};

/// An open order as the gateway knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tracked {
    /// Exchange order id.
    pub order_id: u64,
    /// Open quantity in lots.
    pub leaves: i64,
}

/// Open orders by `(account, client order id)`.
#[derive(Debug, Default)]
pub struct Orders {
    map: FxHashMap<(AccountId, ClientOrderId), Tracked>,
}

impl Orders {
    /// Starts tracking an order (or refreshes it).
    pub fn insert(&mut self, account: AccountId, id: ClientOrderId, order: Tracked) {
        self.map.insert((account, id), order);
    }

    /// The order, if tracked.
    pub fn get_mut(&mut self, account: AccountId, id: ClientOrderId) -> Option<&mut Tracked> {
        self.map.get_mut(&(account, id))
    }

    /// Stops tracking an order (filled or cancelled).
    pub fn remove(&mut self, account: AccountId, id: ClientOrderId) -> Option<Tracked> {
        self.map.remove(&(account, id))
    }

    /// Forgets every order of `account` (its last session left).
    pub fn forget_account(&mut self, account: AccountId) {
        self.map.retain(|(a, _), _| *a != account);
    }
}
