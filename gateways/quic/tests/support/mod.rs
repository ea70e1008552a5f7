//! Shared set-up of the transport tests: a real journaled engine (temp dir, fast acks)
//! listing `S0-USD` and `S1-USD` (tick 0.01, lot 0.001) with accounts 1 to 8 funded, the QUIC
//! gateway over it on 127.0.0.1 with a self-signed certificate, and clients.
//!
//! Keys: `k<n>` (account n, `trade` scope) signs with the seed `[n; 32]`, for n in 1..=8;
//! `ro5` (account 5) has only the `read` scope.

#![allow(dead_code)]

use ed25519_dalek::SigningKey;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use tradestream_durable::{DurableConfig, DurableEngine};
use tradestream_engine::EngineConfig;
use tradestream_journal::{FsStorage, FsyncPolicy, JournalConfig};
use tradestream_model::decimal::{parse, Grid};
use tradestream_model::{
    AccountId, Amount, Command, InstrumentId, InstrumentKind, InstrumentSpec, ShortName, Timestamp,
};
use tradestream_quic::auth::{Authenticator, KeyGrant};
use tradestream_quic::client::{Client, Trust};
use tradestream_quic::gateway::{Gateway, GatewayConfig};
use tradestream_quic::server::{QuicServer, Wakeup};
use tradestream_quic::tls::{self, Identity};
use tradestream_quic::{MdDelta, Message};
use tradestream_runtime::{
    spawn, AckMode, GatewayPort, Idle, Metrics, Output, Request, RuntimeConfig, RuntimeHandle, Wake,
};
use tradestream_ws::catalog::Catalog;

/// How long a test waits for anything.
pub const WAIT: Duration = Duration::from_secs(10);

struct NoWake;

impl Wake for NoWake {
    fn wake(&self) {}
}

fn name(s: &str) -> ShortName {
    ShortName::new(s).unwrap()
}

fn setup() -> Vec<Command> {
    let mut v = Vec::new();
    for i in 0..2 {
        v.push(Command::AddInstrument(InstrumentSpec {
            symbol: name(&format!("S{i}-USD")),
            kind: InstrumentKind::Spot,
            base: name(&format!("B{i}")),
            quote: name("USD"),
            tick: Grid::new(parse("0.01").unwrap()).unwrap(),
            lot: Grid::new(parse("0.001").unwrap()).unwrap(),
            maker_fee_bps: 0,
            taker_fee_bps: 0,
        }));
    }
    let lots = Amount(1_000_000_000 * 1_000_000_000_000_000_000);
    for a in 1..=8 {
        for asset in ["B0", "B1", "USD"] {
            v.push(Command::Deposit {
                account: AccountId(a),
                asset: name(asset),
                amount: lots,
            });
        }
    }
    v
}

/// The signing key of `k<account>`.
pub fn signing_key(account: u64) -> SigningKey {
    SigningKey::from_bytes(&[account as u8; 32])
}

/// CA certificates for client-certificate auth, with common names mapped to accounts.
pub type ClientCa = (
    Vec<rustls::pki_types::CertificateDer<'static>>,
    Vec<(String, u64)>,
);

/// Test server options.
#[derive(Default)]
pub struct Options {
    /// Keep the account's orders when its last session ends.
    pub keep_orders_on_disconnect: bool,
    /// PEM CA certificates for client-certificate auth, with CN → account.
    pub client_ca: Option<ClientCa>,
}

/// A running engine and QUIC gateway.
pub struct TestServer {
    runtime: Option<RuntimeHandle>,
    server: Option<QuicServer>,
    /// Where the gateway listens.
    pub addr: std::net::SocketAddr,
    /// The self-signed certificate clients pin.
    pub cert: PathBuf,
    /// The runtime's metrics.
    pub metrics: Arc<Metrics>,
    admin: Mutex<GatewayPort>,
    _dir: tempfile::TempDir,
}

/// The journaled engine of the tests (in `dir`) with its [`setup`] applied, and its catalog.
pub fn engine(dir: &tempfile::TempDir) -> (DurableEngine, Catalog) {
    let config = DurableConfig {
        engine: EngineConfig::default(),
        journal: JournalConfig::new(""),
        fsync: FsyncPolicy::Never,
        snapshot_every: 0,
        keep_snapshots: 2,
        prefault: false,
    };
    let mut engine = DurableEngine::open(FsStorage::new(dir.path().join("journal")), config)
        .unwrap()
        .0;
    let mut events = Vec::new();
    for cmd in setup() {
        events.clear();
        engine.apply(&cmd, Timestamp(1), &mut events).unwrap();
    }
    let mut catalog = Catalog::default();
    let mut i = 0;
    while let Some(inst) = engine.engine().instrument(InstrumentId(i)) {
        catalog.add(InstrumentId(i), inst.spec, inst.halted);
        i += 1;
    }
    (engine, catalog)
}

impl TestServer {
    /// Starts with default options.
    pub fn start() -> TestServer {
        TestServer::start_with(Options::default())
    }

