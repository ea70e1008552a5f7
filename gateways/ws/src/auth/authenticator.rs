//! Verifying logons: key, timestamp window, signature, nonce.

use super::keys::{KeySecret, KeyStore};
use super::nonces::Nonces;
use super::scopes::Scopes;
use crate::protocol::request::{valid_nonce, ErrorCode, Logon};
use ed25519_dalek::Signature;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;
use tradestream_model::AccountId;

/// Nonces one key may have live at once; logons beyond it are refused until some expire.
pub const MAX_NONCES_PER_KEY: usize = 100_000;

/// The message a logon signs: `logon\n<api_key>\n<timestamp>\n<nonce>`.
pub fn logon_message(api_key: &str, timestamp: i64, nonce: &str) -> String {
    format!("logon\n{api_key}\n{timestamp}\n{nonce}")
}

/// The HMAC-SHA256 of `message` under `secret`, in lowercase hex (what a client sends).
pub fn hmac_signature(secret: &[u8], message: &str) -> String {
    let mut mac = new_mac(secret);
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

type HmacSha256 = Hmac<Sha256>;

fn new_mac(secret: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length")
}

/// What a successful logon grants the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The account the key acts for.
    pub account: AccountId,
    /// What it may do.
    pub scopes: Scopes,
    /// The key's name.
    pub api_key: String,
}

/// A refused logon. [`AuthError::code`] gives the protocol code; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    /// No key of that name.
    #[error("unknown api_key {0:?}")]
    UnknownKey(String),
    /// The timestamp is outside the receive window.
    #[error(
        "timestamp {timestamp} is {skew_ms} ms away from the server clock ({now_ms}); it must be \
         within {window_ms} ms: check the client's clock and sign a fresh logon"
    )]
    StaleTimestamp {
        /// The logon's timestamp.
        timestamp: i64,
        /// The server clock.
        now_ms: i64,
        /// `|now_ms - timestamp|`.
        skew_ms: u64,
        /// The receive window, each way.
        window_ms: i64,
    },
    /// The signature is malformed or does not verify.
    #[error("signature: {0}")]
    BadSignature(&'static str),
    /// The nonce does not have the protocol's format.
    #[error("params.nonce: expected 8 to 64 characters of A-Z, a-z, 0-9, '_', '-'")]
    MalformedNonce,
    /// The key already used the nonce inside the window.
    #[error("nonce {0:?} was already used by this key: sign every logon with a fresh nonce")]
    NonceReused(String),
    /// The key logged on [`MAX_NONCES_PER_KEY`] times within the nonce lifetime.
    #[error(
        "this key made {count} logons within {lifetime_ms} ms, the most that are remembered; \
         wait before logging on again"
    )]
    TooManyLogons {
        /// Live nonces of the key.
        count: usize,
        /// How long nonces are remembered.
        lifetime_ms: i64,
    },
}

impl AuthError {
    /// The protocol code: `auth_failed`, `stale_timestamp`, `nonce_reused`, `invalid_params`
    /// (a malformed nonce) or `rate_limited` (too many logons for the nonce memory).
    pub fn code(&self) -> ErrorCode {
        match self {
            AuthError::UnknownKey(_) | AuthError::BadSignature(_) => ErrorCode::AuthFailed,
            AuthError::StaleTimestamp { .. } => ErrorCode::StaleTimestamp,
            AuthError::MalformedNonce => ErrorCode::InvalidParams,
            AuthError::NonceReused(_) => ErrorCode::NonceReused,
            AuthError::TooManyLogons { .. } => ErrorCode::RateLimited,
        }
    }
}

/// Verifies logons against a [`KeyStore`], remembering each key's recent nonces.
///
/// Nonces are remembered per key until the caller's clock passes their timestamp by twice the
/// receive window: a replay of a logon is refused as stale from one window on, so the nonce
/// memory covers it with a window to spare. (A clock that jumps back by more than a window could
/// let a forgotten nonce through again.)
#[derive(Debug)]
pub struct Authenticator {
    store: KeyStore,
    window_ms: i64,
    nonces: Vec<Nonces>,
    max_nonces: usize,
}

