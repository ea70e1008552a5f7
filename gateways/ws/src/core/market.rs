//! Public market data: the [`Feed`] built from engine events, its subscribers, and the trading
//! status channels.

use super::delivery::{Delivery, Frame};
use super::Gateway;
use crate::catalog::Catalog;
use crate::channel::Channel as WsChannel;
use crate::encode::{answer, public};
use crate::protocol::request::{ErrorCode, RequestId};
use rustc_hash::FxHashMap as HashMap;
use tokio_tungstenite::tungstenite::Utf8Bytes;
use tradestream_marketdata::{Body, Channel, Depth, Feed, FeedOut, SeedOrder, Snapshot};
use tradestream_model::{Event, InstrumentId, Timestamp};
use tradestream_runtime::Output;

/// Public channels and their subscribers.
pub struct Market {
    feed: Feed,
    out: FeedOut,
    subs: HashMap<Channel, Vec<u32>>,
    status_seq: Vec<u64>,
    status_subs: HashMap<InstrumentId, Vec<u32>>,
    snap: Snapshot,
}

/// A public channel as the feed knows it, or a status channel.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Public {
    Feed(Channel),
    Status(InstrumentId),
}

impl Market {
    /// Books for the catalog's instruments, seeded with the engine's resting orders.
    pub fn new(catalog: &Catalog, seed: impl IntoIterator<Item = SeedOrder>) -> Market {
        let n = catalog.iter().count();
        let mut feed = Feed::new(n, 1 << 16);
        for order in seed {
            feed.seed(order);
        }
        Market {
            feed,
            out: FeedOut::with_capacity(64, 1024),
            subs: HashMap::default(),
            status_seq: vec![0; n],
            status_subs: HashMap::default(),
            snap: Snapshot::default(),
        }
    }
}

/// The wire name of a feed channel.
fn name(catalog: &Catalog, ch: Channel) -> String {
    let sym = catalog
        .get(ch.instrument())
        .map_or("?", |l| l.spec.symbol.as_str());
    match ch {
        Channel::Book {
            depth: Depth::Full, ..
        } => format!("book.{sym}"),
        Channel::Book {
            depth: Depth::Top(n),
            ..
        } => format!("book.{sym}.{n}"),
        Channel::Bbo { .. } => format!("bbo.{sym}"),
        Channel::Trades { .. } => format!("trades.{sym}"),
    }
}

fn fan_out(deliveries: &mut Vec<Delivery>, sessions: &[u32], text: Utf8Bytes) {
    for &session in sessions {
        deliveries.push(Delivery {
            session,
            frame: Frame::Text(text.clone()),
        });
    }
}

fn text(buf: &mut Vec<u8>) -> Utf8Bytes {
    let s = String::from_utf8(std::mem::take(buf)).expect("encoders write UTF-8");
    Utf8Bytes::from(s)
}

impl Gateway {
    /// Public messages of the current batch.
    pub(super) fn publish_market(&mut self, ts: Timestamp) {
        let m = &mut self.market;
        for out in &self.batch {
            if let Output::Event(ev) = out.output {
                m.feed.apply(&ev);
                if let Event::Halted { instrument, halted } = ev {
                    let i = instrument.0 as usize;
                    if i < m.status_seq.len() {
                        m.status_seq[i] += 1;
                        if let Some(subs) = m.status_subs.get(&instrument).filter(|s| !s.is_empty())
                        {
                            let sym = self
                                .catalog
                                .get(instrument)
                                .map_or("?", |l| l.spec.symbol.as_str());
                            public::status(
                                &mut self.buf,
                                &format!("status.{sym}"),
                                "update",
                                m.status_seq[i],
                                halted,
                                ts.0,
                            );
                            fan_out(&mut self.deliveries, subs, text(&mut self.buf));
                        }
                    }
                }
            }
        }
        m.feed.end_command(ts, &mut m.out);
        for msg in m.out.iter() {
            let Some(subs) = m.subs.get(&msg.channel).filter(|s| !s.is_empty()) else {
                continue;
            };
            let Some(l) = self.catalog.get(msg.channel.instrument()) else {
                continue;
            };
            let ch = name(&self.catalog, msg.channel);
            match msg.body {
                Body::Book(changes) => {
                    public::book_update(&mut self.buf, &ch, msg.seq, l, changes, ts.0)
                }
                Body::Bbo(b) => public::bbo(&mut self.buf, &ch, "update", msg.seq, l, &b, ts.0),
                Body::Trade(t) => public::trade(&mut self.buf, &ch, msg.seq, l, &t),
            }
            fan_out(&mut self.deliveries, subs, text(&mut self.buf));
        }
    }

