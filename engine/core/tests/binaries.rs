//! Binary prediction contracts (issue 5): prices strictly between 0 and 1, margin at the maximum
//! loss, resolution. Every expectation is computed by hand from the rules in `margin.rs`,
//! `handlers/new_order.rs`, `handlers/products.rs` and `handlers/derivatives.rs`.
//!
//! The venue: a binary `RAIN` with tick 0.01 USD and lot 1 contract, so a `yes` is 1 USD = 100
//! ticks (the unit) and one tick-lot is 0.01 USD; a perpetual to show `Resolve` refuses other
//! kinds.

mod venue;

use tradestream_engine::{Engine, MarginSummary};
use tradestream_model::{
    AccountId, Amount, CancelReason, Command, EngineError, Event, InstrumentId, InstrumentKind,
    NewOrder, Price, RejectReason, Side, Timestamp,
};
use venue::{
    accepted, available, deposit, engine, filled, limit, list, margin, margin_of, name, perpetual,
    place, position, rejected, run, spec, trade, usd, usd_ledger,
};

const RAIN: InstrumentId = InstrumentId(0);
const PERP: InstrumentId = InstrumentId(1);

fn venue() -> Engine {
    let mut e = engine();
    let binary = InstrumentKind::Binary {
        expiry: Timestamp(1_000_000),
    };
    assert_eq!(list(&mut e, spec("RAIN", binary, "0.01", "1")), RAIN);
    assert_eq!(
        list(
            &mut e,
            spec("BTC-PERP", perpetual(margin(1_000, 500), 0, 0), "1", "1")
        ),
        PERP
    );
    // 1 USD / 0.01 = 100 ticks in a unit; one tick-lot is 0.01 x 1 = 0.01 USD.
    let rain = e.instrument(RAIN).unwrap();
    assert_eq!((rain.unit, rain.quote_per_tick_lot), (100, usd("0.01")));
    e
}

fn cancelled_settled(o: &NewOrder) -> Event {
    Event::Cancelled {
        account: o.account,
        id: o.id,
        instrument: o.instrument.unwrap(),
        reason: CancelReason::Settled,
        leaves_qty: o.qty,
    }
}

fn settled(account: u64, qty: i64, pnl: &str) -> Event {
    Event::PositionSettled {
        account: AccountId(account),
        instrument: RAIN,
        qty,
        pnl: usd(pnl),
    }
}

fn resolve(instrument: InstrumentId, yes: bool) -> Command {
    Command::Resolve { instrument, yes }
}

fn summary(balance: &str, initial: &str, maintenance: &str) -> Vec<MarginSummary> {
    vec![MarginSummary {
        asset: name("USD"),
        balance: usd(balance),
        unrealized: Amount::ZERO,
        equity: usd(balance),
        initial: usd(initial),
        maintenance: usd(maintenance),
    }]
}

#[test]
fn binary_prices_lie_strictly_between_zero_and_one() {
    let mut e = venue();
    deposit(&mut e, 1, "10");
    let ledger = usd_ledger(&e);
    // 0 and below: not a price; 100 ticks = 1.00 USD and above: beyond the unit.
    for (id, side, price) in [
        ("zero", Side::Buy, 0),
        ("neg", Side::Sell, -1),
        ("one", Side::Buy, 100),
        ("one-s", Side::Sell, 100),
        ("above", Side::Sell, 101),
    ] {
        let o = limit(1, RAIN, id, side, price, 1);
        assert_eq!(
            place(&mut e, o),
            vec![rejected(&o, RejectReason::InvalidPrice)],
            "{id}"
        );
    }
    // The extremes 0.01 and 0.99 are fine. A sell at 0.01 may lose (100 - 1) x 0.01 = 0.99 <= 10.
    let low = limit(1, RAIN, "low", Side::Sell, 1, 1);
    assert_eq!(place(&mut e, low), vec![accepted(&low, 1)]);
    // A buy at 0.99 (another account) may lose 99 x 0.01 = 0.99 <= 10; it trades at the offer's
    // 0.01.
    deposit(&mut e, 2, "10");
    let high = limit(2, RAIN, "high", Side::Buy, 99, 1);
    assert_eq!(
        place(&mut e, high),
        vec![
            accepted(&high, 2),
            trade(1, &low, &high, 1),
            filled(&low),
            filled(&high)
        ]
    );
    assert_eq!(usd_ledger(&e), ledger + usd("10").0);
}

