//! Market data: MarketDataRequest (V) answered with a MarketDataSnapshotFullRefresh (W) per
//! symbol, then, for subscriptions, a MarketDataIncrementalRefresh (X) after every engine
//! command that changed what the subscription sees; bad requests get a
//! MarketDataRequestReject (Y).
//!
//! Books and trades come from [`tradestream_marketdata::Feed`], which rebuilds the engine's
//! books from its events. Bids and offers are aggregated price levels (full depth for
//! MarketDepth 0, the best `n` levels otherwise); a level's update action is new when the
//! subscriber has not seen it, delete when its quantity fell to zero (or it left a top-`n`
//! view), change otherwise. Trades (MDEntryType 2) are incremental only: a snapshot carries
//! bids and offers. Subscriptions end with SubscriptionRequestType 2 or the session's logout.

use super::{need, Exchange};
use crate::app::{AppError, Outbox, SessionId};
use crate::codec::encode::Outgoing;
use crate::codec::parse::Message;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use tradestream_marketdata::{Body, Channel, Depth, Feed, FeedOut, SeedOrder, Snapshot};
use tradestream_model::{InstrumentId, Price, Qty, Side, Timestamp};
use tradestream_runtime::{Out, Output};
use tradestream_ws::catalog::{Catalog, Listing};

/// One subscription (or one-off snapshot request) of a session.
#[derive(Debug, Clone)]
struct Sub {
    session: SessionId,
    req_id: String,
    instruments: Vec<InstrumentId>,
    bids: bool,
    offers: bool,
    trades: bool,
    depth: Depth,
}

impl Sub {
    /// The feed channels the subscription needs.
    fn channels(&self) -> Vec<Channel> {
        let mut v = Vec::new();
        for &instrument in &self.instruments {
            if self.bids || self.offers {
                v.push(Channel::Book {
                    instrument,
                    depth: self.depth,
                });
            }
            if self.trades {
                v.push(Channel::Trades { instrument });
            }
        }
        v
    }

    fn wants(&self, channel: Channel, e: &Entry) -> bool {
        self.instruments.contains(&channel.instrument())
            && match channel {
                Channel::Book { depth, .. } => {
                    depth == self.depth
                        && if e.kind == "0" {
                            self.bids
                        } else {
                            self.offers
                        }
                }
                Channel::Trades { .. } => self.trades,
                Channel::Bbo { .. } => false,
            }
    }
}

/// One incremental entry.
#[derive(Debug, Clone, Copy)]
struct Entry {
    instrument: InstrumentId,
    /// MDUpdateAction (279).
    action: &'static str,
    /// MDEntryType (269).
    kind: &'static str,
    price: Price,
    qty: Qty,
}

/// The books, the subscriptions and the levels each open book channel has published.
pub struct Market {
    feed: Feed,
    out: FeedOut,
    subs: Vec<Sub>,
    levels: HashMap<Channel, HashSet<(Side, Price)>>,
    snap: Snapshot,
}

fn kind(side: Side) -> &'static str {
    match side {
        Side::Buy => "0",
        Side::Sell => "1",
    }
}

impl Market {
    /// Books for the catalog's instruments, seeded with the engine's resting orders.
    pub fn new(catalog: &Catalog, seed: Vec<SeedOrder>) -> Market {
        let mut feed = Feed::new(catalog.iter().count(), 1 << 16);
        for order in seed {
            feed.seed(order);
        }
        Market {
            feed,
            out: FeedOut::with_capacity(64, 1024),
            subs: Vec::new(),
            levels: HashMap::default(),
            snap: Snapshot::default(),
        }
    }

    fn join(&mut self, channel: Channel) {
        if self.feed.open(channel) == Ok(1) {
            if let Channel::Book { .. } = channel {
                if self.feed.snapshot_into(channel, &mut self.snap).is_ok() {
                    let bids = self.snap.bids.iter().map(|(p, _)| (Side::Buy, *p));
                    let asks = self.snap.asks.iter().map(|(p, _)| (Side::Sell, *p));
                    self.levels.insert(channel, bids.chain(asks).collect());
                }
            }
        }
    }

