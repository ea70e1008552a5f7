//! Where a closing engine writes its final snapshot: the same files, naming, chain prefix and
//! retention the replica snapshotter uses, behind a small object so that [`DurableEngine`]
//! (which is not generic over its storage) can keep it.
//!
//! [`DurableEngine`]: crate::DurableEngine

use std::path::PathBuf;
use tradestream_journal::{write_snapshot, JournalError, Storage};

/// Writes one snapshot file.
pub(crate) trait SnapshotStore: Send {
    /// Writes `bytes` (chain value, then engine state) as the snapshot at `seq`, keeping the
    /// newest `keep` snapshots.
    fn write(
        &self,
        seq: u64,
        state_hash: [u8; 32],
        bytes: &[u8],
        keep: usize,
    ) -> Result<(), JournalError>;
}

/// A journal directory on some storage.
pub(crate) struct Store<S> {
    pub storage: S,
    pub dir: PathBuf,
}

impl<S: Storage + Send> SnapshotStore for Store<S> {
    fn write(
        &self,
        seq: u64,
        state_hash: [u8; 32],
        bytes: &[u8],
        keep: usize,
    ) -> Result<(), JournalError> {
        write_snapshot(&self.storage, &self.dir, seq, state_hash, bytes, keep).map(|_| ())
    }
}
