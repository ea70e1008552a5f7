//! Starting the FIX acceptor of `tradestream serve`: its sessions (with their stores under
//! `data_dir/fix/`), and the echo or exchange application behind them.

use super::config::{AckName, Config, FsyncName};
use super::fix_config::{FixMode, FixSection};
use anyhow::{Context, Result};
use std::sync::Arc;
use tradestream_fix::acceptor::Acceptor;
use tradestream_fix::app::Application;
use tradestream_fix::dict::Dictionary;
use tradestream_fix::echo::Echo;
use tradestream_fix::exchange::{Exchange, ExchangeSession};
use tradestream_fix::server::{FixServer, Wakeup};
use tradestream_fix::session::{Session, SessionConfig};
use tradestream_fix::store::{Store, Sync};
use tradestream_marketdata::SeedOrder;
use tradestream_model::AccountId;
use tradestream_runtime::GatewayPort;
use tradestream_ws::catalog::Catalog;

/// The configured sessions, their stores opened (and replayed).
fn sessions(config: &Config) -> Result<Vec<Session>> {
    let fix = &config.fix;
    let sync = if config.ack == AckName::Durable && config.fsync != FsyncName::Never {
        Sync::Always
    } else {
        Sync::Never
    };
    fix.sessions
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut cfg = SessionConfig::fix44(&fix.sender_comp_id, &s.target_comp_id);
            cfg.reset_on_logon = s.reset_on_logon.unwrap_or(fix.reset_on_logon);
            cfg.max_latency_ms = fix.max_latency_ms;
            cfg.logout_timeout_ms = fix.logout_timeout_ms;
            cfg.logon_timeout_ms = fix.logon_timeout_ms;
            cfg.heartbeat_s = s.heartbeat_s;
            let dir = config
                .data_dir
                .join("fix")
                .join(format!("{}-{}", fix.sender_comp_id, s.target_comp_id));
            let store = Store::open(&dir, sync)
                .with_context(|| format!("cannot open the FIX store in {}", dir.display()))?;
            Ok(Session::new(i, cfg, store))
        })
        .collect()
}

fn start<A: Application + Send + 'static>(
    fix: &FixSection,
    sessions: Vec<Session>,
    app: A,
    wakeup: Arc<Wakeup>,
) -> Result<FixServer> {
    let tls = match &fix.tls {
        None => None,
        Some(t) => {
            Some(tradestream_fix::server::tls::acceptor(&t.cert, &t.key).context("fix.tls")?)
        }
    };
    let acceptor = Acceptor::new(Dictionary::fix44(), sessions, app);
    FixServer::start(fix.listen, acceptor, wakeup, tls)
        .with_context(|| format!("cannot listen on {} (fix)", fix.listen))
}

/// True when the FIX acceptor needs a port on the engine runtime.
pub fn needs_engine(config: &Config) -> bool {
    config.fix.enabled && config.fix.mode == FixMode::Exchange
}

/// Starts the echo acceptor (no engine involved).
pub fn start_echo(config: &Config) -> Result<FixServer> {
    let sessions = sessions(config)?;
    let echo = Echo::new(Dictionary::fix44(), sessions.len());
    start(&config.fix, sessions, echo, Arc::default())
}

/// Starts the exchange acceptor over its engine `port` (woken through `wakeup`).
pub fn start_exchange(
    config: &Config,
    port: GatewayPort,
    wakeup: Arc<Wakeup>,
    catalog: Catalog,
    seed: Vec<SeedOrder>,
) -> Result<FixServer> {
    let sessions = sessions(config)?;
    let app_sessions = config
        .fix
        .sessions
        .iter()
        .map(|s| ExchangeSession {
            account: AccountId(s.account),
            symbols: s.symbols.clone(),
            cancel_on_disconnect: s.cancel_on_disconnect,
        })
        .collect();
    let exchange = Exchange::new(port, catalog, app_sessions, seed);
    start(&config.fix, sessions, exchange, wakeup)
}
