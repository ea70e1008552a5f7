//! The markdown: one table of every gateway beside its floor at every rate and mode (medians
//! over runs, ratios to the floor), the target at 50K orders/s with met / not met, the
//! market-data delay, then what went wrong.

use std::fmt::Write;

use bench::machine::Machine;
use bench::report::{latency as lat, rate_label, thousands};

use super::results::{Measured, Results, Row};
use super::settings::{Gateway, Settings};
use super::target::{verdict, Ratios, P50_TARGET, P99_TARGET, TARGET_RATE};
use crate::fix::tables::{noise_cells, quantile_cells};
use crate::journal::latency::Latency;
use crate::journal::scratch::Storage;
use crate::ws::results::{latency, med, problems as problems_of, worst};
use crate::ws::settings::Ack;
use crate::ws::tables::problem_list;

/// The header: machine, storage, server and client.
pub fn header(machine: &Machine, storage: &Storage, settings: &Settings) -> String {
    format!(
        "# Tradestream wire to wire: order to acknowledgement per gateway, beside its floor\n\n\
         {}\n\n{}\n\nserver: in-process `tradestream::serve::Server` with every gateway \
         listening on loopback, fsync always (group commit), engine.idle {}, a fresh server per \
         mode and run; clients: for QUIC the gateway's own (`tradestream_quic::client`, quinn) \
         on a current-thread tokio runtime the measuring thread drives, for WebSocket and FIX \
         the `ws` and `fix` benchmarks' own (non-blocking std sockets, TCP_NODELAY); one \
         spinning thread per client sends on schedule and reads between sends\n\n\
         floors: a bare loopback echo of the gateway's order size (TCP for WebSocket and FIX), \
         both ends spinning, open loop like the gateways; UDP for QUIC, a datagram as large as the \
         1-RTT packet carrying one NewOrder\n\nlatency from each order's planned \
         send (open loop: a late send is charged its lateness) to the read of its first \
         answer; runs: {} (tables quote medians, JSON keeps every run); noise columns: highest \
         1-minute load average at the start of a run, most steal, most involuntary context \
         switches of the client thread\n",
        machine.describe(),
        storage.describe(),
        settings.open.idle.name(),
        settings.open.runs,
    )
}

/// Every table, in order.
pub fn all(r: &Results, settings: &Settings) -> String {
    let mut out = latency_table(r, settings);
    out.push_str(&targets(r, settings));
    if !r.md.is_empty() {
        out.push_str(&md_table(r, settings));
    }
    out.push_str(&problems(r));
    out
}

/// `label` of a row: `floor (TCP echo, 150 B)` or `fast ack`.
fn label(row: &Row) -> String {
    match row.measured {
        Measured::Floor => format!(
            "floor ({} echo, {} B)",
            row.gateway.floor_transport(),
            row.bytes
        ),
        Measured::Gateway(ack) => format!("{} ack", ack.name()),
    }
}

/// `2.10x` or `n/a`.
fn times(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".into(), |x| format!("{x:.2}x"))
}

fn latency_table(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Order to acknowledgement over loopback (median of {} run(s), {} s per rate after {} \
         s of warm-up)\n",
        settings.open.runs, settings.open.seconds, settings.open.warmup_seconds
    );
    let _ = writeln!(
        out,
        "| gateway | measured | rate | p50 | p99 | p99.9 | worst | p50 / floor | p99 / floor | \
         p99.9 / floor | answered / sent | late 99% | order bytes | load | steal | preempted |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for &gateway in &settings.gateways {
        for &rate in &settings.open.rates {
            let floor = r.latency(gateway, Measured::Floor, rate);
            for row in r
                .rows
                .iter()
                .filter(|row| row.gateway == gateway && row.rate == rate)
            {
                let Some(l) = latency(&row.runs, |x| x.latency) else {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | not measured | | | | | | | | | {} | | | |",
                        gateway.name(),
                        label(row),
                        rate_label(rate),
                        row.bytes
                    );
                    continue;
                };
                let ratios = match row.measured {
                    Measured::Floor => None,
                    Measured::Gateway(_) => floor.map(|f| Ratios::of(&l, &f)),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} / {} | {} | {} | {} |",
                    gateway.name(),
                    label(row),
                    rate_label(rate),
                    quantile_cells(&l),
                    times(ratios.map(|x| x.p50)),
                    times(ratios.map(|x| x.p99)),
                    times(ratios.map(|x| x.p999)),
                    thousands(med(&row.runs, |x| x.answered as f64) as u64),
                    thousands(med(&row.runs, |x| x.sent as f64) as u64),
                    Latency::median(
                        &row.runs
                            .iter()
                            .filter_map(|x| x.lateness)
                            .collect::<Vec<_>>()
                    )
                    .map_or_else(|| "n/a".into(), |l| lat(l.quantiles[2])),
                    row.bytes,
                    noise_cells(worst(&row.runs, |x| x.noise))
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\n- QUIC: NewOrder of a limit IOC buy at 100 on an empty book, to its OrderAck (a \
         CancelAck for the remainder follows, not timed); WebSocket: `place` of the same order, \
         answered `cancelled` / `ioc_remainder` (the `ws` benchmark's order entry); FIX: two sessions, \
         buys and sells at one price crossing pairwise, to the first ExecutionReport (the `fix` \
         benchmark's order flow)\n- ratios: the gateway's quantile over its own floor's at the \
         same rate, measured in the same run; the TCP echo for WebSocket runs over one \
         connection, for FIX over two (one per session)\n- late 99%: how late the client \
         handed its sends to the socket (to quinn for QUIC) after their planned time, its own \
         delay, already inside the latency (not recorded by the WebSocket floor)\n"
    );
    out
}

