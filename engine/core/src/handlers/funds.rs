//! `deposit` and `withdraw`.

use crate::assets::MAX_SUPPLY;
use crate::{Engine, EventSink};
use tradestream_model::{
    AccountId, Amount, ClientOrderId, EngineError, Event, RejectReason, ShortName,
};

impl Engine {
    pub(crate) fn deposit(
        &mut self,
        account: AccountId,
        asset: ShortName,
        amount: Amount,
        sink: &mut impl EventSink,
    ) {
        let known = self.assets.find(&asset);
        let supply = known.map_or(Amount::ZERO, |a| self.assets.supply(a));
        if supply.checked_add(amount).is_none_or(|s| s > MAX_SUPPLY) {
            sink.push(Event::Error(EngineError::BalanceOverflow));
            return;
        }
        let asset = self.assets.intern(asset);
        self.grow_asset_tables();
        self.assets.add_supply(asset, amount);
        let acct = self.accounts.get_or_create(account, self.assets.len());
        self.accounts.get_mut(acct).balance_mut(asset).available += amount;
    }

    pub(crate) fn withdraw(
        &mut self,
        account: AccountId,
        asset: ShortName,
        amount: Amount,
        id: ClientOrderId,
        sink: &mut impl EventSink,
    ) {
        let found = self.assets.find(&asset).zip(self.accounts.find(account));
        let Some((asset, acct)) = found
            .filter(|&(asset, acct)| self.accounts.get(acct).balance(asset).available >= amount)
        else {
            sink.push(Event::Rejected {
                account,
                id,
                reason: RejectReason::InsufficientBalance,
            });
            return;
        };
        // What is left must still cover the initial margin of derivatives settled in the asset,
        // counting unrealized losses but not unrealized profits (paper gains stay in).
        let r = self.risk(acct, asset, None, -amount.0);
        if r.balance + r.unrealized.min(0) - r.initial < 0 {
            sink.push(Event::Rejected {
                account,
                id,
                reason: RejectReason::InsufficientMargin,
            });
            return;
        }
        self.accounts.get_mut(acct).balance_mut(asset).available -= amount;
        self.assets.add_supply(asset, Amount(-amount.0));
    }
}
