//! Options (issue 5): the journaled mark and risk array (`OptionRisk`), scenario margin of calls
//! and puts, and settlement at the payoff. Every expectation is computed by hand from the rules in
//! `margin.rs`, `handlers/products.rs` and `handlers/derivatives.rs`.
//!
//! The venue: a perpetual `BTC-PERP` (the underlying) and a call and a put on it, all with tick 1
//! and lot 1, so one tick-lot is exactly 1 USD and a price in ticks reads as USD per contract.
//! Options: strike 100, initial margin 5000 bps (half the worst scenario loss), maintenance
//! 2500 bps (a quarter of it).

mod venue;

use tradestream_engine::{Engine, MarginSummary};
use tradestream_model::{
    Amount, CancelReason, Command, EngineError, Event, InstrumentId, InstrumentKind, OptionRight,
    Price, RejectReason, RiskArray, Side, Timestamp,
};
use venue::{
    accepted, available, cross, deposit, engine, filled, limit, list, margin, margin_of, name,
    perpetual, place, position, rejected, run, spec, trade, usd, usd_ledger,
};

const PERP: InstrumentId = InstrumentId(0);
const CALL: InstrumentId = InstrumentId(1);
const PUT: InstrumentId = InstrumentId(2);

/// The call's value in ticks per scenario (index `2 x move + shift`, moves -3..=3, volatility up
/// on even indexes, down on odd ones): worth 0..22 ticks, rising with the underlying.
const CALL_VALUES: RiskArray = [1, 0, 2, 1, 4, 3, 7, 5, 11, 9, 16, 14, 22, 20];
/// The put's values: the call's mirrored (rising as the underlying falls).
const PUT_VALUES: RiskArray = [22, 20, 16, 14, 11, 9, 7, 5, 4, 3, 2, 1, 1, 0];

fn option(right: OptionRight) -> InstrumentKind {
    InstrumentKind::Option {
        underlying: PERP,
        right,
        strike: Price(100),
        expiry: Timestamp(1_000_000),
        margin: margin(5_000, 2_500),
    }
}

/// The perpetual and the two options, ids 0, 1, 2.
fn venue() -> Engine {
    let mut e = engine();
    assert_eq!(
        list(
            &mut e,
            spec("BTC-PERP", perpetual(margin(1_000, 500), 0, 0), "1", "1")
        ),
        PERP
    );
    assert_eq!(
        list(
            &mut e,
            spec("BTC-C100", option(OptionRight::Call), "1", "1")
        ),
        CALL
    );
    assert_eq!(
        list(&mut e, spec("BTC-P100", option(OptionRight::Put), "1", "1")),
        PUT
    );
    // One tick-lot is 1 x 1 = 1 USD.
    assert_eq!(e.instrument(CALL).unwrap().quote_per_tick_lot, usd("1"));
    e
}

fn risk(instrument: InstrumentId, mark: i64, values: RiskArray) -> Command {
    Command::OptionRisk {
        instrument,
        vol_ppm: 550_000,
        mark: Price(mark),
        values,
    }
}

fn marked(instrument: InstrumentId, mark: i64) -> Event {
    Event::OptionMarked {
        instrument,
        vol_ppm: 550_000,
        mark: Price(mark),
    }
}

fn summary(balance: &str, unrealized: &str, initial: &str, maintenance: &str) -> MarginSummary {
    MarginSummary {
        asset: name("USD"),
        balance: usd(balance),
        unrealized: usd(unrealized),
        equity: usd(balance) + usd(unrealized),
        initial: usd(initial),
        maintenance: usd(maintenance),
    }
}

