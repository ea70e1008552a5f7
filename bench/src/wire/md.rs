//! Market-data delay: how long after an order that rests is sent its public market-data message
//! arrives, per gateway, open loop at a modest rate.
//!
//! One trader connection and one market-data connection of the same gateway. Slot `i` of the
//! schedule is planned at `i / (2 * rate)`: an even slot places buy `k = i / 2`, a limit GTC
//! at bid level `k % LEVELS` (prices 50, 50.5, ... far below anything else on the book, so it
//! rests and trades with nothing); the odd slot after it cancels that order. At most one of
//! these orders rests at a time, so the book never grows, and a level that appears with a
//! quantity names the last order placed there (the next one comes [`LEVELS`] orders later). The delay of order `k` runs from its planned send until the
//! market-data connection read a message showing its level with a quantity above zero; the
//! message for the cancel is not timed.
//!
//! The gateway's part (what a place, a cancel and a book message are on its wire) is an
//! [`MdLink`]; this module owns the schedule and the accounting.

use std::sync::LazyLock;
use std::time::Duration;

use anyhow::Result;
use hdrhistogram::Histogram;
use quanta::Clock;

use crate::journal::latency::{self, Latency};
use crate::journal::meter::{Meter, RunNoise};
use crate::ws::problems::Problems;
use crate::ws::schedule::{since, Schedule, LEAD};

/// Bid levels the orders cycle through.
pub const LEVELS: usize = 64;
/// The lowest level's price in half units (tick 0.5): 50.
const LOW_HALVES: u64 = 100;
/// How long after the last planned send market data is waited for.
const DRAIN: Duration = Duration::from_secs(5);

/// The price of bid level `level` in half units (ticks of 0.5): 100, 101, 102, ...
pub fn halves_of(level: usize) -> u64 {
    LOW_HALVES + (level % LEVELS) as u64
}

/// The level a price in half units names, if it is one of [`LEVELS`].
pub fn level_of_halves(halves: i64) -> Option<usize> {
    let level = u64::try_from(halves).ok()?.checked_sub(LOW_HALVES)? as usize;
    (level < LEVELS).then_some(level)
}

/// The price of bid level `level` as decimal text: `50`, `50.5`, `51`, ... (made once, not
/// per order).
pub fn price_text(level: usize) -> &'static str {
    static TEXTS: LazyLock<[String; LEVELS]> = LazyLock::new(|| {
        std::array::from_fn(|level| {
            let halves = halves_of(level);
            if halves.is_multiple_of(2) {
                (halves / 2).to_string()
            } else {
                format!("{}.5", halves / 2)
            }
        })
    });
    &TEXTS[level % LEVELS]
}

/// The level a decimal price names (`50.5`, `50.50`, `51.0`), if it is one of [`LEVELS`].
pub fn level_of(price: &str) -> Option<usize> {
    let (whole, fraction) = price.split_once('.').unwrap_or((price, ""));
    let half = match fraction.trim_end_matches('0') {
        "" => 0,
        "5" => 1,
        _ => return None,
    };
    level_of_halves(whole.parse::<i64>().ok()? * 2 + half)
}

/// What a gateway's connections read.
#[derive(Debug)]
pub enum MdEvent<'a> {
    /// The market-data connection read a message showing bid `level` with a quantity.
    Shown(usize),
    /// The trader's place or cancel was refused; the message.
    Refused(&'a str),
    /// Something that should not have come; what was wrong and the message.
    Unexpected(&'static str, &'a str),
}

