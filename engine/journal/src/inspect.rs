//! `journal inspect`: what is in a journal directory, file by file, without changing it.
//!
//! Each segment is examined on its own (so one damaged segment does not hide the others),
//! each snapshot is validated, and the whole journal gets the verdict recovery would reach:
//! clean, torn tail (and how many bytes a writer would cut), or corrupt (where and why).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::batch::{decode_batch, is_zero_header};
use crate::error::{JournalError, Result};
use crate::recovery::{nonzero_end, read_file, scan};
use crate::segment::{segment_files, SegmentHeader, HEADER_SECTOR};
use crate::snapshot::{decode_snapshot, snapshot_files, SNAPSHOT_HEADER_LEN};
use crate::storage::Storage;

/// One segment file as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentSummary {
    /// File name.
    pub name: String,
    /// First sequence number (from the file name).
    pub first_seq: u64,
    /// Last sequence number of the valid batches, if any.
    pub last_seq: Option<u64>,
    /// Valid batches from the start of the segment.
    pub batches: u64,
    /// Bytes up to the end of the last valid batch.
    pub bytes_used: u64,
    /// File size.
    pub size: u64,
    /// The first problem found in this file, if any.
    pub problem: Option<String>,
}

/// One snapshot file as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotSummary {
    /// File name.
    pub name: String,
    /// Sequence number (from the file name).
    pub seq: u64,
    /// State hash in hex, if the snapshot is valid.
    pub state_hash_hex: Option<String>,
    /// Size of the state bytes (file size minus header).
    pub bytes: u64,
    /// True if every check passed.
    pub valid: bool,
    /// Why it is not valid.
    pub problem: Option<String>,
}

/// What recovery would conclude about the journal as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every batch is valid; nothing to truncate.
    Clean {
        /// Last sequence number.
        last_seq: u64,
    },
    /// A torn tail that opening a writer will cut off.
    TornTail {
        /// Last valid sequence number.
        last_seq: u64,
        /// Where the tail begins.
        file: PathBuf,
        /// Offset in `file`.
        offset: u64,
        /// Bytes that would be discarded.
        bytes: u64,
    },
    /// Mid-log corruption: the engine will refuse to start.
    Corrupt {
        /// The damaged file.
        file: PathBuf,
        /// Offset of the damage.
        offset: u64,
        /// What check failed.
        reason: String,
    },
}

/// The result of [`inspect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// The inspected directory.
    pub dir: PathBuf,
    /// Segment files, in sequence order.
    pub segments: Vec<SegmentSummary>,
    /// Snapshot files, newest first.
    pub snapshots: Vec<SnapshotSummary>,
    /// The verdict on the journal.
    pub verdict: Verdict,
}

/// Describes the journal and snapshots in `dir` (read-only).
pub fn inspect<S: Storage>(storage: &S, dir: &Path) -> Result<Inspection> {
    let names = storage
        .list(dir)
        .map_err(|e| JournalError::io("list", dir, e))?;
    let mut segments = Vec::new();
    for (first_seq, name) in segment_files(&names) {
        let bytes = read_file(storage, &dir.join(&name))?;
        segments.push(summarize_segment(name, first_seq, &bytes));
    }
    let mut snapshots = Vec::new();
    for (seq, name) in snapshot_files(&names) {
        let bytes = read_file(storage, &dir.join(&name))?;
        let size = bytes.len().saturating_sub(SNAPSHOT_HEADER_LEN) as u64;
        snapshots.push(match decode_snapshot(&bytes, seq) {
            Ok(s) => SnapshotSummary {
                name,
                seq,
                state_hash_hex: Some(s.state_hash.iter().map(|b| format!("{b:02x}")).collect()),
                bytes: size,
                valid: true,
                problem: None,
            },
            Err(reason) => SnapshotSummary {
                name,
                seq,
                state_hash_hex: None,
                bytes: size,
                valid: false,
                problem: Some(reason),
            },
        });
    }
    let verdict = match scan(storage, dir) {
        Ok(s) => match s.report.torn_at {
            Some((file, offset)) => Verdict::TornTail {
                last_seq: s.report.last_seq,
                file,
                offset,
                bytes: s.report.truncated_bytes,
            },
            None => Verdict::Clean {
                last_seq: s.report.last_seq,
            },
        },
        Err(JournalError::Corrupt {
            file,
            offset,
            reason,
        }) => Verdict::Corrupt {
            file,
            offset,
            reason,
        },
        Err(e) => return Err(e),
    };
    Ok(Inspection {
        dir: dir.to_path_buf(),
        segments,
        snapshots,
        verdict,
    })
}