#[test]
fn option_risk_sets_the_mark_and_the_array_and_checks_its_inputs() {
    let mut e = venue();
    // Unknown instrument, then a perpetual (not an option): nothing set.
    assert_eq!(
        run(&mut e, risk(InstrumentId(9), 6, CALL_VALUES)),
        vec![Event::Error(EngineError::UnknownInstrument(9))]
    );
    assert_eq!(
        run(&mut e, risk(PERP, 6, CALL_VALUES)),
        vec![Event::Error(EngineError::WrongKind(0))]
    );
    assert_eq!(e.instrument(PERP).unwrap().mark, None);
    // One negative scenario value, or a negative mark: bad_risk, nothing set.
    let mut negative = CALL_VALUES;
    negative[13] = -1;
    assert_eq!(
        run(&mut e, risk(CALL, 6, negative)),
        vec![Event::Error(EngineError::BadRisk)]
    );
    assert_eq!(
        run(&mut e, risk(CALL, -1, CALL_VALUES)),
        vec![Event::Error(EngineError::BadRisk)]
    );
    let call = e.instrument(CALL).unwrap();
    assert_eq!((call.mark, call.risk, call.vol_ppm), (None, None, 0));

    // A valid array: `OptionMarked` with the volatility and mark; both kept.
    assert_eq!(
        run(&mut e, risk(CALL, 6, CALL_VALUES)),
        vec![marked(CALL, 6)]
    );
    let call = e.instrument(CALL).unwrap();
    assert_eq!(
        (call.mark, call.risk, call.vol_ppm),
        (Some(Price(6)), Some(CALL_VALUES), 550_000)
    );
    // A zero mark is allowed and replaces the previous one; the put is untouched.
    assert_eq!(
        run(&mut e, risk(CALL, 0, PUT_VALUES)),
        vec![marked(CALL, 0)]
    );
    let call = e.instrument(CALL).unwrap();
    assert_eq!((call.mark, call.risk), (Some(Price(0)), Some(PUT_VALUES)));
    assert_eq!(e.instrument(PUT).unwrap().risk, None);
}

#[test]
fn an_option_without_a_risk_array_cannot_be_traded() {
    let mut e = venue();
    deposit(&mut e, 1, "1000000");
    let ledger = usd_ledger(&e);
    // No risk array: any exposure needs an unbounded margin, however rich the account.
    let buy = limit(1, CALL, "b1", Side::Buy, 6, 1);
    assert_eq!(
        place(&mut e, buy),
        vec![rejected(&buy, RejectReason::InsufficientMargin)]
    );
    let sell = limit(1, PUT, "s1", Side::Sell, 6, 1);
    assert_eq!(
        place(&mut e, sell),
        vec![rejected(&sell, RejectReason::InsufficientMargin)]
    );
    // With the call's array the same buy needs 1 x (6 - 0) x 50% = 3 USD: accepted (order 1).
    // The put still has none.
    assert_eq!(
        run(&mut e, risk(CALL, 6, CALL_VALUES)),
        vec![marked(CALL, 6)]
    );
    let buy = limit(1, CALL, "b2", Side::Buy, 6, 1);
    assert_eq!(place(&mut e, buy), vec![accepted(&buy, 1)]);
    let sell = limit(1, PUT, "s2", Side::Sell, 6, 1);
    assert_eq!(
        place(&mut e, sell),
        vec![rejected(&sell, RejectReason::InsufficientMargin)]
    );
    assert_eq!(usd_ledger(&e), ledger);
}

