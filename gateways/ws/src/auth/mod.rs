//! Signed logons with replay protection (docs/ws-api.md, "Authentication"), sans I/O.
//!
//! A [`KeyStore`] holds the configured API keys, each bound to one account with [`Scopes`] and a
//! [`KeySecret`]: an Ed25519 public key or an HMAC-SHA256 shared secret. The client signs
//! [`logon_message`] (`logon\n<api_key>\n<timestamp>\n<nonce>`); the [`Authenticator`] checks, in
//! this order, that the key is known, that the timestamp lies within the receive window of the
//! caller's clock (`now_ms` is passed in), that the signature verifies, and that the key has not
//! used the nonce inside the window. Nonces are remembered only after a valid signature, so
//! forged logons cannot fill the cache, and forgotten once older than twice the window.

mod authenticator;
mod keys;
mod nonces;
mod scopes;

pub use authenticator::{
    hmac_signature, logon_message, AuthError, Authenticator, Grant, MAX_NONCES_PER_KEY,
};
pub use keys::{Key, KeyError, KeySecret, KeyStore};
pub use scopes::{ScopeError, Scopes};
