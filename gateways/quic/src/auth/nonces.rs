//! [`Nonces`]: the logon nonces seen per key, remembered while their logon could still be
//! accepted (its timestamp within the receive window), bounded in number.

use rustc_hash::FxHashSet;
use std::collections::VecDeque;

/// Seen `(key id, nonce)` pairs with their expiry.
///
/// A pair is kept until its logon's timestamp plus the receive window has passed: after that,
/// the timestamp check alone refuses a replay. At most `max` pairs are kept; past that the
/// oldest is forgotten first (a replay of it would still need a fresh timestamp, which needs
/// the key's signature).
#[derive(Debug)]
pub struct Nonces {
    seen: FxHashSet<([u8; 16], u64)>,
    by_expiry: VecDeque<(u64, [u8; 16], u64)>,
    max: usize,
}

impl Nonces {
    /// An empty set holding at most `max` pairs.
    #[must_use]
    pub fn new(max: usize) -> Nonces {
        Nonces {
            seen: FxHashSet::default(),
            by_expiry: VecDeque::new(),
            max: max.max(1),
        }
    }

    /// Records `(key, nonce)` valid until `expiry_ns`; false if it was already seen.
    /// Forgets pairs that expired before `now_ns`.
    pub fn insert(&mut self, key: [u8; 16], nonce: u64, expiry_ns: u64, now_ns: u64) -> bool {
        while let Some(&(expiry, k, n)) = self.by_expiry.front() {
            if expiry >= now_ns && self.seen.len() < self.max {
                break;
            }
            self.seen.remove(&(k, n));
            self.by_expiry.pop_front();
        }
        if !self.seen.insert((key, nonce)) {
            return false;
        }
        // Expiries arrive nearly in order (timestamps within the window); keep the queue
        // sorted so pruning stops at the first live entry.
        let at = self
            .by_expiry
            .partition_point(|&(expiry, _, _)| expiry <= expiry_ns);
        self.by_expiry.insert(at, (expiry_ns, key, nonce));
        true
    }

    /// The number of pairs remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when no pair is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_refused_until_it_expires_and_the_set_is_bounded() {
        let mut n = Nonces::new(2);
        assert!(n.insert([1; 16], 7, 100, 0));
        assert!(!n.insert([1; 16], 7, 100, 50));
        assert!(n.insert([2; 16], 7, 100, 50), "per key");
        assert!(n.insert([1; 16], 7, 300, 101), "expired, so forgotten");
        assert!(n.insert([1; 16], 8, 300, 101));
        assert!(n.insert([1; 16], 9, 300, 101));
        assert_eq!(n.len(), 2, "bounded");
    }
}
