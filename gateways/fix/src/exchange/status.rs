//! OrderStatusRequest (H) and OrderMassStatusRequest (AF), answered from an account snapshot
//! taken in sequence with the stream (it is merged into the order state first).
//!
//! - H: one ExecutionReport with ExecType I (order status) and the order's current state,
//!   found by ClOrdID (any of the order's ClOrdIDs) or OrderID; an unknown order gets
//!   ExecType I, OrdStatus 8 (rejected), OrdRejReason 5 (unknown order).
//! - AF (all orders, or by symbol): one ExecutionReport with ExecType I per open order, with
//!   MassStatusReqID, TotNumReports and LastRptRequested=Y on the last. FIX 4.4 has no
//!   "no orders" result (FIX 5.0 added MassStatusReqResult), so with no open order the answer
//!   is a single ExecutionReport with ExecType I, OrdStatus 8, OrderID `NONE`,
//!   TotNumReports 0, LastRptRequested=Y and Text "no open orders", echoing the request's
//!   Symbol and Side (`NONE` and 1 when absent), as many venues do.

use super::entry::busy_text;
use super::report::{self, Exec, Refusal};
use super::{need, Exchange};
use crate::app::{AppError, Outbox, SessionId};
use crate::codec::parse::Message;
use crate::codec::time::now_ms;
use tradestream_engine::OpenOrder;
use tradestream_model::OrderId;
use tradestream_runtime::Request;

use super::pending::Pending;

impl Exchange {
    /// H or AF: checks the request and asks for the account snapshot.
    pub(super) fn status(&mut self, session: SessionId, msg: &Message) -> Result<(), AppError> {
        let account = self.sessions[session].account;
        if msg.msg_type() == b"H" {
            need(msg, 11)?;
        } else {
            need(msg, 584)?;
            match need(msg, 585)? {
                "7" => {}
                "1" => {
                    need(msg, 55)?;
                }
                t => {
                    return Err(AppError::Business {
                        reason: 0,
                        text: format!(
                            "MassStatusReqType {t} is not supported: use 1 (by symbol) or 7 (all)"
                        ),
                    })
                }
            }
        }
        let pending = Pending::Status {
            session,
            req: msg.clone(),
        };
        self.submit(session, Request::AccountSnapshot(account), pending)
            .map_err(|e| AppError::Business {
                reason: 4,
                text: busy_text(e),
            })
    }

    /// Answers H or AF once the snapshot's `open` orders were merged.
    pub(super) fn answer_status(
        &mut self,
        session: SessionId,
        req: &Message,
        open: &[OpenOrder],
        out: &mut Outbox,
    ) {
        if req.msg_type() == b"H" {
            self.answer_order_status(session, req, out);
        } else {
            self.answer_mass_status(session, req, open, out);
        }
    }

    fn answer_order_status(&mut self, session: SessionId, req: &Message, out: &mut Outbox) {
        let account = self.sessions[session].account;
        let exec_id = self.own_id();
        let status_req = req.get_str(790);
        let by_cl = req
            .get_str(11)
            .and_then(|cl| self.orders.resolve(account, cl))
            .and_then(|id| self.orders.get(account, &id));
        let by_id = || {
            req.get_u64(37)
                .and_then(|id| self.orders.by_order_id(account, OrderId(id)))
        };
        let order = by_cl.or_else(by_id);
        let listing = order.and_then(|o| self.catalog.get(o.instrument));
        let msg = match (order, listing) {
            (Some(o), Some(l)) => {
                let e = Exec {
                    exec_id: &exec_id,
                    exec_type: "I",
                    status_req,
                    ts: now_ms(),
                    ..Exec::default()
                };
                report::order_report(l, o, &e)
            }
            _ => {
                let r = Refusal {
                    exec_id: &exec_id,
                    exec_type: "I",
                    reason: Some(5),
                    text: "unknown order",
                    status_req,
                    ts: now_ms(),
                    ..Refusal::default()
                };
                report::refusal_report(req, account, &r)
            }
        };
        out.send(session, msg);
    }

    fn answer_mass_status(
        &mut self,
        session: SessionId,
        req: &Message,
        open: &[OpenOrder],
        out: &mut Outbox,
    ) {
        let account = self.sessions[session].account;
        let mass_id = req.get_str(584).unwrap_or("");
        let symbol = req.get_str(55).filter(|_| req.get(585) == Some(b"1"));
        let matching: Vec<&OpenOrder> = open
            .iter()
            .filter(|o| {
                let Some(l) = self.catalog.get(o.instrument) else {
                    return false;
                };
                let sym = l.spec.symbol.as_str();
                self.allowed(session, sym) && symbol.is_none_or(|s| s == sym)
            })
            .collect();
        let total = matching.len();
        if total == 0 {
            let exec_id = self.own_id();
            let r = Refusal {
                exec_id: &exec_id,
                exec_type: "I",
                text: "no open orders",
                mass: Some((mass_id, 0, true)),
                ts: now_ms(),
                ..Refusal::default()
            };
            out.send(session, report::refusal_report(req, account, &r));
            return;
        }
        for (i, oo) in matching.iter().enumerate() {
            let exec_id = self.own_id();
            let (Some(o), Some(l)) = (
                self.orders.get(account, &oo.id),
                self.catalog.get(oo.instrument),
            ) else {
                continue;
            };
            let e = Exec {
                exec_id: &exec_id,
                exec_type: "I",
                mass: Some((mass_id, total, i + 1 == total)),
                ts: now_ms(),
                ..Exec::default()
            };
            out.send(session, report::order_report(l, o, &e));
        }
    }
}
