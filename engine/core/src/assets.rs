//! Assets, numbered in the order the engine first saw them, and their total supply.

use rustc_hash::FxHashMap;
use tradestream_model::{Amount, AssetId, ShortName};

/// Largest total of one asset the engine accepts, far below where i128 sums could overflow.
pub const MAX_SUPPLY: Amount = Amount(1 << 120);

/// The asset registry.
#[derive(Default)]
pub struct Assets {
    names: Vec<ShortName>,
    index: FxHashMap<ShortName, AssetId>,
    supply: Vec<Amount>,
}

impl Assets {
    /// An asset's id, if known.
    pub fn find(&self, name: &ShortName) -> Option<AssetId> {
        self.index.get(name).copied()
    }

    /// An asset's id, registering it if new.
    pub fn intern(&mut self, name: ShortName) -> AssetId {
        if let Some(id) = self.find(&name) {
            return id;
        }
        let id = AssetId(self.names.len() as u32);
        self.names.push(name);
        self.supply.push(Amount::ZERO);
        self.index.insert(name, id);
        id
    }

    /// Number of assets.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Assets in registration order.
    pub fn names(&self) -> &[ShortName] {
        &self.names
    }

    /// Total deposited minus withdrawn.
    pub fn supply(&self, id: AssetId) -> Amount {
        self.supply[id.0 as usize]
    }

    /// Adjusts the supply by a deposit (positive) or withdrawal (negative).
    pub fn add_supply(&mut self, id: AssetId, delta: Amount) {
        self.supply[id.0 as usize] += delta;
    }
}
