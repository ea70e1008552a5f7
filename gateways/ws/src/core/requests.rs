//! Frames from clients: parse, check logon, scope and rate limit, convert to engine commands.

use super::pending::{Pending, PendingKind};
use super::session::Phase;
use super::Gateway;
use crate::auth::Grant;
use crate::catalog::Listing;
use crate::encode::answer;
use crate::protocol::request::{self, ErrorCode, Method, Request as WsRequest, RequestId};
use crate::rate::Budget;
use tradestream_model::{
    AccountId, ClientOrderId, Command, InstrumentId, NewOrder, OrderType, Price, Qty, TimeInForce,
    Timestamp,
};
use tradestream_runtime::{Request, SubmitError};

/// Scope a method needs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    Trade,
    Admin,
}

impl Gateway {
    /// A text frame from `session`, received at `received_ns` ([`tradestream_runtime::mono_ns`])
    /// and wall time `now_ms`.
    pub fn on_text(&mut self, session: u32, text: &str, received_ns: u64, now_ms: i64) {
        match request::parse(text) {
            Ok(req) => self.dispatch(session, req, received_ns, now_ms),
            Err(e) => self.error(session, e.id.as_ref(), e.code.as_str(), &e.message),
        }
    }

    /// A binary frame: refused, the connection stays.
    pub fn on_binary(&mut self, session: u32) {
        let code = ErrorCode::BinaryNotSupported;
        self.error(
            session,
            None,
            code.as_str(),
            "binary frames are not supported: send JSON text frames",
        );
    }

    /// A frame above the size limit: an error, then the connection closes with 1009.
    pub fn on_oversized(&mut self, session: u32) {
        let msg = format!(
            "frames are limited to {} bytes; the connection closes",
            self.config.max_message_bytes
        );
        self.error(session, None, ErrorCode::MessageTooLarge.as_str(), &msg);
        self.close(session, 1009, "message_too_large");
    }

    /// Writes an error answer to `session`.
    pub(super) fn error(
        &mut self,
        session: u32,
        id: Option<&RequestId>,
        code: &str,
        message: &str,
    ) {
        answer::error(&mut self.buf, id, code, message, |_| {});
        self.send_buf(session);
    }

