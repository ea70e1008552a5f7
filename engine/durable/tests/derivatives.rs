//! Derivative commands through the journal: listings of a perpetual and a dated future, trading
//! (positions, realized PnL, margin rejects), oracle prices, funding and settlement; a live run,
//! `replay --verify` and recovery reproduce the plain engine's events and state hash.

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
        tick: g("0.5"),
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
        let inst = InstrumentId(rng.below(2) as u32);
        let cmd = match rng.below(20) {
            0 => Command::SetPrice {
                instrument: inst,
                kind: if rng.chance(1, 2) {
                    PriceKind::Mark
                } else {
                    PriceKind::Index
                },
                price: Price(900 + rng.below(200) as i64),
            },
            1 => Command::Fund {
                instrument: inst,
                rate_ppm: rng.below(2001) as i64 - 1000,
            },
            2 if k > n / 2 && rng.chance(1, 10) => Command::Settle {
                instrument: inst,
                price: Price(900 + rng.below(200) as i64),
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
                price: Price(950 + rng.below(100) as i64),
                qty: Qty(1 + rng.below(300) as i64),
                tif: TimeInForce::Gtc,
                post_only: false,
                stp: SelfTradePrevention::None,
            }),
        };
        out.push((cmd, t));
    }
    out
}

#[test]
fn derivative_commands_journal_replay_and_recover_to_the_same_state() {
    let mut seen = [0usize; 4];
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
