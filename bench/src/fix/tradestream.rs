//! Tradestream under test, in-process: `tradestream::serve::Server` started from a TOML config
//! laid over the embedded defaults: one instrument (BTC-USD, tick 0.5, lot 0.0001, no fees),
//! accounts 1 and 2 funded far beyond a run's needs, the FIX gateway in exchange mode on a
//! loopback port the OS picks with one session per client session (`BENCH1` trades for
//! account 1, `BENCH2` for account 2), group commit, and the data in a fresh directory. The
//! WebSocket gateway listens too, and the QUIC one when asked (the `wire` benchmark measures
//! them all on one server), with the `ws` benchmark's Ed25519 key for account 3 and, under
//! another name, for account 4 (each gateway trades for its own account, so none gets
//! another's reports), and a WebSocket rate limit far above any rate measured.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tradestream::serve::config::Config;
use tradestream::serve::Server;

use super::orders::{SESSIONS, SYMBOL, TRADESTREAM};
use crate::ws::server::{key_toml, on_stderr, API_KEY};
use crate::ws::settings::{Ack, Idle};

/// The account the WebSocket key trades for: the one after the FIX sessions' accounts.
pub const WS_ACCOUNT: usize = SESSIONS.len() + 1;

/// The account the QUIC key trades for.
pub const QUIC_ACCOUNT: usize = WS_ACCOUNT + 1;
/// The QUIC key's name (the same key pair as the WebSocket one).
pub const QUIC_API_KEY: &str = "bench-quic";

/// Longest wait for a graceful stop.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// The config file's text for a server keeping its data in `data_dir`, with the QUIC gateway
/// on a loopback port the OS picks if `quic`.
pub fn config_toml(data_dir: &Path, ack: Ack, idle: Idle, quic: bool) -> String {
    let sessions: String = SESSIONS
        .iter()
        .enumerate()
        .map(|(k, s)| {
            format!(
                "\n[[fix.sessions]]\ntarget_comp_id = \"{s}\"\naccount = {}\n",
                k + 1
            )
        })
        .collect();
    let accounts: String = (1..=QUIC_ACCOUNT)
        .map(|a| {
            format!(
                "\n[[accounts]]\nid = {a}\ndeposits = {{ USD = \"1000000000\", BTC = \"1000000\" }}\n"
            )
        })
        .collect();
    let keys = key_toml(API_KEY, WS_ACCOUNT as u64) + &key_toml(QUIC_API_KEY, QUIC_ACCOUNT as u64);
    format!(
        r#"# Written by `bench fix` / `bench wire`.
data_dir = '{data_dir}'
ack = "{ack}"
fsync = "always"

[engine]
idle = "{idle}"

[ws]
listen = "127.0.0.1:0"
rate_limit = {{ orders = 100000000, window_ms = 1000 }}
slow_consumer_messages = 1000000

[http]
listen = "127.0.0.1:0"

[quic]
enabled = {quic}
listen = "127.0.0.1:0"

[fix]
enabled = true
listen = "127.0.0.1:0"
mode = "exchange"
sender_comp_id = "{acceptor}"
reset_on_logon = false
{sessions}
[[instruments]]
symbol = "{SYMBOL}"
base = "BTC"
quote = "USD"
tick = "0.5"
lot = "0.0001"
maker_fee_bps = 0
taker_fee_bps = 0
{accounts}{keys}"#,
        data_dir = data_dir.display(),
        ack = ack.name(),
        idle = idle.name(),
        acceptor = TRADESTREAM.acceptor,
    )
}

/// A running server.
pub struct Running {
    server: Server,
    /// Where the FIX gateway listens.
    pub addr: SocketAddr,
    /// Where the WebSocket gateway listens.
    pub ws_addr: SocketAddr,
    /// Where the QUIC gateway listens and the certificate to pin, if it is on.
    pub quic: Option<(SocketAddr, PathBuf)>,
}

impl Running {
    /// Writes the config into `dir` and starts a server with its data in `dir/data`, with the
    /// QUIC gateway if `quic_on`. What the server prints goes to stderr, so stdout keeps only
    /// the tables.
    pub fn start(dir: &Path, ack: Ack, idle: Idle, quic_on: bool) -> Result<Running> {
        let path = dir.join("server.toml");
        fs::write(&path, config_toml(&dir.join("data"), ack, idle, quic_on))
            .with_context(|| format!("writing {}", path.display()))?;
        let config = Config::load(Some(&path))?;
        let server = on_stderr(|| Server::start(&config)).context("starting the server")?;
        let addr = server
            .fix_addr
            .context("the server started without its FIX gateway")?;
        let ws_addr = server.ws_addr;
        let quic = server.quic_addr.zip(server.quic_cert.clone());
        if quic_on && quic.is_none() {
            bail!("the server started without its QUIC gateway");
        }
        Ok(Running {
            quic,
            server,
            addr,
            ws_addr,
        })
    }

    /// Graceful stop (drain, sync, final snapshot). A server that has not stopped within
    /// [`STOP_TIMEOUT`] is left running in the background (its threads idle) and the stop is
    /// reported as failed, so one hung shutdown does not hang the whole benchmark.
    pub fn stop(self) -> Result<()> {
        let (done, wait) = mpsc::channel();
        let server = self.server;
        std::thread::Builder::new()
            .name("bench-server-stop".into())
            .spawn(move || {
                let _ = done.send(server.stop());
            })
            .context("spawning the stopping thread")?;
        // What the server prints while it stops goes to stderr; stdout is restored when the
        // wait ends, stopped or not.
        match on_stderr(|| wait.recv_timeout(STOP_TIMEOUT)) {
            Ok(stopped) => stopped.map(drop).context("stopping the server"),
            Err(_) => bail!(
                "the server did not stop within {} s (left running in the background)",
                STOP_TIMEOUT.as_secs()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_accepts_the_config() {
        let text = config_toml(Path::new("/tmp/x"), Ack::Fast, Idle::SpinPark, true);
        assert!(text.contains("target_comp_id = \"BENCH2\"\naccount = 2\n"));
        let path =
            std::env::temp_dir().join(format!("bench-fix-config-{}.toml", std::process::id()));
        fs::write(&path, &text).expect("temp dir is writable");
        let config = Config::load(Some(&path));
        let _ = fs::remove_file(&path);
        let config = config.expect("the server accepts the config");
        assert_eq!(config.instruments.len(), 1);
        assert_eq!(config.accounts.len(), 4);
        assert_eq!(config.keys.len(), 2);
        assert!(config.quic.enabled && config.quic.listen.port() == 0);
    }
}
