//! The fsync settings the append measurements compare, as the journal's [`FsyncPolicy`] and
//! ring capacity.
//!
//! "A sync every k records" is made exact enough by sizing the ring to k: the journal thread
//! drains at most what the ring holds and `FsyncPolicy::Batch { records: k }` syncs once k are
//! unsynced, so each sync covers between k and 2k - 1 records (the tables show the measured
//! mean where the journal thread's counters are available). The time bound of the batch policy
//! is set far out (one second) so that only the count triggers a sync.

use tradestream_journal::FsyncPolicy;

/// The journal's default ring capacity, entries.
pub const DEFAULT_RING: usize = 4096;

/// When the journal syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// A sync every this many records: `Batch { records: k }` behind a ring of k entries.
    Every(usize),
    /// Group commit: `Always` behind the default ring; each drained group is one write and one
    /// sync, so the batch grows with the load.
    GroupCommit,
    /// `Never`: records are written, never synced (the watermark means written, not durable).
    Never,
}

impl Sync {
    /// The settings of the append table, in order.
    pub const ALL: [Sync; 5] = [
        Sync::Every(1),
        Sync::Every(64),
        Sync::Every(4096),
        Sync::GroupCommit,
        Sync::Never,
    ];

    /// The journal's policy.
    pub fn policy(self) -> FsyncPolicy {
        match self {
            Sync::Every(records) => FsyncPolicy::Batch {
                records,
                micros: 1_000_000,
            },
            Sync::GroupCommit => FsyncPolicy::Always,
            Sync::Never => FsyncPolicy::Never,
        }
    }

    /// The ring capacity, entries.
    pub fn ring(self) -> usize {
        match self {
            Sync::Every(records) => records.max(1),
            Sync::GroupCommit | Sync::Never => DEFAULT_RING,
        }
    }

    /// Label in tables and JSON.
    pub fn label(self) -> String {
        match self {
            Sync::Every(k) => format!(
                "batch: sync every {} records",
                bench::report::thousands(k as u64)
            ),
            Sync::GroupCommit => "always: group commit".into(),
            Sync::Never => "never".into(),
        }
    }

    /// Short key in JSON.
    pub fn key(self) -> String {
        match self {
            Sync::Every(k) => format!("every_{k}"),
            Sync::GroupCommit => "group_commit".into(),
            Sync::Never => "never".into(),
        }
    }
}
