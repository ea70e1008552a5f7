//! Quotes and protection are deterministic state: a snapshot taken mid-way restores an engine
//! that emits the same events and hashes the same, a replay from the start reaches the same hash,
//! and a snapshot of the previous layout (version 4, no market-maker section) still loads.

use tradestream_engine::Engine;
use tradestream_model::{CancelReason, Command, Event, RejectReason, Timestamp};

mod mm;
use mm::*;

fn commands(n: u64) -> Vec<(Command, i64)> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut clock = 0;
    let mut out: Vec<(Command, i64)> = protections().into_iter().map(|c| (c, 0)).collect();
    for k in 0..n {
        let cmd = workload(&mut rng, 0, k, &mut clock);
        out.push((cmd, clock));
    }
    out
}

#[test]
fn snapshot_restore_and_replay_give_identical_events_and_hash() {
    let cmds = commands(6_000);
    let half = cmds.len() / 2;
    let mut live = engine();
    let mut events = Vec::new();
    let mut sink = Vec::new();
    for (cmd, ts) in &cmds[..half] {
        sink.clear();
        live.apply(cmd, Timestamp(*ts), &mut sink);
        events.extend_from_slice(&sink);
    }
    let mut bytes = Vec::new();
    live.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).expect("snapshot decodes");
    assert_eq!(restored.state_hash(), live.state_hash());
    let mut again = Vec::new();
    restored.write_snapshot(&mut again);
    assert_eq!(again, bytes, "snapshot bytes are canonical");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (k, (cmd, ts)) in cmds[half..].iter().enumerate() {
        a.clear();
        b.clear();
        live.apply(cmd, Timestamp(*ts), &mut a);
        restored.apply(cmd, Timestamp(*ts), &mut b);
        assert_eq!(a, b, "command {k} after the snapshot diverged: {cmd:?}");
        events.extend_from_slice(&a);
    }
    assert_eq!(restored.state_hash(), live.state_hash());

    let mut replay = engine();
    let mut replayed = Vec::new();
    for (cmd, ts) in &cmds {
        sink.clear();
        replay.apply(cmd, Timestamp(*ts), &mut sink);
        replayed.extend_from_slice(&sink);
    }
    assert_eq!(replayed, events);
    assert_eq!(replay.state_hash(), live.state_hash());

    // The workload reaches everything it is meant to test.
    let count = |f: &dyn Fn(&Event) -> bool| events.iter().filter(|e| f(e)).count();
    let trips = count(&|e| matches!(e, Event::ProtectionTripped { .. }));
    let frozen = count(&|e| {
        matches!(
            e,
            Event::Rejected {
                reason: RejectReason::MmProtection,
                ..
            }
        )
    });
    let crossed = count(&|e| {
        matches!(
            e,
            Event::Rejected {
                reason: RejectReason::CrossedQuote,
                ..
            }
        )
    });
    let replaced = count(&|e| {
        matches!(
            e,
            Event::Cancelled {
                reason: CancelReason::Replaced,
                ..
            }
        )
    });
    let protected = count(&|e| {
        matches!(
            e,
            Event::Cancelled {
                reason: CancelReason::Protection,
                ..
            }
        )
    });
    let quoted = count(&|e| matches!(e, Event::Quoted { .. }));
    let trades = count(&|e| matches!(e, Event::Trade { .. }));
    assert!(
        trips > 20
            && frozen > 20
            && crossed > 20
            && replaced > 500
            && protected > 20
            && quoted > 1_000
            && trades > 1_000,
        "trips {trips}, frozen {frozen}, crossed {crossed}, replaced {replaced}, \
         protection cancels {protected}, quoted {quoted}, trades {trades}"
    );
}

#[test]
fn quoting_state_enters_the_hash_and_the_snapshot() {
    let mut e = engine();
    let plain = e.state_hash();
    run(&mut e, protect(1, 100, 2, 0, 50), 0);
    let protected = e.state_hash();
    assert_ne!(protected, plain);
    run(&mut e, quote(1, "q", (100, 2), (102, 2)), 1);
    let quoting = e.state_hash();
    // The same books and balances reached with plain orders: no quote (and no quote id).
    let mut other = engine();
    run(&mut other, protect(1, 100, 2, 0, 50), 0);
    run(
        &mut other,
        order(1, "qb", tradestream_model::Side::Buy, 100, 2),
        1,
    );
    run(
        &mut other,
        order(1, "qa", tradestream_model::Side::Sell, 102, 2),
        1,
    );
    assert_ne!(other.state_hash(), quoting);
    // A fill and a trip (window, freeze) are state too; a restored engine keeps them.
    run(
        &mut e,
        order(2, "s", tradestream_model::Side::Sell, 100, 1),
        10,
    );
    let one_fill = e.state_hash();
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).unwrap();
    assert_eq!(restored.state_hash(), one_fill);
    for x in [&mut e, &mut restored] {
        let ev = run(x, order(2, "s2", tradestream_model::Side::Sell, 100, 1), 20);
        assert!(ev.contains(&tripped(1, 2, 2, Some(70))), "{ev:?}");
        assert_eq!(
            run(x, quote(1, "r", (100, 1), (102, 1)), 69),
            vec![rejected(1, "r", RejectReason::MmProtection)]
        );
    }
    assert_eq!(restored.state_hash(), e.state_hash());
}

#[test]
fn a_version_4_snapshot_still_loads() {
    let mut e = engine();
    run(
        &mut e,
        order(1, "o", tradestream_model::Side::Buy, 100, 2),
        1,
    );
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    // Version 5 appends the market-maker section: here empty (a zero count).
    assert_eq!(bytes[bytes.len() - 4..], [0, 0, 0, 0]);
    bytes.truncate(bytes.len() - 4);
    bytes[0] = 4;
    let restored = Engine::from_snapshot(&bytes).expect("version 4 loads");
    assert_eq!(restored.state_hash(), e.state_hash());
}
