//! Operator and session commands (halts, kill switches, fee changes, disconnects) through the
//! journal: a live run, `replay --verify` and recovery agree with a plain engine; and a clean
//! shutdown with `close_with_snapshot` leaves a snapshot at the last sequence number, so the next
//! open replays nothing.

mod support;

use support::{
    commands, durable_config, replay_all, snapshots, verify_opts, Clean, Stamped, TempDir, ACCOUNTS,
};
use tradestream_durable::{DurableConfig, DurableEngine};
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::{FsStorage, FsyncPolicy, Storage};
use tradestream_model::{AccountId, CancelReason, Command, Event, InstrumentId};

/// The generated stream of `seed` with an operator or session command inserted about every
/// 12 commands after the set-up (listings and deposits): halts and resumes (one of an unlisted
/// instrument, an engine error), kill switches on and off, fee changes, disconnects (some of
/// accounts that do not exist).
fn with_operator_commands(seed: u64, n: usize) -> Vec<Stamped> {
    let base = commands(seed, n);
    let setup = 2 + 3 * ACCOUNTS as usize;
    let mut rng = SimRng::new(seed ^ 0x0BE7);
    let mut out = Vec::with_capacity(n + n / 8);
    for (i, (cmd, ts)) in base.into_iter().enumerate() {
        if i > setup && rng.chance(1, 12) {
            let account = AccountId(rng.below(ACCOUNTS + 2));
            let instrument = InstrumentId(match rng.below(20) {
                0 => 5,
                k => (k % 2) as u32,
            });
            let op = match rng.below(4) {
                0 => Command::Halt {
                    instrument,
                    halted: rng.chance(1, 2),
                },
                1 => Command::KillSwitch {
                    account,
                    on: rng.chance(1, 3),
                },
                2 => Command::SetFees {
                    instrument,
                    maker_fee_bps: rng.below(5) as i32 - 2,
                    taker_fee_bps: rng.below(10) as i32,
                },
                _ => Command::Disconnect { account },
            };
            out.push((op, ts));
        }
        out.push((cmd, ts));
    }
    out
}

/// Opens a new journal, applies `cmds`, and returns the engine (still open) and every event.
fn live<S>(storage: S, config: &DurableConfig, cmds: &[Stamped]) -> (DurableEngine, Vec<Event>)
where
    S: Storage + Clone + Send + 'static,
    S::File: Send,
{
    let (mut engine, rec) = DurableEngine::open(storage, config.clone()).expect("open");
    assert!(rec.created);
    let mut events = Vec::new();
    for (cmd, ts) in cmds {
        engine.apply(cmd, *ts, &mut events).expect("apply");
    }
    (engine, events)
}

#[test]
fn operator_commands_journal_replay_and_recover_to_the_same_state() {
    let mut seen = [0usize; 4];
    for seed in 0..12u64 {
        let cmds = with_operator_commands(seed, 400);
        let every = [0, 25][seed as usize % 2];
        let config = durable_config(8192, 64, FsyncPolicy::Always, every, 2);
        let clean = Clean::run(config.engine, &cmds);
        for evs in &clean.events {
            for e in evs {
                match e {
                    Event::Halted { .. } => seen[0] += 1,
                    Event::KillSwitch { .. } => seen[1] += 1,
                    Event::FeesChanged { .. } => seen[2] += 1,
                    Event::Cancelled {
                        reason: CancelReason::KillSwitch | CancelReason::Disconnect,
                        ..
                    } => seen[3] += 1,
                    _ => {}
                }
            }
        }
        let disk = SimDisk::new();
        let (engine, events) = live(disk.clone(), &config, &cmds);
        let hash = engine.engine().state_hash();
        engine.close().expect("close");
        let n = cmds.len();
        assert_eq!(hash, clean.hashes[n], "seed {seed}: live and plain engine");
        assert_eq!(
            events,
            clean.events.concat(),
            "seed {seed}: live events and plain engine"
        );
        let (summary, derived) = replay_all(&disk, verify_opts()).expect("replay --verify");
        assert_eq!(summary.state_hash, hash, "seed {seed}: replayed state hash");
        assert_eq!(summary.last_seq, n as u64 + 1);
        support::assert_clean_prefix(&clean, &derived, n as u64 + 1, &format!("seed {seed}"));
        let (engine, rec) = DurableEngine::open(disk, config.clone()).expect("reopen");
        assert_eq!(engine.engine().state_hash(), hash, "seed {seed}: recovered");
        if every > 0 {
            assert!(rec.snapshot_seq.is_some(), "seed {seed}: from a snapshot");
        }
        engine.close().expect("close");
    }
    assert!(
        seen.iter().all(|&k| k > 20),
        "the stream must reach every new event: {seen:?}"
    );
}

