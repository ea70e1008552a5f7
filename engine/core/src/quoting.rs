//! Market-maker state: each account's current quote per instrument (the handles of its bid and
//! ask orders) and the market-maker protections, keyed by (account, instrument). Only looked up
//! by key, never iterated in map order; snapshots and the state hash walk [`Quoting::sorted`].

use crate::arena::Handle;
use rustc_hash::FxHashMap;
use tradestream_model::AccountId;
use tradestream_risk::protection::Protection;

/// An (account, instrument index) pair.
pub(crate) type Key = (AccountId, u32);

/// The orders of an account's current quote on an instrument; a handle stops resolving once its
/// order is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuoteSides {
    /// The bid order.
    pub bid: Handle,
    /// The ask order.
    pub ask: Handle,
}

/// Quotes, protections, and the protections tripped by the current command.
pub(crate) struct Quoting {
    /// The current quote per (account, instrument).
    pub quotes: FxHashMap<Key, QuoteSides>,
    /// The configured protections.
    pub protections: FxHashMap<Key, Protection>,
    /// Protections tripped during the current command, in the order they tripped; applied (and
    /// cleared) at its end.
    pub tripped: Vec<Key>,
    /// The current command's sequencer time in milliseconds (negative times count as 0).
    pub now: u64,
}

impl Quoting {
    /// No quotes and no protections.
    pub fn new() -> Quoting {
        Quoting {
            quotes: FxHashMap::default(),
            protections: FxHashMap::default(),
            tripped: Vec::with_capacity(16),
            now: 0,
        }
    }

    /// True when the account's protection on the instrument is frozen now.
    pub fn frozen(&self, key: Key) -> bool {
        self.protections
            .get(&key)
            .is_some_and(|p| p.is_frozen(self.now))
    }

    /// Every key with a quote or a protection, sorted: the deterministic walk of this state.
    pub fn sorted(&self) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .quotes
            .keys()
            .chain(self.protections.keys())
            .copied()
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}
