//! Derivative commands through the journal: listings of a perpetual (with a smoothed-basis mark),
//! a dated future, a call option and a binary; trading (positions, realized PnL, margin rejects,
//! reduce-only orders, position limits), oracle prices and price shocks that liquidate accounts
//! (IOC steps, deleveraging, the insurance fund), option risk arrays, explicit and premium-index
//! funding, settlement and resolution; a live run, `replay --verify` and recovery reproduce the
//! plain engine's events and state hash.

mod support;

use support::{durable_config, replay_all, verify_opts, Clean, Stamped};
use tradestream_durable::DurableEngine;
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::FsyncPolicy;
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, ClientOrderId, Command, Event, InstrumentId, InstrumentKind, InstrumentSpec, Margin,
    NewOrder, OrderType, Price, PriceKind, Qty, SelfTradePrevention, ShortName, Side, TimeInForce,
    Timestamp,
};

fn name(s: &str) -> ShortName {
    ShortName::new(s).unwrap()
}

fn stream(seed: u64, n: usize) -> Vec<Stamped> {
    let g = |s: &str| Grid::new(decimal::parse(s).unwrap()).unwrap();
    let margin = Margin {
        initial_bps: 500,
        maintenance_bps: 250,
    };
    let spec = |symbol: &str, kind| InstrumentSpec {
        symbol: name(symbol),
        kind,
        base: name("BTC"),
        quote: name("USD"),
        tick: g(if symbol == "YES" { "0.01" } else { "0.5" }),
        lot: g("0.01"),
        maker_fee_bps: -1,
        taker_fee_bps: 4,
    };
    let t = Timestamp(1);
    let mut out: Vec<Stamped> = vec![
        (
            Command::AddInstrument(spec(
                "BTC-PERP",
                InstrumentKind::Perpetual {
                    funding_interval_ms: 1,
                    margin,
                    basis_smoothing_ppm: 250_000,
                    funding_cap_ppm: 2_000,
                },
            )),
            t,
        ),
        (
            Command::AddInstrument(spec(
                "BTC-F",
                InstrumentKind::DatedFuture {
                    expiry: Timestamp(10),
                    margin,
                },
            )),
            t,
        ),
        (
            Command::AddInstrument(spec(
                "CALL",
                InstrumentKind::Option {
                    underlying: InstrumentId(0),
                    right: tradestream_model::OptionRight::Call,
                    strike: Price(1_000),
                    expiry: Timestamp(10),
                    margin: Margin {
                        initial_bps: 10_000,
                        maintenance_bps: 7_000,
                    },
                },
            )),
            t,
        ),
        (
            Command::AddInstrument(spec(
                "YES",
                InstrumentKind::Binary {
                    expiry: Timestamp(10),
                },
            )),
            t,
        ),
        (
            Command::InsuranceDeposit {
                asset: name("USD"),
                amount: decimal::amount(decimal::parse("50").unwrap()).unwrap(),
            },
            t,
        ),
        (
            Command::SetControls {
                instrument: InstrumentId(0),
                controls: tradestream_model::Controls {
                    max_qty: Some(Qty(150)),
                    max_position: Some(Qty(600)),
                    ..Default::default()
                },
            },
            t,
        ),
    ];
    for a in 0..8 {
        out.push((
            Command::Deposit {
                account: AccountId(a),
                asset: name("USD"),
                amount: decimal::amount(decimal::parse(&format!("{}", 100 + a * 50)).unwrap())
                    .unwrap(),
            },
            t,
        ));
    }
    let mut rng = SimRng::new(seed);
    for k in 0..n {
        let inst = InstrumentId(rng.below(4) as u32);
        // Prices in each instrument's ticks: futures around 1000, the call around 40, the binary
        // between 1 and 99 (tick 0.01).
        let (low, span) = match inst.0 {
            0 | 1 => (950, 100),
            2 => (20, 40),
            _ => (1, 99),
        };
        let cmd = match rng.below(24) {
            0 => Command::SetPrice {
                instrument: InstrumentId(rng.below(2) as u32),
                kind: if rng.chance(1, 2) {
                    PriceKind::Mark
                } else {
                    PriceKind::Index
                },
                // Now and then a shock far outside the trading range.
                price: Price(if rng.chance(1, 6) {
                    600 + rng.below(800) as i64
                } else {
                    900 + rng.below(200) as i64
                }),
            },
            1 => Command::Fund {
                instrument: InstrumentId(0),
                rate_ppm: rng.below(2001) as i64 - 1000,
            },
            2 => Command::FundPremium {
                instrument: InstrumentId(0),
            },
            3 => {
                let mark = 10 + rng.below(60) as i64;
                let mut values = [0i64; tradestream_model::RISK_SCENARIOS];
                for (s, v) in values.iter_mut().enumerate() {
                    let m = s as i64 / 2 - 3;
                    *v = (mark + 12 * m + if s % 2 == 0 { 4 } else { -4 }).max(0);
                }
                Command::OptionRisk {
                    instrument: InstrumentId(2),
                    vol_ppm: 500_000 + rng.below(400_000) as u32,
                    mark: Price(mark),
                    values,
                }
            }
            4 => Command::Time {
                ts: Timestamp(k as i64),
            },
            5 if k > n / 2 && rng.chance(1, 10) => match inst.0 {
                3 => Command::Resolve {
                    instrument: inst,
                    yes: rng.chance(1, 2),
                },
                _ => Command::Settle {
                    instrument: inst,
                    price: Price(900 + rng.below(200) as i64),
                },
            },
            _ => Command::New(NewOrder {
                account: AccountId(rng.below(8)),
                instrument: Some(inst),
                id: ClientOrderId::new(&format!("o{k}")).unwrap(),
                side: if rng.chance(1, 2) {
                    Side::Buy
                } else {
                    Side::Sell
                },
                order_type: if rng.chance(1, 10) {
                    OrderType::Market
                } else {
                    OrderType::Limit
                },
                price: Price(low + rng.below(span) as i64),
                qty: Qty(1 + rng.below(300) as i64),
                tif: if rng.chance(1, 5) {
                    TimeInForce::Ioc
                } else {
                    TimeInForce::Gtc
                },
                post_only: false,
                reduce_only: rng.chance(1, 8),
                stp: SelfTradePrevention::None,
            }),
        };
        out.push((cmd, Timestamp(k as i64)));
    }
    out
}

