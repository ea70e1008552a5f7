//! A snapshot restores an engine that hashes the same and behaves identically afterwards.

use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::{Event, Timestamp};

mod support;
use support::{pass, random_command, setup, Rng};

#[test]
fn restored_engine_hashes_and_behaves_the_same() {
    let config = EngineConfig {
        capacity: 50_000,
        ..EngineConfig::default()
    };
    let mut live = Engine::new(config);
    let mut sink = Vec::new();
    setup(&mut live, &mut sink);
    let mut rng = Rng(42);
    let mut clock = 0;
    let trades = pass(&mut live, &mut sink, &mut rng, 0, 20_000, &mut clock);
    assert!(trades > 1_000 && live.open_orders() > 10);

    let mut bytes = Vec::new();
    live.write_snapshot(&mut bytes);
    let mut restored = Engine::from_snapshot(&bytes).expect("snapshot decodes");
    assert_eq!(restored.state_hash(), live.state_hash());
    let mut again = Vec::new();
    restored.write_snapshot(&mut again);
    assert_eq!(again, bytes, "snapshot bytes are canonical");

    let (mut a, mut b): (Vec<Event>, Vec<Event>) = (Vec::new(), Vec::new());
    for k in 0..20_000 {
        let cmd = random_command(&mut rng, 20_000, k, &mut clock);
        a.clear();
        b.clear();
        live.apply(&cmd, Timestamp(clock), &mut a);
        restored.apply(&cmd, Timestamp(clock), &mut b);
        assert_eq!(a, b, "command {k} diverged: {cmd:?}");
    }
    assert_eq!(restored.state_hash(), live.state_hash());
}

#[test]
fn damaged_snapshots_are_refused_not_misread() {
    let mut e = Engine::new(EngineConfig::default());
    let mut sink = Vec::new();
    setup(&mut e, &mut sink);
    let mut rng = Rng(7);
    let mut clock = 0;
    pass(&mut e, &mut sink, &mut rng, 0, 2_000, &mut clock);
    let mut bytes = Vec::new();
    e.write_snapshot(&mut bytes);
    for cut in (0..bytes.len()).step_by(97) {
        assert!(
            Engine::from_snapshot(&bytes[..cut]).is_err(),
            "prefix {cut} accepted"
        );
    }
    let mut wrong = bytes.clone();
    wrong[0] = 9;
    assert!(Engine::from_snapshot(&wrong).is_err());
}