    fn dispatch(&mut self, session: u32, req: WsRequest, received_ns: u64, now_ms: i64) {
        let id = req.id;
        match req.method {
            Method::Logon(l) => self.logon(session, id, l, received_ns, now_ms),
            Method::Logout => {
                if let Some(s) = self.sessions.get_mut(&session) {
                    s.logged_out = true;
                }
                answer::ok(&mut self.buf, &id, |o| {
                    o.bool("logged_out", true);
                });
                self.send_buf(session);
                self.close(session, 1000, "logout");
            }
            Method::Ping => {
                answer::ok(&mut self.buf, &id, |o| {
                    o.int("pong", now_ms);
                });
                self.send_buf(session);
            }
            Method::Instruments => self.instruments(session, &id),
            Method::Subscribe(channels) => self.subscribe(session, &id, channels),
            Method::Unsubscribe(channels) => self.unsubscribe(session, &id, channels),
            Method::Place(p) => {
                let Some((grant, listing)) = self.entry_with(session, &id, Need::Trade, &p.symbol)
                else {
                    return;
                };
                let Some(qty) = self.convert(session, &id, listing.qty(p.qty)) else {
                    return;
                };
                let price = match (p.order_type, p.price) {
                    (OrderType::Limit, Some(v)) => {
                        match self.convert(session, &id, listing.price(v)) {
                            Some(p) => p,
                            None => return,
                        }
                    }
                    _ => Price(0),
                };
                let order_id = match p.client_order_id {
                    Some(c) => c,
                    None => self.generate_id(now_ms),
                };
                let tif = match p.tif {
                    request::Tif::Gtc => TimeInForce::Gtc,
                    request::Tif::Ioc => TimeInForce::Ioc,
                    request::Tif::Fok => TimeInForce::Fok,
                    request::Tif::Gtd(t) => TimeInForce::Gtd(Timestamp(t)),
                };
                let instrument = listing.id;
                let cmd = Command::New(NewOrder {
                    account: grant.account,
                    instrument: Some(instrument),
                    id: order_id,
                    side: p.side,
                    order_type: p.order_type,
                    price,
                    qty,
                    tif,
                    post_only: p.post_only,
                    reduce_only: false,
                    stp: p.stp,
                });
                let kind = PendingKind::Place {
                    id: order_id,
                    instrument,
                };
                self.submit_order(session, id, &grant, cmd, kind, received_ns, now_ms);
            }
            Method::Cancel {
                symbol,
                client_order_id,
            } => {
                let Some((grant, listing)) = self.entry_with(session, &id, Need::Trade, &symbol)
                else {
                    return;
                };
                let instrument = listing.id;
                let cmd = Command::Cancel {
                    account: grant.account,
                    instrument: Some(instrument),
                    id: client_order_id,
                };
                let kind = PendingKind::Cancel {
                    id: client_order_id,
                    instrument,
                };
                self.submit_order(session, id, &grant, cmd, kind, received_ns, now_ms);
            }
            Method::Amend {
                symbol,
                client_order_id,
                price,
                qty,
            } => {
                let Some((grant, listing)) = self.entry_with(session, &id, Need::Trade, &symbol)
                else {
                    return;
                };
                let price = match price.map(|v| listing.price(v)) {
                    Some(r) => match self.convert(session, &id, r) {
                        Some(p) => Some(p),
                        None => return,
                    },
                    None => None,
                };
                let qty: Option<Qty> = match qty.map(|v| listing.qty(v)) {
                    Some(r) => match self.convert(session, &id, r) {
                        Some(q) => Some(q),
                        None => return,
                    },
                    None => None,
                };
                let instrument = listing.id;
                let cmd = Command::Amend {
                    account: grant.account,
                    instrument: Some(instrument),
                    id: client_order_id,
                    price,
                    qty,
                };
                let kind = PendingKind::Amend {
                    id: client_order_id,
                    instrument,
                };
                self.submit_order(session, id, &grant, cmd, kind, received_ns, now_ms);
            }
            Method::MassCancel { symbol } => {
                let Some(grant) = self.entry(session, &id, Need::Trade) else {
                    return;
                };
                let instrument = match symbol {
                    None => None,
                    Some(sym) => match self.listing_for(session, &id, &sym) {
                        Some(l) => Some(Some(l.id)),
                        None => return,
                    },
                };
                let cmd = Command::MassCancel {
                    account: grant.account,
                    instrument,
                };
                self.submit_order(
                    session,
                    id,
                    &grant,
                    cmd,
                    PendingKind::MassCancel,
                    received_ns,
                    now_ms,
                );
            }
            Method::AdminHalt { symbol } => self.halt(session, id, &symbol, true, received_ns),
            Method::AdminResume { symbol } => self.halt(session, id, &symbol, false, received_ns),
            Method::AdminKillSwitch { account, on } => {
                if self.entry(session, &id, Need::Admin).is_none() {
                    return;
                }
                let cmd = Command::KillSwitch { account, on };
                self.submit_admin(
                    session,
                    id,
                    cmd,
                    PendingKind::KillSwitch { account },
                    received_ns,
                );
            }
            Method::AdminSetFees {
                symbol,
                maker_fee_bps,
                taker_fee_bps,
            } => {
                let Some((_, listing)) = self.entry_with(session, &id, Need::Admin, &symbol) else {
                    return;
                };
                let instrument = listing.id;
                let cmd = Command::SetFees {
                    instrument,
                    maker_fee_bps,
                    taker_fee_bps,
                };
                self.submit_admin(
                    session,
                    id,
                    cmd,
                    PendingKind::SetFees { instrument },
                    received_ns,
                );
            }
            Method::AdminSetProtection(sp) => self.set_protection(session, id, sp, received_ns),
            Method::AdminResetProtection { account, symbol } => {
                self.reset_protection(session, id, account, &symbol, received_ns)
            }
        }
    }

