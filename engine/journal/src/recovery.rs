//! Recovery: validate every batch of every segment, tell a torn tail from corruption, and
//! (for the writer) cut the torn tail off.
//!
//! The scan walks the segments in sequence order and each segment's batches from byte 512 on,
//! checking every CRC and that sequence numbers continue without gap or overlap (across
//! segments too). It stops at the first point where the expected next batch is not valid: a
//! bad CRC, an impossible length, a bad segment header, or zeros (nothing written) followed by
//! non-zero bytes. Zeros followed by zeros to the end of the last segment are the clean end.
//!
//! At a bad point the question is: torn tail or corruption? Unsynced writes may reach the
//! disk in any order, so "a bad batch followed by a valid one" alone does not prove damage to
//! synced data: after a power cut an unsynced batch can be lost while a later unsynced batch
//! survived. The rule used here is therefore:
//!
//! > The bad point is **corruption** if something intact after it (anywhere later in the same
//! > segment, found by scanning byte by byte, or in any later segment) was written *after the
//! > data at the bad point had been synced*: a later batch in the same segment whose
//! > `durable_seq` covers the first missing sequence number; any valid batch in a segment
//! > whose header is the bad point (batches go in only after the header was synced); or any
//! > valid segment header or batch in a later segment (a segment is created only after the
//! > previous one was synced). Otherwise it is a **torn tail**.
//!
//! Corruption is reported as [`JournalError::Corrupt`] with file and offset, and nothing is
//! changed. A torn tail is cut: the bytes from the bad point to the last non-zero byte of that
//! segment are zeroed (and synced), later segment files are removed (and the directory
//! synced); `truncated_bytes` counts the non-zero bytes discarded. A torn tail can never lose
//! a record that was synced, because a sync is always followed by either nothing (then the
//! synced batches end before the bad point) or by a batch that vouches for it.
//!
//! Sequence gaps or reordering between two valid batches (or segments) are corruption: a
//! position in a segment is written at most once, so a torn write can not produce them.

use std::path::{Path, PathBuf};

use crate::batch::{decode_batch, is_zero_header, BATCH_HEADER_LEN, BATCH_MAGIC};
use crate::error::{JournalError, Result};
use crate::segment::{segment_files, SegmentHeader, HEADER_SECTOR};
use crate::storage::{Storage, StorageFile};

/// One segment as recovery found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentInfo {
    /// Path of the segment file, relative to the storage root.
    pub path: PathBuf,
    /// Sequence number of its first record (from the header and the file name).
    pub first_seq: u64,
    /// Sequence number of its last record; `None` if it holds no batch yet.
    pub last_seq: Option<u64>,
    /// Number of valid batches.
    pub batches: u64,
    /// Bytes in use: the offset where the next batch goes (header sector included).
    pub bytes_used: u64,
    /// Pre-allocated size from the header.
    pub capacity: u64,
}

/// What recovery (or a read-only scan) found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecoveryReport {
    /// The last sequence number the journal holds (0 if it never held a record).
    pub last_seq: u64,
    /// Bytes of torn tail discarded (a read-only scan reports what a writer would discard).
    pub truncated_bytes: u64,
    /// File and offset where the torn tail began, if there was one.
    pub torn_at: Option<(PathBuf, u64)>,
    /// The valid segments, in order.
    pub segments: Vec<SegmentInfo>,
}

impl RecoveryReport {
    /// The sequence number the next appended record must have.
    pub fn next_seq(&self) -> u64 {
        self.last_seq + 1
    }
}

/// How to cut a torn tail off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TruncatePlan {
    /// Zero `[from, to)` of this file, then sync it.
    pub(crate) zero: Option<(PathBuf, u64, u64)>,
    /// Remove these files, then sync the directory.
    pub(crate) remove: Vec<PathBuf>,
}

/// The outcome of a scan: the report and, for a torn tail, how to cut it off.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scan {
    pub(crate) report: RecoveryReport,
    pub(crate) plan: TruncatePlan,
}

pub(crate) fn read_file<S: Storage>(storage: &S, path: &Path) -> Result<Vec<u8>> {
    let mut f = storage
        .open(path)
        .map_err(|e| JournalError::io("open", path, e))?;
    f.read_all().map_err(|e| JournalError::io("read", path, e))
}

/// End of the last non-zero byte in `bytes` (0 if all zero).
pub(crate) fn nonzero_end(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |i| i as u64 + 1)
}