#[test]
fn derivative_commands_journal_replay_and_recover_to_the_same_state() {
    let mut seen = [0usize; 10];
    for seed in 1..6u64 {
        let cmds = stream(seed, 600);
        let config = durable_config(8192, 64, FsyncPolicy::Always, [0, 50][seed as usize % 2], 2);
        let clean = Clean::run(config.engine, &cmds);
        for e in clean.events.iter().flatten() {
            match e {
                Event::Trade { .. } => seen[0] += 1,
                Event::FundingPaid { .. } => seen[1] += 1,
                Event::PositionSettled { .. } => seen[2] += 1,
                Event::PriceSet { .. } => seen[3] += 1,
                Event::OptionMarked { .. } => seen[4] += 1,
                Event::FundingRate { .. } => seen[5] += 1,
                Event::LiquidationStarted { .. } => seen[6] += 1,
                Event::LiquidationStep { .. } => seen[7] += 1,
                Event::InsurancePaid { .. } | Event::Deleveraged { .. } => seen[8] += 1,
                Event::Settled { .. } => seen[9] += 1,
                _ => {}
            }
        }
        let disk = SimDisk::new();
        let (mut engine, rec) = DurableEngine::open(disk.clone(), config.clone()).expect("open");
        assert!(rec.created);
        let mut events = Vec::new();
        for (cmd, ts) in &cmds {
            engine.apply(cmd, *ts, &mut events).expect("apply");
        }
        let hash = engine.engine().state_hash();
        engine.close().expect("close");
        assert_eq!(
            hash,
            clean.hashes[cmds.len()],
            "seed {seed}: live and plain"
        );
        assert_eq!(events, clean.events.concat(), "seed {seed}: events");
        let (summary, _) = replay_all(&disk, verify_opts()).expect("replay --verify");
        assert_eq!(summary.state_hash, hash, "seed {seed}: replayed state hash");
        let (engine, _) = DurableEngine::open(disk, config.clone()).expect("reopen");
        assert_eq!(engine.engine().state_hash(), hash, "seed {seed}: recovered");
        engine.close().expect("close");
    }
    assert!(
        seen.iter().all(|&k| k > 0),
        "every derivative event: {seen:?}"
    );
}
