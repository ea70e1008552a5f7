//! The exchange application: FIX order entry, reconciliation and market data over the engine.
//!
//! [`Exchange`] sits behind the session layer. Inbound application messages become engine
//! requests on its [`GatewayPort`] (the origin's session is the FIX [`SessionId`], its tag
//! identifies the request); the engine's released items come back in stream order through
//! [`Exchange::poll_engine`] and become ExecutionReports for every session of the account
//! concerned (makers included), cancel rejects, mass cancel reports, status reports and
//! market data.
//!
//! - [`entry`] takes NewOrderSingle, OrderCancelRequest, OrderCancelReplaceRequest and
//!   OrderMassCancelRequest;
//! - [`status`] answers OrderStatusRequest and OrderMassStatusRequest from an account
//!   snapshot taken in sequence with the stream;
//! - [`engine`] turns the engine's items into reports;
//! - [`market`] serves MarketDataRequest with snapshots and incremental refreshes;
//! - [`securities`] answers SecurityListRequest;
//! - [`orders`], [`pending`] and [`report`] hold the order state, the requests in flight
//!   and the encoders.
//!
//! Choices:
//! - A request refused as busy (the engine's inbound ring is full) is answered at once: a
//!   reject ExecutionReport, an OrderCancelReject, a rejected OrderMassCancelReport, or a
//!   BusinessMessageReject (status requests); only cancel-on-disconnect commands are queued
//!   and retried ([`Exchange::retry_deferred`]).
//! - ExecIDs of reports caused by an engine command are `<seq>-<n>` (the command's journal
//!   sequence number and the report's index among that command's reports); reports the
//!   gateway makes itself (rejects before the engine, status reports) are
//!   `G<start>.<gateway>-<n>`, with the gateway's start time in epoch milliseconds and its
//!   port number.
//! - A missing TimeInForce means GTC (the engine has no trading day); Day, at-the-opening,
//!   good-till-crossing and at-the-close are refused.
//! - A NewOrderSingle whose ClOrdID was already used by the account is rejected (OrdRejReason
//!   6); with PossResend (97=Y) it is answered with the order's current state (ExecType I)
//!   instead, so a resent order never executes twice.

pub mod engine;
pub mod entry;
pub mod market;
pub mod orders;
pub mod pending;
pub mod report;
pub mod securities;
pub mod status;

use crate::app::{AppError, Application, Outbox, SessionId};
use crate::codec::parse::Message;
use market::Market;
use orders::Orders;
use pending::Pending;
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use tradestream_marketdata::SeedOrder;
use tradestream_model::{AccountId, Command};
use tradestream_runtime::{wall_ms, GatewayPort, Out, Request, SubmitError};
use tradestream_ws::catalog::{Catalog, Listing};

/// A configured FIX session of the exchange: whose orders it trades and what it may trade.
#[derive(Debug, Clone)]
pub struct ExchangeSession {
    /// The account the session trades for.
    pub account: AccountId,
    /// The symbols the session may trade and see; empty: all.
    pub symbols: Vec<String>,
    /// Cancel the account's open orders when the session logs out or drops.
    pub cancel_on_disconnect: bool,
}

/// The exchange application.
pub struct Exchange {
    port: GatewayPort,
    catalog: Catalog,
    sessions: Vec<ExchangeSession>,
    /// The sessions of each account (fixed at start).
    by_account: HashMap<AccountId, Vec<SessionId>>,
    logged_on: Vec<bool>,
    orders: Orders,
    pending: HashMap<u64, Pending>,
    next_tag: u64,
    deferred: VecDeque<Request>,
    batch: Vec<Out>,
    market: Market,
    /// Reports made so far for the current engine command (the `n` of `<seq>-<n>`).
    batch_reports: u32,
    /// The gateway's start time, for its own ExecIDs.
    run: i64,
    /// ExecIDs the gateway made itself.
    own_reports: u64,
}

impl Exchange {
    /// An exchange over `port`, trading the `catalog`'s instruments for `sessions` (indexed by
    /// [`SessionId`]), its books seeded with the engine's resting orders.
    pub fn new(
        port: GatewayPort,
        catalog: Catalog,
        sessions: Vec<ExchangeSession>,
        seed: Vec<SeedOrder>,
    ) -> Exchange {
        let market = Market::new(&catalog, seed);
        Exchange {
            port,
            catalog,
            logged_on: vec![false; sessions.len()],
            by_account: sessions
                .iter()
                .enumerate()
                .fold(HashMap::default(), |mut m, (i, s)| {
                    m.entry(s.account).or_insert_with(Vec::new).push(i);
                    m
                }),
            sessions,
            orders: Orders::default(),
            pending: HashMap::default(),
            next_tag: 1,
            deferred: VecDeque::new(),
            batch: Vec::with_capacity(256),
            market,
            batch_reports: 0,
            run: wall_ms(),
            own_reports: 0,
        }
    }

