//! Encoding the order-entry answers: ExecutionReport (8) from an order's state or echoing a
//! refused request, OrderCancelReject (9), OrderMassCancelReport (r) and
//! BusinessMessageReject (j). Bodies only; fields in the dictionary's order.

use super::orders::Order;
use crate::codec::encode::Outgoing;
use crate::codec::parse::Message;
use crate::codec::time::timestamp;
use rust_decimal::Decimal;
use tradestream_model::{AccountId, OrderType, Price, Qty, Side, TimeInForce};
use tradestream_ws::catalog::Listing;

/// Side (54).
pub fn side_code(side: Side) -> &'static str {
    match side {
        Side::Buy => "1",
        Side::Sell => "2",
    }
}

fn ord_type_code(t: OrderType) -> &'static str {
    match t {
        OrderType::Market => "1",
        OrderType::Limit => "2",
    }
}

fn tif_code(t: TimeInForce) -> &'static str {
    match t {
        TimeInForce::Gtc => "1",
        TimeInForce::Ioc => "3",
        TimeInForce::Fok => "4",
        TimeInForce::Gtd(_) => "6",
    }
}

/// A price on the listing's tick grid as a decimal.
pub fn price_text(l: &Listing, p: Price) -> Vec<u8> {
    let mut v = Vec::with_capacity(16);
    l.write_price(p, &mut v);
    v
}

/// A quantity on the listing's lot grid as a decimal.
pub fn qty_text(l: &Listing, q: Qty) -> Vec<u8> {
    let mut v = Vec::with_capacity(16);
    l.write_qty(q, &mut v);
    v
}

/// The average fill price: `notional / cum` ticks, exact when it terminates within 28
/// digits, otherwise rounded to the tick's decimals plus 8.
fn avg_px(l: &Listing, o: &Order) -> String {
    match o.notional {
        Some(n) if o.cum.0 > 0 => {
            let tick = l.spec.tick.to_decimal();
            let avg = Decimal::from_i128_with_scale(n, 0) * tick / Decimal::from(o.cum.0);
            avg.round_dp(tick.scale() + 8).normalize().to_string()
        }
        _ => "0".to_string(),
    }
}

/// What an execution report of a known order says besides the order's state.
#[derive(Debug, Default)]
pub struct Exec<'a> {
    /// ExecID (17).
    pub exec_id: &'a str,
    /// ExecType (150).
    pub exec_type: &'a str,
    /// OrigClOrdID (41).
    pub orig: Option<&'a str>,
    /// LastPx and LastQty of a fill.
    pub last: Option<(Price, Qty)>,
    /// Text (58).
    pub text: Option<&'a str>,
    /// OrdStatusReqID (790).
    pub status_req: Option<&'a str>,
    /// MassStatusReqID (584), TotNumReports (911), LastRptRequested (912).
    pub mass: Option<(&'a str, usize, bool)>,
    /// TransactTime (60), epoch ms.
    pub ts: i64,
}

fn mass_fields(m: &mut Outgoing, status_req: Option<&str>, mass: Option<(&str, usize, bool)>) {
    if let Some(id) = status_req {
        m.field(790, id);
    }
    if let Some((id, total, last)) = mass {
        m.field(584, id).int(911, total as i64);
        if last {
            m.field(912, "Y");
        }
    }
}

/// An ExecutionReport of a known order.
pub fn order_report(l: &Listing, o: &Order, e: &Exec) -> Outgoing {
    let mut m = Outgoing::new(b"8");
    m.int(37, o.order_id.0 as i64).field(11, &o.cl_ord_id);
    if let Some(orig) = e.orig {
        m.field(41, orig);
    }
    mass_fields(&mut m, e.status_req, e.mass);
    m.field(17, e.exec_id)
        .field(150, e.exec_type)
        .field(39, o.status.code())
        .int(1, o.account.0 as i64)
        .field(55, l.spec.symbol.as_str())
        .field(54, side_code(o.side))
        .field(38, qty_text(l, o.qty))
        .field(40, ord_type_code(o.order_type));
    if o.order_type == OrderType::Limit {
        m.field(44, price_text(l, o.price));
    }
    m.field(15, l.spec.quote.as_str());
    if let Some(tif) = o.tif {
        m.field(59, tif_code(tif));
        if let TimeInForce::Gtd(t) = tif {
            m.field(126, timestamp(t.0));
        }
    }
    if o.post_only {
        m.field(18, "6");
    }
    if let Some((px, qty)) = e.last {
        m.field(32, qty_text(l, qty)).field(31, price_text(l, px));
    }
    m.field(151, qty_text(l, o.leaves()))
        .field(14, qty_text(l, o.cum))
        .field(6, avg_px(l, o))
        .field(60, timestamp(e.ts));
    if let Some(text) = e.text {
        m.field(58, text);
    }
    m
}

