//! Determinism of the durable engine: the live run, two replays (with and without `--verify`,
//! from genesis and from a snapshot, up to a `--to`) and a recovery all give identical event
//! streams and state hashes, on the simulated disk and on real files; and two live runs with
//! different batching (fsync policy, ring, segment size) journal byte-identical records.

mod support;

use std::path::Path;

use support::{commands, durable_config, replay_all, verify_opts, Clean, Stamped, TempDir, DIR};
use tradestream_durable::{DurableConfig, DurableEngine, ReplayOptions};
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::{FsStorage, FsyncPolicy, JournalReader, Storage};
use tradestream_model::Event;

/// What a live run produced.
struct Live {
    /// `(seq, events)` of every command, as `apply` returned them.
    events: Vec<(u64, Vec<Event>)>,
    state_hash: [u8; 32],
}

fn live_run<S>(storage: S, config: &DurableConfig, cmds: &[Stamped]) -> Live
where
    S: Storage + Clone + Send + 'static,
    S::File: Send,
{
    let (mut engine, rec) = DurableEngine::open(storage, config.clone()).expect("open");
    assert!(rec.created);
    let mut events = Vec::new();
    for (cmd, ts) in cmds {
        let mut sink = Vec::new();
        let seq = engine.apply(cmd, *ts, &mut sink).expect("apply");
        events.push((seq, sink));
    }
    let state_hash = engine.engine().state_hash();
    engine.close().expect("close");
    Live { events, state_hash }
}

/// Checks replays and a recovery of the journal in `storage` against the live run.
fn check_against_live<S>(storage: S, config: &DurableConfig, live: &Live, clean: &Clean, what: &str)
where
    S: Storage + Clone + Send + 'static,
    S::File: Send,
{
    let n = live.events.len();
    assert_eq!(
        live.state_hash, clean.hashes[n],
        "{what}: live run and plain engine"
    );
    for (seq, evs) in &live.events {
        assert_eq!(
            evs.as_slice(),
            clean.events_of_seq(*seq),
            "{what}: live events of {seq}"
        );
    }
    let (a, ea) = replay_all(&storage, verify_opts()).expect("first replay");
    let (b, eb) = replay_all(&storage, verify_opts()).expect("second replay");
    let (c, ec) = replay_all(&storage, ReplayOptions::default()).expect("plain replay");
    assert_eq!(ea, live.events, "{what}: replay --verify and the live run");
    assert_eq!(eb, ea, "{what}: two replays");
    assert_eq!(ec, ea, "{what}: replay without --verify");
    assert_eq!(
        (a.state_hash, a.chain, a.last_seq),
        (b.state_hash, b.chain, b.last_seq),
        "{what}: two replays' summaries"
    );
    assert_eq!(
        (c.state_hash, c.chain),
        (a.state_hash, a.chain),
        "{what}: plain replay's summary"
    );
    assert_eq!(a.state_hash, live.state_hash, "{what}: replayed state hash");
    assert_eq!(
        a.started_after, 0,
        "{what}: a full replay starts at genesis"
    );

    // From a later sequence number: started from a snapshot when one is old enough, the same
    // events from there on, the same end.
    let last = n as u64 + 1;
    let kept: Vec<u64> = storage
        .list(Path::new(DIR))
        .expect("list")
        .iter()
        .filter_map(|name| tradestream_journal::snapshot::parse_snapshot_name(name))
        .collect();
    assert_eq!(
        kept.is_empty(),
        config.snapshot_every == 0,
        "{what}: snapshots {kept:?}"
    );
    for from in [2, last / 3, last / 2 + 1, last] {
        let opts = ReplayOptions {
            verify: true,
            from,
            to: None,
        };
        let (s, e) = replay_all(&storage, opts)
            .unwrap_or_else(|err| panic!("{what}: replay --from {from}: {err}"));
        let reported: Vec<_> = e.into_iter().filter(|(seq, _)| *seq >= from).collect();
        let expected: Vec<_> = live
            .events
            .iter()
            .filter(|(seq, _)| *seq >= from)
            .cloned()
            .collect();
        assert_eq!(reported, expected, "{what}: replay --from {from}");
        assert!(
            s.started_after < from,
            "{what}: --from {from} started after {}",
            s.started_after
        );
        assert_eq!(
            s.state_hash, live.state_hash,
            "{what}: replay --from {from}"
        );
        // The newest kept snapshot at or before `from - 1`, or genesis when there is none.
        let expected = kept
            .iter()
            .copied()
            .filter(|&k| k < from)
            .max()
            .unwrap_or(0);
        assert_eq!(
            s.started_after, expected,
            "{what}: --from {from} should start after the newest snapshot before it ({kept:?})"
        );
    }
    // Up to a sequence number: the state of that prefix.
    for to in [1, 2, last / 2, last] {
        let opts = ReplayOptions {
            verify: true,
            from: 1,
            to: Some(to),
        };
        let (s, _) = replay_all(&storage, opts)
            .unwrap_or_else(|err| panic!("{what}: replay --to {to}: {err}"));
        assert_eq!(s.last_seq, to, "{what}: replay --to {to}");
        assert_eq!(
            s.state_hash,
            clean.hash_at_seq(to),
            "{what}: replay --to {to}"
        );
    }

    let (engine, rec) = DurableEngine::open(storage, config.clone()).expect("reopen");
    assert_eq!(rec.last_seq, last, "{what}");
    assert_eq!(
        engine.engine().state_hash(),
        live.state_hash,
        "{what}: recovered state"
    );
    let newest = last
        .checked_div(config.snapshot_every)
        .map(|k| k * config.snapshot_every)
        .filter(|&s| s > 0);
    assert_eq!(
        rec.snapshot_seq, newest,
        "{what}: recovery starts from the newest snapshot"
    );
    engine.close().expect("close");
}

