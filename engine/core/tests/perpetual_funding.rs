//! Perpetuals (issue 5): the mark derived from each index through a smoothed basis, premium
//! samples and premium-index funding (`FundPremium`) with its rate, cap, rounding and interval.
//! Every expectation is computed by hand from the rules in `handlers/derivatives.rs` and
//! `handlers/products.rs`.
//!
//! Rounding the module docs do not spell out, assumed here as Rust's integer division does it
//! (toward zero): the basis step `(sample - basis) x smoothing / 10^6`, the book mid
//! `(bid + ask) / 2` (always even here) and the mean of the premium samples. Premium samples are
//! documented as truncated.

mod venue;

use tradestream_engine::Engine;
use tradestream_model::{
    AccountId, Amount, CancelReason, Command, EngineError, Event, InstrumentId, InstrumentKind,
    Price, PriceKind, Qty, Side, Timestamp,
};
use venue::{
    accepted, available, deposit, engine, filled, limit, list, margin, name, perpetual, place, run,
    spec, trade, usd, usd_ledger,
};

/// Eight hours: the venue's funding interval.
const INTERVAL: i64 = 8 * 3_600_000;

fn price(instrument: InstrumentId, kind: PriceKind, p: i64) -> Command {
    Command::SetPrice {
        instrument,
        kind,
        price: Price(p),
    }
}

fn price_set(instrument: InstrumentId, kind: PriceKind, p: i64) -> Event {
    Event::PriceSet {
        instrument,
        kind,
        price: Price(p),
    }
}

/// The two events of an index price on a perpetual with basis smoothing.
fn index_then_mark(instrument: InstrumentId, index: i64, mark: i64) -> Vec<Event> {
    vec![
        price_set(instrument, PriceKind::Index, index),
        price_set(instrument, PriceKind::Mark, mark),
    ]
}

fn fund_premium(instrument: InstrumentId) -> Command {
    Command::FundPremium { instrument }
}

fn rate(instrument: InstrumentId, rate_ppm: i64) -> Event {
    Event::FundingRate {
        instrument,
        rate_ppm,
    }
}

fn paid(account: u64, instrument: InstrumentId, amount: Amount) -> Event {
    Event::FundingPaid {
        account: AccountId(account),
        instrument,
        amount,
    }
}

fn time(ts: i64) -> Command {
    Command::Time { ts: Timestamp(ts) }
}

fn fees(e: &Engine) -> Amount {
    e.fee_balance(e.asset_id(&name("USD")).unwrap())
}

