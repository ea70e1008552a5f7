//! Every client order id ever accepted, per account number, mapped to the order's handle (which stops
//! resolving once the order is closed). The hash of a key is computed once per command and used
//! for both the duplicate check and the insertion.

use crate::arena::Handle;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;
use tradestream_model::{AccountId, ClientOrderId};

/// An account number no command can carry (they are at most 2^63 - 1).
const NO_ACCOUNT: AccountId = AccountId(u64::MAX);

/// One used id.
#[derive(Debug, Clone, Copy)]
pub struct IdEntry {
    /// Account.
    pub account: AccountId,
    /// Client order id.
    pub id: ClientOrderId,
    /// The order while it is open.
    pub handle: Handle,
}

/// The id table.
pub struct ClientIds {
    table: HashTable<IdEntry>,
    build: FxBuildHasher,
}

impl ClientIds {
    /// Room for `n` ids before the table grows.
    pub fn with_capacity(n: usize) -> ClientIds {
        ClientIds {
            table: HashTable::with_capacity(n),
            build: FxBuildHasher,
        }
    }

    /// The hash of a key.
    pub fn hash(&self, account: AccountId, id: &ClientOrderId) -> u64 {
        self.build.hash_one((account, id))
    }

    /// The handle stored for a key.
    pub fn get(&self, hash: u64, account: AccountId, id: &ClientOrderId) -> Option<Handle> {
        self.table
            .find(hash, |e| e.account == account && e.id == *id)
            .map(|e| e.handle)
    }

    /// Records a key known to be absent.
    pub fn insert_new(&mut self, hash: u64, account: AccountId, id: ClientOrderId, handle: Handle) {
        let build = self.build;
        self.table.insert_unique(
            hash,
            IdEntry {
                account,
                id,
                handle,
            },
            |e| build.hash_one((e.account, &e.id)),
        );
    }

    /// Makes room for `additional` more ids.
    pub fn reserve(&mut self, additional: usize) {
        let build = self.build;
        self.table
            .reserve(additional, |e| build.hash_one((e.account, &e.id)));
    }

    /// Every entry, in table order (callers must not let that order be observed).
    pub fn iter(&self) -> impl Iterator<Item = &IdEntry> {
        self.table.iter()
    }

    /// Touches the table's free room so the hot path never faults its pages in.
    pub fn prefault(&mut self) {
        let room = self.table.capacity().saturating_sub(self.table.len());
        let build = self.build;
        for n in 0..room {
            // Keys no account can have: account numbers stop at 2^63 - 1.
            let e = IdEntry {
                account: NO_ACCOUNT,
                id: dummy_id(n),
                handle: Handle::CLOSED,
            };
            self.table
                .insert_unique(build.hash_one((e.account, &e.id)), e, |e| {
                    build.hash_one((e.account, &e.id))
                });
        }
        self.table.retain(|e| e.account != NO_ACCOUNT);
    }
}

fn dummy_id(n: usize) -> ClientOrderId {
    let mut digits = [b'0'; 20];
    let mut v = n;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let text = std::str::from_utf8(&digits).expect("ascii digits");
    ClientOrderId::new(text).expect("20 bytes fit a client order id")
}
