//! The JSON summary: every run of every target and rate, the medians the tables quote, the
//! ratios, and what could not be measured.

use serde_json::{json, Value};

use super::latency::Latency;
use super::results::Results;
use super::settings::Settings;

/// The measurements as JSON (the caller adds machine, storage and settings).
pub fn results(r: &Results, settings: &Settings) -> Value {
    json!({
        "fdatasync": {
            "what": "4 KiB write_all at the end of a growing file + fdatasync",
            "median": r.fsync().map(Latency::to_json),
            "runs": r.fsync.iter().map(|run| json!({
                "latency": run.latency.to_json(),
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        },
        "targets": r.rows.iter().map(|row| json!({
            "target": row.target.name(),
            "rate": row.rate,
            "order_wire_bytes": row.order_bytes,
            "median": {
                "latency": row.latency().map(Latency::to_json),
                "send_lateness": row.lateness().map(Latency::to_json),
                "sent": row.med(|x| x.sent as f64),
                "answered": row.med(|x| x.answered as f64),
            },
            "problems": row.problems().to_json(),
            "runs": row.runs.iter().map(|run| json!({
                "latency": run.latency.to_json(),
                "send_lateness": run.lateness.to_json(),
                "sent": run.sent,
                "answered": run.answered,
                "later_answers": run.later,
                "first_answer_exec_type": {
                    "new": run.kinds[0],
                    "trade": run.kinds[1],
                    "rejected": run.kinds[2],
                    "other": run.kinds[3],
                },
                "problems": run.problems.to_json(),
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "ratios": settings.rates.iter().map(|&rate| json!({
            "rate": rate,
            "ratios": r.ratios(rate).iter().map(|x| json!({
                "name": x.name,
                "value": x.value,
                "target": x.target,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "stop_failures": r.stop_failures,
        "not_measured": r.unavailable.iter().map(|u| json!({
            "target": u.target.name(),
            "when": u.when,
            "reason": u.reason,
        })).collect::<Vec<_>>(),
    })
}
