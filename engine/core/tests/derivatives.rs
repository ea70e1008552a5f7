//! Derivative trading (foundation of issue 5): listing futures and perpetuals, positions with
//! entry notional, realized PnL on reduce and flip, fees in the settlement asset, conservation of
//! the settlement asset, and positions in the state hash and snapshots.

use tradestream_engine::{Engine, EngineConfig, Position};
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, EngineError, Event, InstrumentId, InstrumentKind,
    InstrumentSpec, Margin, NewOrder, OptionRight, OrderType, Price, PriceKind, Qty, RejectReason,
    SelfTradePrevention, ShortName, Side, TimeInForce, Timestamp,
};

// Only the seeded workload is used here.
#[allow(dead_code)]
mod support;

const PERP: InstrumentId = InstrumentId(0);

fn usd(s: &str) -> Amount {
    decimal::amount(decimal::parse(s).unwrap()).unwrap()
}

fn name(s: &str) -> ShortName {
    ShortName::new(s).unwrap()
}

/// BTC-PERP settled in USD: tick 0.5, lot 0.01 (one tick-lot is 0.005 USD), maker 2 bps,
/// taker 4 bps.
fn spec(symbol: &str, kind: InstrumentKind) -> InstrumentSpec {
    let g = |s: &str| Grid::new(decimal::parse(s).unwrap()).unwrap();
    InstrumentSpec {
        symbol: name(symbol),
        kind,
        base: name("BTC"),
        quote: name("USD"),
        tick: g("0.5"),
        lot: g("0.01"),
        maker_fee_bps: 2,
        taker_fee_bps: 4,
    }
}

/// Initial margin 10% (1000 bps), maintenance 5%.
const MARGIN: Margin = Margin {
    initial_bps: 1_000,
    maintenance_bps: 500,
};

fn perp() -> InstrumentKind {
    InstrumentKind::Perpetual {
        funding_interval_ms: 8 * 3_600_000,
        margin: MARGIN,
        basis_smoothing_ppm: 0,
        funding_cap_ppm: 0,
    }
}

fn run(e: &mut Engine, cmd: Command) -> Vec<Event> {
    let mut out = Vec::new();
    e.apply(&cmd, Timestamp(0), &mut out);
    out
}

fn deposit(e: &mut Engine, account: u64, amount: &str) {
    run(
        e,
        Command::Deposit {
            account: AccountId(account),
            asset: name("USD"),
            amount: usd(amount),
        },
    );
}

fn order(account: u64, id: &str, side: Side, price: i64, qty: i64) -> Command {
    Command::New(NewOrder {
        account: AccountId(account),
        instrument: Some(PERP),
        id: ClientOrderId::new(id).unwrap(),
        side,
        order_type: OrderType::Limit,
        price: Price(price),
        qty: Qty(qty),
        tif: TimeInForce::Gtc,
        post_only: false,
        reduce_only: false,
        stp: SelfTradePrevention::None,
    })
}

fn engine() -> Engine {
    engine_of(perp())
}

fn future() -> InstrumentKind {
    InstrumentKind::DatedFuture {
        expiry: Timestamp(1_000),
        margin: MARGIN,
    }
}

fn engine_of(kind: InstrumentKind) -> Engine {
    let mut e = Engine::new(EngineConfig {
        capacity: 10_000,
        ..EngineConfig::default()
    });
    assert!(run(&mut e, Command::AddInstrument(spec("BTC-PERP", kind))).is_empty());
    e
}

fn available(e: &Engine, account: u64) -> Amount {
    let usd = e.asset_id(&name("USD")).unwrap();
    e.balance(AccountId(account), usd).available
}

fn position(e: &Engine, account: u64) -> (i64, Amount) {
    let p = e.position(AccountId(account), PERP);
    (p.qty, p.entry)
}