    /// True when the engine has stopped and everything it released was polled.
    pub fn engine_finished(&self) -> bool {
        self.port.finished()
    }

    /// Retries the cancel-on-disconnect commands that found the engine's ring full.
    pub fn retry_deferred(&mut self) {
        while let Some(req) = self.deferred.front().copied() {
            match self.port.submit(0, 0, req) {
                Ok(()) => {
                    self.deferred.pop_front();
                }
                Err(_) => break,
            }
        }
    }

    /// Submits `request` for `session`, remembering `pending` until its outcome arrives.
    fn submit(
        &mut self,
        session: SessionId,
        request: Request,
        pending: Pending,
    ) -> Result<(), SubmitError> {
        let tag = self.next_tag;
        self.next_tag += 1;
        self.port.submit(session as u32, tag, request)?;
        self.pending.insert(tag, pending);
        Ok(())
    }

    /// An id for a report the gateway makes itself (ExecID, SecurityResponseID).
    fn own_id(&mut self) -> String {
        self.own_reports += 1;
        format!("G{}.{}-{}", self.run, self.port.id(), self.own_reports)
    }

    /// An ExecID for a report caused by the engine command at `seq`.
    fn exec_id(&mut self, seq: u64) -> String {
        self.batch_reports += 1;
        format!("{seq}-{}", self.batch_reports)
    }

    /// The session's account.
    fn account(&self, session: SessionId) -> Option<AccountId> {
        self.sessions.get(session).map(|s| s.account)
    }

    /// The sessions trading for `account`.
    fn sessions_of(&self, account: AccountId) -> &[SessionId] {
        self.by_account.get(&account).map_or(&[], Vec::as_slice)
    }

    /// True when `session` may trade and see `symbol`.
    fn allowed(&self, session: SessionId, symbol: &str) -> bool {
        self.sessions
            .get(session)
            .is_some_and(|s| s.symbols.is_empty() || s.symbols.iter().any(|x| x == symbol))
    }

    /// The listing of `symbol` if it is listed and `session` may trade it.
    fn listing_for(&self, session: SessionId, symbol: &str) -> Option<&Listing> {
        self.catalog
            .find(symbol)
            .filter(|_| self.allowed(session, symbol))
    }
}

/// A field the application needs, as UTF-8.
fn need(msg: &Message, tag: i32) -> Result<&str, AppError> {
    msg.get_str(tag).ok_or(AppError::ConditionallyRequired(tag))
}

impl Application for Exchange {
    fn on_app_message(
        &mut self,
        session: SessionId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        if session >= self.sessions.len() {
            return Err(AppError::Business {
                reason: 6,
                text: "session is not configured for the exchange".into(),
            });
        }
        match msg.msg_type() {
            b"D" => self.new_order(session, msg, out),
            b"F" => self.change(session, msg, false, out),
            b"G" => self.change(session, msg, true, out),
            b"q" => self.mass_cancel(session, msg, out),
            b"H" | b"AF" => self.status(session, msg),
            b"V" => self.market_data(session, msg, out),
            b"x" => self.security_list(session, msg, out),
            _ => Err(AppError::UnsupportedMessageType),
        }
    }

    fn on_logon(&mut self, session: SessionId, _out: &mut Outbox) {
        let Some(account) = self.account(session) else {
            return;
        };
        self.logged_on[session] = true;
        // Learn orders placed before this gateway started; best effort (a busy engine only
        // delays it to the next logon).
        let _ = self.submit(session, Request::AccountSnapshot(account), Pending::Sync);
    }

    fn on_logout(&mut self, session: SessionId, _out: &mut Outbox) {
        let Some(s) = self.sessions.get(session) else {
            return;
        };
        let (account, cod) = (s.account, s.cancel_on_disconnect);
        self.market.leave_session(session);
        if !std::mem::replace(&mut self.logged_on[session], false) || !cod {
            return;
        }
        let req = Request::Command(Command::Disconnect { account });
        if self.deferred.is_empty() && self.port.submit(session as u32, 0, req).is_ok() {
            return;
        }
        self.deferred.push_back(req);
    }

    /// Retries deferred requests, then turns released engine items into messages.
    fn poll(&mut self, max: usize, out: &mut Outbox) -> bool {
        self.retry_deferred();
        self.poll_engine(max, out)
    }

    fn finished(&self) -> bool {
        self.engine_finished()
    }
}
