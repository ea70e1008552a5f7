//! The engine and a feed side by side, with subscribers, checked after every command.

use super::client::Client;
use super::{engine, engine_depth, Op, Renderer};
use std::collections::BTreeMap;
use tradestream_engine::Engine;
use tradestream_marketdata::{Bbo, Channel, Depth, Feed, FeedOut, SeedOrder, Trade, Update};
use tradestream_model::{Event, InstrumentId, Price, Qty, Side};

/// Best bid and ask.
type Best = (Option<(Price, Qty)>, Option<(Price, Qty)>);

/// One step of a test: a command, or something a subscriber or the gateway does between commands.
#[derive(Debug, Clone)]
pub enum Step {
    /// An engine command.
    Cmd(Op),
    /// A new subscriber to channel `channels()[i % len]`.
    Subscribe(u8),
    /// A subscriber leaves (the `i % len`-th live one).
    Unsubscribe(u8),
    /// Build a second feed seeded from the resting orders now and run it alongside.
    Seed,
}

/// The channels the tests subscribe to, per instrument.
pub fn channels(instruments: u8) -> Vec<Channel> {
    (0..instruments as u32)
        .flat_map(|i| {
            let instrument = InstrumentId(i);
            [
                Channel::Book {
                    instrument,
                    depth: Depth::Full,
                },
                Channel::Book {
                    instrument,
                    depth: Depth::Top(1),
                },
                Channel::Book {
                    instrument,
                    depth: Depth::Top(5),
                },
                Channel::Bbo { instrument },
                Channel::Trades { instrument },
            ]
        })
        .collect()
}

/// Everything a run needs.
pub struct World {
    pub instruments: u8,
    pub engine: Engine,
    pub renderer: Renderer,
    pub feed: Feed,
    pub out: FeedOut,
    pub events: Vec<Event>,
    pub clients: Vec<Client>,
    /// Every trade the engine made, stamped.
    pub trades: Vec<Trade>,
    /// A book per instrument rebuilt from `Updates` alone: (bids, asks) price -> qty.
    mirror: Vec<(BTreeMap<i64, i64>, BTreeMap<i64, i64>)>,
    /// A feed seeded midway, its output buffer and its updates compared with the first one's.
    seeded: Option<(Feed, FeedOut)>,
    pub commands: usize,
}

impl World {
    pub fn new(instruments: u8) -> World {
        World {
            instruments,
            engine: engine(instruments as usize),
            renderer: Renderer::default(),
            feed: Feed::new(instruments as usize, 1024),
            out: FeedOut::with_capacity(64, 256),
            events: Vec::with_capacity(1024),
            clients: Vec::new(),
            trades: Vec::new(),
            mirror: vec![Default::default(); instruments as usize],
            seeded: None,
            commands: 0,
        }
    }

    pub fn step(&mut self, step: &Step) -> Result<(), String> {
        match step {
            Step::Cmd(op) => self.command(op),
            Step::Subscribe(i) => {
                let chans = channels(self.instruments);
                let ch = chans[*i as usize % chans.len()];
                let refs = self.feed.open(ch).map_err(|e| e.to_string())?;
                let live = self.clients.iter().filter(|c| c.channel == ch).count();
                if refs as usize != live + 1 {
                    return Err(format!("{ch:?}: {refs} subscribers, expected {}", live + 1));
                }
                let snap = self.feed.snapshot(ch).map_err(|e| e.to_string())?;
                let client = Client::new(ch, &snap, self.trades.len());
                self.check_client(&client)?;
                self.clients.push(client);
                Ok(())
            }
            Step::Unsubscribe(i) => {
                if self.clients.is_empty() {
                    return Ok(());
                }
                let c = self.clients.remove(*i as usize % self.clients.len());
                let left = self.feed.close(c.channel).map_err(|e| e.to_string())?;
                let live = self
                    .clients
                    .iter()
                    .filter(|x| x.channel == c.channel)
                    .count();
                if left as usize != live {
                    return Err(format!("{:?}: {left} left, expected {live}", c.channel));
                }
                Ok(())
            }
            Step::Seed => {
                // As a gateway starts: from the engine's resting orders, in book order.
                let mut feed = Feed::new(self.instruments as usize, 1024);
                for o in self.engine_orders(false) {
                    feed.seed(o);
                }
                self.seeded = Some((feed, FeedOut::default()));
                self.check_books()
            }
        }
    }

