//! The FIX session layer of an acceptor: a state machine with time passed in, a port of
//! QuickFIX's `Session` logic so that a QuickFIX counterparty sees exactly the behaviour it
//! knows (sequence checks, resend requests and gap fills, sequence resets, PossDup handling,
//! session-level rejects with QuickFIX's reasons and texts, heartbeats and test requests,
//! logout). Inbound messages and timer ticks go in; [`Action`]s (bytes to write, disconnect)
//! come out; application messages go to an [`Application`].

mod admin;
mod inbound;
mod resend;
mod send;
mod timer;
mod verify;

use crate::app::{Application, Outbox, SessionId};
use crate::codec::parse::Message;
use crate::dict::Dictionary;
use crate::store::Store;
use std::collections::BTreeMap;

/// A session's fixed settings.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// BeginString, e.g. `FIX.4.4`.
    pub begin_string: String,
    /// Our CompID (the counterparty's TargetCompID).
    pub sender_comp_id: String,
    /// The counterparty's CompID (its SenderCompID).
    pub target_comp_id: String,
    /// Reset both sequence numbers to 1 (and forget sent messages) at every logon.
    pub reset_on_logon: bool,
    /// Largest accepted difference between SendingTime and our clock (QuickFIX MaxLatency).
    pub max_latency_ms: i64,
    /// How long to wait for the counterparty's Logout after ours.
    pub logout_timeout_ms: i64,
    /// How long a connection may stay without a Logon.
    pub logon_timeout_ms: i64,
    /// The HeartBtInt (seconds) the counterparty must ask for in its Logon; `None`: any
    /// (QuickFIX's acceptor behaviour).
    pub heartbeat_s: Option<u64>,
}

impl SessionConfig {
    /// A FIX 4.4 session with QuickFIX's default timings.
    pub fn fix44(sender: &str, target: &str) -> SessionConfig {
        SessionConfig {
            begin_string: "FIX.4.4".into(),
            sender_comp_id: sender.into(),
            target_comp_id: target.into(),
            reset_on_logon: false,
            max_latency_ms: 120_000,
            logout_timeout_ms: 2_000,
            logon_timeout_ms: 10_000,
            heartbeat_s: None,
        }
    }
}

/// What the session asks of its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Write these bytes (one message).
    Write(Vec<u8>),
    /// Close the connection (after writing what came before).
    Disconnect,
}

/// The session state (QuickFIX's `SessionState`).
#[derive(Debug)]
pub struct Session {
    id: SessionId,
    cfg: SessionConfig,
    store: Store,
    connected: bool,
    connected_at: i64,
    received_logon: bool,
    sent_logon: bool,
    sent_logout: bool,
    logout_time: i64,
    received_reset: bool,
    heartbeat_ms: i64,
    last_sent: i64,
    last_received: i64,
    test_requests: u32,
    resend_range: Option<(u64, u64)>,
    queue: BTreeMap<u64, Message>,
    actions: Vec<Action>,
    disconnecting: bool,
    store_failed: bool,
}

/// What a session handler needs besides the session: the dictionary, the application and
/// its outbox, and the time.
pub struct Ctx<'a> {
    /// The data dictionary.
    pub dict: &'a Dictionary,
    /// The application.
    pub app: &'a mut dyn Application,
    /// Where the application's sends go.
    pub out: &'a mut Outbox,
    /// Now, in epoch milliseconds.
    pub now: i64,
}

impl Session {
    /// A session over `store`.
    pub fn new(id: SessionId, cfg: SessionConfig, store: Store) -> Session {
        Session {
            id,
            cfg,
            store,
            connected: false,
            connected_at: 0,
            received_logon: false,
            sent_logon: false,
            sent_logout: false,
            logout_time: 0,
            received_reset: false,
            heartbeat_ms: 0,
            last_sent: 0,
            last_received: 0,
            test_requests: 0,
            resend_range: None,
            queue: BTreeMap::new(),
            actions: Vec::new(),
            disconnecting: false,
            store_failed: false,
        }
    }

    /// Its settings.
    pub fn config(&self) -> &SessionConfig {
        &self.cfg
    }

    /// True once both Logons were exchanged.
    pub fn is_logged_on(&self) -> bool {
        self.received_logon && self.sent_logon
    }

    /// True while a connection is attached.
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// The next outbound and the next expected inbound sequence numbers.
    pub fn seq_nums(&self) -> (u64, u64) {
        (self.store.next_sender(), self.store.next_target())
    }

    /// A connection presented this session's Logon: attach it (resetting the sequence numbers
    /// when the session resets on logon).
    pub fn connect(&mut self, now: i64) {
        self.connected = true;
        self.connected_at = now;
        self.last_received = now;
        self.last_sent = now;
        self.disconnecting = false;
        if self.cfg.reset_on_logon {
            let r = self.store.reset();
            self.check_store(r);
        }
    }

    /// The connection is gone: back to the logged-out state (sequence numbers are kept).
    pub fn disconnected(&mut self, app: &mut dyn Application, out: &mut Outbox) {
        let was_logged_on = self.is_logged_on();
        self.connected = false;
        self.received_logon = false;
        self.sent_logon = false;
        self.sent_logout = false;
        self.received_reset = false;
        self.resend_range = None;
        self.test_requests = 0;
        self.queue.clear();
        self.disconnecting = false;
        if was_logged_on {
            app.on_logout(self.id, out);
        }
    }

    /// Takes the actions queued for the connection.
    pub fn take_actions(&mut self) -> std::vec::Drain<'_, Action> {
        self.actions.drain(..)
    }

    /// Makes the store durable (before the queued bytes leave); false if the store failed.
    pub fn sync(&mut self) -> bool {
        let r = self.store.sync();
        self.check_store(r);
        !self.store_failed
    }

    fn disconnect(&mut self) {
        if !self.disconnecting {
            self.disconnecting = true;
            self.actions.push(Action::Disconnect);
        }
    }

    fn check_store(&mut self, r: std::io::Result<()>) {
        if let Err(e) = r {
            eprintln!(
                "fix session {}->{}: message store failed: {e}; disconnecting",
                self.cfg.sender_comp_id, self.cfg.target_comp_id
            );
            self.store_failed = true;
            self.disconnect();
        }
    }

    fn expected_target(&self) -> u64 {
        self.store.next_target()
    }

    fn incr_target(&mut self) {
        let n = self.store.next_target() + 1;
        self.store.set_next_target(n);
    }
}