fn summarize_segment(name: String, first_seq: u64, bytes: &[u8]) -> SegmentSummary {
    let mut s = SegmentSummary {
        name,
        first_seq,
        last_seq: None,
        batches: 0,
        bytes_used: 0,
        size: bytes.len() as u64,
        problem: None,
    };
    match SegmentHeader::decode(bytes) {
        Ok(h) if h.first_seq == first_seq => {}
        Ok(h) => {
            s.problem = Some(format!(
                "header names seq {} but the file name {first_seq}",
                h.first_seq
            ));
            return s;
        }
        Err(reason) => {
            s.problem = Some(format!("offset 0: {reason}"));
            return s;
        }
    }
    let mut p = HEADER_SECTOR;
    s.bytes_used = p;
    let mut next = first_seq;
    loop {
        let rest = bytes.get(p as usize..).unwrap_or(&[]);
        if rest.is_empty() {
            return s;
        }
        if is_zero_header(rest) {
            let garbage = nonzero_end(rest);
            if garbage > 0 {
                s.problem = Some(format!(
                    "offset {p}: non-zero bytes up to offset {} after the last batch",
                    p + garbage
                ));
            }
            return s;
        }
        match decode_batch(rest) {
            Ok(v) if v.first_seq == next => {
                next = v.last_seq() + 1;
                s.last_seq = Some(v.last_seq());
                s.batches += 1;
                p += v.aligned_len();
                s.bytes_used = p;
            }
            Ok(v) => {
                s.problem = Some(format!(
                    "offset {p}: batch starts at seq {} instead of {next}",
                    v.first_seq
                ));
                return s;
            }
            Err(reason) => {
                s.problem = Some(format!("offset {p}: {reason}"));
                return s;
            }
        }
    }
}

impl fmt::Display for Inspection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "journal {}", self.dir.display())?;
        writeln!(f, "segments: {}", self.segments.len())?;
        for s in &self.segments {
            let last = s.last_seq.map_or("-".to_owned(), |l| l.to_string());
            writeln!(
                f,
                "  {}  seqs {}..={}  batches {}  used {} of {} bytes{}",
                s.name,
                s.first_seq,
                last,
                s.batches,
                s.bytes_used,
                s.size,
                s.problem
                    .as_ref()
                    .map_or(String::new(), |p| format!("  PROBLEM: {p}"))
            )?;
        }
        writeln!(f, "snapshots: {}", self.snapshots.len())?;
        for s in &self.snapshots {
            match (&s.state_hash_hex, &s.problem) {
                (Some(h), _) => writeln!(
                    f,
                    "  {}  seq {}  hash {h}  {} bytes  valid",
                    s.name, s.seq, s.bytes
                )?,
                (None, p) => writeln!(
                    f,
                    "  {}  seq {}  INVALID: {}",
                    s.name,
                    s.seq,
                    p.as_deref().unwrap_or("unknown")
                )?,
            }
        }
        match &self.verdict {
            Verdict::Clean { last_seq } => writeln!(f, "verdict: clean, last seq {last_seq}"),
            Verdict::TornTail {
                last_seq,
                file,
                offset,
                bytes,
            } => writeln!(
                f,
                "verdict: torn tail at {} offset {offset} ({bytes} bytes will be truncated when \
                 the journal is opened for writing), last valid seq {last_seq}",
                file.display()
            ),
            Verdict::Corrupt {
                file,
                offset,
                reason,
            } => writeln!(
                f,
                "verdict: CORRUPT at {} offset {offset}: {reason}",
                file.display()
            ),
        }
    }
}
