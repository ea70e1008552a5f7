//! The engine's released items, grouped per request, into QUIC messages: market data for
//! everyone, acks and fills for the sessions of the accounts concerned, rejects and mass
//! cancel acks for the requester.

use super::ids::{self, Ours};
use super::orders::Tracked;
use super::{Gateway, Outgoing, Pending};
use crate::encode::encode;
use crate::messages::server::{
    AmendAck, CancelAck, Fill, MassCancelAck, OrderAck, ProtectionTripped, QuoteAck,
};
use crate::messages::Message;
use crate::types::RejectCode;
use bytes::Bytes;
use tradestream_model::{AccountId, ClientOrderId, Event, RejectReason, Timestamp};
use tradestream_runtime::{DoneKind, Output};

/// The wire reject code of an engine reject reason.
#[must_use]
pub fn reject_code(r: RejectReason) -> RejectCode {
    match r {
        RejectReason::UnknownSymbol => RejectCode::UNKNOWN_INSTRUMENT,
        RejectReason::InstrumentHalted => RejectCode::MARKET_CLOSED,
        RejectReason::DuplicateId => RejectCode::DUPLICATE_CLIENT_ID,
        RejectReason::UnknownOrder => RejectCode::UNKNOWN_ORDER,
        RejectReason::InvalidPrice | RejectReason::PriceBand => RejectCode::INVALID_PRICE,
        RejectReason::InvalidQty => RejectCode::INVALID_QUANTITY,
        RejectReason::InvalidExpire => RejectCode::OTHER,
        RejectReason::PostOnlyWouldCross => RejectCode::POST_ONLY_WOULD_CROSS,
        RejectReason::FokUnfilled => RejectCode::FOK_UNFILLED,
        RejectReason::KillSwitch
        | RejectReason::MaxQty
        | RejectReason::MaxNotional
        | RejectReason::TooManyOrders
        | RejectReason::EngineCapacity
        | RejectReason::ReduceOnly
        | RejectReason::PositionLimit
        | RejectReason::InsufficientBalance
        | RejectReason::InsufficientMargin => RejectCode::RISK_LIMIT,
        RejectReason::MmProtection => RejectCode::MM_PROTECTION,
        RejectReason::CrossedQuote => RejectCode::CROSSED_QUOTE,
    }
}

/// Engine timestamps are milliseconds; the wire carries nanoseconds.
fn ns(ts: Timestamp) -> u64 {
    u64::try_from(ts.0).unwrap_or(0).saturating_mul(1_000_000)
}

impl Gateway {
    /// Moves up to `max` released engine items into messages; true if more may be waiting.
    pub fn poll(&mut self, max: usize) -> bool {
        for _ in 0..max {
            let Some(item) = self.port.poll() else {
                return false;
            };
            let end = matches!(item.output, Output::Done(_));
            self.batch.push(item);
            if end {
                self.on_batch();
                self.batch.clear();
            }
        }
        true
    }

    fn on_batch(&mut self) {
        let Some(last) = self.batch.last().copied() else {
            return;
        };
        let Output::Done(kind) = last.output else {
            return;
        };
        let pending = last
            .origin
            .filter(|o| o.gateway == self.port.id())
            .and_then(|o| self.pending.remove(&o.tag));
        match kind {
            DoneKind::Snapshot => {
                for item in &self.batch {
                    if let Output::Order(o) = item.output {
                        if self.by_account.contains_key(&o.account) {
                            let t = Tracked {
                                order_id: o.order_id.0,
                                leaves: o.leaves.0,
                            };
                            self.orders.insert(o.account, o.id, t);
                        }
                    }
                }
            }
            DoneKind::Halted => {
                if let Some(p) = pending {
                    let (session, client_id) = p.requester();
                    self.reject(session, client_id, RejectCode::OTHER, 0);
                }
            }
            DoneKind::Applied => self.applied(last.seq, last.ts, pending),
        }
    }

