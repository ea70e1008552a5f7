//! The journal that replay and recovery read: the first N commands of the stream written
//! through a `DurableEngine` (group commit), with the engine's own snapshotter writing one
//! snapshot `tail` commands before the end, as a server snapshotting every 2 x `tail`
//! commands would have on average when it stopped.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use quanta::Clock;
use tradestream_durable::DurableEngine;
use tradestream_journal::snapshot::parse_snapshot_name;
use tradestream_journal::{inspect, FsStorage, FsyncPolicy};
use tradestream_model::Event;

use super::appends::nanos;
use super::policy::DEFAULT_RING;
use super::prepared::{self, JOURNAL};
use super::stream::Stream;

/// Commands after the snapshot, at most (half of the CLI's default snapshot interval).
pub const SNAPSHOT_TAIL: u64 = 50_000;

/// A written journal.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Storage root; the journal is in `root/JOURNAL`.
    pub root: PathBuf,
    /// Commands journaled (the genesis record not counted).
    pub commands: u64,
    /// Last sequence number (commands + 1).
    pub last_seq: u64,
    /// Sequence number of the snapshot.
    pub snapshot_seq: u64,
    /// Size of the snapshot's state, bytes.
    pub snapshot_bytes: u64,
    /// Bytes of valid batches in the segments.
    pub journal_bytes: u64,
    /// Segment files.
    pub segments: usize,
    /// Writing took this long (group commit, snapshotter running).
    pub write_nanos: u64,
}

impl Fixture {
    /// Writes the first `commands` commands of `stream` into `root`.
    pub fn write(root: &Path, stream: &Stream, commands: u64, clock: &Clock) -> Result<Fixture> {
        let tail = SNAPSHOT_TAIL.min(commands / 2).max(1);
        let last_seq = commands + 1;
        let snapshot_seq = last_seq - tail;
        let mut config =
            prepared::config(stream.config(), FsyncPolicy::Always, DEFAULT_RING, false);
        config.snapshot_every = snapshot_seq;
        let storage = FsStorage::new(root);
        let (mut durable, _) = DurableEngine::open(storage.clone(), config)
            .with_context(|| format!("creating a journal in {}", root.display()))?;
        let mut events: Vec<Event> = Vec::with_capacity(1 << 12);
        let start = clock.now();
        for (i, (command, ts)) in stream.commands().take(commands as usize).enumerate() {
            events.clear();
            durable
                .apply(&command, ts, &mut events)
                .context("journaling a command")?;
            if i % 1_000_000 == 999_999 {
                eprintln!("    {} commands journaled", i + 1);
            }
        }
        durable
            .close()
            .context("closing the durable engine (and its snapshotter)")?;
        let write_nanos = nanos(clock.now().saturating_duration_since(start));
        let found = inspect(&storage, Path::new(JOURNAL)).context("inspecting the journal")?;
        let written = found.segments.last().and_then(|s| s.last_seq).unwrap_or(0);
        if written != last_seq {
            bail!("the journal ends at {written}, expected {last_seq}");
        }
        let Some(snapshot) = found.snapshots.iter().find(|s| s.valid) else {
            bail!("the snapshotter wrote no valid snapshot (expected one at {snapshot_seq})");
        };
        if snapshot.seq != snapshot_seq || found.snapshots.len() != 1 {
            bail!(
                "expected one snapshot at {snapshot_seq}, found {:?}",
                found.snapshots.iter().map(|s| s.seq).collect::<Vec<_>>()
            );
        }
        Ok(Fixture {
            root: root.to_path_buf(),
            commands,
            last_seq,
            snapshot_seq,
            snapshot_bytes: snapshot.bytes,
            journal_bytes: found.segments.iter().map(|s| s.bytes_used).sum(),
            segments: found.segments.len(),
            write_nanos,
        })
    }

    /// The journal directory.
    pub fn journal_dir(&self) -> PathBuf {
        self.root.join(JOURNAL)
    }

    /// Snapshot files in the journal directory.
    pub fn snapshot_files(&self) -> Result<Vec<PathBuf>> {
        let dir = self.journal_dir();
        let mut out = Vec::new();
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))?
        {
            let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
            if entry
                .file_name()
                .to_str()
                .and_then(parse_snapshot_name)
                .is_some()
            {
                out.push(entry.path());
            }
        }
        Ok(out)
    }

    /// Commands journaled per second while writing.
    pub fn write_rate(&self) -> f64 {
        self.commands as f64 * 1e9 / self.write_nanos.max(1) as f64
    }
}
