//! The markdown tables: the floors, order entry, the ratios against the floor with
//! BENCHMARKS.md's targets beside them, the fan-out, and what the server got wrong. Every table
//! quotes medians over runs and the worst noise of its runs.

use std::fmt::Write;

use bench::machine::Machine;
use bench::report::{latency as lat, percent, rate_label, thousands};

use super::floor::Mode;
use super::latency::{Latency, QUANTILES};
use super::meter::RunNoise;
use super::problems::Problems;
use super::results::{latency, med, problems, ratio, worst, Results};
use super::scratch::Storage;
use super::settings::{Ack, Settings};

/// BENCHMARKS.md's wire-to-wire targets: at this rate, fast-ack p50 within 2x of the floor's
/// and p99 within 3x; durable ack adds about one fdatasync (judged met up to 1.5: under group
/// commit an order waits on average for half the sync under way, then its own).
pub const TARGET_RATE: u64 = 50_000;
/// Fast-ack p50 over the echo's p50.
pub const P50_TARGET: f64 = 2.0;
/// Fast-ack p99 over the echo's p99.
pub const P99_TARGET: f64 = 3.0;
/// Durable minus fast p50, in fdatasync p50s.
pub const DURABLE_TARGET: f64 = 1.5;

/// The header: machine, storage, server settings.
pub fn header(machine: &Machine, storage: &Storage, settings: &Settings) -> String {
    format!(
        "# Tradestream WebSocket wire-to-wire benchmarks\n\n{}\n\n{}\n\nserver: in-process \
         `tradestream::serve::Server`, one instrument, fsync always (group commit), \
         engine.idle {}, snapshot_every {}, slow_consumer_messages {}, a fresh server per mode \
         and run; client: tungstenite \
         (sync) over non-blocking std sockets, TCP_NODELAY, spinning\n\nruns: {} (tables quote \
         medians, JSON keeps every run){}; noise columns: highest 1-minute load average at the \
         start of a run, most steal, most involuntary context switches of the client thread\n",
        machine.describe(),
        storage.describe(),
        settings.idle.name(),
        settings.snapshot_every,
        settings.slow_consumer_messages,
        settings.runs,
        if settings.quick { " (quick)" } else { "" }
    )
}

/// Every table, in order.
pub fn all(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    if !r.fsync.is_empty() || !r.echo.is_empty() {
        out.push_str(&floors(r, settings));
    }
    if !r.entry.is_empty() {
        out.push_str(&entry(r, settings));
        out.push_str(&against_floor(r, settings));
    }
    if !r.fanout.is_empty() {
        out.push_str(&fanout(r, settings));
    }
    if !r.entry.is_empty() || !r.fanout.is_empty() || !r.failures.is_empty() {
        out.push_str(&server_problems(r));
    }
    out
}

/// The `load | steal | preempted` cells.
fn noise_cells(n: RunNoise) -> String {
    format!(
        "{} | {} | {}",
        n.load.map_or_else(|| "n/a".into(), |l| format!("{l:.2}")),
        percent(n.noise.steal),
        n.noise
            .preempted
            .map_or_else(|| "n/a".into(), |p| p.to_string())
    )
}

/// `50% | 90% | 99% | 99.9% | worst` cells.
fn quantile_cells(l: &Latency) -> String {
    format!("{} | {}", l.quantiles.map(lat).join(" | "), lat(l.worst))
}

/// `| 50% | 90% | 99% | 99.9% | worst` header cells.
fn quantile_names() -> String {
    let names: Vec<&str> = QUANTILES.iter().map(|(_, n)| *n).collect();
    format!("{} | worst", names.join(" | "))
}

fn floors(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    if !r.echo.is_empty() {
        let _ = writeln!(
            out,
            "## The floor: loopback TCP echo of {:.0}-byte messages, both ends spinning, open \
             loop (median of {} run(s), {} s per rate)\n",
            r.frame_bytes, settings.runs, settings.secs
        );
        let _ = writeln!(
            out,
            "| rate | {} | samples | load | steal | preempted |\n|---|---|---|---|---|---|---|---|---|---|",
            quantile_names()
        );
        for row in &r.echo {
            let Some(l) = latency(&row.runs, |x| x.latency) else {
                continue;
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                rate_label(row.rate),
                quantile_cells(&l),
                thousands(l.samples),
                noise_cells(worst(&row.runs, |x| x.noise))
            );
        }
        let _ = writeln!(
            out,
            "\n- messages as large as a place frame on the wire (JSON text + 6-byte masked \
             client frame header); BENCHMARKS.md quotes about 13 µs p50 and 19 µs p99 here\n"
        );
    }
    if !r.fsync.is_empty() {
        let _ = writeln!(
            out,
            "## The floor: one durable 4 KiB write (median of {} run(s) of {} writes)\n",
            settings.runs,
            thousands(settings.floor_samples as u64)
        );
        let _ = writeln!(
            out,
            "| write | {} | load | steal | preempted |\n|---|---|---|---|---|---|---|---|---|",
            quantile_names()
        );
        for row in &r.fsync {
            let Some(l) = latency(&row.runs, |x| x.latency) else {
                continue;
            };
            let _ = writeln!(
                out,
                "| {}: {} | {} | {} |",
                row.mode.name(),
                row.mode.describe(),
                quantile_cells(&l),
                noise_cells(worst(&row.runs, |x| x.noise))
            );
        }
        let _ = writeln!(
            out,
            "\n- the append row is BENCHMARKS.md's fdatasync floor (about 250 µs p50, 400 µs \
             p99 here); durable-ack overheads below are counted in its p50\n"
        );
    }
    out
}

