//! The markdown tables: exchange-core's latency table per venue, flat-out throughput with ratios
//! per workload, and the peers summary. Every table carries the machine and commit line.

use std::fmt::Write;

use super::contender::Contender;
use super::measure::{median_rate, worst_noise, RateLatency, VenueRuns, WorkloadResult, QUANTILES};
use super::settings::Settings;
use crate::driver::FlatOut;
use crate::machine::Machine;
use crate::noise::Noise;
use crate::report::{latency, percent, rate_label, thousands, throughput};

/// Said beside every latency table (BENCHMARKS.md).
const VM_NOTE: &str = "exchange-core's published figures come from a dual Xeon X5690 with \
    isolated cores; on this shared VM the far tail measures the hypervisor as much as the engine \
    (steal: largest steal of the runs; preempted: most involuntary context switches of this \
    process in a run, i.e. another process on this VM took the core)";

/// The baseline of a workload: the first venue that ran it, and its median throughput.
pub fn baseline(result: &WorkloadResult) -> Option<(&'static str, f64)> {
    result.throughput.iter().find_map(|t| match &t.outcome {
        Ok(runs) => median_rate(runs).map(|r| (t.venue, r)),
        Err(_) => None,
    })
}

/// All tables of one workload.
pub fn workload(result: &WorkloadResult, machine: &Machine, settings: &Settings) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n\n{}\n", result.title, machine.describe());
    for venue in &result.latency {
        out.push_str(&latency_table(result, venue, settings));
    }
    out.push_str(&throughput_table(result, settings));
    let _ = writeln!(out, "- stream: {}", result.facts.describe());
    out
}

fn latency_table(
    result: &WorkloadResult,
    venue: &VenueRuns<RateLatency>,
    settings: &Settings,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### {}: open loop (median of {} run(s) of {} commands each)\n",
        venue.venue,
        settings.runs,
        thousands(result.measured as u64)
    );
    let rows = match &venue.outcome {
        Ok(rows) => rows,
        Err(e) => {
            let _ = writeln!(out, "n/a: {e}\n");
            return out;
        }
    };
    let names: Vec<&str> = QUANTILES.iter().map(|(_, n)| *n).collect();
    let _ = writeln!(
        out,
        "| rate | {} | worst | achieved | steal | preempted |\n|---|{}---|---|---|---|",
        names.join(" | "),
        "---|".repeat(names.len())
    );
    for row in rows {
        let cells: Vec<String> = (0..QUANTILES.len())
            .map(|i| latency(row.quantile(i)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            rate_label(row.rate),
            cells.join(" | "),
            latency(row.worst()),
            throughput(row.achieved()),
            noise_cells(row.noise())
        );
    }
    if let Some(Ok(runs)) = result
        .throughput
        .iter()
        .find(|t| t.venue == venue.venue)
        .map(|t| &t.outcome)
    {
        if let Some(rate) = median_rate(runs) {
            let _ = writeln!(
                out,
                "| flat out |{} — | {} | {} |",
                " — |".repeat(QUANTILES.len()),
                throughput(rate),
                noise_cells(worst_noise(runs.iter().map(|r| r.noise)))
            );
        }
    }
    let _ = writeln!(out, "\n- {VM_NOTE}\n");
    out
}

fn throughput_table(result: &WorkloadResult, settings: &Settings) -> String {
    let mut out = String::new();
    let base = baseline(result);
    let _ = writeln!(
        out,
        "### flat out: throughput and ratio to {} (median of {} run(s), {} pass(es) of {} \
         commands each)\n",
        base.map_or("the baseline", |(name, _)| name),
        settings.runs,
        result.passes,
        thousands(result.measured as u64)
    );
    let _ = writeln!(
        out,
        "| venue | commands/s | ratio | rejected | steal | preempted |\n|---|---|---|---|---|---|"
    );
    let mut failures = Vec::new();
    for t in &result.throughput {
        match &t.outcome {
            Ok(runs) => {
                let Some(rate) = median_rate(runs) else {
                    continue;
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    t.venue,
                    throughput(rate),
                    base.map_or("n/a".into(), |(_, b)| format!("{:.2}x", rate / b)),
                    percent(rejected_share(runs)),
                    noise_cells(worst_noise(runs.iter().map(|r| r.noise)))
                );
            }
            Err(e) => {
                let _ = writeln!(out, "| {} | n/a | n/a | | | |", t.venue);
                failures.push(format!("- {} cannot run this workload: {e}", t.venue));
            }
        }
    }
    out.push('\n');
    for f in failures {
        let _ = writeln!(out, "{f}");
    }
    out
}

/// The `steal | preempted` cells.
fn noise_cells(noise: Noise) -> String {
    format!(
        "{} | {}",
        percent(noise.steal),
        noise
            .preempted
            .map_or_else(|| "n/a".into(), |n| n.to_string())
    )
}

fn rejected_share(runs: &[FlatOut]) -> Option<f64> {
    let commands: usize = runs.iter().map(|r| r.commands).sum();
    let rejected: usize = runs.iter().map(|r| r.rejected).sum();
    (commands > 0).then(|| 100.0 * rejected as f64 / commands as f64)
}

/// The peers summary: every workload's throughput ratios, then each venue's notes.
pub fn summary(
    results: &[WorkloadResult],
    contenders: &[Box<dyn Contender>],
    machine: &Machine,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Peers: throughput ratio (venue / baseline, medians)\n\n{}\n",
        machine.describe()
    );
    let names: Vec<&str> = contenders.iter().map(|c| c.name()).collect();
    let _ = writeln!(
        out,
        "| workload | baseline | {} |\n|---|---|{}",
        names.join(" | "),
        "---|".repeat(names.len())
    );
    for r in results {
        let Some((base_name, base)) = baseline(r) else {
            continue;
        };
        let cells: Vec<String> = names
            .iter()
            .map(|name| {
                r.throughput
                    .iter()
                    .find(|t| t.venue == *name)
                    .and_then(|t| t.outcome.as_ref().ok())
                    .and_then(|runs| median_rate(runs))
                    .map_or("n/a".into(), |rate| {
                        format!("{:.2}x ({})", rate / base, throughput(rate))
                    })
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} {} | {} |",
            r.key,
            base_name,
            throughput(base),
            cells.join(" | ")
        );
    }
    out.push('\n');
    for c in contenders {
        let _ = writeln!(out, "- {}", c.notes());
    }
    out
}
