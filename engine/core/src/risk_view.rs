//! Read-only views of margin and the insurance funds, for edges, tests and tools.

use crate::Engine;
use tradestream_model::{AccountId, Amount, AssetId, ShortName};

/// An account's margin in one settlement asset, units of 10^-18.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarginSummary {
    /// Settlement asset.
    pub asset: ShortName,
    /// Available balance.
    pub balance: Amount,
    /// Unrealized PnL of the positions at the reference (mark, else last trade) prices.
    pub unrealized: Amount,
    /// Balance plus unrealized PnL.
    pub equity: Amount,
    /// Initial margin of positions and open orders.
    pub initial: Amount,
    /// Maintenance margin of positions (liquidation below it).
    pub maintenance: Amount,
}

impl Engine {
    /// The account's margin per settlement asset it has derivative positions or orders in, in
    /// asset order (empty for an unknown account).
    pub fn margin_summary(&self, account: AccountId) -> Vec<MarginSummary> {
        let Some(a) = self.accounts.find(account) else {
            return Vec::new();
        };
        let acct = self.accounts.get(a);
        let mut assets: Vec<AssetId> = acct
            .positions
            .iter()
            .map(|p| self.instruments[p.instrument as usize].quote)
            .collect();
        assets.sort_unstable();
        assets.dedup();
        assets
            .into_iter()
            .map(|asset| {
                let r = self.risk(a, asset, None, 0);
                MarginSummary {
                    asset: self.assets.names()[asset.0 as usize],
                    balance: Amount(r.balance),
                    unrealized: Amount(r.unrealized),
                    equity: Amount(r.equity()),
                    initial: Amount(r.initial),
                    maintenance: Amount(r.maintenance),
                }
            })
            .collect()
    }

    /// Every asset's insurance fund that is not zero, in asset order.
    pub fn insurance_funds(&self) -> Vec<(ShortName, Amount)> {
        self.assets
            .names()
            .iter()
            .zip(&self.insurance)
            .filter(|(_, f)| f.0 != 0)
            .map(|(n, f)| (*n, *f))
            .collect()
    }

    /// The insurance fund of one asset.
    pub fn insurance_fund(&self, asset: AssetId) -> Amount {
        self.insurance
            .get(asset.0 as usize)
            .copied()
            .unwrap_or(Amount::ZERO)
    }
}
