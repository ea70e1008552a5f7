//! The journal writer: recovery on open, then batches appended to segments.
//!
//! [`JournalWriter`] is single-threaded and synchronous; [`crate::thread::JournalThread`] runs
//! one on its own thread behind a ring. The writer is mechanism only: *when* to sync is the
//! caller's decision (the thread applies an [`crate::FsyncPolicy`]).
//!
//! Durability discipline (recovery depends on it):
//! - a segment is created as: create file, pre-allocate (`set_len`), write header, sync the
//!   file, sync the directory; only then does a batch go in;
//! - before a new segment is created the current one is synced, so a valid segment header
//!   vouches for everything before it;
//! - every batch carries the writer's durable watermark at the time it was written;
//! - on open, the recovered tail is synced before anything new is written after it;
//! - after any I/O error the writer halts for good: a failed fsync can not be retried safely.

use std::path::PathBuf;

use crate::batch::{BatchEncoder, RecordRef};
use crate::config::JournalConfig;
use crate::error::{JournalError, Result};
use crate::recovery::{recover, RecoveryReport};
use crate::segment::{segment_path, SegmentHeader};
use crate::storage::{Storage, StorageFile};

/// Running totals of a writer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterCounters {
    /// Batches written.
    pub batches: u64,
    /// Records written.
    pub records: u64,
    /// Bytes written to segments (batch headers, records and padding).
    pub bytes: u64,
    /// Successful data syncs.
    pub syncs: u64,
    /// Segments created.
    pub segments_created: u64,
}

/// Whether [`JournalWriter::stage`] took the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staged {
    /// The record is in the staged batch.
    Added,
    /// The staged batch is full: call [`JournalWriter::write_staged`], then stage it again.
    BatchFull,
}

struct OpenSegment<F> {
    file: F,
    path: PathBuf,
    capacity: u64,
    write_pos: u64,
}

/// Appends batches of records to the journal's segments.
pub struct JournalWriter<S: Storage> {
    storage: S,
    config: JournalConfig,
    segment: Option<OpenSegment<S::File>>,
    encoder: BatchEncoder,
    written_seq: u64,
    durable_seq: u64,
    unsynced: bool,
    halted: Option<String>,
    counters: WriterCounters,
}

impl<S: Storage> std::fmt::Debug for JournalWriter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalWriter")
            .field("dir", &self.config.dir)
            .field("written_seq", &self.written_seq)
            .field("durable_seq", &self.durable_seq)
            .field("halted", &self.halted)
            .field("counters", &self.counters)
            .finish()
    }
}

impl<S: Storage> JournalWriter<S> {
    /// Opens (creating the directory if needed) and recovers the journal: validates every
    /// batch, cuts off a torn tail, makes the recovered tail durable and positions at the end.
    /// Fails with [`JournalError::Corrupt`] on mid-log corruption.
    pub fn open(storage: S, config: JournalConfig) -> Result<(Self, RecoveryReport)> {
        config.validate()?;
        let dir = config.dir.clone();
        storage
            .create_dir_all(&dir)
            .map_err(|e| JournalError::io("create_dir", &dir, e))?;
        let report = recover(&storage, &dir)?;
        let mut segment = None;
        if let Some(last) = report.segments.last() {
            let path = last.path.clone();
            let mut file = storage
                .open(&path)
                .map_err(|e| JournalError::io("open", &path, e))?;
            let capacity = last.capacity.max(last.bytes_used);
            let size = file
                .size()
                .map_err(|e| JournalError::io("stat", &path, e))?;
            if size < capacity {
                file.set_len(capacity)
                    .map_err(|e| JournalError::io("set_len", &path, e))?;
            }
            // What recovery read may have come from the page cache of a crashed process: make
            // it durable before batches that vouch for it are written.
            file.sync()
                .map_err(|e| JournalError::io("sync", &path, e))?;
            storage
                .sync_dir(&dir)
                .map_err(|e| JournalError::io("sync_dir", &dir, e))?;
            segment = Some(OpenSegment {
                file,
                path,
                capacity,
                write_pos: last.bytes_used,
            });
        }
        let encoder = BatchEncoder::new(config.max_batch_bytes);
        let writer = JournalWriter {
            storage,
            config,
            segment,
            encoder,
            written_seq: report.last_seq,
            durable_seq: report.last_seq,
            unsynced: false,
            halted: None,
            counters: WriterCounters::default(),
        };
        Ok((writer, report))
    }

