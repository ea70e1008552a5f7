//! A subscriber: starts from a snapshot, applies its channel's messages, checks that their
//! sequence numbers have no gap.

use std::collections::BTreeMap;
use tradestream_marketdata::{Body, Channel, Depth, FeedMessage, Snapshot, Trade};
use tradestream_model::{Price, Qty, Side};

/// One subscriber's copy of one channel.
#[derive(Debug, Clone)]
pub struct Client {
    pub channel: Channel,
    pub seq: u64,
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
    /// Trades received (trade channels).
    pub trades: Vec<Trade>,
    /// Index of the first engine trade this subscriber should see.
    pub trades_from: usize,
}

impl Client {
    pub fn new(channel: Channel, snap: &Snapshot, trades_from: usize) -> Client {
        let mut c = Client {
            channel,
            seq: snap.seq,
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            trades: Vec::new(),
            trades_from,
        };
        for &(p, q) in &snap.bids {
            assert!(
                c.bids.insert(p.0, q.0).is_none(),
                "snapshot repeats a bid level"
            );
        }
        for &(p, q) in &snap.asks {
            assert!(
                c.asks.insert(p.0, q.0).is_none(),
                "snapshot repeats an ask level"
            );
        }
        c
    }

    /// Applies one message of its channel.
    pub fn apply(&mut self, m: &FeedMessage<'_>) -> Result<(), String> {
        if m.channel != self.channel {
            return Ok(());
        }
        if m.seq != self.seq + 1 {
            return Err(format!(
                "{:?}: got seq {} after {}",
                self.channel, m.seq, self.seq
            ));
        }
        self.seq = m.seq;
        match (self.channel, m.body) {
            (Channel::Book { .. }, Body::Book(changes)) => {
                if changes.is_empty() {
                    return Err("an empty book message".into());
                }
                for c in changes {
                    let side = match c.side {
                        Side::Buy => &mut self.bids,
                        Side::Sell => &mut self.asks,
                    };
                    let old = if c.qty.0 == 0 {
                        side.remove(&c.price.0)
                    } else {
                        side.insert(c.price.0, c.qty.0)
                    };
                    if old == Some(c.qty.0) || (old.is_none() && c.qty.0 == 0) {
                        return Err(format!(
                            "{:?}: a change that changes nothing: {c:?}",
                            self.channel
                        ));
                    }
                }
            }
            (Channel::Bbo { .. }, Body::Bbo(b)) => {
                let now = (self.best(Side::Buy), self.best(Side::Sell));
                if now == (b.bid, b.ask) {
                    return Err(format!("{:?}: an unchanged bbo {b:?}", self.channel));
                }
                self.bids = b.bid.map(|(p, q)| (p.0, q.0)).into_iter().collect();
                self.asks = b.ask.map(|(p, q)| (p.0, q.0)).into_iter().collect();
            }
            (Channel::Trades { .. }, Body::Trade(t)) => self.trades.push(t),
            (ch, body) => return Err(format!("{ch:?} got {body:?}")),
        }
        Ok(())
    }

    /// The copy of one side, best first.
    pub fn side(&self, side: Side) -> Vec<(Price, Qty)> {
        let conv = |(&p, &q): (&i64, &i64)| (Price(p), Qty(q));
        match side {
            Side::Buy => self.bids.iter().rev().map(conv).collect(),
            Side::Sell => self.asks.iter().map(conv).collect(),
        }
    }

    fn best(&self, side: Side) -> Option<(Price, Qty)> {
        self.side(side).first().copied()
    }

    /// How many levels of each side the channel shows.
    pub fn depth(&self) -> usize {
        match self.channel {
            Channel::Book {
                depth: Depth::Top(n),
                ..
            } => n as usize,
            Channel::Book { .. } => usize::MAX,
            Channel::Bbo { .. } => 1,
            Channel::Trades { .. } => 0,
        }
    }
}
