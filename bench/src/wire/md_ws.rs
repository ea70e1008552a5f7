//! The WebSocket gateway's market data: a logged-on trader places and cancels over the `ws`
//! benchmark's client, a second connection subscribes to `book.<symbol>` (public, no logon)
//! and reads its `update`s.

use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};

use super::md::{level_of, price_text, MdEvent, MdLink};
use crate::ws::client::Client;
use crate::ws::frames;
use crate::ws::server::SYMBOL;

/// Quantity of every resting order.
const QTY: &str = "0.0001";
/// Ids of the trader's requests: place `k` is `ID_BASE + 2k`, its cancel the next one.
const ID_BASE: u64 = 1_000_000;
/// tungstenite's read buffer per connection.
const READ_BUFFER: usize = 128 * 1024;
/// Market-data runs made by this process (client order ids differ between runs).
static RUNS: AtomicU64 = AtomicU64::new(0);

/// The trader and the `book` subscriber.
pub struct WsBook {
    trader: Client,
    book: Client,
    run: u64,
    /// The frame being sent and the client order id in it, reused by every order.
    frame: String,
    coid: String,
}

impl WsBook {
    /// Connects both, logs the trader on and subscribes the other to `book.<symbol>`.
    pub fn connect(addr: SocketAddr) -> Result<WsBook> {
        let url = format!("ws://{addr}/ws");
        let mut trader = Client::connect(addr, &url, READ_BUFFER)?;
        trader.logon(1).context("trader logon")?;
        let mut book = Client::connect(addr, &url, READ_BUFFER)?;
        book.request(1, &frames::subscribe(1, &format!("book.{SYMBOL}")))
            .context("subscribing to the book")?;
        trader.set_nonblocking()?;
        book.set_nonblocking()?;
        Ok(WsBook {
            trader,
            book,
            run: RUNS.fetch_add(1, Ordering::Relaxed),
            frame: String::new(),
            coid: String::new(),
        })
    }

    /// Makes `self.coid` the client order id of order `k`.
    fn set_coid(&mut self, k: usize) {
        self.coid.clear();
        let _ = write!(self.coid, "md-{}-{}-{k}", std::process::id(), self.run);
    }
}

impl MdLink for WsBook {
    fn place(&mut self, k: usize, level: usize) -> Result<()> {
        let id = ID_BASE + 2 * k as u64;
        self.set_coid(k);
        let price = price_text(level);
        frames::place_gtc(&mut self.frame, id, SYMBOL, "buy", price, QTY, &self.coid);
        self.trader.send(&self.frame)
    }

    fn cancel(&mut self, k: usize) -> Result<()> {
        let id = ID_BASE + 2 * k as u64 + 1;
        self.set_coid(k);
        frames::cancel(&mut self.frame, id, SYMBOL, &self.coid);
        self.trader.send(&self.frame)
    }

    fn poll(&mut self, on: &mut dyn FnMut(MdEvent<'_>)) -> Result<()> {
        self.trader
            .poll(|text| {
                if frames::has(text, "error") {
                    on(MdEvent::Refused(text));
                }
            })
            .context("the trader's connection")?;
        self.book
            .poll(|text| match frames::string(text, "type") {
                Some("update") => {
                    for (price, qty) in frames::levels(text, "bids") {
                        match level_of(price) {
                            Some(level) if qty.bytes().any(|b| (b'1'..=b'9').contains(&b)) => {
                                on(MdEvent::Shown(level))
                            }
                            Some(_) => {}
                            None => on(MdEvent::Unexpected(
                                "a bid level of no order of the run",
                                text,
                            )),
                        }
                    }
                }
                Some("snapshot") => {}
                _ => on(MdEvent::Unexpected("not a book message", text)),
            })
            .context("the book subscription")?;
        Ok(())
    }
}