    /// Appends one batch (written at once, not synced). Sequence numbers must continue the
    /// journal without gaps ([`JournalError::SequenceGap`] otherwise, nothing written). Records
    /// staged with [`JournalWriter::stage`] and not yet written go first, in the same batch.
    /// Returns the last sequence number written.
    pub fn append_batch(&mut self, records: &[RecordRef<'_>]) -> Result<u64> {
        self.check_halted()?;
        let mut len = self.encoder.len();
        for (expected, r) in (self.staged_next_seq()..).zip(records) {
            if r.seq != expected {
                return Err(JournalError::SequenceGap {
                    expected,
                    got: r.seq,
                });
            }
            len += r.encoded_len();
        }
        if len > self.encoder.max_bytes() {
            return Err(JournalError::BatchTooLarge {
                bytes: len as u64,
                max: self.encoder.max_bytes() as u64,
            });
        }
        for r in records {
            self.encoder.push(r);
        }
        self.write_staged()
    }

    /// Adds one record to the staged batch without writing it (for callers that build
    /// batches record by record, like the journal thread).
    pub fn stage(&mut self, record: RecordRef<'_>) -> Result<Staged> {
        self.check_halted()?;
        let expected = self.staged_next_seq();
        if record.seq != expected {
            return Err(JournalError::SequenceGap {
                expected,
                got: record.seq,
            });
        }
        let max = self.encoder.max_bytes();
        if self.encoder.len_with(&record) > max {
            if self.encoder.is_empty() {
                return Err(JournalError::BatchTooLarge {
                    bytes: self.encoder.len_with(&record) as u64,
                    max: max as u64,
                });
            }
            return Ok(Staged::BatchFull);
        }
        self.encoder.push(&record);
        Ok(Staged::Added)
    }

    /// Writes the staged batch (if any) to the current segment, starting a new segment if it
    /// does not fit. Returns the last sequence number written.
    pub fn write_staged(&mut self) -> Result<u64> {
        self.check_halted()?;
        if self.encoder.is_empty() {
            return Ok(self.written_seq);
        }
        let result = self.write_staged_inner();
        self.halt_on_error(result)
    }

    fn write_staged_inner(&mut self) -> Result<u64> {
        let first = self.written_seq + 1;
        let need = self.encoder.aligned_len();
        let fits = matches!(&self.segment, Some(s) if s.write_pos + need <= s.capacity);
        if !fits {
            self.roll(first)?;
        }
        let durable = self.durable_seq;
        let count = u64::from(self.encoder.count());
        let bytes = self.encoder.finish(durable);
        let Some(seg) = self.segment.as_mut() else {
            return Err(JournalError::Halted("no open segment after roll".into()));
        };
        seg.file
            .write_at(seg.write_pos, bytes)
            .map_err(|e| JournalError::io("write", &seg.path, e))?;
        seg.write_pos += bytes.len() as u64;
        self.counters.bytes += bytes.len() as u64;
        self.counters.batches += 1;
        self.counters.records += count;
        self.written_seq += count;
        self.unsynced = true;
        self.encoder.clear();
        Ok(self.written_seq)
    }

    /// Syncs the current segment, then creates the segment starting at `first_seq`.
    fn roll(&mut self, first_seq: u64) -> Result<()> {
        self.sync_inner()?;
        let dir = self.config.dir.clone();
        let path = segment_path(&dir, first_seq);
        let capacity = self.config.segment_size;
        let io = |op, e| JournalError::io(op, &path, e);
        let mut file = self.storage.create(&path).map_err(|e| io("create", e))?;
        file.set_len(capacity).map_err(|e| io("set_len", e))?;
        let header = SegmentHeader {
            first_seq,
            capacity,
        }
        .encode();
        file.write_at(0, &header).map_err(|e| io("write", e))?;
        file.sync().map_err(|e| io("sync", e))?;
        self.storage
            .sync_dir(&dir)
            .map_err(|e| JournalError::io("sync_dir", &dir, e))?;
        self.counters.segments_created += 1;
        self.segment = Some(OpenSegment {
            file,
            path,
            capacity,
            write_pos: crate::segment::HEADER_SECTOR,
        });
        Ok(())
    }

    /// Writes any staged batch, then makes everything written durable (`fdatasync`).
    /// Returns the durable sequence number. On failure the writer halts.
    pub fn sync(&mut self) -> Result<u64> {
        self.write_staged()?;
        let result = self.sync_inner().map(|()| self.durable_seq);
        self.halt_on_error(result)
    }

    fn sync_inner(&mut self) -> Result<()> {
        if !self.unsynced {
            return Ok(());
        }
        if let Some(seg) = self.segment.as_mut() {
            seg.file
                .sync()
                .map_err(|e| JournalError::io("sync", &seg.path, e))?;
            self.counters.syncs += 1;
        }
        self.unsynced = false;
        self.durable_seq = self.written_seq;
        Ok(())
    }

    fn staged_next_seq(&self) -> u64 {
        self.written_seq + 1 + u64::from(self.encoder.count())
    }

    fn check_halted(&self) -> Result<()> {
        match &self.halted {
            Some(why) => Err(JournalError::Halted(why.clone())),
            None => Ok(()),
        }
    }

    fn halt_on_error<T>(&mut self, result: Result<T>) -> Result<T> {
        if let Err(e) = &result {
            self.halted = Some(e.to_string());
        }
        result
    }

    /// The sequence number the next record must have (staged records included).
    pub fn next_seq(&self) -> u64 {
        self.staged_next_seq()
    }

    /// The last sequence number written to a segment (maybe not yet durable).
    pub fn last_seq(&self) -> u64 {
        self.written_seq
    }

    /// The last sequence number known durable.
    pub fn durable_seq(&self) -> u64 {
        self.durable_seq
    }

    /// Where the next batch goes: the current segment and the offset in it (`None` before
    /// the first segment exists). A batch that does not fit there starts a new segment.
    pub fn position(&self) -> Option<(&std::path::Path, u64)> {
        self.segment
            .as_ref()
            .map(|s| (s.path.as_path(), s.write_pos))
    }

    /// True if records were written since the last sync.
    pub fn has_unsynced(&self) -> bool {
        self.unsynced
    }

    /// Number of staged, unwritten records.
    pub fn staged(&self) -> u32 {
        self.encoder.count()
    }

    /// Why the writer halted, if it did.
    pub fn halted(&self) -> Option<&str> {
        self.halted.as_deref()
    }

    /// Running totals.
    pub fn counters(&self) -> WriterCounters {
        self.counters
    }

    /// The configuration in use.
    pub fn config(&self) -> &JournalConfig {
        &self.config
    }

    /// The storage the writer writes to.
    pub fn storage(&self) -> &S {
        &self.storage
    }
}
