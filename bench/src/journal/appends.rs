//! Append throughput: records pushed back to back for a fixed time, timed from the first push
//! until the journal thread has written and synced the last one (the sender is dropped, the
//! thread drains, syncs under every policy but `never`, and is joined).
//!
//! Two paths:
//!
//! * `journal thread`: [`JournalSender::try_push`] of ready-made payloads
//!   ([`super::payloads`]), so the figure is the journal alone: the ring, batch encoding with
//!   its CRC32C, the writes and the syncs;
//! * `DurableEngine`: [`DurableEngine::apply`] of the stream's commands, which adds the
//!   command encoding, matching, the BLAKE3 event-digest chain and the copy into the ring;
//!   with a snapshot interval, also the snapshotter (a replica engine on a third thread that
//!   re-applies every command and writes a snapshot every so many); the time then runs until
//!   the replica has caught up too (`DurableEngine::close` waits for it).
//!
//! When the ring is full both wait with `yield_now` (what `DurableEngine::apply` does).

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use quanta::Clock;
use tradestream_engine::EngineConfig;
use tradestream_journal::batch::RECORD_HEADER_LEN;
use tradestream_journal::segment::HEADER_SECTOR;
use tradestream_journal::{
    inspect, Entry, FsStorage, JournalConfig, JournalSender, JournalThread, PushError,
};

use super::meter::{Meter, RunNoise};
use super::payloads::{record_bytes, Payloads};
use super::policy::Sync;
use super::prepared::{self, JOURNAL};
use super::stream::Stamped;

/// Record kind of the raw journal's records (the journal does not interpret it).
const KIND: u8 = 1;

/// One append measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AppendRun {
    /// Records appended (and durable at the end, unless the policy is `never`).
    pub records: u64,
    /// From the first push until the last record was synced (written, under `never`).
    pub nanos: u64,
    /// Bytes of the records: 13-byte record headers and payloads.
    pub record_bytes: u64,
    /// Bytes written to segments: records, batch headers and padding to 512-byte sectors.
    pub written_bytes: u64,
    /// fdatasync calls, where the journal thread's counters are available (raw path).
    pub syncs: Option<u64>,
    /// What the machine took.
    pub noise: RunNoise,
}

impl AppendRun {
    /// Records per second.
    pub fn rate(&self) -> f64 {
        self.records as f64 * 1e9 / self.nanos.max(1) as f64
    }

    /// Record megabytes (10^6 bytes) per second.
    pub fn record_mb_per_s(&self) -> f64 {
        self.record_bytes as f64 * 1e3 / self.nanos.max(1) as f64
    }

    /// Written megabytes per second, padding included.
    pub fn written_mb_per_s(&self) -> f64 {
        self.written_bytes as f64 * 1e3 / self.nanos.max(1) as f64
    }

    /// Mean records per sync, where known.
    pub fn records_per_sync(&self) -> Option<f64> {
        self.syncs
            .filter(|&s| s > 0)
            .map(|s| self.records as f64 / s as f64)
    }
}

/// Pushes cycled `payloads` into a new journal under `dir` for `secs` seconds.
pub fn journal_thread(
    dir: &Path,
    payloads: &Payloads,
    sync: Sync,
    secs: f64,
    clock: &Clock,
) -> Result<AppendRun> {
    let config = JournalConfig::new(JOURNAL).with_ring_capacity(sync.ring());
    let (mut sender, _, handle) = JournalThread::spawn(FsStorage::new(dir), config, sync.policy())
        .with_context(|| format!("starting a journal in {}", dir.display()))?;
    let mut seq = sender.next_seq();
    let mut record_bytes = 0u64;
    let meter = Meter::start();
    let start = clock.now();
    let deadline = start + Duration::from_secs_f64(secs);
    let mut i = 0usize;
    while clock.now() < deadline {
        let payload = payloads.get(i);
        push(&mut sender, Entry::new(seq, KIND, payload)?)?;
        record_bytes += (RECORD_HEADER_LEN + payload.len()) as u64;
        seq += 1;
        i += 1;
    }
    drop(sender);
    let counters = handle
        .join()
        .map_err(|_| anyhow!("the journal thread panicked"))?
        .context("the journal thread failed")?;
    let end = clock.now();
    let noise = meter.stop();
    if counters.records != i as u64 {
        bail!(
            "the journal thread wrote {} records but {i} were pushed",
            counters.records
        );
    }
    Ok(AppendRun {
        records: i as u64,
        nanos: nanos(end.saturating_duration_since(start)),
        record_bytes,
        written_bytes: counters.bytes,
        syncs: Some(counters.syncs),
        noise,
    })
}

