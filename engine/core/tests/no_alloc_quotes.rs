//! Quotes and fills of protected quotes allocate nothing after warm-up: a counting allocator
//! watches a second pass of the quote workload (quotes replacing quotes, sides trading, trips,
//! frozen rejects, resets) after a first pass warmed the engine's structures.

use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::{Command, Event, Timestamp};

mod counting;
mod mm;
use mm::*;

#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

/// Applies `cmds`; returns (trades, trips).
fn apply(e: &mut Engine, sink: &mut Vec<Event>, cmds: &[(Command, i64)]) -> (usize, usize) {
    let (mut trades, mut trips) = (0, 0);
    for (cmd, ts) in cmds {
        sink.clear();
        e.apply(cmd, Timestamp(*ts), sink);
        for ev in sink.iter() {
            match ev {
                Event::Trade { .. } => trades += 1,
                Event::ProtectionTripped { .. } => trips += 1,
                _ => {}
            }
        }
    }
    (trades, trips)
}

#[test]
fn quotes_and_protected_fills_allocate_nothing_after_warm_up() {
    const N: u64 = 20_000;
    let mut e = Engine::new(EngineConfig {
        capacity: 10_000,
        expected_client_ids: 8 * N as usize,
        expected_accounts: 64,
        levels_per_side: 64,
        ..EngineConfig::default()
    });
    let mut sink = Vec::with_capacity(e.max_events_per_command());
    mm::setup(&mut e, &mut sink);
    for cmd in protections() {
        e.apply(&cmd, Timestamp(0), &mut sink);
    }
    // Commands are built before counting (their ids are formatted strings).
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut clock = 0;
    let mut batch = |first: u64| -> Vec<(Command, i64)> {
        (0..N)
            .map(|k| {
                let cmd = workload(&mut rng, first, k, &mut clock);
                (cmd, clock)
            })
            .collect()
    };
    let (warm_cmds, measured_cmds) = (batch(0), batch(N));
    let warm = apply(&mut e, &mut sink, &warm_cmds);

    counting::start();
    let measured = apply(&mut e, &mut sink, &measured_cmds);
    let allocs = counting::stop();
    assert!(
        warm.0 > 1_000 && measured.0 > 1_000 && measured.1 > 50,
        "the workload must trade and trip: {warm:?}, {measured:?}"
    );
    assert_eq!(
        allocs, 0,
        "{allocs} allocations in {N} commands after warm-up"
    );
}
