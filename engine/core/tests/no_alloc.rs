//! Proves the hot path allocates nothing after warm-up: a counting global allocator watches a
//! second pass of a mixed workload (limit and market orders of every time in force, trades,
//! amends, cancels, mass cancels, expiries, self-trade prevention) after a first pass warmed the
//! engine's structures; then the same again with operator and session commands mixed in (halts,
//! kill switches, fee changes, disconnects).

use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::{AccountId, Command, Event, InstrumentId, Timestamp};

mod counting;
mod support;
use support::{pass, random_command, setup, Rng, ACCOUNTS};

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

#[test]
fn hot_path_allocates_nothing_after_warm_up() {
    const N: u64 = 200_000;
    let mut engine = Engine::new(EngineConfig {
        capacity: 100_000,
        expected_client_ids: 2 * N as usize + 16,
        expected_accounts: 64,
        levels_per_side: 64,
        ..EngineConfig::default()
    });
    let mut sink = Vec::with_capacity(engine.max_events_per_command());
    setup(&mut engine, &mut sink);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut clock = 0;
    let warm = pass(&mut engine, &mut sink, &mut rng, 0, N, &mut clock);

    counting::start();
    let measured = pass(&mut engine, &mut sink, &mut rng, N, N, &mut clock);
    let allocs = counting::stop();
    assert!(
        warm > 10_000 && measured > 10_000,
        "the workload must trade: {warm}, {measured}"
    );
    assert!(
        engine.open_orders() > 10,
        "orders must rest: {}",
        engine.open_orders()
    );
    assert_eq!(
        allocs, 0,
        "{allocs} allocations in {N} commands after warm-up"
    );

    // Operator and session commands mixed in: warm once, then measure.
    const M: u64 = 50_000;
    engine.reserve_client_ids(2 * M as usize);
    let warm = operator_pass(&mut engine, &mut sink, &mut rng, 2 * N, M, &mut clock);
    counting::start();
    let measured = operator_pass(&mut engine, &mut sink, &mut rng, 2 * N + M, M, &mut clock);
    let allocs = counting::stop();
    assert!(
        warm.0 > 1_000 && measured.0 > 1_000 && measured.1 > 500,
        "the workload must trade and reach operator commands: {warm:?}, {measured:?}"
    );
    assert_eq!(
        allocs, 0,
        "{allocs} allocations in {M} commands with operator commands after warm-up"
    );
}

/// `n` commands of the usual mix with an operator or session command about one time in 30;
/// returns (trades, operator commands).
fn operator_pass(
    engine: &mut Engine,
    sink: &mut Vec<Event>,
    rng: &mut Rng,
    first_id: u64,
    n: u64,
    clock: &mut i64,
) -> (usize, u64) {
    let (mut trades, mut operator) = (0, 0);
    for k in 0..n {
        let cmd = if rng.below(30) == 0 {
            operator += 1;
            let account = AccountId(rng.below(ACCOUNTS));
            match rng.below(4) {
                0 => Command::Halt {
                    instrument: InstrumentId(0),
                    halted: rng.below(3) == 0,
                },
                1 => Command::KillSwitch {
                    account,
                    on: rng.below(4) == 0,
                },
                2 => Command::SetFees {
                    instrument: InstrumentId(0),
                    maker_fee_bps: rng.below(5) as i32 - 2,
                    taker_fee_bps: rng.below(8) as i32,
                },
                _ => Command::Disconnect { account },
            }
        } else {
            random_command(rng, first_id, k, clock)
        };
        sink.clear();
        engine.apply(&cmd, Timestamp(*clock), sink);
        trades += sink
            .iter()
            .filter(|e| matches!(e, Event::Trade { .. }))
            .count();
    }
    (trades, operator)
}
