//! Recovery time: `DurableEngine::open` on the fixture journal, timed until it returns (journal
//! scanned and its tail made durable, engine restored, every record after the starting point
//! re-applied with its digest link verified, threads started), from genesis and from the
//! snapshot near the end; with the files in the page cache (`warm`: a process restart) and
//! evicted from it first (`cold`: a machine restart; `posix_fadvise(DONTNEED)` on every file,
//! which drops this VM's cached pages; the hypervisor may still cache the disk).
//!
//! "From genesis" moves the snapshot out of the journal directory for the open and back after.
//! Beside each open, the time of a bare [`JournalReader::open`] (the validation scan alone,
//! same cache state) shows how much of recovery is reading and checking the files.

use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use quanta::Clock;
use tradestream_durable::DurableEngine;
use tradestream_engine::EngineConfig;
use tradestream_journal::{FsStorage, FsyncPolicy, JournalReader};

use super::appends::nanos;
use super::fixture::Fixture;
use super::meter::{Meter, RunNoise};
use super::policy::DEFAULT_RING;
use super::prepared::{self, JOURNAL};

/// Where recovery starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// No snapshot: every record is re-applied.
    Genesis,
    /// The snapshot near the end, then the records after it.
    Snapshot,
}

impl Start {
    /// Name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Start::Genesis => "genesis (no snapshot)",
            Start::Snapshot => "snapshot near the end",
        }
    }
}

/// Whether the files are in the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cache {
    /// As left by the last reader.
    Warm,
    /// Evicted just before.
    Cold,
}

impl Cache {
    /// Name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Cache::Warm => "warm",
            Cache::Cold => "cold",
        }
    }
}

/// One recovery.
#[derive(Debug, Clone, Copy)]
pub struct RecoveryRun {
    /// `DurableEngine::open`, wall time.
    pub nanos: u64,
    /// `JournalReader::open` alone, wall time.
    pub scan_nanos: u64,
    /// Records re-applied.
    pub replayed: u64,
    /// What the machine took (the open only).
    pub noise: RunNoise,
}

impl RecoveryRun {
    /// Records re-applied per second of recovery.
    pub fn replayed_per_s(&self) -> f64 {
        self.replayed as f64 * 1e9 / self.nanos.max(1) as f64
    }
}

/// Opens the fixture once.
pub fn measure(
    fixture: &Fixture,
    engine: EngineConfig,
    start: Start,
    cache: Cache,
    clock: &Clock,
) -> Result<RecoveryRun> {
    let _aside = match start {
        Start::Genesis => Some(Aside::new(fixture)?),
        Start::Snapshot => None,
    };
    let dir = fixture.journal_dir();
    if cache == Cache::Cold {
        evict(&dir)?;
    }
    let storage = FsStorage::new(&fixture.root);
    let config = prepared::config(engine, FsyncPolicy::Always, DEFAULT_RING, false);
    let meter = Meter::start();
    let t = clock.now();
    let (durable, recovered) = DurableEngine::open(storage.clone(), config)
        .with_context(|| format!("recovering {}", dir.display()))?;
    let open_nanos = nanos(clock.now().saturating_duration_since(t));
    let noise = meter.stop();
    durable.close().context("closing the recovered engine")?;
    let expected = match start {
        Start::Genesis => (None, fixture.commands),
        Start::Snapshot => (
            Some(fixture.snapshot_seq),
            fixture.last_seq - fixture.snapshot_seq,
        ),
    };
    if (recovered.snapshot_seq, recovered.replayed) != expected
        || recovered.last_seq != fixture.last_seq
    {
        bail!(
            "recovery started at {:?} and replayed {} records to {}; expected {expected:?} to {}",
            recovered.snapshot_seq,
            recovered.replayed,
            recovered.last_seq,
            fixture.last_seq
        );
    }
    if cache == Cache::Cold {
        evict(&dir)?;
    }
    let t = clock.now();
    let reader = JournalReader::open(storage, JOURNAL)
        .with_context(|| format!("scanning {}", dir.display()))?;
    let scan_nanos = nanos(clock.now().saturating_duration_since(t));
    if reader.last_seq() != fixture.last_seq {
        bail!(
            "the scan ends at {}, expected {}",
            reader.last_seq(),
            fixture.last_seq
        );
    }
    Ok(RecoveryRun {
        nanos: open_nanos,
        scan_nanos,
        replayed: recovered.replayed,
        noise,
    })
}

/// The fixture's snapshots, moved next to the journal directory while it lives.
struct Aside {
    moved: Vec<(PathBuf, PathBuf)>,
}

impl Aside {
    fn new(fixture: &Fixture) -> Result<Aside> {
        let aside = fixture.root.join("snapshots-aside");
        fs::create_dir_all(&aside).with_context(|| format!("creating {}", aside.display()))?;
        let mut moved = Vec::new();
        for path in fixture.snapshot_files()? {
            let Some(name) = path.file_name() else {
                continue;
            };
            let to = aside.join(name);
            fs::rename(&path, &to).with_context(|| format!("moving {}", path.display()))?;
            moved.push((path, to));
        }
        Ok(Aside { moved })
    }
}

impl Drop for Aside {
    fn drop(&mut self) {
        for (home, aside) in &self.moved {
            if let Err(e) = fs::rename(aside, home) {
                eprintln!("could not move {} back: {e}", aside.display());
            }
        }
    }
}

/// Drops every file of `dir` from the page cache (they are clean: the journal synced them).
fn evict(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("listing {}", dir.display()))?
            .path();
        let file = File::open(&path).with_context(|| format!("opening {}", path.display()))?;
        file.sync_all()
            .with_context(|| format!("syncing {}", path.display()))?;
        // SAFETY: `file` is an open descriptor for the duration of the call; posix_fadvise
        // only reads its arguments and changes no memory of ours.
        let rc = unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        if rc != 0 {
            bail!(
                "posix_fadvise(DONTNEED) on {}: {}",
                path.display(),
                std::io::Error::from_raw_os_error(rc)
            );
        }
    }
    Ok(())
}
