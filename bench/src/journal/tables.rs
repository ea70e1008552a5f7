//! The markdown tables: the floor, appends, durable ack, replay, recovery and the targets.
//! Every table quotes medians over runs and the worst noise of its runs (load average at the
//! start of a run, steal, preemptions of the sending thread).

use std::fmt::Write;

use bench::machine::Machine;
use bench::report::{latency, percent, rate_label, thousands, throughput};

use super::fixture::Fixture;
use super::floor::Mode;
use super::latency::QUANTILES;
use super::meter::RunNoise;
use super::results::{med, worst, AppendPath, Results};
use super::scratch::Storage;
use super::settings::Settings;

/// BENCHMARKS.md's targets.
const ACK_RATIO_TARGET: f64 = 1.5;
const DURABLE_RATE_TARGET: f64 = 1e6;
const REPLAY_EVENTS_TARGET: f64 = 10e6;

/// The header: machine, storage, settings.
pub fn header(machine: &Machine, storage: &Storage, settings: &Settings) -> String {
    format!(
        "# Tradestream journal benchmarks\n\n{}\n\n{}\n\nruns: {} (tables quote medians, JSON \
         keeps every run){}; noise columns: highest 1-minute load average at the start of a \
         run, most steal, most involuntary context switches of the sending thread\n",
        machine.describe(),
        storage.describe(),
        settings.runs,
        if settings.quick { " (quick)" } else { "" }
    )
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

/// Every table, in order.
pub fn all(results: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    if !results.floor.is_empty() {
        out.push_str(&floor(results, settings));
    }
    if !results.appends.is_empty() {
        out.push_str(&appends(results, settings));
    }
    if !results.ack.is_empty() {
        out.push_str(&ack(results, settings));
    }
    if let Some(f) = &results.fixture {
        if !results.replay.is_empty() {
            out.push_str(&replay(results, f));
        }
        if !results.recovery.is_empty() {
            out.push_str(&recovery(results, f, settings));
        }
    }
    out.push_str(&targets(results));
    out
}

fn floor(results: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## The floor: one durable 4 KiB write (median of {} run(s) of {} writes)\n",
        settings.runs,
        thousands(settings.floor_samples as u64)
    );
    let names: Vec<&str> = QUANTILES.iter().map(|(_, n)| *n).collect();
    let _ = writeln!(
        out,
        "| write | {} | worst | mean | writes/s | load | steal | preempted |\n|---|{}---|---|---|---|---|---|",
        names.join(" | "),
        "---|".repeat(names.len())
    );
    for row in &results.floor {
        let Some(l) = row.latency() else { continue };
        let _ = writeln!(
            out,
            "| {}: {} | {} | {} | {} | {:.0} | {} |",
            row.mode.name(),
            row.mode.describe(),
            l.quantiles.map(latency).join(" | "),
            latency(l.worst),
            latency(l.mean as u64),
            1e9 / l.mean.max(1.0),
            noise_cells(worst(&row.runs, |r| r.noise))
        );
    }
    let _ = writeln!(
        out,
        "\n- the append row is BENCHMARKS.md's floor (about 250 µs p50, 400 µs p99 on these \
         machines); durable-ack ratios below divide by its p50\n"
    );
    out
}

fn appends(results: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Appends: records pushed back to back for {} s, timed until the last is synced \
         (median of {} run(s))\n",
        settings.append_secs, settings.runs
    );
    let _ = writeln!(
        out,
        "| path | fsync | records/s | MB/s (records) | MB/s (written) | records/sync | records \
         | load | steal | preempted |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    for row in &results.appends {
        let runs = &row.runs;
        let per_sync = med(runs, |r| r.records_per_sync().unwrap_or(f64::NAN));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} | {:.1} | {} | {} | {} |",
            row.path.name(),
            row.sync.label(),
            throughput(med(runs, |r| r.rate())),
            med(runs, |r| r.record_mb_per_s()),
            med(runs, |r| r.written_mb_per_s()),
            if per_sync.is_nan() {
                "n/a".into()
            } else {
                format!("{per_sync:.1}")
            },
            thousands(med(runs, |r| r.records as f64) as u64),
            noise_cells(worst(runs, |r| r.noise))
        );
    }
    let p = results.payloads;
    let _ = writeln!(
        out,
        "\n- journal thread: `JournalSender::try_push` of {} real DurableEngine record payloads \
         (mean {:.0} bytes, {}-{}), cycled; DurableEngine: `apply` of the stream's commands \
         (encoding, matching, BLAKE3 digest chain, ring), prefaulted, after an untimed \
         preamble\n- MB/s (records): 13-byte record headers and payloads; MB/s (written): what \
         reached the segments, with 40-byte batch headers and padding to 512-byte sectors; \
         records/sync from the journal thread's counters (not exposed by DurableEngine)\n- \
         batch rows: `FsyncPolicy::Batch {{ records: k, micros: 1s }}` behind a ring of k \
         entries (each sync covers k to 2k-1 records); always: `FsyncPolicy::Always` behind the \
         default 4,096-entry ring; never: written, not synced\n- stream: {}\n",
        thousands(p.distinct as u64),
        p.mean,
        p.min,
        p.max,
        results.stream_facts
    );
    out
}