/// Every valid batch whose header starts at or after `from`, checking every byte offset.
/// Returns `(offset, durable_seq, first_seq, last_seq)`.
pub(crate) fn valid_batches_after(bytes: &[u8], from: u64) -> Vec<(u64, u64, u64, u64)> {
    let mut found = Vec::new();
    let from = from as usize;
    if from >= bytes.len() || nonzero_end(&bytes[from..]) == 0 {
        return found;
    }
    let last = bytes.len().saturating_sub(BATCH_HEADER_LEN);
    let mut q = from;
    while q <= last {
        if bytes[q..q + 4] == BATCH_MAGIC {
            if let Ok(v) = decode_batch(&bytes[q..]) {
                found.push((q as u64, v.durable_seq, v.first_seq, v.last_seq()));
            }
        }
        q += 1;
    }
    found
}

/// Scans the journal in `dir` without changing anything.
pub(crate) fn scan<S: Storage>(storage: &S, dir: &Path) -> Result<Scan> {
    let names = storage
        .list(dir)
        .map_err(|e| JournalError::io("list", dir, e))?;
    let files: Vec<PathBuf> = segment_files(&names)
        .into_iter()
        .map(|(_, name)| dir.join(name))
        .collect();
    let name_seqs: Vec<u64> = segment_files(&names).into_iter().map(|(s, _)| s).collect();
    let mut segments: Vec<SegmentInfo> = Vec::new();
    let mut expected: Option<u64> = None;

    for (i, path) in files.iter().enumerate() {
        let bytes = read_file(storage, path)?;
        let name_seq = name_seqs[i];
        let header = match SegmentHeader::decode(&bytes) {
            Ok(h) if h.first_seq == name_seq => h,
            Ok(h) => {
                return Err(JournalError::Corrupt {
                    file: path.clone(),
                    offset: 0,
                    reason: format!(
                        "segment header says first seq {} but the file is named for {name_seq}",
                        h.first_seq
                    ),
                })
            }
            Err(reason) => {
                let missing = expected.unwrap_or(name_seq);
                return classify(storage, &files, i, &bytes, 0, &reason, missing, segments);
            }
        };
        if let Some(e) = expected {
            if header.first_seq != e {
                // Point at where the missing records should be (the end of the previous
                // segment) for a gap, at this header for an overlap.
                let (file, offset) = match segments.last() {
                    Some(prev) if header.first_seq > e => (prev.path.clone(), prev.bytes_used),
                    _ => (path.clone(), 0),
                };
                return Err(JournalError::Corrupt {
                    file,
                    offset,
                    reason: format!(
                        "sequence gap or overlap between segments: the log reaches seq {} but \
                         the next segment {path:?} starts at seq {}",
                        e - 1,
                        header.first_seq
                    ),
                });
            }
        }
        let mut info = SegmentInfo {
            path: path.clone(),
            first_seq: header.first_seq,
            last_seq: None,
            batches: 0,
            bytes_used: HEADER_SECTOR,
            capacity: header.capacity,
        };
        let mut next = header.first_seq;
        let mut p = HEADER_SECTOR;
        let bad: Option<String> = loop {
            let Some(rest) = bytes.get(p as usize..) else {
                break None;
            };
            if rest.is_empty() || is_zero_header(rest) {
                break None;
            }
            match decode_batch(rest) {
                Ok(v) => {
                    if v.first_seq != next {
                        return Err(JournalError::Corrupt {
                            file: path.clone(),
                            offset: p,
                            reason: format!(
                                "batch starts at seq {} but seq {next} was expected (sequence \
                                 gap or reordering)",
                                v.first_seq
                            ),
                        });
                    }
                    next = v.last_seq() + 1;
                    info.last_seq = Some(v.last_seq());
                    info.batches += 1;
                    p += v.aligned_len();
                    info.bytes_used = p;
                }
                Err(reason) => break Some(reason),
            }
        };
        expected = Some(next);
        segments.push(info);
        match bad {
            Some(reason) => {
                return classify(storage, &files, i, &bytes, p, &reason, next, segments);
            }
            None => {
                // Zeros (or the end of the file) where the next batch would start. Anything
                // non-zero after this point is either a torn tail or corruption.
                let tail = bytes.get(p as usize..).unwrap_or(&[]);
                if nonzero_end(tail) > 0 {
                    let reason = "no batch header here, but non-zero bytes follow";
                    return classify(storage, &files, i, &bytes, p, reason, next, segments);
                }
            }
        }
    }
    let last_seq = expected.map_or(0, |e| e - 1);
    Ok(Scan {
        report: RecoveryReport {
            last_seq,
            truncated_bytes: 0,
            torn_at: None,
            segments,
        },
        plan: TruncatePlan::default(),
    })
}

