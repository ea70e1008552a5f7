//! Derivative controls (issue 5): reduce-only, the position limit, the price band around the
//! mark, margin-checked withdrawals and the insurance fund, each followed by a snapshot that must
//! restore the same state hash and the same events for the next command. Every expectation is
//! computed by hand from the rules in `handlers/new_order.rs` (`check_position`),
//! `instruments.rs` (`band`), `margin.rs`, `handlers/funds.rs` and `handlers/products.rs`.
//!
//! The venue: a perpetual `BTC-PERP` with tick 1 and lot 1 (one tick-lot is 1 USD), initial
//! margin 10% and maintenance 5%, and a spot market `BTC-USD`.

mod venue;

use tradestream_engine::{Engine, MarginSummary};
use tradestream_model::{
    AccountId, Amount, CancelReason, ClientOrderId, Command, Controls, EngineError, Event,
    InstrumentId, InstrumentKind, NewOrder, Price, PriceKind, Qty, RejectReason, Side,
};
use venue::{
    accepted, available, cross, deposit, engine, filled, limit, list, margin, name, perpetual,
    place, position, rejected, rest, run, spec, trade, usd, usd_ledger,
};

const PERP: InstrumentId = InstrumentId(0);
const SPOT: InstrumentId = InstrumentId(1);

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
        list(&mut e, spec("BTC-USD", InstrumentKind::Spot, "1", "1")),
        SPOT
    );
    e
}

fn reduce_only(mut o: NewOrder) -> NewOrder {
    o.reduce_only = true;
    o
}

/// Places `o` and expects it rejected for `reason`.
fn refuse(e: &mut Engine, o: NewOrder, reason: RejectReason) {
    assert_eq!(place(e, o), vec![rejected(&o, reason)], "{o:?}");
}

fn withdraw(account: u64, id: &str, amount: &str) -> Command {
    Command::Withdraw {
        account: AccountId(account),
        asset: name("USD"),
        amount: usd(amount),
        id: ClientOrderId::new(id).unwrap(),
    }
}

fn withdraw_rejected(account: u64, id: &str, reason: RejectReason) -> Vec<Event> {
    vec![Event::Rejected {
        account: AccountId(account),
        id: ClientOrderId::new(id).unwrap(),
        reason,
    }]
}

/// A new total quantity for an open perpetual order.
fn amend(account: u64, id: &str, qty: i64) -> Command {
    Command::Amend {
        account: AccountId(account),
        instrument: Some(PERP),
        id: ClientOrderId::new(id).unwrap(),
        price: None,
        qty: Some(Qty(qty)),
    }
}

fn controls(c: Controls) -> Command {
    Command::SetControls {
        instrument: PERP,
        controls: c,
    }
}

/// Writes a snapshot, restores it (same state hash), applies `next` to both engines and returns
/// its events once both gave the same ones and still hash the same.
fn snapshot_then(e: &mut Engine, next: Command) -> Vec<Event> {
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), e.state_hash());
    let live = run(e, next);
    assert_eq!(run(&mut restored, next), live, "{next:?}");
    assert_eq!(restored.state_hash(), e.state_hash());
    live
}

