//! The sans-I/O gateway core: logons, order entry and market data over one engine
//! [`GatewayPort`], driven by the transport ([`crate::server`]).
//!
//! The transport calls [`Gateway::logon`] with a connection's first frame,
//! [`Gateway::on_message`] with every later one and [`Gateway::disconnect`] when it closes;
//! [`Gateway::poll`] turns the engine's released items into messages. What the gateway sends
//! is collected as [`Outgoing`] items ([`Gateway::drain_outputs`]).
//!
//! - [`entry`]: client messages into engine requests (or immediate answers);
//! - [`engine`]: the engine's items into acks, rejects, fills and market data;
//! - [`ids`]: QUIC ids in the engine's client order ids;
//! - [`orders`]: open orders of the accounts with a session (order ids, open quantity).
//!
//! Routing: answers to a request (Reject, MassCancelAck, QuoteAck) go to the session that sent
//! it (the origin's session and tag); OrderAck, Fill, CancelAck and AmendAck go to every
//! session of the order's account, whoever caused them.

pub mod engine;
pub mod entry;
pub mod ids;
pub mod orders;

use crate::auth::Authenticator;
use crate::md::MarketData;
use crate::messages::client::Logon;
use crate::messages::market::MdDelta;
use crate::messages::server::LogonAck;
use crate::messages::Message;
use crate::types::RejectCode;
use bytes::Bytes;
use orders::Orders;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::time::{SystemTime, UNIX_EPOCH};
use tradestream_marketdata::SeedOrder;
use tradestream_model::{AccountId, Command};
use tradestream_runtime::{GatewayPort, Out, Request, SubmitError};
use tradestream_ws::catalog::Catalog;

/// A connection's session number, never that of another live session (numbers wrap after
/// 2^32 logons).
pub type SessionId = u32;

/// Gateway settings.
#[derive(Debug, Clone, Copy)]
pub struct GatewayConfig {
    /// Cancel an account's open orders (journaled `Disconnect`) when its last QUIC session
    /// ends.
    pub cancel_on_disconnect: bool,
    /// Most entries in one MdDelta datagram.
    pub max_datagram_entries: usize,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            cancel_on_disconnect: true,
            max_datagram_entries: DEFAULT_DATAGRAM_ENTRIES,
        }
    }
}

/// Default entries per MdDelta: 8 + 14 + 40 × 24 = 982 bytes, within the datagram room of
/// QUIC's minimum 1200-byte packets.
pub const DEFAULT_DATAGRAM_ENTRIES: usize = 40;

/// Something the transport must send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// A message on one session's order-entry stream.
    Send(SessionId, Message),
    /// An encoded MdDelta frame, one datagram to every logged-on session.
    Market(Bytes),
}

/// Why a client message ends its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The session is not logged on.
    #[error("unknown session")]
    UnknownSession,
    /// A second Logon, or a server → client message type.
    #[error("unexpected message type 0x{0:02x}")]
    Unexpected(u8),
}

/// A request in flight, by its tag.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pending {
    /// A new order, cancel, amend or quote: a reject goes to `session` with `client_id`.
    Order {
        session: SessionId,
        account: AccountId,
        client_id: u64,
    },
    /// A mass cancel: its ack goes to `session`.
    Mass { session: SessionId, instrument: u32 },
}

impl Pending {
    /// Where a Reject of the request goes: its session and wire id (0 for a mass cancel).
    fn requester(self) -> (SessionId, u64) {
        match self {
            Pending::Order {
                session, client_id, ..
            } => (session, client_id),
            Pending::Mass { session, .. } => (session, 0),
        }
    }
}

/// The gateway core.
pub struct Gateway {
    port: GatewayPort,
    auth: Authenticator,
    catalog: Catalog,
    config: GatewayConfig,
    md: MarketData,
    sessions: FxHashMap<SessionId, AccountId>,
    by_account: FxHashMap<AccountId, Vec<SessionId>>,
    orders: Orders,
    pending: FxHashMap<u64, Pending>,
    next_tag: u64,
    next_session: SessionId,
    deferred: VecDeque<Request>,
    batch: Vec<Out>,
    deltas: Vec<MdDelta>,
    out: Vec<Outgoing>,
}