/// Decides torn tail versus corruption for the bad point at `offset` of `files[i]`, where
/// sequence number `missing` was expected. `segments` are the valid segments so far.
#[allow(clippy::too_many_arguments)]
fn classify<S: Storage>(
    storage: &S,
    files: &[PathBuf],
    i: usize,
    bytes: &[u8],
    offset: u64,
    reason: &str,
    missing: u64,
    segments: Vec<SegmentInfo>,
) -> Result<Scan> {
    let path = &files[i];
    let corrupt = |why: String| JournalError::Corrupt {
        file: path.clone(),
        offset,
        reason: format!("{reason}; {why}"),
    };
    for (q, durable, first, last) in valid_batches_after(bytes, offset + 1) {
        // A batch goes into a segment only after its header was synced, so any valid batch
        // vouches for a bad header; after a bad batch, only one written after a sync that
        // covered the missing record does.
        if offset == 0 || durable >= missing {
            return Err(corrupt(format!(
                "the intact batch at offset {q} (seqs {first}..={last}) was written after the \
                 data here had been synced"
            )));
        }
    }
    let mut later = Vec::new();
    for next_path in &files[i + 1..] {
        let next_bytes = read_file(storage, next_path)?;
        // A segment is created only after everything before it was synced, and batches go in
        // only after its header was synced: anything valid in a later file vouches.
        if SegmentHeader::decode(&next_bytes).is_ok() {
            return Err(corrupt(format!(
                "the later segment {next_path:?} is intact, and segments are only created \
                 after everything before them was synced"
            )));
        }
        if let Some((q, _, first, last)) = valid_batches_after(&next_bytes, 0).first() {
            return Err(corrupt(format!(
                "the later segment {next_path:?} holds an intact batch at offset {q} (seqs \
                 {first}..={last}), written after everything before it was synced"
            )));
        }
        later.push((next_path.clone(), nonzero_end(&next_bytes)));
    }

    // A torn tail: plan the cut.
    let mut plan = TruncatePlan::default();
    let mut truncated = 0;
    if offset == 0 {
        plan.remove.push(path.clone());
        truncated += nonzero_end(bytes);
    } else {
        let end = offset + nonzero_end(bytes.get(offset as usize..).unwrap_or(&[]));
        if end > offset {
            plan.zero = Some((path.clone(), offset, end));
            truncated += end - offset;
        }
    }
    for (p, n) in later {
        plan.remove.push(p);
        truncated += n;
    }
    let torn_at = (truncated > 0 || !plan.remove.is_empty()).then(|| (path.clone(), offset));
    Ok(Scan {
        report: RecoveryReport {
            last_seq: missing - 1,
            truncated_bytes: truncated,
            torn_at,
            segments,
        },
        plan,
    })
}

/// Carries out a truncation plan: zero and sync, then remove and sync the directory.
pub(crate) fn apply_plan<S: Storage>(storage: &S, dir: &Path, plan: &TruncatePlan) -> Result<()> {
    if let Some((path, from, to)) = &plan.zero {
        let mut f = storage
            .open(path)
            .map_err(|e| JournalError::io("open", path, e))?;
        let zeros = vec![0u8; 64 << 10];
        let mut at = *from;
        while at < *to {
            let n = ((to - at) as usize).min(zeros.len());
            f.write_at(at, &zeros[..n])
                .map_err(|e| JournalError::io("write", path, e))?;
            at += n as u64;
        }
        f.sync().map_err(|e| JournalError::io("sync", path, e))?;
    }
    for path in &plan.remove {
        storage
            .remove(path)
            .map_err(|e| JournalError::io("remove", path, e))?;
    }
    if !plan.remove.is_empty() {
        storage
            .sync_dir(dir)
            .map_err(|e| JournalError::io("sync_dir", dir, e))?;
    }
    Ok(())
}