/// A perpetual with smoothing 500_000 ppm (half way each index) and one without, tick 1, lot 1
/// (one tick-lot = 1 USD).
#[test]
fn the_mark_follows_the_index_plus_a_smoothed_basis() {
    let mut e = engine();
    let p = list(
        &mut e,
        spec(
            "BTC-PERP",
            perpetual(margin(1_000, 500), 500_000, 0),
            "1",
            "1",
        ),
    );
    let plain = list(
        &mut e,
        spec("ETH-PERP", perpetual(margin(1_000, 500), 0, 0), "1", "1"),
    );
    for a in 1..=3 {
        deposit(&mut e, a, "100000");
    }
    let ledger = usd_ledger(&e);

    // Smoothing 0: an index is only an index, no mark is derived (existing behaviour).
    assert_eq!(
        run(&mut e, price(plain, PriceKind::Index, 1000)),
        vec![price_set(plain, PriceKind::Index, 1000)]
    );
    assert_eq!(e.instrument(plain).unwrap().mark, None);
    assert_eq!(e.instrument(plain).unwrap().premium_count, 0);

    // A two-sided book: bid 1010 (1), offer 1030 (2); mid (1010 + 1030) / 2 = 1020.
    let bid = limit(1, p, "bid", Side::Buy, 1010, 1);
    let ask = limit(2, p, "ask", Side::Sell, 1030, 1);
    assert_eq!(place(&mut e, bid), vec![accepted(&bid, 1)]);
    assert_eq!(place(&mut e, ask), vec![accepted(&ask, 2)]);
    // 1. index 1000: sample 1020 - 1000 = 20; basis 0 + (20 - 0) x 1/2 = 10; mark 1010.
    assert_eq!(
        run(&mut e, price(p, PriceKind::Index, 1000)),
        index_then_mark(p, 1000, 1010)
    );
    // 2. index 1004: sample 16; basis 10 + (16 - 10) / 2 = 13; mark 1017.
    assert_eq!(
        run(&mut e, price(p, PriceKind::Index, 1004)),
        index_then_mark(p, 1004, 1017)
    );
    // 3. index 996: sample 24; basis 13 + (24 - 13) / 2 = 13 + 5 (5.5 truncated) = 18;
    //    mark 1014.
    assert_eq!(
        run(&mut e, price(p, PriceKind::Index, 996)),
        index_then_mark(p, 996, 1014)
    );
    let i = e.instrument(p).unwrap();
    assert_eq!(
        (i.index, i.mark, i.basis),
        (Some(Price(996)), Some(Price(1014)), 18)
    );

    // The offer is cancelled: one-sided book and no trade yet, so the sample is 0.
    // 4. index 1000: basis 18 + (0 - 18) / 2 = 9; mark 1009.
    let out = run(
        &mut e,
        Command::Cancel {
            account: AccountId(2),
            instrument: Some(p),
            id: ask.id,
        },
    );
    assert_eq!(
        out,
        vec![Event::Cancelled {
            account: AccountId(2),
            id: ask.id,
            instrument: p,
            reason: CancelReason::User,
            leaves_qty: Qty(1),
        }]
    );
    assert_eq!(
        run(&mut e, price(p, PriceKind::Index, 1000)),
        index_then_mark(p, 1000, 1009)
    );
    // 3 sells 1 into the bid: a trade at 1010, the book is empty, the last trade is the sample.
    let hit = limit(3, p, "hit", Side::Sell, 1010, 1);
    assert_eq!(
        place(&mut e, hit),
        vec![
            accepted(&hit, 3),
            trade(1, &bid, &hit, 1),
            filled(&bid),
            filled(&hit)
        ]
    );
    // 5. index 990: sample 1010 - 990 = 20; basis 9 + (20 - 9) / 2 = 9 + 5 = 14; mark 1004.
    assert_eq!(
        run(&mut e, price(p, PriceKind::Index, 990)),
        index_then_mark(p, 990, 1004)
    );
    // 6. index 1003: sample 7; basis 14 + (7 - 14) / 2 = 14 - 3 (-3.5 toward zero) = 11;
    //    mark 1014.
    assert_eq!(
        run(&mut e, price(p, PriceKind::Index, 1003)),
        index_then_mark(p, 1003, 1014)
    );
    let i = e.instrument(p).unwrap();
    assert_eq!((i.mark, i.basis), (Some(Price(1014)), 11));

    // Each derived mark added a premium sample (mark - index) x 10^6 / index, truncated:
    // 10 x 10^6 / 1000 = 10000; 13 x 10^6 / 1004 = 12948; 18 x 10^6 / 996 = 18072;
    // 9 x 10^6 / 1000 = 9000; 14 x 10^6 / 990 = 14141; 11 x 10^6 / 1003 = 10967.
    // Sum 75128 over 6: mean 12521 (12521.33 truncated).
    assert_eq!(
        (i.premium_sum, i.premium_count),
        (10_000 + 12_948 + 18_072 + 9_000 + 14_141 + 10_967, 6)
    );
    // Premium funding at mark 1014: 1 (long 1) pays 1 x 1014 x 1 USD x 12521 / 10^6 =
    // 12.696294 USD, 3 (short 1) receives it; exact, so nothing for the fee account.
    let before = (available(&e, 1), available(&e, 3), fees(&e));
    assert_eq!(
        run(&mut e, fund_premium(p)),
        vec![
            rate(p, 12_521),
            paid(1, p, usd("12.696294")),
            paid(3, p, usd("-12.696294")),
        ]
    );
    assert_eq!(available(&e, 1), before.0 - usd("12.696294"));
    assert_eq!(available(&e, 3), before.1 + usd("12.696294"));
    assert_eq!(fees(&e), before.2);
    assert_eq!(usd_ledger(&e), ledger);

    // A snapshot keeps the basis: the next index derives the same mark on both engines.
    // 7. index 1000: sample 1010 - 1000 = 10 (last trade); basis 11 + (10 - 11) / 2 = 11 + 0
    //    (-0.5 toward zero) = 11; mark 1011.
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), e.state_hash());
    let next = price(p, PriceKind::Index, 1000);
    assert_eq!(run(&mut e, next), index_then_mark(p, 1000, 1011));
    assert_eq!(run(&mut restored, next), index_then_mark(p, 1000, 1011));
    assert_eq!(restored.state_hash(), e.state_hash());
}

