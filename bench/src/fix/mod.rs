//! `bench fix`: BENCHMARKS.md's wire-to-wire measurement for FIX: NewOrderSingle to
//! ExecutionReport over loopback, open loop at fixed rates, for every target in the same run:
//!
//! * `floor`: [`echo`], a bare loopback TCP echo of NewOrderSingle-sized messages, both ends
//!   spinning;
//! * `quickfix`: [`quickfix`], QuickFIX's C++ ordermatch example acceptor as a child process;
//! * `tradestream-fast` and `tradestream-durable`: [`tradestream`], `tradestream serve`
//!   in-process with its FIX gateway, in each acknowledgement mode.
//!
//! Each `--runs` times, every target at every rate (runs interleaved so a noisy stretch of the
//! shared VM does not land on one target only), plus one fdatasync floor per run for the
//! durable-ack overhead. A target that cannot start is reported and the others go on.
//!
//! Reading order: [`orders`] is the order flow and the dialects, [`message`], [`timestamp`]
//! and [`framer`] the client's own FIX encoding and decoding, [`session`] the FIX sessions,
//! [`load`] the open-loop client every target gets and [`tally`] its accounting; [`results`],
//! [`tables`] and [`summary`] reduce and print. Tables go to stdout, progress to stderr.

pub(crate) mod echo;
pub(crate) mod framer;
pub(crate) mod load;
pub(crate) mod message;
pub(crate) mod orders;
mod quickfix;
mod results;
pub(crate) mod session;
pub(crate) mod settings;
mod summary;
pub(crate) mod tables;
pub(crate) mod tally;
pub(crate) mod timestamp;
pub(crate) mod tradestream;

// Shared with the journal benchmark (the fdatasync floor, latency summaries, the noise meter,
// the scratch directory on disk) and the WebSocket one (the open-loop schedule, problems).
use crate::journal::{floor, latency, meter, scratch};
use crate::ws::{problems, schedule};

use std::net::SocketAddr;

use anyhow::Result;
use quanta::Clock;

use crate::open_loop::Start;
use load::LoadRun;
use orders::Dialect;
use quickfix::QuickFix;
use results::{Results, Row, Unavailable};
use scratch::{discard, Scratch};
pub use settings::FixArgs;
use settings::{Settings, Target};

/// Runs the `fix` subcommand.
pub fn run(args: &FixArgs) -> Result<()> {
    let settings = Settings::new(args)?;
    let dir = args.common.dir.clone();
    let mut start = Start::new(dir, |m, s| tables::header(m, s, &settings))?;
    let clock = &start.clock;

    let mut r = Results::default();
    for &target in &settings.targets {
        for &rate in &settings.rates {
            r.rows.push(Row {
                target,
                rate,
                order_bytes: order_bytes(target),
                runs: Vec::new(),
            });
        }
    }
    for run in 0..settings.runs {
        let of = format!("run {}/{}", run + 1, settings.runs);
        if settings.fsync_samples > 0 && settings.has_tradestream() {
            eprintln!("  fdatasync floor, {of}");
            let dir = start.scratch.fresh("fsync")?;
            let mode = floor::Mode::Append;
            r.fsync
                .push(floor::measure(&dir, mode, settings.fsync_samples, clock)?);
            discard(&dir)?;
        }
        for &target in &settings.targets {
            on_target(&mut r, &settings, &mut start.scratch, target, clock, &of)?;
        }
    }
    println!("{}", tables::all(&r, &settings));
    let (settings_json, results) = (settings.to_json(), summary::results(&r, &settings));
    start.finish("fix", settings_json, results, args.common.json.clone())
}

/// Bytes of one order of `target` on the wire; the floor's messages are as large as
/// Tradestream's NewOrderSingles.
fn order_bytes(target: Target) -> usize {
    match target {
        Target::Floor | Target::Tradestream(_) => orders::TRADESTREAM.order_bytes(),
        Target::QuickFix => orders::QUICKFIX.order_bytes(),
    }
}

/// One run of `target` at every rate: starts it (a fresh process or server), measures, stops
/// it. A target that cannot start, or a measurement that fails, is recorded and skipped.
fn on_target(
    r: &mut Results,
    settings: &Settings,
    scratch: &mut Scratch,
    target: Target,
    clock: &Clock,
    of: &str,
) -> Result<()> {
    let (w, s, threads) = (settings.warmup_seconds, settings.seconds, settings.threads);
    let not_measured = |r: &mut Results, when: String, e: anyhow::Error| {
        eprintln!("  {} not measured ({when}): {e:#}", target.name());
        r.unavailable.push(Unavailable {
            target,
            when,
            reason: format!("{e:#}"),
        });
    };
    match target {
        Target::Floor => {
            for &rate in &settings.rates {
                eprintln!("{}", tables::progress(target, rate, of));
                let bytes = order_bytes(target);
                match echo::measure(rate, bytes, w, s, threads, clock) {
                    Ok(run) => push(r, target, rate, run),
                    Err(e) => not_measured(r, format!("{of}, {rate}/s"), e),
                }
            }
        }
        Target::QuickFix => {
            let dir = scratch.fresh("quickfix")?;
            let dictionary = settings.quickfix_dictionary.as_deref();
            match QuickFix::start(&settings.ordermatch, &dir, dictionary) {
                Ok(peer) => {
                    eprintln!("  QuickFIX ordermatch on {}, {of}", peer.addr);
                    fix_rates(r, settings, target, peer.addr, orders::QUICKFIX, clock, of);
                    if let Err(e) = peer.stop() {
                        eprintln!("  warning: stopping ordermatch: {e:#}");
                    }
                }
                Err(e) => not_measured(r, of.to_string(), e),
            }
            discard(&dir)?;
        }
        Target::Tradestream(ack) => {
            let dir = scratch.fresh(&format!("tradestream-{}", ack.name()))?;
            match tradestream::Running::start(&dir, ack, settings.idle, false) {
                Ok(server) => {
                    eprintln!(
                        "  Tradestream ({} ack) FIX on {}, {of}",
                        ack.name(),
                        server.addr
                    );
                    fix_rates(
                        r,
                        settings,
                        target,
                        server.addr,
                        orders::TRADESTREAM,
                        clock,
                        of,
                    );
                    server.stop()?;
                }
                Err(e) => not_measured(r, of.to_string(), e),
            }
            discard(&dir)?;
        }
    }
    Ok(())
}

/// Every rate against the FIX acceptor at `addr`.
fn fix_rates(
    r: &mut Results,
    settings: &Settings,
    target: Target,
    addr: SocketAddr,
    dialect: Dialect,
    clock: &Clock,
    of: &str,
) {
    for &rate in &settings.rates {
        eprintln!("{}", tables::progress(target, rate, of));
        let (w, s) = (settings.warmup_seconds, settings.seconds);
        match session::measure(addr, dialect, rate, w, s, settings.threads, clock) {
            Ok(run) => push(r, target, rate, run),
            Err(e) => {
                eprintln!("  {} at {rate}/s failed: {e:#}", target.name());
                r.unavailable.push(Unavailable {
                    target,
                    when: format!("{of}, {rate}/s"),
                    reason: format!("{e:#}"),
                });
            }
        }
    }
}

/// Adds one run to its row.
fn push(r: &mut Results, target: Target, rate: u64, run: LoadRun) {
    if let Some(row) = r.row_mut(target, rate) {
        row.runs.push(run);
    }
}