#[test]
fn every_kind_lists_with_its_checks() {
    let mut e = engine();
    let future = InstrumentKind::DatedFuture {
        expiry: Timestamp(1_000),
        margin: MARGIN,
    };
    let compute = InstrumentKind::ComputeFuture {
        expiry: Timestamp(1_000),
        hours_per_contract: 1,
        margin: MARGIN,
    };
    let unmargined = InstrumentKind::DatedFuture {
        expiry: Timestamp(1_000),
        margin: Margin {
            initial_bps: 0,
            maintenance_bps: 0,
        },
    };
    assert_eq!(
        run(&mut e, Command::AddInstrument(spec("BTC-X", unmargined))),
        vec![Event::Error(EngineError::NoMargin)]
    );
    assert!(run(&mut e, Command::AddInstrument(spec("BTC-F", future))).is_empty());
    assert!(run(&mut e, Command::AddInstrument(spec("GPU-F", compute))).is_empty());
    let option = |underlying| InstrumentKind::Option {
        underlying,
        right: OptionRight::Call,
        strike: Price(100),
        expiry: Timestamp(1_000),
        margin: MARGIN,
    };
    // The underlying must be a listed future or perpetual in the same settlement asset.
    assert_eq!(
        run(
            &mut e,
            Command::AddInstrument(spec("BTC-C", option(InstrumentId(9))))
        ),
        vec![Event::Error(EngineError::BadUnderlying)]
    );
    assert!(run(&mut e, Command::AddInstrument(spec("BTC-C", option(PERP)))).is_empty());
    let binary = InstrumentKind::Binary {
        expiry: Timestamp(1_000),
    };
    // Tick 0.5 divides 1: a `yes` is 2 ticks. Tick 0.3 does not.
    assert!(run(&mut e, Command::AddInstrument(spec("BTC-B", binary))).is_empty());
    let mut odd = spec("BTC-B3", binary);
    odd.tick = Grid::new(decimal::parse("0.3").unwrap()).unwrap();
    assert_eq!(
        run(&mut e, Command::AddInstrument(odd)),
        vec![Event::Error(EngineError::BadUnit)]
    );
    assert!(e.instrument(InstrumentId(2)).unwrap().derivative);
    assert_eq!(e.instrument(InstrumentId(4)).unwrap().unit, 2);
    assert!(e.instrument(InstrumentId(5)).is_none());
}

/// Open, partial close, flip, by hand. One tick-lot is 0.5 x 0.01 = 0.005 USD.
#[test]
fn positions_realized_pnl_and_fees_by_hand() {
    let mut e = engine();
    for a in 1..=3 {
        deposit(&mut e, a, "10000");
    }
    let btc = e.asset_id(&name("BTC")).unwrap();

    // 2 sells 100 lots (1 BTC) at 40000 ticks (20000 USD), 1 lifts it. Notional
    // 40000 x 100 x 0.005 = 20000 USD; maker 2 fees 20000 x 2 bps = 4, taker 1 pays 8.
    // Nothing is held for derivative orders.
    run(&mut e, order(2, "s1", Side::Sell, 40_000, 100));
    assert_eq!(
        e.balance(AccountId(2), e.asset_id(&name("USD")).unwrap())
            .held,
        Amount::ZERO
    );
    run(&mut e, order(1, "b1", Side::Buy, 40_000, 100));
    assert_eq!(position(&e, 1), (100, usd("20000")));
    assert_eq!(position(&e, 2), (-100, usd("-20000")));
    assert_eq!(available(&e, 1), usd("9992"));
    assert_eq!(available(&e, 2), usd("9996"));
    // No base asset moves.
    assert_eq!(e.balance(AccountId(1), btc).available, Amount::ZERO);
    assert_eq!(e.balance(AccountId(2), btc).available, Amount::ZERO);

    // 1 sells 30 lots at 42000 (maker), 3 buys them. Notional 42000 x 30 x 0.005 = 6300.
    // 1 closes 30 of 100: removes 20000 x 30/100 = 6000 of entry, realizes 6300 - 6000 = 300,
    // pays 6300 x 2 bps = 1.26: 9992 + 300 - 1.26 = 10290.74, left long 70 at entry 14000.
    // 3 opens long 30 at entry 6300, pays 6300 x 4 bps = 2.52.
    run(&mut e, order(1, "s2", Side::Sell, 42_000, 30));
    run(&mut e, order(3, "b2", Side::Buy, 42_000, 30));
    assert_eq!(position(&e, 1), (70, usd("14000")));
    assert_eq!(available(&e, 1), usd("10290.74"));
    assert_eq!(position(&e, 3), (30, usd("6300")));
    assert_eq!(available(&e, 3), usd("9997.48"));

    // 2 bids 100 at 38000 (maker); 1 sells 100 into it (taker): a flip from long 70 to short 30.
    // Notional 38000 x 100 x 0.005 = 19000. 1 closes 70 (entry 14000) for 38000 x 70 x 0.005 =
    // 13300, realizes -700, opens short 30 at entry -5700, pays 19000 x 4 bps = 7.6:
    // 10290.74 - 700 - 7.6 = 9583.14. 2 closes its short 100 (entry -20000) for 19000, realizes
    // +1000, pays 3.8: 9996 + 1000 - 3.8 = 10992.2, flat.
    run(&mut e, order(2, "b3", Side::Buy, 38_000, 100));
    run(&mut e, order(1, "s3", Side::Sell, 38_000, 100));
    assert_eq!(position(&e, 1), (-30, usd("-5700")));
    assert_eq!(available(&e, 1), usd("9583.14"));
    assert_eq!(position(&e, 2), (0, Amount::ZERO));
    assert_eq!(available(&e, 2), usd("10992.2"));

    // Fees 4 + 8 + 1.26 + 2.52 + 7.6 + 3.8 = 27.18. Balances 9583.14 + 10992.2 + 9997.48 =
    // 30572.82; with fees 30600 = deposits 30000 + open entry notionals (-5700 + 6300 = 600).
    let usd_id = e.asset_id(&name("USD")).unwrap();
    assert_eq!(e.fee_balance(usd_id), usd("27.18"));
    assert_conserved(&e);

    // 3 sells its 30 to 1 at 40000 (1 buys back its short): everyone flat, so balances and
    // fees alone equal the deposits. 3: 8000 - 6300 = +1700; 1: 5700 - 6000 = -300.
    run(&mut e, order(3, "s4", Side::Sell, 40_000, 30));
    run(&mut e, order(1, "b4", Side::Buy, 40_000, 30));
    for a in 1..=3 {
        assert_eq!(position(&e, a).0, 0);
    }
    let total = (1..=3).fold(e.fee_balance(usd_id), |t, a| t + available(&e, a));
    assert_eq!(total, usd("30000"));
}

