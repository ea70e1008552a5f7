//! Power cuts, process crashes and I/O errors under the durable ENGINE, on the simulated disk.
//!
//! A SIGKILL leaves the page cache intact, so it can not show a missing fsync; a power cut on
//! [`SimDisk`] can: it keeps what was synced and an arbitrary, seeded subset of the sectors (and
//! directory operations) written since. Each seed runs [`DurableEngine`] over a `SimDisk` with
//! commands from the shared seeded generator, cuts the power (at a scheduled storage operation,
//! which may land in a journal write or sync, in the replica's snapshot writing with a small
//! `snapshot_every`, or in the recovery of the next open; or by hand while the threads run),
//! reopens, and asserts:
//!
//! - every command at or below the durable watermark read before the cut is recovered, and
//!   nothing that was never applied appears;
//! - the recovered engine's state hash equals a clean in-memory `Engine` that applied exactly the
//!   recovered prefix;
//! - the events re-derived by `replay --verify` are exactly the clean run's events of that prefix;
//! - a torn tail is never refused (no corruption error after a cut) and recovery continues: the
//!   recovered engine takes the rest of the commands, and the finished journal verifies and
//!   survives one more cut whole.
//!
//! The storage operation a scheduled cut hits depends on how the journal and snapshot threads
//! interleave, so a seed does not replay bit for bit; the assertions hold for every interleaving
//! and the failing seed is printed. `DURABLE_POWER_CUTS=<n>` (default 2000) sets the number of
//! seeds, `DURABLE_POWER_CUT_SEED0` the first one, for a longer soak.

mod support;

use std::path::Path;

use support::{
    assert_clean_prefix, commands, durable_config, env_u64, replay_all, verify_opts, Clean,
    Stamped, DIR,
};
use tradestream_durable::{DurableConfig, DurableEngine, DurableError, Recovered};
use tradestream_journal::sim::{Fault, SimDisk, SimRng};
use tradestream_journal::{FsyncPolicy, JournalError, Storage};

/// What the cuts reached, to prove the interesting cases happen.
#[derive(Debug, Default)]
struct Coverage {
    cuts: u64,
    crashes: u64,
    cuts_during_recovery: u64,
    cuts_with_snapshot_tmp: u64,
    halted_applies: u64,
    torn_tails: u64,
    kept_beyond_watermark: u64,
    recovered_from_snapshot: u64,
    skipped_snapshots: u64,
}

fn random_policy(rng: &mut SimRng) -> FsyncPolicy {
    if rng.chance(1, 3) {
        FsyncPolicy::Always
    } else {
        FsyncPolicy::Batch {
            records: rng.range(1, 40) as usize,
            micros: rng.range(20, 400),
        }
    }
}

fn random_config(rng: &mut SimRng, fsync: FsyncPolicy) -> DurableConfig {
    let segment = [4096, 8192, 32768][rng.below(3) as usize];
    let ring = [8, 64, 1024][rng.below(3) as usize];
    let every = [0, 3, 7, 20][rng.below(4) as usize];
    durable_config(segment, ring, fsync, every, rng.range(1, 3) as usize)
}

/// Opens the engine on a fresh process handle of `disk`, retrying while power cuts land in the
/// recovery itself. A failure without a cut, or a corruption verdict after a cut, fails the test.
fn open(
    disk: &SimDisk,
    config: &DurableConfig,
    seed: u64,
    cov: &mut Coverage,
) -> (DurableEngine, Recovered) {
    loop {
        let cuts = disk.stats().power_cuts;
        match DurableEngine::open(disk.clone(), config.clone()) {
            Ok(opened) => return opened,
            Err(e) => {
                assert!(
                    disk.stats().power_cuts > cuts,
                    "seed {seed}: open failed without a power cut: {e}"
                );
                assert!(
                    matches!(e, DurableError::Journal(JournalError::Io { .. })),
                    "seed {seed}: a cut during recovery must be an I/O error, not {e}"
                );
                cov.cuts_during_recovery += 1;
                cov.cuts += 1;
            }
        }
    }
}

