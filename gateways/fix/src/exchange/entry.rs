//! Order entry: NewOrderSingle (D), OrderCancelRequest (F), OrderCancelReplaceRequest (G) and
//! OrderMassCancelRequest (q) checked and turned into engine commands. What the gateway can
//! tell is wrong is answered at once, without reaching the engine.

use super::pending::Pending;
use super::report::{self, CancelReject, Exec, MassCancelReport, Refusal};
use super::{need, Exchange};
use crate::app::{AppError, Outbox, SessionId};
use crate::codec::parse::Message;
use crate::codec::time::{now_ms, parse_timestamp};
use tradestream_model::decimal;
use tradestream_model::{
    AccountId, ClientOrderId, Command, NewOrder, OrderType, Price, Qty, SelfTradePrevention, Side,
    TimeInForce, Timestamp,
};
use tradestream_runtime::{Request, SubmitError};
use tradestream_ws::catalog::Listing;

/// Why a request is refused before the engine: an application error (BusinessMessageReject)
/// or a reason and text for the message's own reject.
enum Bad {
    App(AppError),
    Refuse(u32, String),
}

impl From<AppError> for Bad {
    fn from(e: AppError) -> Bad {
        Bad::App(e)
    }
}

fn refuse<T>(reason: u32, text: impl Into<String>) -> Result<T, Bad> {
    Err(Bad::Refuse(reason, text.into()))
}

pub(super) fn busy_text(e: SubmitError) -> String {
    match e {
        SubmitError::Busy => format!("busy: {e}"),
        SubmitError::Stopped => format!("halted: {e}"),
    }
}

/// Side (54): only buy and sell.
fn side(msg: &Message) -> Result<Side, Bad> {
    match msg.get(54) {
        Some(b"1") => Ok(Side::Buy),
        Some(b"2") => Ok(Side::Sell),
        _ => refuse(11, "Side must be 1 (buy) or 2 (sell)"),
    }
}

/// OrderQty (38) on the lot grid.
fn qty(msg: &Message, l: &Listing) -> Result<Qty, Bad> {
    let text = need(msg, 38)?;
    let lot = l.spec.lot.to_decimal();
    match decimal::parse(text).ok().map(|d| l.qty(d)) {
        Some(Ok(q)) => Ok(q),
        _ => refuse(
            13,
            format!("OrderQty {text} is not a positive multiple of the lot {lot}"),
        ),
    }
}

/// Price (44) on the tick grid.
fn price(msg: &Message, l: &Listing) -> Result<Price, Bad> {
    let text = need(msg, 44)?;
    let tick = l.spec.tick.to_decimal();
    match decimal::parse(text).ok().map(|d| l.price(d)) {
        Some(Ok(p)) => Ok(p),
        _ => refuse(
            99,
            format!("Price {text} is not a positive multiple of the tick {tick}"),
        ),
    }
}

/// OrdType (40): market or limit.
fn order_type(msg: &Message) -> Result<OrderType, Bad> {
    match need(msg, 40)? {
        "1" => Ok(OrderType::Market),
        "2" => Ok(OrderType::Limit),
        t => refuse(
            11,
            format!("OrdType {t} is not supported: use 1 (market) or 2 (limit)"),
        ),
    }
}

/// TimeInForce (59), ExpireTime (126) for GTD; absent means GTC.
fn tif(msg: &Message) -> Result<TimeInForce, Bad> {
    match msg.get_str(59) {
        None | Some("1") => Ok(TimeInForce::Gtc),
        Some("3") => Ok(TimeInForce::Ioc),
        Some("4") => Ok(TimeInForce::Fok),
        Some("6") => {
            let t = msg.get(126).ok_or(AppError::ConditionallyRequired(126))?;
            match parse_timestamp(t) {
                Some(ms) => Ok(TimeInForce::Gtd(Timestamp(ms))),
                None => refuse(99, "ExpireTime is not a UTC timestamp"),
            }
        }
        Some(t) => refuse(
            11,
            format!(
                "TimeInForce {t} is not supported: use 1 (GTC), 3 (IOC), 4 (FOK) or 6 (GTD \
                 with ExpireTime)"
            ),
        ),
    }
}

/// ExecInst (18): `6` (participate, don't initiate) is post-only; nothing else is supported.
fn post_only(msg: &Message) -> Result<bool, Bad> {
    let Some(v) = msg.get_str(18) else {
        return Ok(false);
    };
    if v.split(' ').all(|x| x == "6") {
        return Ok(true);
    }
    refuse(
        11,
        format!("ExecInst {v} is not supported: only 6 (participate, don't initiate: post-only)"),
    )
}

impl Exchange {
    /// The listing of the request's Symbol (55), refused when unknown or not permitted.
    fn entry_listing(&self, session: SessionId, msg: &Message) -> Result<Listing, Bad> {
        let symbol = need(msg, 55)?;
        match self.catalog.find(symbol) {
            None => refuse(1, format!("unknown symbol {symbol}")),
            Some(_) if !self.allowed(session, symbol) => refuse(
                99,
                format!("symbol {symbol} is not permitted for this session"),
            ),
            Some(l) => Ok(l.clone()),
        }
    }