#[test]
fn reduce_only_orders_only_ever_reduce() {
    let mut e = venue();
    deposit(&mut e, 1, "100000");
    deposit(&mut e, 2, "100000");
    let ledger = usd_ledger(&e);
    // Flat: nothing to reduce, either side.
    refuse(
        &mut e,
        reduce_only(limit(1, PERP, "f1", Side::Buy, 100, 1)),
        RejectReason::ReduceOnly,
    );
    refuse(
        &mut e,
        reduce_only(limit(1, PERP, "f2", Side::Sell, 100, 1)),
        RejectReason::ReduceOnly,
    );
    // 1 long 5, 2 short 5 at 100 (orders 1, 2; trade 1).
    cross(
        &mut e,
        limit(2, PERP, "s1", Side::Sell, 100, 5),
        limit(1, PERP, "b1", Side::Buy, 100, 5),
        (1, 2, 1),
    );
    // Long 5: a reduce-only buy is the same side: refused.
    refuse(
        &mut e,
        reduce_only(limit(1, PERP, "r1", Side::Buy, 90, 1)),
        RejectReason::ReduceOnly,
    );
    // Selling 6 would flip to -1: refused.
    refuse(
        &mut e,
        reduce_only(limit(1, PERP, "r2", Side::Sell, 110, 6)),
        RejectReason::ReduceOnly,
    );
    // Selling 3: 5 - 3 = 2: accepted (order 3, rests: no bids).
    rest(
        &mut e,
        reduce_only(limit(1, PERP, "r3", Side::Sell, 110, 3)),
        3,
    );
    // 3 more with the open 3: 5 - 3 - 3 = -1: refused.
    refuse(
        &mut e,
        reduce_only(limit(1, PERP, "r4", Side::Sell, 111, 3)),
        RejectReason::ReduceOnly,
    );
    // 2 more: 5 - 3 - 2 = 0, exactly flat: accepted (order 4).
    rest(
        &mut e,
        reduce_only(limit(1, PERP, "r5", Side::Sell, 112, 2)),
        4,
    );
    // Amending r5 up to 3 counts it once, at its new size: 5 - 3 - 3 = -1: refused, unchanged.
    assert_eq!(
        run(&mut e, amend(1, "r5", 3)),
        vec![Event::Rejected {
            account: AccountId(1),
            id: ClientOrderId::new("r5").unwrap(),
            reason: RejectReason::ReduceOnly,
        }]
    );
    // Then even one lot more: 5 - 5 - 1 = -1: refused.
    refuse(
        &mut e,
        reduce_only(limit(1, PERP, "r6", Side::Sell, 113, 1)),
        RejectReason::ReduceOnly,
    );
    // The short (2): a reduce-only sell is the same side; buying 5 back is fine (order 5);
    // one more is past flat with the open 5.
    refuse(
        &mut e,
        reduce_only(limit(2, PERP, "r7", Side::Sell, 120, 1)),
        RejectReason::ReduceOnly,
    );
    rest(
        &mut e,
        reduce_only(limit(2, PERP, "r8", Side::Buy, 90, 5)),
        5,
    );
    refuse(
        &mut e,
        reduce_only(limit(2, PERP, "r9", Side::Buy, 90, 1)),
        RejectReason::ReduceOnly,
    );
    // Spot has no positions: a reduce-only order is always refused, while the same order without
    // the flag is fine (order 6, holds 100 x 1 x 1 = 100 USD).
    refuse(
        &mut e,
        reduce_only(limit(1, SPOT, "x1", Side::Buy, 100, 1)),
        RejectReason::ReduceOnly,
    );
    refuse(
        &mut e,
        reduce_only(limit(1, SPOT, "x2", Side::Sell, 100, 1)),
        RejectReason::ReduceOnly,
    );
    rest(&mut e, limit(1, SPOT, "x3", Side::Buy, 100, 1), 6);
    assert_eq!(usd_ledger(&e), ledger);

    // Snapshot; then 2 buys 3 at 110 (no flag): it takes 1's reduce-only offer r3 (order 7,
    // trade 2), 1 is left long 2, 2 short 2.
    let r3 = reduce_only(limit(1, PERP, "r3", Side::Sell, 110, 3));
    let take = limit(2, PERP, "t1", Side::Buy, 110, 3);
    assert_eq!(
        snapshot_then(&mut e, Command::New(take)),
        vec![
            accepted(&take, 7),
            trade(2, &r3, &take, 3),
            filled(&r3),
            filled(&take),
        ]
    );
    assert_eq!(position(&e, 1, PERP).0, 2);
    // Long 2 with r5 (2) still open: 2 - 2 - 1 = -1, refused on both engines.
    let o = reduce_only(limit(1, PERP, "r10", Side::Sell, 113, 1));
    assert_eq!(
        snapshot_then(&mut e, Command::New(o)),
        vec![rejected(&o, RejectReason::ReduceOnly)]
    );
    assert_eq!(usd_ledger(&e), ledger);
}

