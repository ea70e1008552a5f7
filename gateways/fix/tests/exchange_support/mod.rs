//! Shared set-up of the exchange tests, included by each `exchange_*` test binary: one real
//! journaled engine per binary (in a temp dir, fast acks), listing `S0-USD` ... `S11-USD`
//! (tick 0.01, lot 0.001) and funding accounts 1 to 64; each test takes its own gateway
//! port, fresh accounts and fresh symbols, so tests run in parallel without meeting.
//!
//! Every message the exchange sends is stamped with a header, parsed and validated against
//! the FIX 4.4 dictionary, and its ExecID checked unique across the binary.

#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tradestream_durable::{DurableConfig, DurableEngine};
use tradestream_engine::EngineConfig;
use tradestream_fix::app::{AppError, Application, Outbox, SessionId};
use tradestream_fix::codec::encode::{with_trailer, Outgoing};
use tradestream_fix::codec::parse::Message;
use tradestream_fix::dict::Dictionary;
use tradestream_fix::exchange::{Exchange, ExchangeSession};
use tradestream_fix::validate;
use tradestream_journal::{FsStorage, FsyncPolicy, JournalConfig};
use tradestream_model::decimal::{parse, Grid};
use tradestream_model::{
    AccountId, Amount, Command, InstrumentId, InstrumentKind, InstrumentSpec, ShortName, Timestamp,
};
use tradestream_runtime::{spawn, AckMode, GatewayPort, Idle, RuntimeConfig, Wake};
use tradestream_ws::catalog::Catalog;

const INSTRUMENTS: u32 = 12;
const ACCOUNTS: u64 = 64;
const PORTS: usize = 16;

struct NoWake;

impl Wake for NoWake {
    fn wake(&self) {}
}

struct Shared {
    ports: Mutex<Vec<GatewayPort>>,
    catalog: Catalog,
    dict: Dictionary,
    exec_ids: Mutex<HashSet<(String, String)>>,
    next_account: AtomicU64,
    next_symbol: AtomicU64,
}

fn name(s: &str) -> ShortName {
    ShortName::new(s).unwrap()
}

fn setup() -> Vec<Command> {
    let mut v = Vec::new();
    for i in 0..INSTRUMENTS {
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
    for a in 1..=ACCOUNTS {
        for i in 0..INSTRUMENTS {
            v.push(Command::Deposit {
                account: AccountId(a),
                asset: name(&format!("B{i}")),
                amount: lots,
            });
        }
        v.push(Command::Deposit {
            account: AccountId(a),
            asset: name("USD"),
            amount: lots,
        });
    }
    v
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        // The engine lives as long as the test process; so does its journal directory.
        let dir = tempfile::tempdir().unwrap().keep();
        let config = DurableConfig {
            engine: EngineConfig::default(),
            journal: JournalConfig::new(""),
            fsync: FsyncPolicy::Never,
            snapshot_every: 0,
            keep_snapshots: 2,
            prefault: false,
        };
        let mut engine = DurableEngine::open(FsStorage::new(&dir), config).unwrap().0;
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
        let runtime = RuntimeConfig {
            idle: Idle::SpinPark {
                spin: Duration::from_micros(20),
                park: Duration::from_millis(1),
            },
            ack: AckMode::Fast,
            ..RuntimeConfig::default()
        };
        let wakers: Vec<Arc<dyn Wake>> = (0..PORTS).map(|_| Arc::new(NoWake) as _).collect();
        let (handle, ports) = spawn(engine, runtime, wakers).unwrap();
        std::mem::forget(handle);
        Shared {
            ports: Mutex::new(ports),
            catalog,
            dict: Dictionary::fix44(),
            exec_ids: Mutex::new(HashSet::new()),
            next_account: AtomicU64::new(1),
            next_symbol: AtomicU64::new(0),
        }
    })
}

/// A symbol no other test uses.
pub fn fresh_symbol() -> String {
    let i = shared().next_symbol.fetch_add(1, Ordering::Relaxed);
    assert!(i < u64::from(INSTRUMENTS), "more symbols than listed");
    format!("S{i}-USD")
}

/// An exchange over its own port, its sessions on fresh accounts, and what it sent.
pub struct Harness {
    pub ex: Exchange,
    pub accounts: Vec<AccountId>,
    inbox: Vec<(SessionId, Message)>,
    seq: u64,
}