    fn leave(&mut self, channel: Channel) {
        if self.feed.close(channel) == Ok(0) {
            self.levels.remove(&channel);
        }
    }

    /// Ends every subscription of `session`.
    pub fn leave_session(&mut self, session: SessionId) {
        let (gone, kept) = std::mem::take(&mut self.subs)
            .into_iter()
            .partition(|s| s.session == session);
        self.subs = kept;
        for sub in gone {
            for ch in sub.channels() {
                self.leave(ch);
            }
        }
    }

    /// Applies a command's events to the books and sends each subscription what changed.
    pub fn publish(&mut self, batch: &[Out], ts: Timestamp, catalog: &Catalog, out: &mut Outbox) {
        for item in batch {
            if let Output::Event(ev) = item.output {
                self.feed.apply(&ev);
            }
        }
        self.feed.end_command(ts, &mut self.out);
        if self.subs.is_empty() {
            return;
        }
        let mut entries: Vec<(Channel, Entry)> = Vec::new();
        for msg in self.out.iter() {
            let instrument = msg.channel.instrument();
            match msg.body {
                Body::Book(changes) => {
                    let levels = self.levels.entry(msg.channel).or_default();
                    for c in changes {
                        let key = (c.side, c.price);
                        let action = if c.qty.0 == 0 {
                            if !levels.remove(&key) {
                                continue;
                            }
                            "2"
                        } else if levels.insert(key) {
                            "0"
                        } else {
                            "1"
                        };
                        let e = Entry {
                            instrument,
                            action,
                            kind: kind(c.side),
                            price: c.price,
                            qty: c.qty,
                        };
                        entries.push((msg.channel, e));
                    }
                }
                Body::Trade(t) => {
                    let e = Entry {
                        instrument,
                        action: "0",
                        kind: "2",
                        price: t.price,
                        qty: t.qty,
                    };
                    entries.push((msg.channel, e));
                }
                Body::Bbo(_) => {}
            }
        }
        for sub in &self.subs {
            let mine: Vec<&Entry> = entries
                .iter()
                .filter(|(ch, e)| sub.wants(*ch, e))
                .map(|(_, e)| e)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let mut m = Outgoing::new(b"X");
            m.field(262, &sub.req_id).int(268, mine.len() as i64);
            for e in mine {
                let Some(l) = catalog.get(e.instrument) else {
                    continue;
                };
                m.field(279, e.action)
                    .field(269, e.kind)
                    .field(55, l.spec.symbol.as_str())
                    .field(270, super::report::price_text(l, e.price));
                if e.action != "2" {
                    m.field(271, super::report::qty_text(l, e.qty));
                }
            }
            out.send(sub.session, m);
        }
    }

