//! The server under test, in-process: `tradestream::serve::Server` started from a TOML config
//! written for the benchmark (one instrument, one funded account, one Ed25519 key, a loopback
//! port picked by the OS, a rate limit far above any rate measured).

use std::fs;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};
use ed25519_dalek::{Signer, SigningKey};
use tradestream::serve::config::Config;
use tradestream::serve::Server;

use super::frames;
use super::settings::{Ack, Idle};

/// The one instrument: symbol, base, quote, tick, lot.
pub const SYMBOL: &str = "BTC-USD";
const TICK: &str = "0.5";
const LOT: &str = "0.0001";
/// The API key of the benchmark's account.
pub const API_KEY: &str = "bench-1";
/// Its account.
const ACCOUNT: u64 = 1;
/// Seed of the key's Ed25519 secret (a benchmark key: no secret worth keeping).
const KEY_SEED: [u8; 32] = [0x42; 32];

/// How the server is configured for one measurement.
#[derive(Debug, Clone, Copy)]
pub struct ServerSettings {
    /// Acknowledgement mode.
    pub ack: Ack,
    /// Engine thread idle strategy.
    pub idle: Idle,
    /// Commands between snapshots (0: none).
    pub snapshot_every: u64,
    /// Messages queued for one connection before it is cut off as a slow consumer.
    pub slow_consumer_messages: usize,
}

/// The key the benchmark signs its logons with.
pub fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&KEY_SEED)
}

/// Signs `message` with [`signing_key`].
pub fn sign(message: &str) -> Vec<u8> {
    signing_key().sign(message.as_bytes()).to_bytes().to_vec()
}

/// A `[[keys]]` entry named `api_key`: [`signing_key`]'s public half, trading for `account`.
pub fn key_toml(api_key: &str, account: u64) -> String {
    let public = frames::hex(signing_key().verifying_key().as_bytes());
    format!(
        "\n[[keys]]\napi_key = \"{api_key}\"\naccount = {account}\nscopes = [\"trade\"]\n\
         ed25519_public = \"{public}\"\n"
    )
}

/// The config file's text for a server keeping its data in `data_dir`.
pub fn config_toml(data_dir: &Path, s: ServerSettings) -> String {
    let keys = key_toml(API_KEY, ACCOUNT);
    format!(
        r#"# Written by `bench ws`.
data_dir = '{data_dir}'
ack = "{ack}"
fsync = "always"
snapshot_every = {snapshot_every}

[engine]
idle = "{idle}"

[ws]
listen = "127.0.0.1:0"
rate_limit = {{ orders = 100000000, window_ms = 1000 }}
slow_consumer_messages = {slow_consumer}

[http]
listen = "127.0.0.1:0"

# The FIX gateway (on by default) is not measured here: off, so the engine feeds one gateway.
[fix]
enabled = false

# Nor is the QUIC gateway.
[quic]
enabled = false

[[instruments]]
symbol = "{SYMBOL}"
base = "BTC"
quote = "USD"
tick = "{TICK}"
lot = "{LOT}"
maker_fee_bps = 0
taker_fee_bps = 0

[[accounts]]
id = {ACCOUNT}
deposits = {{ USD = "1000000000", BTC = "1000000" }}
{keys}"#,
        data_dir = data_dir.display(),
        ack = s.ack.name(),
        idle = s.idle.name(),
        snapshot_every = s.snapshot_every,
        slow_consumer = s.slow_consumer_messages,
    )
}

/// A running server and the directory it keeps its journal in.
pub struct Running {
    server: Server,
    /// Where the WebSocket gateway listens.
    pub addr: SocketAddr,
}

impl Running {
    /// Writes the config into `dir` and starts a server with its data in `dir/data`. What the
    /// server prints at start goes to stderr, so stdout keeps only the tables.
    pub fn start(dir: &Path, settings: ServerSettings) -> Result<Running> {
        let path = dir.join("server.toml");
        fs::write(&path, config_toml(&dir.join("data"), settings))
            .with_context(|| format!("writing {}", path.display()))?;
        let config = Config::load(Some(&path))?;
        let server = on_stderr(|| Server::start(&config)).context("starting the server")?;
        let addr = server.ws_addr;
        Ok(Running { server, addr })
    }

    /// The `ws://` URL of the gateway.
    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Graceful stop (drain, sync, final snapshot).
    pub fn stop(self) -> Result<()> {
        on_stderr(|| self.server.stop()).context("stopping the server")?;
        Ok(())
    }
}

/// Runs `f` with file descriptor 1 pointing at stderr.
pub(crate) fn on_stderr<T>(f: impl FnOnce() -> T) -> T {
    let _ = std::io::stdout().flush();
    // SAFETY: dup/dup2/close on the process's own standard descriptors; `saved` is checked
    // before use and closed once restored.
    let saved = unsafe { libc::dup(1) };
    if saved >= 0 {
        unsafe { libc::dup2(2, 1) };
    }
    let out = f();
    let _ = std::io::stdout().flush();
    if saved >= 0 {
        // SAFETY: as above.
        unsafe {
            libc::dup2(saved, 1);
            libc::close(saved);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier};

    #[test]
    fn signs_what_the_key_in_the_config_verifies() {
        let message = frames::logon_message(API_KEY, 1_763_790_000_000, "bench-nonce");
        let sig = Signature::from_slice(&sign(&message)).expect("64 bytes");
        assert!(signing_key()
            .verifying_key()
            .verify(message.as_bytes(), &sig)
            .is_ok());
        let text = config_toml(
            Path::new("/tmp/x"),
            ServerSettings {
                ack: Ack::Durable,
                idle: Idle::SpinPark,
                snapshot_every: 0,
                slow_consumer_messages: 4096,
            },
        );
        let public = frames::hex(signing_key().verifying_key().as_bytes());
        assert!(text.contains(&format!("ed25519_public = \"{public}\"")));
        assert!(text.contains("ack = \"durable\"") && text.contains("idle = \"spin_park\""));
        let path =
            std::env::temp_dir().join(format!("bench-ws-config-{}.toml", std::process::id()));
        fs::write(&path, &text).expect("temp dir is writable");
        let config = Config::load(Some(&path));
        let _ = fs::remove_file(&path);
        let config = config.expect("the server accepts the config");
        assert_eq!(config.instruments.len(), 1);
        assert_eq!(config.keys.len(), 1);
        assert_eq!(config.ws.listen.port(), 0);
    }
}
