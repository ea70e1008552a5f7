//! Answers to submitted requests, built from the events of the command they caused.

use super::accounts::OrderView;
use super::pending::{Pending, PendingKind};
use super::session::Phase;
use super::Gateway;
use crate::encode::{answer, order, private};
use crate::json::{array, Obj};
use crate::protocol::request::ErrorCode;
use tradestream_model::{AccountId, ClientOrderId, Event, Qty, RejectReason};
use tradestream_runtime::Output;

/// What one order's events in a command add up to.
#[derive(Default)]
struct Outcome {
    rejected: Option<RejectReason>,
    accepted: Option<Event>,
    amended: Option<Event>,
    filled: i64,
    complete: bool,
    cancelled: Option<(&'static str, Qty)>,
}

impl Gateway {
    /// Answers the request `tag` from the current batch (command `seq`).
    pub(super) fn answer(&mut self, tag: u64, seq: u64) {
        let Some(p) = self.pending.remove(&tag) else {
            return;
        };
        if !self.sessions.contains_key(&p.session) {
            return;
        }
        match p.kind {
            PendingKind::Place { id, instrument }
            | PendingKind::Amend { id, instrument }
            | PendingKind::Cancel { id, instrument } => {
                let o = self.outcome(p.account, &id);
                if let Some(reason) = o.rejected {
                    return self.reject(&p, reason, Some(&id), seq);
                }
                let Some(l) = self.listing(instrument).cloned() else {
                    return;
                };
                let b = p.budget;
                answer::ok(&mut self.buf, &p.id, |w| {
                    w.str("client_order_id", id.as_str())
                        .str("symbol", l.spec.symbol.as_str());
                    match (o.accepted, o.amended, o.cancelled) {
                        (_, _, Some((reason, leaves))) => {
                            w.str("status", "cancelled");
                            if matches!(p.kind, PendingKind::Cancel { .. }) {
                                w.dec("cancelled_qty", |x| l.write_qty(leaves, x));
                            } else {
                                w.str("cancel_reason", reason);
                            }
                        }
                        _ => {
                            let before = match o.amended {
                                Some(Event::Amended {
                                    qty, leaves_qty, ..
                                }) => qty.0 - leaves_qty.0,
                                _ => 0,
                            };
                            let status = if o.complete {
                                "filled"
                            } else if o.filled + before > 0 {
                                "partially_filled"
                            } else {
                                "new"
                            };
                            w.str("status", status);
                        }
                    }
                    if let Some(Event::Accepted {
                        order_id,
                        price,
                        qty,
                        order_type,
                        ..
                    }) = o.accepted
                    {
                        w.uint("order_id", order_id.0);
                        if order_type == tradestream_model::OrderType::Limit {
                            w.dec("price", |x| l.write_price(price, x));
                        }
                        w.dec("qty", |x| l.write_qty(qty, x));
                        w.dec("filled_qty", |x| l.write_qty(Qty(o.filled), x));
                        let leaves = if o.complete || o.cancelled.is_some() {
                            0
                        } else {
                            qty.0 - o.filled
                        };
                        w.dec("leaves_qty", |x| l.write_qty(Qty(leaves), x));
                    }
                    if let Some(Event::Amended {
                        price,
                        qty,
                        leaves_qty,
                        ..
                    }) = o.amended
                    {
                        let leaves = if o.complete || o.cancelled.is_some() {
                            0
                        } else {
                            leaves_qty.0 - o.filled
                        };
                        w.dec("price", |x| l.write_price(price, x));
                        w.dec("qty", |x| l.write_qty(qty, x));
                        w.dec("filled_qty", |x| {
                            l.write_qty(Qty(qty.0 - leaves_qty.0 + o.filled), x)
                        });
                        w.dec("leaves_qty", |x| l.write_qty(Qty(leaves), x));
                    }
                    w.uint("engine_seq", seq);
                    if let Some(b) = &b {
                        answer::rate_limit(w, b);
                    }
                });
            }
            PendingKind::MassCancel | PendingKind::KillSwitch { .. } => {
                let cancelled = self
                    .batch
                    .iter()
                    .filter(|o| matches!(o.output, Output::Event(Event::Cancelled { .. })))
                    .count();
                let b = p.budget;
                let kill = match p.kind {
                    PendingKind::KillSwitch { account } => {
                        self.batch.iter().find_map(|o| match o.output {
                            Output::Event(Event::KillSwitch { on, .. }) => Some((account, on)),
                            _ => None,
                        })
                    }
                    _ => None,
                };
                answer::ok(&mut self.buf, &p.id, |w| {
                    if let Some((account, on)) = kill {
                        w.uint("account", account.0).bool("on", on);
                    }
                    w.uint("cancelled", cancelled as u64)
                        .uint("engine_seq", seq);
                    if let Some(b) = &b {
                        answer::rate_limit(w, b);
                    }
                });
            }
            PendingKind::Halt { instrument } | PendingKind::SetFees { instrument } => {
                let Some(l) = self.listing(instrument).cloned() else {
                    return;
                };
                let found = self.batch.iter().find_map(|o| match o.output {
                    Output::Event(
                        e @ (Event::Halted { .. } | Event::FeesChanged { .. } | Event::Error(_)),
                    ) => Some(e),
                    _ => None,
                });
                match found {
                    Some(Event::Halted { halted, .. }) => answer::ok(&mut self.buf, &p.id, |w| {
                        w.str("symbol", l.spec.symbol.as_str())
                            .bool("halted", halted)
                            .uint("engine_seq", seq);
                    }),
                    Some(Event::FeesChanged {
                        maker_fee_bps,
                        taker_fee_bps,
                        ..
                    }) => answer::ok(&mut self.buf, &p.id, |w| {
                        w.str("symbol", l.spec.symbol.as_str())
                            .int("maker_fee_bps", maker_fee_bps as i64)
                            .int("taker_fee_bps", taker_fee_bps as i64)
                            .uint("engine_seq", seq);
                    }),
                    Some(Event::Error(e)) => answer::error(
                        &mut self.buf,
                        Some(&p.id),
                        ErrorCode::InvalidParams.as_str(),
                        &e.to_string(),
                        |_| {},
                    ),
                    _ => return,
                }
            }
            PendingKind::Logon { .. } => return,
        }
        self.send_buf(p.session);
    }

