//! What the reading side keeps during a run: which orders were answered, the latency of each
//! first answer from the order's planned send, the kinds of answer, and what should not have
//! come (rejects, unknown ids, session-level rejects).

use hdrhistogram::Histogram;
use quanta::Instant;

use super::latency::{self, Latency};
use super::problems::Problems;
use super::schedule::{since, Schedule};

/// What an ExecutionReport (or an echo) said about an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The loopback echo gave the message back.
    Echoed,
    /// ExecType New (150=0).
    New,
    /// ExecType Trade (150=F) or, before FIX 4.3, Partial fill / Fill (150=1, 150=2).
    Trade,
    /// ExecType Rejected (150=8).
    Rejected,
    /// Any other ExecType.
    Other,
}

/// One reply, as the reading side decoded it.
#[derive(Debug, Clone, Copy)]
pub enum Reply<'a> {
    /// An answer to order `index`.
    Answer {
        /// The order's index in the run.
        index: usize,
        /// What it said.
        kind: Kind,
        /// The message, for the report.
        message: &'a [u8],
    },
    /// A session-level message with nothing to count (Heartbeat).
    Admin,
    /// A message that should not have come; `what` says why.
    Unexpected {
        /// What was wrong.
        what: &'static str,
        /// The message, for the report.
        message: &'a [u8],
    },
}

/// Answers of one run, counted as they are read.
#[derive(Debug)]
pub struct Tally<'a> {
    schedule: &'a Schedule,
    answered: Vec<bool>,
    /// Orders answered at least once.
    pub count: u64,
    /// Answers after the first for the same order (fills after the New).
    pub later: u64,
    /// First answers by kind: New, Trade, Rejected, other.
    pub kinds: [u64; 4],
    histogram: Histogram<u64>,
    /// Rejects, unexpected messages and, at the end, missing answers.
    pub problems: Problems,
}

impl<'a> Tally<'a> {
    /// An empty tally for the orders of `schedule`.
    pub fn new(schedule: &'a Schedule) -> anyhow::Result<Tally<'a>> {
        Ok(Tally {
            schedule,
            answered: vec![false; schedule.total],
            count: 0,
            later: 0,
            kinds: [0; 4],
            histogram: latency::histogram()?,
            problems: Problems::default(),
        })
    }

    /// Whether every order has been answered.
    pub fn complete(&self) -> bool {
        self.count == self.schedule.total as u64
    }

    /// Takes one reply read at `at`. Rejected orders are counted, not timed: they did not
    /// take the accept path.
    pub fn take(&mut self, reply: Reply<'_>, at: Instant) {
        let (index, kind, message) = match reply {
            Reply::Admin => return,
            Reply::Unexpected { what, message } => {
                self.problems
                    .unexpected(what, &super::framer::shown(message));
                return;
            }
            Reply::Answer {
                index,
                kind,
                message,
            } => (index, kind, message),
        };
        let Some(seen) = self.answered.get_mut(index) else {
            self.problems.unexpected(
                "answer to an order never sent",
                &super::framer::shown(message),
            );
            return;
        };
        if *seen {
            self.later += 1;
            return;
        }
        *seen = true;
        self.count += 1;
        match kind {
            Kind::Echoed => {}
            Kind::New => self.kinds[0] += 1,
            Kind::Trade => self.kinds[1] += 1,
            Kind::Rejected => self.kinds[2] += 1,
            Kind::Other => self.kinds[3] += 1,
        }
        if kind == Kind::Rejected {
            self.problems.error(&super::framer::shown(message));
            return;
        }
        if self.schedule.recorded(index) {
            latency::record(&mut self.histogram, since(self.schedule.planned(index), at));
        }
    }

    /// Counts the orders never answered, naming the first.
    pub fn close(&mut self, drain_secs: u64, id_of: impl Fn(usize) -> String) {
        let missing = self.schedule.total as u64 - self.count;
        if missing > 0 {
            let first = self.answered.iter().position(|a| !a).unwrap_or(0);
            self.problems.missing(
                missing,
                &format!(
                    "{missing} orders unanswered {drain_secs} s after the last planned send; \
                     the first is {}",
                    id_of(first)
                ),
            );
        }
    }

    /// The latency of the timed answers.
    pub fn latency(&self) -> Latency {
        Latency::of(&self.histogram)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_first_answers_and_counts_the_rest() {
        let clock = quanta::Clock::new();
        let schedule = Schedule::new(clock.now(), 1_000, 0.001, 0.003);
        assert_eq!((schedule.warmup, schedule.total), (1, 4));
        let mut t = Tally::new(&schedule).expect("histogram");
        let at = schedule.planned(3) + std::time::Duration::from_micros(5);
        let answer = |index, kind| Reply::Answer {
            index,
            kind,
            message: b"8=FIX.4.4\x01",
        };
        t.take(answer(0, Kind::New), at);
        t.take(answer(1, Kind::Trade), at);
        t.take(answer(1, Kind::Trade), at);
        t.take(answer(2, Kind::Rejected), at);
        t.take(answer(9, Kind::New), at);
        t.take(Reply::Admin, at);
        t.take(
            Reply::Unexpected {
                what: "reject",
                message: b"35=3",
            },
            at,
        );
        assert!(!t.complete());
        t.close(10, |i| format!("order {i}"));
        assert_eq!((t.count, t.later, t.kinds), (3, 1, [1, 1, 1, 0]));
        assert_eq!(t.latency().samples, 1, "order 0 is warm-up, 2 was rejected");
        assert_eq!(
            (t.problems.errors, t.problems.unexpected, t.problems.missing),
            (1, 2, 1)
        );
        assert!(t.problems.examples[0].starts_with("error: 8=FIX.4.4|"));
        assert!(t.problems.examples[1].starts_with("answer to an order never sent"));
    }
}