    fn logon(
        &mut self,
        session: u32,
        id: RequestId,
        l: request::Logon,
        received_ns: u64,
        now_ms: i64,
    ) {
        let Some(s) = self.sessions.get(&session) else {
            return;
        };
        if !matches!(s.phase, Phase::Anonymous) {
            let code = ErrorCode::AlreadyLoggedOn;
            return self.error(
                session,
                Some(&id),
                code.as_str(),
                "this connection is already logged on",
            );
        }
        let grant = match self.auth.logon(&l, now_ms) {
            Ok(g) => g,
            Err(e) => {
                let code = e.code();
                return self.error(session, Some(&id), code.as_str(), &e.to_string());
            }
        };
        let account = grant.account;
        let request = Request::AccountSnapshot(account);
        let cod = l.cancel_on_disconnect;
        let pending = Pending {
            session,
            account,
            id,
            kind: PendingKind::Logon { grant },
            budget: None,
            received_ns,
        };
        if self.submit(request, pending).is_some() {
            if let Some(s) = self.sessions.get_mut(&session) {
                s.phase = Phase::LoggingOn;
                s.cancel_on_disconnect = cod;
            }
        }
    }

    fn halt(&mut self, session: u32, id: RequestId, symbol: &str, halted: bool, received_ns: u64) {
        let Some((_, listing)) = self.entry_with(session, &id, Need::Admin, symbol) else {
            return;
        };
        let instrument = listing.id;
        let cmd = Command::Halt { instrument, halted };
        self.submit_admin(
            session,
            id,
            cmd,
            PendingKind::Halt { instrument },
            received_ns,
        );
    }

    /// Checks logon and scope; answers the error itself and returns `None` on failure.
    fn entry(&mut self, session: u32, id: &RequestId, need: Need) -> Option<Grant> {
        let grant = match self.sessions.get(&session).map(|s| &s.phase) {
            Some(Phase::LoggedOn(g)) => g.clone(),
            _ => {
                let code = ErrorCode::NotLoggedOn;
                self.error(
                    session,
                    Some(id),
                    code.as_str(),
                    "log on first (method \"logon\")",
                );
                return None;
            }
        };
        let allowed = match need {
            Need::Trade => grant.scopes.can_trade(),
            Need::Admin => grant.scopes.is_admin(),
        };
        if !allowed {
            let code = ErrorCode::Forbidden;
            let what = if need == Need::Trade {
                "trade"
            } else {
                "admin"
            };
            self.error(
                session,
                Some(id),
                code.as_str(),
                &format!("this key lacks the {what} scope"),
            );
            return None;
        }
        Some(grant)
    }

    /// The listing of `symbol`; answers `unknown_symbol` and returns `None` if not listed.
    fn listing_for(&mut self, session: u32, id: &RequestId, symbol: &str) -> Option<Listing> {
        match self.catalog.find(symbol) {
            Some(l) => Some(l.clone()),
            None => {
                let msg = format!("symbol {symbol:?} is not listed");
                self.error(session, Some(id), "unknown_symbol", &msg);
                None
            }
        }
    }

    /// [`Gateway::entry`] and [`Gateway::listing_for`] together.
    pub(super) fn entry_with(
        &mut self,
        session: u32,
        id: &RequestId,
        need: Need,
        symbol: &str,
    ) -> Option<(Grant, Listing)> {
        let grant = self.entry(session, id, need)?;
        let listing = self.listing_for(session, id, symbol)?;
        Some((grant, listing))
    }

