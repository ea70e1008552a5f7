//! Hand-written cases through the real engine: each command's exact updates.

mod support;

use support::{cid, engine, limit};
use tradestream_engine::Engine;
use tradestream_marketdata::{Bbo, Books, LevelChange, SeedOrder, Trade, Update, Updates};
use tradestream_model::{
    AccountId, Command, Event, InstrumentId, NewOrder, OrderType, Price, Qty, SelfTradePrevention,
    Side, TimeInForce, Timestamp, TradeId,
};

const I0: InstrumentId = InstrumentId(0);

/// The engine and books side by side.
struct Case {
    engine: Engine,
    books: Books,
    events: Vec<Event>,
    updates: Updates,
    ts: i64,
}

impl Case {
    fn new() -> Case {
        Case {
            engine: engine(2),
            books: Books::new(2, 64),
            events: Vec::new(),
            updates: Updates::default(),
            ts: 0,
        }
    }

    /// Applies `cmd` to both; checks the books against the engine; returns the updates.
    fn run(&mut self, cmd: Command) -> Vec<Update<'_>> {
        self.ts += 1;
        self.events.clear();
        self.engine
            .apply(&cmd, Timestamp(self.ts), &mut self.events);
        for ev in &self.events {
            self.books.apply(ev);
        }
        self.books
            .end_command(Timestamp(self.ts), &mut self.updates);
        for inst in [I0, InstrumentId(1)] {
            for side in [Side::Buy, Side::Sell] {
                let want: Vec<_> = self.engine.depth(inst, side).collect();
                let got: Vec<_> = self.books.depth(inst, side).collect();
                assert_eq!(got, want, "{inst:?} {side:?} after {cmd:?}");
            }
        }
        assert_eq!(self.books.unknown_orders(), 0);
        self.updates.iter().collect()
    }

    fn new_order(&mut self, o: NewOrder) -> Vec<Update<'_>> {
        self.run(Command::New(o))
    }
}

fn ch(side: Side, price: i64, qty: i64) -> LevelChange {
    LevelChange {
        side,
        price: Price(price),
        qty: Qty(qty),
    }
}

fn trade(id: u64, price: i64, qty: i64, taker_side: Side, ts: i64) -> Update<'static> {
    Update::Trade(Trade {
        instrument: I0,
        trade_id: TradeId(id),
        price: Price(price),
        qty: Qty(qty),
        taker_side,
        ts: Timestamp(ts),
    })
}

fn bbo(bid: Option<(i64, i64)>, ask: Option<(i64, i64)>) -> Update<'static> {
    let lv = |l: Option<(i64, i64)>| l.map(|(p, q)| (Price(p), Qty(q)));
    Update::Bbo(Bbo {
        instrument: I0,
        bid: lv(bid),
        ask: lv(ask),
    })
}

fn book(changes: &[LevelChange]) -> Update<'_> {
    Update::Book {
        instrument: I0,
        changes,
    }
}

#[test]
fn a_resting_order_changes_its_level_and_the_bbo() {
    let mut c = Case::new();
    assert_eq!(
        c.new_order(limit(1, 0, "a1", Side::Sell, 101, 5)),
        vec![book(&[ch(Side::Sell, 101, 5)]), bbo(None, Some((101, 5)))]
    );
    // A level behind the best: no bbo update.
    assert_eq!(
        c.new_order(limit(1, 0, "a2", Side::Sell, 102, 5)),
        vec![book(&[ch(Side::Sell, 102, 5)])]
    );
    // Another instrument: its own updates only.
    assert_eq!(
        c.new_order(limit(1, 1, "x", Side::Buy, 90, 1)),
        vec![
            Update::Book {
                instrument: InstrumentId(1),
                changes: &[ch(Side::Buy, 90, 1)]
            },
            Update::Bbo(Bbo {
                instrument: InstrumentId(1),
                bid: Some((Price(90), Qty(1))),
                ask: None
            })
        ]
    );
}

#[test]
fn a_taker_that_crosses_rests_its_remainder() {
    let mut c = Case::new();
    c.new_order(limit(1, 0, "a1", Side::Sell, 101, 5));
    c.new_order(limit(1, 0, "a2", Side::Sell, 102, 5));
    c.new_order(limit(1, 0, "a3", Side::Sell, 104, 5));
    assert_eq!(
        c.new_order(limit(0, 0, "b", Side::Buy, 102, 12)),
        vec![
            book(&[
                ch(Side::Buy, 102, 2),
                ch(Side::Sell, 101, 0),
                ch(Side::Sell, 102, 0)
            ]),
            trade(1, 101, 5, Side::Buy, 4),
            trade(2, 102, 5, Side::Buy, 4),
            bbo(Some((102, 2)), Some((104, 5))),
        ]
    );
}