    /// Starts with `options`.
    pub fn start_with(options: Options) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let (engine, catalog) = engine(&dir);
        let runtime_config = RuntimeConfig {
            idle: Idle::SpinPark {
                spin: Duration::from_micros(20),
                park: Duration::from_millis(1),
            },
            ack: AckMode::Fast,
            ..RuntimeConfig::default()
        };
        let wakeup = Arc::new(Wakeup::default());
        let wakers: Vec<Arc<dyn Wake>> = vec![wakeup.clone(), Arc::new(NoWake)];
        let (runtime, ports) = spawn(engine, runtime_config, wakers).unwrap();
        let mut ports = ports.into_iter();
        let port = ports.next().unwrap();
        let admin = Mutex::new(ports.next().unwrap());
        let mut keys: Vec<KeyGrant> = (1..=8)
            .map(|a| KeyGrant {
                api_key: format!("k{a}"),
                public: signing_key(a).verifying_key(),
                account: a,
                can_trade: true,
            })
            .collect();
        keys.push(KeyGrant {
            api_key: "ro5".into(),
            public: signing_key(5).verifying_key(),
            account: 5,
            can_trade: false,
        });
        let (ca, certs) = options.client_ca.unwrap_or_default();
        let auth = Authenticator::new(keys, certs, 5_000);
        let gateway_config = GatewayConfig {
            cancel_on_disconnect: !options.keep_orders_on_disconnect,
            ..GatewayConfig::default()
        };
        let gateway = Gateway::new(port, auth, catalog, Vec::new(), gateway_config);
        let (identity, cert) = tls::self_signed(&dir.path().join("quic")).unwrap();
        let client_ca = (!ca.is_empty()).then_some(ca.as_slice());
        let server_config = tls::server_config(identity, client_ca).unwrap();
        let server = QuicServer::start(
            "127.0.0.1:0".parse().unwrap(),
            server_config,
            gateway,
            wakeup,
        )
        .unwrap();
        TestServer {
            metrics: runtime.metrics().clone(),
            runtime: Some(runtime),
            addr: server.local_addr,
            server: Some(server),
            cert,
            admin,
            _dir: dir,
        }
    }

    /// The pinned trust of the server's certificate.
    pub fn trust(&self) -> Trust {
        Trust::pinned_pem_file(&self.cert).unwrap()
    }

    /// A connected client (not logged on).
    pub async fn client(&self) -> Client {
        Client::connect(self.addr, "localhost", self.trust())
            .await
            .unwrap()
    }

    /// A client logged on as `k<account>`.
    pub async fn logged_on(&self, account: u64) -> Client {
        let mut c = self.client().await;
        c.logon_ed25519(account, &format!("k{account}"), &signing_key(account))
            .await
            .unwrap();
        c
    }

    /// A client presenting `identity`.
    pub async fn client_with(&self, identity: Identity) -> Client {
        Client::connect_with(self.addr, "localhost", &self.trust(), Some(identity))
            .await
            .unwrap()
    }

    /// Applies an operator command through the test's own engine port, waiting until done.
    pub fn admin(&self, cmd: Command) {
        let mut port = self.admin.lock().unwrap();
        port.submit(0, 1, Request::Command(cmd)).unwrap();
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            match port.poll() {
                Some(out) if matches!(out.output, Output::Done(_)) && out.origin.is_some() => {
                    return;
                }
                Some(_) => {}
                None => {
                    assert!(std::time::Instant::now() < deadline, "admin command done");
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    }

    /// Commands the engine applied so far.
    pub fn commands(&self) -> u64 {
        self.metrics.commands.load(Ordering::Relaxed)
    }

    /// Requests (commands and snapshots) the engine handled so far.
    pub fn requests(&self) -> u64 {
        self.commands() + self.metrics.snapshots.load(Ordering::Relaxed)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.stop_accepting();
            let stopped = runtime.stop(false);
            if let Some(server) = self.server.take() {
                server.stop().unwrap();
            }
            stopped.unwrap();
        }
    }
}

/// The next message on the stream, within [`WAIT`].
pub async fn next(c: &mut Client) -> Message {
    tokio::time::timeout(WAIT, c.recv())
        .await
        .expect("a message in time")
        .expect("a message")
}

/// The next message that is not a Heartbeat or ProtectionTripped, for which `pred` holds;
/// panics after [`WAIT`].
pub async fn expect(c: &mut Client, pred: impl Fn(&Message) -> bool) -> Message {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let msg = tokio::time::timeout_at(deadline, c.recv())
            .await
            .expect("the expected message in time")
            .expect("a message");
        if pred(&msg) {
            return msg;
        }
    }
}

/// The next market-data datagram of `instrument`, within [`WAIT`].
pub async fn datagram(c: &Client, instrument: u32) -> MdDelta {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let d = tokio::time::timeout_at(deadline, c.recv_datagram())
            .await
            .expect("a datagram in time")
            .expect("a datagram");
        if d.instrument == instrument {
            return d;
        }
    }
}
