//! Journal configuration and the fsync policy.

use std::path::PathBuf;
use std::time::Duration;

use crate::batch::{BATCH_ALIGN, BATCH_HEADER_LEN, RECORD_HEADER_LEN};
use crate::error::{JournalError, Result};
use crate::segment::HEADER_SECTOR;

/// Default segment size: 64 MiB.
pub const DEFAULT_SEGMENT_SIZE: u64 = 64 << 20;
/// Default maximum batch size: 1 MiB.
pub const DEFAULT_MAX_BATCH_BYTES: usize = 1 << 20;
/// Smallest segment size accepted (eight sectors).
pub const MIN_SEGMENT_SIZE: u64 = 8 * BATCH_ALIGN;

/// Where the journal lives and how its files are sized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalConfig {
    /// Journal directory, relative to the storage root.
    pub dir: PathBuf,
    /// Size each segment file is pre-allocated to; a multiple of 512, at least
    /// [`MIN_SEGMENT_SIZE`]. Default 64 MiB.
    pub segment_size: u64,
    /// Largest batch (header and records, before padding). At most `segment_size - 512`.
    /// Default 1 MiB.
    pub max_batch_bytes: usize,
    /// Capacity of the engine-to-journal ring, in entries (journal thread only).
    pub ring_capacity: usize,
    /// Empty polls the journal thread spins before it parks.
    pub idle_spins: u32,
    /// How long the idle journal thread parks before polling again (it is also unparked by
    /// the sender when it pushes).
    pub park_timeout: Duration,
}

impl JournalConfig {
    /// Defaults for a journal in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        JournalConfig {
            dir: dir.into(),
            segment_size: DEFAULT_SEGMENT_SIZE,
            max_batch_bytes: DEFAULT_MAX_BATCH_BYTES,
            ring_capacity: 4096,
            idle_spins: 256,
            park_timeout: Duration::from_micros(200),
        }
    }

    /// Sets the segment size and clamps `max_batch_bytes` to fit.
    pub fn with_segment_size(mut self, bytes: u64) -> Self {
        self.segment_size = bytes;
        let room = bytes.saturating_sub(HEADER_SECTOR) as usize;
        self.max_batch_bytes = self.max_batch_bytes.min(room);
        self
    }

    /// Sets the ring capacity.
    pub fn with_ring_capacity(mut self, entries: usize) -> Self {
        self.ring_capacity = entries;
        self
    }

    /// Checks that the numbers can work together.
    pub fn validate(&self) -> Result<()> {
        if self.segment_size < MIN_SEGMENT_SIZE || self.segment_size % BATCH_ALIGN != 0 {
            return Err(JournalError::Config(format!(
                "segment_size {} must be a multiple of {BATCH_ALIGN} and at least \
                 {MIN_SEGMENT_SIZE}",
                self.segment_size
            )));
        }
        let room = self.segment_size - HEADER_SECTOR;
        let min_batch = BATCH_HEADER_LEN + RECORD_HEADER_LEN;
        if self.max_batch_bytes < min_batch || self.max_batch_bytes as u64 > room {
            return Err(JournalError::Config(format!(
                "max_batch_bytes {} must be between {min_batch} and segment_size - \
                 {HEADER_SECTOR} = {room}",
                self.max_batch_bytes
            )));
        }
        if self.max_batch_bytes > u32::MAX as usize {
            return Err(JournalError::Config(
                "max_batch_bytes must fit in u32".into(),
            ));
        }
        if self.ring_capacity == 0 {
            return Err(JournalError::Config(
                "ring_capacity must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// When the journal thread calls fsync (`fdatasync`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FsyncPolicy {
    /// After every write: each drained group of entries is one write plus one sync (group
    /// commit). The watermark means "survives a power cut".
    Always,
    /// Sync once `records` records are unsynced or the oldest unsynced one has waited
    /// `micros` microseconds, whichever comes first. The watermark advances only at syncs.
    Batch {
        /// Unsynced records that force a sync.
        records: usize,
        /// Longest time a written record waits for its sync.
        micros: u64,
    },
    /// Never sync (except when a segment is full, see the crate docs). The watermark then
    /// publishes what was *written*: it survives a process crash, not a power cut.
    Never,
}