    /// Adds up the events of order `id` in the current batch.
    fn outcome(&self, account: AccountId, id: &ClientOrderId) -> Outcome {
        let mut o = Outcome::default();
        for out in &self.batch {
            let Output::Event(ev) = out.output else {
                continue;
            };
            match ev {
                Event::Rejected {
                    account: a,
                    id: i,
                    reason,
                } if a == account && i == *id => o.rejected = Some(reason),
                Event::Accepted {
                    account: a, id: i, ..
                } if a == account && i == *id => o.accepted = Some(ev),
                Event::Amended {
                    account: a, id: i, ..
                } if a == account && i == *id => o.amended = Some(ev),
                Event::Trade {
                    maker_account,
                    maker_id,
                    taker_account,
                    taker_id,
                    qty,
                    ..
                } if (maker_account == account && maker_id == *id)
                    || (taker_account == account && taker_id == *id) =>
                {
                    o.filled += qty.0
                }
                Event::Filled {
                    account: a, id: i, ..
                } if a == account && i == *id => o.complete = true,
                Event::Cancelled {
                    account: a,
                    id: i,
                    reason,
                    leaves_qty,
                    ..
                } if a == account && i == *id => o.cancelled = Some((reason.as_str(), leaves_qty)),
                _ => {}
            }
        }
        o
    }

    fn reject(&mut self, p: &Pending, reason: RejectReason, id: Option<&ClientOrderId>, seq: u64) {
        let b = p.budget;
        answer::error(
            &mut self.buf,
            Some(&p.id),
            reason.as_str(),
            reject_message(reason),
            |w| {
                if let Some(id) = id {
                    w.str("client_order_id", id.as_str());
                }
                w.uint("engine_seq", seq);
                if let Some(b) = &b {
                    answer::rate_limit(w, b);
                }
            },
        );
        self.send_buf(p.session);
    }

    /// The engine halted before the request was confirmed.
    pub(super) fn answer_halted(&mut self, tag: u64) {
        let Some(p) = self.pending.remove(&tag) else {
            return;
        };
        if let Some(s) = self.sessions.get_mut(&p.session) {
            if matches!(s.phase, Phase::LoggingOn) {
                s.phase = Phase::Anonymous;
            }
        }
        let msg =
            "the engine has halted (journal failure); the outcome of this request is not confirmed";
        answer::error(
            &mut self.buf,
            Some(&p.id),
            ErrorCode::Halted.as_str(),
            msg,
            |_| {},
        );
        self.send_buf(p.session);
    }

