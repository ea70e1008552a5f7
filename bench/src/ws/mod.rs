//! `bench ws`: BENCHMARKS.md's wire-to-wire measurements for the WebSocket gateway, tables on
//! stdout, a JSON summary on disk. Progress goes to stderr so stdout holds only the tables.
//!
//! Each `--runs` times, in this order (runs interleaved so a noisy stretch of the shared VM
//! does not land on one setting only):
//!
//! 1. the floors: [`floor`] (one durable 4 KiB write, the journal benchmark's own code) and
//!    [`echo`] (a bare loopback TCP echo of a place frame's size, both ends spinning, open loop
//!    at each rate);
//! 2. per acknowledgement mode, on a fresh in-process [`server`]: [`entry`], order entry open
//!    loop at each rate, then [`fanout`], market data to many subscribers.
//!
//! The client ([`client`], [`frames`]) shares no code with the server. [`schedule`] is the
//! open-loop clock; [`results`], [`tables`] and [`summary`] reduce and print; [`problems`]
//! collects what the server answered wrongly.

pub(crate) mod client;
pub(crate) mod echo;
pub(crate) mod entry;
mod fanout;
pub(crate) mod frames;
pub(crate) mod problems;
pub(crate) mod results;
pub(crate) mod schedule;
pub(crate) mod server;
pub(crate) mod settings;
mod summary;
pub(crate) mod tables;

// Shared with the journal benchmark: the fdatasync floor, the latency summaries it records
// into, the noise meter, and the on-disk scratch directory that refuses tmpfs.
use crate::journal::{floor, latency, meter, scratch};

use std::path::PathBuf;

use anyhow::Result;
use quanta::Clock;

use bench::machine::Machine;
use bench::report::rate_label;
use results::{EchoRow, EntryRow, FanoutRow, FsyncRow, Results};
use scratch::{discard, Scratch};
use server::{Running, ServerSettings};
pub use settings::WsArgs;
use settings::{Ack, Section, Settings};

/// Runs the `ws` subcommand.
pub fn run(args: &WsArgs) -> Result<()> {
    let settings = Settings::new(args)?;
    let machine = Machine::detect();
    let clock = Clock::new();
    let started = bench::report::unix_secs()?;
    let parent = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let mut scratch = Scratch::create(&parent)?;
    let storage = scratch.storage().clone();
    println!("{}", tables::header(&machine, &storage, &settings));

    let on = |s: Section| settings.runs_section(s);
    let mut r = Results {
        frame_bytes: entry::mean_wire_bytes(1_000),
        ..Results::default()
    };
    if on(Section::Floor) {
        r.fsync = floor::Mode::ALL
            .iter()
            .map(|&mode| FsyncRow {
                mode,
                runs: Vec::new(),
            })
            .collect();
        r.echo = settings
            .rates
            .iter()
            .map(|&rate| EchoRow {
                rate,
                runs: Vec::new(),
            })
            .collect();
    }
    for &ack in settings.modes.iter().filter(|_| on(Section::Entry)) {
        r.entry.extend(settings.rates.iter().map(|&rate| EntryRow {
            ack,
            rate,
            runs: Vec::new(),
        }));
    }
    for &ack in settings.modes.iter().filter(|_| on(Section::Fanout)) {
        r.fanout
            .extend(settings.fanout_rates.iter().map(|&rate| FanoutRow {
                ack,
                rate,
                runs: Vec::new(),
            }));
    }
    let mut failures = Vec::new();
    for run in 0..settings.runs {
        let of = format!("run {}/{}", run + 1, settings.runs);
        floors(&mut r, &settings, &mut scratch, &clock, &of)?;
        for &ack in &settings.modes {
            if !on(Section::Entry) && !on(Section::Fanout) {
                break;
            }
            let dir = scratch.fresh(&format!("server-{}", ack.name()))?;
            let server = Running::start(
                &dir,
                ServerSettings {
                    ack,
                    idle: settings.idle,
                    snapshot_every: settings.snapshot_every,
                    slow_consumer_messages: settings.slow_consumer_messages,
                },
            )?;
            eprintln!("  {} ack server on {}, {of}", ack.name(), server.addr);
            failures.extend(on_server(&mut r, &settings, &server, ack, &clock, &of));
            server.stop()?;
            discard(&dir)?;
        }
    }
    r.failures = failures;
    println!("{}", tables::all(&r, &settings));
    scratch.remove()?;

    let json = bench::report::summary(
        "ws",
        started,
        machine.to_json(),
        storage.to_json(),
        settings.to_json(),
        summary::results(&r, &settings),
    );
    write_json(&json, args.json.clone(), started)
}

/// One run of the floors: every fdatasync mode, then the echo at every rate.
fn floors(
    r: &mut Results,
    settings: &Settings,
    scratch: &mut Scratch,
    clock: &Clock,
    of: &str,
) -> Result<()> {
    for row in &mut r.fsync {
        eprintln!("  fdatasync floor, {}, {of}", row.mode.name());
        let dir = scratch.fresh("floor")?;
        row.runs.push(floor::measure(
            &dir,
            row.mode,
            settings.floor_samples,
            clock,
        )?);
        discard(&dir)?;
    }
    let bytes = r.frame_bytes.round() as usize;
    for row in &mut r.echo {
        eprintln!("  TCP echo at {}/s, {of}", rate_label(row.rate));
        row.runs.push(echo::measure(
            row.rate,
            bytes,
            settings.warmup_secs,
            settings.secs,
            clock,
        )?);
    }
    Ok(())
}

/// One run of everything measured against a server in `ack` mode; returns what failed (a
/// measurement that failed is reported and the others go on).
fn on_server(
    r: &mut Results,
    settings: &Settings,
    server: &Running,
    ack: Ack,
    clock: &Clock,
    of: &str,
) -> Vec<String> {
    let url = server.url();
    let mut failures = Vec::new();
    for row in r.entry.iter_mut().filter(|row| row.ack == ack) {
        eprintln!(
            "  order entry, {} ack, {}/s, {of}",
            ack.name(),
            rate_label(row.rate)
        );
        let (w, s) = (settings.warmup_secs, settings.secs);
        match entry::measure(server.addr, &url, row.rate, w, s, clock) {
            Ok(run) => row.runs.push(run),
            Err(e) => failures.push(format!(
                "order entry, {} ack, {}/s, {of}: {e:#}",
                ack.name(),
                rate_label(row.rate)
            )),
        }
    }
    for row in r.fanout.iter_mut().filter(|row| row.ack == ack) {
        let what = format!(
            "fan-out to {} subscribers, {} ack, {}/s, {of}",
            settings.subscribers,
            ack.name(),
            rate_label(row.rate)
        );
        eprintln!("  {what}");
        match fanout::measure(
            server.addr,
            &url,
            settings.subscribers,
            row.rate,
            settings.warmup_secs,
            settings.fanout_secs,
            clock,
        ) {
            Ok(run) => row.runs.push(run),
            Err(e) => failures.push(format!("{what}: {e:#}")),
        }
    }
    failures
}

/// Writes the summary (see [`crate::report::write_json`]).
fn write_json(json: &serde_json::Value, target: Option<PathBuf>, started: u64) -> Result<()> {
    bench::report::write_json(json, target, "ws", started)
}