    fn command(&mut self, op: &Op) -> Result<(), String> {
        let (cmd, ts) = self.renderer.render(op);
        self.events.clear();
        self.engine.apply(&cmd, ts, &mut self.events);
        self.commands += 1;
        for e in &self.events {
            if let Event::Trade {
                instrument,
                trade_id,
                price,
                qty,
                taker_side,
                ..
            } = *e
            {
                self.trades.push(Trade {
                    instrument,
                    trade_id,
                    price,
                    qty,
                    taker_side,
                    ts,
                });
            }
        }
        let before = self.trades.len() - super::trades(&self.events).count();
        self.feed.command(&self.events, ts, &mut self.out);
        if let Some((seeded, out)) = &mut self.seeded {
            seeded.command(&self.events, ts, out);
            let a: Vec<Update> = self.feed.updates().iter().collect();
            let b: Vec<Update> = seeded.updates().iter().collect();
            if a != b {
                return Err(format!("seeded feed differs:\n{a:?}\n{b:?}"));
            }
        }
        let new_trades = self.trades[before..].to_vec();
        self.check_updates(&new_trades)?;
        self.check_books()?;
        for m in self.out.iter() {
            let mut delivered = false;
            for c in &mut self.clients {
                if c.channel == m.channel {
                    c.apply(&m)?;
                    delivered = true;
                }
            }
            if !delivered {
                return Err(format!("a message for a channel nobody holds: {m:?}"));
            }
        }
        for c in &self.clients {
            self.check_client(c)?;
            if self.feed.seq(c.channel) != Some(c.seq) {
                return Err(format!(
                    "{:?}: feed at {:?}, client at {}",
                    c.channel,
                    self.feed.seq(c.channel),
                    c.seq
                ));
            }
        }
        Ok(())
    }

    /// The engine's resting orders of every instrument, in book order or sorted as
    /// `Books::resting_orders` sorts them.
    fn engine_orders(&self, sorted: bool) -> Vec<SeedOrder> {
        let mut v: Vec<SeedOrder> = (0..self.instruments as u32)
            .flat_map(|i| self.engine.resting_orders(InstrumentId(i)))
            .map(|o| SeedOrder {
                account: o.account,
                id: o.id,
                instrument: o.instrument,
                side: o.side,
                price: o.price,
                leaves: o.leaves,
            })
            .collect();
        if sorted {
            v.sort_by_key(|o| (o.instrument, o.side == Side::Sell, o.price, o.account, o.id));
        }
        v
    }

    /// `Books` (and the seeded copy) equal the engine's books, order by order.
    fn check_books(&self) -> Result<(), String> {
        let books = self.feed.books();
        if books.unknown_orders() != 0 {
            return Err(format!(
                "{} events named unknown orders",
                books.unknown_orders()
            ));
        }
        let want = self.engine_orders(true);
        if books.resting_orders() != want {
            return Err(format!(
                "resting orders {:?}, engine {want:?}",
                books.resting_orders()
            ));
        }
        for i in 0..self.instruments as u32 {
            let inst = InstrumentId(i);
            for side in [Side::Buy, Side::Sell] {
                let want = engine_depth(&self.engine, i, side);
                let got: Vec<_> = books.depth(inst, side).collect();
                if got != want {
                    return Err(format!("{inst:?} {side:?}: books {got:?}, engine {want:?}"));
                }
                if books.levels(inst, side) != want.len() {
                    return Err(format!("{inst:?} {side:?}: level count"));
                }
                if let Some((seeded, _)) = &self.seeded {
                    let got: Vec<_> = seeded.books().depth(inst, side).collect();
                    if got != want {
                        return Err(format!(
                            "seeded {inst:?} {side:?}: {got:?}, engine {want:?}"
                        ));
                    }
                }
            }
            let bbo = books.bbo(inst);
            let want = Bbo {
                instrument: inst,
                bid: self.engine.depth(inst, Side::Buy).next(),
                ask: self.engine.depth(inst, Side::Sell).next(),
            };
            if bbo != want {
                return Err(format!("bbo {bbo:?}, engine {want:?}"));
            }
        }
        Ok(())
    }