impl Authenticator {
    /// An authenticator accepting timestamps within `recv_window_ms` of the clock each way (a
    /// negative window counts as 0).
    pub fn new(store: KeyStore, recv_window_ms: i64) -> Authenticator {
        let nonces = (0..store.len()).map(|_| Nonces::default()).collect();
        Authenticator {
            store,
            window_ms: recv_window_ms.max(0),
            nonces,
            max_nonces: MAX_NONCES_PER_KEY,
        }
    }

    /// Sets how many live nonces one key may have (default [`MAX_NONCES_PER_KEY`]).
    pub fn with_max_nonces(mut self, max: usize) -> Authenticator {
        self.max_nonces = max;
        self
    }

    /// The keys.
    pub fn store(&self) -> &KeyStore {
        &self.store
    }

    /// The receive window in ms, each way.
    pub fn recv_window_ms(&self) -> i64 {
        self.window_ms
    }

    /// Checks a logon at `now_ms` (the server's wall clock): nonce well formed (as
    /// [`crate::protocol::request::parse`] already ensures), key known, timestamp within the
    /// window (`|now_ms - timestamp| <= window`), signature valid, nonce unused. Only then is
    /// the nonce recorded.
    pub fn logon(&mut self, p: &Logon, now_ms: i64) -> Result<Grant, AuthError> {
        if !valid_nonce(&p.nonce) {
            return Err(AuthError::MalformedNonce);
        }
        let Some(index) = self.store.position(&p.api_key) else {
            return Err(AuthError::UnknownKey(p.api_key.clone()));
        };
        let skew_ms = now_ms.abs_diff(p.timestamp);
        if skew_ms > self.window_ms.unsigned_abs() {
            return Err(AuthError::StaleTimestamp {
                timestamp: p.timestamp,
                now_ms,
                skew_ms,
                window_ms: self.window_ms,
            });
        }
        let key = self.store.at(index);
        let message = logon_message(&p.api_key, p.timestamp, &p.nonce);
        verify(&key.secret, message.as_bytes(), &p.signature)?;
        let grant = Grant {
            account: key.account,
            scopes: key.scopes,
            api_key: key.api_key.clone(),
        };
        let lifetime_ms = self.window_ms.saturating_mul(2);
        let nonces = &mut self.nonces[index];
        nonces.prune(now_ms);
        if nonces.contains(&p.nonce, now_ms) {
            return Err(AuthError::NonceReused(p.nonce.clone()));
        }
        if nonces.len() >= self.max_nonces {
            return Err(AuthError::TooManyLogons {
                count: nonces.len(),
                lifetime_ms,
            });
        }
        nonces.insert(&p.nonce, p.timestamp.saturating_add(lifetime_ms));
        Ok(grant)
    }
}

/// Verifies a hex signature of `message` under `secret`.
fn verify(secret: &KeySecret, message: &[u8], signature: &str) -> Result<(), AuthError> {
    match secret {
        KeySecret::Ed25519(key) => {
            let mut bytes = [0u8; 64];
            if signature.len() != 128 || hex::decode_to_slice(signature, &mut bytes).is_err() {
                return Err(AuthError::BadSignature(
                    "an Ed25519 signature is 128 hex digits",
                ));
            }
            key.verify_strict(message, &Signature::from_bytes(&bytes))
                .map_err(|_| AuthError::BadSignature("does not verify with this key"))
        }
        KeySecret::Hmac(shared) => {
            let mut bytes = [0u8; 32];
            if signature.len() != 64 || hex::decode_to_slice(signature, &mut bytes).is_err() {
                return Err(AuthError::BadSignature(
                    "an HMAC-SHA256 signature is 64 hex digits",
                ));
            }
            let mut mac = new_mac(shared);
            mac.update(message);
            // Constant-time comparison.
            mac.verify_slice(&bytes)
                .map_err(|_| AuthError::BadSignature("does not verify with this key"))
        }
    }
}