    /// Account (1), when present, must be the session's.
    fn check_account(msg: &Message, account: AccountId) -> Result<(), Bad> {
        match msg.get_str(1) {
            Some(a) if a != account.0.to_string() => refuse(
                15,
                format!("Account {a} is not this session's account {}", account.0),
            ),
            _ => Ok(()),
        }
    }

    fn parse_new(
        &self,
        session: SessionId,
        account: AccountId,
        msg: &Message,
    ) -> Result<NewOrder, Bad> {
        let cl = need(msg, 11)?;
        let Ok(id) = ClientOrderId::new(cl) else {
            return refuse(99, "ClOrdID must be 1 to 36 bytes");
        };
        Self::check_account(msg, account)?;
        let listing = self.entry_listing(session, msg)?;
        let side = side(msg)?;
        let order_type = order_type(msg)?;
        let qty = qty(msg, &listing)?;
        let price = match order_type {
            OrderType::Limit => price(msg, &listing)?,
            OrderType::Market => Price(0),
        };
        Ok(NewOrder {
            account,
            instrument: Some(listing.id),
            id,
            side,
            order_type,
            price,
            qty,
            tif: tif(msg)?,
            post_only: post_only(msg)?,
            reduce_only: false,
            stp: SelfTradePrevention::None,
        })
    }

    /// NewOrderSingle (D).
    pub(super) fn new_order(
        &mut self,
        session: SessionId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        let account = self.sessions[session].account;
        let cl = need(msg, 11)?;
        if self.orders.is_used(account, cl) {
            if msg.flag(97) {
                return self.resent_order(session, account, cl, out);
            }
            let text = format!("duplicate ClOrdID {cl}: already used by an order of this account");
            self.refuse_order(session, msg, 6, &text, out);
            return Ok(());
        }
        let order = match self.parse_new(session, account, msg) {
            Ok(o) => o,
            Err(Bad::App(e)) => return Err(e),
            Err(Bad::Refuse(reason, text)) => {
                self.refuse_order(session, msg, reason, &text, out);
                return Ok(());
            }
        };
        let pending = Pending::New {
            session,
            order,
            req: msg.clone(),
        };
        if let Err(e) = self.submit(session, Request::Command(Command::New(order)), pending) {
            self.refuse_order(session, msg, 99, &busy_text(e), out);
        }
        Ok(())
    }

    /// A PossResend order whose ClOrdID is known: its current state, not a second order.
    fn resent_order(
        &mut self,
        session: SessionId,
        account: AccountId,
        cl: &str,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        let exec_id = self.own_id();
        let order = self
            .orders
            .resolve(account, cl)
            .and_then(|id| self.orders.get(account, &id));
        if let Some(o) = order {
            if let Some(l) = self.catalog.get(o.instrument) {
                let e = Exec {
                    exec_id: &exec_id,
                    exec_type: "I",
                    text: Some("possible resend of a known order: its current state"),
                    ts: now_ms(),
                    ..Exec::default()
                };
                out.send(session, report::order_report(l, o, &e));
            }
        }
        Ok(())
    }

    /// A reject ExecutionReport for a NewOrderSingle refused before or by the engine.
    pub(super) fn refuse_order(
        &mut self,
        session: SessionId,
        msg: &Message,
        reason: u32,
        text: &str,
        out: &mut Outbox,
    ) {
        let exec_id = self.own_id();
        self.send_refusal(session, msg, &exec_id, reason, text, out);
    }

    /// Sends a reject ExecutionReport with `exec_id`.
    pub(super) fn send_refusal(
        &self,
        session: SessionId,
        msg: &Message,
        exec_id: &str,
        reason: u32,
        text: &str,
        out: &mut Outbox,
    ) {
        let r = Refusal {
            exec_id,
            exec_type: "8",
            reason: Some(reason),
            text,
            ts: now_ms(),
            ..Refusal::default()
        };
        out.send(
            session,
            report::refusal_report(msg, self.sessions[session].account, &r),
        );
    }