/// The fast-ack ratios of `gateway` at `rate`, if both sides were measured.
fn fast_ratios(r: &Results, gateway: Gateway, rate: u64) -> Option<Ratios> {
    let fast = r.latency(gateway, Measured::Gateway(Ack::Fast), rate)?;
    let floor = r.latency(gateway, Measured::Floor, rate)?;
    Some(Ratios::of(&fast, &floor))
}

fn targets(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Target (BENCHMARKS.md): fast-ack p50 within {P50_TARGET}x of the floor's p50 and p99 \
         within {P99_TARGET}x of its p99, at {} orders/s\n",
        rate_label(TARGET_RATE)
    );
    if !settings.open.rates.contains(&TARGET_RATE) || !settings.open.modes.contains(&Ack::Fast) {
        let _ = writeln!(
            out,
            "not judged: this run did not measure fast ack at {}/s\n",
            rate_label(TARGET_RATE)
        );
        return out;
    }
    let _ = writeln!(
        out,
        "| gateway | fast p50 / floor p50 | p50 ≤ {P50_TARGET}x | fast p99 / floor p99 | p99 ≤ \
         {P99_TARGET}x |\n|---|---|---|---|---|"
    );
    for &gateway in &settings.gateways {
        match fast_ratios(r, gateway, TARGET_RATE) {
            Some(x) => {
                let _ = writeln!(
                    out,
                    "| {} | {:.2}x | {} | {:.2}x | {} |",
                    gateway.name(),
                    x.p50,
                    verdict(x.p50_met()),
                    x.p99,
                    verdict(x.p99_met())
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "| {} | n/a | not measured | n/a | not measured |",
                    gateway.name()
                );
            }
        }
    }
    out.push('\n');
    out
}

fn md_table(r: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Market-data delay: a resting order's planned send until the public market data \
         showing it is read ({}/s resting orders, each cancelled half an interval later; median \
         of {} run(s), {} s each)\n",
        rate_label(settings.md_rate),
        settings.open.runs,
        settings.md_seconds
    );
    let _ = writeln!(
        out,
        "| gateway | market data | ack | p50 | p99 | p99.9 | worst | shown / placed | load | \
         steal | preempted |\n|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for row in &r.md {
        let shown: u64 = row.runs.iter().map(|x| x.shown).sum();
        let placed: u64 = row.runs.iter().map(|x| x.placed).sum();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} / {} | {} |",
            row.gateway.name(),
            md_channel(row.gateway),
            row.ack.name(),
            latency(&row.runs, |x| x.latency)
                .map_or_else(|| "not measured | | |".into(), |l| quantile_cells(&l)),
            thousands(shown),
            thousands(placed),
            noise_cells(worst(&row.runs, |x| x.noise))
        );
    }
    out.push('\n');
    out
}

/// What carries a gateway's public market data.
fn md_channel(gateway: Gateway) -> &'static str {
    match gateway {
        Gateway::Quic => "MdDelta datagram",
        Gateway::Ws => "`book.BTC-USD` update",
        Gateway::Fix => "MarketDataIncrementalRefresh (X)",
    }
}

/// What went wrong, per row, with the first messages.
fn problems(r: &Results) -> String {
    let rows = r.rows.iter().map(|row| {
        let what = format!(
            "{} {}, {}/s",
            row.gateway.name(),
            label(row),
            rate_label(row.rate)
        );
        (what, problems_of(&row.runs, |x| &x.problems))
    });
    let md = r.md.iter().map(|row| {
        let what = format!("{} market data, {} ack", row.gateway.name(), row.ack.name());
        (what, problems_of(&row.runs, |x| &x.problems))
    });
    let rows: Vec<_> = rows.chain(md).collect();
    format!(
        "## What went wrong\n\n{}",
        problem_list(
            &r.failures,
            &rows,
            "nothing: every order answered, every resting order shown, no errors"
        )
    )
}
