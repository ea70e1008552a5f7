//! `tradestream serve`: the engine thread, the WebSocket, FIX and QUIC gateways, `/health` and
//! `/metrics`.
//!
//! Start-up: load the config (embedded defaults plus the file), recover the journaled engine,
//! enter new config state as journaled commands, start the engine runtime and the gateway, then
//! serve HTTP and wait for SIGINT/SIGTERM. Shutdown: gateways stop submitting, the engine
//! applies what is in its rings, everything becomes durable and is delivered, the journal is
//! synced and a final snapshot written.

mod bootstrap;
pub mod config;
mod fix;
pub mod fix_config;
mod http;
mod keys;
mod quic;
pub mod quic_config;

use anyhow::{Context, Result};
use config::{AckName, Config, IdleName};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tradestream_runtime::{AckMode, Idle, RuntimeConfig, Wake};
use tradestream_ws::config::WsConfig;
use tradestream_ws::core::Gateway;
use tradestream_ws::server::{EngineNotify, WsServer};

fn idle(config: &Config) -> Idle {
    let park = Duration::from_millis(1);
    match config.engine.idle {
        IdleName::Auto => {
            Idle::for_cores(std::thread::available_parallelism().map_or(1, |n| n.get()))
        }
        IdleName::Spin => Idle::Spin,
        IdleName::SpinPark => Idle::SpinPark {
            spin: Duration::from_micros(50),
            park,
        },
        IdleName::Park => Idle::Park { park },
    }
}

/// A running server: the engine thread, the WebSocket gateway, the FIX acceptor and the QUIC
/// gateway (HTTP is served by [`run`]).
pub struct Server {
    runtime: tradestream_runtime::RuntimeHandle,
    ws: WsServer,
    fix: Option<tradestream_fix::server::FixServer>,
    quic: Option<tradestream_quic::server::QuicServer>,
    /// Where the WebSocket gateway listens.
    pub ws_addr: std::net::SocketAddr,
    /// Where the FIX acceptor listens, if enabled.
    pub fix_addr: Option<std::net::SocketAddr>,
    /// Where the QUIC gateway listens (UDP), if enabled.
    pub quic_addr: Option<std::net::SocketAddr>,
    /// The certificate QUIC clients should pin, if QUIC is enabled.
    pub quic_cert: Option<std::path::PathBuf>,
    /// The runtime's metrics.
    pub metrics: Arc<tradestream_runtime::Metrics>,
}