/// Per settlement asset: balances (available + held) + fees - open entry notionals = deposits -
/// withdrawals.
fn assert_conserved(e: &Engine) {
    let usd = e.asset_id(&name("USD")).unwrap();
    let mut total = e.fee_balance(usd);
    for a in e.account_ids() {
        let b = e.balance(a, usd);
        total += b.available + b.held;
        for p in e.positions(a) {
            total -= p.entry;
        }
    }
    assert_eq!(total, e.supply(usd));
}

#[test]
fn random_derivative_trading_conserves_the_settlement_asset_and_snapshots() {
    random_trading(perp());
    random_trading(future());
}

/// Random trading with marks and funding (perpetuals) and a final settlement (futures); the
/// settlement asset is conserved after every pass and exactly after settlement.
fn random_trading(kind: InstrumentKind) {
    let mut e = engine_of(kind);
    for a in 0..support::ACCOUNTS {
        deposit(&mut e, a, "1000000");
    }
    let mut rng = support::Rng(0x5eed_d3a1);
    let mut sink = Vec::new();
    let mut clock = 0;
    let mut trades = 0;
    for round in 0..20 {
        trades += support::pass(&mut e, &mut sink, &mut rng, round * 500, 500, &mut clock);
        assert_conserved(&e);
        let mark = Price(1000 + rng.below(40) as i64);
        run(&mut e, price_cmd(PriceKind::Mark, mark.0));
        if matches!(kind, InstrumentKind::Perpetual { .. }) {
            let rate = rng.below(2001) as i64 - 1000;
            let out = run(
                &mut e,
                Command::Fund {
                    instrument: PERP,
                    rate_ppm: rate,
                },
            );
            let paid = out.iter().fold(Amount::ZERO, |t, ev| match ev {
                Event::FundingPaid { amount, .. } => t + *amount,
                _ => t,
            });
            assert!(
                paid >= Amount::ZERO && paid.0 < out.len() as i128,
                "{paid:?}"
            );
        }
        assert_conserved(&e);
        let long: i64 = e
            .account_ids()
            .flat_map(|a| e.positions(a).iter().map(|p: &Position| p.qty))
            .sum();
        assert_eq!(long, 0, "positions net to zero");
    }
    assert!(trades > 100, "{trades} trades");
    if matches!(kind, InstrumentKind::DatedFuture { .. }) {
        run(
            &mut e,
            Command::Settle {
                instrument: PERP,
                price: Price(1020),
            },
        );
        assert_eq!(e.open_orders(), 0);
        let usd = e.asset_id(&name("USD")).unwrap();
        let mut total = e.fee_balance(usd);
        for a in e.account_ids() {
            assert!(e
                .positions(a)
                .iter()
                .all(|p| p.qty == 0 && p.entry == Amount::ZERO));
            let b = e.balance(a, usd);
            total += b.available + b.held;
        }
        assert_eq!(total, e.supply(usd));
    }
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), e.state_hash());
    for a in e.account_ids() {
        assert_eq!(restored.positions(a), e.positions(a));
    }
}

