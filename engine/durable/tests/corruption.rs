//! Damage to a journal under the durable engine: what recovery and `replay --verify` accept,
//! refuse, and fall back from. (`tradestream-journal` covers the raw format; these tests go
//! through [`DurableEngine::open`] and [`replay`](tradestream_durable::replay), so the engine's
//! records, chain and snapshots are involved.)
//!
//! - The last batch cut off at every byte offset (zeroed, or the file shortened) is a torn tail:
//!   recovery keeps the records before it, and the state equals a clean run of that prefix.
//! - A bit flipped in an earlier, vouched-for batch is refused with its file and offset, by
//!   recovery and by replay, and nothing is truncated.
//! - A command record altered with its batch CRC forged (so the journal layer accepts it) is
//!   caught by the event-digest chain: `replay --verify` and recovery name its sequence number.
//! - A damaged newest snapshot makes recovery fall back to the previous one, or to genesis, with
//!   the same final state.
//! - A snapshot beyond the recovered end of the journal (possible under `fsync never` after a
//!   power cut) is discarded, so a journal that continues differently still recovers.

mod support;

use std::path::Path;

use support::{
    all_batches, assert_clean_prefix, commands, durable_config, fix_batch_crc, records_in,
    replay_all, segments, snapshots, verify_opts, BatchLoc, Clean, Stamped, DIR,
};
use tradestream_durable::record::KIND_COMMAND;
use tradestream_durable::{DurableConfig, DurableEngine, DurableError};
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::{inspect, FsyncPolicy, JournalError, Verdict};

/// Runs `cmds` through a durable engine on a new disk and closes it cleanly, waiting for the
/// journal every `wait_every` commands (so that the journal holds many batches, and the last
/// few commands form the last batch).
fn journal(config: &DurableConfig, cmds: &[Stamped], wait_every: usize) -> SimDisk {
    let disk = SimDisk::new();
    let (mut engine, _) = DurableEngine::open(disk.clone(), config.clone()).expect("open");
    let mut sink = Vec::new();
    for (i, (cmd, ts)) in cmds.iter().enumerate() {
        sink.clear();
        let seq = engine.apply(cmd, *ts, &mut sink).expect("apply");
        if (i + 1) % wait_every == 0 {
            engine.wait_durable(seq).expect("durable");
        }
    }
    engine.close().expect("close");
    disk
}

/// Recovers `disk` and checks the engine against the clean run; returns the last sequence number.
fn recover_and_check(disk: &SimDisk, config: &DurableConfig, clean: &Clean, what: &str) -> u64 {
    let (engine, rec) = DurableEngine::open(disk.clone(), config.clone())
        .unwrap_or_else(|e| panic!("{what}: recovery refused: {e}"));
    let last = rec.last_seq;
    assert_eq!(
        engine.engine().state_hash(),
        clean.hash_at_seq(last),
        "{what}: state after recovery to {last}"
    );
    engine.close().expect("close");
    let (summary, derived) = replay_all(disk, verify_opts())
        .unwrap_or_else(|e| panic!("{what}: verify after recovery: {e}"));
    assert_eq!(summary.last_seq, last, "{what}");
    assert_clean_prefix(clean, &derived, last, what);
    last
}

#[test]
fn the_last_batch_cut_at_every_byte_offset_recovers_the_prefix_before_it() {
    let mut offsets = 0;
    for seed in 0..6u64 {
        let n = 40 + seed as usize * 15;
        let cmds = commands(seed, n);
        let config = durable_config(
            16384,
            64,
            FsyncPolicy::Batch {
                records: 16,
                micros: 200,
            },
            0,
            1,
        );
        let clean = Clean::run(config.engine, &cmds);
        let disk = journal(&config, &cmds, 7);
        let batches = all_batches(&disk);
        let last = batches.last().expect("batches").clone();
        assert_eq!(
            last.last_seq(),
            n as u64 + 1,
            "seed {seed}: the last batch ends the journal"
        );
        let padded_end = last.offset + last.len.div_ceil(512) * 512;
        let end = last.offset + last.len;
        let original = disk.file_bytes(&last.file).expect("segment");
        for cut in last.offset..=end {
            offsets += 1;
            // A sector never written holds zeros; a file may also just end early.
            for shorten in [false, true] {
                let what = format!(
                    "seed {seed}: last batch (seqs {}..={}) cut at byte {cut} ({})",
                    last.first_seq,
                    last.last_seq(),
                    if shorten { "file shortened" } else { "zeroed" }
                );
                let torn = disk.fork();
                if shorten {
                    assert!(torn.set_len_raw(&last.file, cut));
                } else {
                    let zeros = vec![0u8; (padded_end - cut) as usize];
                    assert!(torn.overwrite(&last.file, cut, &zeros));
                }
                // Zeroing bytes that were zero already leaves the batch whole.
                let whole = cut == end
                    || (!shorten && original[cut as usize..end as usize].iter().all(|&b| b == 0));
                // Checking every offset in full is slow; the state and events on a sample.
                if cut % 7 == 0 || whole || cut == last.offset {
                    let got = recover_and_check(&torn, &config, &clean, &what);
                    let expected = if whole {
                        last.last_seq()
                    } else {
                        last.first_seq - 1
                    };
                    assert_eq!(got, expected, "{what}");
                } else {
                    let (engine, rec) = DurableEngine::open(torn.clone(), config.clone())
                        .unwrap_or_else(|e| panic!("{what}: refused: {e}"));
                    assert_eq!(
                        rec.last_seq,
                        if whole {
                            last.last_seq()
                        } else {
                            last.first_seq - 1
                        },
                        "{what}"
                    );
                    assert_eq!(
                        engine.engine().state_hash(),
                        clean.hash_at_seq(rec.last_seq),
                        "{what}"
                    );
                    engine.close().expect("close");
                }
            }
        }
    }
    assert!(offsets > 500, "offsets tried: {offsets}");
}

