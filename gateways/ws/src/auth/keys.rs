//! Configured API keys and their secrets.

use super::scopes::Scopes;
use ed25519_dalek::VerifyingKey;
use std::collections::HashMap;
use std::fmt;
use thiserror::Error;
use tradestream_model::AccountId;

/// How a key's logons are verified.
#[derive(Clone)]
pub enum KeySecret {
    /// The client signs with Ed25519; the server holds the public key.
    Ed25519(VerifyingKey),
    /// The client and server share this HMAC-SHA256 secret.
    Hmac(Vec<u8>),
}

impl KeySecret {
    /// An Ed25519 public key from 64 hex digits (either case). Points that are not on the curve,
    /// and weak (small-order) keys, are refused.
    pub fn ed25519_hex(hex_key: &str) -> Result<KeySecret, KeyError> {
        let mut bytes = [0u8; 32];
        if hex_key.len() != 64 || hex::decode_to_slice(hex_key, &mut bytes).is_err() {
            return Err(KeyError::Ed25519("expected 64 hex digits (32 bytes)"));
        }
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| KeyError::Ed25519("not a valid Ed25519 public key"))?;
        if key.is_weak() {
            return Err(KeyError::Ed25519(
                "a weak (small-order) key cannot authenticate anyone",
            ));
        }
        Ok(KeySecret::Ed25519(key))
    }

    /// An HMAC-SHA256 secret: the UTF-8 bytes of the configured string.
    pub fn hmac(secret: &str) -> KeySecret {
        KeySecret::Hmac(secret.as_bytes().to_vec())
    }
}

impl fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySecret::Ed25519(k) => write!(f, "Ed25519({})", hex::encode(k.as_bytes())),
            KeySecret::Hmac(s) => write!(f, "Hmac(<{} secret bytes>)", s.len()),
        }
    }
}

/// One configured API key.
#[derive(Debug, Clone)]
pub struct Key {
    /// The public name the client sends as `api_key`.
    pub api_key: String,
    /// The account it acts for.
    pub account: AccountId,
    /// What it may do.
    pub scopes: Scopes,
    /// How its logons are verified.
    pub secret: KeySecret,
}

/// A configuration of keys that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// A malformed Ed25519 public key.
    #[error("ed25519_public: {0}")]
    Ed25519(&'static str),
    /// An HMAC key with an empty secret.
    #[error("key {0:?}: the HMAC secret must not be empty")]
    EmptyHmacSecret(String),
    /// An empty api key, or one with characters outside printable ASCII (the signed message
    /// separates fields with line feeds).
    #[error("api key {0:?}: expected 1 to 64 printable ASCII characters")]
    BadApiKey(String),
    /// Two keys with one name.
    #[error("api key {0:?} is configured twice")]
    Duplicate(String),
}

/// The configured keys, by name.
#[derive(Debug, Clone)]
pub struct KeyStore {
    keys: Vec<Key>,
    index: HashMap<String, usize>,
}

impl KeyStore {
    /// Checks and indexes the keys: names unique, 1 to 64 printable ASCII characters; HMAC
    /// secrets non-empty.
    pub fn new(keys: Vec<Key>) -> Result<KeyStore, KeyError> {
        let mut index = HashMap::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            let printable = k.api_key.bytes().all(|b| b.is_ascii_graphic());
            if k.api_key.is_empty() || k.api_key.len() > 64 || !printable {
                return Err(KeyError::BadApiKey(k.api_key.clone()));
            }
            if matches!(&k.secret, KeySecret::Hmac(s) if s.is_empty()) {
                return Err(KeyError::EmptyHmacSecret(k.api_key.clone()));
            }
            if index.insert(k.api_key.clone(), i).is_some() {
                return Err(KeyError::Duplicate(k.api_key.clone()));
            }
        }
        Ok(KeyStore { keys, index })
    }

    /// The key named `api_key`.
    pub fn get(&self, api_key: &str) -> Option<&Key> {
        self.position(api_key).map(|i| &self.keys[i])
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no key is configured (nobody can log on).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys in configuration order.
    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter()
    }

    /// The index of a key, for per-key state kept beside the store.
    pub(super) fn position(&self, api_key: &str) -> Option<usize> {
        self.index.get(api_key).copied()
    }

    /// The key at an index [`KeyStore::position`] returned.
    pub(super) fn at(&self, index: usize) -> &Key {
        &self.keys[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, secret: KeySecret) -> Key {
        Key {
            api_key: name.into(),
            account: AccountId(1),
            scopes: Scopes::READ,
            secret,
        }
    }

    #[test]
    fn ed25519_hex_is_checked() {
        let ok = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";
        assert!(KeySecret::ed25519_hex(ok).is_ok());
        assert!(KeySecret::ed25519_hex(&ok.to_uppercase()).is_ok());
        assert!(KeySecret::ed25519_hex(&ok[..62]).is_err());
        assert!(KeySecret::ed25519_hex(&format!("{}zz", &ok[..62])).is_err());
        // The identity point is a small-order (weak) key.
        let identity = format!("01{}", "00".repeat(31));
        assert!(KeySecret::ed25519_hex(&identity).is_err());
    }

    #[test]
    fn store_refuses_bad_configs() {
        let h = || KeySecret::hmac("s");
        assert!(KeyStore::new(vec![key("a", h()), key("b", h())]).is_ok());
        assert_eq!(
            KeyStore::new(vec![key("a", h()), key("a", h())]).unwrap_err(),
            KeyError::Duplicate("a".into())
        );
        assert!(KeyStore::new(vec![key("", h())]).is_err());
        assert!(KeyStore::new(vec![key("a\nb", h())]).is_err());
        assert!(KeyStore::new(vec![key("a", KeySecret::hmac(""))]).is_err());
    }

    #[test]
    fn debug_hides_hmac_secrets() {
        let s = format!("{:?}", KeySecret::hmac("topsecret"));
        assert!(!s.contains("topsecret"), "{s}");
    }
}
