//! `bench journal`: BENCHMARKS.md's journal measurements on real files, tables on stdout, a
//! JSON summary on disk. Progress goes to stderr so stdout holds only the tables.
//!
//! In order, each `--runs` times (runs interleaved so a noisy stretch of the shared VM does not
//! land on one setting only):
//!
//! 1. [`floor`]: one durable 4 KiB write (write + fdatasync), the physical floor;
//! 2. [`appends`]: records/s and MB/s through the journal thread and through `DurableEngine`
//!    at each [`policy::Sync`] setting;
//! 3. [`ack`]: durable-ack latency, open loop at fixed rates and flat out, group commit;
//!
//! then, on one journal of `--commands` commands ([`fixture`]):
//!
//! 4. [`replay`]: replay from genesis, verify off and on;
//! 5. [`recovery`]: `DurableEngine::open` from genesis and from a snapshot, warm and cold.
//!
//! All files live in a [`scratch`] directory on disk, removed at the end. The command stream is
//! [`stream`] (the engine benchmark's exchange-core mix); [`payloads`] are its journal records
//! for the raw journal path; [`prepared`] opens an engine with the stream's preamble journaled.

mod ack;
mod appends;
mod fixture;
pub(crate) mod floor;
pub(crate) mod latency;
pub(crate) mod meter;
mod payloads;
mod policy;
mod prepared;
mod recovery;
mod replay;
mod results;
pub(crate) mod scratch;
mod settings;
mod stream;
mod summary;
mod tables;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use quanta::Clock;

use bench::machine::Machine;
use fixture::Fixture;
use floor::Mode;
use payloads::Payloads;
use recovery::{Cache, Start};
use results::{
    AckRow, AppendPath, AppendRow, FloorRow, PayloadFacts, RecoveryRow, ReplayRow, Results,
};
use scratch::{discard, Scratch};
pub use settings::JournalArgs;
use settings::{Section, Settings};

/// Distinct payloads the raw journal path cycles through.
const PAYLOADS: usize = 65_536;
/// Commands per second the append rows are provisioned for: the timed stream holds this many
/// per `--append-secs` second, so the fastest `DurableEngine` row does not run out.
const APPEND_PROVISION: f64 = 2e6;