fn entry(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Order entry over WebSocket: planned send of a place until its answer is read \
         (median of {} run(s), {} s per rate after {} s of warm-up)\n",
        settings.runs, settings.secs, settings.warmup_secs
    );
    let _ = writeln!(
        out,
        "| ack | rate | {} | p50 / floor p50 | p99 / floor p99 | timed | answered / sent | \
         late 99% | answer bytes | load | steal | preempted |\n|---|---|---|---|---|---|---|---|\
         ---|---|---|---|---|---|---|---|---|",
        quantile_names()
    );
    for row in &r.entry {
        let Some(l) = latency(&row.runs, |x| x.latency) else {
            continue;
        };
        let floor = r.echo(row.rate);
        let vs = |q: usize| {
            floor.map_or_else(
                || "n/a".into(),
                |f| format!("{:.2}x", ratio(l.quantiles[q], f.quantiles[q])),
            )
        };
        let late = latency(&row.runs, |x| x.lateness);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} / {} | {} | {:.0} | {} |",
            row.ack.name(),
            rate_label(row.rate),
            quantile_cells(&l),
            vs(0),
            vs(2),
            thousands(l.samples),
            thousands(med(&row.runs, |x| x.answered as f64) as u64),
            thousands(med(&row.runs, |x| x.sent as f64) as u64),
            late.map_or_else(|| "n/a".into(), |l| lat(l.quantiles[2])),
            med(&row.runs, |x| x.answer_bytes),
            noise_cells(worst(&row.runs, |x| x.noise))
        );
    }
    let _ = writeln!(
        out,
        "\n- every order is a limit IOC buy at 100 on an empty book: the whole accept, journal \
         and answer path, answered `cancelled` / `ioc_remainder`, and the book never grows\n- \
         latency counts from the planned send (open loop; a late send is charged its lateness, \
         no second correction); `late 99%` is how late the client's own sends left; `timed` counts \
         the measured orders answered without an error (refusals are listed at the end)\n"
    );
    out
}

fn against_floor(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let fsync = r.fsync(Mode::Append).map(|l| l.p50());
    let _ = writeln!(
        out,
        "## Against the floor (medians; targets from BENCHMARKS.md at {}: fast p50 ≤ {P50_TARGET}x \
         and p99 ≤ {P99_TARGET}x the echo's, durable adds about one fdatasync, judged ≤ \
         {DURABLE_TARGET})\n",
        rate_label(TARGET_RATE)
    );
    let _ = writeln!(
        out,
        "| rate | echo p50 | fast p50 | fast p50 / echo p50 | echo p99 | fast p99 | fast p99 / \
         echo p99 | durable p50 | durable - fast p50 | in fdatasync p50s | targets |\n|---|---|\
         ---|---|---|---|---|---|---|---|---|"
    );
    for &rate in &settings.rates {
        let (echo, fast, durable) = (
            r.echo(rate),
            r.entry(Ack::Fast, rate),
            r.entry(Ack::Durable, rate),
        );
        let cell = |v: Option<u64>| v.map_or_else(|| "n/a".into(), lat);
        let x = |a: Option<u64>, b: Option<u64>| {
            a.zip(b)
                .map_or_else(|| "n/a".into(), |(a, b)| format!("{:.2}x", ratio(a, b)))
        };
        let q = |l: Option<Latency>, i: usize| l.map(|l| l.quantiles[i]);
        let extra = fast
            .zip(durable)
            .map(|(f, d)| d.p50() as f64 - f.p50() as f64);
        let in_syncs = extra.zip(fsync).map(|(e, s)| e / s.max(1) as f64);
        let mut verdicts = Vec::new();
        if rate == TARGET_RATE {
            if let Some(p50) = q(fast, 0).zip(q(echo, 0)).map(|(a, b)| ratio(a, b)) {
                verdicts.push(format!("p50 {}", verdict(p50 <= P50_TARGET)));
            }
            if let Some(p99) = q(fast, 2).zip(q(echo, 2)).map(|(a, b)| ratio(a, b)) {
                verdicts.push(format!("p99 {}", verdict(p99 <= P99_TARGET)));
            }
        }
        if let Some(n) = in_syncs {
            verdicts.push(format!("durable {}", verdict(n <= DURABLE_TARGET)));
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            rate_label(rate),
            cell(q(echo, 0)),
            cell(q(fast, 0)),
            x(q(fast, 0), q(echo, 0)),
            cell(q(echo, 2)),
            cell(q(fast, 2)),
            x(q(fast, 2), q(echo, 2)),
            cell(q(durable, 0)),
            extra.map_or_else(|| "n/a".into(), |e| format!("{:.0} µs", e / 1e3)),
            in_syncs.map_or_else(|| "n/a".into(), |n| format!("≈ {n:.2}")),
            if verdicts.is_empty() {
                "-".into()
            } else {
                verdicts.join(", ")
            }
        );
    }
    let _ = writeln!(
        out,
        "\n- fdatasync p50 (append floor): {}\n",
        fsync.map_or_else(|| "not measured".into(), lat)
    );
    out
}