fn ack(results: &Results, settings: &Settings) -> String {
    let mut out = String::new();
    let floor = results.floor_p50(Mode::Append);
    let presized = results.floor_p50(Mode::PreSized);
    let ratio = |l: u64, f: Option<u64>| {
        f.map_or_else(
            || "n/a".into(),
            |f| format!("{:.2}x", l as f64 / f.max(1) as f64),
        )
    };
    let _ = writeln!(
        out,
        "## Durable ack: DurableEngine under group commit (fsync always), open loop, planned \
         send until the durable watermark covers the command (median of {} run(s), {} s per \
         rate, observer {})\n",
        settings.runs,
        settings.ack_secs,
        settings.observer.name()
    );
    let names: Vec<&str> = QUANTILES.iter().map(|(_, n)| *n).collect();
    let _ = writeln!(
        out,
        "| rate | {} | worst | p50 / append p50 | p50 / pre-sized p50 | durable commands/s | \
         commands/sync | commands | load | steal | preempted |\n|---|{}---|---|---|---|---|---|\
         ---|---|---|",
        names.join(" | "),
        "---|".repeat(names.len())
    );
    for row in &results.ack {
        let Some(l) = row.latency() else { continue };
        let runs = &row.runs;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {:.0} | {} | {} |",
            row.rate.map_or_else(|| "flat out".into(), rate_label),
            l.quantiles.map(latency).join(" | "),
            latency(l.worst),
            ratio(l.p50(), floor),
            ratio(l.p50(), presized),
            throughput(med(runs, |r| r.durable_rate)),
            med(runs, |r| r.commands as f64 / r.steps.max(1) as f64),
            thousands(med(runs, |r| r.commands as f64) as u64),
            noise_cells(worst(runs, |r| r.noise))
        );
    }
    let _ = writeln!(
        out,
        "\n- append p50 ({}): BENCHMARKS.md's floor; pre-sized p50 ({}): the same write into a \
         pre-sized file, as the journal's segments are; flat out times from the actual send, not \
         a planned one; commands/sync: commands over the watermark moves observed\n",
        floor.map_or_else(|| "n/a".into(), latency),
        presized.map_or_else(|| "n/a".into(), latency)
    );
    let _ = writeln!(
        out,
        "Where the time goes: how late sends left after their planned time (the sender's own \
         delays: apply, a full ring, preemption), and the time between watermark moves (one \
         group's write + fdatasync when syncs run back to back, plus idle time when they do \
         not)\n\n| rate | late 50% | late 99% | late 99.9% | \
         step 50% | step 90% | step 99% | step 99.9% | step worst |\n|---|---|---|---|---|---|---|\
         ---|---|"
    );
    for row in &results.ack {
        let Some(step) = row.step_interval() else {
            continue;
        };
        let late = row.lateness().map_or_else(
            || "— | — | —".to_string(),
            |l| {
                format!(
                    "{} | {} | {}",
                    latency(l.quantiles[0]),
                    latency(l.quantiles[2]),
                    latency(l.quantiles[3])
                )
            },
        );
        let _ = writeln!(
            out,
            "| {} | {late} | {} | {} |",
            row.rate.map_or_else(|| "flat out".into(), rate_label),
            step.quantiles.map(latency).join(" | "),
            latency(step.worst)
        );
    }
    out.push('\n');
    out
}