/// Runs the `journal` subcommand.
pub fn run(args: &JournalArgs) -> Result<()> {
    let settings = Settings::new(args)?;
    let machine = Machine::detect();
    let clock = Clock::new();
    let started = bench::report::unix_secs()?;
    let parent = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let mut scratch = Scratch::create(&parent)?;
    let storage = scratch.storage().clone();
    println!("{}", tables::header(&machine, &storage, &settings));

    let t = Instant::now();
    let on = |s: Section| settings.runs_section(s);
    let timed = if on(Section::Appends) || on(Section::Ack) {
        settings
            .ack_flat_out
            .max((APPEND_PROVISION * settings.append_secs) as usize)
    } else {
        1
    };
    let journaled = if on(Section::Replay) || on(Section::Recovery) {
        settings.commands as usize
    } else {
        0
    };
    eprintln!("generating the stream ({timed} timed commands, {journaled} journaled)");
    let stream = stream::Stream::generate(settings.seed, settings.warmup, timed.max(journaled))?;
    let (preamble, measured) = stream.collect(timed);
    let payloads = Payloads::of(&stream, PAYLOADS.min(timed))?;
    let (min, max) = payloads.len_range();
    eprintln!("generated in {:.1}s", t.elapsed().as_secs_f64());

    let mut floor: Vec<FloorRow> = Mode::ALL
        .iter()
        .filter(|_| on(Section::Floor))
        .map(|&mode| FloorRow {
            mode,
            runs: Vec::new(),
        })
        .collect();
    let mut appends: Vec<AppendRow> = AppendPath::ALL
        .iter()
        .filter(|_| on(Section::Appends))
        .flat_map(|&path| {
            path.syncs().iter().map(move |&sync| AppendRow {
                path,
                sync,
                runs: Vec::new(),
            })
        })
        .collect();
    let mut ack: Vec<AckRow> = settings
        .ack_rates
        .iter()
        .map(|&r| Some(r))
        .chain([None])
        .filter(|_| on(Section::Ack))
        .map(|rate| AckRow {
            rate,
            runs: Vec::new(),
        })
        .collect();
    let engine = stream.config();
    for run in 0..settings.runs {
        let of = format!("run {}/{}", run + 1, settings.runs);
        for row in &mut floor {
            eprintln!("  floor {}, {of}", row.mode.name());
            let dir = scratch.fresh("floor")?;
            row.runs.push(floor::measure(
                &dir,
                row.mode,
                settings.floor_samples,
                &clock,
            )?);
            discard(&dir)?;
        }
        for row in &mut appends {
            eprintln!("  appends {}, {}, {of}", row.path.name(), row.sync.label());
            let dir = scratch.fresh("appends")?;
            let secs = settings.append_secs;
            row.runs.push(match row.path {
                AppendPath::JournalThread => {
                    appends::journal_thread(&dir, &payloads, row.sync, secs, &clock)?
                }
                AppendPath::DurableEngine | AppendPath::DurableSnapshots => {
                    let feed = appends::Feed {
                        preamble: &preamble,
                        measured: &measured,
                        secs,
                    };
                    let every = row.path.snapshot_every();
                    appends::durable(&dir, engine, feed, row.sync, every, &clock)?
                }
            });
            discard(&dir)?;
        }
        for row in &mut ack {
            let n = match row.rate {
                Some(rate) => (rate as f64 * settings.ack_secs).ceil() as usize,
                None => settings.ack_flat_out,
            }
            .clamp(1, measured.len());
            eprintln!(
                "  durable ack at {}, {of}",
                row.rate
                    .map_or_else(|| "flat out".into(), |r| format!("{r}/s"))
            );
            let dir = scratch.fresh("ack")?;
            row.runs.push(ack::measure(
                &dir,
                engine,
                &preamble,
                &measured[..n],
                row.rate,
                settings.observer,
                &clock,
            )?);
            discard(&dir)?;
        }
    }
    drop((preamble, measured));

    let fixture = if journaled > 0 {
        eprintln!(
            "  writing a journal of {} commands",
            bench::report::thousands(settings.commands)
        );
        let dir = scratch.fresh("replay")?;
        Some(Fixture::write(&dir, &stream, settings.commands, &clock)?)
    } else {
        None
    };
    let stream_facts = stream.facts().describe();
    let mut replay: Vec<ReplayRow> = replay::Mode::ALL
        .iter()
        .filter(|_| on(Section::Replay))
        .map(|&mode| ReplayRow {
            mode,
            runs: Vec::new(),
        })
        .collect();
    let mut recovery: Vec<RecoveryRow> = [Start::Genesis, Start::Snapshot]
        .iter()
        .filter(|_| on(Section::Recovery))
        .flat_map(|&start| {
            [Cache::Warm, Cache::Cold].map(|cache| RecoveryRow {
                start,
                cache,
                runs: Vec::new(),
            })
        })
        .collect();
    for run in (0..settings.runs).filter(|_| fixture.is_some()) {
        let Some(fixture) = &fixture else { break };
        let of = format!("run {}/{}", run + 1, settings.runs);
        for row in &mut replay {
            eprintln!("  {}, {of}", row.mode.name());
            row.runs
                .push(replay::measure(row.mode, fixture, &stream, &clock)?);
        }
        for row in &mut recovery {
            eprintln!(
                "  recovery from {}, {}, {of}",
                row.start.name(),
                row.cache.name()
            );
            row.runs.push(recovery::measure(
                fixture, engine, row.start, row.cache, &clock,
            )?);
        }
    }

    let results = Results {
        floor,
        appends,
        ack,
        fixture,
        replay,
        recovery,
        payloads: PayloadFacts {
            mean: payloads.mean_len(),
            min,
            max,
            distinct: payloads.len(),
        },
        stream_facts,
    };
    drop(stream);
    println!("{}", tables::all(&results, &settings));
    scratch.remove()?;

    let mut json = serde_json::json!({
        "benchmark": "journal",
        "unix_time": started,
        "machine": machine.to_json(),
        "storage": storage.to_json(),
        "settings": settings.to_json(),
    });
    if let (Some(map), serde_json::Value::Object(rest)) =
        (json.as_object_mut(), summary::results(&results))
    {
        map.extend(rest);
    }
    write_json(&json, args.json.clone(), started)
}

/// Writes the summary (see [`crate::report::write_json`]).
fn write_json(json: &serde_json::Value, target: Option<PathBuf>, started: u64) -> Result<()> {
    bench::report::write_json(json, target, "journal", started)
}
