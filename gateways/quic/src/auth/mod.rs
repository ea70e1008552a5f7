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
