//! Liquidation scenarios (issue 5): every event of the command that liquidates is asserted
//! exactly, with the arithmetic done by hand in the comments.
//!
//! The venue: one perpetual `BTC-PERP` settled in USD, initial margin 1000 bps, maintenance
//! 500 bps, tick 1 and lot 1, so one lot at one tick is exactly 1 USD and a price of 100 means a
//! contract is worth 100 USD. No fees. Accounts are created by their first deposit, in the order
//! 1, 2, 3, ... (which is also the tie-break order of auto-deleveraging).
//!
//! Formulas used (from `engine/core/src/liquidation.rs` and `margin.rs`):
//!
//! ```text
//! equity      = balance + qty x mark - entry
//! maintenance = |qty| x mark x 5%
//! IOC limit   = mark -/+ floor((equity + fund) / step)       (sell / buy), clamped to the band
//! ADL price   = mark, or when equity + fund < 0, mark -/+ floor((equity + fund) / |qty|)
//! ```

mod venue;

use tradestream_engine::Engine;
use tradestream_model::{
    AccountId, AssetId, CancelReason, ClientOrderId, Command, Controls, Event, InstrumentId,
    OrderId, OrderType, Price, PriceKind, Qty, Side, Timestamp, TradeId,
};
use venue::*;

fn a(n: u64) -> AccountId {
    AccountId(n)
}

fn cid(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap()
}

/// The venue: the perpetual listed, accounts funded in order, the mark at 100.
fn setup(deposits: &[(u64, &str)]) -> (Engine, InstrumentId, AssetId) {
    let mut e = engine();
    let p = list(
        &mut e,
        spec("BTC-PERP", perpetual(margin(1_000, 500), 0, 0), "1", "1"),
    );
    for (acct, amount) in deposits {
        deposit(&mut e, *acct, amount);
    }
    let usd_id = e.asset_id(&name("USD")).unwrap();
    assert_eq!(
        set_mark(&mut e, p, 100),
        vec![price_set(p, 100)],
        "no positions yet"
    );
    (e, p, usd_id)
}

fn set_mark(e: &mut Engine, p: InstrumentId, price: i64) -> Vec<Event> {
    run(
        e,
        Command::SetPrice {
            instrument: p,
            kind: PriceKind::Mark,
            price: Price(price),
        },
    )
}

fn price_set(p: InstrumentId, price: i64) -> Event {
    Event::PriceSet {
        instrument: p,
        kind: PriceKind::Mark,
        price: Price(price),
    }
}

fn accepted(acct: u64, id: &str, oid: u64, p: InstrumentId, side: Side, px: i64, q: i64) -> Event {
    Event::Accepted {
        account: a(acct),
        id: cid(id),
        order_id: OrderId(oid),
        instrument: p,
        side,
        order_type: OrderType::Limit,
        price: Price(px),
        qty: Qty(q),
        ts: Timestamp(0),
    }
}

/// A trade; the taker is identified by account, client id and side.
#[allow(clippy::too_many_arguments)]
fn trade(
    p: InstrumentId,
    tid: u64,
    px: i64,
    q: i64,
    maker: (u64, &str),
    taker: (u64, &str),
    taker_side: Side,
) -> Event {
    Event::Trade {
        instrument: p,
        trade_id: TradeId(tid),
        price: Price(px),
        qty: Qty(q),
        maker_account: a(maker.0),
        maker_id: cid(maker.1),
        taker_account: a(taker.0),
        taker_id: cid(taker.1),
        taker_side,
    }
}

/// A liquidation IOC's trade against a resting bid (the liquidated account sells).
fn liq_sell(p: InstrumentId, tid: u64, px: i64, q: i64, maker: (u64, &str), acct: u64) -> Event {
    trade(p, tid, px, q, maker, (acct, "liquidation"), Side::Sell)
}

fn filled(acct: u64, id: &str, p: InstrumentId) -> Event {
    Event::Filled {
        account: a(acct),
        id: cid(id),
        instrument: p,
    }
}

fn started(acct: u64, asset: AssetId, equity: &str, maintenance: &str) -> Event {
    Event::LiquidationStarted {
        account: a(acct),
        asset,
        equity: usd(equity),
        maintenance: usd(maintenance),
    }
}