#[test]
fn an_ioc_remainder_does_not_rest() {
    let mut c = Case::new();
    c.new_order(limit(1, 0, "a1", Side::Sell, 101, 5));
    let ioc = NewOrder {
        tif: TimeInForce::Ioc,
        ..limit(0, 0, "b", Side::Buy, 102, 8)
    };
    assert_eq!(
        c.new_order(ioc),
        vec![
            book(&[ch(Side::Sell, 101, 0)]),
            trade(1, 101, 5, Side::Buy, 2),
            bbo(None, None),
        ]
    );
    // An IOC that does not trade at all changes nothing.
    c.new_order(limit(1, 0, "a2", Side::Sell, 105, 5));
    let ioc = NewOrder {
        tif: TimeInForce::Ioc,
        ..limit(0, 0, "b2", Side::Buy, 102, 8)
    };
    assert_eq!(c.new_order(ioc), vec![]);
}

#[test]
fn several_fills_at_one_level_come_out_as_one_change() {
    let mut c = Case::new();
    c.new_order(limit(1, 0, "a1", Side::Sell, 101, 2));
    c.new_order(limit(2, 0, "a2", Side::Sell, 101, 3));
    assert_eq!(
        c.new_order(limit(0, 0, "b", Side::Buy, 101, 4)),
        vec![
            book(&[ch(Side::Sell, 101, 1)]),
            trade(1, 101, 2, Side::Buy, 3),
            trade(2, 101, 2, Side::Buy, 3),
            bbo(None, Some((101, 1))),
        ]
    );
}

#[test]
fn an_amend_across_the_book_trades_and_rests_at_the_new_price() {
    let mut c = Case::new();
    c.new_order(limit(0, 0, "b", Side::Buy, 99, 5));
    c.new_order(limit(1, 0, "a", Side::Sell, 101, 3));
    let amend = Command::Amend {
        account: AccountId(0),
        instrument: Some(I0),
        id: cid("b"),
        price: Some(Price(102)),
        qty: None,
    };
    assert_eq!(
        c.run(amend),
        vec![
            book(&[
                ch(Side::Buy, 102, 2),
                ch(Side::Buy, 99, 0),
                ch(Side::Sell, 101, 0)
            ]),
            trade(1, 101, 3, Side::Buy, 3),
            bbo(Some((102, 2)), None),
        ]
    );
    // An amend that moves without crossing: the level moves.
    let amend = Command::Amend {
        account: AccountId(0),
        instrument: Some(I0),
        id: cid("b"),
        price: Some(Price(100)),
        qty: Some(Qty(10)),
    };
    assert_eq!(
        c.run(amend),
        vec![
            book(&[ch(Side::Buy, 102, 0), ch(Side::Buy, 100, 7)]),
            bbo(Some((100, 7)), None),
        ]
    );
}

#[test]
fn an_amend_that_fills_completely_leaves_nothing() {
    let mut c = Case::new();
    c.new_order(limit(0, 0, "b", Side::Buy, 99, 3));
    c.new_order(limit(1, 0, "a", Side::Sell, 101, 5));
    let amend = Command::Amend {
        account: AccountId(0),
        instrument: Some(I0),
        id: cid("b"),
        price: Some(Price(101)),
        qty: None,
    };
    assert_eq!(
        c.run(amend),
        vec![
            book(&[ch(Side::Buy, 99, 0), ch(Side::Sell, 101, 2)]),
            trade(1, 101, 3, Side::Buy, 3),
            bbo(None, Some((101, 2))),
        ]
    );
}

#[test]
fn a_qty_down_amend_lowers_the_level_in_place() {
    let mut c = Case::new();
    c.new_order(limit(0, 0, "b1", Side::Buy, 99, 5));
    c.new_order(limit(1, 0, "b2", Side::Buy, 99, 4));
    let amend = |qty| Command::Amend {
        account: AccountId(0),
        instrument: Some(I0),
        id: cid("b1"),
        price: None,
        qty: Some(Qty(qty)),
    };
    assert_eq!(
        c.run(amend(2)),
        vec![book(&[ch(Side::Buy, 99, 6)]), bbo(Some((99, 6)), None)]
    );
    // It kept its place: a seller meets it first (its maker id says so).
    c.new_order(limit(2, 0, "s", Side::Sell, 99, 2));
    assert!(matches!(
        c.events[1],
        Event::Trade { maker_id, .. } if maker_id == cid("b1")
    ));
    // Amending to the same values changes nothing and publishes nothing.
    assert_eq!(
        c.run(Command::Amend {
            account: AccountId(1),
            instrument: Some(I0),
            id: cid("b2"),
            price: None,
            qty: Some(Qty(4)),
        }),
        vec![]
    );
}

#[test]
fn self_trade_prevention_cancels_without_trading() {
    let mut c = Case::new();
    c.new_order(limit(0, 0, "a", Side::Sell, 101, 5));
    // Cancel maker: the own ask goes, the taker rests.
    let buy = NewOrder {
        stp: SelfTradePrevention::CancelMaker,
        ..limit(0, 0, "b", Side::Buy, 101, 3)
    };
    assert_eq!(
        c.new_order(buy),
        vec![
            book(&[ch(Side::Buy, 101, 3), ch(Side::Sell, 101, 0)]),
            bbo(Some((101, 3)), None),
        ]
    );
    // Cancel both: the own bid and the taker go.
    let sell = NewOrder {
        stp: SelfTradePrevention::CancelBoth,
        ..limit(0, 0, "s", Side::Sell, 100, 3)
    };
    assert_eq!(
        c.new_order(sell),
        vec![book(&[ch(Side::Buy, 101, 0)]), bbo(None, None)]
    );
    // Cancel taker: nothing changes.
    c.new_order(limit(0, 0, "a2", Side::Sell, 101, 5));
    let buy = NewOrder {
        stp: SelfTradePrevention::CancelTaker,
        ..limit(0, 0, "b2", Side::Buy, 101, 3)
    };
    assert_eq!(c.new_order(buy), vec![]);
}

