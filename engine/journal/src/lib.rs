//! Tradestream journal: generic, checksummed, crash-safe storage for the journal of a
//! deterministic engine.
//!
//! This crate owns bytes on disk and nothing else: it does not know what a command is (the
//! engine encodes commands and event digests into record payloads and picks record kinds).
//!
//! What it provides, one idea per module:
//! - [`storage`]: the [`Storage`] seam and [`FsStorage`] (real files, `fdatasync`).
//! - [`sim`]: [`sim::SimDisk`], an in-memory disk that loses unsynced writes and tears sectors
//!   on a seeded power cut, with fault injection. Public so other crates' tests can use it.
//! - [`segment`]: segment files named by their first sequence number, and their header.
//! - [`batch`]: records and batches (the on-disk format, CRC32C, 512-byte alignment).
//! - [`writer`]: [`JournalWriter`]: recovery on open, appending batches, sync.
//! - [`recovery`]: torn tail versus mid-log corruption, and [`RecoveryReport`].
//! - [`reader`]: [`JournalReader`]: read-only validation and records from any seq.
//! - [`thread`]: [`JournalThread`]: the writer thread behind an SPSC ring, group commit,
//!   [`DurableWatermark`].
//! - [`snapshot`]: atomic, checksummed snapshots with fallback to older ones.
//! - [`inspect`](mod@inspect): a read-only description of a journal directory for the CLI.
//!
//! Layout of a journal directory:
//!
//! ```text
//! 00000000000000000001.seg        first segment (records 1 ..)
//! 00000000000000052113.seg        next segment, starts at seq 52113
//! snapshot-00000000000000050000.snap
//! ```
//!
//! Guarantees: a record at or below the published durable watermark survives a power cut;
//! after a crash the journal recovers to a prefix of what was appended; damage to synced data
//! is reported with file and offset and never silently truncated.
//!
//! ```
//! use tradestream_journal::sim::SimDisk;
//! use tradestream_journal::{JournalConfig, JournalReader, JournalWriter, RecordRef};
//!
//! let disk = SimDisk::new();
//! let (mut writer, report) = JournalWriter::open(disk.clone(), JournalConfig::new("journal")
//!     .with_segment_size(1 << 16))?;
//! assert_eq!(report.next_seq(), 1);
//! writer.append_batch(&[
//!     RecordRef { seq: 1, kind: 7, payload: b"new order" },
//!     RecordRef { seq: 2, kind: 7, payload: b"cancel" },
//! ])?;
//! assert_eq!(writer.sync()?, 2);
//! disk.power_cut(42); // synced records survive any cut
//!
//! let reader = JournalReader::open(disk.clone(), "journal")?;
//! let records = reader.read_from(2)?;
//! assert_eq!(records[0].payload, b"cancel");
//! # Ok::<(), tradestream_journal::JournalError>(())
//! ```

#![warn(missing_docs)]

pub mod batch;
pub mod config;
pub mod error;
pub mod inspect;
pub mod reader;
pub mod recovery;
pub mod segment;
pub mod sim;
pub mod snapshot;
pub mod storage;
pub mod thread;
pub mod writer;

pub use batch::{Record, RecordRef};
pub use config::{FsyncPolicy, JournalConfig};
pub use error::JournalError;
pub use inspect::{inspect, Inspection, SegmentSummary, SnapshotSummary, Verdict};
pub use reader::{Cursor, JournalReader};
pub use recovery::{recover, RecoveryReport, SegmentInfo};
pub use snapshot::{
    load_newest_snapshot, load_snapshot_at_or_before, snapshot_hashes, write_snapshot,
    SkippedSnapshot, Snapshot, SnapshotLoad,
};
pub use storage::{FsStorage, Storage, StorageFile};
pub use thread::{
    DurableWatermark, Entry, EntryTooLarge, JournalSender, JournalThread, PushError, WaitError,
    ENTRY_MAX,
};
pub use writer::{JournalWriter, Staged, WriterCounters};
