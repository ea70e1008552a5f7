//! The bot's event loop over one QUIC connection: market data in, quotes out, answers booked.
//!
//! One connection carries the quoters of several instruments (the demo quotes every market on
//! one account). Each instrument's book is rebuilt from a snapshot and the MdDelta datagrams
//! after it; a gap in `md_seq` asks for a new snapshot. Quotes are sent when a quoter wants one
//! ([`Quoter::poll`]) after anything changed and on a short timer (pauses end by time). On stop
//! the bot mass-cancels its instruments and waits briefly for the acknowledgements.

use super::book::{Applied, LocalBook};
use super::params::Reference;
use super::position::Units;
use super::quoter::{BotFill, Notice, Quoter};
use super::report;
use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tradestream_quic::client::{ClientError, MarketData, OrderStream};
use tradestream_quic::{MassCancel, Message, SnapshotRequest};

/// How often quoters are polled when nothing arrives (a pause ends, a quote is retried).
const TICK: Duration = Duration::from_millis(20);

/// One instrument the bot quotes.
#[derive(Debug)]
pub struct Slot {
    /// Printed with its lines.
    pub symbol: String,
    /// Tick and lot, for printing.
    pub units: Units,
    /// The quoting state.
    pub quoter: Quoter,
    /// The book from market data.
    pub book: LocalBook,
    /// A snapshot was requested and has not arrived.
    pub awaiting_snapshot: bool,
}

impl Slot {
    /// A slot quoting `quoter`'s instrument.
    pub fn new(symbol: &str, units: Units, quoter: Quoter) -> Slot {
        Slot {
            symbol: symbol.to_string(),
            units,
            quoter,
            book: LocalBook::default(),
            awaiting_snapshot: false,
        }
    }

    /// The reference price now, in ticks; `None` (hold the quote) while a gap left the book
    /// stale, since its mid may be wrong until the new snapshot.
    pub fn reference(&self) -> Option<i64> {
        match self.quoter.params().reference {
            Reference::Price(p) => Some(p),
            Reference::Mid { .. } if self.book.is_stale() => None,
            Reference::Mid { fallback } => self.book.mid_excluding(&self.quoter.own()).or(fallback),
        }
    }
}