/// An ExecutionReport answering a request that did not reach (or was refused for) an order:
/// OrdStatus 8, the request's fields echoed.
#[derive(Debug, Default)]
pub struct Refusal<'a> {
    /// ExecID (17).
    pub exec_id: &'a str,
    /// ExecType (150): 8 for a rejected order, I for a status of an unknown order.
    pub exec_type: &'a str,
    /// OrdRejReason (103).
    pub reason: Option<u32>,
    /// Text (58).
    pub text: &'a str,
    /// OrdStatusReqID (790).
    pub status_req: Option<&'a str>,
    /// MassStatusReqID (584), TotNumReports (911), LastRptRequested (912).
    pub mass: Option<(&'a str, usize, bool)>,
    /// TransactTime (60), epoch ms.
    pub ts: i64,
}

/// The refusal report for `req` of `account`.
pub fn refusal_report(req: &Message, account: AccountId, r: &Refusal) -> Outgoing {
    let mut m = Outgoing::new(b"8");
    m.field(37, "NONE");
    if let Some(cl) = req.get(11) {
        m.field(11, cl);
    }
    mass_fields(&mut m, r.status_req, r.mass);
    m.field(17, r.exec_id)
        .field(150, r.exec_type)
        .field(39, "8");
    if let Some(reason) = r.reason {
        m.int(103, i64::from(reason));
    }
    m.int(1, account.0 as i64)
        .field(55, req.get(55).unwrap_or(b"NONE"))
        .field(54, req.get(54).unwrap_or(b"1"));
    for tag in [38, 40, 44, 59, 126, 18] {
        if let Some(v) = req.get(tag) {
            m.field(tag, v);
        }
    }
    m.field(151, "0")
        .field(14, "0")
        .field(6, "0")
        .field(60, timestamp(r.ts))
        .field(58, r.text);
    m
}

/// An OrderCancelReject (9).
#[derive(Debug)]
pub struct CancelReject<'a> {
    /// OrderID (37), `NONE` when unknown.
    pub order_id: String,
    /// The request's ClOrdID (11).
    pub cl_ord_id: &'a str,
    /// The request's OrigClOrdID (41).
    pub orig: &'a str,
    /// OrdStatus (39) after the reject; 8 when the order is unknown.
    pub status: &'a str,
    /// The account.
    pub account: AccountId,
    /// CxlRejResponseTo (434): 1 cancel, 2 cancel/replace.
    pub response_to: &'a str,
    /// CxlRejReason (102).
    pub reason: u32,
    /// Text (58).
    pub text: &'a str,
    /// TransactTime (60), epoch ms.
    pub ts: i64,
}

/// Encodes an OrderCancelReject.
pub fn cancel_reject(c: &CancelReject) -> Outgoing {
    let mut m = Outgoing::new(b"9");
    m.field(37, &c.order_id)
        .field(11, c.cl_ord_id)
        .field(41, c.orig)
        .field(39, c.status)
        .int(1, c.account.0 as i64)
        .field(60, timestamp(c.ts))
        .field(434, c.response_to)
        .int(102, i64::from(c.reason))
        .field(58, c.text);
    m
}

/// An OrderMassCancelReport (r).
#[derive(Debug)]
pub struct MassCancelReport<'a> {
    /// The request's ClOrdID (11).
    pub cl_ord_id: &'a str,
    /// OrderID (37): the journal sequence number of the mass cancel, or `NONE`.
    pub order_id: String,
    /// MassCancelRequestType (530) as requested.
    pub request_type: &'a str,
    /// MassCancelRejectReason (532) when rejected (the response is then 0).
    pub reject: Option<u32>,
    /// TotalAffectedOrders (533).
    pub affected: usize,
    /// The symbol of a by-security request.
    pub symbol: Option<&'a str>,
    /// Text (58).
    pub text: Option<&'a str>,
    /// TransactTime (60), epoch ms.
    pub ts: i64,
}

/// Encodes an OrderMassCancelReport.
pub fn mass_cancel_report(r: &MassCancelReport) -> Outgoing {
    let mut m = Outgoing::new(b"r");
    m.field(11, r.cl_ord_id)
        .field(37, &r.order_id)
        .field(530, r.request_type);
    match r.reject {
        Some(reason) => {
            m.field(531, "0").int(532, i64::from(reason));
        }
        None => {
            m.field(531, r.request_type);
        }
    }
    m.int(533, r.affected as i64);
    if let Some(s) = r.symbol {
        m.field(55, s);
    }
    m.field(60, timestamp(r.ts));
    if let Some(t) = r.text {
        m.field(58, t);
    }
    m
}

/// A BusinessMessageReject (j) for a request of type `ref_msg_type` with id `ref_id`
/// (BusinessRejectReason 4, application not available): for requests the engine could not
/// answer after they were accepted for processing.
pub fn unavailable(ref_msg_type: &str, ref_id: &str, text: &str) -> Outgoing {
    let mut m = Outgoing::new(b"j");
    m.field(372, ref_msg_type)
        .field(379, ref_id)
        .field(380, "4")
        .field(58, text);
    m
}