    /// The snapshot (W) of one instrument for `sub`, from its book channel (joined).
    fn snapshot(&mut self, sub: &Sub, l: &Listing) -> Outgoing {
        let mut levels: Vec<(&'static str, Price, Qty)> = Vec::new();
        if sub.bids || sub.offers {
            let ch = Channel::Book {
                instrument: l.id,
                depth: sub.depth,
            };
            if self.feed.snapshot_into(ch, &mut self.snap).is_ok() {
                if sub.bids {
                    levels.extend(self.snap.bids.iter().map(|(p, q)| ("0", *p, *q)));
                }
                if sub.offers {
                    levels.extend(self.snap.asks.iter().map(|(p, q)| ("1", *p, *q)));
                }
            }
        }
        let mut m = Outgoing::new(b"W");
        m.field(262, &sub.req_id)
            .field(55, l.spec.symbol.as_str())
            .int(268, levels.len() as i64);
        for (kind, p, q) in levels {
            m.field(269, kind)
                .field(270, super::report::price_text(l, p))
                .field(271, super::report::qty_text(l, q));
        }
        m
    }
}

/// A MarketDataRequestReject.
fn reject(req_id: &str, reason: Option<&str>, text: &str) -> Outgoing {
    let mut m = Outgoing::new(b"Y");
    m.field(262, req_id);
    if let Some(r) = reason {
        m.field(281, r);
    }
    m.field(58, text);
    m
}

impl Exchange {
    /// MarketDataRequest (V).
    pub(super) fn market_data(
        &mut self,
        session: SessionId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        let req_id = need(msg, 262)?.to_string();
        let kind = need(msg, 263)?;
        if kind == "2" {
            let known = self
                .market
                .subs
                .iter()
                .position(|s| s.session == session && s.req_id == req_id);
            match known {
                Some(i) => {
                    let sub = self.market.subs.remove(i);
                    for ch in sub.channels() {
                        self.market.leave(ch);
                    }
                }
                None => out.send(session, reject(&req_id, None, "no such subscription")),
            }
            return Ok(());
        }
        match self.parse_sub(session, msg, req_id.clone(), kind) {
            Ok(sub) => self.subscribe(sub, kind == "1", out),
            Err((reason, text)) => out.send(session, reject(&req_id, Some(reason), &text)),
        }
        Ok(())
    }

    fn parse_sub(
        &self,
        session: SessionId,
        msg: &Message,
        req_id: String,
        kind: &str,
    ) -> Result<Sub, (&'static str, String)> {
        if kind != "0" && kind != "1" {
            return Err((
                "4",
                format!("SubscriptionRequestType {kind} is not supported"),
            ));
        }
        if kind == "1"
            && self
                .market
                .subs
                .iter()
                .any(|s| s.session == session && s.req_id == req_id)
        {
            return Err(("1", format!("MDReqID {req_id} is already subscribed")));
        }
        let depth = match msg.get_u64(264) {
            Some(0) => Depth::Full,
            Some(n) => u16::try_from(n)
                .ok()
                .and_then(|n| Depth::top(n).ok())
                .ok_or((
                    "5",
                    format!("MarketDepth {n} is not supported: 0 (full) or 1 to 1000"),
                ))?,
            None => return Err(("5", "MarketDepth is not a number".into())),
        };
        if kind == "1" && msg.get(265).is_some_and(|v| v != b"1") {
            return Err((
                "6",
                "only MDUpdateType 1 (incremental refresh) is supported".into(),
            ));
        }
        let mut sub = Sub {
            session,
            req_id,
            instruments: Vec::new(),
            bids: false,
            offers: false,
            trades: false,
            depth,
        };
        for f in msg.fields() {
            let v = msg.value(f);
            match f.tag {
                269 => match v {
                    b"0" => sub.bids = true,
                    b"1" => sub.offers = true,
                    b"2" => sub.trades = true,
                    _ => {
                        let t = String::from_utf8_lossy(v);
                        return Err(("8", format!("MDEntryType {t} is not supported: 0, 1 or 2")));
                    }
                },
                55 => {
                    let symbol = String::from_utf8_lossy(v);
                    match self.catalog.find(&symbol) {
                        None => return Err(("0", format!("unknown symbol {symbol}"))),
                        Some(_) if !self.allowed(session, &symbol) => {
                            return Err(("3", format!("symbol {symbol} is not permitted")))
                        }
                        Some(l) => sub.instruments.push(l.id),
                    }
                }
                _ => {}
            }
        }
        if sub.instruments.is_empty() {
            return Err(("0", "no symbol requested".into()));
        }
        Ok(sub)
    }

    fn subscribe(&mut self, sub: Sub, updates: bool, out: &mut Outbox) {
        let channels = sub.channels();
        for &ch in &channels {
            self.market.join(ch);
        }
        for &instrument in &sub.instruments {
            if let Some(l) = self.catalog.get(instrument) {
                out.send(sub.session, self.market.snapshot(&sub, l));
            }
        }
        if updates {
            self.market.subs.push(sub);
        } else {
            for ch in channels {
                self.market.leave(ch);
            }
        }
    }
}
