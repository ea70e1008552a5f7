//! The demo's settings (`demo.toml`, embedded) and what it adds to the server's config.

use crate::serve::config::{AccountEntry, Config, KeyEntry};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::PathBuf;

/// The embedded demo settings.
pub const DEMO_TOML: &str = include_str!("demo.toml");

/// Account of the demo's market-maker bot (its key is `demo-mm`, seed 32 x 0x11).
pub const MM: (u64, &str, u8) = (11, "demo-mm", 0x11);
/// Account of the demo's taker (its key is `demo-taker`, seed 32 x 0x12).
pub const TAKER: (u64, &str, u8) = (12, "demo-taker", 0x12);

/// One market the demo bot quotes (decimals in the instrument's units).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoMarket {
    /// Symbol, listed in the server's config.
    pub symbol: String,
    /// Price to quote around while the book has no mid.
    pub price: String,
    /// Distance between bid and ask.
    pub spread: String,
    /// Quantity per side.
    pub size: String,
    /// Price move against each `size` of inventory held.
    pub skew: String,
    /// Largest inventory.
    pub max_position: String,
}

/// The demo's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConfig {
    /// Data directory used instead of the default one.
    pub data_dir: PathBuf,
    /// Milliseconds between the taker's orders.
    pub taker_interval_ms: u64,
    /// Seconds between the bot's reports.
    pub report_s: u64,
    /// Accounts added to the server's config.
    pub accounts: Vec<AccountEntry>,
    /// Keys added to the server's config.
    pub keys: Vec<KeyEntry>,
    /// The bot's markets.
    pub markets: Vec<DemoMarket>,
}

impl DemoConfig {
    /// The embedded settings.
    pub fn embedded() -> Result<DemoConfig> {
        toml::from_str(DEMO_TOML).context("embedded demo settings")
    }

    /// Adds the demo's accounts and keys to `config` (refusing ones it already has under the
    /// same id or name) and, when `config` kept the default data directory, points it at the
    /// demo's own.
    pub fn apply(&self, config: &mut Config) -> Result<()> {
        for a in &self.accounts {
            if config.accounts.iter().any(|c| c.id == a.id) {
                bail!(
                    "the demo needs account {} but the config already has one",
                    a.id
                );
            }
            config.accounts.push(a.clone());
        }
        for k in &self.keys {
            if config.keys.iter().any(|c| c.api_key == k.api_key) {
                bail!(
                    "the demo needs key {:?} but the config already has one",
                    k.api_key
                );
            }
            config.keys.push(k.clone());
        }
        let default = Config::load(None)?.data_dir;
        if config.data_dir == default {
            config.data_dir = self.data_dir.clone();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_adds_its_accounts_keys_and_data_dir() {
        let demo = DemoConfig::embedded().unwrap();
        let mut config = Config::load(None).unwrap();
        let accounts = config.accounts.len();
        demo.apply(&mut config).unwrap();
        assert_eq!(config.accounts.len(), accounts + 2);
        assert!(config
            .keys
            .iter()
            .any(|k| k.api_key == MM.1 && k.account == MM.0));
        assert!(config
            .keys
            .iter()
            .any(|k| k.api_key == TAKER.1 && k.account == TAKER.0));
        assert_eq!(config.data_dir, PathBuf::from("./demo-data"));
        assert!(demo.apply(&mut config).is_err(), "twice: account 11 exists");
        assert_eq!(demo.markets.len(), 3);
    }

    #[test]
    fn the_demo_keys_are_the_public_keys_of_the_demo_seeds() {
        let demo = DemoConfig::embedded().unwrap();
        for (account, api_key, byte) in [MM, TAKER] {
            let key = demo.keys.iter().find(|k| k.api_key == api_key).unwrap();
            assert_eq!(key.account, account);
            let public = ed25519_dalek::SigningKey::from_bytes(&[byte; 32]).verifying_key();
            let hex: String = public
                .to_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(
                key.ed25519_public.as_deref(),
                Some(hex.as_str()),
                "{api_key}"
            );
        }
    }
}