/// A buyer at 0.30 can lose 0.30 a contract (resolves `no`), a seller 0.70 (resolves `yes`).
#[test]
fn binary_margin_is_the_loss_if_it_resolves_against_the_account() {
    let mut e = venue();
    deposit(&mut e, 1, "3");
    deposit(&mut e, 2, "7");
    let ledger = usd_ledger(&e);

    // Seller 2 at 30 ticks: loss in scenario 100 is (100 - 30) x 0.01 = 0.70 a contract.
    // 11: 7.70 > 7: rejected; 10: 7.00 = 7: accepted; then one more (11 with the open order):
    // rejected.
    let s = limit(2, RAIN, "s11", Side::Sell, 30, 11);
    assert_eq!(
        place(&mut e, s),
        vec![rejected(&s, RejectReason::InsufficientMargin)]
    );
    let sell = limit(2, RAIN, "s10", Side::Sell, 30, 10);
    assert_eq!(place(&mut e, sell), vec![accepted(&sell, 1)]);
    let s = limit(2, RAIN, "s1", Side::Sell, 30, 1);
    assert_eq!(
        place(&mut e, s),
        vec![rejected(&s, RejectReason::InsufficientMargin)]
    );
    assert_eq!(margin_of(&e, 2), summary("7", "7", "0"));

    // Buyer 1 at 30: loss in scenario 0 is 30 x 0.01 = 0.30 a contract. 11: 3.30 > 3: rejected;
    // 10: 3.00 = 3: accepted, and it trades with 2's offer.
    let b = limit(1, RAIN, "b11", Side::Buy, 30, 11);
    assert_eq!(
        place(&mut e, b),
        vec![rejected(&b, RejectReason::InsufficientMargin)]
    );
    let buy = limit(1, RAIN, "b10", Side::Buy, 30, 10);
    assert_eq!(
        place(&mut e, buy),
        vec![
            accepted(&buy, 2),
            trade(1, &sell, &buy, 10),
            filled(&sell),
            filled(&buy)
        ]
    );
    // Entries 10 x 30 x 0.01 = +3 and -3 USD; balances untouched (no fees).
    assert_eq!(position(&e, 1, RAIN), (10, usd("3")));
    assert_eq!(position(&e, 2, RAIN), (-10, usd("-3")));
    assert_eq!((available(&e, 1), available(&e, 2)), (usd("3"), usd("7")));
    // Reference = last trade 30, unrealized 0. Held positions need their full max loss for
    // both initial and maintenance: 1: 10 x 0.30 = 3; 2: 10 x 0.70 = 7. Equity equals
    // maintenance: not below it, so no liquidation happened (the events above).
    assert_eq!(margin_of(&e, 1), summary("3", "3", "3"));
    assert_eq!(margin_of(&e, 2), summary("7", "7", "7"));
    // One more contract even at the lowest price, 0.01, needs 0.01 more: rejected.
    let b = limit(1, RAIN, "b1", Side::Buy, 1, 1);
    assert_eq!(
        place(&mut e, b),
        vec![rejected(&b, RejectReason::InsufficientMargin)]
    );
    assert_eq!(usd_ledger(&e), ledger);
}

/// 3 rests a bid of 5 at 0.20 and an offer of 4 at 0.50; 2 sells 10 at 0.30 to 1.
/// Returns 3's two orders.
fn traded() -> (Engine, NewOrder, NewOrder) {
    let mut e = venue();
    deposit(&mut e, 1, "3");
    deposit(&mut e, 2, "7");
    deposit(&mut e, 3, "100");
    let bid = limit(3, RAIN, "b3", Side::Buy, 20, 5);
    assert_eq!(place(&mut e, bid), vec![accepted(&bid, 1)]);
    let ask = limit(3, RAIN, "a3", Side::Sell, 50, 4);
    assert_eq!(place(&mut e, ask), vec![accepted(&ask, 2)]);
    let sell = limit(2, RAIN, "s2", Side::Sell, 30, 10);
    assert_eq!(place(&mut e, sell), vec![accepted(&sell, 3)]);
    let buy = limit(1, RAIN, "b1", Side::Buy, 30, 10);
    assert_eq!(
        place(&mut e, buy),
        vec![
            accepted(&buy, 4),
            trade(1, &sell, &buy, 10),
            filled(&sell),
            filled(&buy)
        ]
    );
    (e, bid, ask)
}

