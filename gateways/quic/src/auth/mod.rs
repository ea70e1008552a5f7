//! Logon authentication, two ways:
//!
//! - **Ed25519 key**: the Logon's `key_id` is a configured API key's name, its UTF-8 bytes
//!   zero-padded to 16 (so names longer than 16 bytes cannot be used over QUIC); the
//!   signature over [`Logon::signed_bytes`] must verify with the key's public key, the
//!   account must be the key's, the key must have the `trade` scope, the timestamp must be
//!   within the receive window of the server clock and the nonce never seen with the key.
//! - **Client certificate**: a Logon with an all-zero `key_id` on a connection whose client
//!   certificate (verified by TLS against the configured CA) has a subject common name mapped
//!   to an account; the Logon must carry that account. The signature is not checked.

pub mod nonces;

use crate::messages::client::Logon;
use crate::types::RejectCode;
use ed25519_dalek::{Signature, VerifyingKey};
use nonces::Nonces;
use rustc_hash::FxHashMap;

/// An API key usable over QUIC.
#[derive(Debug, Clone)]
pub struct KeyGrant {
    /// The API key's name (at most 16 bytes).
    pub api_key: String,
    /// Its Ed25519 public key.
    pub public: VerifyingKey,
    /// The account it acts for.
    pub account: u64,
    /// Whether it has the `trade` scope.
    pub can_trade: bool,
}

/// The most nonces remembered (all keys together).
pub const MAX_NONCES: usize = 1 << 20;

/// Checks Logons against the configured keys and certificate identities.
#[derive(Debug)]
pub struct Authenticator {
    keys: FxHashMap<[u8; 16], KeyGrant>,
    certs: FxHashMap<String, u64>,
    window_ns: u64,
    nonces: Nonces,
}

/// `api_key`'s bytes zero-padded to 16: the Logon `key_id` of that key; `None` when longer
/// than 16 bytes or empty.
#[must_use]
pub fn key_id(api_key: &str) -> Option<[u8; 16]> {
    let bytes = api_key.as_bytes();
    if bytes.is_empty() || bytes.len() > 16 {
        return None;
    }
    let mut id = [0u8; 16];
    id[..bytes.len()].copy_from_slice(bytes);
    Some(id)
}

impl Authenticator {
    /// An authenticator for `keys` (those whose name does not fit 16 bytes are left out),
    /// certificate common names mapped to accounts, and a receive window in milliseconds.
    #[must_use]
    pub fn new(keys: Vec<KeyGrant>, certs: Vec<(String, u64)>, recv_window_ms: u64) -> Self {
        Authenticator {
            keys: keys
                .into_iter()
                .filter_map(|k| Some((key_id(&k.api_key)?, k)))
                .collect(),
            certs: certs.into_iter().collect(),
            window_ns: recv_window_ms.saturating_mul(1_000_000),
            nonces: Nonces::new(MAX_NONCES),
        }
    }

