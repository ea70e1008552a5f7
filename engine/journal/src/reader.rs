//! Reading the journal: a read-only scan, then records from any sequence number.
//!
//! [`JournalReader::open`] runs the same validation as recovery but changes nothing: a torn
//! tail is reported (what a writer would truncate) and not read; corruption is an error.
//! [`Cursor`] then walks records segment by segment, re-checking each batch's CRC as it reads
//! it, holding one segment in memory at a time and handing out records that borrow from it.

use std::path::{Path, PathBuf};

use crate::batch::{decode_batch, Record, RecordRef, BATCH_HEADER_LEN, RECORD_HEADER_LEN};
use crate::error::{JournalError, Result};
use crate::recovery::{scan, RecoveryReport};
use crate::segment::{le_u32, le_u64, HEADER_SECTOR};
use crate::storage::{Storage, StorageFile};

/// A validated, read-only view of a journal directory.
#[derive(Debug)]
pub struct JournalReader<S: Storage> {
    storage: S,
    dir: PathBuf,
    report: RecoveryReport,
}

impl<S: Storage> JournalReader<S> {
    /// Scans and validates every segment of the journal in `dir` (nothing is modified).
    /// Fails with [`JournalError::Corrupt`] on mid-log corruption.
    pub fn open(storage: S, dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        let report = scan(&storage, &dir)?.report;
        Ok(JournalReader {
            storage,
            dir,
            report,
        })
    }

    /// What the scan found; `truncated_bytes` and `torn_at` describe a torn tail that a
    /// writer's recovery would cut off (the reader ignores it).
    pub fn report(&self) -> &RecoveryReport {
        &self.report
    }

    /// The last valid sequence number (0 for an empty journal).
    pub fn last_seq(&self) -> u64 {
        self.report.last_seq
    }

    /// The journal directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A cursor positioned at the first record with `seq >= from_seq`.
    pub fn cursor(&self, from_seq: u64) -> Cursor<'_, S> {
        Cursor {
            reader: self,
            from_seq,
            segment: None,
            done: false,
            buf: Vec::new(),
            pos: 0,
            rec_pos: 0,
            rec_end: 0,
        }
    }

    /// All records with `seq >= from_seq`, copied out (convenient for tests and tools; replay
    /// should use [`JournalReader::cursor`]).
    pub fn read_from(&self, from_seq: u64) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        let mut cursor = self.cursor(from_seq);
        while let Some(r) = cursor.next_record()? {
            out.push(r.to_owned_record());
        }
        Ok(out)
    }
}

/// Walks the records of a [`JournalReader`] in sequence order.
#[derive(Debug)]
pub struct Cursor<'r, S: Storage> {
    reader: &'r JournalReader<S>,
    from_seq: u64,
    /// Index of the loaded segment in the report.
    segment: Option<usize>,
    /// The last segment has been read.
    done: bool,
    buf: Vec<u8>,
    /// Offset of the next batch in `buf`.
    pos: u64,
    /// Next record and end of records of the current batch, in `buf`.
    rec_pos: usize,
    rec_end: usize,
}

impl<S: Storage> Cursor<'_, S> {
    /// The next record, or `None` at the end of the valid journal. The record borrows from the
    /// cursor until the next call.
    pub fn next_record(&mut self) -> Result<Option<RecordRef<'_>>> {
        loop {
            if self.rec_pos < self.rec_end {
                let h = &self.buf[self.rec_pos..self.rec_pos + RECORD_HEADER_LEN];
                let len = le_u32(&h[0..4]) as usize;
                let seq = le_u64(&h[4..12]);
                let kind = h[12];
                let a = self.rec_pos + RECORD_HEADER_LEN;
                self.rec_pos = a + len;
                if seq < self.from_seq {
                    continue;
                }
                return Ok(Some(RecordRef {
                    seq,
                    kind,
                    payload: &self.buf[a..a + len],
                }));
            }
            if !self.next_batch()? {
                return Ok(None);
            }
        }
    }

    /// Loads the next batch that may hold records at or after `from_seq`; false at the end.
    fn next_batch(&mut self) -> Result<bool> {
        let segments = &self.reader.report.segments;
        loop {
            if self.done {
                return Ok(false);
            }
            let idx = match self.segment {
                Some(i) if self.pos < segments[i].bytes_used => i,
                current => {
                    let mut next = current.map_or(0, |i| i + 1);
                    // Skip whole segments that end before `from_seq`.
                    while next < segments.len()
                        && !matches!(segments[next].last_seq, Some(l) if l >= self.from_seq)
                    {
                        next += 1;
                    }
                    if next >= segments.len() {
                        self.done = true;
                        return Ok(false);
                    }
                    self.load(next)?;
                    next
                }
            };
            let info = &segments[idx];
            let rest = self.buf.get(self.pos as usize..).unwrap_or(&[]);
            let batch = decode_batch(rest).map_err(|reason| JournalError::Corrupt {
                file: info.path.clone(),
                offset: self.pos,
                reason: format!("{reason} (the file changed after the journal was opened)"),
            })?;
            let start = self.pos as usize + BATCH_HEADER_LEN;
            self.rec_pos = start;
            self.rec_end = start + batch.records.len();
            self.pos += batch.aligned_len();
            if batch.last_seq() >= self.from_seq {
                return Ok(true);
            }
        }
    }

    fn load(&mut self, idx: usize) -> Result<()> {
        let info = &self.reader.report.segments[idx];
        let path = &info.path;
        let mut f = self
            .reader
            .storage
            .open(path)
            .map_err(|e| JournalError::io("open", path, e))?;
        let size = f.size().map_err(|e| JournalError::io("stat", path, e))?;
        let len = info.bytes_used.min(size) as usize;
        self.buf.clear();
        self.buf.resize(len, 0);
        f.read_at(0, &mut self.buf)
            .map_err(|e| JournalError::io("read", path, e))?;
        self.segment = Some(idx);
        self.pos = HEADER_SECTOR;
        self.rec_pos = 0;
        self.rec_end = 0;
        Ok(())
    }
}
