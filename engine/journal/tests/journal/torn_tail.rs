//! A bad or partial last batch is a torn tail: cut off, reported, earlier batches intact.

use std::path::{Path, PathBuf};

use tradestream_journal::segment::segment_name;
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::{JournalReader, JournalWriter, Record, RecordRef};

use crate::common::{batch_len, next_batch, read_all, refs, small_config};

const DIR: &str = "j";

/// A journal of several synced batches whose last batch spans three sectors.
/// Returns the disk, the log, the last batch's file, start offset and unpadded end.
fn journal_with_big_last_batch() -> (SimDisk, Vec<Record>, PathBuf, u64, u64) {
    let disk = SimDisk::new();
    let mut rng = SimRng::new(11);
    let mut log = Vec::new();
    let (mut writer, _) = JournalWriter::open(disk.clone(), small_config(DIR)).unwrap();
    for _ in 0..4 {
        let batch = next_batch(&mut rng, &log, 3, 60);
        writer.append_batch(&refs(&batch)).unwrap();
        writer.sync().unwrap();
        log.extend(batch);
    }
    let (path, start) = writer
        .position()
        .map(|(p, o)| (p.to_path_buf(), o))
        .unwrap();
    let last: Vec<Record> = (0..5)
        .map(|i| {
            let seq = log.len() as u64 + 1 + i;
            Record {
                seq,
                kind: 9,
                payload: vec![(seq % 251) as u8 + 1; 230],
            }
        })
        .collect();
    assert!(
        start + 3 * 512 <= crate::common::SMALL_SEGMENT,
        "the last batch fits"
    );
    writer.append_batch(&refs(&last)).unwrap();
    writer.sync().unwrap();
    assert_eq!(
        writer.position().unwrap(),
        (path.as_path(), start + 3 * 512)
    );
    let end = start + batch_len(&last);
    log.extend(last);
    (disk, log, path, start, end)
}

fn nonzero_end(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |i| i as u64 + 1)
}

#[test]
fn last_batch_cut_at_every_byte_offset_recovers_the_earlier_batches() {
    let (disk, log, path, start, end) = journal_with_big_last_batch();
    let before = log.len() as u64 - 5;
    for cut in start..end {
        for shorten_file in [false, true] {
            let d = disk.fork();
            if shorten_file {
                d.set_len_raw(&path, cut);
            } else {
                d.overwrite(&path, cut, &vec![0u8; (end - cut) as usize]);
            }
            let torn = d.file_bytes(&path).unwrap();
            let expected_bytes = nonzero_end(&torn[start as usize..cut as usize]);

            // A read-only scan reports the torn tail but does not touch it.
            let reader = JournalReader::open(d.clone(), DIR).unwrap();
            assert_eq!(reader.last_seq(), before, "cut {cut}");
            assert_eq!(reader.read_from(1).unwrap(), log[..before as usize]);
            assert_eq!(d.file_bytes(&path).unwrap(), torn);

            let (mut writer, report) = JournalWriter::open(d.clone(), small_config(DIR)).unwrap();
            assert_eq!(report.last_seq, before, "cut {cut}");
            assert_eq!(report.truncated_bytes, expected_bytes, "cut {cut}");
            if expected_bytes > 0 {
                assert_eq!(report.torn_at, Some((path.clone(), start)), "cut {cut}");
            } else {
                assert_eq!(report.torn_at, None, "cut {cut}: zeros are simply the end");
            }
            let after = d.file_bytes(&path).unwrap();
            assert_eq!(
                after.len() as u64,
                crate::common::SMALL_SEGMENT,
                "re-extended"
            );
            assert!(
                after[start as usize..].iter().all(|&b| b == 0),
                "cut {cut}: tail zeroed"
            );

            // The journal continues where the valid data ended.
            if cut % 97 == 0 {
                let rec = RecordRef {
                    seq: before + 1,
                    kind: 1,
                    payload: b"after",
                };
                writer.append_batch(&[rec]).unwrap();
                writer.sync().unwrap();
                drop(writer);
                let got = read_all(d.clone(), DIR);
                assert_eq!(got.len() as u64, before + 1);
                assert_eq!(got.last().unwrap().payload, b"after");
            }
        }
    }
}

#[test]
fn bad_crc_in_the_last_batch_is_a_torn_tail() {
    let (disk, log, path, start, end) = journal_with_big_last_batch();
    let mut rng = SimRng::new(5);
    for _ in 0..200 {
        let d = disk.fork();
        let bit = rng.range(start * 8, end * 8 - 1);
        assert!(d.flip_bit(&path, bit));
        let (_, report) = JournalWriter::open(d.clone(), small_config(DIR)).unwrap();
        assert_eq!(report.last_seq, log.len() as u64 - 5, "bit {bit}");
        assert_eq!(report.torn_at, Some((path.clone(), start)));
        assert!(report.truncated_bytes > 0);
    }
}