/// A batch that later data vouches for: a later batch written after a sync that covered it
/// (its `durable_seq` reaches the batch), or any later segment (segments are created only after
/// everything before them was synced). Damage there can not be a torn write.
fn vouched(batches: &[BatchLoc], rng: &mut SimRng) -> Option<BatchLoc> {
    let candidates: Vec<&BatchLoc> = batches
        .iter()
        .filter(|b| {
            batches.iter().any(|w| {
                w.first_seq > b.last_seq() && (w.durable_seq >= b.first_seq || w.file != b.file)
            })
        })
        .collect();
    (!candidates.is_empty())
        .then(|| candidates[rng.below(candidates.len() as u64) as usize].clone())
}

#[test]
fn a_bit_flip_in_an_earlier_batch_is_refused_with_file_and_offset() {
    let mut tried = 0;
    for seed in 0..60u64 {
        let mut rng = SimRng::new(seed ^ 0xB17);
        let n = rng.range(60, 200) as usize;
        let cmds = commands(seed, n);
        let policy = if rng.chance(1, 2) {
            FsyncPolicy::Always
        } else {
            FsyncPolicy::Batch {
                records: 8,
                micros: 50,
            }
        };
        let config = durable_config(
            [4096, 16384][rng.below(2) as usize],
            16,
            policy,
            [0, 10][rng.below(2) as usize],
            2,
        );
        let disk = journal(&config, &cmds, rng.range(3, 20) as usize);
        let Some(victim) = vouched(&all_batches(&disk), &mut rng) else {
            continue;
        };
        tried += 1;
        let bit = rng.range(victim.offset * 8, (victim.offset + victim.len) * 8 - 1);
        assert!(disk.flip_bit(&victim.file, bit));
        let what = format!(
            "seed {seed}: bit {} of byte {} in the batch at {:?} offset {} (seqs {}..={})",
            bit % 8,
            bit / 8,
            victim.file,
            victim.offset,
            victim.first_seq,
            victim.last_seq()
        );
        let before = segments(&disk);
        let expect = |e: DurableError, who: &str| match e {
            DurableError::Journal(JournalError::Corrupt {
                ref file, offset, ..
            }) => {
                assert_eq!(
                    (file.as_path(), offset),
                    (victim.file.as_path(), victim.offset),
                    "{what}: {who} named the wrong place: {e}"
                );
                let msg = e.to_string();
                assert!(
                    msg.contains(&victim.offset.to_string())
                        && msg.contains(victim.file.file_name().unwrap().to_str().unwrap()),
                    "{what}: {who}: {msg}"
                );
            }
            other => panic!("{what}: {who} should refuse with corruption, got {other}"),
        };
        match DurableEngine::open(disk.clone(), config.clone()) {
            Ok(_) => panic!("{what}: recovery accepted a damaged journal"),
            Err(e) => expect(e, "recovery"),
        }
        match replay_all(&disk, verify_opts()) {
            Ok(_) => panic!("{what}: replay accepted a damaged journal"),
            Err(e) => expect(e, "replay --verify"),
        }
        assert_eq!(
            segments(&disk),
            before,
            "{what}: a refused journal must not be modified"
        );
        match inspect(&disk, Path::new(DIR)).expect("inspect").verdict {
            Verdict::Corrupt { file, offset, .. } => assert_eq!(
                (file, offset),
                (victim.file.clone(), victim.offset),
                "{what}: inspect"
            ),
            v => panic!("{what}: inspect says {v:?}"),
        }
    }
    assert!(tried >= 40, "seeds with a vouched-for batch: {tried}");
}