/// The wall clock in ns since the Unix epoch (what the transport passes as `now`).
#[must_use]
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Gateway {
    /// A gateway over `port` for the `catalog`'s instruments, its books seeded with the
    /// engine's resting orders.
    #[must_use]
    pub fn new(
        port: GatewayPort,
        auth: Authenticator,
        catalog: Catalog,
        seed: Vec<SeedOrder>,
        config: GatewayConfig,
    ) -> Gateway {
        let instruments = catalog.iter().count();
        Gateway {
            port,
            auth,
            catalog,
            config,
            md: MarketData::new(instruments, seed, config.max_datagram_entries),
            sessions: FxHashMap::default(),
            by_account: FxHashMap::default(),
            orders: Orders::default(),
            pending: FxHashMap::default(),
            next_tag: 1,
            next_session: 1,
            deferred: VecDeque::new(),
            batch: Vec::with_capacity(256),
            deltas: Vec::new(),
            out: Vec::new(),
        }
    }

    /// Authenticates a connection's first frame (`peer_cn`: the common name of its verified
    /// client certificate) at `now` (ns since the epoch). On success the session exists and its
    /// LogonAck is returned; on failure nothing reached the engine and the LogonReject reason is
    /// returned.
    pub fn logon(
        &mut self,
        logon: &Logon,
        peer_cn: Option<&str>,
        now: u64,
    ) -> Result<LogonAck, RejectCode> {
        let account = AccountId(self.auth.check(logon, peer_cn, now)?);
        let session = self.new_session();
        self.sessions.insert(session, account);
        let sessions = self.by_account.entry(account).or_default();
        sessions.push(session);
        if sessions.len() == 1 {
            // Learn the account's open orders (entered before, or by other gateways); a busy
            // engine takes the snapshot later (any account snapshot is learnt from).
            self.submit_or_defer(session, Request::AccountSnapshot(account));
        }
        Ok(LogonAck {
            session: u64::from(session),
            server_time: now,
        })
    }

    /// The session's connection ended: forgets it, and when it was the account's last
    /// session, cancels the account's open orders (if configured).
    pub fn disconnect(&mut self, session: SessionId) {
        let Some(account) = self.sessions.remove(&session) else {
            return;
        };
        let Some(list) = self.by_account.get_mut(&account) else {
            return;
        };
        list.retain(|s| *s != session);
        if !list.is_empty() {
            return;
        }
        self.by_account.remove(&account);
        self.orders.forget_account(account);
        if self.config.cancel_on_disconnect {
            self.submit_or_defer(session, Request::Command(Command::Disconnect { account }));
        }
    }

    /// Hands over what the gateway has to send (its buffer is kept for the next items).
    pub fn drain_outputs(&mut self) -> std::vec::Drain<'_, Outgoing> {
        self.out.drain(..)
    }

    /// Retries the cancel-on-disconnect commands and logon snapshots that found the engine
    /// busy (dropped once the engine stopped taking requests).
    pub fn retry_deferred(&mut self) {
        while let Some(req) = self.deferred.front().copied() {
            if self.port.submit(0, 0, req) == Err(SubmitError::Busy) {
                break;
            }
            self.deferred.pop_front();
        }
    }

    /// True when the engine has stopped and everything it released was polled.
    #[must_use]
    pub fn finished(&self) -> bool {
        self.port.finished()
    }

    /// A session number no live session has (the numbers wrap after 2^32 logons; 0 is not
    /// used).
    fn new_session(&mut self) -> SessionId {
        loop {
            let session = self.next_session;
            self.next_session = session.checked_add(1).unwrap_or(1);
            if !self.sessions.contains_key(&session) {
                return session;
            }
        }
    }

    /// Submits `request` for `session`, remembering `pending` until its outcome arrives.
    /// Busy while deferred requests wait: a request must not overtake them (a reconnected
    /// account's new orders would be cancelled by its old session's `Disconnect`).
    fn submit(
        &mut self,
        session: SessionId,
        request: Request,
        pending: Pending,
    ) -> Result<(), SubmitError> {
        if !self.deferred.is_empty() {
            return Err(SubmitError::Busy);
        }
        let tag = self.next_tag;
        self.next_tag += 1;
        self.port.submit(session, tag, request)?;
        self.pending.insert(tag, pending);
        Ok(())
    }

    /// Submits a request whose outcome nobody waits for (a logon's account snapshot, a
    /// cancel-on-disconnect), or defers it behind the others while the engine is busy
    /// ([`Gateway::retry_deferred`]).
    fn submit_or_defer(&mut self, session: SessionId, request: Request) {
        if !self.deferred.is_empty() || self.port.submit(session, 0, request).is_err() {
            self.deferred.push_back(request);
        }
    }

    /// Queues `msg` for every session of `account`.
    fn send_to_account(&mut self, account: AccountId, msg: Message) {
        if let Some(list) = self.by_account.get(&account) {
            for s in list {
                self.out.push(Outgoing::Send(*s, msg.clone()));
            }
        }
    }

    /// Whether `account` has a session here.
    fn has_sessions(&self, account: AccountId) -> bool {
        self.by_account.contains_key(&account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tradestream_durable::{DurableConfig, DurableEngine};
    use tradestream_engine::EngineConfig;
    use tradestream_journal::{FsStorage, FsyncPolicy, JournalConfig};
    use tradestream_runtime::{spawn, RuntimeConfig, Wake};

    struct NoWake;

    impl Wake for NoWake {
        fn wake(&self) {}
    }

    #[test]
    fn session_numbers_wrap_without_reusing_a_live_one() {
        let dir = tempfile::tempdir().unwrap();
        let config = DurableConfig {
            engine: EngineConfig::default(),
            journal: JournalConfig::new(""),
            fsync: FsyncPolicy::Never,
            snapshot_every: 0,
            keep_snapshots: 2,
            prefault: false,
        };
        let engine = DurableEngine::open(FsStorage::new(dir.path().join("journal")), config)
            .unwrap()
            .0;
        let wakers: Vec<Arc<dyn Wake>> = vec![Arc::new(NoWake)];
        let (runtime, ports) = spawn(engine, RuntimeConfig::default(), wakers).unwrap();
        let port = ports.into_iter().next().unwrap();
        let auth = Authenticator::new(Vec::new(), vec![("mm".into(), 1)], 5_000);
        let mut gw = Gateway::new(
            port,
            auth,
            Catalog::default(),
            Vec::new(),
            GatewayConfig::default(),
        );
        let logon = Logon {
            account: 1,
            key_id: [0; 16],
            timestamp: 0,
            nonce: 0,
            signature: [0; 64],
        };
        let session = |gw: &mut Gateway| gw.logon(&logon, Some("mm"), 0).unwrap().session;
        assert_eq!((session(&mut gw), session(&mut gw)), (1, 2));
        gw.next_session = 1;
        assert_eq!(session(&mut gw), 3, "1 and 2 are live");
        gw.next_session = SessionId::MAX;
        assert_eq!(session(&mut gw), u64::from(SessionId::MAX));
        assert_eq!(session(&mut gw), 4, "wrapped past 0 and the live ones");
        runtime.stop_accepting();
        drop(gw);
        let _ = runtime.stop(false);
    }
}