#[test]
fn unsynced_batches_lost_out_of_order_are_a_torn_tail() {
    // Batch A is synced; B and C are not. The disk kept C but lost B: C's durable_seq only
    // covers A, so this is a torn tail (B and C cut off), not corruption.
    let disk = SimDisk::new();
    let mut rng = SimRng::new(3);
    let mut log = Vec::new();
    let (mut writer, _) = JournalWriter::open(disk.clone(), small_config(DIR)).unwrap();
    let a = next_batch(&mut rng, &log, 2, 50);
    writer.append_batch(&refs(&a)).unwrap();
    writer.sync().unwrap();
    log.extend(a);
    let (path, b_start) = writer
        .position()
        .map(|(p, o)| (p.to_path_buf(), o))
        .unwrap();
    for _ in 0..2 {
        let batch = next_batch(&mut rng, &log, 2, 50);
        writer.append_batch(&refs(&batch)).unwrap();
        log.extend(batch);
    }
    drop(writer);
    disk.overwrite(&path, b_start, &[0u8; 512]);
    let (_, report) = JournalWriter::open(disk.clone(), small_config(DIR)).unwrap();
    assert_eq!(report.last_seq, 2);
    assert_eq!(report.torn_at, Some((path, b_start)));
    assert!(
        report.truncated_bytes > 512 && report.truncated_bytes <= 1024,
        "B and C"
    );
    assert_eq!(read_all(disk, DIR), log[..2]);
}

#[test]
fn a_new_last_segment_with_a_torn_header_is_removed() {
    let disk = SimDisk::new();
    let (mut writer, _) = JournalWriter::open(disk.clone(), small_config(DIR)).unwrap();
    let big = vec![7u8; 3000];
    writer
        .append_batch(&[RecordRef {
            seq: 1,
            kind: 0,
            payload: &big,
        }])
        .unwrap();
    writer
        .append_batch(&[RecordRef {
            seq: 2,
            kind: 0,
            payload: &big,
        }])
        .unwrap();
    writer.sync().unwrap();
    drop(writer);
    // Pretend the second segment's creation was cut: header half written, no batch.
    let second = Path::new(DIR).join(segment_name(2));
    let mut header = disk.file_bytes(&second).unwrap()[..512].to_vec();
    header[16..].fill(0);
    let mut file = header;
    file.resize(crate::common::SMALL_SEGMENT as usize, 0);
    assert!(disk.set_len_raw(&second, 0));
    assert!(disk.overwrite(&second, 0, &file));
    let (mut writer, report) = JournalWriter::open(disk.clone(), small_config(DIR)).unwrap();
    assert_eq!(report.last_seq, 1);
    assert_eq!(report.torn_at, Some((second.clone(), 0)));
    assert_eq!(
        report.truncated_bytes, 9,
        "magic..first_seq: the last non-zero byte is 8"
    );
    assert!(
        disk.file_bytes(&second).is_none(),
        "the torn segment file is removed"
    );
    // The writer recreates it.
    writer
        .append_batch(&[RecordRef {
            seq: 2,
            kind: 0,
            payload: b"again",
        }])
        .unwrap();
    writer.sync().unwrap();
    assert_eq!(read_all(disk, DIR).len(), 2);
}

#[test]
fn a_torn_tail_on_real_files_is_cut_off() {
    use std::os::unix::fs::FileExt;
    let tmp = crate::common::TempDir::new("torn");
    let storage = tradestream_journal::FsStorage::new(tmp.path());
    let (mut writer, _) = JournalWriter::open(storage.clone(), small_config(DIR)).unwrap();
    writer
        .append_batch(&[RecordRef {
            seq: 1,
            kind: 1,
            payload: b"kept",
        }])
        .unwrap();
    writer.sync().unwrap();
    let (path, start) = writer
        .position()
        .map(|(p, o)| (p.to_path_buf(), o))
        .unwrap();
    writer
        .append_batch(&[RecordRef {
            seq: 2,
            kind: 1,
            payload: &[9; 300],
        }])
        .unwrap();
    writer.sync().unwrap();
    drop(writer);
    // Zero the second half of the last batch, as a torn write would leave it.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(tmp.path().join(&path))
        .unwrap();
    file.write_all_at(&[0u8; 200], start + 160).unwrap();
    let (_, report) = JournalWriter::open(storage.clone(), small_config(DIR)).unwrap();
    assert_eq!(report.last_seq, 1);
    assert_eq!(report.torn_at, Some((path, start)));
    assert_eq!(report.truncated_bytes, 160);
    let got = read_all(storage, DIR);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].payload, b"kept");
}
