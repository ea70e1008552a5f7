//! Operator and session commands: halts, kill switches, fee changes and cancel-on-disconnect,
//! their place in the reject precedence, the queries a live server reads, and how the new state
//! enters the state hash and snapshots.

use tradestream_engine::{Engine, EngineConfig, OpenOrder};
use tradestream_model::codec::CodecError;
use tradestream_model::{
    AccountId, Amount, AssetId, CancelReason, ClientOrderId, Command, EngineError, Event,
    InstrumentId, NewOrder, OrderType, Price, Qty, RejectReason, SelfTradePrevention, ShortName,
    Side, TimeInForce, Timestamp,
};

// Only the setup is used here.
#[allow(dead_code)]
mod support;

const BTC_USD: InstrumentId = InstrumentId(0);

/// An engine with BTC-USD (tick 0.5, lot 0.01, maker -1 bps, taker 4 bps) and funded accounts.
fn engine() -> Engine {
    let mut e = Engine::new(EngineConfig {
        capacity: 1_000,
        ..EngineConfig::default()
    });
    support::setup(&mut e, &mut Vec::new());
    e
}

fn cid(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap()
}

fn order(account: u64, id: &str, side: Side, price: i64, qty: i64, tif: TimeInForce) -> Command {
    Command::New(NewOrder {
        account: AccountId(account),
        instrument: Some(BTC_USD),
        id: cid(id),
        side,
        order_type: OrderType::Limit,
        price: Price(price),
        qty: Qty(qty),
        tif,
        post_only: false,
        reduce_only: false,
        stp: SelfTradePrevention::None,
    })
}

fn buy(account: u64, id: &str, price: i64, qty: i64) -> Command {
    order(account, id, Side::Buy, price, qty, TimeInForce::Gtc)
}

fn sell(account: u64, id: &str, price: i64, qty: i64) -> Command {
    order(account, id, Side::Sell, price, qty, TimeInForce::Gtc)
}

fn amend(account: u64, id: &str, price: Option<i64>, qty: Option<i64>) -> Command {
    Command::Amend {
        account: AccountId(account),
        instrument: Some(BTC_USD),
        id: cid(id),
        price: price.map(Price),
        qty: qty.map(Qty),
    }
}

fn cancel(account: u64, id: &str) -> Command {
    Command::Cancel {
        account: AccountId(account),
        instrument: Some(BTC_USD),
        id: cid(id),
    }
}

fn halt(halted: bool) -> Command {
    Command::Halt {
        instrument: BTC_USD,
        halted,
    }
}

fn kill(account: u64, on: bool) -> Command {
    Command::KillSwitch {
        account: AccountId(account),
        on,
    }
}

fn run(e: &mut Engine, cmd: Command) -> Vec<Event> {
    let mut out = Vec::new();
    let ts = e.clock();
    e.apply(&cmd, ts, &mut out);
    out
}

fn rejected(account: u64, id: &str, reason: RejectReason) -> Vec<Event> {
    vec![Event::Rejected {
        account: AccountId(account),
        id: cid(id),
        reason,
    }]
}

fn cancelled(account: u64, id: &str, reason: CancelReason, leaves: i64) -> Event {
    Event::Cancelled {
        account: AccountId(account),
        id: cid(id),
        instrument: BTC_USD,
        reason,
        leaves_qty: Qty(leaves),
    }
}

fn ids(orders: impl Iterator<Item = OpenOrder>) -> Vec<String> {
    orders.map(|o| o.id.as_str().to_owned()).collect()
}

#[test]
fn halt_rejects_new_and_amend_but_cancels_and_expiries_work() {
    let mut e = engine();
    run(&mut e, buy(1, "rest", 100, 5));
    run(
        &mut e,
        order(1, "gtd", Side::Buy, 99, 1, TimeInForce::Gtd(Timestamp(10))),
    );
    run(&mut e, buy(1, "keep", 98, 1));
    assert_eq!(
        run(&mut e, halt(true)),
        vec![Event::Halted {
            instrument: BTC_USD,
            halted: true,
        }]
    );
    assert!(e.is_halted(BTC_USD));
    let before = e.state_hash();
    assert_eq!(
        run(&mut e, sell(2, "s", 100, 1)),
        rejected(2, "s", RejectReason::InstrumentHalted)
    );
    assert_eq!(
        run(&mut e, amend(1, "rest", None, Some(4))),
        rejected(1, "rest", RejectReason::InstrumentHalted)
    );
    assert_eq!(e.state_hash(), before, "rejects change nothing");
    assert_eq!(ids(e.resting_orders(BTC_USD)), ["rest", "gtd", "keep"]);
    assert_eq!(
        run(&mut e, cancel(1, "rest")),
        vec![cancelled(1, "rest", CancelReason::User, 5)]
    );
    assert_eq!(
        run(&mut e, Command::Time { ts: Timestamp(10) }),
        vec![cancelled(1, "gtd", CancelReason::Expired, 1)]
    );
    assert_eq!(
        run(
            &mut e,
            Command::Disconnect {
                account: AccountId(1)
            }
        ),
        vec![cancelled(1, "keep", CancelReason::Disconnect, 1)]
    );
    assert_eq!(
        run(&mut e, halt(false)),
        vec![Event::Halted {
            instrument: BTC_USD,
            halted: false,
        }]
    );
    assert!(!e.is_halted(BTC_USD));
    assert!(matches!(
        run(&mut e, sell(2, "s", 100, 1))[..],
        [Event::Accepted { .. }]
    ));
}

