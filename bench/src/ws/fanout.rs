//! Market-data fan-out: many WebSocket subscribers on `bbo.<symbol>`, one trader moving the best
//! bid at a fixed rate, each update timed from the planned send of the order that caused it
//! until each subscriber read it.
//!
//! The trader rests one GTC buy, then amends its price back and forth between two ticks, one
//! amend per planned time: every amend moves the best bid, so each causes exactly one `bbo`
//! update and the book never grows. Subscribers subscribe after the order rests, so all start
//! from the same snapshot `seq`; update `k` (0-based) then carries `seq = snapshot + 1 + k`
//! and the price amend `k` set, which is checked. One thread drives everything: it sends the
//! trader's amends at their planned times and spins on a `mio` poller (edge-triggered epoll,
//! zero timeout) over all the sockets.
//!
//! Recorded: the delay of every (update, subscriber) pair, and per update the delay to the
//! last subscriber; gaps in each subscriber's `seq`; deliveries missing at the end; and
//! subscribers the server cut off.

use std::net::SocketAddr;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant as WallInstant};

use anyhow::{bail, Context, Result};
use hdrhistogram::Histogram;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use quanta::{Clock, Instant};

use super::client::Client;
use super::frames;
use super::latency::{self, Latency};
use super::meter::{Meter, RunNoise};
use super::problems::Problems;
use super::schedule::{since, Schedule, LEAD};
use super::server::SYMBOL;

/// The two best-bid prices the trader's order alternates between; it rests at the first.
const PRICES: [&str; 2] = ["100", "100.5"];
const QTY: &str = "0.0001";
/// How long after the last planned amend deliveries are waited for.
const DRAIN: Duration = Duration::from_secs(10);
/// tungstenite's read buffer per subscriber.
const SUB_READ_BUFFER: usize = 4096;
/// Ids of the trader's amends start here.
const AMEND_ID_BASE: u64 = 1_000_000;
/// Id of the cancel that clears the trader's bid at the end.
const CANCEL_ID: u64 = 3;
/// Fan-out runs made by this process (each rests an order with a new client order id).
static RUNS: AtomicU64 = AtomicU64::new(0);

/// The price amend `k` sets (the order rests at `PRICES[0]`, amend 0 moves it to `PRICES[1]`).
pub fn price_of(k: usize) -> &'static str {
    PRICES[(k + 1) % 2]
}

/// The update index a `seq` stands for, given the subscriber's snapshot `seq`.
pub fn update_index(seq: u64, snapshot: u64) -> Option<usize> {
    seq.checked_sub(snapshot + 1).map(|k| k as usize)
}

/// One fan-out run.
#[derive(Debug, Clone)]
pub struct FanoutRun {
    /// Every (update, subscriber) pair: planned amend until that subscriber read the update.
    pub all: Latency,
    /// Per update: planned amend until the last subscriber read it (updates all got).
    pub last: Latency,
    /// Subscribers connected.
    pub subscribers: usize,
    /// Measured updates (after the warm-up ones).
    pub updates: u64,
    /// Missing `seq` numbers, summed over subscribers.
    pub gaps: u64,
    /// Subscribers whose connection ended during the run.
    pub closed: u64,
    /// Seconds taken to connect and subscribe everyone.
    pub setup_secs: f64,
    /// Errors, unexpected messages, missing deliveries.
    pub problems: Problems,
    /// What the machine took.
    pub noise: RunNoise,
}

/// One subscriber's connection and where it stands.
struct Subscriber {
    client: Client,
    snapshot: u64,
    last_seq: u64,
    live: bool,
}

/// What the loop keeps per update and overall.
struct Tally {
    schedule: Schedule,
    /// Amends sent so far.
    sent: usize,
    /// Per update: deliveries, and the latest delivery time.
    receipts: Vec<u32>,
    latest: Vec<Option<Instant>>,
    all: Histogram<u64>,
    delivered: u64,
    gaps: u64,
    answered: u64,
    problems: Problems,
}

