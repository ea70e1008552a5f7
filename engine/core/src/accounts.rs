//! Accounts: balances per asset and the list of open orders in acceptance order.

use crate::arena::{Arena, NIL};
use rustc_hash::FxHashMap;
use tradestream_model::{AccountId, Amount, AssetId};

/// An account's holding of one asset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    /// Free to spend or withdraw.
    pub available: Amount,
    /// Held for open orders.
    pub held: Amount,
}

/// One account.
pub struct Account {
    /// The venue's account number.
    pub id: AccountId,
    balances: Vec<Balance>,
    /// Open orders.
    pub open_orders: u32,
    head: u32,
    tail: u32,
}

impl Account {
    /// The balance of an asset (zero if never held).
    pub fn balance(&self, asset: AssetId) -> Balance {
        self.balances.get(asset.0 as usize).copied().unwrap_or_default()
    }

    /// The balance of an asset, mutably (grows the table on first use: warm-up only).
    pub fn balance_mut(&mut self, asset: AssetId) -> &mut Balance {
        let i = asset.0 as usize;
        if i >= self.balances.len() {
            self.balances.resize(i + 1, Balance::default());
        }
        &mut self.balances[i]
    }

    /// Slot of the oldest open order.
    pub fn first_order(&self) -> u32 {
        self.head
    }
}

/// All accounts, in creation order.
pub struct Accounts {
    index: FxHashMap<u64, u32>,
    list: Vec<Account>,
}

impl Accounts {
    /// Pre-sized for `n` accounts.
    pub fn with_capacity(n: usize) -> Accounts {
        Accounts { index: FxHashMap::with_capacity_and_hasher(n, Default::default()), list: Vec::with_capacity(n) }
    }

    /// The index of an existing account.
    pub fn find(&self, id: AccountId) -> Option<u32> {
        self.index.get(&id.0).copied()
    }

    /// The index of an account, created empty if new; `assets` pre-sizes its balances.
    pub fn get_or_create(&mut self, id: AccountId, assets: usize) -> u32 {
        if let Some(i) = self.find(id) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(Account {
            id,
            balances: vec![Balance::default(); assets],
            open_orders: 0,
            head: NIL,
            tail: NIL,
        });
        self.index.insert(id.0, i);
        i
    }

    /// An account by index.
    pub fn get(&self, i: u32) -> &Account {
        &self.list[i as usize]
    }

    /// An account by index, if it exists.
    pub fn try_get(&self, i: u32) -> Option<&Account> {
        self.list.get(i as usize)
    }

    /// An account by index, mutably.
    pub fn get_mut(&mut self, i: u32) -> &mut Account {
        &mut self.list[i as usize]
    }

    /// All accounts in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &Account> {
        self.list.iter()
    }

    /// Appends an open order to its account's acceptance-ordered list.
    pub fn link_order(&mut self, arena: &mut Arena, acct: u32, slot: u32) {
        let a = &mut self.list[acct as usize];
        a.open_orders += 1;
        let tail = a.tail;
        {
            let o = arena.get_mut(slot);
            o.acct_prev = tail;
            o.acct_next = NIL;
        }
        if tail == NIL {
            a.head = slot;
        } else {
            arena.get_mut(tail).acct_next = slot;
        }
        a.tail = slot;
    }

    /// Removes an order from its account's list.
    pub fn unlink_order(&mut self, arena: &mut Arena, acct: u32, slot: u32) {
        let (prev, next) = {
            let o = arena.get(slot);
            (o.acct_prev, o.acct_next)
        };
        let a = &mut self.list[acct as usize];
        a.open_orders -= 1;
        if prev == NIL {
            a.head = next;
        } else {
            arena.get_mut(prev).acct_next = next;
        }
        if next == NIL {
            a.tail = prev;
        } else {
            arena.get_mut(next).acct_prev = prev;
        }
    }
}
