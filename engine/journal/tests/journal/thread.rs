//! The journal thread: watermark only after sync, backpressure, failure halts publication.

use std::time::Duration;

use tradestream_journal::sim::{Fault, SimDisk, SimRng};
use tradestream_journal::{
    DurableWatermark, Entry, EntryTooLarge, FsyncPolicy, JournalError, JournalSender,
    JournalThread, JournalWriter, PushError, Record, WaitError, ENTRY_MAX,
};

use crate::common::{random_record, read_all, small_config};

const DIR: &str = "j";
const WAIT: Duration = Duration::from_secs(20);

fn entry(r: &Record) -> Entry {
    Entry::new(r.seq, r.kind, &r.payload).unwrap()
}

/// Pushes with backpressure: retries the returned entry until the ring takes it. Fails with
/// the entry's seq if the journal halted.
fn push(sender: &mut JournalSender, mut e: Entry) -> Result<(), u64> {
    loop {
        match sender.try_push(e) {
            Ok(()) => return Ok(()),
            Err(PushError::Full(back)) => {
                assert_eq!(back.seq(), e.seq(), "the same entry comes back");
                e = back;
                std::thread::yield_now();
            }
            Err(PushError::Halted(back)) => return Err(back.seq()),
        }
    }
}

#[test]
fn a_cut_right_after_a_publish_never_loses_anything_at_or_below_the_watermark() {
    let policies = [
        FsyncPolicy::Always,
        FsyncPolicy::Batch {
            records: 16,
            micros: 300,
        },
        FsyncPolicy::Batch {
            records: 1_000_000,
            micros: 50,
        },
    ];
    let mut published_total = 0;
    for seed in 0..200u64 {
        let mut rng = SimRng::new(seed);
        let disk = SimDisk::new();
        let policy = policies[(seed % 3) as usize];
        let config = small_config(DIR).with_ring_capacity(64);
        let (mut sender, watermark, handle) =
            JournalThread::spawn(disk.clone(), config.clone(), policy).unwrap();
        let total = rng.range(50, 400);
        let cut_after = rng.below(total);
        let mut log = Vec::new();
        let mut at_cut = None;
        for seq in 1..=total {
            let r = random_record(&mut rng, seq, ENTRY_MAX as u64);
            if push(&mut sender, entry(&r)).is_err() {
                break;
            }
            log.push(r);
            if seq == cut_after {
                if rng.chance(1, 2) {
                    let _ = watermark.wait_for(rng.range(1, seq), WAIT);
                }
                // Read the watermark, then cut at once.
                let w = watermark.get();
                disk.power_cut(rng.next_u64());
                at_cut = Some(w);
                break;
            }
        }
        drop(sender);
        let _ = handle.join().expect("journal thread does not panic");
        let w = at_cut.unwrap_or_else(|| {
            // No cut during the run: the thread synced everything on shutdown.
            assert_eq!(watermark.get(), total, "seed {seed}");
            disk.power_cut(rng.next_u64());
            total
        });
        published_total += w;
        let (_, report) = JournalWriter::open(disk.clone(), config).unwrap();
        assert!(
            report.last_seq >= w,
            "seed {seed} {policy:?}: watermark {w}, recovered {}",
            report.last_seq
        );
        let got = read_all(disk, DIR);
        assert_eq!(
            got,
            log[..got.len()],
            "seed {seed}: a prefix of what was pushed"
        );
    }
    assert!(published_total > 0);
}