    /// The account `logon` authenticates, given the common name of the connection's verified
    /// client certificate and the server clock (ns since the epoch), or the LogonReject code.
    pub fn check(
        &mut self,
        logon: &Logon,
        peer_cn: Option<&str>,
        now_ns: u64,
    ) -> Result<u64, RejectCode> {
        if logon.key_id == [0; 16] {
            return match peer_cn.and_then(|cn| self.certs.get(cn)) {
                Some(&account) if account == logon.account => Ok(account),
                _ => Err(RejectCode::UNKNOWN_KEY),
            };
        }
        let key = self
            .keys
            .get(&logon.key_id)
            .ok_or(RejectCode::UNKNOWN_KEY)?;
        let signature = Signature::from_bytes(&logon.signature);
        if key
            .public
            .verify_strict(&logon.signed_bytes(), &signature)
            .is_err()
        {
            return Err(RejectCode::BAD_SIGNATURE);
        }
        if key.account != logon.account {
            return Err(RejectCode::UNKNOWN_KEY);
        }
        if !key.can_trade {
            return Err(RejectCode::NOT_PERMITTED);
        }
        if logon.timestamp.abs_diff(now_ns) > self.window_ns {
            return Err(RejectCode::STALE_TIMESTAMP);
        }
        let expiry = logon.timestamp.saturating_add(self.window_ns);
        if !self
            .nonces
            .insert(logon.key_id, logon.nonce, expiry, now_ns)
        {
            return Err(RejectCode::REPLAYED_NONCE);
        }
        Ok(key.account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    const NOW: u64 = 1_700_000_000_000_000_000;

    fn auth() -> Authenticator {
        let key = |name: &str, seed: u8, account, can_trade| KeyGrant {
            api_key: name.into(),
            public: SigningKey::from_bytes(&[seed; 32]).verifying_key(),
            account,
            can_trade,
        };
        let keys = vec![
            key("k1", 1, 1, true),
            key("ro", 2, 2, false),
            key("a-name-longer-than-16", 3, 3, true),
        ];
        Authenticator::new(keys, vec![("mm".into(), 9)], 5_000)
    }

    fn logon(name: &str, seed: u8, account: u64, timestamp: u64, nonce: u64) -> Logon {
        let mut l = Logon {
            account,
            key_id: key_id(name).unwrap_or([0xff; 16]),
            timestamp,
            nonce,
            signature: [0; 64],
        };
        l.signature = SigningKey::from_bytes(&[seed; 32])
            .sign(&l.signed_bytes())
            .to_bytes();
        l
    }

    #[test]
    fn key_ids_are_names_padded_to_16_bytes() {
        assert_eq!(&key_id("k1").unwrap()[..3], b"k1\0");
        assert!(key_id("").is_none());
        assert!(key_id("exactly-16-bytes").is_some());
        assert!(key_id("seventeen-bytes!!").is_none());
    }

    #[test]
    fn every_check_has_its_code() {
        let mut a = auth();
        assert_eq!(a.check(&logon("k1", 1, 1, NOW, 1), None, NOW), Ok(1));
        let cases = [
            (logon("k1", 1, 1, NOW, 1), RejectCode::REPLAYED_NONCE),
            (logon("k1", 2, 1, NOW, 2), RejectCode::BAD_SIGNATURE),
            (logon("k9", 1, 1, NOW, 3), RejectCode::UNKNOWN_KEY),
            (logon("k1", 1, 2, NOW, 4), RejectCode::UNKNOWN_KEY),
            (logon("ro", 2, 2, NOW, 5), RejectCode::NOT_PERMITTED),
            (
                logon("k1", 1, 1, NOW - 5_000_000_001, 6),
                RejectCode::STALE_TIMESTAMP,
            ),
            (
                logon("k1", 1, 1, NOW + 5_000_000_001, 7),
                RejectCode::STALE_TIMESTAMP,
            ),
            (
                logon("a-name-longer-than-16", 3, 3, NOW, 8),
                RejectCode::UNKNOWN_KEY,
            ),
        ];
        for (l, code) in cases {
            assert_eq!(a.check(&l, None, NOW), Err(code), "{l:?}");
        }
        assert_eq!(
            a.check(&logon("k1", 1, 1, NOW - 5_000_000_000, 9), None, NOW),
            Ok(1)
        );
    }

    #[test]
    fn a_certificate_logon_needs_a_mapped_name_and_its_account() {
        let mut a = auth();
        let mut l = logon("k1", 1, 9, 0, 0);
        l.key_id = [0; 16];
        assert_eq!(
            a.check(&l, Some("mm"), NOW),
            Ok(9),
            "no signature, time or nonce check"
        );
        assert_eq!(a.check(&l, Some("mm"), NOW), Ok(9));
        assert_eq!(
            a.check(&l, Some("other"), NOW),
            Err(RejectCode::UNKNOWN_KEY)
        );
        assert_eq!(a.check(&l, None, NOW), Err(RejectCode::UNKNOWN_KEY));
        l.account = 1;
        assert_eq!(a.check(&l, Some("mm"), NOW), Err(RejectCode::UNKNOWN_KEY));
    }
}