impl Tally {
    /// Takes one message a subscriber read at `at`; `snapshot` is the subscriber's snapshot
    /// `seq`, `last_seq` the last `seq` it read.
    fn update(&mut self, snapshot: u64, last_seq: &mut u64, text: &str, at: Instant) {
        if frames::string(text, "type") != Some("update") {
            self.problems
                .unexpected("subscriber got a non-update", text);
            return;
        }
        let Some(seq) = frames::number(text, "seq") else {
            self.problems.unexpected("update without seq", text);
            return;
        };
        if seq <= *last_seq {
            self.problems.unexpected("seq repeated or going back", text);
            return;
        }
        self.gaps += seq - *last_seq - 1;
        *last_seq = seq;
        let k = update_index(seq, snapshot).unwrap_or(usize::MAX);
        if k >= self.sent {
            self.problems
                .unexpected("update with no amend sent for its seq", text);
            return;
        }
        if frames::bid_price(text) != Some(price_of(k)) {
            self.problems
                .unexpected(&format!("bid not {} for update {k}", price_of(k)), text);
        }
        self.receipts[k] += 1;
        self.delivered += 1;
        self.latest[k] = Some(self.latest[k].map_or(at, |t| t.max(at)));
        if self.schedule.recorded(k) {
            latency::record(&mut self.all, since(self.schedule.planned(k), at));
        }
    }

    /// Takes one message the trader read.
    fn answer(&mut self, text: &str) {
        match frames::number(text, "id") {
            Some(_) if frames::has(text, "error") => self.problems.error(text),
            Some(_) => self.answered += 1,
            None => {}
        }
    }
}