#[test]
fn the_position_limit_counts_open_orders_on_the_side() {
    let mut e = venue();
    deposit(&mut e, 1, "100000");
    deposit(&mut e, 2, "100000");
    // 1 long 4, 2 short 4 at 100 (orders 1, 2).
    cross(
        &mut e,
        limit(2, PERP, "s1", Side::Sell, 100, 4),
        limit(1, PERP, "b1", Side::Buy, 100, 4),
        (1, 2, 1),
    );
    assert_eq!(
        run(
            &mut e,
            controls(Controls {
                max_position: Some(Qty(10)),
                ..Controls::default()
            })
        ),
        vec![]
    );
    // 1 long 4: buying 7 reaches 11 > 10: refused; 6 reaches 10: accepted (order 3).
    refuse(
        &mut e,
        limit(1, PERP, "b2", Side::Buy, 90, 7),
        RejectReason::PositionLimit,
    );
    rest(&mut e, limit(1, PERP, "b3", Side::Buy, 90, 6), 3);
    // The open bid counts: 4 + 6 + 1 = 11: refused.
    refuse(
        &mut e,
        limit(1, PERP, "b4", Side::Buy, 89, 1),
        RejectReason::PositionLimit,
    );
    // The sell side counts its own orders only: 4 - 15 = -11 refused, 4 - 14 = -10 accepted
    // (order 4).
    refuse(
        &mut e,
        limit(1, PERP, "s2", Side::Sell, 200, 15),
        RejectReason::PositionLimit,
    );
    rest(&mut e, limit(1, PERP, "s3", Side::Sell, 200, 14), 4);
    // 2 short 4: selling 7 reaches -11: refused; 6 reaches -10: accepted (order 5).
    refuse(
        &mut e,
        limit(2, PERP, "s4", Side::Sell, 201, 7),
        RejectReason::PositionLimit,
    );
    rest(&mut e, limit(2, PERP, "s5", Side::Sell, 201, 6), 5);
    // An account with nothing: 11 lots is the position limit (checked before margin); 10 lots
    // passes it and fails the margin (10 x 90 x 10% = 90 > 0).
    refuse(
        &mut e,
        limit(9, PERP, "n1", Side::Buy, 90, 11),
        RejectReason::PositionLimit,
    );
    refuse(
        &mut e,
        limit(9, PERP, "n2", Side::Buy, 90, 10),
        RejectReason::InsufficientMargin,
    );
    // Cancelling the bid b3 frees its 6: 4 + 6 = 10 is fine again.
    let out = run(
        &mut e,
        Command::Cancel {
            account: AccountId(1),
            instrument: Some(PERP),
            id: ClientOrderId::new("b3").unwrap(),
        },
    );
    assert_eq!(
        out,
        vec![Event::Cancelled {
            account: AccountId(1),
            id: ClientOrderId::new("b3").unwrap(),
            instrument: PERP,
            reason: CancelReason::User,
            leaves_qty: Qty(6),
        }]
    );
    rest(&mut e, limit(1, PERP, "b5", Side::Buy, 90, 5), 6);
    // Amending b5 from 5 to 6 counts it once, at its new size: 4 + 6 = 10: accepted (it moves
    // to the back of its level; nothing to cross). To 7: 4 + 7 = 11: refused.
    assert_eq!(
        run(&mut e, amend(1, "b5", 6)),
        vec![Event::Amended {
            account: AccountId(1),
            id: ClientOrderId::new("b5").unwrap(),
            instrument: PERP,
            price: Price(90),
            qty: Qty(6),
            leaves_qty: Qty(6),
        }]
    );
    assert_eq!(
        run(&mut e, amend(1, "b5", 7)),
        vec![Event::Rejected {
            account: AccountId(1),
            id: ClientOrderId::new("b5").unwrap(),
            reason: RejectReason::PositionLimit,
        }]
    );

    // The limit survives a snapshot: one lot more is refused on both engines (4 + 6 + 1 = 11).
    let o = limit(1, PERP, "b6", Side::Buy, 89, 1);
    assert_eq!(
        snapshot_then(&mut e, Command::New(o)),
        vec![rejected(&o, RejectReason::PositionLimit)]
    );
    // Lifting the limit (controls replaced) lets it through on both (order 7).
    assert_eq!(snapshot_then(&mut e, controls(Controls::default())), vec![]);
    let o = limit(1, PERP, "b7", Side::Buy, 89, 1);
    assert_eq!(
        snapshot_then(&mut e, Command::New(o)),
        vec![accepted(&o, 7)]
    );
}