/// A short call's initial margin is its worst scenario loss x 5000 / 10000, a long call's the
/// premium it could lose x 5000 / 10000.
#[test]
fn call_margin_is_the_worst_scenario_loss_share() {
    let mut e = venue();
    deposit(&mut e, 1, "30");
    deposit(&mut e, 2, "80");
    assert_eq!(
        run(&mut e, risk(CALL, 6, CALL_VALUES)),
        vec![marked(CALL, 6)]
    );
    let ledger = usd_ledger(&e);

    // Seller (2), flat, offers q calls at 6: filled it receives 6q and owes the scenario value,
    // worst 22 (scenario 12): loss (22 - 6) x q = 16q ticks = 16q USD, initial 16q x 50% = 8q.
    // 11 calls: 88 > 80: rejected. 10 calls: 80 = equity 80: accepted (exactly at the boundary).
    let s = limit(2, CALL, "s11", Side::Sell, 6, 11);
    assert_eq!(
        place(&mut e, s),
        vec![rejected(&s, RejectReason::InsufficientMargin)]
    );
    let short = limit(2, CALL, "s10", Side::Sell, 6, 10);
    assert_eq!(place(&mut e, short), vec![accepted(&short, 1)]);
    // Open orders count: one more call at 6 makes 11 x 8 = 88 > 80.
    let s = limit(2, CALL, "s1", Side::Sell, 6, 1);
    assert_eq!(
        place(&mut e, s),
        vec![rejected(&s, RejectReason::InsufficientMargin)]
    );
    // Summary of 2: balance 80, no position (unrealized 0, maintenance 0), initial 80 (orders).
    assert_eq!(margin_of(&e, 2), vec![summary("80", "0", "80", "0")]);

    // Buyer (1), flat, bids q calls at 6: the worst scenario is the call worth 0 (scenario 1):
    // loss 6q USD, the premium; initial 6q x 50% = 3q. 11 calls: 33 > 30 rejected; 10: 30 = 30.
    let b = limit(1, CALL, "b11", Side::Buy, 6, 11);
    assert_eq!(
        place(&mut e, b),
        vec![rejected(&b, RejectReason::InsufficientMargin)]
    );
    let long = limit(1, CALL, "b10", Side::Buy, 6, 10);
    assert_eq!(
        place(&mut e, long),
        vec![
            accepted(&long, 2),
            trade(1, &short, &long, 10),
            filled(&short),
            filled(&long)
        ]
    );
    // Positions at 6: entries +60 and -60 USD; no fees, balances unchanged.
    assert_eq!(position(&e, 1, CALL), (10, usd("60")));
    assert_eq!(position(&e, 2, CALL), (-10, usd("-60")));
    assert_eq!((available(&e, 1), available(&e, 2)), (usd("30"), usd("80")));
    // Reference = mark 6, unrealized 10 x 6 - 60 = 0.
    // 1 long 10: worst scenario value 0: loss 60; initial 30, maintenance 60 x 25% = 15.
    // 2 short 10: worst scenario value 22: loss 10 x 16 = 160; initial 80, maintenance 40.
    assert_eq!(margin_of(&e, 1), vec![summary("30", "0", "30", "15")]);
    assert_eq!(margin_of(&e, 2), vec![summary("80", "0", "80", "40")]);
    // The long is at its limit too: one more call at 1 tick adds (1 - 0) x 50% = 0.5: 30.5 > 30.
    let b = limit(1, CALL, "b1", Side::Buy, 1, 1);
    assert_eq!(
        place(&mut e, b),
        vec![rejected(&b, RejectReason::InsufficientMargin)]
    );

    // A new mark 8 (same array): unrealized 1: 10 x 8 - 60 = +20, 2: -80 + 60 = -20.
    // 1: worst value 0: loss 10 x 8 = 80, initial 40, maintenance 20; equity 50.
    // 2: worst value 22: loss 10 x 14 = 140, initial 70, maintenance 35; equity 60 >= 35, so no
    // liquidation: the only event is `OptionMarked`.
    assert_eq!(
        run(&mut e, risk(CALL, 8, CALL_VALUES)),
        vec![marked(CALL, 8)]
    );
    assert_eq!(margin_of(&e, 1), vec![summary("30", "20", "40", "20")]);
    assert_eq!(margin_of(&e, 2), vec![summary("80", "-20", "70", "35")]);
    // 2 now cannot sell even one more at 8: (22 - 8) x 11 = 154 loss, initial 77 > 60.
    let s = limit(2, CALL, "s2", Side::Sell, 8, 1);
    assert_eq!(
        place(&mut e, s),
        vec![rejected(&s, RejectReason::InsufficientMargin)]
    );
    assert_eq!(usd_ledger(&e), ledger);
}

/// A put's margin mirrors the call's: the short put loses when the underlying falls.
#[test]
fn put_margin_is_the_worst_scenario_loss_share() {
    let mut e = venue();
    deposit(&mut e, 3, "15");
    deposit(&mut e, 4, "40");
    assert_eq!(run(&mut e, risk(PUT, 6, PUT_VALUES)), vec![marked(PUT, 6)]);
    let ledger = usd_ledger(&e);
    // Seller 4 of 5 puts at 6: worst value 22 (scenario 0): 5 x 16 = 80 loss, initial 40 = 40.
    // Buyer 3 of 5 at 6: worst value 0 (scenario 13): 5 x 6 = 30, initial 15 = 15.
    let s = limit(4, PUT, "s6", Side::Sell, 6, 6);
    assert_eq!(
        place(&mut e, s),
        vec![rejected(&s, RejectReason::InsufficientMargin)]
    );
    let b = limit(3, PUT, "b6", Side::Buy, 6, 6);
    assert_eq!(
        place(&mut e, b),
        vec![rejected(&b, RejectReason::InsufficientMargin)]
    );
    cross(
        &mut e,
        limit(4, PUT, "s5", Side::Sell, 6, 5),
        limit(3, PUT, "b5", Side::Buy, 6, 5),
        (1, 2, 1),
    );
    // 3 long 5: initial 15, maintenance 30 x 25% = 7.5; 4 short 5: initial 40, maintenance 20.
    assert_eq!(margin_of(&e, 3), vec![summary("15", "0", "15", "7.5")]);
    assert_eq!(margin_of(&e, 4), vec![summary("40", "0", "40", "20")]);
    assert_eq!(usd_ledger(&e), ledger);
}