    /// The unsequenced updates of the command: ordered, net, complete.
    fn check_updates(&mut self, trades: &[Trade]) -> Result<(), String> {
        let mut got_trades = Vec::new();
        // (instrument, kind) must increase: kind 0 book, 1 trade, 2 bbo.
        let mut last: Option<(u32, u8)> = None;
        let mut bbos = BTreeMap::new();
        let old_best: Vec<_> = (0..self.instruments as usize)
            .map(|i| self.mirror_best(i))
            .collect();
        for u in self.feed.updates().iter() {
            let key = match u {
                Update::Book { instrument, .. } => (instrument.0, 0),
                Update::Trade(t) => (t.instrument.0, 1),
                Update::Bbo(b) => (b.instrument.0, 2),
            };
            if last.is_some_and(|l| key < l || (key == l && key.1 != 1)) {
                return Err(format!("updates out of order at {u:?}"));
            }
            last = Some(key);
            match u {
                Update::Book {
                    instrument,
                    changes,
                } => {
                    if changes.is_empty() {
                        return Err("empty book update".into());
                    }
                    for w in changes.windows(2) {
                        let ordered = match (w[0].side, w[1].side) {
                            (Side::Buy, Side::Buy) => w[0].price > w[1].price,
                            (Side::Sell, Side::Sell) => w[0].price < w[1].price,
                            (Side::Buy, Side::Sell) => true,
                            (Side::Sell, Side::Buy) => false,
                        };
                        if !ordered {
                            return Err(format!("book changes out of order: {changes:?}"));
                        }
                    }
                    let (bids, asks) = &mut self.mirror[instrument.0 as usize];
                    for c in changes {
                        let side = if c.side == Side::Buy {
                            &mut *bids
                        } else {
                            &mut *asks
                        };
                        let old = side.get(&c.price.0).copied().unwrap_or(0);
                        if old == c.qty.0 {
                            return Err(format!("a net-zero change {c:?}"));
                        }
                        if c.qty.0 == 0 {
                            side.remove(&c.price.0);
                        } else {
                            side.insert(c.price.0, c.qty.0);
                        }
                    }
                }
                Update::Trade(t) => got_trades.push(t),
                Update::Bbo(b) => {
                    bbos.insert(b.instrument.0, b);
                }
            }
        }
        if got_trades != trades {
            return Err(format!("trades {got_trades:?}, engine {trades:?}"));
        }
        for (i, &old) in old_best.iter().enumerate() {
            let best = self.mirror_best(i);
            let inst = InstrumentId(i as u32);
            let side_eq = |side| {
                let m = &self.mirror[i];
                let mine: Vec<_> = match side {
                    Side::Buy => {
                        m.0.iter()
                            .rev()
                            .map(|(&p, &q)| (Price(p), Qty(q)))
                            .collect()
                    }
                    Side::Sell => m.1.iter().map(|(&p, &q)| (Price(p), Qty(q))).collect(),
                };
                mine == engine_depth(&self.engine, i as u32, side)
            };
            if !side_eq(Side::Buy) || !side_eq(Side::Sell) {
                return Err(format!("{inst:?}: the book rebuilt from updates differs"));
            }
            match bbos.get(&(i as u32)) {
                Some(b) if best == old => {
                    return Err(format!("a bbo update that changes nothing: {b:?}"))
                }
                Some(b) if (b.bid, b.ask) != best => {
                    return Err(format!("bbo update {b:?}, book says {best:?}"))
                }
                None if best != old => {
                    return Err(format!(
                        "{inst:?}: bbo changed to {best:?} without an update"
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn mirror_best(&self, i: usize) -> Best {
        let (bids, asks) = &self.mirror[i];
        (
            bids.iter().next_back().map(|(&p, &q)| (Price(p), Qty(q))),
            asks.iter().next().map(|(&p, &q)| (Price(p), Qty(q))),
        )
    }

    /// A subscriber's copy equals what the engine says the channel shows.
    fn check_client(&self, c: &Client) -> Result<(), String> {
        let inst = c.channel.instrument();
        if let Channel::Trades { .. } = c.channel {
            let want: Vec<Trade> = self.trades[c.trades_from..]
                .iter()
                .filter(|t| t.instrument == inst)
                .copied()
                .collect();
            if c.trades != want {
                return Err(format!(
                    "{:?}: trades {:?}, engine {want:?}",
                    c.channel, c.trades
                ));
            }
            return Ok(());
        }
        for side in [Side::Buy, Side::Sell] {
            let want: Vec<_> = self.engine.depth(inst, side).take(c.depth()).collect();
            let got = c.side(side);
            if got != want {
                return Err(format!(
                    "{:?} {side:?}: client {got:?}, engine {want:?}",
                    c.channel
                ));
            }
        }
        Ok(())
    }
}

/// Runs `steps` from a fresh world; the error names the step that failed.
pub fn run(instruments: u8, steps: &[Step]) -> Result<World, String> {
    let mut w = World::new(instruments);
    for (k, s) in steps.iter().enumerate() {
        w.step(s).map_err(|e| format!("step {k} ({s:?}): {e}"))?;
    }
    Ok(w)
}
