//! The engine's released items, grouped per request, turned into FIX: ExecutionReports for
//! every session of the account concerned (the maker's too), the requester's rejects and
//! mass cancel report, status answers, and market data.

use super::orders::{Order, Status};
use super::pending::Pending;
use super::report::{self, Exec, MassCancelReport};
use super::Exchange;
use crate::app::Outbox;
use crate::codec::time::now_ms;
use tradestream_engine::OpenOrder;
use tradestream_model::{
    AccountId, CancelReason, ClientOrderId, Event, Price, Qty, RejectReason, Timestamp,
};
use tradestream_runtime::{DoneKind, Out, Output};

/// OrdRejReason (103) for an engine reject reason.
fn ord_rej_reason(r: RejectReason) -> u32 {
    match r {
        RejectReason::UnknownSymbol => 1,
        RejectReason::InstrumentHalted => 2,
        RejectReason::DuplicateId => 6,
        RejectReason::UnknownOrder => 5,
        RejectReason::InvalidQty => 13,
        RejectReason::MaxQty
        | RejectReason::MaxNotional
        | RejectReason::TooManyOrders
        | RejectReason::PositionLimit => 3,
        RejectReason::InsufficientBalance | RejectReason::InsufficientMargin => 0,
        _ => 99,
    }
}

/// How a report of a known order differs from its plain state.
#[derive(Default)]
struct Extra<'a> {
    orig: Option<&'a str>,
    last: Option<(Price, Qty)>,
    text: Option<&'a str>,
}

impl Exchange {
    /// Moves up to `max` released engine items into FIX messages for the sessions; true if
    /// more may be waiting.
    pub fn poll_engine(&mut self, max: usize, out: &mut Outbox) -> bool {
        for _ in 0..max {
            let Some(item) = self.port.poll() else {
                return false;
            };
            let end = matches!(item.output, Output::Done(_));
            self.batch.push(item);
            if end {
                self.on_batch(out);
                self.batch.clear();
            }
        }
        true
    }

    fn on_batch(&mut self, out: &mut Outbox) {
        let last: Out = *self.batch.last().expect("a batch ends with its done item");
        let Output::Done(kind) = last.output else {
            return;
        };
        let pending = last
            .origin
            .filter(|o| o.gateway == self.port.id())
            .and_then(|o| self.pending.remove(&o.tag));
        self.batch_reports = 0;
        match kind {
            DoneKind::Snapshot => {
                let open: Vec<OpenOrder> = self
                    .batch
                    .iter()
                    .filter_map(|o| match o.output {
                        Output::Order(order) => Some(order),
                        _ => None,
                    })
                    .collect();
                for o in &open {
                    self.orders.sync(o);
                }
                if let Some(Pending::Status { session, req }) = pending {
                    self.answer_status(session, &req, &open, out);
                }
            }
            DoneKind::Halted => {
                if let Some(p) = pending {
                    self.halted(p, out);
                }
            }
            DoneKind::Applied => self.applied(last.seq, last.ts, pending, out),
        }
    }

    fn applied(&mut self, seq: u64, ts: Timestamp, pending: Option<Pending>, out: &mut Outbox) {
        self.market.publish(&self.batch, ts, &self.catalog, out);
        let mut mass = 0;
        for i in 0..self.batch.len() {
            if let Output::Event(ev) = self.batch[i].output {
                self.event(&ev, seq, ts, pending.as_ref(), &mut mass, out);
            }
        }
        if let Some(Pending::MassCancel { session, req }) = pending {
            let r = MassCancelReport {
                cl_ord_id: req.get_str(11).unwrap_or("NONE"),
                order_id: seq.to_string(),
                request_type: req.get_str(530).unwrap_or("7"),
                reject: None,
                affected: mass,
                symbol: req.get_str(55).filter(|_| req.get(530) == Some(b"1")),
                text: None,
                ts: ts.0,
            };
            out.send(session, report::mass_cancel_report(&r));
        }
    }