/// Band 500 bps: `reference x (1 -/+ 5%)`, the lower bound rounded up and the upper rounded
/// down to whole ticks.
#[test]
fn the_price_band_of_a_derivative_is_around_its_mark() {
    let mut e = venue();
    deposit(&mut e, 1, "1000000");
    deposit(&mut e, 2, "1000000");
    assert_eq!(
        run(
            &mut e,
            controls(Controls {
                price_band_bps: Some(500),
                reference_price: Some(Price(200)),
                ..Controls::default()
            })
        ),
        vec![]
    );
    // No mark, no trade: around the reference 200: [190, 210].
    refuse(
        &mut e,
        limit(1, PERP, "a1", Side::Buy, 189, 1),
        RejectReason::PriceBand,
    );
    rest(&mut e, limit(1, PERP, "a2", Side::Buy, 190, 1), 1);
    refuse(
        &mut e,
        limit(1, PERP, "a3", Side::Buy, 211, 1),
        RejectReason::PriceBand,
    );
    rest(&mut e, limit(1, PERP, "a4", Side::Buy, 210, 1), 2);

    // Mark 1001: [ceil(1001 x 0.95) = ceil(950.95) = 951, floor(1001 x 1.05) =
    // floor(1051.05) = 1051]. No positions, so no margin call.
    assert_eq!(
        run(
            &mut e,
            Command::SetPrice {
                instrument: PERP,
                kind: PriceKind::Mark,
                price: Price(1001),
            }
        ),
        vec![Event::PriceSet {
            instrument: PERP,
            kind: PriceKind::Mark,
            price: Price(1001),
        }]
    );
    // 200 was inside the old band, not this one.
    refuse(
        &mut e,
        limit(1, PERP, "m1", Side::Buy, 200, 1),
        RejectReason::PriceBand,
    );
    refuse(
        &mut e,
        limit(1, PERP, "m2", Side::Buy, 950, 1),
        RejectReason::PriceBand,
    );
    let bid = limit(1, PERP, "m3", Side::Buy, 951, 1);
    rest(&mut e, bid, 3);
    rest(&mut e, limit(2, PERP, "m4", Side::Sell, 1051, 1), 4);
    refuse(
        &mut e,
        limit(2, PERP, "m5", Side::Sell, 1052, 1),
        RejectReason::PriceBand,
    );
    // A trade at 951 (2 sells into 1's bid: order 5, trade 1). Around that last trade the band
    // would be [ceil(903.45) = 904, floor(998.55) = 998], which holds 950; around the mark it
    // is still [951, 1051], so 950 is still refused.
    let hit = limit(2, PERP, "m6", Side::Sell, 951, 1);
    assert_eq!(
        place(&mut e, hit),
        vec![
            accepted(&hit, 5),
            trade(1, &bid, &hit, 1),
            filled(&bid),
            filled(&hit)
        ]
    );
    assert_eq!(e.instrument(PERP).unwrap().last_trade, Some(Price(951)));
    refuse(
        &mut e,
        limit(1, PERP, "m7", Side::Buy, 950, 1),
        RejectReason::PriceBand,
    );

    // The mark and the band survive a snapshot: 1052 refused and 1051 accepted on both.
    let o = limit(2, PERP, "m8", Side::Sell, 1052, 1);
    assert_eq!(
        snapshot_then(&mut e, Command::New(o)),
        vec![rejected(&o, RejectReason::PriceBand)]
    );
    let o = limit(2, PERP, "m9", Side::Sell, 1051, 1);
    assert_eq!(
        snapshot_then(&mut e, Command::New(o)),
        vec![accepted(&o, 6)]
    );
}