#[test]
fn the_watermark_waits_for_the_sync_not_the_write() {
    let disk = SimDisk::new();
    let policy = FsyncPolicy::Batch {
        records: 1_000_000,
        micros: 60_000_000,
    };
    let (mut sender, watermark, handle) =
        JournalThread::spawn(disk.clone(), small_config(DIR), policy).unwrap();
    let mut rng = SimRng::new(6);
    for seq in 1..=50 {
        push(&mut sender, entry(&random_record(&mut rng, seq, 100))).unwrap();
    }
    // Wait until everything is written (the last segment holds seq 50) but not synced.
    while crate::common::read_all(disk.fork(), DIR).len() < 50 {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(disk.unsynced_sectors() > 0);
    assert_eq!(watermark.get(), 0, "written is not durable");
    // Dropping the sender makes the thread sync what it has and publish it.
    drop(sender);
    handle.join().unwrap().unwrap();
    assert_eq!(watermark.get(), 50);
    assert_eq!(disk.unsynced_sectors(), 0);
}

#[test]
fn group_commit_writes_and_syncs_many_records_at_once() {
    let disk = SimDisk::new();
    let config = small_config(DIR).with_ring_capacity(256);
    let (mut sender, watermark, handle) =
        JournalThread::spawn(disk.clone(), config, FsyncPolicy::Always).unwrap();
    let mut rng = SimRng::new(4);
    let n = 3000;
    for seq in 1..=n {
        push(&mut sender, entry(&random_record(&mut rng, seq, 40))).unwrap();
    }
    assert_eq!(watermark.wait_for(n, WAIT), Ok(n));
    drop(sender);
    let counters = handle.join().unwrap().unwrap();
    assert_eq!(counters.records, n);
    assert!(counters.syncs <= counters.batches);
    assert_eq!(read_all(disk, DIR).len() as u64, n);
}

#[test]
fn a_full_ring_gives_the_entry_back_and_nothing_is_dropped() {
    let disk = SimDisk::new();
    let config = small_config(DIR).with_ring_capacity(4);
    let (mut sender, watermark, handle) =
        JournalThread::spawn(disk.clone(), config, FsyncPolicy::Always).unwrap();
    disk.set_stalled(true);
    let mut rng = SimRng::new(8);
    let records: Vec<Record> = (1..=200).map(|s| random_record(&mut rng, s, 100)).collect();
    // The thread takes entry 1 and blocks writing it to the stalled disk.
    push(&mut sender, entry(&records[0])).unwrap();
    while disk.stalled_ops() == 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    // Four more fill the 4-slot ring; the sixth comes back.
    for r in &records[1..5] {
        assert!(sender.try_push(entry(r)).is_ok());
    }
    assert_eq!(sender.free_slots(), 0);
    for _ in 0..3 {
        match sender.try_push(entry(&records[5])) {
            Err(PushError::Full(back)) => {
                assert_eq!(back.seq(), 6);
                assert_eq!(back.payload(), records[5].payload);
            }
            other => panic!("expected a full ring, got {other:?}"),
        }
    }
    assert_eq!(
        watermark.get(),
        0,
        "nothing is durable while the disk is stalled"
    );
    let next = 5;
    disk.set_stalled(false);
    for r in &records[next..] {
        push(&mut sender, entry(r)).unwrap();
    }
    assert_eq!(watermark.wait_for(200, WAIT), Ok(200));
    drop(sender);
    handle.join().unwrap().unwrap();
    assert_eq!(read_all(disk, DIR), records);
}

fn failing(fault: Fault) {
    let disk = SimDisk::new();
    let (mut sender, watermark, handle) =
        JournalThread::spawn(disk.clone(), small_config(DIR), FsyncPolicy::Always).unwrap();
    let mut rng = SimRng::new(2);
    for seq in 1..=10 {
        push(&mut sender, entry(&random_record(&mut rng, seq, 50))).unwrap();
    }
    assert_eq!(watermark.wait_for(10, WAIT), Ok(10));
    disk.inject(fault);
    for seq in 11..=15 {
        // The thread may fail (and refuse further entries) as soon as it sees entry 11.
        if push(&mut sender, entry(&random_record(&mut rng, seq, 50))).is_err() {
            assert!(seq > 11);
            break;
        }
    }
    let err = watermark.wait_for(15, WAIT).unwrap_err();
    let WaitError::Failed(msg) = err else {
        panic!("expected failure, got {err:?}")
    };
    assert!(msg.contains("injected"), "{msg}");
    assert_eq!(watermark.get(), 10, "nothing published after the failure");
    assert_eq!(watermark.failed(), Some(msg.clone()));
    assert_eq!(sender.failed(), Some(msg));
    let e = entry(&random_record(&mut rng, 99, 10));
    assert!(matches!(sender.try_push(e), Err(PushError::Halted(_))));
    let result = handle.join().unwrap();
    assert!(matches!(result, Err(JournalError::Io { .. })), "{result:?}");
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(watermark.get(), 10);
}

#[test]
fn a_failing_sync_stops_publication_and_reports_the_error() {
    failing(Fault::Sync);
}

#[test]
fn a_failing_write_stops_publication_and_reports_the_error() {
    failing(Fault::Write);
}

#[test]
fn never_policy_publishes_what_was_written_without_syncing() {
    let disk = SimDisk::new();
    let config = tradestream_journal::JournalConfig::new(DIR).with_segment_size(1 << 20);
    let (mut sender, watermark, handle) =
        JournalThread::spawn(disk.clone(), config, FsyncPolicy::Never).unwrap();
    let mut rng = SimRng::new(9);
    for seq in 1..=500 {
        push(&mut sender, entry(&random_record(&mut rng, seq, 64))).unwrap();
    }
    assert_eq!(watermark.wait_for(500, WAIT), Ok(500));
    drop(sender);
    let counters = handle.join().unwrap().unwrap();
    assert_eq!(counters.syncs, 0);
    assert!(disk.unsynced_sectors() > 0);
}

#[test]
fn a_restarted_thread_continues_the_sequence() {
    let disk = SimDisk::new();
    for round in 0..3u64 {
        let (mut sender, watermark, handle) =
            JournalThread::spawn(disk.clone(), small_config(DIR), FsyncPolicy::Always).unwrap();
        assert_eq!(sender.next_seq(), round * 10 + 1);
        assert_eq!(watermark.get(), round * 10);
        for seq in round * 10 + 1..=round * 10 + 10 {
            push(&mut sender, Entry::new(seq, 1, &seq.to_le_bytes()).unwrap()).unwrap();
        }
        drop(sender);
        handle.join().unwrap().unwrap();
    }
    let got = read_all(disk, DIR);
    assert_eq!(got.len(), 30);
    assert!(got.iter().all(|r| r.payload == r.seq.to_le_bytes()));
}

#[test]
fn a_sequence_gap_from_the_engine_halts_the_thread() {
    let disk = SimDisk::new();
    let (mut sender, watermark, handle) =
        JournalThread::spawn(disk, small_config(DIR), FsyncPolicy::Always).unwrap();
    push(&mut sender, Entry::new(1, 0, b"a").unwrap()).unwrap();
    push(&mut sender, Entry::new(3, 0, b"c").unwrap()).unwrap();
    let err = watermark.wait_for(3, WAIT).unwrap_err();
    assert!(
        matches!(&err, WaitError::Failed(m) if m.contains("expected seq 2")),
        "{err}"
    );
    assert!(matches!(
        handle.join().unwrap(),
        Err(JournalError::SequenceGap {
            expected: 2,
            got: 3
        })
    ));
}

#[test]
fn entries_are_fixed_size_and_refuse_large_payloads() {
    assert_eq!(
        Entry::new(1, 0, &[0; ENTRY_MAX + 1]).unwrap_err(),
        EntryTooLarge(ENTRY_MAX + 1)
    );
    let e = Entry::new(7, 3, &[1; ENTRY_MAX]).unwrap();
    assert_eq!((e.seq(), e.kind(), e.payload().len()), (7, 3, ENTRY_MAX));
    assert!(std::mem::size_of::<Entry>() <= ENTRY_MAX + 16);
    fn is_copy<T: Copy + Send>() {}
    is_copy::<Entry>();
    let _unused: Option<DurableWatermark> = None;
}
