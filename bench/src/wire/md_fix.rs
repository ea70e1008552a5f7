//! The FIX gateway's market data: session `BENCH1` places and cancels (NewOrderSingle,
//! OrderCancelRequest), session `BENCH2` subscribes with a MarketDataRequest (snapshot plus
//! updates, full book, bids) and reads the MarketDataIncrementalRefresh (35=X) messages.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::AtomicBool;

use anyhow::{bail, Context, Result};

use super::md::{level_of, price_text, MdEvent, MdLink};
use crate::fix::framer::{get, shown, Framer};
use crate::fix::message::{field, Encoder, SOH};
use crate::fix::orders::{ClOrdIds, TRADESTREAM};
use crate::fix::session;
use crate::fix::timestamp::now_millis;
use crate::ws::echo::write_all_spinning;
use crate::ws::server::SYMBOL;

/// Side (54) of every resting order: buy.
const BUY: &[u8] = b"1";
/// MDReqID (262) of the subscription.
const MD_REQ_ID: &[u8] = b"bench-md";

/// One logged-on FIX session.
struct Session {
    stream: TcpStream,
    encoder: Encoder,
    framer: Framer,
}

impl Session {
    /// Connects session `k` (of [`crate::fix::orders::SESSIONS`]) and logs it on.
    fn logon(addr: SocketAddr, k: usize) -> Result<Session> {
        let (stream, encoder, framer) = session::connect(addr, TRADESTREAM, k)?;
        Ok(Session {
            stream,
            encoder,
            framer,
        })
    }

    /// Writes `out` whole (spinning while the socket is full) and clears it.
    fn send(&mut self, out: &mut Vec<u8>) -> Result<()> {
        write_all_spinning(&mut self.stream, out, &AtomicBool::new(false))?;
        out.clear();
        Ok(())
    }

    /// Reads what came (one read), handing each message to `on`.
    fn poll(&mut self, mut on: impl FnMut(&[u8])) -> Result<()> {
        match self.framer.fill(&mut self.stream) {
            Ok(0) => bail!("the acceptor closed the connection"),
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
            Err(e) => return Err(e).context("reading from the acceptor"),
        }
        while let Some(m) = self.framer.next_message()? {
            on(m);
        }
        Ok(())
    }
}

/// The trading session and the market-data session.
pub struct FixBook {
    trader: Session,
    book: Session,
    ids: ClOrdIds,
    out: Vec<u8>,
}

impl FixBook {
    /// Logs both sessions on and subscribes the second to the book's bids.
    pub fn connect(addr: SocketAddr) -> Result<FixBook> {
        let trader = Session::logon(addr, 0)?;
        let mut book = Session::logon(addr, 1)?;
        let mut out = Vec::new();
        book.encoder.message(&mut out, b"V", now_millis(), |b| {
            field(b, 262, MD_REQ_ID);
            field(b, 263, b"1");
            field(b, 264, b"0");
            field(b, 265, b"1");
            field(b, 267, b"1");
            field(b, 269, b"0");
            field(b, 146, b"1");
            field(b, 55, SYMBOL.as_bytes());
        });
        for s in [&trader.stream, &book.stream] {
            s.set_read_timeout(None)
                .and_then(|()| s.set_nonblocking(true))
                .context("making the socket non-blocking")?;
        }
        book.send(&mut out)?;
        Ok(FixBook {
            trader,
            book,
            ids: ClOrdIds::next(),
            out,
        })
    }
}

/// The bid levels a MarketDataIncrementalRefresh adds or changes to a quantity above zero:
/// each entry starts at MDUpdateAction (279) and carries MDEntryType (269), MDEntryPx (270)
/// and MDEntrySize (271).
pub fn bids_shown(message: &[u8]) -> Vec<&[u8]> {
    #[derive(Default)]
    struct Entry<'a> {
        action: &'a [u8],
        kind: &'a [u8],
        price: &'a [u8],
        size: &'a [u8],
    }
    let shows = |e: &Entry<'_>| {
        matches!(e.action, b"0" | b"1")
            && e.kind == b"0"
            && e.size.iter().any(|b| (b'1'..=b'9').contains(b))
    };
    let mut out = Vec::new();
    let mut entry: Option<Entry<'_>> = None;
    for f in message.split(|&b| b == SOH) {
        let Some(eq) = f.iter().position(|&b| b == b'=') else {
            continue;
        };
        let (tag, value) = (&f[..eq], &f[eq + 1..]);
        if tag == b"279" {
            if let Some(e) = entry.take().filter(|e| shows(e)) {
                out.push(e.price);
            }
            entry = Some(Entry {
                action: value,
                ..Entry::default()
            });
            continue;
        }
        if let Some(e) = entry.as_mut() {
            match tag {
                b"269" => e.kind = value,
                b"270" => e.price = value,
                b"271" => e.size = value,
                _ => {}
            }
        }
    }
    if let Some(e) = entry.filter(|e| shows(e)) {
        out.push(e.price);
    }
    out
}

impl MdLink for FixBook {
    fn place(&mut self, k: usize, level: usize) -> Result<()> {
        let id = self.ids.id(2 * k);
        let t = &mut self.trader;
        TRADESTREAM.limit_order(
            &mut t.encoder,
            &mut self.out,
            &id,
            BUY,
            price_text(level).as_bytes(),
            now_millis(),
        );
        t.send(&mut self.out)
    }

    fn cancel(&mut self, k: usize) -> Result<()> {
        let (id, original) = (self.ids.id(2 * k + 1), self.ids.id(2 * k));
        let t = &mut self.trader;
        TRADESTREAM.cancel(
            &mut t.encoder,
            &mut self.out,
            &id,
            &original,
            BUY,
            now_millis(),
        );
        t.send(&mut self.out)
    }

    fn poll(&mut self, on: &mut dyn FnMut(MdEvent<'_>)) -> Result<()> {
        self.trader
            .poll(|m| match (get(m, 35), get(m, 150)) {
                (Some(b"8"), Some(b"8")) | (Some(b"9" | b"3" | b"j"), _) => {
                    on(MdEvent::Refused(&shown(m)))
                }
                _ => {}
            })
            .context("the trading session")?;
        self.book
            .poll(|m| match get(m, 35) {
                Some(b"X") => {
                    for price in bids_shown(m) {
                        match std::str::from_utf8(price).ok().and_then(level_of) {
                            Some(level) => on(MdEvent::Shown(level)),
                            None => on(MdEvent::Unexpected(
                                "a bid level of no order of the run",
                                &shown(m),
                            )),
                        }
                    }
                }
                Some(b"W" | b"0") => {}
                _ => on(MdEvent::Unexpected("not market data", &shown(m))),
            })
            .context("the market-data session")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bids_an_incremental_refresh_shows() {
        let m = b"8=FIX.4.4\x0135=X\x01262=bench-md\x01268=3\x01279=0\x01269=0\x0155=BTC-USD\x01\
                  270=50.5\x01271=0.0001\x01279=2\x01269=0\x01270=50\x01271=0\x01279=1\x01\
                  269=1\x01270=101\x01271=2\x0110=000\x01";
        assert_eq!(bids_shown(m), vec![&b"50.5"[..]]);
        let change = b"35=X\x01268=1\x01279=1\x01269=0\x01270=51\x01271=0.0002\x01";
        assert_eq!(bids_shown(change), vec![&b"51"[..]]);
        assert!(bids_shown(b"35=X\x01268=0\x01").is_empty());
    }
}
