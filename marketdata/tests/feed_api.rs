//! The feed's channel bookkeeping: opening, closing, errors, sequence numbers, exact top-n
//! messages.

mod support;

use support::{cid, engine, limit};
use tradestream_engine::Engine;
use tradestream_marketdata::{
    Bbo, Body, Channel, Depth, Feed, FeedError, FeedMessage, FeedOut, LevelChange, SeedOrder,
    Snapshot, MAX_TOP_DEPTH,
};
use tradestream_model::{
    AccountId, Command, Event, InstrumentId, NewOrder, Price, Qty, Side, Timestamp,
};

const I0: InstrumentId = InstrumentId(0);
const FULL: Channel = Channel::Book {
    instrument: I0,
    depth: Depth::Full,
};
const TOP2: Channel = Channel::Book {
    instrument: I0,
    depth: Depth::Top(2),
};
const BBO: Channel = Channel::Bbo { instrument: I0 };
const TRADES: Channel = Channel::Trades { instrument: I0 };

struct Rig {
    engine: Engine,
    feed: Feed,
    out: FeedOut,
    events: Vec<Event>,
    ts: i64,
}

impl Rig {
    fn new() -> Rig {
        Rig {
            engine: engine(1),
            feed: Feed::new(1, 64),
            out: FeedOut::default(),
            events: Vec::new(),
            ts: 0,
        }
    }

    fn order(&mut self, o: NewOrder) -> Vec<FeedMessage<'_>> {
        self.ts += 1;
        self.events.clear();
        let ts = Timestamp(self.ts);
        self.engine.apply(&Command::New(o), ts, &mut self.events);
        self.feed.command(&self.events, ts, &mut self.out);
        self.out.iter().collect()
    }
}

fn ch(side: Side, price: i64, qty: i64) -> LevelChange {
    LevelChange {
        side,
        price: Price(price),
        qty: Qty(qty),
    }
}

fn lv(v: &[(i64, i64)]) -> Vec<(Price, Qty)> {
    v.iter().map(|&(p, q)| (Price(p), Qty(q))).collect()
}

#[test]
fn channel_requests_are_checked() {
    let mut f = Feed::new(1, 64);
    for n in [0, MAX_TOP_DEPTH + 1] {
        let bad = Channel::Book {
            instrument: I0,
            depth: Depth::Top(n),
        };
        assert_eq!(f.open(bad), Err(FeedError::InvalidDepth(n)));
    }
    assert_eq!(Depth::top(0), Err(FeedError::InvalidDepth(0)));
    assert_eq!(Depth::top(MAX_TOP_DEPTH), Ok(Depth::Top(MAX_TOP_DEPTH)));
    let other = Channel::Bbo {
        instrument: InstrumentId(1),
    };
    assert_eq!(
        f.open(other),
        Err(FeedError::UnknownInstrument(InstrumentId(1)))
    );
    f.ensure_instruments(2);
    assert_eq!(f.open(other), Ok(1));
    for c in [FULL, TOP2, BBO, TRADES] {
        assert_eq!(f.close(c), Err(FeedError::NotOpen(c)));
        assert_eq!(f.snapshot(c), Err(FeedError::NotOpen(c)));
        assert_eq!(f.seq(c), None);
        assert_eq!(f.open(c), Ok(1));
        assert_eq!(f.open(c), Ok(2));
        assert_eq!(f.subscribers(c), 2);
        assert_eq!(f.close(c), Ok(1));
        assert_eq!(f.close(c), Ok(0));
        assert_eq!(f.close(c), Err(FeedError::NotOpen(c)));
    }
    // The messages say what to do.
    let msg = FeedError::UnknownInstrument(InstrumentId(7)).to_string();
    assert!(
        msg.contains("instrument 7") && msg.contains("ensure_instruments"),
        "{msg}"
    );
}

#[test]
fn only_open_channels_publish_and_each_counts_its_own_messages() {
    let mut r = Rig::new();
    assert!(r.order(limit(1, 0, "a1", Side::Sell, 101, 5)).is_empty());
    r.feed.open(FULL).unwrap();
    r.feed.open(TRADES).unwrap();
    // The full book ran while closed: its sequence number says so.
    let snap = r.feed.snapshot(FULL).unwrap();
    assert_eq!(
        snap,
        Snapshot {
            seq: 1,
            bids: vec![],
            asks: lv(&[(101, 5)])
        }
    );
    assert_eq!(r.feed.snapshot(TRADES).unwrap().seq, 0);
    r.order(limit(1, 0, "a2", Side::Sell, 102, 5));
    let msgs = r.order(limit(0, 0, "b", Side::Buy, 102, 7));
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[0].channel, FULL);
    assert_eq!(msgs[0].seq, 3);
    assert_eq!(
        msgs[0].body,
        Body::Book(&[ch(Side::Sell, 101, 0), ch(Side::Sell, 102, 3)])
    );
    for (m, (seq, price, qty)) in msgs[1..].iter().zip([(1, 101, 5), (2, 102, 2)]) {
        assert_eq!(m.channel, TRADES);
        assert_eq!(m.seq, seq);
        let Body::Trade(t) = m.body else {
            panic!("{m:?}")
        };
        assert_eq!(
            (t.price, t.qty, t.ts),
            (Price(price), Qty(qty), Timestamp(3))
        );
    }
    // Bbo was not open: it counted its message anyway.
    r.feed.open(BBO).unwrap();
    assert_eq!(
        r.feed.snapshot(BBO).unwrap(),
        Snapshot {
            seq: 2,
            bids: vec![],
            asks: lv(&[(102, 3)])
        }
    );
    let msgs = r.order(limit(0, 0, "b2", Side::Buy, 90, 1));
    assert_eq!(
        msgs,
        vec![
            FeedMessage {
                channel: FULL,
                seq: 4,
                body: Body::Book(&[ch(Side::Buy, 90, 1)]),
            },
            FeedMessage {
                channel: BBO,
                seq: 3,
                body: Body::Bbo(Bbo {
                    instrument: I0,
                    bid: Some((Price(90), Qty(1))),
                    ask: Some((Price(102), Qty(3))),
                }),
            },
        ]
    );
}

