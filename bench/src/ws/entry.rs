//! Order entry over WebSocket, open loop: one logged-on connection sends `place` requests at
//! a fixed rate and times each from its planned send until its answer (matched by `id`) is
//! read. One thread does both, spinning on a non-blocking socket between sends.
//!
//! Every order is a limit IOC buy far below any ask on an empty book, so it takes the whole
//! accept path (parse, risk hold, sequencing, matching, journal, answer) and ends
//! `cancelled` with `ioc_remainder`: nothing rests and the book never grows, so the last
//! order meets the same engine state as the first.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use quanta::Clock;

use super::client::Client;
use super::frames;
use super::latency::{self, Latency};
use super::meter::{Meter, RunNoise};
use super::problems::Problems;
use super::schedule::{since, Schedule, LEAD};
use super::server::SYMBOL;

/// The first order's id; ids stay 7 digits, so every frame has the same length.
pub const ID_BASE: u64 = 1_000_000;
/// The orders: side, price, quantity (0.01 USD each, never crossing an empty book).
const SIDE: &str = "buy";
const PRICE: &str = "100";
const QTY: &str = "0.0001";
/// How long after the last planned send answers are waited for.
const DRAIN: Duration = Duration::from_secs(10);
/// tungstenite's read buffer for the order-entry connection.
const READ_BUFFER: usize = 128 * 1024;

/// The `place` frame of order `i`.
pub fn frame(out: &mut String, i: usize) {
    frames::place_ioc(out, ID_BASE + i as u64, SYMBOL, SIDE, PRICE, QTY);
}

/// Mean bytes on the wire of the place frames of a run of `total` orders (text payload and
/// the client frame's header and mask).
pub fn mean_wire_bytes(total: usize) -> f64 {
    let mut s = String::new();
    let sum: usize = (0..total.max(1))
        .map(|i| {
            frame(&mut s, i);
            frames::wire_len(s.len())
        })
        .sum();
    sum as f64 / total.max(1) as f64
}

/// One run at one rate.
#[derive(Debug, Clone)]
pub struct EntryRun {
    /// Planned send until the answer was read.
    pub latency: Latency,
    /// How late each send left after its planned time (the client's own delays).
    pub lateness: Latency,
    /// Orders sent, warm-up included.
    pub sent: u64,
    /// Answers read for them.
    pub answered: u64,
    /// Mean bytes of an answer's text.
    pub answer_bytes: f64,
    /// Mean bytes of a place frame on the wire.
    pub frame_bytes: f64,
    /// Errors, unexpected statuses, missing answers.
    pub problems: Problems,
    /// What the machine took.
    pub noise: RunNoise,
}

/// What the reading side keeps while a run is under way.
struct Tally<'a> {
    schedule: &'a Schedule,
    answered: Vec<bool>,
    count: u64,
    answer_bytes: u64,
    histogram: Histogram<u64>,
    problems: Problems,
}

impl Tally<'_> {
    /// Takes one message read at `at`.
    fn take(&mut self, text: &str, at: quanta::Instant) {
        let Some(id) = frames::number(text, "id") else {
            self.problems.unexpected("push without id", text);
            return;
        };
        let index = id.checked_sub(ID_BASE).map(|i| i as usize);
        let Some(i) = index.filter(|&i| i < self.answered.len() && !self.answered[i]) else {
            self.problems.unexpected("unknown or repeated id", text);
            return;
        };
        self.answered[i] = true;
        self.count += 1;
        self.answer_bytes += text.len() as u64;
        // Refusals (e.g. `busy` under overload) are counted, not timed: they would pull the
        // percentiles down with answers that did not take the accept path.
        if frames::has(text, "error") {
            self.problems.error(text);
            return;
        }
        if frames::string(text, "cancel_reason") != Some("ioc_remainder") {
            self.problems
                .unexpected("not cancelled with ioc_remainder", text);
        }
        if self.schedule.recorded(i) {
            latency::record(&mut self.histogram, since(self.schedule.planned(i), at));
        }
    }
}

/// Connects to `addr`, logs on and sends orders at `rate` for `warmup_secs` untimed and
/// `secs` timed.
pub fn measure(
    addr: SocketAddr,
    url: &str,
    rate: u64,
    warmup_secs: f64,
    secs: f64,
    clock: &Clock,
) -> Result<EntryRun> {
    let mut client = Client::connect(addr, url, READ_BUFFER)?;
    client.logon(1).context("logon")?;
    client.set_nonblocking()?;
    let schedule = Schedule::new(clock.now() + LEAD, rate, warmup_secs, secs);
    let total = schedule.total;
    let mut tally = Tally {
        schedule: &schedule,
        answered: vec![false; total],
        count: 0,
        answer_bytes: 0,
        histogram: latency::histogram()?,
        problems: Problems::default(),
    };
    let mut late = latency::histogram()?;
    let mut frame_text = String::with_capacity(192);
    let deadline = schedule.planned(total - 1) + DRAIN;
    let meter = Meter::start();
    let mut next = 0;
    while tally.count < total as u64 {
        if next < total {
            let planned = schedule.planned(next);
            let now = clock.now();
            if now >= planned {
                frame(&mut frame_text, next);
                client.send(&frame_text)?;
                latency::record(&mut late, since(planned, now));
                next += 1;
            }
        } else if clock.now() > deadline {
            break;
        }
        client
            .poll(|text| tally.take(text, clock.now()))
            .with_context(|| format!("{} of {total} orders answered", tally.count))?;
    }
    let noise = meter.stop();
    let missing = total as u64 - tally.count;
    if missing > 0 {
        let first = tally.answered.iter().position(|a| !a).unwrap_or(0);
        tally.problems.missing(
            missing,
            &format!(
                "{missing} place requests unanswered {} s after the last send; the first is id {}",
                DRAIN.as_secs(),
                ID_BASE + first as u64
            ),
        );
    }
    Ok(EntryRun {
        latency: Latency::of(&tally.histogram),
        lateness: Latency::of(&late),
        sent: next as u64,
        answered: tally.count,
        answer_bytes: tally.answer_bytes as f64 / tally.count.max(1) as f64,
        frame_bytes: mean_wire_bytes(total),
        problems: tally.problems,
        noise,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_one_size() {
        let mut a = String::new();
        let mut b = String::new();
        frame(&mut a, 0);
        frame(&mut b, 999_999);
        assert_eq!(a.len(), b.len());
        assert_eq!(mean_wire_bytes(10), frames::wire_len(a.len()) as f64);
        assert_eq!(frames::number(&b, "id"), Some(1_999_999));
    }
}