/// Offset of the price (i64, little-endian) in a `New` command record's payload: the record
/// header `ts (8) | chain (32)`, then the command `version, tag, account u64, instrument u32,
/// id (length byte + bytes), side, type, price`.
fn new_order_price_offset(payload: &[u8]) -> Option<usize> {
    const NEW: u8 = 4;
    let cmd = &payload[40..];
    (cmd.len() > 15 && cmd[1] == NEW).then(|| 40 + 1 + 1 + 8 + 4 + 1 + cmd[14] as usize + 1 + 1)
}

/// Alters one byte of record `seq`'s payload at `at` (relative to the payload) and forges the
/// batch CRC so that the journal layer accepts it.
fn tamper(disk: &SimDisk, batch: &BatchLoc, payload_offset: u64, at: usize, delta: u8) {
    let mut bytes = disk.file_bytes(&batch.file).expect("segment");
    let i = payload_offset as usize + at;
    bytes[i] = bytes[i].wrapping_add(delta);
    fix_batch_crc(&mut bytes, batch.offset as usize);
    let start = batch.offset as usize;
    let end = start + batch.len as usize;
    assert!(disk.overwrite(&batch.file, batch.offset, &bytes[start..end]));
}

#[test]
fn a_tampered_command_is_named_by_its_sequence_number() {
    for seed in 0..40u64 {
        let mut rng = SimRng::new(seed ^ 0x7A3);
        let n = rng.range(60, 160) as usize;
        let cmds = commands(seed, n);
        let every = [0, 25][rng.below(2) as usize];
        let config = durable_config(16384, 64, FsyncPolicy::Always, every, 2);
        let clean = Clean::run(config.engine, &cmds);
        let disk = journal(&config, &cmds, 10);
        // Pick a New order record and the field to alter: its price, its ts or its chain link.
        let mut found = Vec::new();
        for (file, bytes) in segments(&disk) {
            for b in support::batches_in(&file, &bytes) {
                for r in records_in(&b, &bytes) {
                    if r.kind == KIND_COMMAND {
                        if let Some(p) = new_order_price_offset(&r.payload) {
                            found.push((b.clone(), r.seq, r.payload_offset, p));
                        }
                    }
                }
            }
        }
        let (batch, seq, payload_offset, price_at) =
            found[rng.below(found.len() as u64) as usize].clone();
        let (field, at) = match rng.below(4) {
            0 => ("ts", rng.below(8) as usize),
            1 => ("chain", 8 + rng.below(32) as usize),
            _ => ("price", price_at),
        };
        tamper(&disk, &batch, payload_offset, at, 1);
        let what = format!("seed {seed}: {field} of record {seq} altered (snapshot every {every})");
        // The journal layer sees nothing wrong.
        assert!(
            matches!(
                inspect(&disk, Path::new(DIR)).expect("inspect").verdict,
                Verdict::Clean { .. }
            ),
            "{what}: the forged CRC must pass"
        );
        // Replay without --verify re-executes happily; with it, the chain names the record.
        replay_all(&disk, tradestream_durable::ReplayOptions::default())
            .unwrap_or_else(|e| panic!("{what}: plain replay: {e}"));
        match replay_all(&disk, verify_opts()) {
            Err(DurableError::Diverged { seq: s }) => {
                assert_eq!(s, seq, "{what}: verify named the wrong record")
            }
            Err(e) => panic!("{what}: verify failed, but not as a divergence: {e}"),
            Ok(_) => panic!("{what}: verify accepted a tampered journal"),
        }
        // Recovery verifies what it replays: from genesis it names the record; from a snapshot
        // after it, the record is not replayed (its effect is in the snapshot).
        let newest_snapshot = snapshots(&disk).first().map_or(0, |s| s.0);
        match DurableEngine::open(disk.clone(), config.clone()) {
            Err(DurableError::Diverged { seq: s }) => {
                assert!(
                    newest_snapshot < seq,
                    "{what}: recovery from snapshot {newest_snapshot} should not replay it"
                );
                assert_eq!(s, seq, "{what}: recovery named the wrong record");
            }
            Err(e) => panic!("{what}: recovery failed, but not as a divergence: {e}"),
            Ok((engine, rec)) => {
                assert!(
                    rec.snapshot_seq.is_some_and(|s| s >= seq),
                    "{what}: recovery replayed record {seq} without noticing"
                );
                assert_eq!(engine.engine().state_hash(), clean.hashes[n], "{what}");
                engine.close().expect("close");
            }
        }
    }
}