fn replay(results: &Results, f: &Fixture) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Replay: `tradestream_durable::replay` of {} commands from genesis, files in the \
         page cache (median of {} run(s))\n",
        thousands(f.commands),
        results.replay.first().map_or(0, |r| r.runs.len())
    );
    let _ = writeln!(
        out,
        "| what | records/s | events/s | time | events/record | load | steal | preempted \
         |\n|---|---|---|---|---|---|---|---|"
    );
    for row in &results.replay {
        let runs = &row.runs;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.2} | {} |",
            row.mode.name(),
            throughput(med(runs, |r| r.records_per_s())),
            throughput(med(runs, |r| r.events_per_s())),
            latency(med(runs, |r| r.nanos as f64) as u64),
            med(runs, |r| r.events as f64 / r.records.max(1) as f64),
            noise_cells(worst(runs, |r| r.noise))
        );
    }
    let _ = writeln!(
        out,
        "\n- the journal: {} commands in {} segment(s), {:.0} MB of batches, written by a \
         DurableEngine under group commit at {} with its snapshotter running; verify on \
         recomputes every event-digest link and the snapshot's state hash\n",
        thousands(f.commands),
        f.segments,
        f.journal_bytes as f64 / 1e6,
        throughput(f.write_rate())
    );
    out
}

fn recovery(results: &Results, f: &Fixture, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Recovery: `DurableEngine::open` on the journal of {} commands{} (median of {} \
         run(s))\n",
        thousands(f.commands),
        if f.commands < 10_000_000 {
            " (BENCHMARKS.md asks for 10M: run with --full)"
        } else {
            ""
        },
        settings.runs
    );
    let _ = writeln!(
        out,
        "| start | page cache | records replayed | time | scan alone | replayed/s | load | \
         steal | preempted |\n|---|---|---|---|---|---|---|---|---|"
    );
    for row in &results.recovery {
        let runs = &row.runs;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            row.start.name(),
            row.cache.name(),
            thousands(med(runs, |r| r.replayed as f64) as u64),
            latency(med(runs, |r| r.nanos as f64) as u64),
            latency(med(runs, |r| r.scan_nanos as f64) as u64),
            throughput(med(runs, |r| r.replayed_per_s())),
            noise_cells(worst(runs, |r| r.noise))
        );
    }
    let _ = writeln!(
        out,
        "\n- snapshot at {} ({} commands before the end, {:.1} MB of state); scan alone: \
         `JournalReader::open`, the CRC validation pass over every segment, which recovery \
         runs twice (writer, then reader) before it re-applies; cold: `posix_fadvise(DONTNEED)` \
         on every file first (the hypervisor may still cache the disk)\n",
        thousands(f.snapshot_seq),
        thousands(f.last_seq - f.snapshot_seq),
        f.snapshot_bytes as f64 / 1e6
    );
    out
}

fn targets(results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Targets (BENCHMARKS.md)\n\n| target | measured | met |\n|---|---|---|"
    );
    let yes = |ok: bool| if ok { "yes" } else { "no" };
    if let Some(floor) = results.floor_p50(Mode::Append) {
        let presized = results.floor_p50(Mode::PreSized);
        for row in &results.ack {
            let Some(l) = row.latency() else { continue };
            let ratio = l.p50() as f64 / floor.max(1) as f64;
            let _ = writeln!(
                out,
                "| durable-ack p50 within {ACK_RATIO_TARGET}x of one fdatasync, {} | {} / {} = \
                 {ratio:.2}x{} | {} |",
                row.rate
                    .map_or_else(|| "flat out".into(), |r| format!("{}/s", rate_label(r))),
                latency(l.p50()),
                latency(floor),
                presized.map_or_else(String::new, |p| format!(
                    " (pre-sized floor {}: {:.2}x)",
                    latency(p),
                    l.p50() as f64 / p.max(1) as f64
                )),
                yes(ratio <= ACK_RATIO_TARGET)
            );
        }
    }
    if let Some(flat) = results.ack.iter().find(|r| r.rate.is_none()) {
        let rate = med(&flat.runs, |r| r.durable_rate);
        let _ = writeln!(
            out,
            "| at least 1M durable commands/s with group commit | {} flat out | {} |",
            throughput(rate),
            yes(rate >= DURABLE_RATE_TARGET)
        );
    }
    if let Some(row) = results
        .appends
        .iter()
        .find(|r| r.path == AppendPath::DurableEngine && r.sync == super::policy::Sync::GroupCommit)
    {
        let rate = med(&row.runs, |r| r.rate());
        let _ = writeln!(
            out,
            "| (same, from the append table) | {} | {} |",
            throughput(rate),
            yes(rate >= DURABLE_RATE_TARGET)
        );
    }
    for row in results.replay.iter().filter(|r| r.mode.is_replay()) {
        let rate = med(&row.runs, |r| r.events_per_s());
        let _ = writeln!(
            out,
            "| replay at least 10M events/s, {} | {} | {} |",
            row.mode.name().trim_start_matches("replay, "),
            throughput(rate),
            yes(rate >= REPLAY_EVENTS_TARGET)
        );
    }
    out.push('\n');
    out
}
