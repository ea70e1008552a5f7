//! Batches written across many segments read back exactly, on real files and on SimDisk.

use std::path::Path;

use tradestream_journal::segment::{parse_segment_name, segment_name};
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::{
    FsStorage, JournalConfig, JournalError, JournalReader, JournalWriter, Record, RecordRef,
    Storage, StorageFile,
};

use crate::common::{next_batch, read_all, refs, small_config, TempDir, SMALL_SEGMENT};

/// Writes `batches` random batches (syncing now and then), returns the records written.
fn write_batches<S: Storage>(
    writer: &mut JournalWriter<S>,
    rng: &mut SimRng,
    log: &mut Vec<Record>,
    batches: usize,
) {
    for _ in 0..batches {
        let count = rng.range(1, 8);
        let batch = next_batch(rng, log, count, 300);
        let last = writer.append_batch(&refs(&batch)).expect("append");
        log.extend(batch);
        assert_eq!(last, log.len() as u64);
        if rng.chance(1, 3) {
            assert_eq!(writer.sync().expect("sync"), last);
        }
    }
}

fn round_trip<S: Storage + Clone>(storage: S) {
    let mut rng = SimRng::new(7);
    let mut log = Vec::new();
    let config = small_config("journal");

    let (mut writer, report) = JournalWriter::open(storage.clone(), config.clone()).unwrap();
    assert_eq!(report.last_seq, 0);
    assert_eq!(writer.next_seq(), 1);
    write_batches(&mut writer, &mut rng, &mut log, 150);
    writer.sync().unwrap();
    let counters = writer.counters();
    assert_eq!(counters.records, log.len() as u64);
    assert_eq!(counters.batches, 150);
    assert!(counters.segments_created >= 10, "{counters:?}");
    drop(writer);

    // Reopen: recovery finds everything, truncates nothing, and appending continues.
    let (mut writer, report) = JournalWriter::open(storage.clone(), config.clone()).unwrap();
    assert_eq!(report.last_seq, log.len() as u64);
    assert_eq!((report.truncated_bytes, report.torn_at.clone()), (0, None));
    assert_eq!(report.segments.len() as u64, counters.segments_created);
    write_batches(&mut writer, &mut rng, &mut log, 50);
    writer.sync().unwrap();
    drop(writer);

    // Segments are named by their first seq and each continues the previous one.
    let names = storage.list(Path::new("journal")).unwrap();
    assert_eq!(
        names.first().map(String::as_str),
        Some(segment_name(1).as_str())
    );
    let reader = JournalReader::open(storage.clone(), "journal").unwrap();
    let mut expected_first = 1;
    for seg in &reader.report().segments {
        assert_eq!(seg.first_seq, expected_first);
        assert_eq!(
            parse_segment_name(&seg.path.file_name().unwrap().to_string_lossy()),
            Some(seg.first_seq)
        );
        assert_eq!(seg.capacity, SMALL_SEGMENT);
        expected_first = seg.last_seq.unwrap() + 1;
    }
    assert_eq!(expected_first, log.len() as u64 + 1);

    assert_eq!(read_all(storage.clone(), "journal"), log);
    for from in [0, 1, 2, 17, 300, log.len() as u64, log.len() as u64 + 1] {
        let got = reader.read_from(from).unwrap();
        let start = from.saturating_sub(1).min(log.len() as u64) as usize;
        assert_eq!(got, log[start..], "from {from}");
    }
}

#[test]
fn round_trip_across_segments_on_simdisk() {
    round_trip(SimDisk::new());
}

#[test]
fn round_trip_across_segments_on_real_files() {
    let tmp = TempDir::new("roundtrip");
    round_trip(FsStorage::new(tmp.path()));
}

#[test]
fn default_segments_are_preallocated_to_64_mib() {
    let tmp = TempDir::new("prealloc");
    let storage = FsStorage::new(tmp.path());
    let (mut writer, _) = JournalWriter::open(storage.clone(), JournalConfig::new("j")).unwrap();
    writer
        .append_batch(&[RecordRef {
            seq: 1,
            kind: 1,
            payload: b"hello",
        }])
        .unwrap();
    writer.sync().unwrap();
    let path = tmp.path().join("j").join(segment_name(1));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 64 << 20);
    drop(writer);
    let (_, report) = JournalWriter::open(storage.clone(), JournalConfig::new("j")).unwrap();
    assert_eq!(report.last_seq, 1);
    let mut f = storage.open(&Path::new("j").join(segment_name(1))).unwrap();
    assert_eq!(&f.read_range(0, 4).unwrap(), b"TSJS");
}