/// Initial margin 10% of the worse side's exposure, open orders counted as filled.
#[test]
fn insufficient_margin_by_hand() {
    let mut e = engine();
    deposit(&mut e, 1, "1000");
    // No trade yet: a bid of 100 lots at 40000 ticks is margined at its own price:
    // 100 x 40000 x 0.005 = 20000 notional, 10% = 2000 > 1000 equity: rejected.
    let out = run(&mut e, order(1, "b1", Side::Buy, 40_000, 100));
    assert!(
        matches!(
            out[..],
            [Event::Rejected {
                reason: RejectReason::InsufficientMargin,
                ..
            }]
        ),
        "{out:?}"
    );
    assert_eq!(
        RejectReason::InsufficientMargin.as_str(),
        "insufficient_margin"
    );
    // 50 lots: 10000 notional, 1000 margin = equity: accepted (equity - margin = 0).
    let out = run(&mut e, order(1, "b2", Side::Buy, 40_000, 50));
    assert!(matches!(out[..], [Event::Accepted { .. }]), "{out:?}");
    // An offer of 50 lots at 40001 would raise the margin price to 40001: 50 x 40001 x 0.005 x 10% =
    // 1000.025, rounded up 1001 > 1000: rejected.
    let out = run(&mut e, order(1, "s1", Side::Sell, 40_001, 50));
    assert!(
        matches!(
            out[..],
            [Event::Rejected {
                reason: RejectReason::InsufficientMargin,
                ..
            }]
        ),
        "{out:?}"
    );
    // Another account offers at 40010 instead; 1's book is unchanged.
    deposit(&mut e, 2, "1000");
    let out = run(&mut e, order(2, "s1", Side::Sell, 40_010, 10));
    assert!(matches!(out[..], [Event::Accepted { .. }]), "{out:?}");
    assert!(matches!(out[..], [Event::Accepted { .. }]), "{out:?}");
    // One more buy lot: 51 lots at 40000 ticks need 51 x 40000 x 0.005 x 10% = 1020 > 1000.
    let out = run(&mut e, order(1, "b3", Side::Buy, 40_000, 1));
    assert!(
        matches!(
            out[..],
            [Event::Rejected {
                reason: RejectReason::InsufficientMargin,
                ..
            }]
        ),
        "{out:?}"
    );
    // An account with nothing cannot open a position at all.
    let out = run(&mut e, order(9, "s9", Side::Sell, 40_000, 1));
    assert!(
        matches!(
            out[..],
            [Event::Rejected {
                reason: RejectReason::InsufficientMargin,
                ..
            }]
        ),
        "{out:?}"
    );
    // Amending b2 up to 60 lots needs 60 x 40000 x 0.005 x 10% = 1200 > 1000: rejected; down is
    // fine.
    let amend = |qty| Command::Amend {
        account: AccountId(1),
        instrument: Some(PERP),
        id: ClientOrderId::new("b2").unwrap(),
        price: None,
        qty: Some(Qty(qty)),
    };
    let out = run(&mut e, amend(60));
    assert!(
        matches!(
            out[..],
            [Event::Rejected {
                reason: RejectReason::InsufficientMargin,
                ..
            }]
        ),
        "{out:?}"
    );
    let out = run(&mut e, amend(40));
    assert!(!matches!(out[..], [Event::Rejected { .. }]), "{out:?}");
}

fn price_cmd(kind: PriceKind, price: i64) -> Command {
    Command::SetPrice {
        instrument: PERP,
        kind,
        price: Price(price),
    }
}

fn funding(out: &[Event]) -> Vec<(u64, Amount)> {
    out.iter()
        .filter_map(|e| match e {
            Event::FundingPaid {
                account, amount, ..
            } => Some((account.0, *amount)),
            _ => None,
        })
        .collect()
}