#[test]
fn top_n_reports_levels_entering_and_leaving_the_view() {
    let mut r = Rig::new();
    r.order(limit(1, 0, "a1", Side::Sell, 101, 1));
    r.order(limit(1, 0, "a2", Side::Sell, 102, 2));
    r.order(limit(1, 0, "a3", Side::Sell, 103, 3));
    r.feed.open(TOP2).unwrap();
    assert_eq!(
        r.feed.snapshot(TOP2).unwrap(),
        Snapshot {
            seq: 0,
            bids: vec![],
            asks: lv(&[(101, 1), (102, 2)])
        }
    );
    // Behind a full view: no message, no sequence number.
    assert!(r.order(limit(1, 0, "a4", Side::Sell, 104, 4)).is_empty());
    assert!(r.order(limit(1, 0, "a5", Side::Sell, 103, 1)).is_empty());
    // A new best pushes 102 out.
    let msgs = r.order(limit(1, 0, "a6", Side::Sell, 100, 6));
    assert_eq!(
        msgs,
        vec![FeedMessage {
            channel: TOP2,
            seq: 1,
            body: Body::Book(&[ch(Side::Sell, 100, 6), ch(Side::Sell, 102, 0)]),
        }]
    );
    // Taking out 100 and 101 brings 102 and 103 in.
    let msgs = r.order(limit(0, 0, "b", Side::Buy, 101, 7));
    assert_eq!(
        msgs,
        vec![FeedMessage {
            channel: TOP2,
            seq: 2,
            body: Body::Book(&[
                ch(Side::Sell, 100, 0),
                ch(Side::Sell, 101, 0),
                ch(Side::Sell, 102, 2),
                ch(Side::Sell, 103, 4),
            ]),
        }]
    );
    // A second subscriber shares the channel; closing the last one drops it, and reopening
    // starts again from 0.
    assert_eq!(r.feed.open(TOP2), Ok(2));
    assert_eq!(r.feed.snapshot(TOP2).unwrap().seq, 2);
    r.feed.close(TOP2).unwrap();
    r.feed.close(TOP2).unwrap();
    assert!(r.order(limit(1, 0, "a7", Side::Sell, 99, 1)).is_empty());
    r.feed.open(TOP2).unwrap();
    assert_eq!(
        r.feed.snapshot(TOP2).unwrap(),
        Snapshot {
            seq: 0,
            bids: vec![],
            asks: lv(&[(99, 1), (102, 2)])
        }
    );
}

#[test]
fn top_n_views_of_different_depths_are_independent() {
    let mut r = Rig::new();
    let top1 = Channel::Book {
        instrument: I0,
        depth: Depth::Top(1),
    };
    r.feed.open(TOP2).unwrap();
    r.feed.open(top1).unwrap();
    r.feed.open(FULL).unwrap();
    r.order(limit(0, 0, "b1", Side::Buy, 99, 1));
    let msgs = r.order(limit(0, 0, "b2", Side::Buy, 98, 1));
    // Full first, then top-n by depth; top 1 does not see 98.
    let chans: Vec<_> = msgs.iter().map(|m| (m.channel, m.seq)).collect();
    assert_eq!(chans, vec![(FULL, 2), (TOP2, 2)]);
}

#[test]
fn seeding_rebuilds_open_top_n_views() {
    let mut f = Feed::new(1, 64);
    f.open(TOP2).unwrap();
    f.open(FULL).unwrap();
    for (n, price) in [(1, 101), (2, 103), (3, 102)] {
        f.seed(SeedOrder {
            account: AccountId(1),
            id: cid(&format!("s{n}")),
            instrument: I0,
            side: Side::Sell,
            price: Price(price),
            leaves: Qty(n),
        });
    }
    let want = Snapshot {
        seq: 0,
        bids: vec![],
        asks: lv(&[(101, 1), (102, 3)]),
    };
    assert_eq!(f.snapshot(TOP2).unwrap(), want);
    assert_eq!(
        f.snapshot(FULL).unwrap().asks,
        lv(&[(101, 1), (102, 3), (103, 2)])
    );
    assert_eq!(f.books().resting(), 3);
}