fn close_with_snapshot_then_reopen<S>(storage: S, config: &DurableConfig, seed: u64)
where
    S: Storage + Clone + Send + 'static,
    S::File: Send,
{
    let cmds = with_operator_commands(seed, 300);
    let (engine, _) = live(storage.clone(), config, &cmds);
    let last = engine.last_seq();
    let hash = engine.engine().state_hash();
    assert_eq!(last, cmds.len() as u64 + 1);
    engine.close_with_snapshot().expect("close with snapshot");
    let (engine, rec) = DurableEngine::open(storage.clone(), config.clone()).expect("reopen");
    assert_eq!(rec.snapshot_seq, Some(last), "seed {seed}");
    assert_eq!(rec.replayed, 0, "seed {seed}: nothing to replay");
    assert_eq!(rec.last_seq, last);
    assert!(rec.skipped_snapshots.is_empty());
    assert_eq!(
        engine.engine().state_hash(),
        hash,
        "seed {seed}: same state"
    );
    // The journal continues from there, and a full replay still verifies every snapshot.
    let mut engine = engine;
    let more = with_operator_commands(seed + 1000, 80);
    let mut events = Vec::new();
    let tail = &more[2 + 3 * ACCOUNTS as usize..];
    for (cmd, ts) in tail {
        engine
            .apply(cmd, *ts, &mut events)
            .expect("apply after reopen");
    }
    let hash = engine.engine().state_hash();
    engine.close().expect("close");
    let (summary, _) = replay_all(&storage, verify_opts()).expect("replay --verify");
    assert_eq!(summary.state_hash, hash, "seed {seed}: replay after reopen");
    assert!(summary.snapshots_verified >= 1, "seed {seed}");
}

#[test]
fn close_with_snapshot_makes_the_next_open_replay_nothing_on_the_simulated_disk() {
    for seed in 0..6u64 {
        // Without periodic snapshots, with them (the last one not at the end), keep 1 and 3.
        let (every, keep) = [(0, 1), (40, 1), (40, 3)][seed as usize % 3];
        let config = durable_config(8192, 64, FsyncPolicy::Always, every, keep);
        let disk = SimDisk::new();
        close_with_snapshot_then_reopen(disk.clone(), &config, seed);
        assert!(
            snapshots(&disk).len() <= keep,
            "seed {seed}: keep_snapshots {keep}: {:?}",
            snapshots(&disk)
        );
    }
}

#[test]
fn close_with_snapshot_makes_the_next_open_replay_nothing_on_real_files() {
    let dir = TempDir::new("close-snapshot");
    let config = durable_config(
        1 << 16,
        256,
        FsyncPolicy::Batch {
            records: 64,
            micros: 200,
        },
        100,
        2,
    );
    close_with_snapshot_then_reopen(FsStorage::new(dir.path()), &config, 77);
}

#[test]
fn close_with_snapshot_of_an_empty_journal_writes_nothing() {
    let config = durable_config(8192, 64, FsyncPolicy::Always, 0, 2);
    let disk = SimDisk::new();
    let (engine, _) = live(disk.clone(), &config, &[]);
    engine.close_with_snapshot().expect("close");
    assert!(snapshots(&disk).is_empty());
    let (engine, rec) = DurableEngine::open(disk, config).expect("reopen");
    assert_eq!((rec.snapshot_seq, rec.replayed, rec.last_seq), (None, 0, 1));
    engine.close().expect("close");
}

#[test]
fn the_durable_engine_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<DurableEngine>();
}