/// Long 100 (account 1) against shorts 70 (2) and 30 (3); mark 40001 ticks.
#[test]
fn funding_both_ways_by_hand() {
    let mut e = engine();
    for a in 1..=3 {
        deposit(&mut e, a, "10000");
    }
    run(&mut e, order(2, "s2", Side::Sell, 40_000, 70));
    run(&mut e, order(3, "s3", Side::Sell, 40_000, 30));
    run(&mut e, order(1, "b1", Side::Buy, 40_000, 100));
    assert_eq!(
        run(
            &mut e,
            Command::Fund {
                instrument: PERP,
                rate_ppm: 100
            }
        ),
        vec![Event::Error(EngineError::NoMark(0))]
    );
    let out = run(&mut e, price_cmd(PriceKind::Index, 40_002));
    assert_eq!(
        out,
        vec![Event::PriceSet {
            instrument: PERP,
            kind: PriceKind::Index,
            price: Price(40_002)
        }]
    );
    run(&mut e, price_cmd(PriceKind::Mark, 40_001));
    let usd_id = e.asset_id(&name("USD")).unwrap();
    let (b1, b2, b3, fees) = (
        available(&e, 1),
        available(&e, 2),
        available(&e, 3),
        e.fee_balance(usd_id),
    );
    // +250 ppm: longs pay. Notionals at mark: 100 x 40001 x 0.005 = 20000.5; 70 -> 14000.35;
    // 30 -> 6000.15. Account 1 pays 20000.5 x 0.00025 = 5.000125; 2 receives 3.5000875, 3
    // receives 1.5000375 (exact: nothing to round, nothing left for the fee account).
    let out = run(
        &mut e,
        Command::Fund {
            instrument: PERP,
            rate_ppm: 250,
        },
    );
    assert_eq!(
        funding(&out),
        vec![
            (1, usd("5.000125")),
            (2, usd("-3.5000875")),
            (3, usd("-1.5000375"))
        ]
    );
    assert_eq!(available(&e, 1), b1 - usd("5.000125"));
    assert_eq!(available(&e, 2), b2 + usd("3.5000875"));
    assert_eq!(available(&e, 3), b3 + usd("1.5000375"));
    // -100 ppm: shorts pay. 1 receives 2.00005, 2 pays 1.400035, 3 pays 0.600015.
    let out = run(
        &mut e,
        Command::Fund {
            instrument: PERP,
            rate_ppm: -100,
        },
    );
    assert_eq!(
        funding(&out),
        vec![
            (1, usd("-2.00005")),
            (2, usd("1.400035")),
            (3, usd("0.600015"))
        ]
    );
    assert_eq!(e.fee_balance(usd_id), fees);
    assert_conserved(&e);
    // The mark is now the margin price: equity of 1 is its balance + 100 x (40001 - 40000) x
    // 0.005 = +0.5 unrealized.
    assert_eq!(e.instrument(PERP).unwrap().mark, Some(Price(40_001)));
}

/// Account 1 long 100 at 40000 against 2; 3 bids 10 at 30000; settled at 44000.
#[test]
fn settlement_by_hand() {
    let mut e = engine_of(future());
    for a in 1..=3 {
        deposit(&mut e, a, "10000");
    }
    run(&mut e, order(2, "s1", Side::Sell, 40_000, 100));
    run(&mut e, order(1, "b1", Side::Buy, 40_000, 100));
    run(&mut e, order(3, "b3", Side::Buy, 30_000, 10));
    assert_eq!(
        run(
            &mut e,
            Command::Fund {
                instrument: PERP,
                rate_ppm: 1
            }
        ),
        vec![Event::Error(EngineError::WrongKind(0))]
    );
    // 1: 10000 - 8 fee + (100 x 44000 x 0.005 - 20000 = 2000) = 11992;
    // 2: 10000 - 4 fee - 2000 = 7996.
    let out = run(
        &mut e,
        Command::Settle {
            instrument: PERP,
            price: Price(44_000),
        },
    );
    assert_eq!(
        out,
        vec![
            Event::Cancelled {
                account: AccountId(3),
                id: ClientOrderId::new("b3").unwrap(),
                instrument: PERP,
                reason: tradestream_model::CancelReason::Settled,
                leaves_qty: Qty(10),
            },
            Event::PositionSettled {
                account: AccountId(1),
                instrument: PERP,
                qty: 100,
                pnl: usd("2000"),
            },
            Event::PositionSettled {
                account: AccountId(2),
                instrument: PERP,
                qty: -100,
                pnl: usd("-2000"),
            },
            Event::Settled {
                instrument: PERP,
                price: Price(44_000),
            },
        ]
    );
    assert_eq!(available(&e, 1), usd("11992"));
    assert_eq!(available(&e, 2), usd("7996"));
    assert_eq!(available(&e, 3), usd("10000"));
    let out = run(&mut e, order(3, "b4", Side::Buy, 40_000, 1));
    assert!(
        matches!(
            out[..],
            [Event::Rejected {
                reason: RejectReason::InstrumentHalted,
                ..
            }]
        ),
        "{out:?}"
    );
    assert_eq!(
        run(
            &mut e,
            Command::Settle {
                instrument: PERP,
                price: Price(1),
            }
        ),
        vec![Event::Error(EngineError::AlreadySettled(0))]
    );
    // Snapshots keep prices and the settled flag.
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), e.state_hash());
    assert!(restored.instrument(PERP).unwrap().settled);
}
