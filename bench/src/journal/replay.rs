//! Replay speed: [`tradestream_durable::replay`] of the whole fixture journal from genesis
//! (the snapshot is not used), read-only, with `verify` off (apply every command) and on (also
//! recompute every event-digest link and check the snapshot's state hash). The files were just
//! written, so they are read from the page cache: the figure is the CPU cost of replay.
//!
//! The ceiling, in the same run: the same commands applied to a fresh in-memory engine with no
//! journal at all (translated in chunks of a million outside the timed parts), i.e. what replay
//! would reach if reading, decoding and checking records cost nothing.

use std::path::Path;

use anyhow::{bail, Context, Result};
use quanta::Clock;
use tradestream_durable::{replay, ReplayOptions};
use tradestream_engine::Engine;
use tradestream_journal::FsStorage;
use tradestream_model::Event;

use super::appends::nanos;
use super::fixture::Fixture;
use super::meter::{Meter, RunNoise};
use super::prepared::JOURNAL;
use super::stream::{Stamped, Stream};

/// Commands translated at a time for the in-memory ceiling.
const CHUNK: usize = 1 << 20;

/// What a replay row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The commands applied to an in-memory engine: no journal.
    EngineOnly,
    /// `replay` with verify off.
    VerifyOff,
    /// `replay` with verify on.
    VerifyOn,
}

impl Mode {
    /// All, in table order.
    pub const ALL: [Mode; 3] = [Mode::EngineOnly, Mode::VerifyOff, Mode::VerifyOn];

    /// Name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Mode::EngineOnly => "engine only (in memory, no journal)",
            Mode::VerifyOff => "replay, verify off",
            Mode::VerifyOn => "replay, verify on",
        }
    }

    /// Whether this row reads the journal (the targets apply to those).
    pub fn is_replay(self) -> bool {
        self != Mode::EngineOnly
    }
}

/// One replay.
#[derive(Debug, Clone, Copy)]
pub struct ReplayRun {
    /// Records applied.
    pub records: u64,
    /// Events they produced.
    pub events: u64,
    /// Wall time of the replay.
    pub nanos: u64,
    /// What the machine took.
    pub noise: RunNoise,
}

impl ReplayRun {
    /// Records per second.
    pub fn records_per_s(&self) -> f64 {
        self.records as f64 * 1e9 / self.nanos.max(1) as f64
    }

    /// Events per second.
    pub fn events_per_s(&self) -> f64 {
        self.events as f64 * 1e9 / self.nanos.max(1) as f64
    }
}

/// Runs one row once.
pub fn measure(mode: Mode, fixture: &Fixture, stream: &Stream, clock: &Clock) -> Result<ReplayRun> {
    match mode {
        Mode::EngineOnly => engine_only(stream, fixture.commands, clock),
        Mode::VerifyOff => journal(fixture, false, clock),
        Mode::VerifyOn => journal(fixture, true, clock),
    }
}

/// Applies the first `commands` commands of `stream` to a new engine, timing only the applies.
fn engine_only(stream: &Stream, commands: u64, clock: &Clock) -> Result<ReplayRun> {
    let mut engine = Engine::new(stream.config());
    let mut events: Vec<Event> = Vec::with_capacity(1 << 12);
    let (mut count, mut nanos_total) = (0u64, 0u64);
    let mut all = stream.commands().take(commands as usize);
    let mut chunk: Vec<Stamped> = Vec::with_capacity(CHUNK);
    let meter = Meter::start();
    loop {
        chunk.clear();
        chunk.extend(all.by_ref().take(CHUNK));
        if chunk.is_empty() {
            break;
        }
        let start = clock.now();
        for (command, ts) in &chunk {
            events.clear();
            engine.apply(command, *ts, &mut events);
            count += events.len() as u64;
        }
        nanos_total += nanos(clock.now().saturating_duration_since(start));
    }
    Ok(ReplayRun {
        records: commands,
        events: count,
        nanos: nanos_total,
        noise: meter.stop(),
    })
}

/// Replays the fixture once.
fn journal(fixture: &Fixture, verify: bool, clock: &Clock) -> Result<ReplayRun> {
    let storage = FsStorage::new(&fixture.root);
    let options = ReplayOptions {
        verify,
        from: 1,
        to: None,
    };
    let meter = Meter::start();
    let start = clock.now();
    let summary = replay(
        &storage,
        Path::new(JOURNAL),
        &options,
        |_, _, _| {},
        |_, _| {},
    )
    .with_context(|| format!("replaying {}", fixture.journal_dir().display()))?;
    let end = clock.now();
    let noise = meter.stop();
    if summary.last_seq != fixture.last_seq || summary.records != fixture.commands {
        bail!(
            "replay applied {} records up to {}, expected {} up to {}",
            summary.records,
            summary.last_seq,
            fixture.commands,
            fixture.last_seq
        );
    }
    if verify && summary.snapshots_verified != 1 {
        bail!(
            "replay --verify checked {} snapshots, expected 1",
            summary.snapshots_verified
        );
    }
    Ok(ReplayRun {
        records: summary.records,
        events: summary.events,
        nanos: nanos(end.saturating_duration_since(start)),
        noise,
    })
}