/// Stamps a header on `out` (as the session layer does), parses and validates it, and
/// checks its ExecID is new.
pub fn stamp(out: &Outgoing) -> Message {
    let s = shared();
    let mut rest = Vec::new();
    let mt = String::from_utf8(out.msg_type.clone()).unwrap();
    rest.extend_from_slice(
        format!("35={mt}\x0134=7\x0149=EXCH\x0152=20260101-00:00:00.000\x0156=CLIENT\x01")
            .as_bytes(),
    );
    rest.extend_from_slice(&out.body);
    let msg = Message::parse(with_trailer(&rest), &s.dict).unwrap();
    let tree = validate::tree(&msg, &s.dict);
    if let Err(e) = validate::validate(&msg, &tree, &s.dict) {
        panic!("invalid {e:?}: {}", msg.printable());
    }
    if let Some(exec_id) = msg.get_str(17) {
        let account = msg.get_str(1).unwrap_or("").to_string();
        let fresh = s
            .exec_ids
            .lock()
            .unwrap()
            .insert((exec_id.to_string(), account));
        assert!(fresh, "ExecID {exec_id} reused: {}", msg.printable());
    }
    msg
}

/// A field as text ("" when absent).
pub fn f(m: &Message, tag: i32) -> &str {
    m.get_str(tag).unwrap_or("")
}

impl Harness {
    /// Sessions with their permitted symbols (empty: all) and cancel-on-disconnect, each on
    /// a fresh account, all logged on.
    pub fn new(sessions: &[(&[&str], bool)]) -> Harness {
        let s = shared();
        let port = s.ports.lock().unwrap().pop().expect("enough ports");
        let mut accounts = Vec::new();
        let configs = sessions
            .iter()
            .map(|(symbols, cod)| {
                let account = AccountId(s.next_account.fetch_add(1, Ordering::Relaxed));
                assert!(account.0 <= ACCOUNTS);
                accounts.push(account);
                ExchangeSession {
                    account,
                    symbols: symbols.iter().map(|x| x.to_string()).collect(),
                    cancel_on_disconnect: *cod,
                }
            })
            .collect();
        let ex = Exchange::new(port, s.catalog.clone(), configs, Vec::new());
        let mut h = Harness {
            ex,
            accounts,
            inbox: Vec::new(),
            seq: 1,
        };
        for i in 0..sessions.len() {
            let mut out = Outbox::default();
            h.ex.on_logon(i, &mut out);
            h.take(&mut out);
        }
        h
    }

    fn take(&mut self, out: &mut Outbox) {
        for (session, msg) in out.drain() {
            self.inbox.push((session, stamp(&msg)));
        }
    }

    /// Sends an application message (`|` for SOH, header and trailer added) from `session`.
    pub fn send(&mut self, session: SessionId, body: &str) -> Result<(), AppError> {
        self.seq += 1;
        let text = format!(
            "{}|34={}|49=CLIENT|52=20260101-00:00:00.000|56=EXCH|{}|",
            &body[..body.find('|').unwrap()],
            self.seq,
            &body[body.find('|').unwrap() + 1..]
        );
        let raw = with_trailer(text.replace('|', "\x01").as_bytes());
        let msg = Message::parse(raw, &shared().dict).unwrap();
        let mut out = Outbox::default();
        let r = self.ex.on_app_message(session, &msg, &mut out);
        self.take(&mut out);
        r
    }

    /// Logs `session` out.
    pub fn logout(&mut self, session: SessionId) {
        let mut out = Outbox::default();
        self.ex.on_logout(session, &mut out);
        self.take(&mut out);
    }

    fn poll(&mut self) {
        let mut out = Outbox::default();
        while self.ex.poll_engine(64, &mut out) {}
        self.take(&mut out);
    }

    /// Waits for the first message to `session` of type `msg_type` with every `(tag, value)`
    /// of `fields`, and takes it (and nothing else) from the inbox.
    pub fn expect(
        &mut self,
        session: SessionId,
        msg_type: &str,
        fields: &[(i32, &str)],
    ) -> Message {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            self.poll();
            let found = self.inbox.iter().position(|(s, m)| {
                *s == session
                    && m.msg_type() == msg_type.as_bytes()
                    && fields.iter().all(|(t, v)| m.get_str(*t) == Some(v))
            });
            if let Some(i) = found {
                return self.inbox.remove(i).1;
            }
            if Instant::now() > deadline {
                let seen: Vec<String> = self
                    .inbox
                    .iter()
                    .map(|(s, m)| format!("{s}: {}", m.printable()))
                    .collect();
                panic!(
                    "no {msg_type} {fields:?} for session {session}; inbox:\n{}",
                    seen.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Gives the engine 50 ms to answer what is in flight, then returns and clears every
    /// message received so far.
    pub fn drain(&mut self) -> Vec<(SessionId, Message)> {
        std::thread::sleep(Duration::from_millis(50));
        self.poll();
        std::mem::take(&mut self.inbox)
    }
}