/// Perpetuals whose tick-lot is 10^-18 USD (tick 0.000001, lot 0.000000000001), so funding
/// amounts are small integers of units and their rounding shows: `F` uncapped, `C` capped at
/// 1500 ppm; and a dated future.
fn funding_venue() -> (Engine, InstrumentId, InstrumentId, InstrumentId) {
    let mut e = engine();
    let tiny = |symbol: &str, cap: u32| {
        spec(
            symbol,
            perpetual(margin(1_000, 500), 0, cap),
            "0.000001",
            "0.000000000001",
        )
    };
    let f = list(&mut e, tiny("F-PERP", 0));
    let c = list(&mut e, tiny("C-PERP", 1_500));
    let future = InstrumentKind::DatedFuture {
        expiry: Timestamp(1_000_000_000),
        margin: margin(1_000, 500),
    };
    let fut = list(&mut e, spec("F-FUT", future, "0.000001", "0.000000000001"));
    assert_eq!(e.instrument(f).unwrap().quote_per_tick_lot, Amount(1));
    for a in 1..=5 {
        deposit(&mut e, a, "1");
    }
    (e, f, c, fut)
}

/// `makers` each rest an offer at 1000 and `taker` buys them all.
fn open(e: &mut Engine, inst: InstrumentId, taker: u64, makers: &[(u64, i64)]) {
    let mut total = 0;
    for (n, &(account, qty)) in makers.iter().enumerate() {
        let o = limit(account, inst, &format!("s{n}"), Side::Sell, 1000, qty);
        assert!(matches!(place(e, o)[..], [Event::Accepted { .. }]));
        total += qty;
    }
    let out = place(e, limit(taker, inst, "buy", Side::Buy, 1000, total));
    assert!(matches!(out.last(), Some(Event::Filled { .. })), "{out:?}");
    assert_eq!(e.position(AccountId(taker), inst).qty, total);
}