#[test]
fn resolving_yes_pays_the_unit() {
    let (mut e, bid, ask) = traded();
    let ledger = usd_ledger(&e);
    // Orders cancelled (bid side, then ask side), then positions closed at 100 ticks:
    // 1 long 10 (entry 3): 10 x 100 x 0.01 - 3 = +7; 2 short 10 (entry -3): -10 + 3 = -7.
    assert_eq!(
        run(&mut e, resolve(RAIN, true)),
        vec![
            cancelled_settled(&bid),
            cancelled_settled(&ask),
            settled(1, 10, "7"),
            settled(2, -10, "-7"),
            Event::Settled {
                instrument: RAIN,
                price: Price(100),
            },
        ]
    );
    // 1: 3 + 7 = 10; 2: 7 - 7 = 0; 3 untouched.
    assert_eq!(available(&e, 1), usd("10"));
    assert_eq!(available(&e, 2), Amount::ZERO);
    assert_eq!(available(&e, 3), usd("100"));
    assert_eq!(e.open_orders(), 0);
    assert_eq!(e.instrument(RAIN).unwrap().mark, Some(Price(100)));
    after_resolution(&mut e, ledger);
}

#[test]
fn resolving_no_pays_nothing() {
    let (mut e, bid, ask) = traded();
    let ledger = usd_ledger(&e);
    // Closed at 0: 1 long 10 (entry 3): 0 - 3 = -3; 2 short 10 (entry -3): +3.
    assert_eq!(
        run(&mut e, resolve(RAIN, false)),
        vec![
            cancelled_settled(&bid),
            cancelled_settled(&ask),
            settled(1, 10, "-3"),
            settled(2, -10, "3"),
            Event::Settled {
                instrument: RAIN,
                price: Price(0),
            },
        ]
    );
    // 1: 3 - 3 = 0; 2: 7 + 3 = 10.
    assert_eq!(available(&e, 1), Amount::ZERO);
    assert_eq!(available(&e, 2), usd("10"));
    assert_eq!(available(&e, 3), usd("100"));
    assert_eq!(e.instrument(RAIN).unwrap().mark, Some(Price(0)));
    after_resolution(&mut e, ledger);
}

/// What holds after either resolution.
fn after_resolution(e: &mut Engine, ledger: i128) {
    for a in 1..=3 {
        assert_eq!(position(e, a, RAIN), (0, Amount::ZERO));
    }
    assert_eq!(usd_ledger(e), ledger);
    assert!(e.instrument(RAIN).unwrap().settled);
    // No more orders, no second resolution either way.
    let late = limit(3, RAIN, "late", Side::Buy, 20, 1);
    assert_eq!(
        place(e, late),
        vec![rejected(&late, RejectReason::InstrumentHalted)]
    );
    for yes in [true, false] {
        assert_eq!(
            run(e, resolve(RAIN, yes)),
            vec![Event::Error(EngineError::AlreadySettled(0))]
        );
    }
    assert_eq!(usd_ledger(e), ledger);
    // A snapshot keeps the settled flag: the same refusal on a restored engine.
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), e.state_hash());
    let expect = vec![Event::Error(EngineError::AlreadySettled(0))];
    assert_eq!(run(e, resolve(RAIN, true)), expect);
    assert_eq!(run(&mut restored, resolve(RAIN, true)), expect);
}

#[test]
fn resolve_applies_to_binaries_only() {
    let mut e = venue();
    assert_eq!(
        run(&mut e, resolve(PERP, true)),
        vec![Event::Error(EngineError::WrongKind(1))]
    );
    assert_eq!(
        run(&mut e, resolve(InstrumentId(7), false)),
        vec![Event::Error(EngineError::UnknownInstrument(7))]
    );
    // Settle (the futures and options command) does not resolve a binary either.
    assert_eq!(
        run(
            &mut e,
            Command::Settle {
                instrument: RAIN,
                price: Price(100)
            }
        ),
        vec![Event::Error(EngineError::WrongKind(0))]
    );
    assert!(!e.instrument(RAIN).unwrap().settled);
    assert!(!e.instrument(PERP).unwrap().settled);
}