/// Connects `subscribers` subscribers and a trader to the server at `addr` and moves the best
/// bid at `rate` per second, `warmup_secs` untimed and `secs` timed.
pub fn measure(
    addr: SocketAddr,
    url: &str,
    subscribers: usize,
    rate: u64,
    warmup_secs: f64,
    secs: f64,
    clock: &Clock,
) -> Result<FanoutRun> {
    let setup = WallInstant::now();
    let mut trader = Client::connect(addr, url, 128 * 1024)?;
    trader.logon(1).context("trader logon")?;
    let coid = format!(
        "fan-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    );
    let mut rest = String::new();
    frames::place_gtc(&mut rest, 2, SYMBOL, "buy", PRICES[0], QTY, &coid);
    trader
        .request(2, &rest)
        .context("resting the trader's bid")?;
    let channel = format!("bbo.{SYMBOL}");
    let mut subs = Vec::with_capacity(subscribers);
    let mut problems = Problems::default();
    for i in 0..subscribers {
        subs.push(
            subscribe(addr, url, &channel, &mut problems)
                .with_context(|| format!("subscriber {i} of {subscribers}"))?,
        );
    }
    let setup_secs = setup.elapsed().as_secs_f64();
    let mut poll = Poll::new().context("creating a poller")?;
    let trader_token = Token(subscribers);
    for (i, s) in subs.iter_mut().enumerate() {
        s.client.set_nonblocking()?;
        register(&poll, s.client.raw_fd(), Token(i))?;
    }
    trader.set_nonblocking()?;
    register(&poll, trader.raw_fd(), trader_token)?;

    let schedule = Schedule::new(clock.now() + LEAD, rate, warmup_secs, secs);
    let total = schedule.total;
    let mut tally = Tally {
        schedule,
        sent: 0,
        receipts: vec![0; total],
        latest: vec![None; total],
        all: latency::histogram()?,
        delivered: 0,
        gaps: 0,
        answered: 0,
        problems,
    };
    let expected = (total * subscribers) as u64;
    let deadline = schedule.planned(total - 1) + DRAIN;
    let mut events = Events::with_capacity(4096);
    let mut frame = String::with_capacity(160);
    let mut closed = 0u64;
    let meter = Meter::start();
    while tally.delivered < expected || tally.answered < total as u64 {
        let now = clock.now();
        if tally.sent < total {
            if now >= schedule.planned(tally.sent) {
                let k = tally.sent;
                frames::amend_price(
                    &mut frame,
                    AMEND_ID_BASE + k as u64,
                    SYMBOL,
                    &coid,
                    price_of(k),
                );
                trader.send(&frame)?;
                tally.sent += 1;
            }
        } else if now > deadline {
            break;
        }
        poll.poll(&mut events, Some(Duration::ZERO))
            .context("polling the sockets")?;
        for event in events.iter() {
            let Token(i) = event.token();
            if i == subscribers {
                trader
                    .poll(|text| tally.answer(text))
                    .context("the trader's connection")?;
                continue;
            }
            let Subscriber {
                client,
                snapshot,
                last_seq,
                live,
            } = &mut subs[i];
            if !*live {
                continue;
            }
            let read = client.poll(|text| tally.update(*snapshot, last_seq, text, clock.now()));
            if let Err(e) = read {
                *live = false;
                closed += 1;
                tally
                    .problems
                    .unexpected("subscriber connection ended", &format!("{e:#}"));
            }
        }
    }
    let noise = meter.stop();
    drop(subs);
    // Leave the book empty for whatever runs next on this server.
    frames::cancel(&mut rest, CANCEL_ID, SYMBOL, &coid);
    trader.send(&rest)?;
    let mut cancelled = false;
    let until = clock.now() + DRAIN;
    while !cancelled && clock.now() < until {
        trader.poll(|text| {
            if frames::number(text, "id") == Some(CANCEL_ID) {
                cancelled = true;
                if frames::has(text, "error") {
                    tally.problems.error(text);
                }
            }
        })?;
    }
    if !cancelled {
        tally
            .problems
            .missing(1, "the cancel of the trader's bid was not answered");
    }
    finish(tally, subscribers, closed, setup_secs, noise)
}

/// Reduces the tally to a run, counting what never arrived.
fn finish(
    mut tally: Tally,
    subscribers: usize,
    closed: u64,
    setup_secs: f64,
    noise: RunNoise,
) -> Result<FanoutRun> {
    let schedule = tally.schedule;
    let mut last = latency::histogram()?;
    let mut short = 0u64;
    for k in schedule.warmup..schedule.total {
        match tally.latest[k] {
            Some(at) if tally.receipts[k] as usize == subscribers => {
                latency::record(&mut last, since(schedule.planned(k), at));
            }
            _ => short += 1,
        }
    }
    let expected = (schedule.total * subscribers) as u64;
    tally.problems.missing(
        expected.saturating_sub(tally.delivered),
        &format!(
            "{} of {expected} (update, subscriber) deliveries never arrived; {short} measured \
             updates did not reach every subscriber",
            expected.saturating_sub(tally.delivered)
        ),
    );
    tally.problems.missing(
        (schedule.total as u64).saturating_sub(tally.answered),
        "amend requests unanswered",
    );
    Ok(FanoutRun {
        all: Latency::of(&tally.all),
        last: Latency::of(&last),
        subscribers,
        updates: (schedule.total - schedule.warmup) as u64,
        gaps: tally.gaps,
        closed,
        setup_secs,
        problems: tally.problems,
        noise,
    })
}

/// Connects one subscriber and subscribes it (blocking), reading its snapshot.
fn subscribe(
    addr: SocketAddr,
    url: &str,
    channel: &str,
    problems: &mut Problems,
) -> Result<Subscriber> {
    let mut client = Client::connect(addr, url, SUB_READ_BUFFER)?;
    let mut snapshot: Option<String> = None;
    client.request_with(1, &frames::subscribe(1, channel), |push| {
        if snapshot.is_none() && frames::string(push, "type") == Some("snapshot") {
            snapshot = Some(push.to_string());
        }
    })?;
    let snapshot = match snapshot {
        Some(s) => s,
        None => client.next_text()?,
    };
    let Some(seq) = frames::number(&snapshot, "seq") else {
        bail!("no seq in the snapshot: {snapshot}");
    };
    if frames::string(&snapshot, "type") != Some("snapshot")
        || frames::bid_price(&snapshot) != Some(PRICES[0])
    {
        problems.unexpected(
            &format!("snapshot should show the bid at {}", PRICES[0]),
            &snapshot,
        );
    }
    Ok(Subscriber {
        client,
        snapshot: seq,
        last_seq: seq,
        live: true,
    })
}

/// Registers a socket for edge-triggered read readiness.
fn register(poll: &Poll, fd: RawFd, token: Token) -> Result<()> {
    poll.registry()
        .register(&mut SourceFd(&fd), token, Interest::READABLE)
        .context("registering a socket with the poller")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_amend_moves_the_bid() {
        assert_eq!(price_of(0), PRICES[1]);
        assert_eq!(price_of(1), PRICES[0]);
        for k in 0..10 {
            assert_ne!(price_of(k), price_of(k + 1));
        }
        // The first amend moves the bid away from where the order rests.
        assert_ne!(price_of(0), PRICES[0]);
    }

    #[test]
    fn maps_seq_to_update() {
        assert_eq!(update_index(41, 40), Some(0));
        assert_eq!(update_index(45, 40), Some(4));
        assert_eq!(update_index(40, 40), None);
    }
}