#[test]
fn halt_and_fees_of_an_unlisted_instrument_are_errors() {
    let mut e = engine();
    let before = e.state_hash();
    let unknown = InstrumentId(7);
    assert_eq!(
        run(
            &mut e,
            Command::Halt {
                instrument: unknown,
                halted: true,
            }
        ),
        vec![Event::Error(EngineError::UnknownInstrument(7))]
    );
    assert_eq!(
        run(
            &mut e,
            Command::SetFees {
                instrument: unknown,
                maker_fee_bps: 1,
                taker_fee_bps: 1,
            }
        ),
        vec![Event::Error(EngineError::UnknownInstrument(7))]
    );
    assert_eq!(e.state_hash(), before);
    assert!(!e.is_halted(unknown));
}

#[test]
fn kill_switch_cancels_in_acceptance_order_then_reports_and_blocks() {
    let mut e = engine();
    run(&mut e, sell(1, "a", 210, 3));
    run(&mut e, buy(1, "b", 190, 2));
    run(&mut e, sell(1, "c", 205, 1));
    run(&mut e, buy(2, "other", 190, 1));
    assert_eq!(
        run(&mut e, kill(1, true)),
        vec![
            cancelled(1, "a", CancelReason::KillSwitch, 3),
            cancelled(1, "b", CancelReason::KillSwitch, 2),
            cancelled(1, "c", CancelReason::KillSwitch, 1),
            Event::KillSwitch {
                account: AccountId(1),
                on: true,
            },
        ]
    );
    assert!(e.kill_switch(AccountId(1)));
    assert!(!e.kill_switch(AccountId(2)));
    assert_eq!(e.account_orders(AccountId(1)).count(), 0);
    assert_eq!(ids(e.account_orders(AccountId(2))), ["other"]);
    assert_eq!(
        run(&mut e, buy(1, "d", 190, 1)),
        rejected(1, "d", RejectReason::KillSwitch)
    );
    // Before unknown_order: the order is gone, the switch answers first.
    assert_eq!(
        run(&mut e, amend(1, "a", Some(200), None)),
        rejected(1, "a", RejectReason::KillSwitch)
    );
    // Cancels are not gated (the order is gone: unknown_order).
    assert_eq!(
        run(&mut e, cancel(1, "a")),
        rejected(1, "a", RejectReason::UnknownOrder)
    );
    // Turning it on again: nothing to cancel, the event again.
    assert_eq!(
        run(&mut e, kill(1, true)),
        vec![Event::KillSwitch {
            account: AccountId(1),
            on: true,
        }]
    );
    assert_eq!(
        run(&mut e, kill(1, false)),
        vec![Event::KillSwitch {
            account: AccountId(1),
            on: false,
        }]
    );
    assert!(!e.kill_switch(AccountId(1)));
    assert!(matches!(
        run(&mut e, buy(1, "d", 190, 1))[..],
        [Event::Accepted { .. }]
    ));
    // Every hold was released by the cancels: only "d" holds USD (95 USD x 0.01 BTC).
    let usd = e.asset_id(&ShortName::new("USD").unwrap()).unwrap();
    assert_eq!(
        e.balance(AccountId(1), usd).held,
        Amount(95 * 10i128.pow(16))
    );
}

#[test]
fn kill_switch_on_an_unknown_account_creates_it_and_stops_its_first_order() {
    let mut e = engine();
    let before = e.account_ids().count();
    assert_eq!(
        run(&mut e, kill(900, false)),
        vec![Event::KillSwitch {
            account: AccountId(900),
            on: false,
        }]
    );
    assert_eq!(e.account_ids().count(), before, "off creates nothing");
    run(&mut e, kill(900, true));
    assert_eq!(e.account_ids().count(), before + 1);
    assert!(e.kill_switch(AccountId(900)));
    assert_eq!(
        run(&mut e, buy(900, "x", 100, 1)),
        rejected(900, "x", RejectReason::KillSwitch)
    );
}