    fn applied(&mut self, seq: u64, ts: Timestamp, pending: Option<Pending>) {
        let batch = std::mem::take(&mut self.batch);
        let mut deltas = std::mem::take(&mut self.deltas);
        let events = batch.iter().filter_map(|o| match &o.output {
            Output::Event(ev) => Some(ev),
            _ => None,
        });
        self.md.command(events, ts, &mut deltas);
        for d in deltas.drain(..) {
            let mut buf = Vec::with_capacity(d.entries.len() * 24 + 22);
            encode(&Message::MdDelta(d), &mut buf);
            self.out.push(Outgoing::Market(Bytes::from(buf)));
        }
        self.deltas = deltas;
        let mut cancelled = 0u32;
        // A quote that was applied is answered by its QuoteAck alone (a side refused on its own
        // shows as absent there): only a whole-quote refusal is a Reject.
        let quoted = batch
            .iter()
            .any(|o| matches!(o.output, Output::Event(Event::Quoted { .. })));
        let mut rejected = quoted;
        for item in &batch {
            let Output::Event(ev) = item.output else {
                continue;
            };
            if let Event::Cancelled { .. } = ev {
                cancelled += 1;
            }
            if let Event::Rejected {
                account, reason, ..
            } = ev
            {
                // An order's reject is its own account's (not a counterparty's).
                let requester = pending.filter(|p| match *p {
                    Pending::Order { account: a, .. } => a == account,
                    Pending::Mass { .. } => true,
                });
                if let Some(p) = requester.filter(|_| !rejected) {
                    rejected = true;
                    let (session, client_id) = p.requester();
                    self.reject(session, client_id, reject_code(reason), seq);
                }
                continue;
            }
            if let Event::Quoted {
                account, bid, ask, ..
            } = ev
            {
                if let Some(Pending::Order {
                    session,
                    account: a,
                    client_id,
                }) = pending
                {
                    if a == account {
                        let ack = QuoteAck {
                            quote_id: client_id,
                            bid_order_id: bid.map_or(0, |o| o.0),
                            ask_order_id: ask.map_or(0, |o| o.0),
                            seq,
                        };
                        self.out
                            .push(Outgoing::Send(session, Message::QuoteAck(ack)));
                    }
                }
                continue;
            }
            self.event(&ev, seq, ts);
        }
        self.batch = batch;
        if let Some(Pending::Mass {
            session,
            instrument,
        }) = pending
        {
            if !rejected {
                let ack = MassCancelAck {
                    instrument,
                    count: cancelled,
                    seq,
                };
                self.out
                    .push(Outgoing::Send(session, Message::MassCancelAck(ack)));
            }
        }
    }

    /// Reports an event of an order of an account with a session.
    fn event(&mut self, ev: &Event, seq: u64, ts: Timestamp) {
        match *ev {
            Event::Accepted {
                account,
                id,
                order_id,
                qty,
                ts: accepted,
                ..
            } => {
                if !self.has_sessions(account) {
                    return;
                }
                let t = Tracked {
                    order_id: order_id.0,
                    leaves: qty.0,
                };
                self.orders.insert(account, id, t);
                if let Some(Ours::Order(client_id)) = ids::parse(&id) {
                    let ack = OrderAck {
                        client_id,
                        order_id: order_id.0,
                        seq,
                        ts: ns(accepted),
                    };
                    self.send_to_account(account, Message::OrderAck(ack));
                }
            }
            Event::Trade {
                price,
                qty,
                maker_account,
                maker_id,
                taker_account,
                taker_id,
                ..
            } => {
                for (account, id, aggressor) in [
                    (maker_account, maker_id, false),
                    (taker_account, taker_id, true),
                ] {
                    let fill = Fill {
                        client_id: 0,
                        order_id: 0,
                        price: price.0,
                        qty: qty.0,
                        leaves: 0,
                        seq,
                        ts: ns(ts),
                        aggressor,
                    };
                    self.fill(account, id, fill);
                }
            }
            Event::Cancelled {
                account,
                id,
                leaves_qty,
                ..
            } => {
                if !self.has_sessions(account) {
                    return;
                }
                self.orders.remove(account, id);
                if let Some(ours) = ids::parse(&id) {
                    let ack = CancelAck {
                        client_id: ours.wire(),
                        leaves: leaves_qty.0,
                        seq,
                    };
                    self.send_to_account(account, Message::CancelAck(ack));
                }
            }
            Event::Amended {
                account,
                id,
                price,
                qty,
                leaves_qty,
                ..
            } => {
                if !self.has_sessions(account) {
                    return;
                }
                if let Some(o) = self.orders.get_mut(account, id) {
                    o.leaves = leaves_qty.0;
                }
                if let Some(ours) = ids::parse(&id) {
                    let ack = AmendAck {
                        client_id: ours.wire(),
                        price: price.0,
                        qty: qty.0,
                        seq,
                    };
                    self.send_to_account(account, Message::AmendAck(ack));
                }
            }
            Event::Filled { account, id, .. } => {
                self.orders.remove(account, id);
            }
            Event::ProtectionTripped {
                account,
                instrument,
                filled,
                delta,
                frozen_until,
            } => {
                let msg = ProtectionTripped {
                    instrument: instrument.0,
                    filled,
                    delta,
                    frozen_until: frozen_until.map_or(0, ns),
                    seq,
                };
                self.send_to_account(account, Message::ProtectionTripped(msg));
            }
            Event::Halted { instrument, halted } => self.catalog.set_halted(instrument, halted),
            _ => {}
        }
    }

    /// The Fill of one side of a trade (`fill` without its ids and leaves), for the sessions
    /// of its account.
    fn fill(&mut self, account: AccountId, id: ClientOrderId, fill: Fill) {
        if !self.has_sessions(account) {
            return;
        }
        let Some(ours) = ids::parse(&id) else {
            return;
        };
        let (order_id, leaves) = match self.orders.get_mut(account, id) {
            Some(o) => {
                o.leaves -= fill.qty;
                (o.order_id, o.leaves)
            }
            None => (0, 0),
        };
        let fill = Fill {
            client_id: ours.wire(),
            order_id,
            leaves,
            ..fill
        };
        self.send_to_account(account, Message::Fill(fill));
    }
}
