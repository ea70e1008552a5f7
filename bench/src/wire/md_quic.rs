//! The QUIC gateway's market data: a trader connection places and cancels (NewOrder, Cancel on
//! its order-entry stream), a second logged-on connection reads the MdDelta datagrams every
//! session receives.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Result;
use tradestream_quic::{Cancel, MdAction, Message, NewOrder, Side, TimeInForce};

use super::md::{level_of_halves, MdEvent, MdLink};
use super::quic::{fresh_client_ids, QuicConn};
use super::quic_entry::INSTRUMENT;

/// The trader and the watcher.
pub struct QuicBook {
    trader: QuicConn,
    watcher: QuicConn,
    /// Client id of order 0.
    base: u64,
}

impl QuicBook {
    /// Connects and logs on both.
    pub fn connect(addr: SocketAddr, cert: &Path) -> Result<QuicBook> {
        Ok(QuicBook {
            trader: QuicConn::connect(addr, cert)?,
            watcher: QuicConn::connect(addr, cert)?,
            base: fresh_client_ids(),
        })
    }
}

impl MdLink for QuicBook {
    fn place(&mut self, k: usize, level: usize) -> Result<()> {
        self.trader.queue(&Message::NewOrder(NewOrder {
            client_id: self.base + k as u64,
            instrument: INSTRUMENT,
            side: Side::Buy,
            tif: TimeInForce::Gtc,
            // Ticks of 0.5 are the levels' half units.
            price: super::md::halves_of(level) as i64,
            qty: 1,
        }));
        self.trader.flush()
    }

    fn cancel(&mut self, k: usize) -> Result<()> {
        self.trader.queue(&Message::Cancel(Cancel {
            client_id: self.base + k as u64,
            instrument: INSTRUMENT,
        }));
        self.trader.flush()
    }

    fn poll(&mut self, on: &mut dyn FnMut(MdEvent<'_>)) -> Result<()> {
        self.trader.poll(|m| {
            if let Message::Reject(_) = m {
                on(MdEvent::Refused(&format!("{m:?}")));
            }
        })?;
        self.watcher.poll_datagrams(|delta| {
            for e in &delta.entries {
                let shows = matches!(e.action, MdAction::New | MdAction::Change);
                if e.side != Side::Buy || !shows || e.qty <= 0 {
                    continue;
                }
                match level_of_halves(e.price) {
                    Some(level) => on(MdEvent::Shown(level)),
                    None => on(MdEvent::Unexpected(
                        "a bid level of no order of the run",
                        &format!("{delta:?}"),
                    )),
                }
            }
        })
    }
}
