//! Snapshots: atomic write, retention, fallback past damaged ones.

use std::path::Path;

use tradestream_journal::sim::{Fault, SimDisk, SimRng};
use tradestream_journal::snapshot::snapshot_name;
use tradestream_journal::{load_newest_snapshot, write_snapshot, FsStorage, Storage, StorageFile};

use crate::common::TempDir;

const DIR: &str = "snaps";

fn state(seq: u64) -> (Vec<u8>, [u8; 32]) {
    let mut rng = SimRng::new(seq);
    let mut bytes = vec![0u8; 100 + (seq as usize * 37) % 900];
    rng.fill(&mut bytes);
    let mut hash = [0u8; 32];
    rng.fill(&mut hash);
    (bytes, hash)
}

fn write<S: Storage>(storage: &S, seq: u64, keep: usize) {
    let (bytes, hash) = state(seq);
    write_snapshot(storage, Path::new(DIR), seq, hash, &bytes, keep).unwrap();
}

fn loaded_seq<S: Storage>(storage: &S) -> Option<u64> {
    let load = load_newest_snapshot(storage, Path::new(DIR)).unwrap();
    if let Some(s) = &load.snapshot {
        let (bytes, hash) = state(s.seq);
        assert_eq!((&s.bytes, &s.state_hash), (&bytes, &hash), "content intact");
    }
    load.snapshot.map(|s| s.seq)
}

fn path(seq: u64) -> std::path::PathBuf {
    Path::new(DIR).join(snapshot_name(seq))
}

#[test]
fn newest_with_a_flipped_bit_falls_back_to_the_previous() {
    let mut rng = SimRng::new(1);
    for _ in 0..200 {
        let disk = SimDisk::new();
        for seq in [10, 20, 30] {
            write(&disk, seq, 3);
        }
        let len = disk.file_bytes(path(30)).unwrap().len() as u64;
        assert!(disk.flip_bit(path(30), rng.below(len * 8)));
        let load = load_newest_snapshot(&disk, Path::new(DIR)).unwrap();
        assert_eq!(load.snapshot.map(|s| s.seq), Some(20));
        assert_eq!(load.skipped.len(), 1);
        assert_eq!(load.skipped[0].path, path(30));
    }
}

#[test]
fn newest_truncated_falls_back_to_the_previous() {
    let disk = SimDisk::new();
    write(&disk, 10, 3);
    write(&disk, 20, 3);
    let len = disk.file_bytes(path(20)).unwrap().len() as u64;
    for cut in 0..len {
        let d = disk.fork();
        d.set_len_raw(path(20), cut);
        assert_eq!(loaded_seq(&d), Some(10), "cut {cut}");
    }
    // Extra bytes are damage too.
    let d = disk.fork();
    d.overwrite(path(20), len, b"x");
    assert_eq!(loaded_seq(&d), Some(10));
}

#[test]
fn a_lost_rename_falls_back_to_the_previous() {
    let (mut new, mut old) = (0, 0);
    for seed in 0..100 {
        let disk = SimDisk::new();
        write(&disk, 10, 2);
        // The directory sync after the rename fails, then the power goes.
        disk.inject(Fault::SyncDir);
        let (bytes, hash) = state(20);
        assert!(write_snapshot(&disk, Path::new(DIR), 20, hash, &bytes, 2).is_err());
        disk.power_cut(seed);
        match loaded_seq(&disk) {
            Some(20) => new += 1,
            Some(10) => old += 1,
            other => panic!("seed {seed}: {other:?}"),
        }
    }
    assert!(
        new > 0 && old > 0,
        "both outcomes occur: new {new}, old {old}"
    );
}

#[test]
fn a_temporary_file_is_never_loaded_and_is_cleaned_up() {
    let disk = SimDisk::new();
    write(&disk, 10, 2);
    let tmp = Path::new(DIR).join(format!("{}.tmp", snapshot_name(20)));
    let mut f = disk.create(&tmp).unwrap();
    f.write_at(0, b"half a snapshot").unwrap();
    assert_eq!(loaded_seq(&disk), Some(10));
    write(&disk, 30, 2);
    assert_eq!(
        disk.list(Path::new(DIR)).unwrap(),
        [snapshot_name(10), snapshot_name(30)]
    );
}

#[test]
fn power_cut_at_any_step_of_a_snapshot_write_leaves_a_valid_snapshot() {
    for op in 0..12 {
        for seed in 0..20 {
            let disk = SimDisk::new();
            write(&disk, 10, 1);
            disk.schedule_power_cut(op, seed);
            let (bytes, hash) = state(20);
            let _ = write_snapshot(&disk, Path::new(DIR), 20, hash, &bytes, 1);
            if disk.power_cut_pending() {
                disk.cancel_power_cut();
                disk.power_cut(seed);
            }
            let got = loaded_seq(&disk);
            assert!(
                got == Some(10) || got == Some(20),
                "op {op} seed {seed}: {got:?}"
            );
        }
    }
}

#[test]
fn no_valid_snapshot_means_start_of_journal() {
    let disk = SimDisk::new();
    assert_eq!(
        load_newest_snapshot(&disk, Path::new(DIR))
            .unwrap()
            .snapshot,
        None
    );
    write(&disk, 10, 2);
    write(&disk, 20, 2);
    disk.flip_bit(path(10), 3);
    disk.flip_bit(path(20), 600);
    let load = load_newest_snapshot(&disk, Path::new(DIR)).unwrap();
    assert_eq!(load.snapshot, None);
    assert_eq!(load.skipped.len(), 2);
    assert_eq!(load.skipped[0].path, path(20), "newest first");
}

#[test]
fn retention_keeps_the_newest_k() {
    let disk = SimDisk::new();
    for seq in 1..=10 {
        write(&disk, seq * 100, 3);
    }
    let expected: Vec<String> = [800, 900, 1000].iter().map(|&s| snapshot_name(s)).collect();
    assert_eq!(disk.list(Path::new(DIR)).unwrap(), expected);
    write(&disk, 1100, 0);
    assert_eq!(
        disk.list(Path::new(DIR)).unwrap(),
        [snapshot_name(1100)],
        "keep 0 keeps one"
    );
    assert_eq!(loaded_seq(&disk), Some(1100));
}

#[test]
fn snapshots_on_real_files() {
    let tmp = TempDir::new("snap");
    let fs = FsStorage::new(tmp.path());
    for seq in [5, 6, 7] {
        write(&fs, seq, 2);
    }
    assert_eq!(loaded_seq(&fs), Some(7));
    let names = fs.list(Path::new(DIR)).unwrap();
    assert_eq!(names, [snapshot_name(6), snapshot_name(7)]);
    let mut f = fs.open(&path(7)).unwrap();
    let len = f.size().unwrap();
    f.set_len(len - 1).unwrap();
    assert_eq!(loaded_seq(&fs), Some(6));
}
