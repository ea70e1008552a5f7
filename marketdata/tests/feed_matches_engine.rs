//! Random command streams through the real engine: after every command `Books` equals the
//! engine's books, the updates are net and ordered, and every subscriber (full book, top 1,
//! top 5, best bid and offer, trades; subscribed and unsubscribed at random points) holds
//! exactly what the engine shows, with gap-free sequence numbers. A feed seeded from the
//! resting orders midway produces the same updates as the one built from the start.
//!
//! `PROPTEST_CASES=N cargo test -p tradestream-marketdata --test feed_matches_engine` for soaks.

mod support;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use support::world::{run, Step};
use support::{op, Rng};

const INSTRUMENTS: u8 = 3;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        max_shrink_iters: 10_000,
        // Relative to the package root, where `cargo test` runs integration tests.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/feed_matches_engine.txt",
        ))),
        ..ProptestConfig::default()
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        30 => op(INSTRUMENTS).prop_map(Step::Cmd),
        3 => any::<u8>().prop_map(Step::Subscribe),
        1 => any::<u8>().prop_map(Step::Unsubscribe),
        1 => Just(Step::Seed),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Books, updates, channels and a midway-seeded copy agree with the engine after every
    /// command.
    #[test]
    fn feed_matches_engine(steps in proptest::collection::vec(step(), 1..400)) {
        if let Err(e) = run(INSTRUMENTS, &steps) {
            return Err(TestCaseError::fail(e));
        }
    }
}

/// One long seeded stream with every channel subscribed early, resubscriptions and reseeds.
#[test]
fn long_stream_matches_engine() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut steps: Vec<Step> = (0..3 * 5).map(Step::Subscribe).collect();
    for k in 0..20_000u32 {
        steps.push(match rng.below(100) {
            0 => Step::Subscribe(rng.below(256) as u8),
            1 => Step::Unsubscribe(rng.below(256) as u8),
            _ if k % 5_000 == 2_500 => Step::Seed,
            _ => Step::Cmd(rng.op(INSTRUMENTS)),
        });
    }
    let w = run(INSTRUMENTS, &steps).unwrap_or_else(|e| panic!("{e}"));
    // The stream must have exercised the book: trades and resting orders on every instrument.
    assert!(w.trades.len() > 1_000, "only {} trades", w.trades.len());
    assert!(w.feed.books().resting() > 20);
}

/// What the generated streams make the engine do (event kinds and reasons) and how deep the
/// books get: `cargo test -p tradestream-marketdata --test feed_matches_engine coverage_report
/// -- --ignored --nocapture`.
#[test]
#[ignore]
fn coverage_report() {
    use std::collections::BTreeMap;
    use tradestream_model::{Event, InstrumentId, Side};
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut w = support::world::World::new(INSTRUMENTS);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..20_000 {
        w.step(&Step::Cmd(rng.op(INSTRUMENTS))).unwrap();
        for e in &w.events {
            let k = match e {
                Event::Rejected { reason, .. } => format!("rejected {reason:?}"),
                Event::Cancelled { reason, .. } => format!("cancelled {reason:?}"),
                Event::Accepted { .. } => "accepted".into(),
                Event::Trade { .. } => "trade".into(),
                Event::Amended { .. } => "amended".into(),
                Event::Filled { .. } => "filled".into(),
                e => format!("{e:?}"),
            };
            *counts.entry(k).or_default() += 1;
        }
        if matches!(w.events.first(), Some(Event::Amended { .. }))
            && w.events.iter().any(|e| matches!(e, Event::Trade { .. }))
        {
            *counts.entry("amended across the book".into()).or_default() += 1;
        }
    }
    println!("{counts:#?}");
    println!("resting orders: {}", w.feed.books().resting());
    for i in 0..INSTRUMENTS as u32 {
        let inst = InstrumentId(i);
        let books = w.feed.books();
        println!(
            "{inst:?}: {} bid levels, {} ask levels",
            books.levels(inst, Side::Buy),
            books.levels(inst, Side::Sell)
        );
    }
}