    /// The engine halted (journal failure) before applying the request: it is refused.
    fn halted(&mut self, p: Pending, out: &mut Outbox) {
        let text = "halted: the engine stopped before applying the request";
        match p {
            Pending::New { session, req, .. } => self.refuse_order(session, &req, 99, text, out),
            Pending::Change {
                session,
                replace,
                cl_ord_id,
                orig,
                id,
            } => self.change_reject(session, &cl_ord_id, &orig, Some(id), replace, 99, text, out),
            Pending::MassCancel { session, req } => self.mass_refused(session, &req, 99, text, out),
            Pending::Status { session, req } => {
                let ty = String::from_utf8_lossy(req.msg_type()).into_owned();
                let id = req.get_str(11).or(req.get_str(584)).unwrap_or("");
                out.send(session, report::unavailable(&ty, id, text));
            }
            Pending::Sync => {}
        }
    }

    fn event(
        &mut self,
        ev: &Event,
        seq: u64,
        ts: Timestamp,
        pending: Option<&Pending>,
        mass: &mut usize,
        out: &mut Outbox,
    ) {
        match *ev {
            Event::Accepted {
                account,
                id,
                order_id,
                instrument,
                side,
                order_type,
                price,
                qty,
                ..
            } => {
                if self.sessions_of(account).is_empty() {
                    return;
                }
                let (tif, post_only) = match pending {
                    Some(Pending::New { order, .. })
                        if order.account == account && order.id == id =>
                    {
                        (Some(order.tif), order.post_only)
                    }
                    _ => (None, false),
                };
                self.orders.insert(Order {
                    account,
                    order_id,
                    engine_id: id,
                    cl_ord_id: id.as_str().to_string(),
                    instrument,
                    side,
                    order_type,
                    price,
                    qty,
                    cum: Qty(0),
                    notional: Some(0),
                    tif,
                    post_only,
                    status: Status::New,
                });
                self.report(account, &id, seq, ts, "0", Extra::default(), out);
            }
            Event::Rejected {
                account,
                id,
                reason,
            } => self.rejected(account, id, reason, seq, pending, out),
            Event::Trade {
                price,
                qty,
                maker_account,
                maker_id,
                taker_account,
                taker_id,
                ..
            } => {
                for (account, id) in [(maker_account, maker_id), (taker_account, taker_id)] {
                    if let Some(o) = self.orders.get_mut(account, &id) {
                        o.fill(price, qty);
                        let extra = Extra {
                            last: Some((price, qty)),
                            ..Extra::default()
                        };
                        self.report(account, &id, seq, ts, "F", extra, out);
                    }
                }
            }
            Event::Cancelled {
                account,
                id,
                reason,
                ..
            } => {
                if reason == CancelReason::Mass {
                    *mass += 1;
                }
                self.cancelled(account, id, reason, seq, ts, pending, out);
            }
            Event::Amended {
                account,
                id,
                price,
                qty,
                leaves_qty,
                ..
            } => {
                let Some(o) = self.orders.get_mut(account, &id) else {
                    return;
                };
                o.price = price;
                o.qty = qty;
                o.cum = Qty(qty.0 - leaves_qty.0);
                o.status = if o.cum.0 > 0 {
                    Status::PartiallyFilled
                } else {
                    Status::New
                };
                self.changed(account, id, true, "5", None, seq, ts, pending, out);
            }
            Event::Halted { instrument, halted } => self.catalog.set_halted(instrument, halted),
            Event::FeesChanged {
                instrument,
                maker_fee_bps,
                taker_fee_bps,
            } => self
                .catalog
                .set_fees(instrument, maker_fee_bps, taker_fee_bps),
            // Quotes and market-maker protection, among others, have no FIX message: the orders
            // a quote places and their `replaced` / `mm_protection` cancels are execution reports
            // above.
            _ => {}
        }
    }

