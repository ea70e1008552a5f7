//! The markdown tables: one per rate with every target (medians over runs, worst noise of the
//! runs), the ratios beside BENCHMARKS.md's targets, then what went wrong.

use std::fmt::Write;

use bench::machine::Machine;
use bench::report::{latency as lat, percent, rate_label, thousands};

use super::latency::Latency;
use super::meter::RunNoise;
use super::results::{Results, Row};
use super::scratch::Storage;
use super::settings::{Settings, Target};

/// The header: machine, storage, client and targets.
pub fn header(machine: &Machine, storage: &Storage, settings: &Settings) -> String {
    format!(
        "# Tradestream FIX wire-to-wire benchmark\n\n{}\n\n{}\n\nclient: bench/src/fix (its own \
         FIX encoder and framer), two sessions (buys on BENCH1, sells on BENCH2, alternating, \
         one price: every pair trades), non-blocking std sockets, TCP_NODELAY, {}; latency from \
         each NewOrderSingle's planned send to the read of the first ExecutionReport with its \
         ClOrdID\n\ntargets: floor = loopback TCP echo of NewOrderSingle-sized messages, both \
         ends spinning; quickfix = QuickFIX 1.15 ordermatch (C++, FIX 4.2, child process, {}); \
         tradestream-{{fast,durable}} = in-process `tradestream::serve::Server`, FIX 4.4 \
         gateway, fsync always (group commit), engine.idle {}, a fresh server per mode and \
         run\n\nruns: {} (tables quote medians, JSON keeps every run); noise columns: highest \
         1-minute load average at the start of a run, most steal, most involuntary context \
         switches of the client\n",
        machine.describe(),
        storage.describe(),
        settings.threads.name(),
        settings.quickfix_dictionary.as_ref().map_or_else(
            || "no data dictionary".to_string(),
            |p| format!("validating against {}", p.display())
        ),
        settings.idle.name(),
        settings.runs,
    )
}

/// Every table, in order.
pub fn all(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    for &rate in &settings.rates {
        out.push_str(&rate_table(r, settings, rate));
    }
    out.push_str(&ratios(r, settings));
    out.push_str(&problems(r));
    out
}

/// The `load | steal | preempted` cells.
pub(crate) fn noise_cells(n: RunNoise) -> String {
    format!(
        "{} | {} | {}",
        n.load.map_or_else(|| "n/a".into(), |l| format!("{l:.2}")),
        percent(n.noise.steal),
        n.noise
            .preempted
            .map_or_else(|| "n/a".into(), |p| p.to_string())
    )
}

/// `p50 | p99 | p99.9 | worst` cells.
pub(crate) fn quantile_cells(l: &Latency) -> String {
    format!(
        "{} | {} | {} | {}",
        lat(l.quantiles[0]),
        lat(l.quantiles[2]),
        lat(l.quantiles[3]),
        lat(l.worst)
    )
}

fn rate_table(r: &Results, settings: &Settings, rate: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {}/s: NewOrderSingle to ExecutionReport over loopback (median of {} run(s), {} s \
         each after {} s of warm-up)\n",
        rate_label(rate),
        settings.runs,
        settings.seconds,
        settings.warmup_seconds
    );
    let _ = writeln!(
        out,
        "| target | rate | p50 | p99 | p99.9 | worst | sent | answered | rejected | timed | \
         late 99% | order bytes | load | steal | preempted |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for &target in &settings.targets {
        let Some(row) = r.row(target, rate) else {
            continue;
        };
        match row.latency() {
            Some(l) => {
                let _ = writeln!(out, "{}", measured_row(row, &l));
            }
            None => {
                let _ = writeln!(
                    out,
                    "| {} | {} | n/a | n/a | n/a | n/a | | | | | | {} | | | |",
                    target.name(),
                    rate_label(rate),
                    row.order_bytes
                );
            }
        }
    }
    if rate == settings.rates[settings.rates.len() - 1] {
        if let Some(f) = r.fsync() {
            let _ = writeln!(
                out,
                "\nfdatasync floor (4 KiB append + fdatasync, median of {} run(s)): p50 {}, \
                 p99 {}, p99.9 {}, worst {}",
                r.fsync.len(),
                lat(f.quantiles[0]),
                lat(f.quantiles[2]),
                lat(f.quantiles[3]),
                lat(f.worst)
            );
        }
    }
    let missing: Vec<String> = settings
        .targets
        .iter()
        .filter(|&&t| r.row(t, rate).is_none_or(|row| row.runs.is_empty()))
        .map(|t| format!("{}: not measured (see below)", t.name()))
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(out, "\n- {}", missing.join("\n- "));
    }
    out.push('\n');
    out
}

fn measured_row(row: &Row, l: &Latency) -> String {
    let count =
        |f: &dyn Fn(&super::load::LoadRun) -> u64| thousands(row.med(|x| f(x) as f64) as u64);
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        row.target.name(),
        rate_label(row.rate),
        quantile_cells(l),
        count(&|x| x.sent),
        count(&|x| x.answered),
        count(&|x| x.kinds[2]),
        thousands(l.samples),
        row.lateness()
            .map_or_else(|| "n/a".into(), |l| lat(l.quantiles[2])),
        row.order_bytes,
        noise_cells(row.noise())
    )
}

fn ratios(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let rates: Vec<String> = settings.rates.iter().map(|&x| rate_label(x)).collect();
    let _ = writeln!(
        out,
        "## Ratios (of the medians)\n\n| ratio | {} | BENCHMARKS.md target |\n|---|{}---|",
        rates.join(" | "),
        "---|".repeat(rates.len())
    );
    let per_rate: Vec<_> = settings.rates.iter().map(|&x| r.ratios(x)).collect();
    for (i, first) in per_rate[0].iter().enumerate() {
        let cells: Vec<String> = per_rate
            .iter()
            .map(|ratios| {
                ratios[i]
                    .value
                    .map_or_else(|| "n/a".into(), |v| format!("{v:.2}x"))
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            first.name,
            cells.join(" | "),
            first.target
        );
    }
    out.push('\n');
    out
}

fn problems(r: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## What went wrong\n");
    let mut any = false;
    for u in &r.unavailable {
        any = true;
        let _ = writeln!(
            out,
            "- {} not measured ({}): {}",
            u.target.name(),
            u.when,
            u.reason
        );
    }
    for failure in &r.stop_failures {
        any = true;
        let _ = writeln!(out, "- stopping {failure}");
    }
    for row in &r.rows {
        let p = row.problems();
        if p.is_clean() {
            continue;
        }
        any = true;
        let _ = writeln!(
            out,
            "- {} at {}/s: {} rejected, {} unexpected, {} unanswered (all runs); first: {}",
            row.target.name(),
            rate_label(row.rate),
            p.errors,
            p.unexpected,
            p.missing,
            p.examples.join(" / ")
        );
    }
    if !any {
        let _ = writeln!(
            out,
            "nothing: every order answered, none rejected, nothing unexpected"
        );
    }
    out.push('\n');
    out
}

/// A target's name, for progress lines.
pub fn progress(target: Target, rate: u64, of: &str) -> String {
    format!("  {} at {}/s, {of}", target.name(), rate_label(rate))
}