#[test]
fn live_run_replays_and_recovery_agree_on_the_simulated_disk() {
    for seed in 0..40u64 {
        let mut rng = SimRng::new(seed ^ 0xDE7);
        let n = rng.range(50, 400) as usize;
        let cmds = commands(seed, n);
        let every = [0, 9, 40][rng.below(3) as usize];
        let config = durable_config(
            8192,
            64,
            FsyncPolicy::Batch {
                records: 32,
                micros: 200,
            },
            every,
            2,
        );
        let clean = Clean::run(config.engine, &cmds);
        let disk = SimDisk::new();
        let live = live_run(disk.clone(), &config, &cmds);
        check_against_live(
            disk,
            &config,
            &live,
            &clean,
            &format!("sim seed {seed} (snapshot every {every})"),
        );
    }
}

#[test]
fn live_run_replays_and_recovery_agree_on_real_files() {
    for seed in 0..4u64 {
        let n = 1500;
        let cmds = commands(seed + 100, n);
        let config = durable_config(
            1 << 16,
            256,
            FsyncPolicy::Batch {
                records: 256,
                micros: 500,
            },
            200,
            2,
        );
        let clean = Clean::run(config.engine, &cmds);
        let dir = TempDir::new("determinism");
        let storage = FsStorage::new(dir.path());
        let live = live_run(storage.clone(), &config, &cmds);
        check_against_live(
            storage,
            &config,
            &live,
            &clean,
            &format!("files seed {seed}"),
        );
    }
}

#[test]
fn different_batching_journals_the_same_records() {
    for seed in 0..20u64 {
        let cmds = commands(seed, 300);
        let a = durable_config(4096, 8, FsyncPolicy::Always, 7, 1);
        let b = durable_config(1 << 16, 1024, FsyncPolicy::Never, 0, 1);
        let (da, db) = (SimDisk::new(), SimDisk::new());
        let la = live_run(da.clone(), &a, &cmds);
        let lb = live_run(db.clone(), &b, &cmds);
        assert_eq!(la.events, lb.events, "seed {seed}: live events");
        let ra = JournalReader::open(da, DIR)
            .expect("a")
            .read_from(1)
            .expect("records a");
        let rb = JournalReader::open(db, DIR)
            .expect("b")
            .read_from(1)
            .expect("records b");
        assert_eq!(ra.len(), 301, "seed {seed}");
        assert_eq!(
            ra, rb,
            "seed {seed}: journaled records (genesis, ts, chain, command) differ"
        );
    }
}