fn summary(
    balance: &str,
    unrealized: &str,
    initial: &str,
    maintenance: &str,
) -> Vec<MarginSummary> {
    vec![MarginSummary {
        asset: name("USD"),
        balance: usd(balance),
        unrealized: usd(unrealized),
        equity: usd(balance) + usd(unrealized),
        initial: usd(initial),
        maintenance: usd(maintenance),
    }]
}

#[test]
fn withdrawals_keep_the_initial_margin_covered() {
    let mut e = venue();
    deposit(&mut e, 1, "1000");
    deposit(&mut e, 2, "100000");
    // 1 long 50 at 100 (entry 5000) against 2 (orders 1, 2), then a bid of 10 at 90 (order 3).
    cross(
        &mut e,
        limit(2, PERP, "s1", Side::Sell, 100, 50),
        limit(1, PERP, "b1", Side::Buy, 100, 50),
        (1, 2, 1),
    );
    rest(&mut e, limit(1, PERP, "b2", Side::Buy, 90, 10), 3);
    let ledger = usd_ledger(&e);
    // Reference: the last trade 100 (no mark). Unrealized 50 x 100 - 5000 = 0.
    // Buy side |50 x 100 + 10 x 90| = 5900 x 10% = 590 (buying below the reference: no
    // immediate loss); sell side |5000| x 10% = 500: initial 590. Maintenance 5000 x 5% = 250.
    assert_eq!(
        e.margin_summary(AccountId(1)),
        summary("1000", "0", "590", "250")
    );
    // 1000 - 590 = 410 can go; one unit more cannot. More than the balance: insufficient
    // balance.
    assert_eq!(
        run(&mut e, withdraw(1, "w1", "410.000000000000000001")),
        withdraw_rejected(1, "w1", RejectReason::InsufficientMargin)
    );
    assert_eq!(
        run(&mut e, withdraw(1, "w2", "1000.000000000000000001")),
        withdraw_rejected(1, "w2", RejectReason::InsufficientBalance)
    );
    assert_eq!(run(&mut e, withdraw(1, "w3", "410")), vec![]);
    assert_eq!(available(&e, 1), usd("590"));
    assert_eq!(
        run(&mut e, withdraw(1, "w4", "0.000000000000000001")),
        withdraw_rejected(1, "w4", RejectReason::InsufficientMargin)
    );
    // Without the bid the initial margin is 500: 90 more can go.
    assert_eq!(
        run(
            &mut e,
            Command::Cancel {
                account: AccountId(1),
                instrument: Some(PERP),
                id: ClientOrderId::new("b2").unwrap(),
            }
        ),
        vec![Event::Cancelled {
            account: AccountId(1),
            id: ClientOrderId::new("b2").unwrap(),
            instrument: PERP,
            reason: CancelReason::User,
            leaves_qty: Qty(10),
        }]
    );
    assert_eq!(
        run(&mut e, withdraw(1, "w5", "90.000000000000000001")),
        withdraw_rejected(1, "w5", RejectReason::InsufficientMargin)
    );
    assert_eq!(run(&mut e, withdraw(1, "w6", "90")), vec![]);
    assert_eq!(
        e.margin_summary(AccountId(1)),
        summary("500", "0", "500", "250")
    );
    // Mark 104: unrealized 50 x 104 - 5000 = +200, equity 700; initial 50 x 104 x 10% = 520,
    // maintenance 260. Withdrawals count unrealized losses but not profits: the balance 500 is
    // below the initial margin 520, so not even one unit can go (the +200 stays in until it is
    // realized).
    let out = run(
        &mut e,
        Command::SetPrice {
            instrument: PERP,
            kind: PriceKind::Mark,
            price: Price(104),
        },
    );
    // 1's equity 700 >= 260 and 2's (short 50: 100000 - 200) far above 260: no liquidation.
    assert_eq!(
        out,
        vec![Event::PriceSet {
            instrument: PERP,
            kind: PriceKind::Mark,
            price: Price(104),
        }]
    );
    assert_eq!(
        e.margin_summary(AccountId(1)),
        summary("500", "200", "520", "260")
    );
    assert_eq!(
        run(&mut e, withdraw(1, "w7", "180")),
        withdraw_rejected(1, "w7", RejectReason::InsufficientMargin)
    );
    assert_eq!(
        run(&mut e, withdraw(1, "w8", "0.000000000000000001")),
        withdraw_rejected(1, "w8", RejectReason::InsufficientMargin)
    );
    assert_eq!(available(&e, 1), usd("500"));
    // Withdrawals are the ledger's only change: 410 + 90 = 500.
    assert_eq!(usd_ledger(&e), ledger - usd("500").0);

    // After a snapshot, one unit more is still refused on both engines.
    assert_eq!(
        snapshot_then(&mut e, withdraw(1, "w9", "0.000000000000000001")),
        withdraw_rejected(1, "w9", RejectReason::InsufficientMargin)
    );
}