fn settle(instrument: InstrumentId, price: i64) -> Command {
    Command::Settle {
        instrument,
        price: Price(price),
    }
}

/// 1 long 10 calls at 6 against 2; 3 long 5 puts at 6 against 4 (entries 60 and 30 USD).
fn traded_venue() -> Engine {
    let mut e = venue();
    for a in 1..=4 {
        deposit(&mut e, a, "1000");
    }
    assert_eq!(
        run(&mut e, risk(CALL, 6, CALL_VALUES)),
        vec![marked(CALL, 6)]
    );
    assert_eq!(run(&mut e, risk(PUT, 6, PUT_VALUES)), vec![marked(PUT, 6)]);
    cross(
        &mut e,
        limit(2, CALL, "cs", Side::Sell, 6, 10),
        limit(1, CALL, "cb", Side::Buy, 6, 10),
        (1, 2, 1),
    );
    cross(
        &mut e,
        limit(4, PUT, "ps", Side::Sell, 6, 5),
        limit(3, PUT, "pb", Side::Buy, 6, 5),
        (3, 4, 2),
    );
    e
}

#[test]
fn options_settle_at_the_payoff() {
    let mut e = traded_venue();
    let ledger = usd_ledger(&e);
    // A resting bid of 3 in the call (2 at 5) is cancelled by the settlement.
    let bid = limit(3, CALL, "bid", Side::Buy, 5, 2);
    assert_eq!(place(&mut e, bid), vec![accepted(&bid, 5)]);

    // Call settled with the underlying at 110: payoff max(0, 110 - 100) = 10 per call.
    // 1 closes long 10 (entry 60) at 10: 100 - 60 = +40; 2 closes short 10 (entry -60): -40.
    // `Settled` reports the underlying's price, 110.
    assert_eq!(
        run(&mut e, settle(CALL, 110)),
        vec![
            Event::Cancelled {
                account: bid.account,
                id: bid.id,
                instrument: CALL,
                reason: CancelReason::Settled,
                leaves_qty: bid.qty,
            },
            Event::PositionSettled {
                account: tradestream_model::AccountId(1),
                instrument: CALL,
                qty: 10,
                pnl: usd("40"),
            },
            Event::PositionSettled {
                account: tradestream_model::AccountId(2),
                instrument: CALL,
                qty: -10,
                pnl: usd("-40"),
            },
            Event::Settled {
                instrument: CALL,
                price: Price(110),
            },
        ]
    );
    // The option's mark is now its payoff.
    let call = e.instrument(CALL).unwrap();
    assert!(call.settled);
    assert_eq!(call.mark, Some(Price(10)));
    // A settled option takes no more risk arrays.
    assert_eq!(
        run(
            &mut e,
            risk(CALL, 12, [12; tradestream_model::RISK_SCENARIOS])
        ),
        vec![Event::Error(EngineError::AlreadySettled(CALL.0))]
    );

    // Put settled with the underlying at 93: payoff max(0, 100 - 93) = 7 per put.
    // 3 closes long 5 (entry 30) at 7: 35 - 30 = +5; 4: -5.
    assert_eq!(
        run(&mut e, settle(PUT, 93)),
        vec![
            Event::PositionSettled {
                account: tradestream_model::AccountId(3),
                instrument: PUT,
                qty: 5,
                pnl: usd("5"),
            },
            Event::PositionSettled {
                account: tradestream_model::AccountId(4),
                instrument: PUT,
                qty: -5,
                pnl: usd("-5"),
            },
            Event::Settled {
                instrument: PUT,
                price: Price(93),
            },
        ]
    );
    // Balances: 1000 + 40, 1000 - 40, 1000 + 5, 1000 - 5; every position flat with no entry.
    let balances: Vec<Amount> = (1..=4).map(|a| available(&e, a)).collect();
    assert_eq!(
        balances,
        vec![usd("1040"), usd("960"), usd("1005"), usd("995")]
    );
    for a in 1..=4 {
        assert_eq!(position(&e, a, CALL), (0, Amount::ZERO));
        assert_eq!(position(&e, a, PUT), (0, Amount::ZERO));
    }
    assert_eq!(usd_ledger(&e), ledger);

    // Settled: orders refused, a second settlement refused.
    let late = limit(1, CALL, "late", Side::Buy, 5, 1);
    assert_eq!(
        place(&mut e, late),
        vec![rejected(&late, RejectReason::InstrumentHalted)]
    );
    assert_eq!(
        run(&mut e, settle(CALL, 120)),
        vec![Event::Error(EngineError::AlreadySettled(1))]
    );
}