/// What the loop prints.
#[derive(Debug, Clone)]
pub struct Output {
    /// Prefix of every line (e.g. `mm` or `demo mm`).
    pub label: String,
    /// Print a line per fill.
    pub fills: bool,
    /// Time between reports.
    pub report: Duration,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Runs the bot until `stop` completes or the connection fails, then pulls its quotes.
/// Quote ids start at `next_id` (above any the account used before).
pub async fn run(
    orders: &mut OrderStream,
    md: &MarketData,
    slots: &mut [Slot],
    mut next_id: u64,
    out: &Output,
    stop: impl Future<Output = ()>,
) -> Result<(), ClientError> {
    tokio::pin!(stop);
    for slot in slots.iter_mut() {
        request_snapshot(orders, slot);
    }
    orders.flush().await?;
    let mut tick = tokio::time::interval(TICK);
    let mut reports = tokio::time::interval(out.report);
    reports.tick().await;
    loop {
        tokio::select! {
            msg = orders.recv() => on_message(&msg?, slots, out),
            delta = md.recv() => {
                let delta = delta?;
                if let Some(slot) = slots.iter_mut().find(|s| s.quoter.instrument() == delta.instrument) {
                    if slot.book.apply(&delta) == Applied::Gap && !slot.awaiting_snapshot {
                        request_snapshot(orders, slot);
                    }
                }
            }
            _ = tick.tick() => {}
            _ = reports.tick() => {
                for slot in slots.iter() {
                    println!("{} {}", out.label, report::line(slot));
                }
            }
            () = &mut stop => break,
        }
        let now = now_ms();
        for slot in slots.iter_mut().filter(|s| s.quoter.may_quote(now)) {
            let reference = slot.reference();
            if let Some(quote) = slot.quoter.poll(reference, now, &mut next_id) {
                orders.send(&Message::Quote(quote));
            }
        }
        orders.flush().await?;
    }
    pull_quotes(orders, slots, out).await
}

fn request_snapshot(orders: &mut OrderStream, slot: &mut Slot) {
    orders.send(&Message::SnapshotRequest(SnapshotRequest {
        instrument: slot.quoter.instrument(),
        depth: 0,
    }));
    slot.awaiting_snapshot = true;
}

fn on_message(msg: &Message, slots: &mut [Slot], out: &Output) {
    match msg {
        Message::Snapshot(s) => {
            if let Some(slot) = slots
                .iter_mut()
                .find(|x| x.quoter.instrument() == s.instrument)
            {
                slot.book.reset(s);
                slot.awaiting_snapshot = false;
            }
        }
        Message::QuoteAck(ack) => slots.iter_mut().for_each(|s| s.quoter.on_quote_ack(ack)),
        Message::Fill(fill) => {
            for slot in slots.iter_mut() {
                if let Some(f) = slot.quoter.on_fill(fill) {
                    if out.fills {
                        println!("{} {}", out.label, fill_line(slot, f));
                    }
                    break;
                }
            }
        }
        Message::CancelAck(ack) => slots.iter_mut().for_each(|s| s.quoter.on_cancel_ack(ack)),
        Message::Reject(reject) => {
            let now = now_ms();
            for slot in slots.iter_mut() {
                if let Some(notice) = slot.quoter.on_reject(reject, now) {
                    println!("{} {} {}", out.label, slot.symbol, notice_text(notice));
                    break;
                }
            }
        }
        Message::ProtectionTripped(t) => {
            if let Some(slot) = slots
                .iter_mut()
                .find(|s| s.quoter.instrument() == t.instrument)
            {
                let now = now_ms();
                let until = (t.frozen_until > 0).then_some(t.frozen_until / 1_000_000);
                slot.quoter.on_protection(until, now);
                let freeze = until.map_or("until an operator reset".to_string(), |u| {
                    format!("for {} ms", u.saturating_sub(now))
                });
                println!(
                    "{} {} protection tripped: filled {} net {} within the window; quotes cancelled, quoting paused {freeze}",
                    out.label,
                    slot.symbol,
                    slot.units.qty(t.filled),
                    slot.units.qty(t.delta),
                );
            }
        }
        _ => {}
    }
}

fn fill_line(slot: &Slot, f: BotFill) -> String {
    format!(
        "{} fill: {} {} at {} (inventory {})",
        slot.symbol,
        if f.buy { "bought" } else { "sold" },
        slot.units.qty(f.qty),
        slot.units.price(f.price),
        slot.units.qty(slot.quoter.position().inventory),
    )
}

fn notice_text(notice: Notice) -> String {
    match notice {
        Notice::Protection { pause_ms } => {
            format!("quote refused by market-maker protection (mm_protection); retrying in {pause_ms} ms")
        }
        Notice::Refused { code, pause_ms } => format!(
            "quote refused ({}); retrying in {pause_ms} ms",
            code.name().unwrap_or("unknown code")
        ),
    }
}

/// Mass-cancels every slot's instrument and waits up to a second for the acknowledgements.
async fn pull_quotes(
    orders: &mut OrderStream,
    slots: &mut [Slot],
    out: &Output,
) -> Result<(), ClientError> {
    for slot in slots.iter() {
        orders.send(&Message::MassCancel(MassCancel {
            instrument: slot.quoter.instrument(),
        }));
    }
    orders.flush().await?;
    let mut left = slots.len();
    let deadline = tokio::time::sleep(Duration::from_secs(1));
    tokio::pin!(deadline);
    while left > 0 {
        tokio::select! {
            msg = orders.recv() => match msg? {
                Message::MassCancelAck(_) => left -= 1,
                other => on_message(&other, slots, out),
            },
            () = &mut deadline => break,
        }
    }
    for slot in slots.iter() {
        println!("{} final {}", out.label, report::line(slot));
    }
    Ok(())
}