    pub(super) fn convert<T>(
        &mut self,
        session: u32,
        id: &RequestId,
        r: Result<T, crate::catalog::GridError>,
    ) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    session,
                    Some(id),
                    ErrorCode::InvalidParams.as_str(),
                    &e.message,
                );
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn submit_order(
        &mut self,
        session: u32,
        id: RequestId,
        grant: &Grant,
        cmd: Command,
        kind: PendingKind,
        received_ns: u64,
        now_ms: i64,
    ) {
        let budget = self.rate.peek(grant.account, now_ms);
        if budget.remaining == 0 {
            let msg = format!(
                "order rate limit of {} per {} ms reached; it resets at {}",
                budget.limit, budget.window_ms, budget.reset_ms
            );
            answer::error(
                &mut self.buf,
                Some(&id),
                ErrorCode::RateLimited.as_str(),
                &msg,
                |o| answer::rate_limit(o, &budget),
            );
            return self.send_buf(session);
        }
        let pending = Pending {
            session,
            account: grant.account,
            id,
            kind,
            budget: Some(budget),
            received_ns,
        };
        if let Some(tag) = self.submit(Request::Command(cmd), pending) {
            let taken = self
                .rate
                .try_take(grant.account, now_ms)
                .unwrap_or_else(|b| b);
            if let Some(p) = self.pending.get_mut(&tag) {
                p.budget = Some(taken);
            }
        }
    }

    pub(super) fn submit_admin(
        &mut self,
        session: u32,
        id: RequestId,
        cmd: Command,
        kind: PendingKind,
        received_ns: u64,
    ) {
        let pending = Pending {
            session,
            account: AccountId(0),
            id,
            kind,
            budget: None,
            received_ns,
        };
        self.submit(Request::Command(cmd), pending);
    }

    /// Submits `request` and records what to answer when its outcome comes back; a refused
    /// submission is answered at once (`busy`, or `halted` while shutting down). Returns the
    /// request's tag when it went in.
    fn submit(&mut self, request: Request, pending: Pending) -> Option<u64> {
        let tag = self.tag();
        match self
            .port
            .submit_received(pending.session, tag, request, pending.received_ns)
        {
            Ok(()) => {
                self.pending.insert(tag, pending);
                Some(tag)
            }
            Err(e) => {
                self.submit_failed(pending.session, &pending.id, e, pending.budget);
                None
            }
        }
    }

    fn submit_failed(
        &mut self,
        session: u32,
        id: &RequestId,
        e: SubmitError,
        budget: Option<Budget>,
    ) {
        let code = match e {
            SubmitError::Busy => ErrorCode::Busy,
            SubmitError::Stopped => ErrorCode::Halted,
        };
        answer::error(
            &mut self.buf,
            Some(id),
            code.as_str(),
            &e.to_string(),
            |o| {
                if let Some(b) = &budget {
                    answer::rate_limit(o, b);
                }
            },
        );
        self.send_buf(session);
    }

    /// A client order id for a `place` without one: unique per gateway run (wall time at
    /// start of the id plus a counter), at most 36 bytes.
    fn generate_id(&mut self, now_ms: i64) -> ClientOrderId {
        self.generated_ids += 1;
        let s = format!("gw-{now_ms:x}-{:x}", self.generated_ids);
        ClientOrderId::new(&s).expect("generated ids are short ASCII")
    }

    fn instruments(&mut self, session: u32, id: &RequestId) {
        let catalog = &self.catalog;
        answer::ok(&mut self.buf, id, |o| {
            o.with("instruments", |w| {
                crate::json::array(w, catalog.iter(), |w, l| {
                    let mut i = crate::json::Obj::new(w);
                    let s = &l.spec;
                    i.str("symbol", s.symbol.as_str())
                        .str("kind", s.kind.as_str())
                        .str("base", s.base.as_str())
                        .str("quote", s.quote.as_str())
                        .dec("tick", |w| s.tick.write(1, w))
                        .dec("lot", |w| s.lot.write(1, w))
                        .int("maker_fee_bps", s.maker_fee_bps as i64)
                        .int("taker_fee_bps", s.taker_fee_bps as i64)
                        .bool("halted", l.halted);
                    i.end();
                })
            });
        });
        self.send_buf(session);
    }

    /// The id of an instrument by listing (helper for answers).
    pub(super) fn listing(&self, id: InstrumentId) -> Option<&Listing> {
        self.catalog.get(id)
    }
}