impl Server {
    /// Recovers the engine, enters new config state, starts the engine thread and the gateway.
    /// Prints what it did to standard output.
    pub fn start(config: &Config) -> Result<Server> {
        let (mut engine, recovered) = bootstrap::open(config)?;
        if recovered.created {
            println!(
                "journal created in {}",
                config.data_dir.join("journal").display()
            );
        } else {
            println!(
                "recovered to seq {} (snapshot {:?}, {} records replayed, {} torn bytes truncated)",
                recovered.last_seq,
                recovered.snapshot_seq,
                recovered.replayed,
                recovered.truncated_bytes
            );
        }
        for line in bootstrap::enter_config(&mut engine, config)? {
            println!("config: {line}");
        }
        let catalog = bootstrap::catalog(engine.engine());
        let seed = bootstrap::resting(engine.engine());
        let auth = keys::authenticator(config)?;
        let notify = Arc::new(EngineNotify::default());
        let ack = match config.ack {
            AckName::Durable => AckMode::Durable,
            AckName::Fast => AckMode::Fast,
        };
        let runtime_config = RuntimeConfig {
            idle: idle(config),
            core: usize::try_from(config.engine.core).ok(),
            ack,
            ..RuntimeConfig::default()
        };
        let idle_name = runtime_config.idle.name();
        // One port per engine-backed gateway, in this order: ws, fix (exchange mode only),
        // quic (if enabled).
        let fix_wakeup = Arc::new(tradestream_fix::server::Wakeup::default());
        let quic_wakeup = Arc::new(tradestream_quic::server::Wakeup::default());
        let mut wakers: Vec<Arc<dyn Wake>> = vec![notify.clone()];
        if fix::needs_engine(config) {
            wakers.push(fix_wakeup.clone());
        }
        if config.quic.enabled {
            wakers.push(quic_wakeup.clone());
        }
        let (runtime, ports) = tradestream_runtime::spawn(engine, runtime_config, wakers)
            .context("cannot start the engine thread")?;
        let mut ports = ports.into_iter();
        let port = ports.next().expect("the ws port");
        let fix_port = fix::needs_engine(config).then(|| ports.next().expect("the fix port"));
        let quic_port = config
            .quic
            .enabled
            .then(|| ports.next().expect("the quic port"));
        let fix = match fix_port {
            Some(fix_port) => Some(fix::start_exchange(
                config,
                fix_port,
                fix_wakeup,
                catalog.clone(),
                seed.clone(),
            )?),
            None if config.fix.enabled => Some(fix::start_echo(config)?),
            None => None,
        };
        let quic = match quic_port {
            Some(quic_port) => Some(quic::start(
                config,
                quic_port,
                quic_wakeup,
                catalog.clone(),
                seed.clone(),
            )?),
            None => None,
        };
        let quic_addr = quic.as_ref().map(|(q, _)| q.local_addr);
        let (quic, quic_cert) = match quic {
            Some((q, cert)) => (Some(q), Some(cert)),
            None => (None, None),
        };
        let fix_addr = fix.as_ref().map(|f| f.local_addr);
        let ws_config = WsConfig {
            listen: config.ws.listen,
            max_message_bytes: config.ws.max_message_bytes,
            heartbeat_ms: config.ws.heartbeat_ms,
            recv_window_ms: config.ws.recv_window_ms,
            rate_limit: config.ws.rate_limit.orders,
            rate_window_ms: config.ws.rate_limit.window_ms,
            slow_consumer_messages: config.ws.slow_consumer_messages,
            fast_ack: ack == AckMode::Fast,
        };
        let gateway = Gateway::new(ws_config, port, catalog, auth, seed);
        let ws = WsServer::start(gateway, notify)
            .with_context(|| format!("cannot listen on {}", config.ws.listen))?;
        println!(
            "engine thread: idle {idle_name}, {}; acks {}",
            runtime
                .pinned_core()
                .map_or("not pinned".to_string(), |c| format!("pinned to core {c}")),
            if ack == AckMode::Fast {
                "fast"
            } else {
                "durable"
            }
        );
        let ws_addr = ws.local_addr;
        let metrics = runtime.metrics().clone();
        Ok(Server {
            runtime,
            ws,
            fix,
            quic,
            ws_addr,
            fix_addr,
            quic_addr,
            quic_cert,
            metrics,
        })
    }

    /// Graceful stop: gateways stop submitting, the engine applies what is in its rings,
    /// everything becomes durable and is delivered, connections close (1001), the journal is
    /// synced and a final snapshot written. Returns the last sequence number.
    pub fn stop(self) -> Result<u64> {
        self.runtime.stop_accepting();
        let stopped = self.runtime.stop(true);
        self.ws.stop().context("ws gateway")?;
        if let Some(fix) = self.fix {
            fix.stop().context("fix gateway")?;
        }
        if let Some(quic) = self.quic {
            quic.stop().context("quic gateway")?;
        }
        let report = stopped.map_err(anyhow::Error::msg)?;
        Ok(report.last_seq)
    }
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(config_path: Option<&Path>) -> Result<()> {
    let config = Config::load(config_path)?;
    let server = Server::start(&config)?;
    println!("ws listening on ws://{}/ws", server.ws_addr);
    if let Some(addr) = server.fix_addr {
        println!(
            "fix listening on {addr} ({:?}, SenderCompID {})",
            config.fix.mode, config.fix.sender_comp_id
        );
    }
    if let (Some(addr), Some(cert)) = (server.quic_addr, &server.quic_cert) {
        println!("quic listening on {addr} (certificate {})", cert.display());
    }
    let metrics = server.metrics.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.http.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.http.listen))?;
        println!("http listening on http://{}", listener.local_addr()?);
        println!("ready (SIGINT or SIGTERM stops it)");
        tokio::select! {
            _ = http::serve(listener, metrics) => {}
            r = signal() => r?,
        }
        anyhow::Ok(())
    })?;
    println!("shutting down: draining the rings, syncing the journal, writing a snapshot");
    let last = server.stop()?;
    println!("stopped at seq {last}; snapshot written");
    Ok(())
}

async fn signal() -> Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}
