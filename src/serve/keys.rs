//! API keys from the config into the gateway's authenticator.

use super::config::Config;
use anyhow::{anyhow, Result};
use tradestream_model::AccountId;
use tradestream_ws::auth::{Authenticator, Key, KeySecret, KeyStore, Scopes};

/// The authenticator for the configured keys.
pub fn authenticator(config: &Config) -> Result<Authenticator> {
    let mut keys = Vec::with_capacity(config.keys.len());
    for k in &config.keys {
        let scopes = Scopes::parse(&k.scopes).map_err(|e| anyhow!("key {:?}: {e}", k.api_key))?;
        let secret = match (&k.ed25519_public, &k.hmac_secret) {
            (Some(hex), _) => {
                KeySecret::ed25519_hex(hex).map_err(|e| anyhow!("key {:?}: {e}", k.api_key))?
            }
            (None, Some(s)) => KeySecret::Hmac(s.as_bytes().to_vec()),
            (None, None) => return Err(anyhow!("key {:?} has no secret", k.api_key)),
        };
        keys.push(Key {
            api_key: k.api_key.clone(),
            account: AccountId(k.account),
            scopes,
            secret,
        });
    }
    let store = KeyStore::new(keys).map_err(|e| anyhow!("{e}"))?;
    Ok(Authenticator::new(store, config.ws.recv_window_ms))
}