/// `met` or `MISSED`.
fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}

fn fanout(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Market-data fan-out: {} subscribers on bbo.{}, the best bid moved at a fixed rate \
         (median of {} run(s), {} s per rate)\n",
        thousands(settings.subscribers as u64),
        super::server::SYMBOL,
        settings.runs,
        settings.fanout_secs
    );
    let _ = writeln!(
        out,
        "| ack | rate | delay | {} | samples | updates | gaps | missing | cut off | set-up | load \
         | steal | preempted |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\
         ---|---|",
        quantile_names()
    );
    for row in &r.fanout {
        let runs = &row.runs;
        let noise = noise_cells(worst(runs, |x| x.noise));
        let p = problems(runs, |x| &x.problems);
        for (name, l) in [
            ("every subscriber", latency(runs, |x| x.all)),
            ("last subscriber", latency(runs, |x| x.last)),
        ] {
            let Some(l) = l else { continue };
            let _ = writeln!(
                out,
                "| {} | {}/s | {name} | {} | {} | {} | {} | {} | {} | {:.1} s | {noise} |",
                row.ack.name(),
                rate_label(row.rate),
                quantile_cells(&l),
                thousands(l.samples),
                thousands(med(runs, |x| x.updates as f64) as u64),
                runs.iter().map(|x| x.gaps).sum::<u64>(),
                p.missing,
                runs.iter().map(|x| x.closed).sum::<u64>(),
                med(runs, |x| x.setup_secs),
            );
        }
    }
    let _ = writeln!(
        out,
        "\n- the trader amends one resting bid between 100 and 100.5, one amend per planned \
         time, so each amend is one bbo update; delay = planned send of the amend until a \
         subscriber read the update (every subscriber: all pairs; last subscriber: per update)\n\
         - gaps: missing seq numbers summed over subscribers and runs (should be 0); missing: \
         deliveries that never came; cut off: subscriber connections the server ended\n- one \
         client thread drives the trader and all subscribers (edge-triggered epoll, zero \
         timeout, spinning)\n"
    );
    out
}

/// What the server answered wrongly, per measurement, with the first messages.
fn server_problems(r: &Results) -> String {
    let mut rows: Vec<(String, Problems)> = Vec::new();
    for row in &r.entry {
        rows.push((
            format!(
                "order entry, {} ack, {}",
                row.ack.name(),
                rate_label(row.rate)
            ),
            problems(&row.runs, |x| &x.problems),
        ));
    }
    for row in &r.fanout {
        rows.push((
            format!(
                "fan-out, {} ack, {}/s",
                row.ack.name(),
                rate_label(row.rate)
            ),
            problems(&row.runs, |x| &x.problems),
        ));
    }
    let mut out = String::from("## What the server got wrong\n\n");
    out.push_str(&problem_list(
        &r.failures,
        &rows,
        "nothing: every request answered, no errors, no gaps",
    ));
    out
}

/// The failures, then each measurement with problems and its first messages; `clean` when
/// there is nothing to list.
pub(crate) fn problem_list(
    failures: &[String],
    rows: &[(String, Problems)],
    clean: &str,
) -> String {
    let mut out = String::new();
    let bad: Vec<&(String, Problems)> = rows.iter().filter(|(_, p)| !p.is_clean()).collect();
    for f in failures {
        let _ = writeln!(out, "- failed: {f}");
    }
    if bad.is_empty() && failures.is_empty() {
        let _ = writeln!(out, "{clean}");
    }
    for (what, p) in bad {
        let _ = writeln!(
            out,
            "- {what}: {} errors, {} unexpected, {} missing",
            p.errors, p.unexpected, p.missing
        );
        for e in &p.examples {
            let _ = writeln!(out, "  - `{e}`");
        }
    }
    out
}