#[test]
fn a_damaged_newest_snapshot_falls_back_with_the_same_state() {
    for seed in 0..30u64 {
        let mut rng = SimRng::new(seed ^ 0x5A4);
        let n = rng.range(80, 200) as usize;
        let cmds = commands(seed, n);
        let config = durable_config(
            16384,
            64,
            FsyncPolicy::Batch {
                records: 8,
                micros: 100,
            },
            12,
            3,
        );
        let clean = Clean::run(config.engine, &cmds);
        let disk = journal(&config, &cmds, 10);
        let snaps = snapshots(&disk);
        assert_eq!(snaps.len(), 3, "seed {seed}: keep 3: {snaps:?}");
        for damaged in 1..=snaps.len() {
            let copy = disk.fork();
            for (_, path) in &snaps[..damaged] {
                let len = copy.file_bytes(path).expect("snapshot").len() as u64;
                if rng.chance(1, 3) {
                    assert!(copy.set_len_raw(path, rng.below(len)), "truncate {path:?}");
                } else {
                    assert!(copy.flip_bit(path, rng.below(len * 8)), "flip {path:?}");
                }
            }
            let what = format!("seed {seed}: newest {damaged} of {snaps:?} damaged");
            let (engine, rec) = DurableEngine::open(copy.clone(), config.clone())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let expected_start = snaps.get(damaged).map(|s| s.0);
            assert_eq!(
                rec.snapshot_seq, expected_start,
                "{what}: started from the wrong snapshot"
            );
            assert_eq!(
                rec.skipped_snapshots.len(),
                damaged,
                "{what}: {:?}",
                rec.skipped_snapshots
            );
            for ((_, path), skipped) in snaps.iter().zip(&rec.skipped_snapshots) {
                assert_eq!(&skipped.path, path, "{what}");
            }
            assert_eq!(rec.last_seq, n as u64 + 1, "{what}");
            assert_eq!(
                rec.replayed,
                rec.last_seq - expected_start.unwrap_or(1),
                "{what}: records replayed"
            );
            assert_eq!(
                engine.engine().state_hash(),
                clean.hashes[n],
                "{what}: final state"
            );
            engine.close().expect("close");
            // Verification ignores the damaged snapshots and checks the others.
            let (summary, _) =
                replay_all(&copy, verify_opts()).unwrap_or_else(|e| panic!("{what}: verify: {e}"));
            assert_eq!(
                summary.snapshots_verified as usize,
                snaps.len() - damaged,
                "{what}"
            );
            assert_eq!(summary.state_hash, clean.hashes[n], "{what}");
        }
    }
}

#[test]
fn a_snapshot_beyond_the_recovered_journal_is_discarded() {
    for seed in 0..20u64 {
        let n = 120;
        let first = commands(seed, n);
        let config = durable_config(16384, 64, FsyncPolicy::Always, 10, 3);
        let disk = journal(&config, &first, 5);
        // Lose the journal's tail as an `fsync never` power cut can, keeping the snapshots.
        let batches = all_batches(&disk);
        let keep_to = batches
            .iter()
            .find(|b| b.first_seq > 70)
            .expect("a batch after 70")
            .clone();
        let mut bytes = disk.file_bytes(&keep_to.file).expect("segment");
        let from = keep_to.offset as usize;
        bytes[from..].iter_mut().for_each(|b| *b = 0);
        assert!(disk.overwrite(&keep_to.file, 0, &bytes));
        for b in batches
            .iter()
            .filter(|b| b.file != keep_to.file && b.first_seq > keep_to.first_seq)
        {
            let _ = tradestream_journal::Storage::remove(&disk, &b.file);
        }
        assert!(
            snapshots(&disk)
                .first()
                .is_some_and(|s| s.0 > keep_to.first_seq),
            "seed {seed}: a snapshot lies beyond the cut"
        );
        // Continue with different commands and no snapshots of our own, then reopen.
        let second = commands(seed + 1000, n);
        let mut history = first[..(keep_to.first_seq - 2) as usize].to_vec();
        history.extend_from_slice(&second[history.len()..]);
        let clean = Clean::run(config.engine, &history);
        let quiet = DurableConfig {
            snapshot_every: 0,
            ..config.clone()
        };
        let (mut engine, rec) =
            DurableEngine::open(disk.clone(), quiet.clone()).expect("open after the loss");
        assert_eq!(rec.last_seq, keep_to.first_seq - 1, "seed {seed}");
        assert!(
            snapshots(&disk).iter().all(|s| s.0 <= rec.last_seq),
            "seed {seed}: stale snapshots left: {:?}",
            snapshots(&disk)
        );
        let mut sink = Vec::new();
        for (cmd, ts) in &history[(rec.last_seq - 1) as usize..] {
            engine.apply(cmd, *ts, &mut sink).expect("apply");
        }
        engine.close().expect("close");
        let what = format!("seed {seed}: reopened after continuing past the lost snapshots");
        let last = recover_and_check(&disk, &quiet, &clean, &what);
        assert_eq!(last, n as u64 + 1, "{what}");
    }
}