/// One gateway's trader and market-data connections, logged on and subscribed.
pub trait MdLink {
    /// Sends order `k`: a resting limit buy at bid level `level`.
    fn place(&mut self, k: usize, level: usize) -> Result<()>;
    /// Sends the cancel of order `k`.
    fn cancel(&mut self, k: usize) -> Result<()>;
    /// Reads what both connections have now (without blocking), handing each event to `on`.
    fn poll(&mut self, on: &mut dyn FnMut(MdEvent<'_>)) -> Result<()>;
}

/// One market-data run.
#[derive(Debug, Clone)]
pub struct MdRun {
    /// Planned send of a resting order until its level was shown.
    pub latency: Latency,
    /// Orders placed, warm-up included.
    pub placed: u64,
    /// Orders whose level was shown.
    pub shown: u64,
    /// Refusals, unexpected messages, orders never shown.
    pub problems: Problems,
    /// What the machine took.
    pub noise: RunNoise,
}

/// What the loop keeps.
struct Tally {
    schedule: Schedule,
    /// Per level, the last order placed there.
    placed: [Option<usize>; LEVELS],
    seen: Vec<bool>,
    shown: u64,
    histogram: Histogram<u64>,
    problems: Problems,
}

impl Tally {
    /// Takes one event read at `at`.
    fn take(&mut self, event: MdEvent<'_>, at: quanta::Instant) {
        match event {
            MdEvent::Shown(level) => match self.placed.get(level).copied().flatten() {
                Some(k) if !self.seen[k] => {
                    self.seen[k] = true;
                    self.shown += 1;
                    if self.schedule.recorded(2 * k) {
                        latency::record(
                            &mut self.histogram,
                            since(self.schedule.planned(2 * k), at),
                        );
                    }
                }
                _ => self.problems.unexpected(
                    "a level shown that no resting order of the run explains",
                    price_text(level),
                ),
            },
            MdEvent::Refused(text) => self.problems.error(text),
            MdEvent::Unexpected(what, text) => self.problems.unexpected(what, text),
        }
    }
}

/// Places `rate` resting orders per second over `link` (each cancelled half an interval
/// later), `warmup_secs` untimed and `secs` timed, and times their market data.
pub fn measure(
    link: &mut dyn MdLink,
    rate: u64,
    warmup_secs: f64,
    secs: f64,
    clock: &Clock,
) -> Result<MdRun> {
    let schedule = Schedule::new(clock.now() + LEAD, 2 * rate, warmup_secs, secs);
    // Whole pairs: every order placed is cancelled.
    let total = schedule.total + schedule.total % 2;
    let places = total / 2;
    let mut tally = Tally {
        schedule,
        placed: [None; LEVELS],
        seen: vec![false; places],
        shown: 0,
        histogram: latency::histogram()?,
        problems: Problems::default(),
    };
    let deadline = schedule.planned(total - 1) + DRAIN;
    let meter = Meter::start();
    let mut next = 0;
    loop {
        let now = clock.now();
        if next < total {
            if now >= schedule.planned(next) {
                let k = next / 2;
                if next.is_multiple_of(2) {
                    link.place(k, k % LEVELS)?;
                    tally.placed[k % LEVELS] = Some(k);
                } else {
                    link.cancel(k)?;
                }
                next += 1;
            }
        } else if tally.shown == places as u64 || now > deadline {
            break;
        }
        link.poll(&mut |event| tally.take(event, clock.now()))?;
    }
    let noise = meter.stop();
    let missing = places as u64 - tally.shown;
    tally.problems.missing(
        missing,
        &format!("{missing} of {places} resting orders never shown in market data"),
    );
    Ok(MdRun {
        latency: Latency::of(&tally.histogram),
        placed: places as u64,
        shown: tally.shown,
        problems: tally.problems,
        noise,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_levels_round_trip() {
        assert_eq!(price_text(0), "50");
        assert_eq!(price_text(1), "50.5");
        assert_eq!(price_text(LEVELS - 1), "81.5");
        assert_eq!(price_text(LEVELS), "50", "levels cycle");
        for level in 0..LEVELS {
            assert_eq!(level_of(price_text(level)), Some(level));
        }
        assert_eq!(level_of("50.50"), Some(1));
        assert_eq!(level_of("51.0"), Some(2));
        assert_eq!(level_of("100.5"), None, "above the levels");
        assert_eq!(level_of("49.5"), None, "below the levels");
        assert_eq!(level_of("50.25"), None, "off the grid");
        assert_eq!(level_of("x"), None);
        assert_eq!((halves_of(0), halves_of(3)), (100, 103));
        assert_eq!((level_of_halves(103), level_of_halves(99)), (Some(3), None));
        assert_eq!(level_of_halves(-1), None);
    }

    /// A gateway whose market data shows each order's level on the poll after its place.
    struct Loopback {
        pending: Option<usize>,
        cancels: usize,
    }

    impl MdLink for Loopback {
        fn place(&mut self, _k: usize, level: usize) -> Result<()> {
            self.pending = Some(level);
            Ok(())
        }

        fn cancel(&mut self, _k: usize) -> Result<()> {
            self.cancels += 1;
            Ok(())
        }

        fn poll(&mut self, on: &mut dyn FnMut(MdEvent<'_>)) -> Result<()> {
            if let Some(level) = self.pending.take() {
                on(MdEvent::Shown(level));
            }
            Ok(())
        }
    }

    #[test]
    fn times_every_resting_order_and_cancels_each() {
        let clock = Clock::new();
        let mut link = Loopback {
            pending: None,
            cancels: 0,
        };
        let run = measure(&mut link, 1_000, 0.01, 0.05, &clock).expect("a clean run");
        assert_eq!((run.placed, run.shown), (60, 60));
        assert_eq!(link.cancels, 60);
        assert_eq!(run.latency.samples, 50, "10 warm-up orders untimed");
        assert!(run.problems.is_clean(), "{:?}", run.problems);
    }
}
