//! The `[quic]` table of the server config: the market-maker QUIC gateway (docs/quic.md).

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The QUIC gateway.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuicSection {
    /// Serve QUIC at all.
    pub enabled: bool,
    /// UDP address.
    pub listen: SocketAddr,
    /// PEM certificate chain; with `key`. Absent: a self-signed certificate kept in
    /// `data_dir/quic/`.
    pub cert: Option<PathBuf>,
    /// PEM private key of `cert`.
    pub key: Option<PathBuf>,
    /// PEM CA certificate(s): enables client-certificate logons.
    pub client_ca: Option<PathBuf>,
    /// Largest accepted difference between a Logon's timestamp and the server clock.
    pub recv_window_ms: u64,
    /// Cancel an account's open orders when its last QUIC session ends.
    pub cancel_on_disconnect: bool,
    /// Most entries per market-data datagram (default 40, at most 170).
    pub max_datagram_entries: Option<usize>,
    /// Client-certificate identities.
    #[serde(default)]
    pub certs: Vec<QuicCertEntry>,
}

/// `[[quic.certs]]`: a client certificate's subject common name and its account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuicCertEntry {
    /// The certificate's subject common name.
    pub subject: String,
    /// The account it trades for.
    pub account: u64,
}
