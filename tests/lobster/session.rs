//! A long-running `tradestream simulate` child process driven in batches: the test writes a
//! batch of command lines ending with a `book` query in one write, then reads events until
//! the `book` event. This relies on the binary flushing its output whenever its input has no
//! more buffered data (otherwise the answer to a batch could sit in the child's output buffer
//! while the test waits for it).
//!
//! The binary is `CARGO_BIN_EXE_tradestream`, or the one named by the environment variable
//! `LOBSTER_BIN` (say, a release build). A batch left unanswered for `LOBSTER_STALL_SECS`
//! seconds (default 60) kills the child and fails the test rather than hanging it.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::data::{Level, Side};
use crate::mapping::{parse_scaled, Key, PRICE_DECIMALS};

/// An engine event, with ids turned into [`Key`]s and decimals into LOBSTER units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Accepted {
        key: Key,
        side: Side,
        price: Option<i64>,
        qty: i64,
    },
    Rejected {
        account: u64,
        id: String,
        reason: String,
    },
    Trade {
        price: i64,
        qty: i64,
        maker: Key,
        taker: Key,
    },
    Cancelled {
        key: Key,
        reason: String,
        leaves: i64,
    },
    Amended {
        key: Key,
        price: i64,
        qty: i64,
        leaves: i64,
    },
    Filled {
        key: Key,
    },
    Book {
        bids: Vec<Level>,
        asks: Vec<Level>,
    },
    Error {
        message: String,
    },
    /// Any other event, or one the test cannot read: the raw line.
    Other {
        line: String,
    },
}

fn str_field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name)?.as_str()
}

fn price_field(v: &Value, name: &str) -> Option<i64> {
    parse_scaled(str_field(v, name)?, PRICE_DECIMALS)
}

fn qty_field(v: &Value, name: &str) -> Option<i64> {
    parse_scaled(str_field(v, name)?, 0)
}

fn key_field(v: &Value, account: &str, id: &str) -> Option<Key> {
    Key::from_wire(v.get(account)?.as_u64()?, str_field(v, id)?)
}

fn levels_field(v: &Value, name: &str) -> Option<Vec<Level>> {
    v.get(name)?
        .as_array()?
        .iter()
        .map(|l| {
            let l = l.as_array()?;
            if l.len() != 2 {
                return None;
            }
            Some((
                parse_scaled(l[0].as_str()?, PRICE_DECIMALS)?,
                parse_scaled(l[1].as_str()?, 0)?,
            ))
        })
        .collect()
}

/// Reads one output line.
pub fn parse_event(line: &str) -> Event {
    let other = || Event::Other {
        line: line.to_string(),
    };
    let Ok(v) = serde_json::from_str::<Value>(line) else {
        return other();
    };
    let parsed = (|| -> Option<Event> {
        Some(match str_field(&v, "event")? {
            "accepted" => Event::Accepted {
                key: key_field(&v, "account", "id")?,
                side: match str_field(&v, "side")? {
                    "buy" => Side::Buy,
                    "sell" => Side::Sell,
                    _ => return None,
                },
                price: match v.get("price") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(price_field(&v, "price")?),
                },
                qty: qty_field(&v, "qty")?,
            },
            "rejected" => Event::Rejected {
                account: v.get("account")?.as_u64()?,
                id: str_field(&v, "id")?.to_string(),
                reason: str_field(&v, "reason")?.to_string(),
            },
            "trade" => Event::Trade {
                price: price_field(&v, "price")?,
                qty: qty_field(&v, "qty")?,
                maker: key_field(&v, "maker_account", "maker_id")?,
                taker: key_field(&v, "taker_account", "taker_id")?,
            },
            "cancelled" => Event::Cancelled {
                key: key_field(&v, "account", "id")?,
                reason: str_field(&v, "reason")?.to_string(),
                leaves: qty_field(&v, "leaves_qty")?,
            },
            "amended" => Event::Amended {
                key: key_field(&v, "account", "id")?,
                price: price_field(&v, "price")?,
                qty: qty_field(&v, "qty")?,
                leaves: qty_field(&v, "leaves_qty")?,
            },
            "filled" => Event::Filled {
                key: key_field(&v, "account", "id")?,
            },
            "book" => Event::Book {
                bids: levels_field(&v, "bids")?,
                asks: levels_field(&v, "asks")?,
            },
            "error" => Event::Error {
                message: line.to_string(),
            },
            _ => return None,
        })
    })();
    parsed.unwrap_or_else(other)
}