#[test]
fn premium_funding_pays_the_mean_premium_with_payer_rounding() {
    let (mut e, f, _, fut) = funding_venue();
    // 1 long 3 against 2 short 2 and 3 short 1, all at 1000.
    open(&mut e, f, 1, &[(2, 2), (3, 1)]);
    let ledger = usd_ledger(&e);

    // The checks in order: kind, then mark, then index.
    assert_eq!(
        run(&mut e, fund_premium(fut)),
        vec![Event::Error(EngineError::WrongKind(fut.0))]
    );
    assert_eq!(
        run(&mut e, fund_premium(f)),
        vec![Event::Error(EngineError::NoMark(f.0))]
    );
    // A mark without an index is no premium sample; funding needs the index.
    assert_eq!(
        run(&mut e, price(f, PriceKind::Mark, 1003)),
        vec![price_set(f, PriceKind::Mark, 1003)]
    );
    assert_eq!(e.instrument(f).unwrap().premium_count, 0);
    assert_eq!(
        run(&mut e, fund_premium(f)),
        vec![Event::Error(EngineError::NoIndex(f.0))]
    );

    // Samples (mark - index) x 10^6 / index, truncated:
    // index 1000, mark 1003: 3000; mark 1001: 1000; index 999 (no sample, smoothing 0),
    // mark 1001: 2 x 10^6 / 999 = 2002.002 -> 2002, twice.
    // Mean (3000 + 1000 + 2002 + 2002) / 4 = 8004 / 4 = 2001 ppm (no cap on F).
    assert_eq!(
        run(&mut e, price(f, PriceKind::Index, 1000)),
        vec![price_set(f, PriceKind::Index, 1000)]
    );
    for (kind, p) in [
        (PriceKind::Mark, 1003),
        (PriceKind::Mark, 1001),
        (PriceKind::Index, 999),
        (PriceKind::Mark, 1001),
        (PriceKind::Mark, 1001),
    ] {
        assert_eq!(run(&mut e, price(f, kind, p)), vec![price_set(f, kind, p)]);
    }
    let i = e.instrument(f).unwrap();
    assert_eq!((i.premium_sum, i.premium_count), (8_004, 4));

    // At mark 1001 and 2001 ppm, in units of 10^-18 USD (one tick-lot is one unit):
    // 1 long 3:  3 x 1001 x 2001 / 10^6 = 6.009003 -> pays 7 (payers round up);
    // 2 short 2: 2 x 1001 x 2001 / 10^6 = 4.006002 -> receives 4 (toward zero);
    // 3 short 1: 1001 x 2001 / 10^6 = 2.003001 -> receives 2.
    // 7 - 4 - 2 = 1 unit to the fee account.
    let before: Vec<Amount> = (1..=3).map(|a| available(&e, a)).collect();
    let fee = fees(&e);
    assert_eq!(
        run(&mut e, fund_premium(f)),
        vec![
            rate(f, 2_001),
            paid(1, f, Amount(7)),
            paid(2, f, Amount(-4)),
            paid(3, f, Amount(-2)),
        ]
    );
    let after: Vec<Amount> = (1..=3).map(|a| available(&e, a)).collect();
    assert_eq!(
        after,
        vec![
            before[0] - Amount(7),
            before[1] + Amount(4),
            before[2] + Amount(2)
        ]
    );
    assert_eq!(fees(&e), fee + Amount(1));
    assert_eq!(usd_ledger(&e), ledger);
    // The samples are used up.
    let i = e.instrument(f).unwrap();
    assert_eq!(
        (i.premium_sum, i.premium_count, i.last_funding),
        (0, 0, Some(Timestamp(0)))
    );

    // Not again before the interval: refused at 0 and at 8 h - 1 ms.
    assert_eq!(
        run(&mut e, fund_premium(f)),
        vec![Event::Error(EngineError::FundingTooEarly(f.0))]
    );
    assert_eq!(run(&mut e, time(INTERVAL - 1)), vec![]);
    assert_eq!(
        run(&mut e, fund_premium(f)),
        vec![Event::Error(EngineError::FundingTooEarly(f.0))]
    );

    // A snapshot taken now refuses the same way, and then behaves the same at 8 h.
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), e.state_hash());
    assert_eq!(
        run(&mut restored, fund_premium(f)),
        vec![Event::Error(EngineError::FundingTooEarly(f.0))]
    );

    // At 8 h exactly: allowed. No mark since the last funding, so the premium now is the one
    // sample: (1001 - 999) x 10^6 / 999 = 2002 ppm.
    // 1: 3 x 1001 x 2002 / 10^6 = 6.012006 -> 7; 2: 2 x 1001 x 2002 / 10^6 = 4.008004 -> -4;
    // 3: 1001 x 2002 / 10^6 = 2.004002 -> -2; 1 unit to fees.
    assert_eq!(run(&mut e, time(INTERVAL)), vec![]);
    assert_eq!(run(&mut restored, time(INTERVAL)), vec![]);
    let expect = vec![
        rate(f, 2_002),
        paid(1, f, Amount(7)),
        paid(2, f, Amount(-4)),
        paid(3, f, Amount(-2)),
    ];
    assert_eq!(run(&mut e, fund_premium(f)), expect);
    assert_eq!(run(&mut restored, fund_premium(f)), expect);
    assert_eq!(restored.state_hash(), e.state_hash());
    assert_eq!(fees(&e), fee + Amount(2));

    // 8 h later, mark 997 under index 999: sample -2 x 10^6 / 999 = -2002.002 -> -2002 (toward
    // zero); shorts pay. 1 long 3: 3 x 997 x -2002 / 10^6 = -5.987982 -> receives 5 (toward
    // zero); 2 short 2: 2 x 997 x 2002 / 10^6 = 3.991988 -> pays 4 (up); 3 short 1:
    // 997 x 2002 / 10^6 = 1.995994 -> pays 2. 4 + 2 - 5 = 1 unit to fees.
    assert_eq!(run(&mut e, time(2 * INTERVAL)), vec![]);
    assert_eq!(
        run(&mut e, price(f, PriceKind::Mark, 997)),
        vec![price_set(f, PriceKind::Mark, 997)]
    );
    assert_eq!(
        run(&mut e, fund_premium(f)),
        vec![
            rate(f, -2_002),
            paid(1, f, Amount(-5)),
            paid(2, f, Amount(4)),
            paid(3, f, Amount(2)),
        ]
    );
    assert_eq!(fees(&e), fee + Amount(3));
    // Over the three fundings: 1 paid 7 + 7 - 5 = 9, 2 received 4 + 4 - 4 = 4, 3 received
    // 2 + 2 - 2 = 2.
    let after: Vec<Amount> = (1..=3).map(|a| available(&e, a)).collect();
    assert_eq!(
        after,
        vec![
            before[0] - Amount(9),
            before[1] + Amount(4),
            before[2] + Amount(2)
        ]
    );
    assert_eq!(usd_ledger(&e), ledger);
}

