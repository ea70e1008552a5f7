//! The acceptor: connections in, sessions out. Sans-I/O — the glue passes each connection's
//! bytes, its closing and the clock in, and takes [`Output`]s (bytes to write, connections to
//! close) back.
//!
//! A new connection must first present a Logon whose BeginString and CompIDs name a
//! configured session that has no other live connection; anything else closes it without an
//! answer (as QuickFIX does). Garbled messages are ignored once logged on and close the
//! connection before. The stores are synced before the outputs are handed out, so nothing
//! leaves before it is durable.

use crate::app::{Application, Outbox, SessionId};
use crate::codec::frame::{next_frame, Frame, MAX_MESSAGE};
use crate::codec::parse::Message;
use crate::codec::tag;
use crate::dict::Dictionary;
use crate::session::{Action, Ctx, Session};
use rustc_hash::FxHashMap;

/// A connection's number.
pub type ConnId = u64;

/// What the glue must do on a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Write these bytes.
    Write(Vec<u8>),
    /// Close it (after the writes before).
    Close,
}

#[derive(Debug, Default)]
struct Conn {
    buf: Vec<u8>,
    session: Option<SessionId>,
    opened: i64,
}

/// Sessions, connections and the application.
pub struct Acceptor<A: Application> {
    dict: Dictionary,
    sessions: Vec<Session>,
    /// The connection attached to each session, by session id.
    attached: Vec<Option<ConnId>>,
    conns: FxHashMap<ConnId, Conn>,
    next_conn: ConnId,
    app: A,
    outbox: Outbox,
    outputs: Vec<(ConnId, Output)>,
}

impl<A: Application> Acceptor<A> {
    /// An acceptor for `sessions` (their ids are their indexes) in front of `app`.
    pub fn new(dict: Dictionary, sessions: Vec<Session>, app: A) -> Acceptor<A> {
        Acceptor {
            dict,
            attached: vec![None; sessions.len()],
            sessions,
            conns: FxHashMap::default(),
            next_conn: 1,
            app,
            outbox: Outbox::default(),
            outputs: Vec::new(),
        }
    }

    /// The application.
    pub fn app(&self) -> &A {
        &self.app
    }

    /// A session by id.
    pub fn session(&self, id: SessionId) -> &Session {
        &self.sessions[id]
    }

    /// A new connection.
    pub fn connect(&mut self, now: i64) -> ConnId {
        let id = self.next_conn;
        self.next_conn += 1;
        self.conns.insert(
            id,
            Conn {
                opened: now,
                ..Conn::default()
            },
        );
        id
    }

