//! Accounts: balances per asset and the open orders in acceptance order.
//!
//! Each account keeps the handles of its orders in acceptance order in a vector that closing an
//! order does not touch (the handle simply stops resolving); closed entries are swept out once
//! they outnumber the open ones. So accepting an order appends, closing one costs nothing here,
//! and a mass cancel walks the vector in acceptance order.

use crate::arena::{Arena, Handle};
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

/// An account's position in one derivative instrument.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    /// Instrument index.
    pub instrument: u32,
    /// Signed quantity in lots: positive long, negative short.
    pub qty: i64,
    /// Entry notional of the open quantity in settlement units of 10^-18, signed like `qty`
    /// (the average entry price is `entry / (qty x quote_per_tick_lot)` ticks).
    pub entry: Amount,
}

/// Balances kept inside the account record (the common case: a few assets), so that reaching a
/// balance costs no pointer chase.
const INLINE_ASSETS: usize = 4;

/// One account.
pub struct Account {
    /// The venue's account number.
    pub id: AccountId,
    inline: [Balance; INLINE_ASSETS],
    /// Balances of assets numbered from `INLINE_ASSETS` on.
    more: Vec<Balance>,
    /// Open orders.
    pub open_orders: u32,
    /// Kill switch on: new orders and amends are rejected `kill_switch`.
    pub kill_switch: bool,
    /// A liquidation left a deficit the insurance fund could not cover; it is not reported
    /// again until the account trades or the fund can pay.
    pub deficit: bool,
    /// Handles of open (and some closed) orders, in acceptance order.
    orders: Vec<Handle>,
    /// Derivative positions, in order of first trade; a closed position keeps its slot (qty 0)
    /// so that trading the instrument again allocates nothing.
    pub positions: Vec<Position>,
}

impl Account {
    /// The balance of an asset (zero if never held).
    pub fn balance(&self, asset: AssetId) -> Balance {
        let i = asset.0 as usize;
        match self.inline.get(i) {
            Some(b) => *b,
            None => self
                .more
                .get(i - INLINE_ASSETS)
                .copied()
                .unwrap_or_default(),
        }
    }

    /// The balance of an asset, mutably (beyond the inline ones the table grows on first use:
    /// warm-up only).
    pub fn balance_mut(&mut self, asset: AssetId) -> &mut Balance {
        let i = asset.0 as usize;
        if i < INLINE_ASSETS {
            return &mut self.inline[i];
        }
        let j = i - INLINE_ASSETS;
        if j >= self.more.len() {
            self.more.resize(j + 1, Balance::default());
        }
        &mut self.more[j]
    }

    /// The position in an instrument (flat if never traded).
    pub fn position(&self, inst: u32) -> Position {
        self.positions
            .iter()
            .find(|p| p.instrument == inst)
            .copied()
            .unwrap_or(Position {
                instrument: inst,
                ..Position::default()
            })
    }

    /// The position in an instrument, mutably (its slot is made on the first trade).
    pub fn position_mut(&mut self, inst: u32) -> &mut Position {
        let i = match self.positions.iter().position(|p| p.instrument == inst) {
            Some(i) => i,
            None => {
                self.positions.push(Position {
                    instrument: inst,
                    ..Position::default()
                });
                self.positions.len() - 1
            }
        };
        &mut self.positions[i]
    }

    /// Slots of the open orders, in acceptance order.
    pub fn open_slots<'a>(&'a self, arena: &'a Arena) -> impl Iterator<Item = u32> + 'a {
        self.orders.iter().filter_map(|h| arena.resolve(*h))
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
        Accounts {
            index: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            list: Vec::with_capacity(n),
        }
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
            inline: [Balance::default(); INLINE_ASSETS],
            more: vec![Balance::default(); assets.saturating_sub(INLINE_ASSETS)],
            open_orders: 0,
            kill_switch: false,
            deficit: false,
            orders: Vec::new(),
            positions: Vec::new(),
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

    /// The number of accounts.
    pub fn len(&self) -> u32 {
        self.list.len() as u32
    }

    /// All accounts in creation order.
    pub fn iter(&self) -> impl Iterator<Item = &Account> {
        self.list.iter()
    }

    /// Records a newly resting order of the account.
    pub fn link_order(&mut self, acct: u32, h: Handle) {
        let a = &mut self.list[acct as usize];
        a.open_orders += 1;
        a.orders.push(h);
    }

    /// Notes that an order of the account closed (its slot already freed, so its handle no
    /// longer resolves); sweeps closed entries out when they outnumber the open ones.
    pub fn order_closed(&mut self, arena: &Arena, acct: u32) {
        let a = &mut self.list[acct as usize];
        a.open_orders -= 1;
        if a.orders.len() > 2 * a.open_orders as usize + 16 {
            a.orders.retain(|h| arena.resolve(*h).is_some());
        }
    }
}