fn step(acct: u64, p: InstrumentId, side: Side, q: i64, limit: i64, fill: i64) -> Event {
    Event::LiquidationStep {
        account: a(acct),
        instrument: p,
        side,
        qty: Qty(q),
        limit: Price(limit),
        filled: Qty(fill),
    }
}

fn liquidated(acct: u64, asset: AssetId, balance: &str) -> Event {
    Event::Liquidated {
        account: a(acct),
        asset,
        balance: usd(balance),
    }
}

/// Places an order that must be accepted and rest untouched.
fn rest(e: &mut Engine, acct: u64, p: InstrumentId, id: &str, side: Side, px: i64, q: i64) -> u64 {
    let out = place(e, limit(acct, p, id, side, px, q));
    let Some(Event::Accepted { order_id, .. }) = out.first() else {
        panic!("{out:?}");
    };
    assert_eq!(out.len(), 1, "{out:?}");
    order_id.0
}

fn insurance(e: &mut Engine, amount: &str) {
    let out = run(
        e,
        Command::InsuranceDeposit {
            asset: name("USD"),
            amount: usd(amount),
        },
    );
    assert!(out.is_empty(), "{out:?}");
}

/// Account 2 sells 50 @ 100 (order 1), account 1 buys them (order 2, trade 1): account 1 long 50
/// with entry 5000, account 2 short 50 with entry -5000. Account 1's initial margin is
/// 50 x 100 x 10% = 500 USD.
fn open_long_50(e: &mut Engine, p: InstrumentId) {
    assert_eq!(rest(e, 2, p, "s1", Side::Sell, 100, 50), 1);
    let ledger = usd_ledger(e);
    assert_eq!(
        place(e, limit(1, p, "b0", Side::Buy, 100, 50)),
        vec![
            accepted(1, "b0", 2, p, Side::Buy, 100, 50),
            trade(p, 1, 100, 50, (2, "s1"), (1, "b0"), Side::Buy),
            filled(2, "s1", p),
            filled(1, "b0", p),
        ]
    );
    assert_eq!(usd_ledger(e), ledger);
    assert_eq!(position(e, 1, p), (50, usd("5000")));
    assert_eq!(position(e, 2, p), (-50, usd("-5000")));
}

