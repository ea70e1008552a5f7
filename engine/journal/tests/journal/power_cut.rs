//! Thousands of seeded power cuts on SimDisk, landing anywhere in random append/sync
//! sequences (mid-roll and mid-recovery included): recovery never reports corruption, keeps
//! every synced record intact, and returns a prefix of what was written.

use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::{JournalConfig, JournalError, JournalWriter, Record};

use crate::common::{next_batch, read_all, refs};

const DIR: &str = "j";
/// Seeds per run; set `JOURNAL_POWER_CUTS` for a longer soak (`JOURNAL_POWER_CUT_SEED0` to
/// start elsewhere).
fn cuts() -> (u64, u64) {
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let start = env("JOURNAL_POWER_CUT_SEED0", 0);
    (start, start + env("JOURNAL_POWER_CUTS", 10_000))
}

fn config(rng: &mut SimRng) -> JournalConfig {
    let sizes = [4096, 8192, 16384];
    JournalConfig::new(DIR).with_segment_size(sizes[rng.below(3) as usize])
}

/// What the cuts exercised, to prove the test reaches the interesting cases.
#[derive(Debug, Default)]
struct Coverage {
    torn_tails: u64,
    torn_segment_headers: u64,
    cuts_during_recovery: u64,
    kept_unsynced: u64,
    crashes: u64,
}

/// Opens the journal after a cut; the open itself may be cut (and must then be retried).
fn recover(
    disk: &SimDisk,
    config: &JournalConfig,
    seed: u64,
    cov: &mut Coverage,
) -> JournalWriter<SimDisk> {
    loop {
        match JournalWriter::open(disk.clone(), config.clone()) {
            Ok((writer, report)) => {
                if let Some((_, offset)) = report.torn_at {
                    cov.torn_tails += 1;
                    cov.torn_segment_headers += u64::from(offset == 0);
                }
                return writer;
            }
            Err(e @ JournalError::Corrupt { .. }) => {
                panic!("seed {seed}: recovery after a power cut reported corruption: {e}")
            }
            Err(e) => {
                assert!(
                    !disk.power_cut_pending(),
                    "seed {seed}: open failed without a cut: {e}"
                );
                cov.cuts_during_recovery += 1;
            }
        }
    }
}

fn check(disk: &SimDisk, log: &[Record], synced: u64, seed: u64) -> u64 {
    let got = read_all(disk.clone(), DIR);
    let n = got.len();
    assert!(
        n as u64 >= synced,
        "seed {seed}: lost synced records: recovered {n}, synced {synced}"
    );
    assert!(
        n <= log.len(),
        "seed {seed}: recovered more than was written"
    );
    assert!(
        got == log[..n],
        "seed {seed}: recovered log is not a prefix of what was written"
    );
    n as u64
}

/// Random appends and syncs until `ops` operations are done or the power fails.
/// Returns the writer's durable watermark at that point.
fn workload(
    writer: &mut JournalWriter<SimDisk>,
    rng: &mut SimRng,
    log: &mut Vec<Record>,
    ops: u64,
) -> u64 {
    for _ in 0..ops {
        if rng.chance(1, 4) {
            if writer.sync().is_err() {
                break;
            }
        } else {
            let count = rng.range(1, 6);
            let batch = next_batch(rng, log, count, 400);
            let ok = writer.append_batch(&refs(&batch)).is_ok();
            // A failed write may still have reached the disk in part: it belongs to the log
            // of what was (attempted to be) written, recovery may or may not keep it.
            log.extend(batch);
            if !ok {
                break;
            }
        }
    }
    writer.durable_seq()
}

#[test]
fn power_cuts_never_lose_synced_records_nor_look_like_corruption() {
    let mut cov = Coverage::default();
    let (first, end) = cuts();
    let n = end - first;
    for seed in first..end {
        let mut rng = SimRng::new(seed);
        let disk = SimDisk::new();
        let config = config(&mut rng);
        let mut log = Vec::new();

        // Power fails at a random storage operation (or after the workload); or, one time in
        // four, the process crashes instead (the page cache survives, unsynced data with it,
        // and recovery must make it durable before building on it).
        let crash = rng.chance(1, 4);
        if !crash {
            disk.schedule_power_cut(rng.below(120), rng.next_u64());
        }
        let mut synced = 0;
        if let Ok((mut writer, _)) = JournalWriter::open(disk.clone(), config.clone()) {
            let ops = rng.range(1, 60);
            synced = workload(&mut writer, &mut rng, &mut log, ops);
        }
        if crash {
            disk.crash();
            cov.crashes += 1;
        } else if disk.power_cut_pending() {
            disk.cancel_power_cut();
            disk.power_cut(rng.next_u64());
        }

        // Sometimes the power fails again during recovery.
        let cut_in_recovery = rng.chance(1, 4);
        if cut_in_recovery {
            disk.schedule_power_cut(rng.below(8), rng.next_u64());
        } else if crash {
            // Nothing was lost: the page cache survived the crash.
            synced = log.len() as u64;
        }
        let writer = recover(&disk, &config, seed, &mut cov);
        disk.cancel_power_cut();
        drop(writer);
        let n = check(&disk, &log, synced, seed);
        cov.kept_unsynced += n - synced;

        // The recovered journal takes new records, survives another cut once synced.
        log.truncate(n as usize);
        let mut writer = recover(&disk, &config, seed, &mut cov);
        let synced = workload(&mut writer, &mut rng, &mut log, 10);
        let synced = if rng.chance(1, 2) {
            writer.sync().unwrap_or(synced)
        } else {
            synced
        };
        drop(writer);
        disk.power_cut(rng.next_u64());
        drop(recover(&disk, &config, seed, &mut cov));
        check(&disk, &log, synced, seed);
    }
    eprintln!("power cut coverage over {n} seeds: {cov:?}");
    assert!(
        cov.kept_unsynced > 0,
        "some cuts keep unsynced records: {cov:?}"
    );
    assert!(cov.torn_tails > n / 4, "torn tails are common: {cov:?}");
    assert!(
        cov.torn_segment_headers > n / 250,
        "cuts land mid-roll: {cov:?}"
    );
    assert!(
        cov.cuts_during_recovery > n / 250,
        "cuts land mid-recovery: {cov:?}"
    );
}

#[test]
fn a_process_crash_keeps_everything_written() {
    for seed in 0..200 {
        let mut rng = SimRng::new(seed);
        let disk = SimDisk::new();
        let config = config(&mut rng);
        let mut log = Vec::new();
        let (mut writer, _) = JournalWriter::open(disk.clone(), config.clone()).unwrap();
        workload(&mut writer, &mut rng, &mut log, 40);
        disk.crash();
        drop(writer);
        let (_, report) = JournalWriter::open(disk.clone(), config).unwrap();
        assert_eq!(report.last_seq, log.len() as u64, "seed {seed}");
        assert_eq!(report.truncated_bytes, 0);
        check(&disk, &log, log.len() as u64, seed);
    }
}
