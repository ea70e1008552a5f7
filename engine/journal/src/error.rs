//! The journal's error type.
//!
//! Every message says what was wrong and what to do about it. I/O errors carry the operation
//! and the path; corruption carries the file and byte offset so an operator can find it with
//! `journal inspect` or a hex dump.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The storage layer failed. The writer that saw it is halted: an fsync error in
    /// particular can not be retried safely, because the kernel may already have dropped the
    /// dirty pages.
    #[error(
        "journal I/O error during {op} on {path:?}: {source}; check the disk, free space and \
         permissions, then restart the process (recovery re-validates the journal)"
    )]
    Io {
        /// What the journal was doing (`"write"`, `"sync"`, `"rename"`, ...).
        op: &'static str,
        /// The file or directory involved, relative to the storage root.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// A bad batch or segment header is followed by valid data that was written after it had
    /// been made durable: this is damage to synced data, not a torn tail, so nothing is
    /// truncated and the engine must not start.
    #[error(
        "journal corrupt in {file:?} at byte {offset}: {reason}; this is not a torn tail \
         (intact data follows it), so nothing was truncated: restore this file from a replica or \
         backup, or run `journal inspect` to see the damage; do not delete it by hand"
    )]
    Corrupt {
        /// The damaged file, relative to the storage root.
        file: PathBuf,
        /// Byte offset of the damaged batch or header inside `file`.
        offset: u64,
        /// What check failed.
        reason: String,
    },

    /// The caller appended a record whose sequence number does not follow the previous one.
    #[error(
        "sequence gap: the journal expected seq {expected} but was given {got}; the sequencer \
         must hand the journal contiguous sequence numbers starting at the recovered last_seq + 1"
    )]
    SequenceGap {
        /// The sequence number the journal needs next.
        expected: u64,
        /// The sequence number it was given.
        got: u64,
    },

    /// A batch (or a single record) is larger than one batch may be.
    #[error(
        "a batch of {bytes} bytes exceeds the maximum of {max} bytes; split it into smaller \
         batches or raise `max_batch_bytes` (and `segment_size`) in the journal config"
    )]
    BatchTooLarge {
        /// Encoded size of the batch, header included.
        bytes: u64,
        /// The configured maximum.
        max: u64,
    },

    /// The writer failed earlier and refuses further work.
    #[error(
        "the journal writer halted after an earlier error ({0}); no further records are \
         accepted: stop the engine and restart it so recovery can run"
    )]
    Halted(String),

    /// The configuration can not work.
    #[error("invalid journal configuration: {0}; fix the journal section of the config")]
    Config(String),
}

impl JournalError {
    /// Wraps an I/O error with the operation and path it came from.
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        JournalError::Io {
            op,
            path: path.into(),
            source,
        }
    }

    /// True for [`JournalError::Corrupt`].
    pub fn is_corrupt(&self) -> bool {
        matches!(self, JournalError::Corrupt { .. })
    }
}

/// Short alias used throughout the crate.
pub type Result<T, E = JournalError> = std::result::Result<T, E>;