    /// Bytes arrived on `conn`.
    pub fn receive(&mut self, conn: ConnId, bytes: &[u8], now: i64) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.buf.extend_from_slice(bytes);
        loop {
            let Some(c) = self.conns.get_mut(&conn) else {
                return;
            };
            let logged_on = c.session.is_some_and(|s| self.sessions[s].is_logged_on());
            match next_frame(&c.buf) {
                Frame::Incomplete { skip } => {
                    c.buf.drain(..skip);
                    if c.buf.len() > MAX_MESSAGE + 64 {
                        self.close(conn);
                    }
                    return;
                }
                Frame::Garbled { drop } => {
                    c.buf.drain(..drop);
                    if !logged_on {
                        self.close(conn);
                        return;
                    }
                }
                Frame::Message { start, end } => {
                    let raw = c.buf[start..end].to_vec();
                    c.buf.drain(..end);
                    match Message::parse(raw, &self.dict) {
                        Ok(msg) => self.deliver(conn, msg, now),
                        Err(_) if logged_on => {}
                        Err(_) => {
                            self.close(conn);
                            return;
                        }
                    }
                }
            }
        }
    }

    fn deliver(&mut self, conn: ConnId, msg: Message, now: i64) {
        let session = match self.conns.get(&conn).and_then(|c| c.session) {
            Some(s) => s,
            None => match self.identify(&msg) {
                Some(s) if !self.sessions[s].is_connected() => {
                    self.sessions[s].connect(now);
                    if let Some(c) = self.conns.get_mut(&conn) {
                        c.session = Some(s);
                        self.attached[s] = Some(conn);
                    }
                    s
                }
                _ => {
                    self.close(conn);
                    return;
                }
            },
        };
        let mut ctx = Ctx {
            dict: &self.dict,
            app: &mut self.app,
            out: &mut self.outbox,
            now,
        };
        self.sessions[session].next(msg, &mut ctx);
        self.flush_session(session);
        self.flush_outbox(now);
    }

    /// The session a first message names: a Logon with our BeginString, its TargetCompID our
    /// SenderCompID and its SenderCompID a configured counterparty.
    fn identify(&self, msg: &Message) -> Option<SessionId> {
        if msg.msg_type() != b"A" {
            return None;
        }
        let sender = msg.get(tag::SENDER_COMP_ID)?;
        let target = msg.get(tag::TARGET_COMP_ID)?;
        self.sessions.iter().position(|s| {
            let c = s.config();
            c.begin_string.as_bytes() == msg.begin_string()
                && c.target_comp_id.as_bytes() == sender
                && c.sender_comp_id.as_bytes() == target
        })
    }

    /// The connection closed (by the peer or after an [`Output::Close`]).
    pub fn disconnected(&mut self, conn: ConnId, now: i64) {
        if let Some(s) = self.conns.remove(&conn).and_then(|c| c.session) {
            self.detach(s);
            self.flush_outbox(now);
        }
    }

    /// A timer tick: heartbeats, test requests, timeouts; and the application's own work.
    /// A connection that named no session within the shortest `logon_timeout_ms` is closed.
    pub fn tick(&mut self, now: i64) {
        let logon_timeout = self
            .sessions
            .iter()
            .map(|s| s.config().logon_timeout_ms)
            .min()
            .unwrap_or(10_000);
        let stale: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| c.session.is_none() && now - c.opened >= logon_timeout)
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            self.close(id);
        }
        for s in 0..self.sessions.len() {
            self.sessions[s].on_timer(now);
            self.flush_session(s);
        }
        self.poll_app(usize::MAX, now);
    }

    /// Lets the application do its own work (e.g. engine output) and delivers what it sent.
    /// True when it has more waiting.
    pub fn poll_app(&mut self, max: usize, now: i64) -> bool {
        let more = self.app.poll(max, &mut self.outbox);
        self.flush_outbox(now);
        more
    }

    /// True when the application has nothing left to deliver.
    pub fn app_finished(&self) -> bool {
        self.app.finished()
    }

    /// Writes (and, when durable, syncs) what the stores appended, then hands out what to
    /// write and close.
    pub fn take_outputs(&mut self) -> Vec<(ConnId, Output)> {
        for s in 0..self.sessions.len() {
            if !self.sessions[s].sync() {
                self.flush_session(s);
            }
        }
        std::mem::take(&mut self.outputs)
    }

    /// Every live connection, to close at shutdown.
    pub fn close_all(&mut self) {
        let ids: Vec<ConnId> = self.conns.keys().copied().collect();
        for id in ids {
            self.outputs.push((id, Output::Close));
        }
    }

    fn flush_outbox(&mut self, now: i64) {
        let items: Vec<_> = self.outbox.drain().collect();
        let mut touched = Vec::new();
        for (s, msg) in items {
            if let Some(session) = self.sessions.get_mut(s) {
                session.send_app(&msg, now);
                touched.push(s);
            }
        }
        touched.dedup();
        for s in touched {
            self.flush_session(s);
        }
    }

    fn flush_session(&mut self, s: SessionId) {
        let actions: Vec<Action> = self.sessions[s].take_actions().collect();
        let Some(conn) = self.attached[s] else {
            return;
        };
        for a in actions {
            match a {
                Action::Write(b) => self.outputs.push((conn, Output::Write(b))),
                Action::Disconnect => self.close(conn),
            }
        }
    }

    fn close(&mut self, conn: ConnId) {
        if let Some(c) = self.conns.remove(&conn) {
            self.outputs.push((conn, Output::Close));
            if let Some(s) = c.session {
                self.detach(s);
            }
        }
    }

    /// The session lost its connection.
    fn detach(&mut self, s: SessionId) {
        self.attached[s] = None;
        self.sessions[s].disconnected(&mut self.app, &mut self.outbox);
    }
}
