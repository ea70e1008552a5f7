//! Errors of the durable engine and of replay.

use crate::record::RecordError;
use thiserror::Error;
use tradestream_journal::JournalError;

/// What went wrong with the journal, a snapshot or a replay.
#[derive(Debug, Error)]
pub enum DurableError {
    /// The journal could not be read or written (corruption included, with file and offset).
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A record does not decode.
    #[error("record {seq}: {source}")]
    Record {
        /// Sequence number.
        seq: u64,
        /// Why.
        source: RecordError,
    },
    /// The journal does not start with a genesis record.
    #[error("the journal does not start with a genesis record (record 1 has kind {0}); is this a Tradestream journal?")]
    NoGenesis(u8),
    /// A record of a kind this build does not know after the genesis record.
    #[error("record {seq} has kind {kind}, which this build does not know; was it written by a newer version?")]
    UnexpectedKind {
        /// Sequence number.
        seq: u64,
        /// The kind found.
        kind: u8,
    },
    /// Replaying record `seq` produced different events than were journaled.
    #[error(
        "replay diverged at sequence {seq}: its event digest chain does not match the journal"
    )]
    Diverged {
        /// First diverging sequence number.
        seq: u64,
    },
    /// The engine state after `seq` differs from a snapshot's state hash.
    #[error(
        "replay diverged at sequence {seq}: state hash {actual} differs from snapshot's {expected}"
    )]
    SnapshotMismatch {
        /// Snapshot sequence number.
        seq: u64,
        /// Hash in the snapshot.
        expected: String,
        /// Hash replay reached.
        actual: String,
    },
    /// A snapshot's bytes do not decode.
    #[error("snapshot at sequence {seq} does not decode: {reason}")]
    Snapshot {
        /// Snapshot sequence number.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// The journal thread stopped on a write or sync error: the engine halts, nothing more leaves.
    #[error(
        "the journal failed and the engine halted: {0}; check the disk, then restart to recover"
    )]
    Halted(String),
}
