//! The `[fix]` table of the server config: the FIX 4.4 acceptor and its sessions.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Which application answers behind the FIX session layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixMode {
    /// Order entry, reconciliation and market data over the engine.
    Exchange,
    /// The echo application of the QuickFIX acceptance scripts (no engine involved).
    Echo,
}

/// The FIX acceptor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixSection {
    /// Serve FIX at all.
    pub enabled: bool,
    /// TCP address.
    pub listen: SocketAddr,
    /// `exchange` or `echo`.
    pub mode: FixMode,
    /// Our CompID (the counterparties' TargetCompID).
    pub sender_comp_id: String,
    /// Reset sequence numbers at every logon (for every session unless it says otherwise).
    pub reset_on_logon: bool,
    /// Largest accepted SendingTime difference from our clock.
    pub max_latency_ms: i64,
    /// How long to wait for the counterparty's Logout after ours.
    pub logout_timeout_ms: i64,
    /// How long a connection may stay without a Logon.
    pub logon_timeout_ms: i64,
    /// TLS: PEM certificate chain and private key. Absent: plain TCP.
    pub tls: Option<TlsSection>,
    /// The sessions (counterparties) accepted.
    #[serde(default)]
    pub sessions: Vec<FixSessionEntry>,
}

/// TLS files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSection {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// One FIX session.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixSessionEntry {
    /// The counterparty's SenderCompID.
    pub target_comp_id: String,
    /// The account it trades for (exchange mode).
    #[serde(default)]
    pub account: u64,
    /// Symbols it may trade and see; empty: all.
    #[serde(default)]
    pub symbols: Vec<String>,
    /// Cancel the account's open orders when the session logs out or drops.
    #[serde(default)]
    pub cancel_on_disconnect: bool,
    /// Overrides `fix.reset_on_logon` for this session.
    pub reset_on_logon: Option<bool>,
    /// The HeartBtInt (seconds) its Logon must carry; absent: whatever it asks for.
    pub heartbeat_s: Option<u64>,
}