    /// The account snapshot for a logon arrived: the session is logged on.
    pub(super) fn finish_logon(&mut self, tag: u64, seq: u64) {
        let Some(p) = self.pending.remove(&tag) else {
            return;
        };
        let PendingKind::Logon { grant } = p.kind else {
            return;
        };
        let Some(session) = self.sessions.get_mut(&p.session) else {
            return;
        };
        session.phase = Phase::LoggedOn(grant.clone());
        let cod = session.cancel_on_disconnect;
        let state = self.accounts.entry(grant.account).or_default();
        state.sessions.push(p.session);
        state.orders.clear();
        let mut orders = Vec::new();
        let mut balances = Vec::new();
        for out in &self.batch {
            match out.output {
                Output::Order(o) => {
                    state.orders.insert(o.id, OrderView::from_open(&o));
                    orders.push(o);
                }
                Output::Balance { asset, balance, .. } => balances.push((asset, balance)),
                _ => {}
            }
        }
        let private_seq = state.private_seq;
        let budget = self
            .rate
            .peek(grant.account, tradestream_runtime::wall_ms());
        let catalog = &self.catalog;
        let config = &self.config;
        answer::ok(&mut self.buf, &p.id, |w| {
            w.uint("account", grant.account.0);
            w.with("scopes", |x| answer::strings(x, grant.scopes.names()));
            w.str("ack", if config.fast_ack { "fast" } else { "durable" })
                .uint("heartbeat_ms", config.heartbeat_ms)
                .bool("cancel_on_disconnect", cod)
                .uint("max_message_bytes", config.max_message_bytes as u64);
            answer::rate_limit(w, &budget);
            w.uint("engine_seq", seq).uint("private_seq", private_seq);
            w.with("orders", |x| {
                array(
                    x,
                    orders
                        .iter()
                        .filter_map(|o| Some((catalog.get(o.instrument)?, o))),
                    |x, (l, o)| {
                        let v = OrderView::from_open(o);
                        let mut ob = Obj::new(x);
                        order::fields(&mut ob, l, &o.id, &v);
                        ob.str("status", v.status()).int("ts", v.ts.0);
                        ob.end();
                    },
                )
            });
            w.with("balances", |x| {
                array(x, balances.iter(), |x, (asset, b)| {
                    let mut ob = Obj::new(x);
                    private::balance_fields(&mut ob, asset, b);
                    ob.end();
                })
            });
        });
        self.send_buf(p.session);
    }
}

/// The human message of an engine reject.
fn reject_message(r: RejectReason) -> &'static str {
    match r {
        RejectReason::UnknownSymbol => "the symbol is not listed",
        RejectReason::KillSwitch => {
            "the account's kill switch is on: new orders and amends are refused"
        }
        RejectReason::InstrumentHalted => "trading in this instrument is halted",
        RejectReason::MmProtection => {
            "the account's market-maker protection on this instrument is frozen"
        }
        RejectReason::DuplicateId => "this client order id was already used by the account",
        RejectReason::UnknownOrder => "no open order with this client order id",
        RejectReason::InvalidPrice => "price is zero, negative, off the tick grid or too large",
        RejectReason::InvalidQty => {
            "quantity is zero, negative, off the lot grid, too large, or not above the filled part"
        }
        RejectReason::CrossedQuote => "the quote's bid price is not below its ask price",
        RejectReason::InvalidExpire => "the GTD expiry is not after the engine clock",
        RejectReason::PriceBand => "price is outside the instrument's price band",
        RejectReason::MaxQty => "quantity is above the instrument's maximum",
        RejectReason::MaxNotional => "notional is above the instrument's maximum",
        RejectReason::TooManyOrders => "the account holds its maximum number of open orders",
        RejectReason::EngineCapacity => "the engine holds its maximum number of open orders",
        RejectReason::PostOnlyWouldCross => "a post-only order would trade on arrival",
        RejectReason::FokUnfilled => "a fill-or-kill order cannot fill in full at once",
        RejectReason::ReduceOnly => "a reduce-only order could increase or flip the position",
        RejectReason::PositionLimit => "the order could take the position beyond its limit",
        RejectReason::InsufficientBalance => {
            "the account cannot hold or pay what the request needs"
        }
        RejectReason::InsufficientMargin => {
            "the account's equity would not cover the initial margin with this order"
        }
    }
}
