//! Starting the QUIC gateway of `tradestream serve`: its TLS identity (configured, or a
//! self-signed certificate kept in `data_dir/quic/`), its keys and certificate identities, and
//! the gateway over its engine port.

use super::config::Config;
use anyhow::{anyhow, Context, Result};
use std::path::PathBuf;
use std::sync::Arc;
use tradestream_marketdata::SeedOrder;
use tradestream_quic::auth::{key_id, Authenticator, KeyGrant};
use tradestream_quic::gateway::{Gateway, GatewayConfig, DEFAULT_DATAGRAM_ENTRIES};
use tradestream_quic::server::{QuicServer, Wakeup};
use tradestream_quic::tls::{self, Identity};
use tradestream_runtime::GatewayPort;
use tradestream_ws::auth::{KeySecret, Scopes};
use tradestream_ws::catalog::Catalog;

/// The Ed25519 keys usable over QUIC (names of at most 16 bytes; HMAC keys cannot sign a
/// Logon).
fn keys(config: &Config) -> Result<Vec<KeyGrant>> {
    let mut out = Vec::new();
    for k in &config.keys {
        let (Some(hex), Some(_)) = (&k.ed25519_public, key_id(&k.api_key)) else {
            continue;
        };
        let KeySecret::Ed25519(public) =
            KeySecret::ed25519_hex(hex).map_err(|e| anyhow!("key {:?}: {e}", k.api_key))?
        else {
            continue;
        };
        let scopes = Scopes::parse(&k.scopes).map_err(|e| anyhow!("key {:?}: {e}", k.api_key))?;
        out.push(KeyGrant {
            api_key: k.api_key.clone(),
            public,
            account: k.account,
            can_trade: scopes.can_trade(),
        });
    }
    Ok(out)
}

/// The server identity and the path of the certificate clients should pin.
fn identity(config: &Config) -> Result<(Identity, PathBuf)> {
    let q = &config.quic;
    match (&q.cert, &q.key) {
        (Some(cert), Some(key)) => Ok((
            Identity::from_pem_files(cert, key).context("quic.cert / quic.key")?,
            cert.clone(),
        )),
        (None, None) => {
            tls::self_signed(&config.data_dir.join("quic")).context("quic self-signed certificate")
        }
        _ => Err(anyhow!("quic: give both cert and key, or neither")),
    }
}

/// Starts the gateway over its engine `port` (woken through `wakeup`); returns it with the
/// certificate clients should pin.
pub fn start(
    config: &Config,
    port: GatewayPort,
    wakeup: Arc<Wakeup>,
    catalog: Catalog,
    seed: Vec<SeedOrder>,
) -> Result<(QuicServer, PathBuf)> {
    let q = &config.quic;
    let (identity, cert) = identity(config)?;
    let ca = match &q.client_ca {
        Some(path) => Some(tls::certs_from_pem_file(path).context("quic.client_ca")?),
        None => None,
    };
    let server_config = tls::server_config(identity, ca.as_deref()).context("quic tls")?;
    let certs = q
        .certs
        .iter()
        .map(|c| (c.subject.clone(), c.account))
        .collect();
    let auth = Authenticator::new(keys(config)?, certs, q.recv_window_ms);
    let gateway_config = GatewayConfig {
        cancel_on_disconnect: q.cancel_on_disconnect,
        max_datagram_entries: q.max_datagram_entries.unwrap_or(DEFAULT_DATAGRAM_ENTRIES),
    };
    let gateway = Gateway::new(port, auth, catalog, seed, gateway_config);
    let server = QuicServer::start(q.listen, server_config, gateway, wakeup)
        .with_context(|| format!("cannot listen on {} (quic)", q.listen))?;
    Ok((server, cert))
}