#[test]
fn insurance_deposits_grow_the_fund() {
    let mut e = venue();
    let usd_id = e.asset_id(&name("USD")).unwrap();
    let insure = |asset: &str, amount: Amount| Command::InsuranceDeposit {
        asset: name(asset),
        amount,
    };
    deposit(&mut e, 1, "100");
    let ledger = usd_ledger(&e);
    assert_eq!(e.insurance_funds(), vec![]);
    assert_eq!(run(&mut e, insure("USD", usd("250"))), vec![]);
    assert_eq!(e.insurance_funds(), vec![(name("USD"), usd("250"))]);
    // Not positive: refused, nothing changes.
    for bad in [Amount::ZERO, usd("-5")] {
        assert_eq!(
            run(&mut e, insure("USD", bad)),
            vec![Event::Error(EngineError::BadAmount)]
        );
    }
    assert_eq!(e.insurance_funds(), vec![(name("USD"), usd("250"))]);
    // A new asset gets its own fund, listed after USD (asset order: BTC, USD, EUR; BTC's fund is
    // zero and not listed); more USD adds up: 250 + 50 = 300.
    assert_eq!(run(&mut e, insure("EUR", usd("7"))), vec![]);
    assert_eq!(run(&mut e, insure("USD", usd("50"))), vec![]);
    assert_eq!(
        e.insurance_funds(),
        vec![(name("USD"), usd("300")), (name("EUR"), usd("7"))]
    );
    assert_eq!(e.insurance_fund(usd_id), usd("300"));
    // The fund is part of the asset's supply and of the ledger: both grow by the 300 paid in.
    assert_eq!(e.supply(usd_id), usd("400"));
    assert_eq!(usd_ledger(&e), ledger + usd("300").0);

    // After a snapshot: the same refusal, then the same deposit, on both engines.
    assert_eq!(
        snapshot_then(&mut e, insure("USD", Amount::ZERO)),
        vec![Event::Error(EngineError::BadAmount)]
    );
    assert_eq!(snapshot_then(&mut e, insure("USD", usd("1"))), vec![]);
    assert_eq!(e.insurance_fund(usd_id), usd("301"));
}