/// Pushes one entry, yielding while the ring is full; fails if the journal thread halted.
pub fn push(sender: &mut JournalSender, mut entry: Entry) -> Result<()> {
    loop {
        match sender.try_push(entry) {
            Ok(()) => return Ok(()),
            Err(PushError::Full(e)) => {
                entry = e;
                std::thread::yield_now();
            }
            Err(PushError::Halted(_)) => bail!(
                "the journal thread failed: {}",
                sender.failed().unwrap_or_default()
            ),
        }
    }
}

/// The stream and how long to push it.
#[derive(Debug, Clone, Copy)]
pub struct Feed<'a> {
    /// Journaled untimed first.
    pub preamble: &'a [Stamped],
    /// Applied timed, from the start, until they run out or the time is up.
    pub measured: &'a [Stamped],
    /// Seconds.
    pub secs: f64,
}

/// Applies `feed.measured` through a `DurableEngine` (after `feed.preamble`, untimed) for
/// `feed.secs` seconds or until the commands run out; a snapshot every `snapshot_every`
/// commands (0: none).
pub fn durable(
    dir: &Path,
    engine: EngineConfig,
    feed: Feed<'_>,
    sync: Sync,
    snapshot_every: u64,
    clock: &Clock,
) -> Result<AppendRun> {
    let Feed {
        preamble,
        measured,
        secs,
    } = feed;
    let (mut durable, _, mut events) = prepared::open(
        dir,
        engine,
        preamble,
        sync.policy(),
        sync.ring(),
        snapshot_every,
    )?;
    durable
        .wait_durable(durable.last_seq())
        .context("waiting for the reopened journal")?;
    let storage = FsStorage::new(dir);
    let before = segment_bytes(&storage)?;
    let meter = Meter::start();
    let start = clock.now();
    let deadline = start + Duration::from_secs_f64(secs);
    let mut n = 0usize;
    for (command, ts) in measured {
        if clock.now() >= deadline {
            break;
        }
        events.clear();
        durable
            .apply(command, *ts, &mut events)
            .context("applying a command")?;
        n += 1;
    }
    durable.close().context("closing the durable engine")?;
    let end = clock.now();
    let noise = meter.stop();
    let after = segment_bytes(&storage)?;
    Ok(AppendRun {
        records: n as u64,
        nanos: nanos(end.saturating_duration_since(start)),
        record_bytes: record_bytes(&measured[..n]),
        written_bytes: after.saturating_sub(before),
        syncs: None,
        noise,
    })
}

/// Bytes of valid batches in the journal's segments (segment headers not counted).
fn segment_bytes(storage: &FsStorage) -> Result<u64> {
    let found = inspect(storage, Path::new(JOURNAL)).context("inspecting the journal")?;
    Ok(found
        .segments
        .iter()
        .map(|s| s.bytes_used.saturating_sub(HEADER_SECTOR))
        .sum())
}

/// A duration in nanoseconds, saturating.
pub fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::scratch::Scratch;
    use crate::journal::stream::Stream;

    #[test]
    fn a_sync_covers_at_least_k_records_and_everything_is_counted() {
        let stream = Stream::generate(5, 1_000, 1_000).expect("generates");
        let payloads = Payloads::of(&stream, 1_000).expect("payloads");
        let mut scratch = Scratch::create(&std::env::temp_dir()).expect("scratch dir");
        let clock = Clock::new();
        let dir = scratch.fresh("appends").expect("dir");
        let run = journal_thread(&dir, &payloads, Sync::Every(64), 0.05, &clock).expect("runs");
        assert!(run.records > 0);
        let per_sync = run.records_per_sync().expect("counters give syncs");
        // The last sync, at close, may cover fewer.
        assert!((32.0..128.0).contains(&per_sync), "{per_sync}");
        assert!(run.written_bytes >= run.record_bytes);
        scratch.remove().expect("removed");
    }
}