#[test]
fn precedence_unknown_symbol_then_kill_switch_then_halted_then_the_rest() {
    let mut e = engine();
    run(&mut e, buy(1, "a", 100, 1));
    run(&mut e, halt(true));
    // Halted before duplicate_id and invalid_price.
    assert_eq!(
        run(&mut e, buy(1, "a", 0, 1)),
        rejected(1, "a", RejectReason::InstrumentHalted)
    );
    // Halted before unknown_order and invalid_qty (amend).
    assert_eq!(
        run(&mut e, amend(1, "nope", None, Some(0))),
        rejected(1, "nope", RejectReason::InstrumentHalted)
    );
    run(&mut e, kill(1, true));
    // Kill switch before halted.
    assert_eq!(
        run(&mut e, buy(1, "a", 0, 1)),
        rejected(1, "a", RejectReason::KillSwitch)
    );
    // Unknown symbol before the kill switch.
    let mut unlisted = buy(1, "z", 100, 1);
    if let Command::New(o) = &mut unlisted {
        o.instrument = None;
    }
    assert_eq!(
        run(&mut e, unlisted),
        rejected(1, "z", RejectReason::UnknownSymbol)
    );
}

#[test]
fn set_fees_applies_from_the_next_trade() {
    let mut e = engine();
    let (btc, usd) = (AssetId(0), AssetId(1));
    // 200 ticks = 100 USD, 100 lots = 1 BTC: base 10^18, quote 100 x 10^18.
    run(&mut e, sell(1, "m1", 200, 100));
    run(&mut e, buy(2, "t1", 200, 100));
    // Old rates: taker (buyer) 4 bps of 1 BTC, maker (seller) -1 bps of 100 USD.
    assert_eq!(e.fee_balance(btc), Amount(4 * 10i128.pow(14)));
    assert_eq!(e.fee_balance(usd), Amount(-(10i128.pow(16))));
    assert_eq!(
        run(
            &mut e,
            Command::SetFees {
                instrument: BTC_USD,
                maker_fee_bps: 10,
                taker_fee_bps: 20,
            }
        ),
        vec![Event::FeesChanged {
            instrument: BTC_USD,
            maker_fee_bps: 10,
            taker_fee_bps: 20,
        }]
    );
    let spec = e.instrument(BTC_USD).unwrap().spec;
    assert_eq!((spec.maker_fee_bps, spec.taker_fee_bps), (10, 20));
    run(&mut e, sell(1, "m2", 200, 100));
    run(&mut e, buy(2, "t2", 200, 100));
    // New rates: + 20 bps of 1 BTC (2 x 10^15), + 10 bps of 100 USD (10^17).
    assert_eq!(
        e.fee_balance(btc),
        Amount(4 * 10i128.pow(14) + 2 * 10i128.pow(15))
    );
    assert_eq!(e.fee_balance(usd), Amount(10i128.pow(17) - 10i128.pow(16)));
}

#[test]
fn disconnect_cancels_in_acceptance_order_and_is_silent_otherwise() {
    let mut e = engine();
    run(&mut e, buy(3, "x", 100, 1));
    run(&mut e, sell(3, "y", 300, 2));
    run(&mut e, buy(3, "z", 101, 3));
    assert_eq!(
        run(
            &mut e,
            Command::Disconnect {
                account: AccountId(3)
            }
        ),
        vec![
            cancelled(3, "x", CancelReason::Disconnect, 1),
            cancelled(3, "y", CancelReason::Disconnect, 2),
            cancelled(3, "z", CancelReason::Disconnect, 3),
        ]
    );
    assert!(run(
        &mut e,
        Command::Disconnect {
            account: AccountId(3)
        }
    )
    .is_empty());
    let before = e.account_ids().count();
    assert!(run(
        &mut e,
        Command::Disconnect {
            account: AccountId(777),
        }
    )
    .is_empty());
    assert_eq!(e.account_ids().count(), before);
    // A disconnect is not a kill switch: the account trades on.
    assert!(matches!(
        run(&mut e, buy(3, "w", 100, 1))[..],
        [Event::Accepted { .. }]
    ));
}

