//! The JSON summary: every run of every measurement, plus the medians the tables quote.

use serde_json::{json, Value};

use super::measure::{median_rate, worst_noise, RateLatency, VenueRuns, WorkloadResult, QUANTILES};
use super::tables::baseline;
use crate::driver::FlatOut;

/// One workload (or a skipped one) as JSON.
pub fn workload(result: &WorkloadResult) -> Value {
    let base = baseline(result);
    let throughput: serde_json::Map<String, Value> = result
        .throughput
        .iter()
        .map(|t| (t.venue.to_string(), flat_out(t, base.map(|(_, b)| b))))
        .collect();
    let latency: serde_json::Map<String, Value> = result
        .latency
        .iter()
        .map(|l| (l.venue.to_string(), open_loop(l)))
        .collect();
    json!({
        "title": result.title,
        "facts": result.facts.to_json(),
        "measured_commands": result.measured,
        "passes": result.passes,
        "baseline": base.map(|(name, _)| name),
        "throughput": throughput,
        "open_loop": latency,
    })
}

fn flat_out(t: &VenueRuns<FlatOut>, base: Option<f64>) -> Value {
    match &t.outcome {
        Ok(runs) => {
            let median = median_rate(runs);
            json!({
                "median_commands_per_s": median,
                "ratio_to_baseline": median.zip(base).map(|(m, b)| m / b),
                "max_steal_pct": worst_noise(runs.iter().map(|r| r.noise)).steal,
                "max_preempted": worst_noise(runs.iter().map(|r| r.noise)).preempted,
                "runs": runs.iter().map(|r| json!({
                    "commands": r.commands,
                    "nanos": r.nanos,
                    "commands_per_s": r.rate(),
                    "rejected": r.rejected,
                    "steal_pct": r.noise.steal,
                    "preempted": r.noise.preempted,
                })).collect::<Vec<_>>(),
            })
        }
        Err(e) => json!({ "error": e }),
    }
}

fn open_loop(l: &VenueRuns<RateLatency>) -> Value {
    match &l.outcome {
        Ok(rows) => Value::Array(rows.iter().map(rate).collect()),
        Err(e) => json!({ "error": e }),
    }
}

fn rate(row: &RateLatency) -> Value {
    let median: serde_json::Map<String, Value> = QUANTILES
        .iter()
        .enumerate()
        .map(|(i, (_, name))| {
            (
                format!("p{}_ns", name.trim_end_matches('%')),
                json!(row.quantile(i)),
            )
        })
        .chain([
            ("worst_ns".to_string(), json!(row.worst())),
            ("achieved_per_s".to_string(), json!(row.achieved())),
            ("max_steal_pct".to_string(), json!(row.noise().steal)),
            ("max_preempted".to_string(), json!(row.noise().preempted)),
        ])
        .collect();
    json!({
        "rate": row.rate,
        "median": median,
        "runs": row.runs.iter().map(|s| json!({
            "quantiles_ns": s.quantiles,
            "worst_ns": s.worst,
            "samples": s.samples,
            "achieved_per_s": s.achieved,
            "rejected": s.rejected,
            "steal_pct": s.noise.steal,
            "preempted": s.noise.preempted,
        })).collect::<Vec<_>>(),
    })
}