#[test]
fn out_of_the_money_options_settle_at_zero() {
    let mut e = traded_venue();
    let ledger = usd_ledger(&e);
    // Call with the underlying at 95: max(0, 95 - 100) = 0. Long 10 (entry 60) closes at 0:
    // -60; the short keeps the premium: +60.
    assert_eq!(
        run(&mut e, settle(CALL, 95)),
        vec![
            Event::PositionSettled {
                account: tradestream_model::AccountId(1),
                instrument: CALL,
                qty: 10,
                pnl: usd("-60"),
            },
            Event::PositionSettled {
                account: tradestream_model::AccountId(2),
                instrument: CALL,
                qty: -10,
                pnl: usd("60"),
            },
            Event::Settled {
                instrument: CALL,
                price: Price(95),
            },
        ]
    );
    assert_eq!(e.instrument(CALL).unwrap().mark, Some(Price(0)));
    // Put at the money (underlying 100): max(0, 100 - 100) = 0. Long 5 (entry 30): -30; short
    // +30.
    assert_eq!(
        run(&mut e, settle(PUT, 100)),
        vec![
            Event::PositionSettled {
                account: tradestream_model::AccountId(3),
                instrument: PUT,
                qty: 5,
                pnl: usd("-30"),
            },
            Event::PositionSettled {
                account: tradestream_model::AccountId(4),
                instrument: PUT,
                qty: -5,
                pnl: usd("30"),
            },
            Event::Settled {
                instrument: PUT,
                price: Price(100),
            },
        ]
    );
    let balances: Vec<Amount> = (1..=4).map(|a| available(&e, a)).collect();
    assert_eq!(
        balances,
        vec![usd("940"), usd("1060"), usd("970"), usd("1030")]
    );
    assert_eq!(usd_ledger(&e), ledger);
    // Snapshot after settlement: same hash, and the settled option still refuses orders.
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), e.state_hash());
    let o = limit(2, PUT, "again", Side::Sell, 1, 1);
    let expect = vec![rejected(&o, RejectReason::InstrumentHalted)];
    assert_eq!(place(&mut e, o), expect);
    assert_eq!(place(&mut restored, o), expect);
}

#[test]
fn option_risk_state_survives_a_snapshot() {
    let mut e = traded_venue();
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), e.state_hash());
    assert_eq!(restored.instrument(CALL).unwrap().risk, Some(CALL_VALUES));
    assert_eq!(restored.instrument(CALL).unwrap().vol_ppm, 550_000);
    // Next command: 2 (short 10 calls, balance 1000) sells 115 more at 6: worst loss
    // (22 - 6) x 125 = 2000, initial 1000 = equity: accepted; identical on both engines.
    let o = limit(2, CALL, "more", Side::Sell, 6, 115);
    let expect = vec![accepted(&o, 5)];
    assert_eq!(place(&mut e, o), expect);
    assert_eq!(place(&mut restored, o), expect);
    // And one more lot is refused on both: 126 x 8 = 1008 > 1000.
    let o = limit(2, CALL, "one", Side::Sell, 6, 1);
    let expect = vec![rejected(&o, RejectReason::InsufficientMargin)];
    assert_eq!(place(&mut e, o), expect);
    assert_eq!(place(&mut restored, o), expect);
    assert_eq!(restored.state_hash(), e.state_hash());
}
