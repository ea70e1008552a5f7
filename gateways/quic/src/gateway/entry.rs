//! Client messages into engine requests: NewOrder, Cancel, Amend, MassCancel and Quote become
//! commands; SnapshotRequest and Heartbeat are answered at once.
//!
//! A request the engine refuses as busy (its inbound ring is full) is answered at once with a
//! Reject `BUSY` (`seq` 0); nothing was done.

use super::{ids, Gateway, Outgoing, Pending, ProtocolError, SessionId};
use crate::messages::client::{MassCancel, NewOrder, Quote};
use crate::messages::server::Reject;
use crate::messages::{Heartbeat, Message};
use crate::types::{RejectCode, Side, TimeInForce};
use tradestream_model::{
    AccountId, Command, InstrumentId, OrderType, Price, Qty, QuoteSide, SelfTradePrevention,
};
use tradestream_runtime::{Request, SubmitError};

impl Gateway {
    /// Handles a logged-on session's message at `now` (ns since the epoch, for Heartbeat
    /// answers). An error means the client broke the protocol and the connection must close.
    pub fn on_message(
        &mut self,
        session: SessionId,
        msg: &Message,
        now: u64,
    ) -> Result<(), ProtocolError> {
        let account = *self
            .sessions
            .get(&session)
            .ok_or(ProtocolError::UnknownSession)?;
        match msg {
            Message::NewOrder(m) => {
                let cmd = self.new_order(account, m);
                self.command(session, account, m.client_id, cmd);
            }
            Message::Cancel(m) => {
                let cmd = Command::Cancel {
                    account,
                    instrument: self.instrument(m.instrument),
                    id: ids::order(m.client_id),
                };
                self.command(session, account, m.client_id, cmd);
            }
            Message::Amend(m) => {
                let cmd = Command::Amend {
                    account,
                    instrument: self.instrument(m.instrument),
                    id: ids::order(m.client_id),
                    price: (m.new_price != 0).then_some(Price(m.new_price)),
                    qty: (m.new_qty != 0).then_some(Qty(m.new_qty)),
                };
                self.command(session, account, m.client_id, cmd);
            }
            Message::MassCancel(m) => self.mass_cancel(session, account, *m),
            Message::Quote(q) => self.quote(session, account, q),
            Message::SnapshotRequest(r) => {
                let snap = self.md.snapshot(r.instrument, r.depth);
                self.out
                    .push(Outgoing::Send(session, Message::Snapshot(snap)));
            }
            Message::Heartbeat(_) => {
                let hb = Heartbeat { timestamp: now };
                self.out
                    .push(Outgoing::Send(session, Message::Heartbeat(hb)));
            }
            other => return Err(ProtocolError::Unexpected(other.message_type().code())),
        }
        Ok(())
    }

    /// The engine's instrument for a wire id: `None` (rejected `UNKNOWN_INSTRUMENT` by the
    /// engine) when it is not listed.
    fn instrument(&self, id: u32) -> Option<InstrumentId> {
        let id = InstrumentId(id);
        self.catalog.get(id).map(|_| id)
    }

    fn new_order(&self, account: AccountId, m: &NewOrder) -> Command {
        let (tif, post_only) = match m.tif {
            TimeInForce::Gtc => (tradestream_model::TimeInForce::Gtc, false),
            TimeInForce::Ioc => (tradestream_model::TimeInForce::Ioc, false),
            TimeInForce::Fok => (tradestream_model::TimeInForce::Fok, false),
            TimeInForce::PostOnly => (tradestream_model::TimeInForce::Gtc, true),
        };
        Command::New(tradestream_model::NewOrder {
            account,
            instrument: self.instrument(m.instrument),
            id: ids::order(m.client_id),
            side: match m.side {
                Side::Buy => tradestream_model::Side::Buy,
                Side::Sell => tradestream_model::Side::Sell,
            },
            order_type: OrderType::Limit,
            price: Price(m.price),
            qty: Qty(m.qty),
            tif,
            post_only,
            reduce_only: false,
            stp: SelfTradePrevention::None,
        })
    }

    /// Submits an order-entry command; a refusal is answered with a Reject at once.
    fn command(&mut self, session: SessionId, account: AccountId, client_id: u64, cmd: Command) {
        let pending = Pending::Order {
            session,
            account,
            client_id,
        };
        if let Err(e) = self.submit(session, Request::Command(cmd), pending) {
            self.refuse(session, client_id, e);
        }
    }

    fn mass_cancel(&mut self, session: SessionId, account: AccountId, m: MassCancel) {
        let instrument =
            (m.instrument != MassCancel::ALL_INSTRUMENTS).then(|| self.instrument(m.instrument));
        let cmd = Command::MassCancel {
            account,
            instrument,
        };
        let pending = Pending::Mass {
            session,
            instrument: m.instrument,
        };
        if let Err(e) = self.submit(session, Request::Command(cmd), pending) {
            self.refuse(session, 0, e);
        }
    }

    /// A two-sided quote: engine ids `q<id>`, `q<id>b`, `q<id>a` (see [`ids`]).
    fn quote(&mut self, session: SessionId, account: AccountId, q: &Quote) {
        let [id, bid_id, ask_id] = ids::quote(q.quote_id);
        let cmd = Command::Quote(tradestream_model::Quote {
            account,
            instrument: self.instrument(q.instrument),
            id,
            bid_id,
            ask_id,
            bid: QuoteSide {
                price: Price(q.bid_price),
                qty: Qty(q.bid_qty),
            },
            ask: QuoteSide {
                price: Price(q.ask_price),
                qty: Qty(q.ask_qty),
            },
        });
        self.command(session, account, q.quote_id, cmd);
    }

    /// The Reject of a request the engine did not take.
    fn refuse(&mut self, session: SessionId, client_id: u64, e: SubmitError) {
        let reason = match e {
            SubmitError::Busy => RejectCode::BUSY,
            SubmitError::Stopped => RejectCode::OTHER,
        };
        self.reject(session, client_id, reason, 0);
    }

    /// Queues a Reject for `session`.
    pub(crate) fn reject(
        &mut self,
        session: SessionId,
        client_id: u64,
        reason: RejectCode,
        seq: u64,
    ) {
        let r = Reject {
            client_id,
            reason,
            seq,
        };
        self.out.push(Outgoing::Send(session, Message::Reject(r)));
    }
}
