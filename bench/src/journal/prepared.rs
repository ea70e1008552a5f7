//! A `DurableEngine` at the start of a measured phase: the stream's preamble (setup, prefilled
//! book, warm-up) journaled untimed, then the engine reopened under the policy being measured.
//!
//! The preamble is written with fsync `never` and the engine closed and reopened (recovery
//! replays it, a few milliseconds), so that a slow policy such as "sync every record" does not
//! spend minutes on the thousands of setup commands before its timed part.

use std::path::Path;

use anyhow::{Context, Result};
use tradestream_durable::{DurableConfig, DurableEngine};
use tradestream_engine::EngineConfig;
use tradestream_journal::{FsStorage, FsyncPolicy, JournalConfig};
use tradestream_model::Event;

use super::stream::Stamped;

/// The journal directory inside a measurement's directory.
pub const JOURNAL: &str = "journal";

/// The durable configuration of the measurements: journal in `JOURNAL`, no snapshots.
pub fn config(
    engine: EngineConfig,
    fsync: FsyncPolicy,
    ring: usize,
    prefault: bool,
) -> DurableConfig {
    DurableConfig {
        engine,
        journal: JournalConfig::new(JOURNAL).with_ring_capacity(ring),
        fsync,
        snapshot_every: 0,
        keep_snapshots: 1,
        prefault,
    }
}

/// Journals `preamble` in a new journal under `dir`, then reopens it with `fsync`, a ring of
/// `ring` entries, a snapshot every `snapshot_every` commands (0: none) and memory
/// prefaulted. Returns the engine, its next sequence number and an
/// event buffer already grown.
pub fn open(
    dir: &Path,
    engine: EngineConfig,
    preamble: &[Stamped],
    fsync: FsyncPolicy,
    ring: usize,
    snapshot_every: u64,
) -> Result<(DurableEngine, u64, Vec<Event>)> {
    let storage = FsStorage::new(dir);
    let mut events = Vec::with_capacity(1 << 12);
    let (mut setup, _) = DurableEngine::open(
        storage.clone(),
        config(engine, FsyncPolicy::Never, 4096, false),
    )
    .with_context(|| format!("creating a journal in {}", dir.display()))?;
    for (command, ts) in preamble {
        events.clear();
        setup
            .apply(command, *ts, &mut events)
            .context("journaling the preamble")?;
    }
    setup.close().context("closing after the preamble")?;
    let mut reopen = config(engine, fsync, ring, true);
    reopen.snapshot_every = snapshot_every;
    let (durable, recovered) = DurableEngine::open(storage, reopen)
        .with_context(|| format!("reopening the journal in {}", dir.display()))?;
    anyhow::ensure!(
        recovered.last_seq == preamble.len() as u64 + 1,
        "the reopened journal ends at {} but the preamble was {} commands after genesis",
        recovered.last_seq,
        preamble.len()
    );
    let next = recovered.last_seq + 1;
    Ok((durable, next, events))
}
