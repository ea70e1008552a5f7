//! The server config: TOML laid over the embedded defaults (`default.toml`).

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The embedded defaults.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// The whole config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Journal and snapshot directory.
    pub data_dir: PathBuf,
    /// `durable` or `fast`.
    pub ack: AckName,
    /// `always`, `batch` or `never`.
    pub fsync: FsyncName,
    /// Batch policy: records per sync.
    pub fsync_batch_records: usize,
    /// Batch policy: longest wait of a record for its sync.
    pub fsync_batch_micros: u64,
    /// Snapshot interval in commands (0: none).
    pub snapshot_every: u64,
    /// Snapshots kept.
    pub keep_snapshots: usize,
    /// Engine thread and limits.
    pub engine: EngineSection,
    /// WebSocket gateway.
    pub ws: WsSection,
    /// Health and metrics.
    pub http: HttpSection,
    /// FIX 4.4 acceptor.
    pub fix: super::fix_config::FixSection,
    /// Market-maker QUIC gateway.
    pub quic: super::quic_config::QuicSection,
    /// Instruments listed at first sight.
    #[serde(default)]
    pub instruments: Vec<InstrumentEntry>,
    /// Accounts funded at first sight.
    #[serde(default)]
    pub accounts: Vec<AccountEntry>,
    /// API keys.
    #[serde(default)]
    pub keys: Vec<KeyEntry>,
}

/// Acknowledgement mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckName {
    /// After the journal made the command durable.
    Durable,
    /// At once.
    Fast,
}

/// Fsync policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FsyncName {
    /// Group commit: a sync per drained group.
    Always,
    /// Sync by count or age.
    Batch,
    /// Never sync.
    Never,
}

/// Idle strategy of the engine thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdleName {
    /// From the core count.
    Auto,
    /// Busy-spin.
    Spin,
    /// Spin, then park.
    SpinPark,
    /// Park.
    Park,
}

/// `[engine]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineSection {
    /// Idle strategy.
    pub idle: IdleName,
    /// Core to pin to; negative: none.
    pub core: i64,
    /// Most open orders per account.
    pub max_open_orders_per_account: u32,
    /// Most open orders in the engine.
    pub capacity: u32,
}

/// `[ws.rate_limit]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateSection {
    /// Order-entry requests per window per account.
    pub orders: u32,
    /// Window length.
    pub window_ms: i64,
}

/// `[ws]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WsSection {
    /// Listening address.
    pub listen: SocketAddr,
    /// Largest frame.
    pub max_message_bytes: usize,
    /// Ping interval.
    pub heartbeat_ms: u64,
    /// Logon timestamp window.
    pub recv_window_ms: i64,
    /// Order-rate limit.
    pub rate_limit: RateSection,
    /// Queue length that marks a slow consumer.
    pub slow_consumer_messages: usize,
}

/// `[http]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSection {
    /// Listening address.
    pub listen: SocketAddr,
}

/// `[[instruments]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentEntry {
    /// Symbol.
    pub symbol: String,
    /// Kind; only `spot` trades today.
    #[serde(default = "spot")]
    pub kind: String,
    /// Base asset.
    pub base: String,
    /// Quote asset.
    pub quote: String,
    /// Tick size, a decimal string.
    pub tick: String,
    /// Lot size, a decimal string.
    pub lot: String,
    /// Maker fee, basis points (negative: rebate).
    #[serde(default)]
    pub maker_fee_bps: i32,
    /// Taker fee, basis points.
    #[serde(default)]
    pub taker_fee_bps: i32,
}

fn spot() -> String {
    "spot".into()
}

/// `[[accounts]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    /// Account number.
    pub id: u64,
    /// Deposits by asset, decimal strings.
    #[serde(default)]
    pub deposits: BTreeMap<String, String>,
    /// May the account trade? `false` enters the engine as a journaled kill switch (new
    /// orders and amends refused `kill_switch` until an operator lifts it).
    #[serde(default = "yes")]
    pub trading: bool,
}

fn yes() -> bool {
    true
}

/// `[[keys]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// The key's public name.
    pub api_key: String,
    /// The account it acts for.
    pub account: u64,
    /// `read`, `trade`, `admin`.
    pub scopes: Vec<String>,
    /// Ed25519 public key, 64 hex digits.
    pub ed25519_public: Option<String>,
    /// HMAC-SHA256 shared secret.
    pub hmac_secret: Option<String>,
}

/// Lays `over` onto `base`: tables merge key by key, anything else (arrays included) replaces.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

impl Config {
    /// The embedded defaults, with `file` (if any) laid over them.
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let mut table: toml::Table = DEFAULT_TOML.parse().context("embedded default config")?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read config file {}", path.display()))?;
            let over: toml::Table = text
                .parse()
                .with_context(|| format!("config file {} is not valid TOML", path.display()))?;
            merge(&mut table, over);
        }
        let config: Config = toml::Value::Table(table)
            .try_into()
            .context("invalid config (see src/serve/default.toml for every setting)")?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<()> {
        if self.ws.rate_limit.orders == 0 || self.ws.rate_limit.window_ms <= 0 {
            bail!("ws.rate_limit needs orders >= 1 and window_ms >= 1");
        }
        if self.ws.max_message_bytes < 256 {
            bail!("ws.max_message_bytes must be at least 256");
        }
        if self.fix.enabled && self.fix.sessions.is_empty() {
            bail!("fix.enabled needs at least one [[fix.sessions]]");
        }
        if self
            .quic
            .max_datagram_entries
            .is_some_and(|n| n == 0 || n > 170)
        {
            bail!("quic.max_datagram_entries must be between 1 and 170");
        }
        for k in &self.keys {
            if k.ed25519_public.is_some() == k.hmac_secret.is_some() {
                bail!(
                    "key {:?}: give exactly one of ed25519_public and hmac_secret",
                    k.api_key
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_parse() {
        let c = Config::load(None).unwrap();
        assert_eq!(c.instruments.len(), 3);
        assert_eq!(c.ws.listen.port(), 8080);
        assert_eq!(c.ack, AckName::Durable);
    }

    #[test]
    fn a_file_overrides_tables_and_replaces_arrays() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "ack = \"fast\"\n[ws]\nlisten = \"127.0.0.1:0\"\n[[instruments]]\nsymbol = \"X-Y\"\nbase = \"X\"\nquote = \"Y\"\ntick = \"1\"\nlot = \"1\"\n").unwrap();
        let c = Config::load(Some(&p)).unwrap();
        assert_eq!(c.ack, AckName::Fast);
        assert_eq!(c.ws.listen.port(), 0);
        assert_eq!(
            c.ws.heartbeat_ms, 10_000,
            "other [ws] keys keep their defaults"
        );
        assert_eq!(c.instruments.len(), 1);
        assert_eq!(c.keys.len(), 4, "keys not given keep the defaults");
    }

    #[test]
    fn accounts_trade_unless_told_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(
            &p,
            "[[accounts]]\nid = 7\ntrading = false\n[[accounts]]\nid = 8\n",
        )
        .unwrap();
        let c = Config::load(Some(&p)).unwrap();
        assert_eq!((c.accounts[0].id, c.accounts[0].trading), (7, false));
        assert_eq!((c.accounts[1].id, c.accounts[1].trading), (8, true));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "acks = \"fast\"\n").unwrap();
        let e = format!("{:#}", Config::load(Some(&p)).unwrap_err());
        assert!(e.contains("acks"), "{e}");
        std::fs::write(&p, "ack = \"sometimes\"\n").unwrap();
        assert!(Config::load(Some(&p)).is_err());
    }
}
