//! Proves the derivatives hot path allocates nothing after warm-up: orders on a perpetual, an
//! option and a binary pass the margin, reduce-only and position-limit checks, trade, rest,
//! amend and cancel; index prices derive smoothed marks and run the maintenance scan; option
//! risk arrays and premium-index funding arrive; all watched by a counting global allocator on
//! a second pass after a first pass warmed the structures.

use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::{
    AccountId, Command, Controls, Event, InstrumentId, InstrumentKind, OptionRight, OrderType,
    Price, PriceKind, Qty, Side, TimeInForce, Timestamp, RISK_SCENARIOS,
};

mod counting;
// Only the ids and the generator are used here.
#[allow(dead_code)]
mod support;
mod venue;
use support::{id, Rng};
use venue::{deposit, limit, list, margin, perpetual, run, spec};

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

const ACCOUNTS: u64 = 16;
const MID: i64 = 1_000;

struct Venue {
    perp: InstrumentId,
    option: InstrumentId,
    binary: InstrumentId,
}

fn venue(e: &mut Engine) -> Venue {
    let perp = list(
        e,
        spec(
            "PERP",
            perpetual(margin(1_000, 500), 200_000, 5_000),
            "1",
            "1",
        ),
    );
    let option = list(
        e,
        spec(
            "CALL",
            InstrumentKind::Option {
                underlying: perp,
                right: OptionRight::Call,
                strike: Price(MID),
                expiry: Timestamp(i64::MAX / 2),
                margin: margin(10_000, 7_000),
            },
            "1",
            "1",
        ),
    );
    let binary = list(
        e,
        spec(
            "YES",
            InstrumentKind::Binary {
                expiry: Timestamp(i64::MAX / 2),
            },
            "0.01",
            "1",
        ),
    );
    let controls = Controls {
        max_position: Some(Qty(5_000)),
        ..Controls::default()
    };
    run(
        e,
        Command::SetControls {
            instrument: perp,
            controls,
        },
    );
    for a in 0..ACCOUNTS {
        deposit(e, a, "10000000");
    }
    Venue {
        perp,
        option,
        binary,
    }
}

/// One command of the mix.
fn command(v: &Venue, rng: &mut Rng, n: u64, clock: &mut i64) -> Command {
    // Order `n` belongs to account `n mod ACCOUNTS`, so cancels and amends find their owner.
    let account = n % ACCOUNTS;
    let earlier = n.saturating_sub(1 + rng.below(40));
    let perp_order = earlier - earlier % 10;
    match rng.below(100) {
        0 => Command::SetPrice {
            instrument: v.perp,
            kind: PriceKind::Index,
            price: Price(MID - 20 + rng.below(40) as i64),
        },
        1 => {
            let mark = 40 + rng.below(20) as i64;
            let mut values = [0i64; RISK_SCENARIOS];
            for (s, x) in values.iter_mut().enumerate() {
                *x = mark + s as i64 * 3 - 20;
            }
            Command::OptionRisk {
                instrument: v.option,
                vol_ppm: 600_000,
                mark: Price(mark),
                values: values.map(|x| x.max(0)),
            }
        }
        2 => {
            *clock += 8 * 3_600_000;
            Command::Time {
                ts: Timestamp(*clock),
            }
        }
        3 => Command::FundPremium { instrument: v.perp },
        4..=6 => Command::MassCancel {
            account: AccountId(account),
            instrument: None,
        },
        7..=15 => Command::Cancel {
            account: AccountId(earlier % ACCOUNTS),
            instrument: Some(instrument_of(v, earlier)),
            id: id(earlier),
        },
        16..=19 => Command::Amend {
            account: AccountId(perp_order % ACCOUNTS),
            instrument: Some(v.perp),
            id: id(perp_order),
            price: Some(Price(MID - 10 + rng.below(20) as i64)),
            qty: None,
        },
        r => {
            let side = if rng.below(2) == 0 {
                Side::Buy
            } else {
                Side::Sell
            };
            let (inst, price) = match r % 10 {
                0..=5 => (v.perp, MID - 10 + rng.below(20) as i64),
                6 | 7 => (v.option, 40 + rng.below(20) as i64),
                _ => (v.binary, 30 + rng.below(40) as i64),
            };
            let mut o = limit(account, inst, "x", side, price, 1 + rng.below(20) as i64);
            o.id = id(n);
            match rng.below(6) {
                0 => o.tif = TimeInForce::Ioc,
                1 => o.order_type = OrderType::Market,
                2 => o.reduce_only = true,
                _ => {}
            }
            Command::New(o)
        }
    }
}

/// Order `n` trades the perpetual (6 in 10), the option (2) or the binary (2).
fn instrument_of(v: &Venue, n: u64) -> InstrumentId {
    match n % 10 {
        0..=5 => v.perp,
        6 | 7 => v.option,
        _ => v.binary,
    }
}

fn pass(
    e: &mut Engine,
    v: &Venue,
    sink: &mut Vec<Event>,
    rng: &mut Rng,
    first: u64,
    n: u64,
    clock: &mut i64,
) -> usize {
    let mut trades = 0;
    for k in first..first + n {
        let cmd = command(v, rng, k, clock);
        sink.clear();
        e.apply(&cmd, Timestamp(*clock), sink);
        trades += sink
            .iter()
            .filter(|x| matches!(x, Event::Trade { .. }))
            .count();
    }
    trades
}

#[test]
fn derivatives_hot_path_allocates_nothing_after_warm_up() {
    const N: u64 = 100_000;
    let mut e = Engine::new(EngineConfig {
        capacity: 100_000,
        expected_client_ids: 2 * N as usize + 16,
        expected_accounts: 64,
        levels_per_side: 256,
        ..EngineConfig::default()
    });
    let v = venue(&mut e);
    let mut sink = Vec::with_capacity(e.max_events_per_command());
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut clock = 1;
    let warm = pass(&mut e, &v, &mut sink, &mut rng, 0, N, &mut clock);

    counting::start();
    let measured = pass(&mut e, &v, &mut sink, &mut rng, N, N, &mut clock);
    let allocs = counting::stop();
    assert!(
        warm > 5_000 && measured > 5_000,
        "the mix must trade: {warm}, {measured}"
    );
    for inst in [v.perp, v.option, v.binary] {
        let open = e.resting_orders(inst).count();
        assert!(open > 5, "orders must rest on {inst:?}: {open}");
    }
    let positions = (0..ACCOUNTS)
        .filter(|a| e.position(AccountId(*a), v.option).qty != 0)
        .count();
    assert!(positions > 2, "option positions must exist: {positions}");
    assert_eq!(
        allocs, 0,
        "{allocs} allocations in {N} derivative commands after warm-up"
    );
}
