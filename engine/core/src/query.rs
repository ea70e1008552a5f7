//! Read-only views for edges, tests and tools. None of them changes state.

use crate::{Balance, Engine, Instrument};
use tradestream_model::{
    AccountId, Amount, AssetId, InstrumentId, Price, Qty, ShortName, Side, Timestamp,
};

impl Engine {
    /// The instrument listed under `symbol`.
    pub fn instrument_id(&self, symbol: &ShortName) -> Option<InstrumentId> {
        self.symbols.get(symbol).copied()
    }

    /// A listed instrument.
    pub fn instrument(&self, id: InstrumentId) -> Option<&Instrument> {
        self.instruments.get(id.0 as usize)
    }

    /// Asset names, indexed by [`AssetId`], in the order the engine first saw them.
    pub fn asset_names(&self) -> &[ShortName] {
        self.assets.names()
    }

    /// An asset's id.
    pub fn asset_id(&self, name: &ShortName) -> Option<AssetId> {
        self.assets.find(name)
    }

    /// An account's balance of an asset (zero when either is unknown).
    pub fn balance(&self, account: AccountId, asset: AssetId) -> Balance {
        self.accounts
            .find(account)
            .map_or_else(Balance::default, |a| self.accounts.get(a).balance(asset))
    }

    /// The fee account's balance of an asset.
    pub fn fee_balance(&self, asset: AssetId) -> Amount {
        self.fees.get(asset.0 as usize).copied().unwrap_or_default()
    }

    /// Total deposited minus withdrawn of an asset: what accounts and the fee account hold.
    pub fn supply(&self, asset: AssetId) -> Amount {
        self.assets.supply(asset)
    }

    /// Account numbers in creation order.
    pub fn account_ids(&self) -> impl Iterator<Item = AccountId> + '_ {
        self.accounts.iter().map(|a| a.id)
    }

    /// Aggregated price levels of one side of a book, best first.
    pub fn depth(
        &self,
        instrument: InstrumentId,
        side: Side,
    ) -> impl Iterator<Item = (Price, Qty)> + '_ {
        let book = self.books.get(instrument.0 as usize);
        book.into_iter().flat_map(move |b| {
            let s = b.side(side);
            s.levels().map(move |l| (s.price_of(l), l.total))
        })
    }

    /// The engine clock (moved by time commands).
    pub fn clock(&self) -> Timestamp {
        self.clock
    }

    /// Open orders in the engine.
    pub fn open_orders(&self) -> u32 {
        self.arena.live()
    }

    /// The most events one command can produce under the configured limits: a taker meets at
    /// most every resting order (a trade and a fill, or a self-trade cancel, each), plus its own
    /// accepted and final event; a time command or mass cancel at most one event per open order.
    /// A sink pre-sized to this never grows.
    pub fn max_events_per_command(&self) -> usize {
        2 * self.config.capacity as usize + 2
    }
}