#[test]
fn a_mark_move_below_maintenance_closes_against_the_book_and_leaves_the_rest() {
    let (mut e, p, u) = setup(&[(1, "1000"), (2, "10000"), (3, "100000")]);
    open_long_50(&mut e, p);
    let ledger = usd_ledger(&e);
    // Account 1 also rests a bid 5 @ 85 (buy side |5000 + 425| x 10% = 542.5 <= 1000) and an
    // ask 10 @ 120; the market maker (3) bids 30 @ 83, 40 @ 81, 50 @ 79 (initial 968 USD).
    assert_eq!(rest(&mut e, 1, p, "b1", Side::Buy, 85, 5), 3);
    assert_eq!(rest(&mut e, 1, p, "a1", Side::Sell, 120, 10), 4);
    assert_eq!(rest(&mut e, 3, p, "m1", Side::Buy, 83, 30), 5);
    assert_eq!(rest(&mut e, 3, p, "m2", Side::Buy, 81, 40), 6);
    assert_eq!(rest(&mut e, 3, p, "m3", Side::Buy, 79, 50), 7);
    assert_eq!(usd_ledger(&e), ledger);

    // Mark 84: equity 1000 + 50 x 84 - 5000 = 200 < maintenance 50 x 84 x 5% = 210.
    // Cancels in acceptance order, then one IOC sell of 50 with limit
    // 84 - floor((200 + fund 0) / 50) = 80: 30 @ 83 and 20 @ 81 (79 would be beyond the limit).
    // Realized 2490 + 1620 - 5000 = -890: balance 110 stays with the account.
    assert_eq!(
        set_mark(&mut e, p, 84),
        vec![
            price_set(p, 84),
            started(1, u, "200", "210"),
            Event::Cancelled {
                account: a(1),
                id: cid("b1"),
                instrument: p,
                reason: CancelReason::Liquidation,
                leaves_qty: Qty(5),
            },
            Event::Cancelled {
                account: a(1),
                id: cid("a1"),
                instrument: p,
                reason: CancelReason::Liquidation,
                leaves_qty: Qty(10),
            },
            liq_sell(p, 2, 83, 30, (3, "m1"), 1),
            filled(3, "m1", p),
            liq_sell(p, 3, 81, 20, (3, "m2"), 1),
            step(1, p, Side::Sell, 50, 80, 50),
            liquidated(1, u, "110"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(position(&e, 1, p), (0, usd("0")));
    assert_eq!(available(&e, 1), usd("110"));
    assert_eq!(e.account_orders(a(1)).count(), 0);
    // The maker: long 50 with entry 2490 + 1620 = 4110, balance untouched (no fees).
    assert_eq!(position(&e, 3, p), (50, usd("4110")));
    assert_eq!(available(&e, 3), usd("100000"));
    assert_eq!(
        e.depth(p, Side::Buy).collect::<Vec<_>>(),
        vec![(Price(81), Qty(20)), (Price(79), Qty(50))]
    );
    assert_eq!(e.insurance_fund(u), usd("0"));
    // A further mark changes nothing for account 1 (flat, balance positive).
    assert_eq!(set_mark(&mut e, p, 83), vec![price_set(p, 83)]);
    assert_eq!(usd_ledger(&e), ledger);
}

#[test]
fn b_loss_beyond_equity_is_paid_by_the_insurance_fund() {
    let (mut e, p, u) = setup(&[(1, "1000"), (2, "10000"), (3, "100000")]);
    open_long_50(&mut e, p);
    // The only bids: 50 @ 75 and 10 @ 69.
    assert_eq!(rest(&mut e, 3, p, "m1", Side::Buy, 75, 50), 3);
    assert_eq!(rest(&mut e, 3, p, "m2", Side::Buy, 69, 10), 4);
    let ledger = usd_ledger(&e);
    insurance(&mut e, "500");
    assert_eq!(usd_ledger(&e), ledger + usd("500").0, "insurance deposit");
    assert_eq!(e.insurance_fund(u), usd("500"));
    let ledger = usd_ledger(&e);

    // Mark 82: equity 1000 + 4100 - 5000 = 100 < maintenance 4100 x 5% = 205.
    // Limit 82 - floor((100 + 500) / 50) = 70: the bid at 75 fills all 50, the one at 69 is
    // beyond what the fund can cover and is not reached.
    // Realized 50 x 75 - 5000 = -1250: balance -250, paid by the fund (500 -> 250).
    assert_eq!(
        set_mark(&mut e, p, 82),
        vec![
            price_set(p, 82),
            started(1, u, "100", "205"),
            liq_sell(p, 2, 75, 50, (3, "m1"), 1),
            filled(3, "m1", p),
            step(1, p, Side::Sell, 50, 70, 50),
            Event::InsurancePaid {
                account: a(1),
                asset: u,
                amount: usd("250"),
            },
            liquidated(1, u, "0"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(e.insurance_fund(u), usd("250"));
    assert_eq!(e.insurance_funds(), vec![(name("USD"), usd("250"))]);
    assert_eq!(position(&e, 1, p), (0, usd("0")));
    assert_eq!(available(&e, 1), usd("0"));
    assert_eq!(position(&e, 3, p), (50, usd("3750")));
    assert_eq!(
        e.depth(p, Side::Buy).collect::<Vec<_>>(),
        vec![(Price(69), Qty(10))]
    );
}

#[test]
fn c_empty_fund_and_book_deleverage_most_profitable_first() {
    let (mut e, p, u) = setup(&[
        (1, "525"),
        (2, "10000"),
        (3, "10000"),
        (4, "10000"),
        (5, "10000"),
    ]);
    // Shorts at 100: account 2 10 lots, account 3 30, account 4 10. Account 1 buys 35
    // (initial 3500 x 10% = 350 <= 525), account 5 the other 15. The book is then empty.
    assert_eq!(rest(&mut e, 2, p, "s2", Side::Sell, 100, 10), 1);
    assert_eq!(rest(&mut e, 3, p, "s3", Side::Sell, 100, 30), 2);
    assert_eq!(rest(&mut e, 4, p, "s4", Side::Sell, 100, 10), 3);
    let ledger = usd_ledger(&e);
    assert_eq!(
        place(&mut e, limit(1, p, "b1", Side::Buy, 100, 35)),
        vec![
            accepted(1, "b1", 4, p, Side::Buy, 100, 35),
            trade(p, 1, 100, 10, (2, "s2"), (1, "b1"), Side::Buy),
            filled(2, "s2", p),
            trade(p, 2, 100, 25, (3, "s3"), (1, "b1"), Side::Buy),
            filled(1, "b1", p),
        ]
    );
    assert_eq!(
        place(&mut e, limit(5, p, "b5", Side::Buy, 100, 15)),
        vec![
            accepted(5, "b5", 5, p, Side::Buy, 100, 15),
            trade(p, 3, 100, 5, (3, "s3"), (5, "b5"), Side::Buy),
            filled(3, "s3", p),
            trade(p, 4, 100, 10, (4, "s4"), (5, "b5"), Side::Buy),
            filled(4, "s4", p),
            filled(5, "b5", p),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(
        e.depth(p, Side::Buy).count() + e.depth(p, Side::Sell).count(),
        0
    );

    // Mark 80: account 1's equity 525 + 35 x 80 - 3500 = -175 < maintenance 2800 x 5% = 140.
    // The IOC sells 35 with limit 80 - floor(-175 / 35) = 85 into an empty book: nothing.
    // Deleveraging: equity + fund = -175 < 0, so the price is 80 - floor(-175 / 35) = 85, where
    // the loss 35 x (100 - 85) = 525 is exactly the balance.
    // Ranking of the shorts at mark 80 (PnL = qty x 80 - entry): account 3 -2400 + 3000 = 600,
    // account 2 -800 + 1000 = 200, account 4 200 (tie with 2; 2 was created first).
    // Account 3 takes 30, account 2 the last 5, account 4 nothing.
    assert_eq!(
        set_mark(&mut e, p, 80),
        vec![
            price_set(p, 80),
            started(1, u, "-175", "140"),
            step(1, p, Side::Sell, 35, 85, 0),
            Event::Deleveraged {
                account: a(1),
                counterparty: a(3),
                instrument: p,
                qty: 30,
                price: Price(85),
            },
            Event::Deleveraged {
                account: a(1),
                counterparty: a(2),
                instrument: p,
                qty: 5,
                price: Price(85),
            },
            liquidated(1, u, "0"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(position(&e, 1, p), (0, usd("0")));
    assert_eq!(available(&e, 1), usd("0"));
    // Account 3 buys back 30 at 85: realized 3000 - 2550 = 450.
    assert_eq!(position(&e, 3, p), (0, usd("0")));
    assert_eq!(available(&e, 3), usd("10450"));
    // Account 2 buys back 5 of 10 at 85: entry removed ceil(-1000 x 5 / 10) = -500, realized
    // 500 - 425 = 75; 5 lots with entry -500 remain.
    assert_eq!(position(&e, 2, p), (-5, usd("-500")));
    assert_eq!(available(&e, 2), usd("10075"));
    assert_eq!(position(&e, 4, p), (-10, usd("-1000")));
    assert_eq!(available(&e, 4), usd("10000"));
    assert_eq!(position(&e, 5, p), (15, usd("1500")));
    assert_eq!(available(&e, 5), usd("10000"));
    assert_eq!(e.insurance_fund(u), usd("0"));
}

#[test]
fn d_max_qty_splits_the_close_into_steps() {
    let (mut e, p, u) = setup(&[(1, "1000"), (2, "10000"), (3, "100000")]);
    open_long_50(&mut e, p);
    assert_eq!(rest(&mut e, 3, p, "m1", Side::Buy, 83, 100), 3);
    let out = run(
        &mut e,
        Command::SetControls {
            instrument: p,
            controls: Controls {
                max_qty: Some(Qty(20)),
                ..Controls::default()
            },
        },
    );
    assert!(out.is_empty(), "{out:?}");
    let ledger = usd_ledger(&e);

    // Mark 84: equity 200 < 210 as in scenario a. Steps of at most 20, each limited by the
    // cushion at that moment:
    // 1. 20 lots, limit 84 - floor(200 / 20) = 74; fills at 83: realized 1660 - 2000 = -340,
    //    balance 660, 30 lots (entry 3000) left: equity 660 + 2520 - 3000 = 180.
    // 2. 20 lots, limit 84 - floor(180 / 20) = 75; realized 1660 - 2000 = -340, balance 320,
    //    10 lots (entry 1000) left: equity 320 + 840 - 1000 = 160.
    // 3. 10 lots, limit 84 - floor(160 / 10) = 68; realized 830 - 1000 = -170, balance 150.
    assert_eq!(
        set_mark(&mut e, p, 84),
        vec![
            price_set(p, 84),
            started(1, u, "200", "210"),
            liq_sell(p, 2, 83, 20, (3, "m1"), 1),
            step(1, p, Side::Sell, 20, 74, 20),
            liq_sell(p, 3, 83, 20, (3, "m1"), 1),
            step(1, p, Side::Sell, 20, 75, 20),
            liq_sell(p, 4, 83, 10, (3, "m1"), 1),
            step(1, p, Side::Sell, 10, 68, 10),
            liquidated(1, u, "150"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(available(&e, 1), usd("150"));
    assert_eq!(position(&e, 1, p), (0, usd("0")));
    assert_eq!(position(&e, 3, p), (50, usd("4150")));
    assert_eq!(
        e.depth(p, Side::Buy).collect::<Vec<_>>(),
        vec![(Price(83), Qty(50))]
    );
}

#[test]
fn e_price_band_clamps_the_limit_and_the_rest_is_deleveraged() {
    let (mut e, p, u) = setup(&[(1, "1000"), (2, "10000"), (3, "100000")]);
    open_long_50(&mut e, p);
    assert_eq!(rest(&mut e, 3, p, "m1", Side::Buy, 82, 20), 3);
    assert_eq!(rest(&mut e, 3, p, "m2", Side::Buy, 78, 30), 4);
    insurance(&mut e, "10000");
    // A 5% band, set after the bids (they would be outside it around 100).
    let out = run(
        &mut e,
        Command::SetControls {
            instrument: p,
            controls: Controls {
                price_band_bps: Some(500),
                ..Controls::default()
            },
        },
    );
    assert!(out.is_empty(), "{out:?}");
    let ledger = usd_ledger(&e);

    // Mark 84: equity 200 < 210. The fund (10000) would allow 84 - floor(10200 / 50) = -120,
    // but the band around 84 is [ceil(79.8), floor(88.2)] = [80, 88]: limit 80.
    // Step 1: 50 lots, 20 fill at 82 (realized 1640 - 2000 = -360, balance 640); 78 is outside
    // the band. 30 lots (entry 3000) left: equity 640 + 2520 - 3000 = 160.
    // Step 2: 30 lots, limit max(84 - floor(10160 / 30), 80) = 80: nothing.
    // Deleveraging at the mark (equity + fund >= 0) against the only short, account 2:
    // account 1 realizes 30 x 84 - 3000 = -480, balance 160; no insurance needed.
    assert_eq!(
        set_mark(&mut e, p, 84),
        vec![
            price_set(p, 84),
            started(1, u, "200", "210"),
            liq_sell(p, 2, 82, 20, (3, "m1"), 1),
            filled(3, "m1", p),
            step(1, p, Side::Sell, 50, 80, 20),
            step(1, p, Side::Sell, 30, 80, 0),
            Event::Deleveraged {
                account: a(1),
                counterparty: a(2),
                instrument: p,
                qty: 30,
                price: Price(84),
            },
            liquidated(1, u, "160"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(available(&e, 1), usd("160"));
    assert_eq!(position(&e, 1, p), (0, usd("0")));
    // Account 2 buys back 30 of 50 at 84: entry removed -3000, realized 3000 - 2520 = 480.
    assert_eq!(position(&e, 2, p), (-20, usd("-2000")));
    assert_eq!(available(&e, 2), usd("10480"));
    assert_eq!(position(&e, 3, p), (20, usd("1640")));
    assert_eq!(e.insurance_fund(u), usd("10000"));
    assert_eq!(
        e.depth(p, Side::Buy).collect::<Vec<_>>(),
        vec![(Price(78), Qty(30))]
    );
}

#[test]
fn f_a_maker_filled_far_from_the_mark_is_liquidated_after_the_trade() {
    let (mut e, p, u) = setup(&[(1, "200"), (2, "10000"), (3, "100000")]);
    // Account 1 bids 15 @ 100 (initial 1500 x 10% = 150 <= 200).
    assert_eq!(rest(&mut e, 1, p, "b1", Side::Buy, 100, 15), 1);
    let ledger = usd_ledger(&e);
    // The mark falls to 90: account 1 has no position, nothing to check.
    assert_eq!(set_mark(&mut e, p, 90), vec![price_set(p, 90)]);
    assert_eq!(rest(&mut e, 3, p, "m1", Side::Buy, 89, 30), 2);
    // Account 2 sells 15 @ 100 into the stale bid. Account 1, long 15 at 100 with the mark at
    // 90: equity 200 + 1350 - 1500 = 50 < maintenance 1350 x 5% = 67.5. Liquidated in the same
    // command: limit 90 - floor(50 / 15) = 87, fills 15 @ 89: realized 1335 - 1500 = -165,
    // balance 35.
    assert_eq!(
        place(&mut e, limit(2, p, "s1", Side::Sell, 100, 15)),
        vec![
            accepted(2, "s1", 3, p, Side::Sell, 100, 15),
            trade(p, 1, 100, 15, (1, "b1"), (2, "s1"), Side::Sell),
            filled(1, "b1", p),
            filled(2, "s1", p),
            started(1, u, "50", "67.5"),
            liq_sell(p, 2, 89, 15, (3, "m1"), 1),
            step(1, p, Side::Sell, 15, 87, 15),
            liquidated(1, u, "35"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(available(&e, 1), usd("35"));
    assert_eq!(position(&e, 1, p), (0, usd("0")));
    assert_eq!(position(&e, 2, p), (-15, usd("-1500")));
    assert_eq!(position(&e, 3, p), (15, usd("1335")));
}

#[test]
fn g_funding_below_maintenance_liquidates() {
    let (mut e, p, u) = setup(&[(1, "1000"), (2, "10000"), (3, "100000")]);
    open_long_50(&mut e, p);
    assert_eq!(rest(&mut e, 3, p, "m1", Side::Buy, 85, 50), 3);
    let ledger = usd_ledger(&e);
    // Mark 86: equity 1000 + 4300 - 5000 = 300 >= maintenance 4300 x 5% = 215.
    assert_eq!(set_mark(&mut e, p, 86), vec![price_set(p, 86)]);
    // Funding 2% (20000 ppm): the long pays 50 x 86 x 2% = 86 (exact), the short receives 86.
    // Account 1: equity 214 < 215. Limit 86 - floor(214 / 50) = 82; fills 50 @ 85: realized
    // 4250 - 5000 = -750, balance 1000 - 86 - 750 = 164.
    assert_eq!(
        run(
            &mut e,
            Command::Fund {
                instrument: p,
                rate_ppm: 20_000,
            },
        ),
        vec![
            Event::FundingPaid {
                account: a(1),
                instrument: p,
                amount: usd("86"),
            },
            Event::FundingPaid {
                account: a(2),
                instrument: p,
                amount: usd("-86"),
            },
            started(1, u, "214", "215"),
            liq_sell(p, 2, 85, 50, (3, "m1"), 1),
            filled(3, "m1", p),
            step(1, p, Side::Sell, 50, 82, 50),
            liquidated(1, u, "164"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(available(&e, 1), usd("164"));
    assert_eq!(available(&e, 2), usd("10086"));
    assert_eq!(position(&e, 3, p), (50, usd("4250")));
    assert_eq!(e.fee_balance(u), usd("0"));
}

/// Account 2 buys 50 @ 100 (order 1), account 1 sells them (order 2, trade 1): account 1 short
/// 50 with entry -5000.
fn open_short_50(e: &mut Engine, p: InstrumentId) {
    assert_eq!(rest(e, 2, p, "b2", Side::Buy, 100, 50), 1);
    assert_eq!(
        place(e, limit(1, p, "s0", Side::Sell, 100, 50)),
        vec![
            accepted(1, "s0", 2, p, Side::Sell, 100, 50),
            trade(p, 1, 100, 50, (2, "b2"), (1, "s0"), Side::Sell),
            filled(2, "b2", p),
            filled(1, "s0", p),
        ]
    );
    assert_eq!(position(e, 1, p), (-50, usd("-5000")));
}

#[test]
fn h_a_short_is_bought_back_with_a_limit_above_the_mark() {
    let (mut e, p, u) = setup(&[(1, "1000"), (2, "10000"), (3, "100000")]);
    open_short_50(&mut e, p);
    assert_eq!(rest(&mut e, 3, p, "m1", Side::Sell, 118, 30), 3);
    assert_eq!(rest(&mut e, 3, p, "m2", Side::Sell, 121, 40), 4);
    let ledger = usd_ledger(&e);
    // Mark 116: equity 1000 - 5800 + 5000 = 200 < maintenance 5800 x 5% = 290.
    // Step 1: buy 50, limit 116 + floor(200 / 50) = 120: 30 @ 118 (121 is beyond). Entry removed
    // ceil(-5000 x 30 / 50) = -3000, realized 3000 - 3540 = -540, balance 460; 20 short (entry
    // -2000) left: equity 460 - 2320 + 2000 = 140.
    // Step 2: buy 20, limit 116 + floor(140 / 20) = 123: 20 @ 121, realized 2000 - 2420 = -420,
    // balance 40.
    assert_eq!(
        set_mark(&mut e, p, 116),
        vec![
            price_set(p, 116),
            started(1, u, "200", "290"),
            trade(p, 2, 118, 30, (3, "m1"), (1, "liquidation"), Side::Buy),
            filled(3, "m1", p),
            step(1, p, Side::Buy, 50, 120, 30),
            trade(p, 3, 121, 20, (3, "m2"), (1, "liquidation"), Side::Buy),
            step(1, p, Side::Buy, 20, 123, 20),
            liquidated(1, u, "40"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(available(&e, 1), usd("40"));
    assert_eq!(position(&e, 1, p), (0, usd("0")));
    assert_eq!(position(&e, 3, p), (-50, usd("-5960")));
    assert_eq!(
        e.depth(p, Side::Sell).collect::<Vec<_>>(),
        vec![(Price(121), Qty(20))]
    );
}

#[test]
fn i_a_fund_too_small_moves_the_deleveraging_price_and_is_emptied_first() {
    let (mut e, p, u) = setup(&[(1, "1000"), (2, "10000")]);
    open_short_50(&mut e, p);
    insurance(&mut e, "90");
    let ledger = usd_ledger(&e);
    // Mark 124: equity 1000 - 6200 + 5000 = -200 < maintenance 6200 x 5% = 310; with the fund,
    // -110. The IOC buys 50 with limit 124 + floor(-110 / 50) = 121 into an empty book.
    // Deleveraging at 124 + floor(-110 / 50) = 121 (whole ticks, rounded so the fund covers):
    // account 1 realizes 5000 - 6050 = -1050, balance -50, paid by the fund (90 -> 40).
    // Account 2 (long 50 at 100) sells at 121 instead of the mark 124: realizes 1050.
    assert_eq!(
        set_mark(&mut e, p, 124),
        vec![
            price_set(p, 124),
            started(1, u, "-200", "310"),
            step(1, p, Side::Buy, 50, 121, 0),
            Event::Deleveraged {
                account: a(1),
                counterparty: a(2),
                instrument: p,
                qty: -50,
                price: Price(121),
            },
            Event::InsurancePaid {
                account: a(1),
                asset: u,
                amount: usd("50"),
            },
            liquidated(1, u, "0"),
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
    assert_eq!(e.insurance_fund(u), usd("40"));
    assert_eq!(available(&e, 2), usd("11050"));
    assert_eq!(position(&e, 2, p), (0, usd("0")));
}

/// A dated future next to the perpetual (instrument 1), tick 1, lot 1.
fn list_future(e: &mut Engine) -> InstrumentId {
    let kind = tradestream_model::InstrumentKind::DatedFuture {
        expiry: Timestamp(1_000_000),
        margin: margin(1_000, 500),
    };
    let f = list(e, spec("BTC-FUT", kind, "1", "1"));
    assert_eq!(
        run(
            e,
            Command::SetPrice {
                instrument: f,
                kind: PriceKind::Mark,
                price: Price(100),
            },
        ),
        vec![price_set(f, 100)]
    );
    f
}

/// Account 1 (100 USD) long 10 futures at 100 from account 2 (initial 100: exactly covered),
/// then the future settles at 80: account 1 realizes -200 and is flat with balance -100.
fn settle_long_future_at_80(e: &mut Engine) -> (InstrumentId, Vec<Event>) {
    let f = list_future(e);
    assert_eq!(rest(e, 2, f, "s1", Side::Sell, 100, 10), 1);
    assert_eq!(place(e, limit(1, f, "b1", Side::Buy, 100, 10)).len(), 4);
    let ledger = usd_ledger(e);
    let out = run(
        e,
        Command::Settle {
            instrument: f,
            price: Price(80),
        },
    );
    assert_eq!(usd_ledger(e), ledger);
    assert_eq!(position(e, 1, f), (0, usd("0")));
    (f, out)
}

fn settled_events(f: InstrumentId) -> Vec<Event> {
    vec![
        Event::PositionSettled {
            account: a(1),
            instrument: f,
            qty: 10,
            pnl: usd("-200"),
        },
        Event::PositionSettled {
            account: a(2),
            instrument: f,
            qty: -10,
            pnl: usd("200"),
        },
        Event::Settled {
            instrument: f,
            price: Price(80),
        },
    ]
}

#[test]
fn j_settlement_below_zero_is_paid_by_the_fund_as_far_as_it_goes() {
    let (mut e, _p, u) = setup(&[(1, "100"), (2, "10000")]);
    insurance(&mut e, "50");
    let (f, out) = settle_long_future_at_80(&mut e);
    // Flat at -100 < 0: liquidated with nothing to close; the fund pays its 50, -50 is left.
    let mut expected = settled_events(f);
    expected.extend([
        started(1, u, "-100", "0"),
        Event::InsurancePaid {
            account: a(1),
            asset: u,
            amount: usd("50"),
        },
        liquidated(1, u, "-50"),
    ]);
    assert_eq!(out, expected);
    assert_eq!(e.insurance_fund(u), usd("0"));
    assert_eq!(available(&e, 1), usd("-50"));
}

#[test]
fn k_settlement_below_zero_with_an_empty_fund_is_still_liquidated() {
    // The rule (derivatives.rs: "accounts the settlement left below maintenance (or below zero)
    // are liquidated"; docs: "Liquidated ... never negative unless the fund ran dry"): account 1
    // ends flat at -100 with no fund, so it is liquidated with nothing to close or pay and
    // `Liquidated` reports -100.
    let (mut e, _p, u) = setup(&[(1, "100"), (2, "10000")]);
    let (f, out) = settle_long_future_at_80(&mut e);
    let mut expected = settled_events(f);
    expected.extend([started(1, u, "-100", "0"), liquidated(1, u, "-100")]);
    assert_eq!(out, expected);
}

#[test]
fn l_a_withdrawal_never_takes_equity_below_zero() {
    // A call on the future whose risk array is 5 in every scenario (mark 5): a long bought at 10
    // has no scenario loss left, so its initial and maintenance margins are 0, but its unrealized
    // PnL is 10 x (5 - 10) = -50.
    let (mut e, _p, _u) = setup(&[(1, "500"), (2, "10000")]);
    let f = list_future(&mut e);
    let kind = tradestream_model::InstrumentKind::Option {
        underlying: f,
        right: tradestream_model::OptionRight::Call,
        strike: Price(100),
        expiry: Timestamp(1_000_000),
        margin: margin(10_000, 5_000),
    };
    let o = list(&mut e, spec("BTC-C100", kind, "1", "1"));
    let out = run(
        &mut e,
        Command::OptionRisk {
            instrument: o,
            vol_ppm: 500_000,
            mark: Price(5),
            values: [5; tradestream_model::RISK_SCENARIOS],
        },
    );
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(rest(&mut e, 2, o, "s1", Side::Sell, 10, 10), 1);
    // Initial margin of the buy: 10 x (10 - 5) = 50 <= 500.
    assert_eq!(place(&mut e, limit(1, o, "b1", Side::Buy, 10, 10)).len(), 4);
    // Equity 500 - 50 = 450: withdrawing 460 would leave 40 - 50 = -10, below the initial
    // margin 0, so it is refused `insufficient_margin`.
    let w = |amount: &str, id: &str| Command::Withdraw {
        account: a(1),
        asset: name("USD"),
        amount: usd(amount),
        id: cid(id),
    };
    assert_eq!(
        run(&mut e, w("460", "w1")),
        vec![Event::Rejected {
            account: a(1),
            id: cid("w1"),
            reason: tradestream_model::RejectReason::InsufficientMargin,
        }]
    );
    assert_eq!(available(&e, 1), usd("500"));
    // 450 leaves equity exactly 0: accepted.
    assert_eq!(run(&mut e, w("450", "w2")), vec![]);
    assert_eq!(available(&e, 1), usd("50"));
}
