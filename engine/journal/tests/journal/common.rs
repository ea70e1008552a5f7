//! Shared helpers: deterministic payloads, small configs, a temporary directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tradestream_journal::sim::SimRng;
use tradestream_journal::{JournalConfig, JournalReader, Record, RecordRef, Storage};

/// Segment size used by most tests: 8 sectors, so segments roll often.
pub const SMALL_SEGMENT: u64 = 4096;

pub fn small_config(dir: &str) -> JournalConfig {
    JournalConfig::new(dir).with_segment_size(SMALL_SEGMENT)
}

/// A random record with sequence number `seq` and a payload of up to `max_len` bytes.
pub fn random_record(rng: &mut SimRng, seq: u64, max_len: u64) -> Record {
    let len = rng.below(max_len + 1) as usize;
    let mut payload = vec![0u8; len];
    rng.fill(&mut payload);
    Record {
        seq,
        kind: rng.below(256) as u8,
        payload,
    }
}

/// `count` random records continuing after `log`.
pub fn next_batch(rng: &mut SimRng, log: &[Record], count: u64, max_len: u64) -> Vec<Record> {
    let first = log.len() as u64 + 1;
    (first..first + count)
        .map(|seq| random_record(rng, seq, max_len))
        .collect()
}

pub fn refs(records: &[Record]) -> Vec<RecordRef<'_>> {
    records
        .iter()
        .map(|r| RecordRef {
            seq: r.seq,
            kind: r.kind,
            payload: &r.payload,
        })
        .collect()
}

/// Encoded size of a batch of `records` (header and records, before padding).
pub fn batch_len(records: &[Record]) -> u64 {
    40 + records
        .iter()
        .map(|r| 13 + r.payload.len() as u64)
        .sum::<u64>()
}

/// Reads every record of the journal in `dir`.
pub fn read_all<S: Storage>(storage: S, dir: &str) -> Vec<Record> {
    JournalReader::open(storage, dir)
        .expect("journal opens")
        .read_from(1)
        .expect("readable")
}

/// A unique directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "tradestream-journal-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
