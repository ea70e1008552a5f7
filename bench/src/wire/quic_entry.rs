//! Order entry over QUIC, open loop: one logged-on connection sends NewOrders at a fixed rate
//! and times each from its planned send until its OrderAck is decoded. One thread does both,
//! spinning: it hands each order to quinn at its planned time (or as soon after as it can,
//! charged its lateness; orders due together go in one write) and polls the connection between sends.
//!
//! Every order is a limit IOC buy at 100 on a book with nothing to sell, like the WebSocket
//! gateway's: the whole accept path, an OrderAck, then a CancelAck for the remainder; nothing
//! rests. The accounting is the FIX client's [`Tally`]: the OrderAck (or a Reject) is the first
//! answer, the CancelAck a later one.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Result;
use quanta::Clock;
use tradestream_quic::{Message, NewOrder, Side, TimeInForce};

use super::quic::{fresh_client_ids, QuicConn};
use super::sample::Sample;
use crate::fix::load::DRAIN;
use crate::fix::tally::{Kind, Reply, Tally};
use crate::journal::latency::{self, Latency};
use crate::journal::meter::Meter;
use crate::ws::schedule::{since, Schedule, LEAD};

/// The instrument (the server's first and only one, BTC-USD).
pub const INSTRUMENT: u32 = 0;
/// Price 100 in ticks of 0.5, and one lot (0.0001).
const PRICE_TICKS: i64 = 200;
const QTY_LOTS: i64 = 1;

/// The NewOrder of order `i` of the measurement whose client ids start at `base`.
pub fn order(base: u64, i: usize) -> Message {
    Message::NewOrder(NewOrder {
        client_id: base + i as u64,
        instrument: INSTRUMENT,
        side: Side::Buy,
        tif: TimeInForce::Ioc,
        price: PRICE_TICKS,
        qty: QTY_LOTS,
    })
}

/// What a message from the gateway says about the orders of the measurement whose client ids
/// start at `base`.
fn reply<'a>(base: u64, message: &Message, text: &'a [u8]) -> Reply<'a> {
    let answer = |client_id: u64, kind| Reply::Answer {
        index: client_id
            .checked_sub(base)
            .and_then(|i| usize::try_from(i).ok())
            .unwrap_or(usize::MAX),
        kind,
        message: text,
    };
    match message {
        Message::OrderAck(a) => answer(a.client_id, Kind::New),
        Message::Reject(r) => answer(r.client_id, Kind::Rejected),
        Message::CancelAck(c) => answer(c.client_id, Kind::Other),
        Message::Fill(f) => answer(f.client_id, Kind::Trade),
        Message::Heartbeat(_) => Reply::Admin,
        _ => Reply::Unexpected {
            what: "not an answer to an order",
            message: text,
        },
    }
}

/// Connects to the gateway at `addr` (its certificate in `cert`), logs on and sends orders at
/// `rate` for `warmup_secs` untimed and `secs` timed.
pub fn measure(
    addr: SocketAddr,
    cert: &Path,
    rate: u64,
    warmup_secs: f64,
    secs: f64,
    clock: &Clock,
) -> Result<Sample> {
    let mut conn = QuicConn::connect(addr, cert)?;
    let base = fresh_client_ids();
    let schedule = Schedule::new(clock.now() + LEAD, rate, warmup_secs, secs);
    let total = schedule.total;
    let mut tally = Tally::new(&schedule)?;
    // Planned send until the order was handed to quinn and its packet written.
    let mut late = latency::histogram()?;
    let deadline = schedule.planned(total - 1) + DRAIN;
    let meter = Meter::start();
    let mut next = 0;
    while !tally.complete() {
        if next < total {
            // Every order that is due goes out in one write, as a client that fell behind would
            // send them; each is charged its own lateness.
            let first = next;
            while next < total && clock.now() >= schedule.planned(next) {
                conn.queue(&order(base, next));
                next += 1;
            }
            if next > first {
                conn.flush()?;
                let sent = clock.now();
                for i in first..next {
                    latency::record(&mut late, since(schedule.planned(i), sent));
                }
            }
        } else if clock.now() > deadline {
            break;
        }
        conn.poll(|m| {
            let at = clock.now();
            // Only what may be reported is written out (no allocation on the common path).
            let text = match m {
                Message::OrderAck(_) | Message::CancelAck(_) | Message::Heartbeat(_) => {
                    String::new()
                }
                _ => format!("{m:?}"),
            };
            tally.take(reply(base, &m, text.as_bytes()), at);
        })?;
    }
    let noise = meter.stop();
    tally.close(DRAIN.as_secs(), |i| {
        format!("NewOrder client_id {}", base + i as u64)
    });
    Ok(Sample {
        latency: tally.latency(),
        lateness: Some(Latency::of(&late)),
        sent: next as u64,
        answered: tally.count,
        problems: tally.problems.clone(),
        noise,
    })
}