    /// `subscribe`: all channels valid or none taken; the answer, then each snapshot.
    pub(super) fn subscribe(&mut self, session: u32, id: &RequestId, channels: Vec<WsChannel>) {
        let can_read = self
            .sessions
            .get(&session)
            .and_then(|s| s.grant())
            .is_some_and(|g| g.scopes.can_read());
        let mut resolved = Vec::with_capacity(channels.len());
        for ch in &channels {
            if ch.is_private() {
                if !can_read {
                    let msg = format!(
                        "channel {} is private: log on with a key that has the read scope",
                        ch.name()
                    );
                    return self.error(session, Some(id), ErrorCode::NotLoggedOn.as_str(), &msg);
                }
                resolved.push(None);
                continue;
            }
            match self.resolve(ch) {
                Some(p) => resolved.push(Some(p)),
                None => {
                    let msg = format!("channel {} does not exist (unknown symbol)", ch.name());
                    return self.error(session, Some(id), ErrorCode::UnknownChannel.as_str(), &msg);
                }
            }
        }
        answer::ok(&mut self.buf, id, |o| {
            o.with("subscribed", |w| {
                answer::strings(
                    w,
                    channels
                        .iter()
                        .map(|c| c.name())
                        .collect::<Vec<_>>()
                        .iter()
                        .map(|s| s.as_str()),
                )
            });
        });
        self.send_buf(session);
        for (ch, public) in channels.iter().zip(resolved) {
            let name = ch.name();
            let Some(s) = self.sessions.get_mut(&session) else {
                return;
            };
            // Subscribing again to a channel already taken sends a fresh snapshot.
            let again = s.channels.contains(&name);
            if !again {
                s.channels.push(name.clone());
            }
            match public {
                None => {}
                Some(Public::Status(instrument)) => {
                    if !again {
                        self.market
                            .status_subs
                            .entry(instrument)
                            .or_default()
                            .push(session);
                    }
                    let halted = self.catalog.get(instrument).is_some_and(|l| l.halted);
                    let seq = self.market.status_seq[instrument.0 as usize];
                    let now = tradestream_runtime::wall_ms();
                    public::status(&mut self.buf, &name, "snapshot", seq, halted, now);
                    self.send_buf(session);
                }
                Some(Public::Feed(channel)) => {
                    if !again {
                        if self.market.feed.open(channel).is_err() {
                            continue;
                        }
                        self.market.subs.entry(channel).or_default().push(session);
                    }
                    self.snapshot(session, channel, &name);
                }
            }
        }
    }

    fn snapshot(&mut self, session: u32, channel: Channel, name: &str) {
        let m = &mut self.market;
        if m.feed.snapshot_into(channel, &mut m.snap).is_err() {
            return;
        }
        let Some(l) = self.catalog.get(channel.instrument()) else {
            return;
        };
        match channel {
            Channel::Book { .. } => public::book_snapshot(
                &mut self.buf,
                name,
                m.snap.seq,
                l,
                &m.snap.bids,
                &m.snap.asks,
            ),
            Channel::Bbo { instrument } => {
                let b = tradestream_marketdata::Bbo {
                    instrument,
                    bid: m.snap.bids.first().copied(),
                    ask: m.snap.asks.first().copied(),
                };
                public::bbo(
                    &mut self.buf,
                    name,
                    "snapshot",
                    m.snap.seq,
                    l,
                    &b,
                    tradestream_runtime::wall_ms(),
                );
            }
            Channel::Trades { .. } => return,
        }
        self.send_buf(session);
    }

    /// `unsubscribe`.
    pub(super) fn unsubscribe(&mut self, session: u32, id: &RequestId, channels: Vec<WsChannel>) {
        let mut names = Vec::with_capacity(channels.len());
        for ch in &channels {
            let name = ch.name();
            let was = self.sessions.get_mut(&session).is_some_and(|s| {
                let before = s.channels.len();
                s.channels.retain(|c| *c != name);
                before != s.channels.len()
            });
            if was {
                if let Some(p) = self.resolve(ch) {
                    self.leave(session, p);
                }
            }
            names.push(name);
        }
        answer::ok(&mut self.buf, id, |o| {
            o.with("unsubscribed", |w| {
                answer::strings(w, names.iter().map(|s| s.as_str()))
            });
        });
        self.send_buf(session);
    }

    /// Drops a session from every public channel it joined.
    pub(super) fn leave_all(&mut self, session: u32, channels: &[String]) {
        for name in channels {
            if let Ok(ch) = WsChannel::parse(name) {
                if let Some(p) = self.resolve(&ch) {
                    self.leave(session, p);
                }
            }
        }
    }

    fn leave(&mut self, session: u32, p: Public) {
        match p {
            Public::Status(i) => {
                if let Some(v) = self.market.status_subs.get_mut(&i) {
                    v.retain(|s| *s != session);
                }
            }
            Public::Feed(channel) => {
                if let Some(v) = self.market.subs.get_mut(&channel) {
                    let before = v.len();
                    v.retain(|s| *s != session);
                    if v.len() != before {
                        let _ = self.market.feed.close(channel);
                    }
                }
            }
        }
    }

    fn resolve(&self, ch: &WsChannel) -> Option<Public> {
        let id = |sym: &tradestream_model::ShortName| self.catalog.find(sym.as_str()).map(|l| l.id);
        Some(match ch {
            WsChannel::Book { symbol, depth } => Public::Feed(Channel::Book {
                instrument: id(symbol)?,
                depth: depth.map_or(Depth::Full, Depth::Top),
            }),
            WsChannel::Bbo(symbol) => Public::Feed(Channel::Bbo {
                instrument: id(symbol)?,
            }),
            WsChannel::Trades(symbol) => Public::Feed(Channel::Trades {
                instrument: id(symbol)?,
            }),
            WsChannel::Status(symbol) => Public::Status(id(symbol)?),
            _ => return None,
        })
    }
}