    /// OrderCancelRequest (F) or OrderCancelReplaceRequest (G).
    pub(super) fn change(
        &mut self,
        session: SessionId,
        msg: &Message,
        replace: bool,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        let account = self.sessions[session].account;
        let cl = need(msg, 11)?.to_string();
        let orig = need(msg, 41)?.to_string();
        let id = self
            .orders
            .resolve(account, &orig)
            .or_else(|| ClientOrderId::new(&orig).ok());
        let reject = |ex: &Exchange, reason: u32, text: &str, out: &mut Outbox| {
            ex.change_reject(session, &cl, &orig, id, replace, reason, text, out)
        };
        let Some(id) = id else {
            reject(self, 1, "unknown order", out);
            return Ok(());
        };
        if self.orders.is_used(account, &cl) {
            let text = format!("duplicate ClOrdID {cl}: already used by an order of this account");
            reject(self, 6, &text, out);
            return Ok(());
        }
        let cmd = match self.parse_change(session, account, msg, id, replace) {
            Ok(c) => c,
            Err(Bad::App(e)) => return Err(e),
            Err(Bad::Refuse(_, text)) => {
                reject(self, 99, &text, out);
                return Ok(());
            }
        };
        let pending = Pending::Change {
            session,
            replace,
            cl_ord_id: cl.clone(),
            orig: orig.clone(),
            id,
        };
        if let Err(e) = self.submit(session, Request::Command(cmd), pending) {
            reject(self, 99, &busy_text(e), out);
        }
        Ok(())
    }

    fn parse_change(
        &self,
        session: SessionId,
        account: AccountId,
        msg: &Message,
        id: ClientOrderId,
        replace: bool,
    ) -> Result<Command, Bad> {
        Self::check_account(msg, account)?;
        let listing = self.entry_listing(session, msg)?;
        let side = side(msg)?;
        let known = self.orders.get(account, &id);
        if known.is_some_and(|o| o.side != side) {
            return refuse(99, "Side does not match the order's");
        }
        let instrument = Some(listing.id);
        if !replace {
            return Ok(Command::Cancel {
                account,
                instrument,
                id,
            });
        }
        if order_type(msg)? != OrderType::Limit {
            return refuse(99, "only limit orders rest: OrdType must be 2 (limit)");
        }
        if let Some(o) = known {
            if msg.get(59).is_some() && o.tif.is_some_and(|t| tif(msg).ok() != Some(t)) {
                return refuse(99, "TimeInForce cannot be replaced");
            }
            if msg.get(18).is_some() && post_only(msg).ok() != Some(o.post_only) {
                return refuse(99, "ExecInst cannot be replaced");
            }
        }
        Ok(Command::Amend {
            account,
            instrument,
            id,
            price: Some(price(msg, &listing)?),
            qty: Some(qty(msg, &listing)?),
        })
    }

    /// An OrderCancelReject: unknown order becomes "too late" when the order is known done.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn change_reject(
        &self,
        session: SessionId,
        cl: &str,
        orig: &str,
        id: Option<ClientOrderId>,
        replace: bool,
        reason: u32,
        text: &str,
        out: &mut Outbox,
    ) {
        let account = self.sessions[session].account;
        let known = id.and_then(|id| self.orders.get(account, &id));
        let reason = match known {
            Some(o) if reason == 1 && !o.status.is_open() => 0,
            _ => reason,
        };
        let text = if reason == 0 {
            "too late: the order is already done"
        } else {
            text
        };
        let c = CancelReject {
            order_id: known.map_or("NONE".to_string(), |o| o.order_id.0.to_string()),
            cl_ord_id: cl,
            orig,
            status: known.map_or("8", |o| o.status.code()),
            account,
            response_to: if replace { "2" } else { "1" },
            reason,
            text,
            ts: now_ms(),
        };
        out.send(session, report::cancel_reject(&c));
    }

    /// OrderMassCancelRequest (q): by symbol (530=1) or all (530=7), for the whole account.
    pub(super) fn mass_cancel(
        &mut self,
        session: SessionId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        let account = self.sessions[session].account;
        need(msg, 11)?;
        let kind = need(msg, 530)?;
        let instrument = match kind {
            "7" => None,
            "1" => {
                let symbol = need(msg, 55)?;
                match self.listing_for(session, symbol) {
                    Some(l) => Some(Some(l.id)),
                    None => {
                        let text = format!("unknown or not permitted symbol {symbol}");
                        self.mass_refused(session, msg, 1, &text, out);
                        return Ok(());
                    }
                }
            }
            _ => {
                let text = "only 1 (by symbol) and 7 (all orders) are supported";
                self.mass_refused(session, msg, 0, text, out);
                return Ok(());
            }
        };
        let cmd = Command::MassCancel {
            account,
            instrument,
        };
        let pending = Pending::MassCancel {
            session,
            req: msg.clone(),
        };
        if let Err(e) = self.submit(session, Request::Command(cmd), pending) {
            self.mass_refused(session, msg, 99, &busy_text(e), out);
        }
        Ok(())
    }

    /// A rejected OrderMassCancelReport.
    pub(super) fn mass_refused(
        &self,
        session: SessionId,
        msg: &Message,
        reason: u32,
        text: &str,
        out: &mut Outbox,
    ) {
        let r = MassCancelReport {
            cl_ord_id: msg.get_str(11).unwrap_or("NONE"),
            order_id: "NONE".into(),
            request_type: msg.get_str(530).unwrap_or("7"),
            reject: Some(reason),
            affected: 0,
            symbol: msg.get_str(55),
            text: Some(text),
            ts: now_ms(),
        };
        out.send(session, report::mass_cancel_report(&r));
    }
}
