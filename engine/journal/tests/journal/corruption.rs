//! Damage to synced data followed by intact data is refused with file and offset, and
//! nothing is truncated.

use std::path::PathBuf;

use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::{JournalError, JournalReader, JournalWriter, Record};

use crate::common::{batch_len, next_batch, refs, small_config};

const DIR: &str = "j";

struct Written {
    disk: SimDisk,
    /// `(file, start, unpadded length)` of every batch, in order.
    batches: Vec<(PathBuf, u64, u64)>,
}

/// Writes random batches, syncing after each (so every batch vouches for the ones before).
fn synced_journal(seed: u64) -> Written {
    let disk = SimDisk::new();
    let mut rng = SimRng::new(seed);
    let mut log: Vec<Record> = Vec::new();
    let mut batches = Vec::new();
    let (mut writer, _) = JournalWriter::open(disk.clone(), small_config(DIR)).unwrap();
    for _ in 0..rng.range(3, 14) {
        let count = rng.range(1, 5);
        let batch = next_batch(&mut rng, &log, count, 250);
        writer.append_batch(&refs(&batch)).unwrap();
        writer.sync().unwrap();
        let (path, end) = writer.position().unwrap();
        let len = batch_len(&batch);
        let start = end - len.div_ceil(512) * 512;
        batches.push((path.to_path_buf(), start, len));
        log.extend(batch);
    }
    Written { disk, batches }
}

fn expect_corrupt(disk: &SimDisk, file: &PathBuf, offset: u64, what: &str) {
    let before = disk.file_bytes(file).unwrap();
    match JournalWriter::open(disk.clone(), small_config(DIR)) {
        Err(JournalError::Corrupt {
            file: f,
            offset: o,
            reason,
        }) => {
            assert_eq!((&f, o), (file, offset), "{what}: {reason}");
            let err = JournalError::Corrupt {
                file: f,
                offset: o,
                reason,
            };
            assert!(err.to_string().contains("not a torn tail"), "{err}");
        }
        other => panic!(
            "{what}: expected corruption, got {:?}",
            other.map(|(_, r)| r)
        ),
    }
    assert!(matches!(
        JournalReader::open(disk.clone(), DIR),
        Err(JournalError::Corrupt { offset: o, .. }) if o == offset
    ));
    assert_eq!(
        disk.file_bytes(file).unwrap(),
        before,
        "{what}: nothing was truncated"
    );
}

#[test]
fn a_bit_flip_in_an_earlier_batch_is_refused_with_file_and_offset() {
    for seed in 0..400 {
        let w = synced_journal(seed);
        let mut rng = SimRng::new(seed ^ 0xF11B);
        let victim = rng.below(w.batches.len() as u64 - 1) as usize;
        let (file, start, len) = &w.batches[victim];
        let bit = rng.range(start * 8, (start + len) * 8 - 1);
        assert!(w.disk.flip_bit(file, bit));
        expect_corrupt(
            &w.disk,
            file,
            *start,
            &format!("seed {seed} batch {victim} bit {bit}"),
        );
    }
}

#[test]
fn a_zeroed_earlier_batch_is_refused() {
    for seed in 0..50 {
        let w = synced_journal(seed);
        let mut rng = SimRng::new(seed);
        let victim = rng.below(w.batches.len() as u64 - 1) as usize;
        let (file, start, len) = &w.batches[victim];
        assert!(w.disk.overwrite(file, *start, &vec![0u8; *len as usize]));
        expect_corrupt(
            &w.disk,
            file,
            *start,
            &format!("seed {seed} batch {victim}"),
        );
    }
}

#[test]
fn a_bit_flip_in_an_earlier_segment_header_is_refused() {
    let mut rng = SimRng::new(99);
    for seed in 0..100 {
        let w = synced_journal(seed + 1000);
        let files: Vec<&PathBuf> = {
            let mut f: Vec<&PathBuf> = w.batches.iter().map(|b| &b.0).collect();
            f.dedup();
            f
        };
        if files.len() < 2 {
            continue;
        }
        // Any segment that has a batch in it, or a later segment, has a vouched header.
        let victim = files[rng.below(files.len() as u64) as usize];
        let bit = rng.below(32 * 8);
        assert!(w.disk.flip_bit(victim, bit));
        expect_corrupt(&w.disk, victim, 0, &format!("seed {seed} bit {bit}"));
    }
}
