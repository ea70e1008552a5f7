//! The JSON summary: every run of every measurement, plus the medians the tables quote.

use serde_json::{json, Value};

use super::floor::Mode;
use super::latency::Latency;
use super::results::{med, Results};

/// The measurements as JSON (the caller adds machine, storage and settings).
pub fn results(r: &Results) -> Value {
    let floor_p50 = r.floor_p50(Mode::Append);
    json!({
        "stream": {
            "facts": r.stream_facts,
            "payload_mean_bytes": r.payloads.mean,
            "payload_min_bytes": r.payloads.min,
            "payload_max_bytes": r.payloads.max,
            "distinct_payloads": r.payloads.distinct,
        },
        "floor": r.floor.iter().map(|row| json!({
            "mode": row.mode.name(),
            "what": row.mode.describe(),
            "median": row.latency().map(|l| l.to_json()),
            "runs": row.runs.iter().map(|run| json!({
                "latency": run.latency.to_json(),
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "appends": r.appends.iter().map(|row| json!({
            "path": row.path.key(),
            "fsync": row.sync.key(),
            "fsync_label": row.sync.label(),
            "ring_capacity": row.sync.ring(),
            "median": {
                "records_per_s": med(&row.runs, |x| x.rate()),
                "record_mb_per_s": med(&row.runs, |x| x.record_mb_per_s()),
                "written_mb_per_s": med(&row.runs, |x| x.written_mb_per_s()),
                "records_per_sync": row.runs.iter()
                    .all(|x| x.syncs.is_some())
                    .then(|| med(&row.runs, |x| x.records_per_sync().unwrap_or(0.0))),
            },
            "runs": row.runs.iter().map(|run| json!({
                "records": run.records,
                "nanos": run.nanos,
                "record_bytes": run.record_bytes,
                "written_bytes": run.written_bytes,
                "syncs": run.syncs,
                "records_per_s": run.rate(),
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "durable_ack": r.ack.iter().map(|row| {
            let latency = row.latency();
            json!({
                "rate": row.rate,
                "median": {
                    "latency": latency.map(|l| l.to_json()),
                    "p50_over_fdatasync_p50": latency.zip(floor_p50)
                        .map(|(l, f)| l.p50() as f64 / f.max(1) as f64),
                    "p50_over_presized_p50": latency.zip(r.floor_p50(Mode::PreSized))
                        .map(|(l, f)| l.p50() as f64 / f.max(1) as f64),
                    "durable_commands_per_s": med(&row.runs, |x| x.durable_rate),
                    "commands_per_sync": med(&row.runs, |x| x.commands as f64 / x.steps.max(1) as f64),
                    "watermark_step_interval": row.step_interval().map(|l| l.to_json()),
                    "send_lateness": row.lateness().map(|l| l.to_json()),
                },
                "runs": row.runs.iter().map(|run| json!({
                    "latency": run.latency.to_json(),
                    "commands": run.commands,
                    "durable_commands_per_s": run.durable_rate,
                    "watermark_steps": run.steps,
                    "watermark_step_interval": run.step_interval.to_json(),
                    "send_lateness": run.lateness.map(Latency::to_json),
                    "noise": run.noise.to_json(),
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "fdatasync_p50_ns": floor_p50,
        "presized_fdatasync_p50_ns": r.floor_p50(Mode::PreSized),
        "journal": r.fixture.as_ref().map(|f| json!({
            "commands": f.commands,
            "last_seq": f.last_seq,
            "snapshot_seq": f.snapshot_seq,
            "snapshot_state_bytes": f.snapshot_bytes,
            "batch_bytes": f.journal_bytes,
            "segments": f.segments,
            "write_nanos": f.write_nanos,
            "write_commands_per_s": f.write_rate(),
        })),
        "replay": r.replay.iter().map(|row| json!({
            "mode": row.mode.name(),
            "median": {
                "records_per_s": med(&row.runs, |x| x.records_per_s()),
                "events_per_s": med(&row.runs, |x| x.events_per_s()),
                "nanos": med(&row.runs, |x| x.nanos as f64),
            },
            "runs": row.runs.iter().map(|run| json!({
                "records": run.records,
                "events": run.events,
                "nanos": run.nanos,
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "recovery": r.recovery.iter().map(|row| json!({
            "start": row.start.name(),
            "page_cache": row.cache.name(),
            "median": {
                "nanos": med(&row.runs, |x| x.nanos as f64),
                "scan_nanos": med(&row.runs, |x| x.scan_nanos as f64),
                "replayed_per_s": med(&row.runs, |x| x.replayed_per_s()),
            },
            "runs": row.runs.iter().map(|run| json!({
                "nanos": run.nanos,
                "scan_nanos": run.scan_nanos,
                "replayed": run.replayed,
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