pub struct Session {
    child: Arc<Mutex<Child>>,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    line: String,
    /// Command lines written and event lines read.
    pub lines_in: u64,
    pub lines_out: u64,
    /// Batches written (round trips).
    pub batches: u64,
    watchdog: Watchdog,
}

/// Kills the child when a batch goes unanswered for `LOBSTER_STALL_SECS` seconds (default 60),
/// so that a binary that does not flush its output in time fails the test instead of hanging
/// it.
struct Watchdog {
    epoch: Instant,
    /// When the current wait began, in milliseconds after `epoch` plus one; 0: not waiting.
    waiting_since: Arc<AtomicU64>,
    stalled: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    limit: Duration,
}

impl Watchdog {
    fn start(child: Arc<Mutex<Child>>) -> Watchdog {
        let limit = Duration::from_secs(
            std::env::var("LOBSTER_STALL_SECS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(60),
        );
        let epoch = Instant::now();
        let waiting_since = Arc::new(AtomicU64::new(0));
        let stalled = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (waiting_since, stalled, stop) =
                (waiting_since.clone(), stalled.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let since = waiting_since.load(Ordering::Relaxed);
                    let now = epoch.elapsed().as_millis() as u64 + 1;
                    if since != 0 && now.saturating_sub(since) > limit.as_millis() as u64 {
                        stalled.store(true, Ordering::Relaxed);
                        let _ = child.lock().unwrap().kill();
                        return;
                    }
                }
            })
        };
        Watchdog {
            epoch,
            waiting_since,
            stalled,
            stop,
            thread: Some(thread),
            limit,
        }
    }

    fn waiting(&self, yes: bool) {
        let v = if yes {
            self.epoch.elapsed().as_millis() as u64 + 1
        } else {
            0
        };
        self.waiting_since.store(v, Ordering::Relaxed);
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Session {
    /// The binary under test.
    pub fn binary() -> String {
        match std::env::var("LOBSTER_BIN") {
            Ok(p) if !p.is_empty() => p,
            _ => env!("CARGO_BIN_EXE_tradestream").to_string(),
        }
    }

    /// Starts `tradestream simulate` and sends `setup` (which must end with a `book` query).
    pub fn start(setup: &str, events: &mut Vec<Event>) -> io::Result<Session> {
        let mut child = Command::new(Self::binary())
            .arg("simulate")
            // orders that went out of view and never came back stay open (a few hundred by the
            // close, all on accounts 1 to 3); no limit should get in the way
            .arg("--max-open-orders")
            .arg("1000000")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = BufReader::with_capacity(1 << 16, child.stdout.take().expect("piped"));
        let child = Arc::new(Mutex::new(child));
        let mut s = Session {
            watchdog: Watchdog::start(child.clone()),
            child,
            stdin,
            stdout,
            line: String::new(),
            lines_in: 0,
            lines_out: 0,
            batches: 0,
        };
        s.exchange(setup, events)?;
        Ok(s)
    }

    /// Writes `batch` (command lines, the last a `book` query) in one write and reads the
    /// events it causes, up to and including the `book` event, into `events` (cleared first).
    pub fn exchange(&mut self, batch: &str, events: &mut Vec<Event>) -> io::Result<()> {
        debug_assert!(batch.ends_with('\n') && batch.lines().last().unwrap().contains("book"));
        events.clear();
        self.watchdog.waiting(true);
        let result = self.exchange_inner(batch, events);
        self.watchdog.waiting(false);
        if result.is_err() && self.watchdog.stalled.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "simulate did not answer a batch within {:?} and was killed (does it flush \
                     its output whenever its input runs dry?)",
                    self.watchdog.limit
                ),
            ));
        }
        result
    }

    fn exchange_inner(&mut self, batch: &str, events: &mut Vec<Event>) -> io::Result<()> {
        let stdin = self.stdin.as_mut().expect("session open");
        stdin.write_all(batch.as_bytes())?;
        stdin.flush()?;
        self.batches += 1;
        self.lines_in += batch.lines().count() as u64;
        loop {
            self.line.clear();
            if self.stdout.read_line(&mut self.line)? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "simulate closed its output before answering the book query",
                ));
            }
            self.lines_out += 1;
            let ev = parse_event(self.line.trim_end());
            let done = matches!(ev, Event::Book { .. });
            events.push(ev);
            if done {
                return Ok(());
            }
        }
    }

    /// Closes the input and waits for the child; anything it writes after is drained.
    pub fn finish(mut self) -> io::Result<ExitStatus> {
        self.watchdog.stop();
        drop(self.stdin.take());
        let mut rest = String::new();
        while self.stdout.read_line(&mut rest)? > 0 {
            rest.clear();
        }
        let status = self.child.lock().unwrap().wait();
        status
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.watchdog.stop();
        if self.stdin.is_some() {
            // a failed test: do not leave the child behind
            if let Ok(mut child) = self.child.lock() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_events() {
        assert_eq!(
            parse_event(
                r#"{"seq":3,"event":"accepted","account":1,"id":"15818974","order_id":"1","symbol":"GOOG","side":"buy","price":"579.4","qty":"500"}"#
            ),
            Event::Accepted {
                key: Key::Real(15818974),
                side: Side::Buy,
                price: Some(5794000),
                qty: 500
            }
        );
        assert_eq!(
            parse_event(
                r#"{"seq":9,"event":"trade","symbol":"GOOG","trade_id":"1","price":"579.4","qty":"4","maker_account":3,"maker_id":"p1","taker_account":4,"taker_id":"x0","taker_side":"sell"}"#
            ),
            Event::Trade {
                price: 5794000,
                qty: 4,
                maker: Key::Seed(1),
                taker: Key::Aggressor(0)
            }
        );
        assert_eq!(
            parse_event(
                r#"{"seq":9,"event":"cancelled","account":4,"id":"x0","reason":"ioc_remainder","leaves_qty":"2"}"#
            ),
            Event::Cancelled {
                key: Key::Aggressor(0),
                reason: "ioc_remainder".into(),
                leaves: 2
            }
        );
        assert_eq!(
            parse_event(
                r#"{"seq":9,"event":"amended","account":2,"id":"5","price":"580.01","qty":"100","leaves_qty":"60"}"#
            ),
            Event::Amended {
                key: Key::Real(5),
                price: 5800100,
                qty: 100,
                leaves: 60
            }
        );
        assert_eq!(
            parse_event(r#"{"seq":9,"event":"filled","account":3,"id":"s12"}"#),
            Event::Filled {
                key: Key::Synthetic(12)
            }
        );
        assert_eq!(
            parse_event(
                r#"{"seq":9,"event":"book","symbol":"GOOG","bids":[["579.4","496"],["578.7","400"]],"asks":[]}"#
            ),
            Event::Book {
                bids: vec![(5794000, 496), (5787000, 400)],
                asks: vec![]
            }
        );
        assert_eq!(
            parse_event(
                r#"{"seq":9,"event":"rejected","account":1,"id":"5","reason":"unknown_order"}"#
            ),
            Event::Rejected {
                account: 1,
                id: "5".into(),
                reason: "unknown_order".into()
            }
        );
        assert!(matches!(
            parse_event(r#"{"seq":1,"event":"error","line":1,"message":"x"}"#),
            Event::Error { .. }
        ));
        assert!(matches!(parse_event("nonsense"), Event::Other { .. }));
        assert!(matches!(
            parse_event(r#"{"seq":9,"event":"filled","account":3,"id":"q1"}"#),
            Event::Other { .. }
        ));
        assert!(matches!(
            parse_event(r#"{"seq":9,"event":"balance","account":3}"#),
            Event::Other { .. }
        ));
    }
}