    fn rejected(
        &mut self,
        account: tradestream_model::AccountId,
        id: ClientOrderId,
        reason: RejectReason,
        seq: u64,
        pending: Option<&Pending>,
        out: &mut Outbox,
    ) {
        match pending {
            Some(Pending::New {
                session,
                order,
                req,
            }) if order.account == account && order.id == id => {
                let exec_id = self.exec_id(seq);
                let text = reason.as_str();
                self.send_refusal(*session, req, &exec_id, ord_rej_reason(reason), text, out);
            }
            Some(Pending::Change {
                session,
                replace,
                cl_ord_id,
                orig,
                id: target,
            }) if *target == id && self.sessions[*session].account == account => {
                let code = if reason == RejectReason::UnknownOrder {
                    1
                } else {
                    99
                };
                let text = reason.as_str();
                self.change_reject(
                    *session,
                    cl_ord_id,
                    orig,
                    Some(id),
                    *replace,
                    code,
                    text,
                    out,
                );
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn cancelled(
        &mut self,
        account: AccountId,
        id: ClientOrderId,
        reason: CancelReason,
        seq: u64,
        ts: Timestamp,
        pending: Option<&Pending>,
        out: &mut Outbox,
    ) {
        let Some(o) = self.orders.get_mut(account, &id) else {
            return;
        };
        let expired = reason == CancelReason::Expired;
        o.status = if expired {
            Status::Expired
        } else {
            Status::Canceled
        };
        let exec_type = if expired { "C" } else { "4" };
        let text = Some(reason.as_str());
        self.changed(account, id, false, exec_type, text, seq, ts, pending, out);
    }

    /// The report of a cancel (`replace` false) or amend: when this gateway's request caused
    /// it, the order takes the request's ClOrdID and the report carries the previous one in
    /// OrigClOrdID.
    #[allow(clippy::too_many_arguments)]
    fn changed(
        &mut self,
        account: AccountId,
        id: ClientOrderId,
        replace: bool,
        exec_type: &str,
        text: Option<&str>,
        seq: u64,
        ts: Timestamp,
        pending: Option<&Pending>,
        out: &mut Outbox,
    ) {
        let ours = match pending {
            Some(Pending::Change {
                session,
                replace: r,
                cl_ord_id,
                id: target,
                ..
            }) if *r == replace && *target == id && self.sessions[*session].account == account => {
                Some(cl_ord_id.as_str())
            }
            _ => None,
        };
        let Some(cl) = ours else {
            let extra = Extra {
                text,
                ..Extra::default()
            };
            return self.report(account, &id, seq, ts, exec_type, extra, out);
        };
        let prev = self
            .orders
            .get(account, &id)
            .map(|o| o.cl_ord_id.clone())
            .unwrap_or_default();
        self.orders.rename(account, &id, cl);
        let extra = Extra {
            orig: Some(&prev),
            text,
            ..Extra::default()
        };
        self.report(account, &id, seq, ts, exec_type, extra, out);
    }

    /// An ExecutionReport of the order for every session of its account.
    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        account: AccountId,
        id: &ClientOrderId,
        seq: u64,
        ts: Timestamp,
        exec_type: &str,
        extra: Extra,
        out: &mut Outbox,
    ) {
        let exec_id = self.exec_id(seq);
        let Some(o) = self.orders.get(account, id) else {
            return;
        };
        let Some(l) = self.catalog.get(o.instrument) else {
            return;
        };
        let e = Exec {
            exec_id: &exec_id,
            exec_type,
            orig: extra.orig,
            last: extra.last,
            text: extra.text,
            ts: if ts.0 > 0 { ts.0 } else { now_ms() },
            ..Exec::default()
        };
        let msg = report::order_report(l, o, &e);
        for session in self.sessions_of(account) {
            out.send(*session, msg.clone());
        }
    }
}
