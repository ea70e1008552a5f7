//! The nonces one key used recently, forgotten once they expire.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// Nonces of one key with their expiry times, bounded in number by the caller.
#[derive(Debug, Default)]
pub(super) struct Nonces {
    /// Nonce to expiry (ms); an entry is live while `now_ms <= expiry`.
    live: HashMap<Box<str>, i64>,
    /// The same entries ordered by expiry, to forget them in order.
    by_expiry: BinaryHeap<Reverse<(i64, Box<str>)>>,
}

impl Nonces {
    /// Forgets the entries that expired before `now_ms`.
    pub fn prune(&mut self, now_ms: i64) {
        while let Some(Reverse((expiry, _))) = self.by_expiry.peek() {
            if *expiry >= now_ms {
                break;
            }
            if let Some(Reverse((expiry, nonce))) = self.by_expiry.pop() {
                if self.live.get(&nonce) == Some(&expiry) {
                    self.live.remove(&nonce);
                }
            }
        }
    }

    /// True when `nonce` was recorded and has not expired at `now_ms`.
    pub fn contains(&self, nonce: &str, now_ms: i64) -> bool {
        self.live.get(nonce).is_some_and(|&expiry| expiry >= now_ms)
    }

    /// Records `nonce` until `expiry_ms`.
    pub fn insert(&mut self, nonce: &str, expiry_ms: i64) {
        let nonce: Box<str> = nonce.into();
        self.live.insert(nonce.clone(), expiry_ms);
        self.by_expiry.push(Reverse((expiry_ms, nonce)));
    }

    /// Live entries (after the last prune).
    pub fn len(&self) -> usize {
        self.live.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_in_order() {
        let mut n = Nonces::default();
        n.insert("aaaaaaaa", 100);
        n.insert("bbbbbbbb", 50);
        assert!(n.contains("aaaaaaaa", 100) && n.contains("bbbbbbbb", 50));
        assert!(!n.contains("bbbbbbbb", 51));
        n.prune(51);
        assert_eq!(n.len(), 1);
        n.prune(101);
        assert_eq!(n.len(), 0);
        // Re-recorded after expiry: the stale heap entry must not delete the new one.
        n.insert("aaaaaaaa", 300);
        n.prune(200);
        assert!(n.contains("aaaaaaaa", 250));
    }
}