#[test]
fn non_contiguous_sequence_numbers_are_refused_and_nothing_is_written() {
    let disk = SimDisk::new();
    let (mut writer, _) = JournalWriter::open(disk.clone(), small_config("j")).unwrap();
    writer
        .append_batch(&[RecordRef {
            seq: 1,
            kind: 0,
            payload: b"a",
        }])
        .unwrap();
    let err = writer
        .append_batch(&[
            RecordRef {
                seq: 2,
                kind: 0,
                payload: b"b",
            },
            RecordRef {
                seq: 4,
                kind: 0,
                payload: b"d",
            },
        ])
        .unwrap_err();
    assert!(
        matches!(
            err,
            JournalError::SequenceGap {
                expected: 3,
                got: 4
            }
        ),
        "{err}"
    );
    let err = writer
        .append_batch(&[RecordRef {
            seq: 1,
            kind: 0,
            payload: b"a",
        }])
        .unwrap_err();
    assert!(
        matches!(
            err,
            JournalError::SequenceGap {
                expected: 2,
                got: 1
            }
        ),
        "{err}"
    );
    // The writer is still usable: nothing of the refused batches was written.
    assert_eq!(
        writer
            .append_batch(&[RecordRef {
                seq: 2,
                kind: 0,
                payload: b"b"
            }])
            .unwrap(),
        2
    );
    writer.sync().unwrap();
    assert_eq!(crate::common::read_all(disk, "j").len(), 2);
}

#[test]
fn oversized_batches_are_refused_with_the_limit() {
    let disk = SimDisk::new();
    let (mut writer, _) = JournalWriter::open(disk, small_config("j")).unwrap();
    let big = vec![0u8; 4000];
    let err = writer
        .append_batch(&[RecordRef {
            seq: 1,
            kind: 0,
            payload: &big,
        }])
        .unwrap_err();
    assert!(
        matches!(err, JournalError::BatchTooLarge { max: 3584, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("max_batch_bytes"));
    // Exactly the maximum fits (and fills a whole segment).
    let fit = vec![1u8; 3584 - 40 - 13];
    writer
        .append_batch(&[RecordRef {
            seq: 1,
            kind: 0,
            payload: &fit,
        }])
        .unwrap();
    writer
        .append_batch(&[RecordRef {
            seq: 2,
            kind: 0,
            payload: &fit,
        }])
        .unwrap();
    assert_eq!(writer.counters().segments_created, 2);
}

#[test]
fn staging_builds_one_batch_per_write() {
    let disk = SimDisk::new();
    let (mut writer, _) = JournalWriter::open(disk.clone(), small_config("j")).unwrap();
    let payload = [3u8; 100];
    let mut seq = 1;
    while writer
        .stage(RecordRef {
            seq,
            kind: 2,
            payload: &payload,
        })
        .unwrap()
        == tradestream_journal::Staged::Added
    {
        seq += 1;
    }
    assert_eq!(
        writer.staged(),
        31,
        "31 records of 113 bytes fit in 3584 - 40"
    );
    assert_eq!(writer.write_staged().unwrap(), 31);
    assert_eq!(writer.counters().batches, 1);
    assert_eq!(writer.next_seq(), 32);
    writer.sync().unwrap();
    assert_eq!(crate::common::read_all(disk, "j").len(), 31);
}

#[test]
fn invalid_configs_are_refused() {
    let disk = SimDisk::new();
    for config in [
        JournalConfig::new("j").with_segment_size(1000),
        JournalConfig::new("j").with_segment_size(512),
        JournalConfig {
            max_batch_bytes: 10,
            ..JournalConfig::new("j")
        },
        JournalConfig {
            ring_capacity: 0,
            ..JournalConfig::new("j")
        },
    ] {
        let err = JournalWriter::open(disk.clone(), config).unwrap_err();
        assert!(matches!(err, JournalError::Config(_)), "{err}");
    }
}