/// What a recovery must reach and may not pass.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    /// The durable watermark read before the cut: every record up to it must be recovered.
    floor: u64,
    /// The last sequence number ever applied: nothing beyond it can be recovered.
    applied: u64,
}

/// Checks an opened engine against the clean run: the bounds, the state hash and the re-derived
/// events. Returns the recovered last sequence number.
fn check_recovered(
    disk: &SimDisk,
    engine: &DurableEngine,
    rec: &Recovered,
    clean: &Clean,
    Bounds { floor, applied }: Bounds,
    what: &str,
    cov: &mut Coverage,
) -> u64 {
    let last = rec.last_seq;
    assert!(last >= floor.max(1), "{what}: lost durable commands: recovered to {last}, the watermark before the cut was {floor}");
    assert!(
        last <= applied.max(1),
        "{what}: recovered to {last}, beyond the last command ever applied ({applied})"
    );
    assert_eq!(engine.last_seq(), last, "{what}: engine position");
    assert_eq!(
        engine.engine().state_hash(),
        clean.hash_at_seq(last),
        "{what}: recovered state differs from a clean engine over the first {} commands",
        last - 1
    );
    if let Some(s) = rec.snapshot_seq {
        assert!(
            s <= last,
            "{what}: started from snapshot {s} beyond the journal's end {last}"
        );
        cov.recovered_from_snapshot += 1;
    }
    let (summary, derived) = replay_all(disk, verify_opts())
        .unwrap_or_else(|e| panic!("{what}: replay --verify of the recovered journal failed: {e}"));
    assert_eq!(
        summary.last_seq, last,
        "{what}: replay and recovery disagree on the end"
    );
    assert_eq!(
        summary.state_hash,
        clean.hash_at_seq(last),
        "{what}: replayed state hash"
    );
    assert_eq!(
        summary.torn_bytes, 0,
        "{what}: recovery left a torn tail behind"
    );
    assert_clean_prefix(clean, &derived, last, what);
    cov.torn_tails += u64::from(rec.truncated_bytes > 0);
    cov.skipped_snapshots += rec.skipped_snapshots.len() as u64;
    assert!(
        !(rec.created && floor >= 1),
        "{what}: the genesis record was durable, yet the journal was created anew"
    );
    cov.kept_beyond_watermark += u64::from(last > floor);
    last
}

/// Applies `cmds[from..to]` (command `i` is record `i + 2`), checking each live event list against
/// the clean run. Stops at the first `Halted` (the journal failed after a cut or fault); returns
/// how many were applied.
fn apply_range(
    engine: &mut DurableEngine,
    cmds: &[Stamped],
    clean: &Clean,
    from: usize,
    to: usize,
    what: &str,
) -> Result<usize, DurableError> {
    let mut sink = Vec::new();
    for (i, (cmd, ts)) in cmds.iter().enumerate().take(to).skip(from) {
        sink.clear();
        match engine.apply(cmd, *ts, &mut sink) {
            Ok(seq) => {
                assert_eq!(seq, i as u64 + 2, "{what}: sequence number of command {i}");
                assert_eq!(
                    sink, clean.events[i],
                    "{what}: live events of record {seq} differ from the clean run"
                );
            }
            Err(e @ DurableError::Halted(_)) => return Err(e),
            Err(e) => panic!("{what}: apply failed with {e}"),
        }
    }
    Ok(to - from)
}

fn has_snapshot_tmp(disk: &SimDisk) -> bool {
    disk.list(Path::new(DIR))
        .map(|names| names.iter().any(|n| n.ends_with(".tmp")))
        .unwrap_or(false)
}

/// The history a round plans to apply: the recovered prefix of the previous plan, then a stream
/// of its own (each round's stream differs after the setup commands, as the input after a
/// restart differs from what was lost), with the clean run of that plan.
fn plan(prev: &[Stamped], keep: usize, seed: u64, round: u64, n: usize) -> (Vec<Stamped>, Clean) {
    let stream = commands(seed ^ round.wrapping_mul(0x9E37_79B9), n);
    let mut planned = prev[..keep].to_vec();
    planned.extend_from_slice(&stream[keep..]);
    let clean = Clean::run(support::engine_config(), &planned);
    (planned, clean)
}