#[test]
fn a_market_order_sweeps_and_never_rests() {
    let mut c = Case::new();
    c.new_order(limit(1, 0, "a1", Side::Sell, 101, 2));
    c.new_order(limit(1, 0, "a2", Side::Sell, 103, 2));
    let market = NewOrder {
        order_type: OrderType::Market,
        price: Price(0),
        ..limit(0, 0, "m", Side::Buy, 0, 3)
    };
    assert_eq!(
        c.new_order(market),
        vec![
            book(&[ch(Side::Sell, 101, 0), ch(Side::Sell, 103, 1)]),
            trade(1, 101, 2, Side::Buy, 3),
            trade(2, 103, 1, Side::Buy, 3),
            bbo(None, Some((103, 1))),
        ]
    );
    // More than the book holds: the rest is cancelled, nothing rests.
    let market = NewOrder {
        order_type: OrderType::Market,
        price: Price(0),
        ..limit(0, 0, "m2", Side::Buy, 0, 5)
    };
    assert_eq!(
        c.new_order(market),
        vec![
            book(&[ch(Side::Sell, 103, 0)]),
            trade(3, 103, 1, Side::Buy, 4),
            bbo(None, None),
        ]
    );
}

#[test]
fn cancels_mass_cancels_and_expiries_remove_levels() {
    let mut c = Case::new();
    c.new_order(limit(0, 0, "b1", Side::Buy, 99, 5));
    c.new_order(limit(0, 0, "b2", Side::Buy, 98, 5));
    c.new_order(limit(0, 1, "x", Side::Sell, 120, 5));
    let gtd = NewOrder {
        tif: TimeInForce::Gtd(Timestamp(100)),
        ..limit(1, 0, "g", Side::Sell, 105, 1)
    };
    c.new_order(gtd);
    assert_eq!(
        c.run(Command::Cancel {
            account: AccountId(0),
            instrument: Some(I0),
            id: cid("b2"),
        }),
        vec![book(&[ch(Side::Buy, 98, 0)])]
    );
    // A mass cancel over every instrument: one book update per instrument, ascending.
    assert_eq!(
        c.run(Command::MassCancel {
            account: AccountId(0),
            instrument: None,
        }),
        vec![
            book(&[ch(Side::Buy, 99, 0)]),
            bbo(None, Some((105, 1))),
            Update::Book {
                instrument: InstrumentId(1),
                changes: &[ch(Side::Sell, 120, 0)]
            },
            Update::Bbo(Bbo {
                instrument: InstrumentId(1),
                bid: None,
                ask: None
            }),
        ]
    );
    assert_eq!(
        c.run(Command::Time { ts: Timestamp(100) }),
        vec![book(&[ch(Side::Sell, 105, 0)]), bbo(None, None)]
    );
    // Rejected commands change nothing.
    assert_eq!(
        c.run(Command::Cancel {
            account: AccountId(0),
            instrument: Some(I0),
            id: cid("nope"),
        }),
        vec![]
    );
}

#[test]
fn seeded_books_equal_books_built_from_events() {
    let mut c = Case::new();
    c.new_order(limit(0, 0, "b1", Side::Buy, 99, 5));
    c.new_order(limit(1, 0, "b2", Side::Buy, 99, 4));
    c.new_order(limit(1, 0, "a1", Side::Sell, 101, 7));
    c.new_order(limit(2, 1, "x", Side::Sell, 120, 5));
    // As a gateway starts: from the engine's resting orders, in book order.
    let mut seeded = Books::new(2, 64);
    for inst in [I0, InstrumentId(1)] {
        for o in c.engine.resting_orders(inst) {
            seeded.seed(SeedOrder {
                account: o.account,
                id: o.id,
                instrument: o.instrument,
                side: o.side,
                price: o.price,
                leaves: o.leaves,
            });
        }
    }
    for inst in [I0, InstrumentId(1)] {
        assert_eq!(seeded.bbo(inst), c.books.bbo(inst));
        for side in [Side::Buy, Side::Sell] {
            assert!(seeded.depth(inst, side).eq(c.books.depth(inst, side)));
        }
    }
    // Continuing: the seeded books trade the seeded orders exactly as the original.
    c.new_order(limit(3, 0, "s", Side::Sell, 98, 7));
    let mut out = Updates::default();
    for ev in &c.events {
        seeded.apply(ev);
    }
    seeded.end_command(Timestamp(c.ts), &mut out);
    assert!(out.iter().eq(c.updates.iter()));
    assert_eq!(seeded.unknown_orders(), 0);
    assert_eq!(seeded.resting_orders(), c.books.resting_orders());
}