#[test]
fn premium_funding_is_clamped_by_the_cap() {
    let (mut e, _, c, _) = funding_venue();
    // 4 long 1 against 5 short 1 at 1000.
    open(&mut e, c, 4, &[(5, 1)]);
    let ledger = usd_ledger(&e);
    // Index 1000, mark 1005: 5000 ppm, clamped to the cap 1500.
    // 4: 1 x 1005 x 1500 / 10^6 = 1.5075 -> pays 2; 5 receives 1 (toward zero); 1 to fees.
    assert_eq!(
        run(&mut e, price(c, PriceKind::Index, 1000)),
        vec![price_set(c, PriceKind::Index, 1000)]
    );
    assert_eq!(
        run(&mut e, price(c, PriceKind::Mark, 1005)),
        vec![price_set(c, PriceKind::Mark, 1005)]
    );
    let fee = fees(&e);
    assert_eq!(
        run(&mut e, fund_premium(c)),
        vec![
            rate(c, 1_500),
            paid(4, c, Amount(2)),
            paid(5, c, Amount(-1))
        ]
    );
    // Mark 990: -10000 ppm, clamped to -1500. 4: 990 x -1500 / 10^6 = -1.485 -> receives 1;
    // 5: 1.485 -> pays 2; 1 to fees.
    assert_eq!(run(&mut e, time(INTERVAL)), vec![]);
    assert_eq!(
        run(&mut e, price(c, PriceKind::Mark, 990)),
        vec![price_set(c, PriceKind::Mark, 990)]
    );
    assert_eq!(
        run(&mut e, fund_premium(c)),
        vec![
            rate(c, -1_500),
            paid(4, c, Amount(-1)),
            paid(5, c, Amount(2))
        ]
    );
    assert_eq!(fees(&e), fee + Amount(2));
    assert_eq!(usd_ledger(&e), ledger);
}
