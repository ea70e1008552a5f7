//! `inspect` describes segments, snapshots and the verdict without changing anything.

use std::path::Path;

use tradestream_journal::segment::segment_name;
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::snapshot::snapshot_name;
use tradestream_journal::{inspect, write_snapshot, JournalWriter, Verdict};

use crate::common::{next_batch, refs, small_config};

fn journal() -> (SimDisk, u64) {
    let disk = SimDisk::new();
    let mut rng = SimRng::new(1);
    let mut log = Vec::new();
    let (mut writer, _) = JournalWriter::open(disk.clone(), small_config("j")).unwrap();
    for _ in 0..30 {
        let batch = next_batch(&mut rng, &log, 4, 200);
        writer.append_batch(&refs(&batch)).unwrap();
        writer.sync().unwrap();
        log.extend(batch);
    }
    write_snapshot(&disk, Path::new("j"), 40, [0xAB; 32], b"state at 40", 3).unwrap();
    write_snapshot(&disk, Path::new("j"), 80, [0xCD; 32], b"state at 80", 3).unwrap();
    (disk, log.len() as u64)
}

#[test]
fn a_clean_journal() {
    let (disk, last) = journal();
    let i = inspect(&disk, Path::new("j")).unwrap();
    assert_eq!(i.verdict, Verdict::Clean { last_seq: last });
    assert!(i.segments.len() > 3);
    assert_eq!(i.segments[0].name, segment_name(1));
    assert_eq!(i.segments.iter().map(|s| s.batches).sum::<u64>(), 30);
    for pair in i.segments.windows(2) {
        assert_eq!(pair[0].last_seq.unwrap() + 1, pair[1].first_seq);
        assert!(pair[0].problem.is_none());
    }
    assert_eq!(i.segments.last().unwrap().last_seq, Some(last));
    assert_eq!(i.snapshots.len(), 2);
    assert_eq!(i.snapshots[0].name, snapshot_name(80));
    assert_eq!(
        i.snapshots[0].state_hash_hex.as_deref(),
        Some("cd".repeat(32).as_str())
    );
    assert!(i.snapshots.iter().all(|s| s.valid));
    let text = i.to_string();
    assert!(text.contains("verdict: clean"), "{text}");
    assert!(text.contains(&segment_name(1)), "{text}");
}

#[test]
fn torn_and_corrupt_journals_and_bad_snapshots() {
    let (disk, _) = journal();
    let first = Path::new("j").join(segment_name(1));
    let d = disk.fork();
    d.flip_bit(&first, 600 * 8);
    d.flip_bit(Path::new("j").join(snapshot_name(80)), 10);
    let before = d.file_bytes(&first);
    let i = inspect(&d, Path::new("j")).unwrap();
    assert!(matches!(&i.verdict, Verdict::Corrupt { file, offset: 512, .. } if *file == first));
    assert!(i.segments[0]
        .problem
        .as_deref()
        .unwrap_or("")
        .contains("offset 512"));
    assert!(!i.snapshots[0].valid && i.snapshots[1].valid);
    assert!(i.to_string().contains("CORRUPT"));
    assert_eq!(d.file_bytes(&first), before, "inspect changes nothing");

    let last = disk.list_last_segment();
    let d = disk.fork();
    let len = d.file_bytes(&last).unwrap().len() as u64;
    let used = inspect(&d, Path::new("j"))
        .unwrap()
        .segments
        .last()
        .unwrap()
        .bytes_used;
    assert!(used < len);
    d.overwrite(&last, used, b"garbage");
    let i = inspect(&d, Path::new("j")).unwrap();
    assert!(
        matches!(&i.verdict, Verdict::TornTail { bytes: 7, .. }),
        "{:?}",
        i.verdict
    );
    assert!(i.to_string().contains("torn tail"));
}

trait LastSegment {
    fn list_last_segment(&self) -> std::path::PathBuf;
}

impl LastSegment for SimDisk {
    fn list_last_segment(&self) -> std::path::PathBuf {
        use tradestream_journal::Storage;
        let names = self.list(Path::new("j")).unwrap();
        let last = names.iter().rfind(|n| n.ends_with(".seg")).unwrap();
        Path::new("j").join(last)
    }
}