/// One seed: up to three rounds of run-and-cut, then a final round that finishes its stream.
fn power_cut_seed(seed: u64, cov: &mut Coverage) {
    let mut rng = SimRng::new(seed);
    let disk = SimDisk::new();
    let policy = random_policy(&mut rng);
    let config = random_config(&mut rng, policy);
    let n = rng.range(30, 220) as usize;
    let (mut planned, mut clean) = plan(&[], 0, seed, 0, n);
    let rounds = rng.range(1, 3);
    let (mut floor, mut applied) = (0u64, 0u64);
    for round in 0..=rounds {
        let what = format!(
            "seed {seed} round {round} ({:?}, snapshot every {})",
            config.fsync, config.snapshot_every
        );
        let last_round = round == rounds;
        // A scheduled cut lands in this open's recovery, in the run, or (cancelled) nowhere.
        let scheduled = !last_round && rng.chance(2, 3);
        if scheduled {
            disk.schedule_power_cut(rng.below(90), rng.next_u64());
        } else if rng.chance(1, 5) {
            // Last round too: a cut in the recovery only.
            disk.schedule_power_cut(rng.below(6), rng.next_u64());
        }
        let (mut engine, rec) = open(&disk, &config, seed, cov);
        let cuts_at_open = disk.stats().power_cuts;
        if !scheduled {
            disk.cancel_power_cut();
        }
        let last = check_recovered(
            &disk,
            &engine,
            &rec,
            &clean,
            Bounds { floor, applied },
            &what,
            cov,
        );
        let from = (last - 1) as usize;
        (planned, clean) = plan(&planned, from, seed, round + 1, n);

        if last_round {
            apply_range(&mut engine, &planned, &clean, from, n, &what)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            engine
                .wait_durable(n as u64 + 1)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            engine
                .close()
                .unwrap_or_else(|e| panic!("{what}: clean close failed: {e}"));
            let (summary, derived) = replay_all(&disk, verify_opts())
                .unwrap_or_else(|e| panic!("{what}: final verify: {e}"));
            assert_eq!(
                summary.state_hash, clean.hashes[n],
                "{what}: final state hash"
            );
            assert_clean_prefix(&clean, &derived, n as u64 + 1, &what);
            // Everything was synced at close: one more cut loses nothing.
            disk.power_cut(rng.next_u64());
            let (engine, rec) = DurableEngine::open(disk.clone(), config.clone())
                .unwrap_or_else(|e| panic!("{what}: reopen after close: {e}"));
            assert_eq!(
                rec.last_seq,
                n as u64 + 1,
                "{what}: a cut after a clean close lost records"
            );
            assert_eq!(
                engine.engine().state_hash(),
                clean.hashes[n],
                "{what}: state after close and cut"
            );
            engine.close().unwrap_or_else(|e| panic!("{what}: {e}"));
            return;
        }

        // Run some or all of the rest, then make sure the round ends in a power cut or a crash.
        let crash = !scheduled && rng.chance(1, 3);
        let to = if scheduled {
            n
        } else {
            from + rng.below((n - from) as u64 + 1) as usize
        };
        let result = apply_range(&mut engine, &planned, &clean, from, to, &what);
        let cut_in_run = disk.stats().power_cuts > cuts_at_open;
        if let Err(e) = &result {
            assert!(cut_in_run, "{what}: the engine halted without a cut: {e}");
            cov.halted_applies += 1;
        }
        if !scheduled && config.snapshot_every > 0 && rng.chance(1, 2) {
            // Let the journal and the replica catch up, so that snapshots exist at the cut
            // (otherwise how many do depends on thread timing alone).
            let _ = engine.wait_durable(engine.last_seq());
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        if crash {
            floor = engine.durable_seq();
            disk.crash();
            cov.crashes += 1;
        } else if cut_in_run {
            // The watermark stopped moving at the cut: only syncs before it were published.
            floor = engine.durable_seq();
            cov.cuts += 1;
        } else {
            disk.cancel_power_cut();
            floor = engine.durable_seq();
            disk.power_cut(rng.next_u64());
            cov.cuts += 1;
        }
        cov.cuts_with_snapshot_tmp += u64::from(has_snapshot_tmp(&disk));
        applied = engine.last_seq();
        // The threads of the dead process see stale handles and stop; errors are expected.
        let _ = engine.close();
    }
}

#[test]
fn power_cuts_lose_nothing_durable_and_refuse_nothing_torn() {
    let first = env_u64("DURABLE_POWER_CUT_SEED0", 0);
    let n = env_u64("DURABLE_POWER_CUTS", 2000);
    let mut cov = Coverage::default();
    let started = std::time::Instant::now();
    for seed in first..first + n {
        power_cut_seed(seed, &mut cov);
    }
    eprintln!(
        "{n} seeds from {first} in {:.1?}: {cov:?}",
        started.elapsed()
    );
    assert!(cov.cuts >= n, "every seed cuts at least once: {cov:?}");
    assert!(
        cov.torn_tails > n / 40,
        "cuts leave torn tails that recovery cuts off: {cov:?}"
    );
    assert!(
        cov.kept_beyond_watermark > n / 20,
        "some cuts keep unsynced records: {cov:?}"
    );
    assert!(
        cov.recovered_from_snapshot > n / 8,
        "recovery starts from snapshots: {cov:?}"
    );
    if n >= 500 {
        assert!(
            cov.cuts_during_recovery > 0,
            "cuts land in recovery: {cov:?}"
        );
        assert!(
            cov.cuts_with_snapshot_tmp > 0,
            "cuts land in snapshot writing: {cov:?}"
        );
        assert!(
            cov.halted_applies > 0,
            "cuts halt a running engine: {cov:?}"
        );
    }
}

/// A process crash (SIGKILL) keeps the page cache: everything the journal thread published is
/// recovered, for every fsync policy including `never` (whose watermark means "written").
#[test]
fn process_crashes_keep_everything_published() {
    for seed in 0..300 {
        let mut rng = SimRng::new(seed ^ 0xC4A5);
        let policy = match rng.below(3) {
            0 => FsyncPolicy::Never,
            1 => FsyncPolicy::Always,
            _ => FsyncPolicy::Batch {
                records: 8,
                micros: 100,
            },
        };
        let config = random_config(&mut rng, policy);
        let n = rng.range(30, 150) as usize;
        let cmds = commands(seed, n);
        let clean = Clean::run(config.engine, &cmds);
        let disk = SimDisk::new();
        let what = format!("crash seed {seed} ({policy:?})");
        let (mut engine, _) = DurableEngine::open(disk.clone(), config.clone()).unwrap();
        let stop = rng.range(0, n as u64) as usize;
        apply_range(&mut engine, &cmds, &clean, 0, stop, &what).unwrap();
        if rng.chance(1, 2) {
            engine.wait_durable(stop as u64 + 1).unwrap();
        }
        let floor = engine.durable_seq();
        disk.crash();
        let _ = engine.close();
        let (engine, rec) = DurableEngine::open(disk.clone(), config.clone())
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let mut cov = Coverage::default();
        let bounds = Bounds {
            floor,
            applied: stop as u64 + 1,
        };
        check_recovered(&disk, &engine, &rec, &clean, bounds, &what, &mut cov);
        engine.close().unwrap();
    }
}

/// `fsync never` promises nothing across a power cut, but the journal must still recover to a
/// consistent prefix (never refuse to start, never mix a lost history with a new one), and keep
/// working afterwards. Each round continues with a different stream, so a snapshot of lost
/// history would show.
#[test]
fn fsync_never_recovers_a_consistent_prefix_after_power_cuts() {
    let mut cov = Coverage::default();
    for seed in 0..400 {
        let mut rng = SimRng::new(seed ^ 0x2E7E);
        let config = random_config(&mut rng, FsyncPolicy::Never);
        let n = rng.range(40, 200) as usize;
        let (mut planned, mut clean) = plan(&[], 0, seed, 0, n);
        let disk = SimDisk::new();
        let mut applied = 0;
        for round in 0..4u64 {
            let what = format!(
                "never seed {seed} round {round} (snapshot every {})",
                config.snapshot_every
            );
            let (mut engine, rec) = open(&disk, &config, seed, &mut cov);
            let last = check_recovered(
                &disk,
                &engine,
                &rec,
                &clean,
                Bounds { floor: 0, applied },
                &what,
                &mut cov,
            );
            let from = (last - 1) as usize;
            (planned, clean) = plan(&planned, from, seed, round + 1, n);
            let to = from + rng.below((n - from) as u64 + 1) as usize;
            apply_range(&mut engine, &planned, &clean, from, to, &what)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            applied = engine.last_seq();
            // Let the replica catch up sometimes, so snapshots exist beyond what survives.
            if rng.chance(1, 2) {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            disk.power_cut(rng.next_u64());
            let _ = engine.close();
        }
    }
    eprintln!("fsync never: {cov:?}");
}

/// An I/O error halts the engine: `apply` fails from then on, the watermark stops, and a restart
/// recovers at least everything that was published as durable. (A fault that hits the replica's
/// snapshot writing instead does not halt matching; `close` reports it.)
#[test]
fn an_io_error_halts_the_engine_and_a_restart_recovers_the_durable_prefix() {
    let mut journal_faults = 0;
    for seed in 0..200 {
        let mut rng = SimRng::new(seed ^ 0x10E4);
        let policy = random_policy(&mut rng);
        let config = random_config(&mut rng, policy);
        let n = rng.range(60, 200) as usize;
        let cmds = commands(seed, n);
        let clean = Clean::run(config.engine, &cmds);
        let disk = SimDisk::new();
        let what = format!(
            "fault seed {seed} ({:?}, snapshot every {})",
            config.fsync, config.snapshot_every
        );
        let (mut engine, _) = DurableEngine::open(disk.clone(), config.clone()).unwrap();
        let before = rng.below(n as u64 / 2) as usize;
        apply_range(&mut engine, &cmds, &clean, 0, before, &what).unwrap();
        engine.wait_durable(before as u64 + 1).unwrap();
        disk.inject(if rng.chance(1, 2) {
            Fault::Sync
        } else {
            Fault::Write
        });
        // Keep applying until the journal thread hits the fault; it must halt the engine.
        let halted = apply_range(&mut engine, &cmds, &clean, before, n, &what).is_err();
        let surfaced = halted || engine.wait_durable(n as u64 + 1).is_err();
        if !surfaced {
            // The replica's snapshot write met the fault: matching went on, close reports it.
            assert!(
                config.snapshot_every > 0,
                "{what}: the injected fault vanished"
            );
            let err = engine
                .close()
                .expect_err("close reports the snapshot failure");
            assert!(err.to_string().contains("injected"), "{what}: {err}");
            continue;
        }
        journal_faults += 1;
        let why = engine
            .watermark()
            .failed()
            .expect("the journal thread failed");
        assert!(
            why.contains("injected"),
            "{what}: halted for another reason: {why}"
        );
        let floor = engine.durable_seq();
        let applied = engine.last_seq();
        let mut sink = Vec::new();
        assert!(
            matches!(
                engine.apply(&cmds[0].0, cmds[0].1, &mut sink),
                Err(DurableError::Halted(_))
            ),
            "{what}: a halted engine keeps refusing"
        );
        assert!(sink.is_empty(), "{what}: a halted engine produced events");
        assert_eq!(
            engine.durable_seq(),
            floor,
            "{what}: the watermark moved after the halt"
        );
        disk.crash();
        let _ = engine.close();
        let (engine, rec) = DurableEngine::open(disk.clone(), config.clone())
            .unwrap_or_else(|e| panic!("{what}: restart: {e}"));
        let mut cov = Coverage::default();
        let bounds = Bounds { floor, applied };
        check_recovered(&disk, &engine, &rec, &clean, bounds, &what, &mut cov);
        engine.close().unwrap();
    }
    eprintln!("{journal_faults} of 200 faults hit the journal (the others a snapshot write)");
    assert!(
        journal_faults > 100,
        "most faults hit the journal: {journal_faults}"
    );
}