#[test]
fn queries_list_orders_in_acceptance_and_book_order() {
    let mut e = engine();
    run(&mut e, buy(1, "b1", 100, 1));
    run(&mut e, sell(2, "a1", 110, 1));
    run(&mut e, buy(2, "b2", 101, 2));
    run(&mut e, buy(1, "b3", 100, 3));
    run(&mut e, sell(1, "a2", 109, 4));
    run(&mut e, sell(1, "a3", 110, 5));
    assert_eq!(
        ids(e.account_orders(AccountId(1))),
        ["b1", "b3", "a2", "a3"]
    );
    assert_eq!(ids(e.account_orders(AccountId(2))), ["a1", "b2"]);
    assert_eq!(e.account_orders(AccountId(99)).count(), 0);
    assert_eq!(
        ids(e.resting_orders(BTC_USD)),
        ["b2", "b1", "b3", "a2", "a1", "a3"]
    );
    assert_eq!(e.resting_orders(InstrumentId(5)).count(), 0);
    // A partly filled, amended order shows its totals.
    run(&mut e, sell(3, "hit", 101, 1));
    run(&mut e, amend(2, "b2", None, Some(5)));
    let b2 = e.account_orders(AccountId(2)).nth(1).unwrap();
    assert_eq!(
        (b2.account, b2.side, b2.price, b2.qty, b2.leaves),
        (AccountId(2), Side::Buy, Price(101), Qty(5), Qty(4))
    );
    assert_eq!(b2.tif, TimeInForce::Gtc);
    assert_eq!(b2.instrument, BTC_USD);

    let balances: Vec<(String, _)> = e
        .account_balances(AccountId(1))
        .map(|(n, b)| (n.as_str().to_owned(), b))
        .collect();
    assert_eq!(balances.len(), 2);
    assert_eq!(balances[0].0, "BTC");
    assert_eq!(balances[1].0, "USD");
    assert_eq!(balances[1].1, e.balance(AccountId(1), AssetId(1)));
    assert_eq!(e.account_balances(AccountId(99)).count(), 0);
}

#[test]
fn next_expiry_is_the_earliest_open_gtd_order() {
    let mut e = engine();
    assert_eq!(e.next_expiry(), None);
    let gtd = |t| TimeInForce::Gtd(Timestamp(t));
    run(&mut e, order(1, "late", Side::Buy, 90, 1, gtd(50)));
    run(&mut e, order(1, "soon", Side::Buy, 91, 1, gtd(20)));
    run(&mut e, order(2, "mid", Side::Sell, 300, 1, gtd(30)));
    assert_eq!(e.next_expiry(), Some(Timestamp(20)));
    // Closing the earliest (a cancel) moves it on.
    run(&mut e, cancel(1, "soon"));
    assert_eq!(e.next_expiry(), Some(Timestamp(30)));
    // So does a fill.
    run(&mut e, buy(3, "taker", 300, 1));
    assert_eq!(e.next_expiry(), Some(Timestamp(50)));
    run(&mut e, Command::Time { ts: Timestamp(50) });
    assert_eq!(e.next_expiry(), None);
}

#[test]
fn flags_and_fees_enter_the_hash_and_survive_a_snapshot() {
    let mut e = engine();
    run(&mut e, buy(1, "a", 100, 1));
    let plain = e.state_hash();
    run(&mut e, halt(true));
    let halted = e.state_hash();
    assert_ne!(halted, plain);
    run(&mut e, kill(2, true));
    let both = e.state_hash();
    assert_ne!(both, halted);
    run(
        &mut e,
        Command::SetFees {
            instrument: BTC_USD,
            maker_fee_bps: 3,
            taker_fee_bps: 5,
        },
    );
    assert_ne!(e.state_hash(), both);

    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).expect("decodes");
    assert_eq!(restored.state_hash(), e.state_hash());
    assert!(restored.is_halted(BTC_USD));
    assert!(restored.kill_switch(AccountId(2)));
    assert_eq!(restored.instrument(BTC_USD).unwrap().spec.taker_fee_bps, 5);
    assert_eq!(
        run(&mut restored, sell(3, "s", 100, 1)),
        rejected(3, "s", RejectReason::InstrumentHalted)
    );

    // Back to the plain state: the hash is the one from before (the flags leave no trace).
    for cmd in [
        halt(false),
        kill(2, false),
        Command::SetFees {
            instrument: BTC_USD,
            maker_fee_bps: -1,
            taker_fee_bps: 4,
        },
    ] {
        run(&mut e, cmd);
    }
    assert_eq!(e.state_hash(), plain);
}

#[test]
fn a_snapshot_of_the_previous_layout_is_refused_by_version() {
    let e = engine();
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    assert_eq!(bytes[0], tradestream_engine::SNAPSHOT_VERSION);
    assert_eq!(tradestream_engine::SNAPSHOT_VERSION, 5);
    bytes[0] = 3;
    let err = Engine::from_snapshot(&bytes).err().expect("refused");
    assert_eq!(
        err,
        CodecError::SnapshotVersion {
            found: 3,
            supported: 5,
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("version 3") && text.contains("version 5"),
        "{text}"
    );
}