/// Scans the journal in `dir` and cuts off a torn tail. Fails with
/// [`JournalError::Corrupt`] (changing nothing) on corruption.
pub fn recover<S: Storage>(storage: &S, dir: &Path) -> Result<RecoveryReport> {
    let scan = scan(storage, dir)?;
    apply_plan(storage, dir, &scan.plan)?;
    Ok(scan.report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{BatchEncoder, RecordRef};
    use crate::segment::segment_path;
    use crate::sim::SimDisk;

    /// Writes a segment holding batches of the given `(first_seq, count, durable_seq)`.
    fn segment(disk: &SimDisk, name_seq: u64, batches: &[(u64, u32, u64)]) {
        let dir = Path::new("j");
        disk.create_dir_all(dir).unwrap();
        let path = segment_path(dir, name_seq);
        let mut f = disk.create(&path).unwrap();
        f.set_len(8192).unwrap();
        f.write_at(
            0,
            &SegmentHeader {
                first_seq: name_seq,
                capacity: 8192,
            }
            .encode(),
        )
        .unwrap();
        let mut at = HEADER_SECTOR;
        for &(first, count, durable) in batches {
            let mut e = BatchEncoder::new(4096);
            for seq in first..first + u64::from(count) {
                e.push(&RecordRef {
                    seq,
                    kind: 1,
                    payload: b"xy",
                });
            }
            let bytes = e.finish(durable);
            f.write_at(at, bytes).unwrap();
            at += bytes.len() as u64;
        }
        f.sync().unwrap();
        disk.sync_dir(dir).unwrap();
    }

    fn corrupt_at(disk: &SimDisk) -> (PathBuf, u64, String) {
        match scan(disk, Path::new("j")) {
            Err(JournalError::Corrupt {
                file,
                offset,
                reason,
            }) => (file, offset, reason),
            other => panic!("expected corruption, got {other:?}"),
        }
    }

    #[test]
    fn clean_journal_scans_to_its_end() {
        let disk = SimDisk::new();
        segment(&disk, 1, &[(1, 3, 0), (4, 2, 3)]);
        segment(&disk, 6, &[(6, 1, 5)]);
        let s = scan(&disk, Path::new("j")).unwrap();
        assert_eq!(s.report.last_seq, 6);
        assert_eq!(s.report.segments.len(), 2);
        assert_eq!(s.report.segments[0].batches, 2);
        assert_eq!(s.report.segments[0].bytes_used, 3 * 512);
        assert_eq!(s.plan, TruncatePlan::default());
    }

    #[test]
    fn gap_between_batches_is_corruption() {
        let disk = SimDisk::new();
        segment(&disk, 1, &[(1, 3, 0), (5, 2, 3)]);
        let (file, offset, reason) = corrupt_at(&disk);
        assert_eq!((file, offset), (segment_path(Path::new("j"), 1), 1024));
        assert!(reason.contains("seq 4 was expected"), "{reason}");
    }

    #[test]
    fn reordered_batches_are_corruption() {
        let disk = SimDisk::new();
        segment(&disk, 1, &[(4, 2, 0), (1, 3, 0)]);
        let (_, offset, _) = corrupt_at(&disk);
        assert_eq!(
            offset, 512,
            "the first batch must start at the segment's first seq"
        );
    }

    #[test]
    fn gap_between_segments_is_corruption() {
        let disk = SimDisk::new();
        segment(&disk, 1, &[(1, 3, 0)]);
        segment(&disk, 5, &[(5, 1, 3)]);
        let (file, offset, reason) = corrupt_at(&disk);
        assert_eq!((file, offset), (segment_path(Path::new("j"), 1), 1024));
        assert!(reason.contains("gap"), "{reason}");
        // An overlap points at the later segment's header.
        let disk = SimDisk::new();
        segment(&disk, 1, &[(1, 3, 0)]);
        segment(&disk, 3, &[(3, 1, 2)]);
        let (file, offset, _) = corrupt_at(&disk);
        assert_eq!((file, offset), (segment_path(Path::new("j"), 3), 0));
    }

    #[test]
    fn header_naming_the_wrong_seq_is_corruption() {
        let disk = SimDisk::new();
        segment(&disk, 1, &[(1, 3, 0)]);
        let path = segment_path(Path::new("j"), 1);
        disk.overwrite(
            &path,
            0,
            &SegmentHeader {
                first_seq: 2,
                capacity: 8192,
            }
            .encode(),
        );
        let (file, offset, _) = corrupt_at(&disk);
        assert_eq!((file, offset), (path, 0));
    }

    #[test]
    fn hole_vouched_by_a_later_durable_seq_is_corruption_unvouched_is_torn() {
        // Batch 2 (seq 4..=5) is zeroed; batch 3 claims seq 5 was durable when it was written.
        for (durable, corrupt) in [(5, true), (3, false)] {
            let disk = SimDisk::new();
            segment(&disk, 1, &[(1, 3, 0), (4, 2, 3), (6, 1, durable)]);
            let path = segment_path(Path::new("j"), 1);
            disk.overwrite(&path, 1024, &[0u8; 512]);
            let result = scan(&disk, Path::new("j"));
            if corrupt {
                assert!(matches!(
                    result,
                    Err(JournalError::Corrupt { offset: 1024, .. })
                ));
            } else {
                let s = result.unwrap();
                assert_eq!(s.report.last_seq, 3);
                assert_eq!(s.report.torn_at, Some((path.clone(), 1024)));
                assert_eq!(
                    s.plan.zero.as_ref().map(|z| (z.1, z.2 > 1536)),
                    Some((1024, true))
                );
            }
        }
    }
}
